//! A ring chart: a hash ring's tokens and keys (or key ranges) around a circle, each
//! coloured by its server, and the key a user typed ringed.

use super::frame;
use crate::labs::RingChart;
use leptos::prelude::*;

/// The ring's square side, in SVG units.
const SIDE: f64 = 300.0;

#[component]
pub fn RingChartView(chart: RingChart) -> impl IntoView {
    let mut counts = vec![0usize; chart.servers.len()];
    for (_, i) in &chart.keys {
        if let Some(c) = counts.get_mut(*i) {
            *c += 1;
        }
    }
    let summary = chart
        .servers
        .iter()
        .zip(counts)
        .map(|((n, _), c)| format!("{n} {c}"))
        .collect::<Vec<_>>()
        .join(super::super::catalog()().list_sep);
    let (cx, cy, r) = (SIDE / 2.0, SIDE / 2.0, SIDE / 2.0 - 14.0);
    let at = |f: u32, rr: f64| {
        let a = f64::from(f) / 1000.0 * std::f64::consts::TAU;
        (cx + rr * a.sin(), cy - rr * a.cos())
    };
    let class = |i: usize| chart.servers.get(i).map_or("s0", |s| s.1);
    let tokens = chart
        .tokens
        .iter()
        .map(|(f, i)| {
            let ((x1, y1), (x2, y2)) = (at(*f, r - 4.0), at(*f, r + 8.0));
            view! { <line class=format!("series token {}", class(*i)) x1=x1 y1=y1 x2=x2 y2=y2 /> }
        })
        .collect_view();
    let keys = chart
        .keys
        .iter()
        .map(|(f, i)| {
            let (x, y) = at(*f, r - 12.0);
            view! { <circle class=format!("dot {}", class(*i)) cx=x cy=y r=2.2 /> }
        })
        .collect_view();
    let focus = chart.focus.map(|(f, i)| {
        let (x, y) = at(f, r - 12.0);
        view! { <circle class=format!("dot focus {}", class(i)) cx=x cy=y r=6.0 /> }
    });
    let body = view! {
        <circle class="axis ring" cx=cx cy=cy r=r />
        {tokens}
        {keys}
        {focus}
    };
    let view_box = format!("0 0 {SIDE} {SIDE}");
    frame(
        chart.head,
        summary,
        view_box,
        true,
        chart.servers,
        body.into_any(),
    )
}
