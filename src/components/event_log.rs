//! The event log: one sentence per step; clicking a line jumps to just after it.

use super::catalog;
use crate::controller::use_controller;
use crate::i18n::fill;
use leptos::html::Ol;
use leptos::prelude::*;

/// Lines kept around the cursor: long runs stay light to render.
const BEFORE: u64 = 300;
const AFTER: u64 = 100;

#[component]
pub fn EventLog() -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    let window = Memo::new(move |_| {
        ctl.read(|s| {
            let at = s.cursor();
            let from = at.saturating_sub(BEFORE);
            (at, from, s.log_lines(from, at + AFTER, cat()))
        })
    });
    let list: NodeRef<Ol> = NodeRef::new();
    // Keep the current line in view inside the log's own scroll box.
    Effect::new(move |_| {
        window.track();
        if let Some(ol) = list.get() {
            if let Ok(Some(cur)) = ol.query_selector("[aria-current]") {
                let cur: web_sys::HtmlElement = wasm_bindgen::JsCast::unchecked_into(cur);
                let (top, h) = (cur.offset_top(), cur.offset_height());
                let (view_top, view_h) = (ol.scroll_top(), ol.client_height());
                if top < view_top || top + h > view_top + view_h {
                    ol.set_scroll_top((top - view_h / 2).max(0));
                }
            }
        }
    });
    view! {
        <section class="panel event-log">
            <h2>{move || cat().panels.event_log}</h2>
            <Show when=move || window.with(|w| w.1 > 0)>
                <p class="muted">{move || fill(cat().panels.event_log_earlier, &[("count", &window.get().1.to_string())])}</p>
            </Show>
            <Show when=move || window.with(|w| w.2.is_empty())>
                <p class="muted">{move || cat().panels.event_log_empty}</p>
            </Show>
            <ol node_ref=list aria-label=move || cat().panels.event_log>
                <For
                    each=move || { let (at, _, lines) = window.get(); lines.into_iter().map(move |l| (at, l)) }
                    key=|(at, l)| (l.step, l.step < *at, l.step + 1 == *at, l.text.clone())
                    children=move |(at, line)| {
                        let step = line.step;
                        let future = step >= at;
                        let current = step + 1 == at;
                        view! {
                            <li
                                data-step=step
                                class=format!("log-line {}", line.kind.class())
                                class:future=future
                                aria-current=current.then_some("step")
                            >
                                <button class="log-button" on:click=move |_| {
                                    ctl.pause();
                                    ctl.seek(step + 1);
                                }>
                                    <span class="log-step">{step}</span>
                                    <span class="log-time">{fill(cat().panels.time_at, &[("t", &line.time.to_string())])}</span>
                                    <span class="log-text">{line.text}</span>
                                </button>
                            </li>
                        }
                    }
                />
            </ol>
        </section>
    }
}
