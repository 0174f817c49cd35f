//! Lessons on the lab page: the player (the beat's words beside the picture, Continue
//! and Back, the chapters, a prediction's answers, a try's "Show me"), or, when no
//! lesson is being taken, the lab's lessons ("Start here" first), its misconception
//! cards and its prepared runs.

use super::catalog;
use crate::controller::use_controller;
use crate::i18n::fill;
use crate::labs::{LabId, LANGS};
use crate::lesson::library::Shelf;
use crate::lesson::myths;
use crate::url_state;
use leptos::prelude::*;
use protocols::lesson::{Kind, Text};

#[component]
pub fn LessonPanel() -> impl IntoView {
    let ctl = use_controller();
    let active = Memo::new(move |_| ctl.lesson.with(|p| p.is_some()));
    move || {
        if active.get() {
            view! { <LessonPlayer /> }.into_any()
        } else {
            view! { <LessonMenu /> }.into_any()
        }
    }
}

/// The words of `t` in the page's language.
fn words(t: &Text<'static>) -> &'static str {
    let ctl = use_controller();
    t.get(ctl.lang.get().code())
}

#[component]
fn LessonPlayer() -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    let lesson = ctl.lesson;
    let beat = Memo::new(move |_| {
        lesson.with(|p| {
            p.as_ref()
                .map_or((0, 0), |p| (p.beat, p.lesson.beats.len()))
        })
    });
    let finished = move || beat.get().0 >= beat.get().1;
    // Whether the beat is done with, and whether its animation is still ahead.
    let ready = Memo::new(move |_| {
        ctl.rev.track();
        lesson.with(|p| p.as_ref().is_some_and(|p| ctl.with(|s| p.ready(s))))
    });
    let ahead = Memo::new(move |_| {
        ctl.rev.track();
        lesson.with(|p| p.as_ref().is_some_and(|p| ctl.with(|s| p.playing_ahead(s))))
    });
    let title = move || lesson.with(|p| p.as_ref().map_or("", |p| words(&p.lesson.title)));
    let current = move || lesson.with(|p| p.as_ref().and_then(|p| p.current().cloned()));
    let picked = move || lesson.with(|p| p.as_ref().and_then(|p| p.picked));
    let problem = move || lesson.with(|p| p.as_ref().and_then(|p| p.problem.clone()));

    let chapters = move || {
        let (list, now) = lesson.with(|p| {
            p.as_ref().map_or((Vec::new(), None), |p| {
                let list: Vec<(usize, &'static str)> = p
                    .lesson
                    .chapters()
                    .into_iter()
                    .map(|(i, t)| (i, words(t)))
                    .collect();
                (list, p.chapter())
            })
        });
        (!list.is_empty()).then(|| {
            let items = list
                .into_iter()
                .enumerate()
                .map(|(k, (start, name))| {
                    view! {
                        <li>
                            <button
                                class="chapter"
                                aria-current=move || (now == Some(k)).then_some("step")
                                on:click=move |_| ctl.lesson_go(start)
                            >
                                {name}
                            </button>
                        </li>
                    }
                })
                .collect_view();
            view! { <ol class="chapters" aria-label=move || cat().lesson.chapters>{items}</ol> }
        })
    };

    let body = move || {
        let Some(b) = current() else {
            return view! { <Finished /> }.into_any();
        };
        let text = words(&b.text);
        let extra = match b.kind.clone() {
            Kind::Say => ().into_any(),
            Kind::Predict { answer, .. } => {
                let key = answer - 1;
                let answers = b
                    .answers
                    .iter()
                    .enumerate()
                    .map(|(i, a)| {
                        let label = words(a);
                        view! {
                            <li>
                                <button
                                    class="answer"
                                    class:picked=move || picked() == Some(i)
                                    class:key=move || picked().is_some() && ready.get() && i == key
                                    class:revealed=move || ready.get()
                                    aria-pressed=move || (picked() == Some(i)).to_string()
                                    disabled=move || picked().is_some()
                                    on:click=move |_| ctl.lesson_pick(i)
                                >
                                    {label}
                                </button>
                            </li>
                        }
                    })
                    .collect_view();
                let key_words = words(&b.answers[key]);
                let why = words(&b.why);
                view! {
                    <ol class="answers">{answers}</ol>
                    {move || match picked() {
                        None => view! { <p class="muted small">{cat().lesson.pick}</p> }.into_any(),
                        // The verdict and why once the reveal has played.
                        Some(_) if !ready.get() => ().into_any(),
                        Some(p) => {
                            let verdict = if p == key {
                                cat().lesson.right.to_string()
                            } else {
                                fill(cat().lesson.wrong, &[("answer", key_words)])
                            };
                            view! {
                                <p class="verdict" class:right=p == key>{verdict}</p>
                                <p class="why">{why}</p>
                            }
                            .into_any()
                        }
                    }}
                }
                .into_any()
            }
            Kind::Try(_) => view! {
                <p class="try-status muted small">
                    {move || if ready.get() { cat().lesson.done } else { cat().lesson.waiting }}
                </p>
                <button class="btn btn-small show-me" hidden=move || ready.get() on:click=move |_| ctl.lesson_show_me()>
                    {move || cat().lesson.show_me}
                </button>
            }
            .into_any(),
        };
        view! {
            <p class="beat-text">{text}</p>
            {extra}
        }
        .into_any()
    };

    view! {
        <section class="panel lesson-player" aria-label=move || fill(cat().lesson.player, &[("title", title())])>
            <div class="lesson-head">
                <h2>{title}</h2>
                <button class="btn btn-small leave" title=move || cat().lesson.leave_help on:click=move |_| ctl.leave_lesson()>
                    {move || cat().lesson.leave}
                </button>
            </div>
            {chapters}
            <div class="lesson-body" aria-live="polite">
                {body}
                {move || problem().map(|p| view! { <p class="error small">{fill(cat().lesson.off_path, &[("problem", &p)])}</p> })}
            </div>
            <div class="lesson-nav">
                <button class="btn" disabled=move || beat.get().0 == 0 on:click=move |_| ctl.lesson_back()>
                    "← " {move || cat().lesson.back}
                </button>
                <span class="lesson-progress muted small">
                    {move || {
                        let (n, total) = beat.get();
                        fill(cat().lesson.progress, &[("n", &(n + 1).min(total).to_string()), ("total", &total.to_string())])
                    }}
                </span>
                <button
                    class="btn btn-primary lesson-next"
                    hidden=finished
                    disabled=move || !ready.get() && !ahead.get()
                    title=move || if ahead.get() { cat().lesson.skip } else { "" }
                    on:click=move |_| ctl.lesson_next()
                >
                    {move || if ahead.get() { format!("{} »", cat().lesson.next) } else { format!("{} →", cat().lesson.next) }}
                </button>
            </div>
        </section>
    }
}

/// The end of a lesson: start again, or the lab's next lesson.
#[component]
fn Finished() -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    let (lab, id) = ctl.lesson.with_untracked(|p| {
        p.as_ref()
            .map_or((LabId::FIRST, ""), |p| (p.lab, p.lesson.id))
    });
    let lessons = lab.lessons();
    let next = lessons
        .iter()
        .position(|l| l.id == id)
        .and_then(|i| lessons.get(i + 1))
        .map(|l| (l.id, l.title.clone()));
    view! {
        <p class="beat-text">{move || cat().lesson.finished}</p>
        <p class="lesson-end">
            <button class="btn btn-small" on:click=move |_| ctl.lesson_restart()>{move || cat().lesson.restart}</button>
            {next.map(|(next_id, t)| view! {
                <a class="btn btn-small btn-primary" href=move || lesson_link(lab, next_id, 1)>
                    {move || fill(cat().lesson.next_lesson, &[("title", words(&t))])}
                </a>
            })}
        </p>
    }
}

