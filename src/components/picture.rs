//! Pictures for slides: the canvas or the space-time diagram saved as SVG, or as PNG at
//! slide resolution, with the lab, step and seed in a caption in the page's language.

use crate::controller::Controller;
use crate::i18n::{fill, Catalog};
use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};

/// A saved PNG's width in pixels.
const PNG_WIDTH: u32 = 2000;

/// The file name (`raft-canvas-step-40.svg`) and the caption of a picture of the run now.
pub fn caption(ctl: Controller, cat: &Catalog, what: &str, kind: &str) -> (String, String) {
    let (lab, step, seed) = ctl.with(|s| (s.lab(), s.cursor(), s.seed()));
    let caption = fill(
        cat.panels.picture_caption,
        &[
            ("lab", lab.title(cat)),
            ("step", &step.to_string()),
            ("seed", &seed.to_string()),
        ],
    );
    (format!("{}-{what}-step-{step}.{kind}", lab.slug()), caption)
}

/// Saves the SVG document `svg` as `name`, as it is ("svg") or drawn on a canvas ("png").
pub fn save(svg: &str, name: &str, kind: &str) {
    let url = format!(
        "data:image/svg+xml;charset=utf-8,{}",
        crate::url_state::percent_encode(svg)
    );
    if kind == "svg" {
        return download(&url, name);
    }
    let Ok(img) = web_sys::HtmlImageElement::new() else {
        return;
    };
    let (loaded, name) = (img.clone(), name.to_string());
    let onload = Closure::once_into_js(move || {
        let ratio = f64::from(loaded.natural_height()) / f64::from(loaded.natural_width().max(1));
        let (w, h) = (PNG_WIDTH, (f64::from(PNG_WIDTH) * ratio) as u32);
        let Some(canvas) = document()
            .create_element("canvas")
            .ok()
            .and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok())
        else {
            return;
        };
        canvas.set_width(w);
        canvas.set_height(h);
        let ctx = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok());
        if let Some(ctx) = ctx {
            let _ = ctx.draw_image_with_html_image_element_and_dw_and_dh(
                &loaded,
                0.0,
                0.0,
                w.into(),
                h.into(),
            );
            if let Ok(png) = canvas.to_data_url() {
                download(&png, &name);
            }
        }
    });
    img.set_onload(Some(onload.unchecked_ref()));
    img.set_src(&url);
}

/// Starts a download of `url` named `name`.
fn download(url: &str, name: &str) {
    let Ok(a) = document().create_element("a") else {
        return;
    };
    let _ = a.set_attribute("href", url);
    let _ = a.set_attribute("download", name);
    a.unchecked_into::<web_sys::HtmlElement>().click();
}

/// What the stylesheet gives the canvas, copied onto a picture as presentation
/// attributes (a saved file has no stylesheet; the page's CSP forbids inline styles).
const PROPS: [&str; 14] = [
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "stroke-opacity",
    "opacity",
    "font-size",
    "font-weight",
    "font-family",
    "font-style",
    "text-decoration",
    "paint-order",
    "display",
];

/// The canvas as a standalone SVG document: its drawing with the styles it has now, on a
/// white ground, with `caption` under it.
pub fn canvas_svg(caption: &str) -> Option<String> {
    let svg = document().query_selector("svg.cluster").ok()??;
    let copy: web_sys::Element = svg.clone_node_with_deep(true).ok()?.dyn_into().ok()?;
    let (from, to) = (
        svg.query_selector_all("*").ok()?,
        copy.query_selector_all("*").ok()?,
    );
    for i in 0..from.length().min(to.length()) {
        let (Some(a), Some(b)) = (from.item(i), to.item(i)) else {
            continue;
        };
        let (Ok(a), Ok(b)) = (
            a.dyn_into::<web_sys::Element>(),
            b.dyn_into::<web_sys::Element>(),
        ) else {
            continue;
        };
        let Ok(Some(style)) = window().get_computed_style(&a) else {
            continue;
        };
        for p in PROPS {
            if let Ok(v) = style.get_property_value(p) {
                let _ = b.set_attribute(p, &v);
            }
        }
        for drop in ["class", "tabindex", "role", "style"] {
            let _ = b.remove_attribute(drop);
        }
    }
    let (w, h) = (
        crate::view_model::layout::WIDTH,
        crate::view_model::layout::HEIGHT,
    );
    let _ = copy.set_attribute("xmlns", "http://www.w3.org/2000/svg");
    let _ = copy.set_attribute("viewBox", &format!("0 0 {w} {}", h + 40.0));
    let _ = copy.remove_attribute("class");
    let _ = copy.remove_attribute("style");
    let ground = format!(r##"<rect width="{w}" height="{}" fill="#fff"/>"##, h + 40.0);
    let text = format!(
        r##"<text x="12" y="{}" font-family="system-ui, sans-serif" font-size="16" fill="#1d1f21">{}</text>"##,
        h + 28.0,
        crate::view_model::spacetime::esc(caption)
    );
    let inner = copy.inner_html();
    copy.set_inner_html(&format!("{ground}{inner}{text}"));
    Some(copy.outer_html())
}
