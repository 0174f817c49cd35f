//! A node's or a message's actions in a small menu beside it: right-click (a long press
//! on a touch screen, where the browser turns it into a context menu). The same actions
//! as the inspector's, without the mouse travelling to the sidebar.

use super::catalog;
use crate::controller::{use_controller, Selection};
use crate::i18n::count;
use crate::labs::UiInput;
use leptos::prelude::*;

/// How long a message is delayed from the menu (the inspector takes any length).
const DELAY_TICKS: u64 = 100;
/// The menu's room, so it opens inside the window near an edge (CSS px).
const MENU_W: f64 = 230.0;
const MENU_H: f64 = 220.0;

#[component]
pub fn ContextMenu() -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    let menu_ref: NodeRef<leptos::html::Div> = NodeRef::new();
    // The first item takes the focus, so the keyboard can go on from there.
    Effect::new(move |_| {
        if ctl.menu.get().is_some() {
            request_animation_frame(move || {
                if let Some(first) = menu_ref
                    .get_untracked()
                    .and_then(|m| m.query_selector("button").ok().flatten())
                {
                    use wasm_bindgen::JsCast;
                    if let Ok(b) = first.dyn_into::<web_sys::HtmlElement>() {
                        let _ = b.focus();
                    }
                }
            });
        }
    });
    move || {
        let (target, x, y) = ctl.menu.get()?;
        let c = cat();
        let (title, items): (String, Vec<(String, UiInput, bool)>) = match target {
            Selection::Node(i) => {
                let name = ctl
                    .with(|s| s.node_names(c).get(i).cloned())
                    .unwrap_or_default();
                let mut items = Vec::new();
                if ctl.with(|s| s.node_up(i)) == Some(true) {
                    items.push((c.faults.crash.to_string(), UiInput::Crash(i), true));
                    for a in ctl.with(|s| s.actions(i, c)) {
                        items.push((a.label.to_string(), UiInput::Action(i, a.id), false));
                    }
                } else {
                    items.push((c.faults.restart.to_string(), UiInput::Restart(i), false));
                }
                (name, items)
            }
            Selection::Message(id) => {
                let label = ctl.with(|s| s.inspect_message(id, c)).map(|(l, _)| l)?;
                let ticks = count(DELAY_TICKS, c.sim.ticks_one, c.sim.ticks_many);
                let items = vec![
                    (c.faults.drop.to_string(), UiInput::Drop(id), true),
                    (
                        c.faults.duplicate.to_string(),
                        UiInput::Duplicate(id),
                        false,
                    ),
                    (
                        format!("{} · {ticks}", c.faults.delay),
                        UiInput::Delay(id, DELAY_TICKS),
                        false,
                    ),
                ];
                (format!("{} {label}", c.panels.message), items)
            }
            Selection::None => return None,
        };
        let (w, h) = (
            window()
                .inner_width()
                .ok()
                .and_then(|v| v.as_f64())
                .unwrap_or(1024.0),
            window()
                .inner_height()
                .ok()
                .and_then(|v| v.as_f64())
                .unwrap_or(768.0),
        );
        let (left, top) = (x.min(w - MENU_W).max(0.0), y.min(h - MENU_H).max(0.0));
        let buttons = items
            .into_iter()
            .map(|(label, input, danger)| {
                view! {
                    <button
                        role="menuitem"
                        class="ctx-item"
                        class:danger=danger
                        on:click=move |ev| {
                            ev.stop_propagation();
                            ctl.menu.set(None);
                            ctl.inject(input.clone());
                        }
                    >
                        {label}
                    </button>
                }
            })
            .collect_view();
        let name = title.clone();
        Some(view! {
            <div
                class="ctx-menu"
                role="menu"
                aria-label=name
                node_ref=menu_ref
                style:left=format!("{left}px")
                style:top=format!("{top}px")
                on:click=|ev| ev.stop_propagation()
                on:contextmenu=|ev| ev.prevent_default()
            >
                <p class="ctx-title">{title}</p>
                {buttons}
            </div>
        })
    }
}