/// A lesson's link at a beat (from 1), in the page's language.
fn lesson_link(lab: LabId, id: &str, beat: usize) -> String {
    url_state::lesson_hash(lab, id, beat, use_controller().lang.get())
}

/// The lab's lessons ("Start here" first), misconception cards and prepared runs.
#[component]
fn LessonMenu() -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    let lab = Memo::new(move |_| ctl.read(|s| s.lab()));
    let fresh = Memo::new(move |_| ctl.read(|s| s.len() == 0));
    move || {
        let lab = lab.get();
        match ctl.lesson_shelf(lab) {
            Shelf::Ready => {}
            Shelf::Failed(problem) => {
                return view! {
                    <section class="panel lessons" aria-label=move || cat().lesson.heading>
                        <h2>{move || cat().lesson.heading}</h2>
                        <p class="error small">{move || fill(cat().lesson.load_failed, &[("problem", &problem)])}</p>
                    </section>
                }
                .into_any()
            }
            Shelf::Missing | Shelf::Loading => {
                return view! {
                    <section class="panel lessons" aria-label=move || cat().lesson.heading aria-busy="true">
                        <h2>{move || cat().lesson.heading}</h2>
                        <p class="muted small">{move || cat().lesson.loading}</p>
                    </section>
                }
                .into_any()
            }
        }
        let lessons = lab.lessons();
        let problems = lab
            .lesson_problems()
            .into_iter()
            .map(|p| view! { <p class="error small">{move || fill(cat().lesson.unreadable, &[("problem", &p)])}</p> })
            .collect_view();
        let Some(first) = lessons.first().cloned() else {
            return view! { <section class="panel lessons">{problems}</section> }.into_any();
        };
        let cards = myths::parse(lab.myths_text(), &LANGS).unwrap_or_default();
        let list = lessons
            .iter()
            .map(|l| {
                let (id, t, c) = (l.id, l.title.clone(), l.caption.clone());
                view! {
                    // One line each, so the panels below stay within reach; the caption
                    // is the link's description.
                    <li>
                        <a href=move || lesson_link(lab, id, 1) title=move || words(&c)>{move || words(&t)}</a>
                    </li>
                }
            })
            .collect_view();
        let ends = lessons
            .iter()
            .map(|l| {
                let (id, t) = (l.id, l.title.clone());
                view! {
                    <li>
                        <button class="btn btn-small" on:click=move |_| ctl.open_lesson_end(lab, id)>
                            {move || words(&t)}
                        </button>
                    </li>
                }
            })
            .collect_view();
        let n_cards = cards.len();
        let card_views = cards
            .into_iter()
            .map(|m| {
                let (claim, truth, lesson, beat) = (m.claim, m.truth, m.lesson, m.beat);
                view! {
                    <li class="myth">
                        <p><strong>{move || cat().lesson.myth_claim}</strong>{move || cat().colon}<s>{move || words(&claim)}</s></p>
                        <p><strong>{move || cat().lesson.myth_truth}</strong>{move || cat().colon}{move || words(&truth)}</p>
                        <a href=move || lesson_link(lab, lesson, beat + 1)>{move || cat().lesson.see_it}</a>
                    </li>
                }
            })
            .collect_view();
        let (first_id, first_title, first_caption) =
            (first.id, first.title.clone(), first.caption.clone());
        let n = lessons.len();
        view! {
            <section class="panel lessons" aria-label=move || cat().lesson.heading>
                <h2>{move || cat().lesson.heading}</h2>
                {problems}
                <a class="btn btn-primary start-here" href=move || lesson_link(lab, first_id, 1)>
                    {move || format!("{}{}{}", cat().lesson.start_here, cat().colon, words(&first_title))}
                </a>
                <p class="muted small">{move || words(&first_caption)}</p>
                // Open on a fresh lab (lessons first); folded once the run starts, so the
                // inspector and the network panel below keep their room (reopened by hand,
                // it stays open).
                <details prop:open=move || fresh.get()>
                    <summary>{move || fill(cat().lesson.all, &[("n", &n.to_string())])}</summary>
                    <ol class="lesson-list">{list}</ol>
                </details>
                {(n_cards > 0).then(|| view! {
                    <details>
                        <summary>{move || cat().lesson.myths}</summary>
                        <ul class="myths">{card_views}</ul>
                    </details>
                })}
                <details>
                    <summary>{move || cat().lesson.try_this}</summary>
                    <p class="muted small">{move || cat().lesson.try_this_help}</p>
                    <ul class="ends">{ends}</ul>
                </details>
            </section>
        }
        .into_any()
    }
}
