//! The legend: what every mark on the drawing means (shared by the labs), then the
//! current lab's own notation. Shown under the canvas on demand, and in the help.

use super::catalog;
use crate::controller::use_controller;
use leptos::prelude::*;

#[component]
pub fn Legend() -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    let lab = Memo::new(move |_| ctl.read(|s| s.lab()));
    let entries = move || {
        let c = cat();
        c.panels
            .legend_shared
            .iter()
            .chain(lab.get().legend(c))
            .map(|(mark, meaning)| view! { <dt>{*mark}</dt><dd>{*meaning}</dd> })
            .collect_view()
    };
    view! { <dl class="legend-list">{entries}</dl> }
}
