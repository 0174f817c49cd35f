//! The keyboard, for a lecture with a presentation clicker or without a mouse. Every key
//! is listed in the help (`Help::keys`, both languages).

use crate::controller::{Controller, Selection};
use crate::labs::{Hotkey, UiInput};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The keyboard: Space plays and pauses; arrows, PageUp/PageDown and "." step (a
/// presentation clicker sends PageUp/PageDown), Home and End go to the ends; 1–9 select
/// a node, C crashes or restarts it, T times it out, P partitions it from the rest, H
/// heals, D drops the selected message, R sends the lab's main request; + and − change
/// speed; F toggles presenter mode, S the space-time diagram; `?` toggles help, Escape closes and deselects (and
/// then leaves presenter mode).
/// Each is listed in the help (`Help::keys`).
pub fn on_key(ctl: Controller, ev: web_sys::KeyboardEvent) {
    if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
        return;
    }
    let target = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
    let tag = target
        .as_ref()
        .map(|t| t.tag_name().to_ascii_lowercase())
        .unwrap_or_default();
    let kind = target
        .as_ref()
        .and_then(|t| t.get_attribute("type"))
        .unwrap_or_default();
    let typing = tag == "textarea"
        || tag == "select"
        || (tag == "input" && kind != "range" && kind != "checkbox");
    if typing {
        return;
    }
    let slider = kind == "range";
    let key = ev.key();
    let selected_node = match ctl.selection.get_untracked() {
        Selection::Node(i) => Some(i),
        _ => None,
    };
    match key.as_str() {
        " " => {
            ev.prevent_default();
            ctl.toggle_play();
        }
        // In a lesson, a presentation clicker's keys are the lesson's Continue and Back
        // (the arrows and "." still step).
        "PageDown" if !slider && ctl.lesson.with_untracked(|p| p.is_some()) => {
            ev.prevent_default();
            ctl.lesson_next();
        }
        "PageUp" if !slider && ctl.lesson.with_untracked(|p| p.is_some()) => {
            ev.prevent_default();
            ctl.lesson_back();
        }
        "ArrowRight" | "PageDown" | "." if !slider => {
            ev.prevent_default();
            ctl.pause();
            ctl.step_forward();
        }
        "ArrowLeft" | "PageUp" if !slider => {
            ev.prevent_default();
            ctl.pause();
            ctl.step_back();
        }
        "Home" | "End" if !slider => {
            ev.prevent_default();
            ctl.pause();
            let (first, len) = ctl.with(|s| (s.first(), s.len()));
            ctl.seek(if key == "Home" { first } else { len });
        }
        "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" => {
            let i = key.parse::<usize>().unwrap_or(1) - 1;
            if ctl.with(|s| s.node_up(i)).is_some() {
                ctl.select(Selection::Node(i));
            }
        }
        "c" | "C" => {
            if let Some((i, up)) =
                selected_node.and_then(|i| Some((i, ctl.with(|s| s.node_up(i))?)))
            {
                ctl.inject(if up {
                    UiInput::Crash(i)
                } else {
                    UiInput::Restart(i)
                });
            }
        }
        "p" | "P" => {
            if let Some(i) = selected_node {
                ctl.inject(UiInput::Partition(vec![i]));
            }
        }
        "h" | "H" => ctl.inject(UiInput::Heal),
        "t" | "T" | "r" | "R" => {
            let hotkey = if key.eq_ignore_ascii_case("t") {
                Hotkey::TimeOut
            } else {
                Hotkey::Request
            };
            if let Some((i, id)) = ctl.with(|s| s.hotkey_action(selected_node, hotkey)) {
                ctl.inject(UiInput::Action(i, id));
            }
        }
        "d" | "D" => {
            if let Selection::Message(id) = ctl.selection.get_untracked() {
                ctl.inject(UiInput::Drop(id));
            }
        }
        "+" | "=" => ctl.nudge_speed(true),
        "-" | "−" | "_" => ctl.nudge_speed(false),
        "?" => ctl.help_open.update(|o| *o = !*o),
        "f" | "F" => ctl.set_presenting(!ctl.presenting.get_untracked()),
        "s" | "S" => ctl.spacetime.update(|o| *o = !*o),
        // Escape closes what is open first; with nothing open, it leaves presenter mode.
        "Escape"
            if ctl.presenting.get_untracked()
                && !ctl.help_open.get_untracked()
                && ctl.menu.with_untracked(Option::is_none)
                && ctl.selection.get_untracked() == Selection::None =>
        {
            ctl.set_presenting(false);
        }
        "Escape" => {
            ctl.help_open.set(false);
            ctl.menu.set(None);
            ctl.selection.set(Selection::None);
        }
        _ => {}
    }
}
