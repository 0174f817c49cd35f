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

/// Puts the error banner at the top of the page (once), with `message` and a reload button.
pub fn show(message: &str) -> Option<()> {
    let cat = crate::i18n::Lang::En.catalog();
    let document = web_sys::window()?.document()?;
    let body = document.body()?;
    if document.get_element_by_id("panic-banner").is_some() {
        return Some(());
    }
    let banner = document.create_element("div").ok()?;
    banner.set_id("panic-banner");
    banner.set_attribute("role", "alert").ok()?;
    banner.set_class_name("notice error panic");
    let title = document.create_element("strong").ok()?;
    title.set_text_content(Some(cat.errors.banner_title));
    let detail = document.create_element("code").ok()?;
    detail.set_text_content(Some(message));
    let reload = document.create_element("button").ok()?;
    reload.set_class_name("btn");
    reload.set_text_content(Some(cat.errors.banner_reload));
    let on_click = Closure::<dyn Fn()>::new(|| {
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    });
    reload
        .add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref())
        .ok()?;
    on_click.forget();
    banner.append_with_node_3(&title, &detail, &reload).ok()?;
    body.prepend_with_node_1(&banner).ok()?;
    Some(())
}
