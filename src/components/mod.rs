//! The shell's components. Each reads the controller from context and the text catalog.

pub mod canvas;
pub mod charts;
pub mod context_menu;
pub mod event_log;
pub mod help;
pub mod inputs;
pub mod inspector;
pub mod invariants;
pub mod legend;
pub mod lesson;
pub mod log_grid;
pub mod network;
pub mod notice;
pub mod picture;
pub mod present;
pub mod settings;
pub mod share;
pub mod spacetime;
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
///
/// Each throttled value refreshes in its own part of the period (the n-th one made is a
/// third of a period after the one before), so the panels' refreshes fall on different
/// frames instead of piling into one long frame four times a second. A value equal to the
/// one drawn wakes nothing (a chart that did not change is not drawn again).
pub fn use_throttled<T>(f: impl Fn() -> T + 'static) -> ReadSignal<T>
where
    T: PartialEq + Send + Sync + 'static,
{
    thread_local!(static MADE: std::cell::Cell<u32> = const { std::cell::Cell::new(0) });
    let nth = MADE.with(|m| m.replace(m.get().wrapping_add(1)));
    let offset = f64::from(nth % 3) * PLAYING_REFRESH_MS / 3.0;
    let ctl = use_controller();
    let value = RwSignal::new(untrack(&f));
    let refresh = move || {
        let new = f();
        if value.with_untracked(|v| *v != new) {
            value.set(new);
        }
    };
    // The period last drawn in; `None` after a change drawn at once.
    Effect::new(move |last: Option<Option<f64>>| {
        ctl.rev.track();
        if ctl.playing.get() {
            let period = ((now_ms() + offset) / PLAYING_REFRESH_MS).floor();
            if last.flatten() != Some(period) {
                refresh();
            }
            return Some(period);
        }
        refresh();
        None
    });
    value.read_only()
}

/// Wall-clock milliseconds (the page's monotonic clock).
pub fn now_ms() -> f64 {
    window().performance().map_or(0.0, |p| p.now())
}
