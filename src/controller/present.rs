//! Presenter mode: the canvas fills the window (the whole screen where the browser
//! allows it) with a caption bar and a compact transport, for a projector.

use super::Controller;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The Fullscreen API as it is today, with the promises it returns (web-sys binds
    /// an older form that drops them, and a refusal would then be an uncaught error).
    type Fullscreen;
    #[wasm_bindgen(method, js_name = requestFullscreen)]
    fn request_fullscreen(this: &Fullscreen) -> js_sys::Promise;
    #[wasm_bindgen(method, js_name = exitFullscreen)]
    fn exit_fullscreen(this: &Fullscreen) -> js_sys::Promise;
    #[wasm_bindgen(method, getter, js_name = fullscreenElement)]
    fn fullscreen_element(this: &Fullscreen) -> Option<web_sys::Element>;
}

/// The document, for the Fullscreen API.
fn doc() -> Fullscreen {
    document().unchecked_into()
}

/// Ignores a refusal: the browser said no, and presenter mode goes on in the window.
fn quietly(p: js_sys::Promise) {
    let ignore = Closure::<dyn FnMut(JsValue)>::new(|_| {});
    let _ = p.catch(&ignore);
    ignore.forget();
}

impl Controller {
    /// Turns presenter mode on or off. On, it asks for the whole screen; the window is
    /// used if the browser refuses.
    pub fn set_presenting(&self, on: bool) {
        if self.presenting.get_untracked() == on {
            return;
        }
        self.presenting.set(on);
        self.menu.set(None);
        let full = doc().fullscreen_element().is_some();
        if on && !full {
            if let Some(root) = document().document_element() {
                quietly(root.unchecked_into::<Fullscreen>().request_fullscreen());
            }
        } else if !on && full {
            quietly(doc().exit_fullscreen());
        }
    }

    /// The browser left full screen (its own Escape): presenter mode ends with it.
    pub fn fullscreen_changed(&self) {
        if doc().fullscreen_element().is_none() {
            self.presenting.set(false);
        }
    }
}
