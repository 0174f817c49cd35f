//! The run's inputs as a list (under the timeline): each one's step and sentence, a
//! button to go there, and ways to delete it or move it to another step (each a fork;
//! see `controller/inputs.rs`).

use super::catalog;
use crate::controller::{use_controller, Edit};
use crate::i18n::fill;
use leptos::prelude::*;

#[component]
pub fn InputList() -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    let open = RwSignal::new(false);
    let count = Memo::new(move |_| ctl.read(|s| s.input_steps().len()));
    // (step, sentence) of each input, read only while the list is open.
    let rows = Memo::new(move |_| {
        if !open.get() {
            return Vec::new();
        }
        ctl.read(|s| {
            s.input_steps()
                .into_iter()
                .map(|at| {
                    let line = s.log_lines(at, at + 1, cat()).pop();
                    (at, line.map(|l| l.text).unwrap_or_default())
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <details class="inputs" prop:open=move || open.get() on:toggle=move |ev| {
            let now = event_target::<web_sys::Element>(&ev).has_attribute("open");
            if now != open.get_untracked() {
                open.set(now);
            }
        }>
            <summary>{move || fill(cat().transport.inputs, &[("n", &count.get().to_string())])}</summary>
            <p class="muted small">{move || cat().transport.inputs_help}</p>
            <ol class="input-list">
                {move || rows.get().into_iter().enumerate().map(|(i, (at, text))| {
                    let target = RwSignal::new(at.to_string());
                    view! {
                        <li>
                            <button class="link-button" on:click=move |_| { ctl.pause(); ctl.seek(at + 1); }>
                                {format!("{} {at}", cat().transport.step)}
                            </button>
                            " " <span class="input-text">{text}</span>
                            <span class="input-edit">
                                <button class="btn btn-small" on:click=move |_| ctl.edit_input(Edit::Delete(i))>{cat().transport.input_delete}</button>
                                <input
                                    type="number"
                                    min="0"
                                    aria-label=cat().transport.input_move
                                    prop:value=move || target.get()
                                    on:input=move |ev| target.set(event_target_value(&ev))
                                />
                                <button class="btn btn-small" on:click=move |_| {
                                    if let Ok(to) = target.get_untracked().trim().parse::<u64>() {
                                        ctl.edit_input(Edit::Move(i, to));
                                    }
                                }>{cat().transport.input_move}</button>
                            </span>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </details>
    }
}
