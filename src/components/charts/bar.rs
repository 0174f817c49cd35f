//! A bar chart: one bar per thing counted, each named under it.

use super::{frame, y_axis, H, PAD_B, PAD_L, PAD_T, W};
use crate::labs::BarChart;
use leptos::prelude::*;

#[component]
pub fn BarChartView(chart: BarChart, scale: Option<u64>) -> impl IntoView {
    let ymax = chart
        .bars
        .iter()
        .map(|b| b.1)
        .fold(scale.unwrap_or(1), u64::max);
    let summary = chart
        .bars
        .iter()
        .map(|(name, y)| format!("{name} {y}"))
        .collect::<Vec<_>>()
        .join(super::super::catalog()().list_sep);
    let slot = (W - PAD_L - 8.0) / chart.bars.len().max(1) as f64;
    let class = chart.class;
    let bars = chart
        .bars
        .iter()
        .enumerate()
        .map(|(i, (name, y))| {
            let h = *y as f64 / ymax as f64 * (H - PAD_T - PAD_B);
            let x = PAD_L + i as f64 * slot + slot * 0.15;
            view! {
                <rect class=format!("bar {class}") x=x y=H - PAD_B - h width=slot * 0.7 height=h />
                <text class="tick" x=x + slot * 0.35 y=H - PAD_B - h - 2.0 text-anchor="middle">{*y}</text>
                <text class="tick" x=x + slot * 0.35 y=H - 4.0 text-anchor="middle">{name.clone()}</text>
            }
        })
        .collect_view();
    let body = view! { {y_axis(ymax)} {bars} };
    let legend = vec![(chart.label, class)];
    frame(
        chart.head,
        summary,
        format!("0 0 {W} {H}"),
        false,
        legend,
        body.into_any(),
    )
}
