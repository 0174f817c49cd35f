//! The shell: header with one tab per lab, the lab's panels, keyboard shortcuts, and
//! the URL as the source of the lab and run.

use crate::components::{
    canvas::ClusterCanvas, charts::ChartsPanel, event_log::EventLog, help::HelpOverlay,
    inspector::InspectorPanel, invariants::InvariantMonitor, log_grid::LogGridPanel,
    network::NetworkPanel, notice::NoticeBar, settings::SettingsPanel, share::ShareBar,
    transport::TransportBar,
};
use crate::controller::{Controller, Cursor, Notice, Selection};
use crate::i18n::{self, fill, Catalog, Lang, LangContext};
use crate::labs::{Hotkey, LabId, LabSim, UiInput};
use crate::url_state;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The run a URL hash asks for and where its cursor should go, or the defaults and a
/// message saying what was wrong. A link whose lab or run is unreadable opens the lab it
/// names (if any) with its defaults; a readable run with an unreadable `at` is kept.
pub fn run_from_hash(hash: &str, cat: &Catalog) -> (Box<dyn LabSim>, Cursor, Option<Notice>) {
    let error = |text: String| Some(Notice { text, error: true });
    let state = match url_state::parse_hash(hash) {
        Ok(s) => s,
        Err(problem) => {
            let lab = url_state::lab_of(hash).unwrap_or(LabId::FIRST);
            return (
                lab.fresh(1),
                Cursor::End,
                error(fill(cat.errors.bad_url, &[("problem", &problem)])),
            );
        }
    };
    let lab = match state.lab.as_deref() {
        None => LabId::FIRST,
        Some(slug) => match LabId::from_slug(slug) {
            Some(lab) => lab,
            None => {
                return (
                    LabId::FIRST.fresh(1),
                    Cursor::End,
                    error(fill(
                        cat.errors.unknown_lab,
                        &[("lab", slug), ("first", LabId::FIRST.title(cat))],
                    )),
                )
            }
        },
    };
    let Some(run) = state.run else {
        return (lab.fresh(1), Cursor::End, None);
    };
    let at = match state.at {
        None => Cursor::End,
        Some(Ok(at)) => Cursor::Step(at),
        Some(Err(value)) => Cursor::Unreadable(value),
    };
    match crate::labs::load_run(&run, cat) {
        Ok(sim) => (sim, at, None),
        Err(problem) => (
            lab.fresh(1),
            Cursor::End,
            error(fill(cat.errors.bad_url, &[("problem", &problem)])),
        ),
    }
}

#[component]
pub fn App() -> impl IntoView {
    let hash = url_state::read();
    let link_lang = url_state::parse_hash(&hash).ok().and_then(|s| s.lang);
    let lang = RwSignal::new(i18n::browser::initial(link_lang));
    provide_context(LangContext(lang));
    Effect::new(move |_| i18n::browser::show(lang.get()));
    let cat = move || lang.get().catalog();
    let (sim, at, notice) = run_from_hash(&hash, cat());
    let ctl = Controller::new(LabId::FIRST.fresh(1), lang, true);
    provide_context(ctl);
    ctl.open(sim, at);
    if notice.is_some() {
        ctl.notice.set(notice);
    }

    let key_handle = window_event_listener(leptos::ev::keydown, move |ev| on_key(ctl, ev));
    let hash_handle = window_event_listener(leptos::ev::hashchange, move |_| {
        ctl.follow_url();
        let hash = url_state::read();
        // The language is the reader's choice, not part of where they are: a Back to an
        // entry written before they switched keeps the language they switched to.
        let wants = url_state::parse_hash(&hash)
            .ok()
            .and_then(|s| s.lab)
            .and_then(|l| LabId::from_slug(&l));
        let has_run = hash.contains("run=");
        // A tab (a lab with no run) goes back to the run that lab had when the page left
        // it, at the step it was at.
        let shelved = wants
            .filter(|l| !has_run && *l != ctl.lab())
            .and_then(|l| ctl.shelved(l));
        if let Some(sim) = shelved {
            let at = Cursor::Step(sim.cursor());
            ctl.notice.set(None);
            ctl.open(sim, at);
        } else if has_run || wants.is_some_and(|l| l != ctl.lab()) || wants.is_none() {
            let (sim, at, notice) = run_from_hash(&hash, cat());
            ctl.notice.set(None);
            ctl.open(sim, at);
            if notice.is_some() {
                ctl.notice.set(notice);
            }
        }
    });
    on_cleanup(move || {
        key_handle.remove();
        hash_handle.remove();
    });
    let current = Memo::new(move |_| ctl.read(|s| s.lab()));

    view! {
        <div class="app">
            <header class="topbar">
                <div class="brand">
                    <h1>{move || cat().app_title}</h1>
                    <p class="tagline">{move || cat().app_tagline}</p>
                </div>
                <nav aria-label=move || cat().labs_nav class="tabs">
                    {LabId::ALL
                        .into_iter()
                        .map(|lab| view! {
                            <a
                                href=format!("#/{}", lab.slug())
                                class="tab"
                                aria-current=move || (current.get() == lab).then_some("page")
                            >
                                {move || lab.title(cat())}
                            </a>
                        })
                        .collect_view()}
                </nav>
                <div class="topbar-tools">
                <div class="lang-switch" role="group" aria-label=move || cat().language>
                    {Lang::ALL
                        .into_iter()
                        .map(|l| view! {
                            <button
                                class="btn lang"
                                lang=l.html_lang()
                                aria-pressed=move || (lang.get() == l).to_string()
                                on:click=move |_| ctl.set_lang(l)
                            >
                                {l.name()}
                            </button>
                        })
                        .collect_view()}
                </div>
                <button class="btn help-button" aria-label=move || cat().help.open on:click=move |_| ctl.help_open.update(|o| *o = !*o)>
                    "?"
                </button>
                </div>
            </header>
            <NoticeBar />
            <main class="lab">
                <div class="stage">
                    <p class="intro">{move || current.get().intro(cat())}</p>
                    <ClusterCanvas />
                    <TransportBar />
                    <LogGridPanel />
                    <ChartsPanel />
                    <ShareBar />
                    <EventLog />
                </div>
                <aside class="side">
                    <InspectorPanel />
                    <InvariantMonitor />
                    <NetworkPanel />
                    <SettingsPanel />
                </aside>
            </main>
            <HelpOverlay />
        </div>
    }
}

/// The keyboard: Space plays and pauses; arrows, PageUp/PageDown and "." step (a
/// presentation clicker sends PageUp/PageDown), Home and End go to the ends; 1–9 select
/// a node, C crashes or restarts it, T times it out, P partitions it from the rest, H
/// heals, D drops the selected message, R sends the lab's main request; + and − change
/// speed; `?` toggles help, Escape closes and deselects.
/// Each is listed in the help (`Help::keys`).
fn on_key(ctl: Controller, ev: web_sys::KeyboardEvent) {
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
        "Escape" => {
            ctl.help_open.set(false);
            ctl.selection.set(Selection::None);
        }
        _ => {}
    }
}
