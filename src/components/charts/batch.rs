//! The batch table: every variant (algorithm, placement) run without animation on the
//! same workload, one row per frame so the page keeps responding.

use crate::components::catalog;
use crate::controller::{use_controller, Controller};
use leptos::prelude::*;

/// Computes batch row `i` and schedules the next one on the next frame, so the page keeps
/// responding while the batch runs.
fn batch_step(
    ctl: Controller,
    rows: RwSignal<Vec<Vec<String>>>,
    running: RwSignal<bool>,
    i: usize,
) {
    request_animation_frame(move || {
        // The panel may have been drawn anew (new settings, another lab) since this frame
        // was asked for: its signals are then gone, and so is this batch.
        if running.try_get_untracked() != Some(true) {
            return;
        }
        let cat = ctl.lang.get_untracked().catalog();
        let (n, row) = ctl.with(|s| (s.batch_rows(), s.batch_row(i, cat)));
        if rows.try_update(|r| r.push(row)).is_none() {
            return;
        }
        if i + 1 < n {
            batch_step(ctl, rows, running, i + 1);
        } else {
            running.try_set(false);
        }
    });
}

#[component]
pub(super) fn BatchPanel() -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    let rows = RwSignal::new(Vec::<Vec<String>>::new());
    let running = RwSignal::new(false);
    // The table belongs to one configuration and seed: a new run clears it.
    let fingerprint =
        Memo::new(move |_| ctl.read(|s| format!("{:?}{}", s.settings(cat()), s.seed())));
    Effect::new(move |_| {
        fingerprint.get(); // (read, not tracked: a memo is computed only when read)
        rows.set(Vec::new());
        running.set(false);
    });
    let start = move |_| {
        rows.set(Vec::new());
        running.set(true);
        batch_step(ctl, rows, running, 0);
    };
    move || {
        let n = ctl.with(|s| s.batch_rows());
        (n > 0).then(|| {
            let table = ctl.with(|s| s.batch_table(rows.get(), cat()));
            let run = table.as_ref().map_or("", |t| t.run);
            view! {
                <div class="batch">
                    <button class="btn" on:click=start disabled=move || running.get()>
                        {move || if running.get() { cat().panels.batch_running } else { run }}
                    </button>
                    {table.filter(|t| !t.rows.is_empty()).map(|t| view! {
                        <table class="batch-table">
                            <caption>{t.title} {move || cat().colon} {t.caption}</caption>
                            <thead><tr>{t.columns.iter().map(|c| view! { <th scope="col">{*c}</th> }).collect_view()}</tr></thead>
                            <tbody>
                                {t.rows.into_iter().map(|r| view! {
                                    <tr>{r.into_iter().enumerate().map(|(i, c)| if i == 0 {
                                        view! { <th scope="row">{c}</th> }.into_any()
                                    } else {
                                        view! { <td>{c}</td> }.into_any()
                                    }).collect_view()}</tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    })}
                </div>
            }
        })
    }
}
