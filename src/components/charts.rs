//! Plots of the run (latency percentiles, throughput, failures, utilisation) and the batch
//! table, for labs that measure. Pure SVG, drawn from the checkers' time series.

use super::catalog;
use crate::controller::{use_controller, Controller};
use crate::labs::{Chart, Series};
use leptos::prelude::*;

const W: f64 = 460.0;
const H: f64 = 150.0;
const PAD_L: f64 = 44.0;
const PAD_B: f64 = 20.0;
const PAD_T: f64 = 8.0;
/// A ring chart's square side.
const RING: f64 = 300.0;

fn polyline(s: &Series, x0: u64, x1: u64, ymax: u64) -> String {
    let sx = |x: u64| PAD_L + (x - x0) as f64 / (x1 - x0).max(1) as f64 * (W - PAD_L - 8.0);
    let sy = |y: u64| PAD_T + (1.0 - y as f64 / ymax.max(1) as f64) * (H - PAD_T - PAD_B);
    s.points
        .iter()
        .map(|(x, y)| format!("{:.1},{:.1}", sx(*x), sy(*y)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The largest y of a chart (at least 1).
fn top(chart: &Chart) -> u64 {
    chart
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .max()
        .unwrap_or(0)
        .max(1)
}

/// One chart; `scale` fixes the y axis's top (so two charts side by side share a scale).
#[component]
fn ChartView(chart: Chart, #[prop(optional)] scale: Option<u64>) -> impl IntoView {
    let cat = catalog();
    let (mut x0, mut x1, mut ymax) = (u64::MAX, 0, scale.unwrap_or(1));
    for s in &chart.series {
        for (x, y) in &s.points {
            x0 = x0.min(*x);
            x1 = x1.max(*x);
            ymax = ymax.max(*y);
        }
    }
    if x0 > x1 {
        x0 = 0;
    }
    let summary = if let Some(ring) = &chart.ring {
        let mut counts = vec![0usize; ring.servers.len()];
        for (_, i) in &ring.keys {
            if let Some(c) = counts.get_mut(*i) {
                *c += 1;
            }
        }
        ring.servers
            .iter()
            .zip(counts)
            .map(|(n, c)| format!("{n} {c}"))
            .collect::<Vec<_>>()
            .join(", ")
    } else if chart.bars {
        let s = chart.series.first();
        chart
            .x_names
            .iter()
            .zip(s.map(|s| s.points.as_slice()).unwrap_or_default())
            .map(|(n, p)| format!("{n} {}", p.1))
            .collect::<Vec<_>>()
            .join(", ")
    } else {
        chart
            .series
            .iter()
            .map(|s| {
                let last = s.points.last().map_or("–".to_string(), |p| p.1.to_string());
                format!("{} {}", s.label, last)
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let aria = format!("{} ({}): {}", chart.title, chart.unit, summary);
    let lines = if let Some(ring) = &chart.ring {
        let (cx, cy, r) = (RING / 2.0, RING / 2.0, RING / 2.0 - 14.0);
        let at = |f: u32, rr: f64| {
            let a = f64::from(f) / 1000.0 * std::f64::consts::TAU;
            (cx + rr * a.sin(), cy - rr * a.cos())
        };
        let class = |i: usize| chart.series.get(i).map_or("s0", |s| s.class);
        let tokens = ring
            .tokens
            .iter()
            .map(|(f, i)| {
                let ((x1, y1), (x2, y2)) = (at(*f, r - 4.0), at(*f, r + 8.0));
                view! { <line class=format!("series token {}", class(*i)) x1=x1 y1=y1 x2=x2 y2=y2 /> }
            })
            .collect_view();
        let keys = ring
            .keys
            .iter()
            .map(|(f, i)| {
                let (x, y) = at(*f, r - 12.0);
                view! { <circle class=format!("dot {}", class(*i)) cx=x cy=y r=2.2 /> }
            })
            .collect_view();
        let focus = ring.focus.map(|(f, i)| {
            let (x, y) = at(f, r - 12.0);
            view! { <circle class=format!("dot focus {}", class(i)) cx=x cy=y r=6.0 /> }
        });
        view! {
            <circle class="axis ring" cx=cx cy=cy r=r />
            {tokens}
            {keys}
            {focus}
        }
        .into_any()
    } else if chart.bars {
        let n = chart.series.first().map_or(0, |s| s.points.len()).max(1);
        let slot = (W - PAD_L - 8.0) / n as f64;
        chart
            .series
            .first()
            .map(|s| {
                s.points
                    .iter()
                    .enumerate()
                    .map(|(i, (_, y))| {
                        let h = *y as f64 / ymax as f64 * (H - PAD_T - PAD_B);
                        let x = PAD_L + i as f64 * slot + slot * 0.15;
                        let name = chart.x_names.get(i).cloned().unwrap_or_default();
                        view! {
                            <rect class=format!("bar {}", s.class) x=x y=H - PAD_B - h width=slot * 0.7 height=h />
                            <text class="tick" x=x + slot * 0.35 y=H - PAD_B - h - 2.0 text-anchor="middle">{*y}</text>
                            <text class="tick" x=x + slot * 0.35 y=H - 4.0 text-anchor="middle">{name}</text>
                        }
                    })
                    .collect_view()
            })
            .into_any()
    } else {
        chart
            .series
            .iter()
            .map(|s| view! { <polyline class=format!("series {}", s.class) points=polyline(s, x0, x1, ymax) /> })
            .collect_view()
            .into_any()
    };
    let plain = chart.ring.is_none();
    let x_ticks = (!chart.bars && plain).then(|| view! {
        <text class="tick" x=PAD_L y=H - 4.0>{x0}</text>
        <text class="tick" x=W - 8.0 y=H - 4.0 text-anchor="end">{format!("{x1} {}", chart.x_label)}</text>
    });
    let note = chart.note.clone();
    let legend = chart
        .series
        .iter()
        .map(|s| view! { <li><span class=format!("swatch {}", s.class)></span>{s.label.clone()}</li> })
        .collect_view();
    view! {
        <figure class="chart">
            <figcaption>{chart.title} " " <span class="muted small">"(" {chart.unit} ")"</span></figcaption>
            <svg viewBox=if plain { format!("0 0 {W} {H}") } else { format!("0 0 {RING} {RING}") } class:ring-svg=!plain role="img" aria-label=aria>
                {plain.then(|| view! {
                    <line class="axis" x1=PAD_L y1=PAD_T x2=PAD_L y2=H - PAD_B />
                    <line class="axis" x1=PAD_L y1=H - PAD_B x2=W - 8.0 y2=H - PAD_B />
                    <text class="tick" x=PAD_L - 4.0 y=PAD_T + 8.0 text-anchor="end">{ymax}</text>
                    <text class="tick" x=PAD_L - 4.0 y=H - PAD_B text-anchor="end">"0"</text>
                })}
                {x_ticks}
                {lines}
            </svg>
            <ul class="legend" aria-label=cat().panels.chart_legend>{legend}</ul>
            {(!note.is_empty()).then(|| view! { <p class="small chart-note">{note}</p> })}
        </figure>
    }
}

/// The lab's live plots, if it has any; with compare mode, each beside the same plot of
/// the same workload replayed under another variant (another algorithm).
#[component]
pub fn ChartsPanel() -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    let charts = Memo::new(move |_| ctl.read(|s| s.charts(cat())));
    let options = Memo::new(move |_| ctl.read(|s| s.compare_options(cat())));
    let choice = RwSignal::new(0usize);
    let compare: RwSignal<Option<(String, u64, Vec<Chart>)>> = RwSignal::new(None);
    let fingerprint =
        Memo::new(move |_| ctl.read(|s| format!("{:?}{}", s.settings(cat()), s.seed())));
    Effect::new(move |_| {
        fingerprint.track();
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
    move || {
        let charts = charts.get();
        (!charts.is_empty()).then(|| {
            let opts = options.get();
            let other = compare.get();
            let grid = match other {
                None => view! {
                    <div class="chart-grid">
                        {charts.into_iter().map(|chart| view! { <ChartView chart=chart /> }).collect_view()}
                    </div>
                }
                .into_any(),
                Some((label, time, others)) => {
                    let caption = crate::i18n::fill(
                        cat().panels.compare_caption,
                        &[("variant", &label), ("time", &time.to_string())],
                    );
                    view! {
                        <p class="muted small">{caption}</p>
                        <div class="chart-pairs">
                            {charts
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
                    .into_any()
                }
            };
            let controls = (!opts.is_empty()).then(|| view! {
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
            });
            view! {
                <section class="panel charts" aria-label=cat().panels.charts>
                    <h2>{cat().panels.charts}</h2>
                    {controls}
                    {grid}
                    <BatchPanel />
                </section>
            }
        })
    }
}

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
fn BatchPanel() -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    let rows = RwSignal::new(Vec::<Vec<String>>::new());
    let running = RwSignal::new(false);
    // The table belongs to one configuration and seed: a new run clears it.
    let fingerprint =
        Memo::new(move |_| ctl.read(|s| format!("{:?}{}", s.settings(cat()), s.seed())));
    Effect::new(move |_| {
        fingerprint.track();
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
                            <caption>{t.title} ": " {t.caption}</caption>
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
