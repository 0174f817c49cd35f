//! The controller's part in a lesson: it opens one on a run made for it, passes the
//! student's moves to the [`Player`], and animates the beat each move starts.

use super::{Controller, Cursor, Notice};
use crate::i18n::{fill, Lang};
use crate::labs::{LabId, LabSim};
use crate::lesson::library::{self, Shelf};
use crate::lesson::{Goal, Player};
use crate::url_state;
use crate::view_model::scale;
use leptos::prelude::*;

/// About how long a beat's animation lasts, in wall seconds: the speed is chosen for it
/// (between 1× and 100×).
const BEAT_SECONDS: f64 = 4.0;

impl Controller {
    /// Takes up a lesson again where the student left it (its run was put on the shelf
    /// when they switched tabs, and is open again).
    pub fn resume_lesson(&self, player: Player) {
        self.lesson.set(Some(player));
        self.changed(true);
    }

    /// Opens lesson `id` of `lab` at beat `at` (from 0) on a run made for it; the run
    /// the page had is put aside (Undo brings it back). An unknown lesson is told.
    pub fn open_lesson(&self, lab: LabId, id: &str, at: usize) {
        let cat = self.cat();
        match self.lesson_shelf(lab) {
            Shelf::Ready => {}
            Shelf::Failed(problem) => {
                let text = fill(cat.lesson.load_failed, &[("problem", &problem)]);
                self.notice.set(Some(Notice { text, error: true }));
                return;
            }
            // Opened when the files arrive.
            Shelf::Missing | Shelf::Loading => {
                self.pending_lesson
                    .set_value(Some((lab, id.to_string(), at)));
                return;
            }
        }
        let Some(lesson) = lab.lesson(id) else {
            // The lab the link names, with its lessons to choose from (the run the page
            // had waits on the shelf, or is put aside).
            if self.lab() != lab || self.lesson.get_untracked().is_some() {
                self.open(lab.fresh(1), Cursor::End);
            }
            let text = fill(
                cat.lesson.unknown,
                &[("lesson", id), ("lab", lab.title(cat))],
            );
            self.notice.set(Some(Notice { text, error: true }));
            return;
        };
        let mut sim = match lab.lesson_sim(&lesson) {
            Ok(sim) => sim,
            Err(problem) => {
                let text = fill(cat.lesson.broken, &[("problem", &problem)]);
                self.notice.set(Some(Notice { text, error: true }));
                return;
            }
        };
        let player = Player::open(lab, lesson, sim.as_mut(), at);
        let step = sim.cursor();
        self.notice.set(None);
        self.open(sim, Cursor::Step(step));
        self.lesson.set(Some(player));
        self.animate(self.lesson_goal());
    }

    /// Whether the current lesson beat's `show=` names something `is` recognises (given
    /// each name and the run). Reactive on the lesson only.
    pub fn spotlit(&self, is: impl Fn(&str, &dyn LabSim) -> bool) -> bool {
        self.lesson.with(|p| {
            p.as_ref()
                .and_then(|p| p.current())
                .is_some_and(|b| b.show.iter().any(|s| self.with(|sim| is(s, sim))))
        })
    }

    /// Where the lab's lesson files stand (reactive), asking for them the first time.
    pub fn lesson_shelf(&self, lab: LabId) -> Shelf {
        self.library_rev.track();
        let shelf = library::shelf(lab);
        if shelf == Shelf::Missing {
            let ctl = *self;
            library::fetch(lab, move || {
                ctl.library_rev.try_update(|r| *r += 1);
                let pending = ctl.pending_lesson.try_update_value(Option::take).flatten();
                if let Some((l, id, at)) = pending.filter(|(l, _, _)| *l == lab) {
                    ctl.open_lesson(l, &id, at);
                }
            });
            return library::shelf(lab);
        }
        shelf
    }

    /// Leaves the lesson: the run stays as it is, a run like any other.
    pub fn leave_lesson(&self) {
        self.lesson.set(None);
        self.changed(true);
    }

    /// Where playing should stop: the end of the current beat's animation, if the cursor
    /// is before it.
    pub(super) fn lesson_goal(&self) -> Option<u64> {
        let at = self.with(|s| s.cursor());
        self.lesson
            .with_untracked(|p| p.as_ref().and_then(|p| p.end))
            .filter(|end| at < *end)
    }

    /// The link of the lesson at its beat, if one is being taken.
    pub(super) fn lesson_hash(&self, lang: Lang) -> Option<String> {
        self.lesson.try_with_untracked(|p| {
            p.as_ref().map(|p| {
                let beat = (p.beat + 1).min(p.lesson.beats.len());
                url_state::lesson_hash(p.lab, p.lesson.id, beat, lang)
            })
        })?
    }

    /// A move of the student's: the player acts on the run, and the beat it starts is
    /// animated.
    fn lesson_move(&self, f: impl FnOnce(&mut Player, &mut dyn LabSim) -> Goal) {
        self.keep_loaded();
        let Some(mut p) = self.lesson.get_untracked() else {
            return;
        };
        self.pause();
        let goal = self
            .sim
            .try_update_value(|s| f(&mut p, s.as_mut()))
            .flatten();
        self.lesson.set(Some(p));
        self.animate(goal);
    }

    /// Plays to `goal` at a speed that takes about [`BEAT_SECONDS`]; or, with nothing
    /// to play, shows the step the run is at.
    fn animate(&self, goal: Goal) {
        self.selection.set(super::Selection::None);
        self.snap_time();
        self.changed(true);
        let Some(goal) = goal else {
            return;
        };
        let (now, end) = self.with(|s| (s.time(), s.cursor()));
        if goal <= end {
            return;
        }
        let end_time = self
            .lesson
            .with_untracked(|p| p.as_ref().map_or(now, |p| p.end_time));
        let ticks = end_time.saturating_sub(now) as f64;
        let speed = (ticks / (BEAT_SECONDS * scale::TICKS_PER_SECOND)).clamp(1.0, 100.0);
        self.speed
            .set(scale::speed_from_slider(scale::slider_from_speed(speed)));
        self.play();
    }

    pub fn lesson_next(&self) {
        self.lesson_move(|p, s| p.next(s));
    }

    pub fn lesson_back(&self) {
        self.lesson_move(|p, s| p.back(s));
    }

    pub fn lesson_pick(&self, answer: usize) {
        self.lesson_move(|p, s| p.pick(s, answer));
    }

    pub fn lesson_show_me(&self) {
        self.lesson_move(|p, s| {
            p.show_me(s);
            None
        });
    }

    pub fn lesson_go(&self, beat: usize) {
        self.lesson_move(|p, s| p.go_to(s, beat));
    }

    /// Opens the run a lesson ends with, as a run like any other (a prepared run).
    pub fn open_lesson_end(&self, lab: LabId, id: &str) {
        self.open_lesson(lab, id, usize::MAX);
        self.lesson_move(|p, s| {
            p.take_hint(s);
            None
        });
        self.pause();
        self.leave_lesson();
    }

    /// Plays the lesson again from its first beat.
    pub fn lesson_restart(&self) {
        let Some((lab, id)) = self
            .lesson
            .with_untracked(|p| p.as_ref().map(|p| (p.lab, p.lesson.id)))
        else {
            return;
        };
        self.open_lesson(lab, id, 0);
    }
}
