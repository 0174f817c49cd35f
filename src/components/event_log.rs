//! The event log: one sentence per step; clicking a line jumps to just after it.

use super::{catalog, use_throttled};
use crate::controller::use_controller;
use crate::i18n::{count, fill};
use leptos::html::Ol;
use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};

/// Lines kept around the cursor: long runs stay light to render, and a seek far away
/// draws 150 new lines, not thousands (the box shows about a dozen; the timeline reaches
/// the rest).
const BEFORE: u64 = 100;
const AFTER: u64 = 50;
/// Lines kept before the cursor while playing: enough to read the newest; pausing shows
/// the whole window again.
const BEFORE_PLAYING: u64 = 20;

#[component]
pub fn EventLog() -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    // The cursor, how many kept steps come before the first shown, and the lines.
    let window = use_throttled(move || {
        ctl.with(|s| {
            let at = s.cursor();
            let before = if ctl.playing.get_untracked() {
                BEFORE_PLAYING
            } else {
                BEFORE
            };
            let from = at.saturating_sub(before).max(s.first());
            (at, from - s.first(), s.log_lines(from, at + AFTER, cat()))
        })
    });
    let at = Memo::new(move |_| window.with(|w| w.0));
    let list: NodeRef<Ol> = NodeRef::new();
    // Keep the current line in view inside the log's own scroll box (not the page's). The
    // lines' places are read in a task after the browser has laid the page out for this
    // frame: read at once, they would make it lay out everything again first.
    // (`get`, not `track`: a memo nobody reads is never computed, so it would follow
    // nothing and never change.)
    Effect::new(move |_| {
        at.get();
        set_timeout(
            move || scroll_to_current(list, 12),
            std::time::Duration::ZERO,
        );
    });
    // Lines off screen are not laid out (`content-visibility`), so they take their real
    // height only when the page is scrolled to the log: look again then.
    let kept =
        StoredValue::new_local(None::<(web_sys::IntersectionObserver, Closure<dyn FnMut()>)>);
    Effect::new(move |_| {
        let Some(ol) = list.get() else { return };
        let again = Closure::<dyn FnMut()>::new(move || scroll_to_current(list, 12));
        if let Ok(observer) = web_sys::IntersectionObserver::new(again.as_ref().unchecked_ref()) {
            observer.observe(&ol);
            kept.set_value(Some((observer, again)));
        }
    });
    on_cleanup(move || {
        kept.try_with_value(|k| k.as_ref().map(|(observer, _)| observer.disconnect()));
    });
    view! {
        <section class="panel event-log">
            <h2>{move || cat().panels.event_log}</h2>
            <Show when=move || window.with(|w| w.1 > 0)>
                <p class="muted">{move || {
                    let p = &cat().panels;
                    count(window.with(|w| w.1), p.event_log_earlier_one, p.event_log_earlier)
                }}</p>
            </Show>
            <Show when=move || window.with(|w| w.2.is_empty())>
                <p class="muted">{move || cat().panels.event_log_empty}</p>
            </Show>
            <ol node_ref=list aria-label=move || cat().panels.event_log>
                // A line is drawn once while it stays in the window; only the lines where the
                // cursor is change. Whether a line is past or the current one is part of its
                // key rather than read from the cursor by every line (a step would then
                // wake every line). Its words can change as the cursor passes it (what the
                // checkers learn is told only up to the cursor) or after a fork, so they
                // are part of its key too.
                <For
                    each=move || {
                        let (at, _, lines) = window.get();
                        lines.into_iter().map(move |l| (l.step < at, l.step + 1 == at, l))
                    }
                    key=|(past, current, l)| (l.step, *past, *current, l.text.clone())
                    children=move |(past, current, line)| {
                        let step = line.step;
                        view! {
                            <li
                                data-step=step
                                class=format!("log-line {}", line.kind.class())
                                class:future=!past
                                aria-current=current.then_some("step")
                            >
                                <button class="log-button" on:click=move |_| {
                                    ctl.pause();
                                    ctl.seek(step + 1);
                                }>
                                    <span class="log-step">{step}</span>
                                    <span class="log-time">{fill(cat().panels.time_at, &[("t", &line.time.to_string())])}</span>
                                    <span class="log-text">{line.text}</span>
                                </button>
                            </li>
                        }
                    }
                />
            </ol>
        </section>
    }
}

fn scroll_to_current(list: NodeRef<Ol>, tries: u8) {
    // The log may be gone by now (another lab, a new run): then there is nothing to do.
    let Some(ol) = list.try_get_untracked().flatten() else {
        return;
    };
    if let Ok(Some(cur)) = ol.query_selector("[aria-current]") {
        let cur: web_sys::HtmlElement = cur.unchecked_into();
        let (top, h) = (cur.offset_top(), cur.offset_height());
        let (view_top, view_h) = (ol.scroll_top(), ol.client_height());
        if top < view_top || top + h > view_top + view_h {
            ol.set_scroll_top((top - view_h / 2).max(0));
        }
        // Lines scrolled into view are drawn at their real height only when they are
        // (until then `contain-intrinsic-size` uses the height a line last had, or one
        // line's), which can move the current one a few frames later: look again.
        if tries > 0 {
            request_animation_frame(move || scroll_to_current(list, tries - 1));
        }
    }
}
