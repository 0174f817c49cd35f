//! Presenter mode's caption bar: the sentence for the current step, large, with the one
//! before it fading above (the transport and the canvas are the page's own).

use super::{catalog, use_throttled};
use crate::controller::use_controller;
use leptos::prelude::*;

#[component]
pub fn Caption() -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    // The lines of the step before and of the current step (the cursor is after it).
    let lines = use_throttled(move || {
        ctl.with(|s| {
            let at = s.cursor();
            s.log_lines(at.saturating_sub(2).max(s.first()), at, cat())
        })
    });
    view! {
        <section class="caption" aria-live="polite" aria-label=move || cat().transport.caption>
            {move || {
                let lines = lines.get();
                if lines.is_empty() {
                    return view! { <p class="caption-now muted">{cat().panels.event_log_empty}</p> }.into_any();
                }
                let count = lines.len();
                lines
                    .into_iter()
                    .enumerate()
                    .map(|(i, l)| {
                        let now = i + 1 == count;
                        view! {
                            <p class=format!("{} {}", if now { "caption-now" } else { "caption-before" }, l.kind.class())>
                                <span class="caption-step">{l.step}</span>
                                " "
                                {l.text}
                            </p>
                        }
                    })
                    .collect_view()
                    .into_any()
            }}
        </section>
    }
}
