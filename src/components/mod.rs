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
