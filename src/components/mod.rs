//! The shell's components. Each reads the controller from context and the text catalog.

pub mod canvas;
pub mod charts;
pub mod event_log;
pub mod help;
pub mod inspector;
pub mod invariants;
pub mod log_grid;
pub mod network;
pub mod notice;
pub mod settings;
pub mod share;
pub mod transport;

use crate::controller::use_controller;
use crate::i18n::Catalog;
use crate::labs::Scene;
use leptos::prelude::*;

/// The current catalog, reactively.
pub fn catalog() -> impl Fn() -> &'static Catalog + Copy {
    let lang = use_controller().lang;
    move || lang.get().catalog()
}

/// The scene of the current step (one memo for the page, recomputed when the run changes).
pub fn use_scene() -> Memo<Scene> {
    use_controller().scene
}

/// While playing, a panel drawn with [`use_throttled`] follows the run at most this often
/// (wall ms): a list read at 100× is gone before it can be read, and drawing hundreds of
/// lines each frame costs more than the frame.
const PLAYING_REFRESH_MS: f64 = 250.0;

/// A value drawn from the run that follows it at once when stepping or paused, and a few
/// times a second while playing; pausing brings it up to date at once. `f` is reactive:
/// what it reads (the scene, the language) is what it follows.
pub fn use_throttled<T>(f: impl Fn() -> T + 'static) -> ReadSignal<T>
where
    T: Send + Sync + 'static,
{
    let ctl = use_controller();
    let value = RwSignal::new(untrack(&f));
    Effect::new(move |last: Option<f64>| {
        ctl.rev.track();
        let now = now_ms();
        if ctl.playing.get() {
            if let Some(last) = last.filter(|t| now - t < PLAYING_REFRESH_MS) {
                return last;
            }
        }
        value.set(f());
        now
    });
    value.read_only()
}

/// Wall-clock milliseconds (the page's monotonic clock).
pub fn now_ms() -> f64 {
    window().performance().map_or(0.0, |p| p.now())
}
