//! The menu of a node's or a message's actions beside it: right-click, or a finger held
//! on it (`components/context_menu.rs` draws it).

use super::{now_ms, Controller, Selection};
use leptos::prelude::*;

/// How long a finger is held on a node or a message to open its menu (ms).
const LONG_PRESS_MS: u64 = 500;

impl Controller {
    /// Opens the actions of a node or a message beside it (selecting it, which pauses).
    pub fn open_menu(&self, target: Selection, ev: &leptos::ev::MouseEvent) {
        ev.prevent_default();
        ev.stop_propagation();
        self.open_menu_at(target, f64::from(ev.client_x()), f64::from(ev.client_y()));
    }

    fn open_menu_at(&self, target: Selection, x: f64, y: f64) {
        self.select(target);
        self.menu_opened.set_value(f64::NEG_INFINITY);
        self.menu.set(Some((target, x, y)));
    }

    /// A finger held on a node or a message opens its menu after [`LONG_PRESS_MS`] (a
    /// touch browser that makes no context menu of it, as iOS Safari does not).
    pub fn press_start(&self, target: Selection, ev: &leptos::ev::PointerEvent) {
        if ev.pointer_type() != "touch" {
            return;
        }
        self.press_end();
        let (x, y) = (f64::from(ev.client_x()), f64::from(ev.client_y()));
        let ctl = *self;
        let handle = set_timeout_with_handle(
            move || {
                ctl.open_menu_at(target, x, y);
                // The lifted finger's click must not close it at once.
                ctl.menu_opened.set_value(now_ms());
            },
            std::time::Duration::from_millis(LONG_PRESS_MS),
        )
        .ok();
        self.press_timer.set_value(handle);
    }

    /// The finger lifted or moved away before the long press.
    pub fn press_end(&self) {
        if let Some(h) = self.press_timer.try_update_value(Option::take).flatten() {
            h.clear();
        }
    }

    /// Closes the menu for a click elsewhere, but not for the click a long press's lifted
    /// finger makes (within 600 ms of the menu opening by a long press).
    pub fn click_elsewhere(&self) {
        if self.menu.get_untracked().is_some() && now_ms() - self.menu_opened.get_value() > 600.0 {
            self.menu.set(None);
        }
    }
}
