//! The shell: header with one tab per lab, the lab's panels, keyboard shortcuts, and
//! the URL as the source of the lab and run.

use crate::components::{
    canvas::ClusterCanvas, charts::ChartsPanel, context_menu::ContextMenu, event_log::EventLog,
    help::HelpOverlay, inspector::InspectorPanel, invariants::InvariantMonitor,
    lesson::LessonPanel, log_grid::LogGridPanel, network::NetworkPanel, notice::NoticeBar,
    present::Caption, settings::SettingsPanel, share::ShareBar, spacetime::SpaceTimePanel,
    transport::TransportBar,
};
use crate::controller::{Controller, Cursor, Notice};
use crate::i18n::{self, fill, Catalog, Lang, LangContext};
use crate::labs::{LabId, LabSim};
use crate::url_state;
use leptos::prelude::*;

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
    // A link that names no step opens at the start, to be stepped through.
    let at = match state.at {
        None => Cursor::Step(0),
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

/// Opens the lesson a hash names (`#/raft/lesson/figure-8?beat=3`), if it names one.
fn open_lesson_of(ctl: Controller, hash: &str) -> bool {
    let Ok(state) = url_state::parse_hash(hash) else {
        return false;
    };
    let (Some(lab), Some(id)) = (
        state.lab.as_deref().and_then(LabId::from_slug),
        state.lesson,
    ) else {
        return false;
    };
    let beat = state.beat.unwrap_or(1).saturating_sub(1) as usize;
    ctl.open_lesson(lab, &id, beat);
    true
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
    open_lesson_of(ctl, &hash);

    let key_handle =
        window_event_listener(leptos::ev::keydown, move |ev| crate::keys::on_key(ctl, ev));
    // A click anywhere else closes the node or message menu.
    let click_handle = window_event_listener(leptos::ev::click, move |_| ctl.click_elsewhere());
    // The browser's own Escape leaves full screen: presenter mode ends with it.
    let full_handle =
        window_event_listener_untyped("fullscreenchange", move |_| ctl.fullscreen_changed());
    let hash_handle = window_event_listener(leptos::ev::hashchange, move |_| {
        ctl.follow_url();
        let hash = url_state::read();
        // The language is the reader's choice, not part of where they are: a Back to an
        // entry written before they switched keeps the language they switched to.
        let wants = url_state::parse_hash(&hash)
            .ok()
            .and_then(|s| s.lab)
            .and_then(|l| LabId::from_slug(&l));
        if open_lesson_of(ctl, &hash) {
            return;
        }
        let has_run = hash.contains("run=");
        // A tab (a lab with no run) goes back to the run that lab had when the page left
        // it, at the step it was at.
        let shelved = wants
            .filter(|l| !has_run && *l != ctl.lab())
            .and_then(|l| ctl.shelved(l));
        if let Some((sim, lesson)) = shelved {
            let at = Cursor::Step(sim.cursor());
            ctl.notice.set(None);
            ctl.open(sim, at);
            // The lesson being taken there goes on at its beat.
            if let Some(player) = lesson {
                ctl.resume_lesson(player);
            }
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
        click_handle.remove();
        full_handle.remove();
        hash_handle.remove();
    });
    let current = Memo::new(move |_| ctl.read(|s| s.lab()));

    view! {
        <div class="app" class:presenting=move || ctl.presenting.get()>
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
                <div class="lesson-area">
                    <LessonPanel />
                </div>
                <div class="stage">
                    <p class="intro">{move || current.get().intro(cat())}</p>
                    <ClusterCanvas />
                    <Show when=move || ctl.presenting.get()>
                        <Caption />
                    </Show>
                    <TransportBar />
                    <SpaceTimePanel />
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
            <ContextMenu />
        </div>
    }
}
