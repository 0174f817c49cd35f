//! The space-time diagram under the canvas (key S): the window of the run around the
//! cursor, linked both ways to the canvas (a click seeks, pointing at an arrow marks its
//! message on the canvas, the pink line follows the step), and saved as a picture.

use super::{catalog, use_throttled};
use crate::controller::{use_controller, Controller, Selection};
use crate::i18n::Catalog;
use crate::view_model::spacetime::{self, Look};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Steps drawn before and after the cursor: a long run draws its window only.
const BEFORE: u64 = 120;
const AFTER: u64 = 40;
/// The drawing's height in its units (it is 1000 wide).
const HEIGHT: f64 = 460.0;

/// The window around the cursor as an SVG document; a saved picture has a caption.
fn picture(ctl: Controller, cat: &Catalog, marked: Option<u64>, caption: Option<&str>) -> String {
    let (steps, now, names) = ctl.with(|s| {
        let at = s.cursor();
        let from = at.saturating_sub(BEFORE).max(s.first());
        (
            s.space_time(from, (at + AFTER).min(s.len()), cat),
            s.time(),
            s.node_names(cat),
        )
    });
    let (down, split) = ctl.scene.with_untracked(|s| {
        (
            s.nodes.iter().map(|n| !n.up).collect::<Vec<_>>(),
            !s.cut.is_empty(),
        )
    });
    let st = spacetime::build(&steps, now, &down, split);
    let look = Look {
        names: &names,
        height: HEIGHT,
        caption,
        marked,
    };
    spacetime::svg(&st, &look)
}

/// Saves the diagram as `kind` ("svg" or "png"), captioned with the lab, step and seed.
fn save(ctl: Controller, cat: &'static Catalog, kind: &'static str) {
    let (name, caption) = super::picture::caption(ctl, cat, "spacetime", kind);
    let svg = picture(ctl, cat, None, Some(&caption));
    super::picture::save(&svg, &name, kind);
}

/// The nearest element at or around the event's target with `attr`, and its value.
fn data_of(ev: &web_sys::Event, attr: &str) -> Option<u64> {
    let el: web_sys::Element = ev.target()?.dyn_into().ok()?;
    el.closest(&format!("[{attr}]"))
        .ok()??
        .get_attribute(attr)?
        .parse()
        .ok()
}

#[component]
pub fn SpaceTimePanel() -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    let open = ctl.spacetime;
    let drawing = use_throttled(move || {
        if !open.get() {
            return String::new();
        }
        let marked = ctl.linked.get().or(match ctl.selection.get() {
            Selection::Message(id) => Some(id),
            _ => None,
        });
        picture(ctl, cat(), marked, None)
    });
    let on_click = move |ev: leptos::ev::MouseEvent| {
        if let Some(step) = data_of(&ev, "data-step") {
            ctl.pause();
            ctl.seek(step);
        }
    };
    let on_over = move |ev: leptos::ev::MouseEvent| {
        let id = data_of(&ev, "data-msg");
        if ctl.linked.get_untracked() != id {
            ctl.linked.set(id);
        }
    };
    view! {
        <section class="panel spacetime" aria-label=move || cat().panels.spacetime>
            <details prop:open=move || open.get() on:toggle=move |ev| {
                let now = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).map(|d| d.has_attribute("open"));
                if let Some(now) = now.filter(|n| *n != open.get_untracked()) {
                    open.set(now);
                }
            }>
                <summary><h2 class="inline">{move || cat().panels.spacetime}</h2></summary>
                <p class="muted small">{move || cat().panels.spacetime_help}</p>
                <div class="st-actions">
                    <button class="btn btn-small" on:click=move |_| save(ctl, cat(), "svg")>{move || cat().panels.spacetime_svg}</button>
                    <button class="btn btn-small" on:click=move |_| save(ctl, cat(), "png")>{move || cat().panels.spacetime_png}</button>
                </div>
                <div
                    class="spacetime-view"
                    inner_html=move || drawing.get()
                    on:click=on_click
                    on:mouseover=on_over
                    on:mouseleave=move |_| ctl.linked.set(None)
                ></div>
            </details>
        </section>
    }
}
