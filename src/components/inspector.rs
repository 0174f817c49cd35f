//! The inspector: the selected node's durable and volatile state and its actions, or
//! the selected message's fields and faults.

use super::catalog;
use crate::controller::{use_controller, Selection};
use crate::labs::{Row, TextField, UiInput};
use leptos::prelude::*;

#[component]
pub fn InspectorPanel() -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    // On a phone the sheet covers the bottom of the screen: the canvas goes to the top,
    // so the selected node stays in view above it.
    Effect::new(move |_| {
        let phone = window()
            .match_media("(max-width: 600px)")
            .ok()
            .flatten()
            .is_some_and(|m| m.matches());
        if ctl.selection.get() != Selection::None && phone {
            if let Ok(Some(canvas)) = document().query_selector(".canvas") {
                canvas.scroll_into_view();
            }
        }
    });
    let body = move || match ctl.selection.get() {
        Selection::None => {
            view! { <p class="muted">{cat().panels.inspector_empty}</p> <InFlightList /> }
                .into_any()
        }
        Selection::Node(i) => view! { <NodeInspector index=i /> }.into_any(),
        Selection::Message(id) => view! { <MessageInspector id=id /> }.into_any(),
    };
    view! {
        // On a phone, a selection opens the inspector as a sheet over the bottom of the
        // screen, near the canvas; its close button clears the selection.
        <section
            class="panel inspector"
            class:open=move || ctl.selection.get() != Selection::None
            aria-label=move || cat().panels.inspector
        >
            <div class="inspector-head">
                <h2>{move || cat().panels.inspector}</h2>
                <button class="btn btn-small sheet-close" on:click=move |_| ctl.selection.set(Selection::None)>
                    {move || cat().panels.close}
                </button>
            </div>
            {body}
        </section>
    }
}

fn rows(rows: Vec<Row>) -> impl IntoView {
    view! {
        <dl class="rows">
            {rows
                .into_iter()
                .map(|r| view! { <dt>{r.label}</dt><dd class:warn=r.warn>{r.value}</dd> })
                .collect_view()}
        </dl>
    }
}

/// Shown above actions taken at a past step.
fn fork_hint() -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    let past = Memo::new(move |_| ctl.read(|s| s.cursor() < s.len()));
    view! {
        <Show when=move || past.get()>
            <p class="hint fork">{move || cat().faults.past_fork}</p>
        </Show>
    }
}

#[component]
fn NodeInspector(index: usize) -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    let info = Memo::new(move |_| ctl.read(|s| s.inspect_node(index, cat())));
    let actions = Memo::new(move |_| ctl.read(|s| s.actions(index, cat())));
    let field = Memo::new(move |_| ctl.read(|s| s.text_field(index, cat())));
    let up = move || info.get().is_some_and(|i| i.up);
    move || {
        let Some(i) = info.get() else {
            return view! { <p></p> }.into_any();
        };
        view! {
            <div class="node-inspector">
                <h3>{i.name.clone()} <span class="status">{i.status.clone()}</span></h3>
                <div class="actions" role="group" aria-label=cat().faults.node_actions>
                    {fork_hint()}
                    <Show
                        when=up
                        fallback=move || view! {
                            <button class="btn btn-ok" on:click=move |_| ctl.inject(UiInput::Restart(index))>
                                {cat().faults.restart}
                            </button>
                        }
                    >
                        <button class="btn btn-danger" on:click=move |_| ctl.inject(UiInput::Crash(index))>
                            {cat().faults.crash}
                        </button>
                    </Show>
                    {move || actions
                        .get()
                        .into_iter()
                        .map(|a| view! {
                            <button class="btn" on:click=move |_| ctl.inject(UiInput::Action(index, a.id))>{a.label}</button>
                        })
                        .collect_view()}
                </div>
                {move || field.get().map(|f| view! { <TextFieldForm index=index field=f /> })}
                {i.notes.iter().map(|n| view! { <p class="hint">{n.clone()}</p> }).collect_view()}
                <h4>{cat().panels.durable}</h4>
                <p class="muted small">{cat().panels.durable_hint}</p>
                {rows(i.durable.clone())}
                <h4>{cat().panels.volatile}</h4>
                {match i.volatile.clone() {
                    Some(v) => rows(v).into_any(),
                    None => view! { <p class="warn">{cat().panels.volatile_lost}</p> }.into_any(),
                }}
                <h4>{cat().panels.timers}</h4>
                {if i.timers.is_empty() {
                    view! { <p class="muted">{cat().panels.no_timers}</p> }.into_any()
                } else {
                    rows(i.timers.clone()).into_any()
                }}
            </div>
        }
        .into_any()
    }
}

