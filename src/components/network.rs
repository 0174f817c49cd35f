//! Network faults: partition into two sides, cut one-way links, heal.

use super::{catalog, use_scene};
use crate::controller::use_controller;
use crate::labs::UiInput;
use leptos::prelude::*;

#[component]
pub fn NetworkPanel() -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    let scene = use_scene();
    let names = Memo::new(move |_| ctl.read(|s| s.node_names(cat())));
    let side = RwSignal::new(Vec::<usize>::new());
    let cut_from = RwSignal::new(0usize);
    let cut_to = RwSignal::new(1usize);
    let loss = RwSignal::new(500u16);
    let options = move |sel: RwSignal<usize>| {
        names
            .get()
            .into_iter()
            .enumerate()
            .map(move |(i, n)| view! { <option value=i.to_string() selected=move || sel.get() == i>{n}</option> })
            .collect_view()
    };
    view! {
        <section class="panel network" aria-label=move || cat().faults.network>
            <h2>{move || cat().faults.network}</h2>
            <p class="muted small">{move || cat().faults.network_hint}</p>
            <fieldset class="sides">
                <legend>{move || cat().faults.side_b}</legend>
                {move || names
                    .get()
                    .into_iter()
                    .enumerate()
                    .map(|(i, n)| view! {
                        <label class="check">
                            <input
                                type="checkbox"
                                prop:checked=move || side.get().contains(&i)
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    side.update(|s| {
                                        s.retain(|x| *x != i);
                                        if on { s.push(i); s.sort(); }
                                    });
                                }
                            />
                            {n}
                        </label>
                    })
                    .collect_view()}
            </fieldset>
            <div class="actions">
                <button
                    class="btn btn-danger"
                    disabled=move || side.get().is_empty() || side.get().len() == names.get().len()
                    on:click=move |_| ctl.inject(UiInput::Partition(side.get_untracked()))
                >
                    {move || cat().faults.partition}
                </button>
                <button class="btn btn-ok" on:click=move |_| { ctl.inject(UiInput::Heal); side.set(vec![]); }>
                    {move || cat().faults.heal}
                </button>
            </div>
            <div class="cut-row">
                <label>{move || cat().faults.cut_from} " "
                    <select on:change=move |ev| cut_from.set(event_target_value(&ev).parse().unwrap_or(0))>
                        {move || options(cut_from)}
                    </select>
                </label>
                <label>" " {move || cat().faults.cut_to} " "
                    <select on:change=move |ev| cut_to.set(event_target_value(&ev).parse().unwrap_or(0))>
                        {move || options(cut_to)}
                    </select>
                </label>
                <button
                    class="btn"
                    disabled=move || cut_from.get() == cut_to.get()
                    on:click=move |_| ctl.inject(UiInput::Cut(cut_from.get_untracked(), cut_to.get_untracked()))
                >
                    {move || cat().faults.cut}
                </button>
            </div>
            <div class="cut-row">
                <label>
                    {move || cat().faults.link_loss} " "
                    <input
                        type="number"
                        min="0"
                        max="1000"
                        prop:value=move || loss.get().to_string()
                        on:change=move |ev| loss.set(event_target_value(&ev).parse::<u16>().unwrap_or(0).min(1000))
                    />
                </label>
                <button
                    class="btn"
                    disabled=move || cut_from.get() == cut_to.get()
                    on:click=move |_| ctl.inject(UiInput::LinkLoss(cut_from.get_untracked(), cut_to.get_untracked(), loss.get_untracked()))
                >
                    {move || cat().faults.set_link_loss}
                </button>
            </div>
            <p class="small">
                <b>{move || cat().faults.cut_links}</b> {move || cat().colon}
                {move || {
                    let cut = scene.get().cut;
                    if cut.is_empty() {
                        cat().faults.no_cuts.to_string()
                    } else {
                        let n = names.get();
                        cut.iter().map(|(a, b)| format!("{} → {}", n[*a], n[*b])).collect::<Vec<_>>().join(cat().list_sep)
                    }
                }}
            </p>
        </section>
    }
}
