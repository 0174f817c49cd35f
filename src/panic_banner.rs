//! A panic shows a banner with the message and a reload button, not a dead page.
//! The run lives in the URL, so reloading loses nothing.

use wasm_bindgen::prelude::*;

/// Installs the panic hook. Call first thing in `main`.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&JsValue::from_str(&message));
        let _ = show(&message);
    }));
}

/// Puts the error banner at the top of the page (once), with `message`, a reload button
/// and a button that opens the lab with its defaults (the way out when the run in the
/// link itself is what fails). A veil covers the rest of the page: after a panic nothing
/// else works, and a tab clicked by mistake would lose the run the link still holds.
pub fn show(message: &str) -> Option<()> {
    let cat = crate::i18n::browser::shown().catalog();
    let window = web_sys::window()?;
    let document = window.document()?;
    let body = document.body()?;
    if document.get_element_by_id("panic-banner").is_some() {
        return Some(());
    }
    let veil = document.create_element("div").ok()?;
    veil.set_id("panic-banner");
    veil.set_class_name("panic-veil");
    let banner = document.create_element("div").ok()?;
    banner.set_attribute("role", "alert").ok()?;
    banner.set_class_name("notice error panic");
    let title = document.create_element("strong").ok()?;
    title.set_text_content(Some(cat.errors.banner_title));
    let lost = document.create_element("p").ok()?;
    lost.set_text_content(Some(cat.errors.banner_lost));
    let detail = document.create_element("code").ok()?;
    detail.set_text_content(Some(message));
    let hash = window.location().hash().unwrap_or_default();
    let lab = crate::url_state::lab_of(&hash).unwrap_or(crate::labs::LabId::FIRST);
    let reload = button(&document, cat.errors.banner_reload, None)?;
    let fresh = button(
        &document,
        cat.errors.banner_defaults,
        Some(format!("#/{}", lab.slug())),
    )?;
    banner
        .append_with_node_5(&title, &lost, &detail, &reload, &fresh)
        .ok()?;
    veil.append_with_node_1(&banner).ok()?;
    body.prepend_with_node_1(&veil).ok()?;
    Some(())
}

/// A banner button that reloads the page, first at `hash` if one is given. Its handler
/// touches no state of the app, which may be broken.
fn button(
    document: &web_sys::Document,
    text: &str,
    hash: Option<String>,
) -> Option<web_sys::Element> {
    let b = document.create_element("button").ok()?;
    b.set_class_name("btn");
    b.set_text_content(Some(text));
    let on_click = Closure::<dyn Fn()>::new(move || {
        if let Some(w) = web_sys::window() {
            if let Some(h) = &hash {
                let _ = w.location().set_hash(h);
            }
            let _ = w.location().reload();
        }
    });
    b.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref())
        .ok()?;
    on_click.forget();
    Some(b)
}
