//! A line chart: series of (x, y) points over the run's time.

use super::{frame, y_axis, H, PAD_B, PAD_L, PAD_T, W};
use crate::labs::{LineChart, Series};
use leptos::prelude::*;

fn polyline(s: &Series, x0: u64, x1: u64, ymax: u64) -> String {
    let sx = |x: u64| PAD_L + (x - x0) as f64 / (x1 - x0).max(1) as f64 * (W - PAD_L - 8.0);
    let sy = |y: u64| PAD_T + (1.0 - y as f64 / ymax.max(1) as f64) * (H - PAD_T - PAD_B);
    s.points
        .iter()
        .map(|(x, y)| format!("{:.1},{:.1}", sx(*x), sy(*y)))
        .collect::<Vec<_>>()
        .join(" ")
}

#[component]
pub fn LineChartView(chart: LineChart, scale: Option<u64>) -> impl IntoView {
    let (mut x0, mut x1, mut ymax) = (u64::MAX, 0, scale.unwrap_or(1));
    for (x, y) in chart.series.iter().flat_map(|s| &s.points) {
        x0 = x0.min(*x);
        x1 = x1.max(*x);
        ymax = ymax.max(*y);
    }
    if x0 > x1 {
        x0 = 0;
    }
    let summary = chart
        .series
        .iter()
        .map(|s| {
            let last = s.points.last().map_or("–".to_string(), |p| p.1.to_string());
            format!("{} {}", s.label, last)
        })
        .collect::<Vec<_>>()
        .join(super::super::catalog()().list_sep);
    let lines = chart
        .series
        .iter()
        .map(|s| view! { <polyline class=format!("series {}", s.class) points=polyline(s, x0, x1, ymax) /> })
        .collect_view();
    let body = view! {
        {y_axis(ymax)}
        <text class="tick" x=PAD_L y=H - 4.0>{x0}</text>
        <text class="tick" x=W - 8.0 y=H - 4.0 text-anchor="end">{format!("{x1} {}", chart.x_label)}</text>
        {lines}
    };
    let legend = chart
        .series
        .iter()
        .map(|s| (s.label.clone(), s.class))
        .collect();
    frame(
        chart.head,
        summary,
        format!("0 0 {W} {H}"),
        false,
        legend,
        body.into_any(),
    )
}
