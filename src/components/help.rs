//! The keyboard help overlay (`?`).

use super::catalog;
use super::legend::Legend;
use crate::controller::use_controller;
use leptos::prelude::*;

#[component]
pub fn HelpOverlay() -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    view! {
        <Show when=move || ctl.help_open.get()>
            <div class="overlay" on:click=move |_| ctl.help_open.set(false)>
                <div
                    class="dialog"
                    role="dialog"
                    aria-modal="true"
                    aria-label=move || cat().help.title
                    on:click=|ev| ev.stop_propagation()
                >
                    <h2>{move || cat().help.title}</h2>
                    <table class="keys">
                        <tbody>
                            {move || cat()
                                .help
                                .keys
                                .iter()
                                .map(|(k, what)| {
                                    // Keys that do the same thing are listed two spaces apart.
                                    let keys = k.split("  ").map(|k| view! { <kbd>{k}</kbd> " " }).collect_view();
                                    view! { <tr><td class="key-cell">{keys}</td><td>{*what}</td></tr> }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                    <h3>{move || cat().panels.legend_open}</h3>
                    <Legend />
                    <p class="muted">{move || cat().help.about}</p>
                    <button class="btn" on:click=move |_| ctl.help_open.set(false)>{move || cat().panels.close}</button>
                </div>
            </div>
        </Show>
    }
}
