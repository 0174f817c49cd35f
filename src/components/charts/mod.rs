//! Plots of the run (latency percentiles, throughput, failures, utilisation, keys per
//! server, the hash ring) and the batch table, for labs that measure. Pure SVG: each kind
//! of [`Chart`] has its own component (`line.rs`, `bar.rs`, `ring.rs`) inside one frame.

mod bar;
mod batch;
mod line;
mod ring;

use super::catalog;
use crate::controller::use_controller;
use crate::labs::{Chart, ChartHead};
use batch::BatchPanel;
use leptos::prelude::*;

/// A line or bar chart's drawing area, in SVG units.
const W: f64 = 460.0;
const H: f64 = 150.0;
const PAD_L: f64 = 44.0;
const PAD_B: f64 = 20.0;
const PAD_T: f64 = 8.0;

/// The largest y a chart shows (at least 1), so two charts side by side can share it.
fn top(chart: &Chart) -> u64 {
    let max = match chart {
        Chart::Line(c) => c
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1))
            .max(),
        Chart::Bar(c) => c.bars.iter().map(|b| b.1).max(),
        Chart::Ring(_) => None,
    };
    max.unwrap_or(0).max(1)
}

/// The y axis of a line or bar chart, from 0 to `ymax`.
fn y_axis(ymax: u64) -> impl IntoView {
    view! {
        <line class="axis" x1=PAD_L y1=PAD_T x2=PAD_L y2=H - PAD_B />
        <line class="axis" x1=PAD_L y1=H - PAD_B x2=W - 8.0 y2=H - PAD_B />
        <text class="tick" x=PAD_L - 4.0 y=PAD_T + 8.0 text-anchor="end">{ymax}</text>
        <text class="tick" x=PAD_L - 4.0 y=H - PAD_B text-anchor="end">"0"</text>
    }
}

/// What every chart is drawn in: a figure with its title and unit, the SVG (`body`, in a
/// `view_box`), a legend of (label, style) and the note. `summary` is what a screen
/// reader hears for the picture.
fn frame(
    head: ChartHead,
    summary: String,
    view_box: String,
    ring: bool,
    legend: Vec<(String, &'static str)>,
    body: AnyView,
) -> impl IntoView {
    let cat = catalog();
    let aria = format!("{} ({}): {}", head.title, head.unit, summary);
    let legend = legend
        .into_iter()
        .map(|(label, class)| view! { <li><span class=format!("swatch {class}")></span>{label}</li> })
        .collect_view();
    let note = head.note;
    view! {
        <figure class="chart">
            <figcaption>{head.title} " " <span class="muted small">"(" {head.unit} ")"</span></figcaption>
            <svg viewBox=view_box class:ring-svg=ring role="img" aria-label=aria>{body}</svg>
            <ul class="legend" aria-label=cat().panels.chart_legend>{legend}</ul>
            {(!note.is_empty()).then(|| view! { <p class="small chart-note">{note}</p> })}
        </figure>
    }
}

/// One chart; `scale` fixes a line or bar chart's top (so two side by side share it).
#[component]
fn ChartView(chart: Chart, #[prop(optional)] scale: Option<u64>) -> impl IntoView {
    match chart {
        Chart::Line(c) => view! { <line::LineChartView chart=c scale=scale /> }.into_any(),
        Chart::Bar(c) => view! { <bar::BarChartView chart=c scale=scale /> }.into_any(),
        Chart::Ring(c) => view! { <ring::RingChartView chart=c /> }.into_any(),
    }
}

/// The lab's live plots, if it has any; with compare mode, each beside the same plot of
/// the same workload replayed under another variant (another algorithm).
#[component]
pub fn ChartsPanel() -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    // The plots are per simulated second: a few redraws a second while playing suffice.
    let charts = super::use_throttled(move || ctl.with(|s| s.charts(cat())));
    let options = Memo::new(move |_| ctl.read(|s| s.compare_options(cat())));
    let choice = RwSignal::new(0usize);
    let compare: RwSignal<Option<(String, u64, Vec<Chart>)>> = RwSignal::new(None);
    let fingerprint =
        Memo::new(move |_| ctl.read(|s| format!("{:?}{}", s.settings(cat()), s.seed())));
    Effect::new(move |_| {
        fingerprint.get(); // (read, not tracked: a memo is computed only when read)
        compare.set(None);
    });
    let run_compare = move |_| {
        let i = choice.get_untracked();
        let cat = cat();
        let (label, time, charts) = ctl.with(|s| {
            let label = s.compare_options(cat).get(i).copied().unwrap_or_default();
            (label.to_string(), s.time(), s.compare_charts(i, cat))
        });
        compare.set(Some((label, time, charts)));
    };
    let shown = Memo::new(move |_| charts.with(|c| c.len()));
    // Each chart follows its own memo: one that did not change is not drawn again (the
    // ring's 600 keys would otherwise be rewritten at every step).
    let single = move || {
        view! {
            <div class="chart-grid">
                <For each=move || 0..shown.get() key=|i| *i let:i>
                    {
                        let chart = Memo::new(move |_| charts.with(|c| c.get(i).cloned()));
                        move || chart.get().map(|chart| view! { <ChartView chart=chart /> })
                    }
                </For>
            </div>
        }
    };
    let paired = move |(label, time, others): (String, u64, Vec<Chart>)| {
        let caption = crate::i18n::fill(
            cat().panels.compare_caption,
            &[("variant", &label), ("time", &time.to_string())],
        );
        view! {
            <p class="muted small">{caption}</p>
            <div class="chart-pairs">
                {charts
                    .get()
                    .into_iter()
                    .zip(others)
                    .map(|(a, b)| {
                        let scale = top(&a).max(top(&b));
                        view! {
                            <div class="pair">
                                <ChartView chart=a scale=scale />
                                <ChartView chart=b scale=scale />
                            </div>
                        }
                    })
                    .collect_view()}
            </div>
        }
    };
    let controls = move || {
        let opts = options.get();
        (!opts.is_empty()).then(|| view! {
            <div class="compare">
                <label>
                    {cat().panels.compare_with} " "
                    <select on:change=move |ev| {
                        if let Ok(i) = event_target_value(&ev).parse::<usize>() {
                            choice.set(i);
                        }
                    }>
                        {opts.iter().enumerate().map(|(i, o)| {
                            let selected = i == choice.get_untracked();
                            view! { <option value=i.to_string() selected=selected>{*o}</option> }
                        }).collect_view()}
                    </select>
                </label>
                " "
                <button class="btn" on:click=run_compare>{cat().panels.compare_run}</button>
                {move || compare.with(|c| c.is_some()).then(|| view! {
                    " " <button class="btn" on:click=move |_| compare.set(None)>{cat().panels.compare_off}</button>
                })}
            </div>
        })
    };
    // The section, its controls and the batch table are drawn once per lab; only the
    // charts follow the run.
    view! {
        <Show when=move || { shown.get() > 0 }>
            <section class="panel charts" class:spot=move || ctl.spotlit(|s, _| s == "charts") aria-label=move || cat().panels.charts>
                <h2>{move || cat().panels.charts}</h2>
                {controls}
                {move || match compare.get() {
                    None => single().into_any(),
                    Some(other) => paired(other).into_any(),
                }}
                <BatchPanel />
            </section>
        </Show>
    }
}
