//! The invariant monitor: each invariant, live, with a link to the step that broke it.

use super::{catalog, use_scene};
use crate::controller::use_controller;
use crate::i18n::fill;
use leptos::prelude::*;

#[component]
pub fn InvariantMonitor() -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    let scene = use_scene();
    view! {
        <section class="panel invariants" aria-label=move || cat().panels.invariants>
            <h2>{move || cat().panels.invariants}</h2>
            <ul>
                {move || scene
                    .get()
                    .invariants
                    .into_iter()
                    .map(|inv| {
                        let status = match inv.first_violation {
                            None => format!("✓ {}", cat().panels.invariant_ok),
                            Some(step) => format!("✗ {}", fill(cat().panels.invariant_violated, &[("step", &step.to_string())])),
                        };
                        view! {
                            <li
                                class:violated=inv.first_violation.is_some()
                                class:spot=move || ctl.spotlit(|s, _| s.strip_prefix("inv=") == Some(inv.key))
                                title=inv.help
                            >
                                <span class="inv-name">{inv.name}</span>
                                " — "
                                <span class="inv-status">{status}</span>
                                <p class="muted small">{inv.help}</p>
                                {inv.first_violation.map(|step| view! {
                                    <button class="btn btn-small" on:click=move |_| { ctl.pause(); ctl.seek(step + 1); }>
                                        {fill(cat().panels.jump_to_step, &[("step", &step.to_string())])}
                                    </button>
                                })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