/// A node's text field (a key) and the actions that send what is typed; a text the lab
/// refuses gets its reason beside the field, and the field keeps what was typed.
#[component]
fn TextFieldForm(index: usize, field: TextField) -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    let text = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let input_id = format!("text-field-{index}");
    let send = move |action: &'static str| {
        let typed = text.get_untracked();
        match ctl.read(|s| s.check_text(index, action, &typed, cat())) {
            Ok(()) => {
                problem.set(None);
                ctl.inject(UiInput::ActionText(index, action, typed));
            }
            Err(why) => problem.set(Some(why)),
        }
    };
    view! {
        <form class="text-field" on:submit=move |ev| {
            ev.prevent_default();
            if let Some(first) = field.actions.first() {
                send(first.id);
            }
        }>
            <label for=input_id.clone()>{field.label}</label>
            <input
                id=input_id
                type="text"
                maxlength="64"
                placeholder=field.placeholder
                aria-invalid=move || problem.get().is_some().to_string()
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            />
            {field
                .actions
                .iter()
                .map(|a| {
                    let id = a.id;
                    view! { <button class="btn" type="button" on:click=move |_| send(id)>{a.label}</button> }
                })
                .collect_view()}
            {move || problem.get().map(|p| view! { <p class="warn small" role="alert">{p}</p> })}
        </form>
    }
}

#[component]
fn MessageInspector(id: u64) -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    let info = Memo::new(move |_| ctl.read(|s| s.inspect_message(id, cat())));
    let delay = RwSignal::new(100u64);
    move || {
        match info.get() {
        None => view! { <p class="muted">{cat().panels.inspector_empty}</p> }.into_any(),
        Some((label, fields)) => view! {
            <div class="msg-inspector">
                <h3>{cat().panels.message} " " {label} " " <span class="muted">{crate::i18n::fill(cat().sim.msg_id, &[("id", &id.to_string())])}</span></h3>
                {rows(fields)}
                <div class="actions" role="group" aria-label=cat().faults.message_actions>
                    {fork_hint()}
                    <button class="btn btn-danger" on:click=move |_| ctl.inject(UiInput::Drop(id))>{cat().faults.drop}</button>
                    <button class="btn" on:click=move |_| ctl.inject(UiInput::Duplicate(id))>{cat().faults.duplicate}</button>
                    <button class="btn" on:click=move |_| ctl.inject(UiInput::Delay(id, delay.get_untracked()))>
                        {cat().faults.delay}
                    </button>
                    <label class="inline">
                        <input
                            type="number"
                            min="1"
                            max="100000"
                            prop:value=move || delay.get().to_string()
                            on:change=move |ev| {
                                if let Ok(v) = event_target_value(&ev).parse::<u64>() {
                                    delay.set(v.clamp(1, 100_000));
                                }
                            }
                        />
                        " " {cat().faults.delay_by}
                    </label>
                </div>
            </div>
        }
        .into_any(),
    }
    }
}

/// Messages listed while playing (the soonest to arrive).
const LISTED_PLAYING: usize = 12;

/// Every message in flight as a button: a precise way to pick one (and the keyboard's).
/// While playing it follows the run a few times a second; each message's button is made
/// once, while it stays in flight.
#[component]
fn InFlightList() -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    let scene = super::use_scene();
    let names = Memo::new(move |_| ctl.read(|s| s.node_names(cat())));
    let messages = super::use_throttled(move || {
        let n = names.get();
        let name = |i: usize| n.get(i).cloned().unwrap_or_default();
        // While playing, only the messages arriving soonest: the list changes too fast to
        // read, and pausing lists them all.
        let most = if ctl.playing.get_untracked() {
            LISTED_PLAYING
        } else {
            usize::MAX
        };
        scene.with(|s| {
            let mut shown: Vec<&crate::labs::MsgView> = s.messages.iter().collect();
            shown.sort_by_key(|m| (m.deliver_at, m.id));
            shown.truncate(most);
            let hidden = s.messages.len() - shown.len() + s.messages_hidden;
            let list = shown.into_iter().map(|m| {
                let text = crate::i18n::fill(
                    cat().panels.in_flight_item,
                    &[
                        ("label", &m.label),
                        ("from", &name(m.from)),
                        ("to", &name(m.to)),
                        ("due", &m.deliver_at.to_string()),
                    ],
                );
                (m.id, text)
            });
            (list.collect::<Vec<_>>(), hidden)
        })
    });
    view! {
        <Show when=move || !messages.with(|m| m.0.is_empty())>
            <h4>{move || cat().panels.in_flight}</h4>
            <ul class="in-flight">
                <For
                    each=move || messages.with(|m| m.0.clone())
                    key=|(id, text)| (*id, text.clone())
                    children=move |(id, text)| view! {
                        <li>
                            <button class="link-button" on:click=move |_| ctl.select(Selection::Message(id))>{text}</button>
                        </li>
                    }
                />
            </ul>
            {move || {
                let hidden = messages.with(|m| m.1);
                (hidden > 0).then(|| {
                    let n = hidden.to_string();
                    let text = if ctl.playing.get() {
                        crate::i18n::fill(cat().panels.in_flight_more_playing, &[("n", &n)])
                    } else {
                        let max = crate::labs::MAX_DRAWN_MESSAGES.to_string();
                        crate::i18n::fill(cat().panels.in_flight_more, &[("n", &n), ("max", &max)])
                    };
                    view! { <p class="small muted">{text}</p> }
                })
            }}
        </Show>
    }
}
