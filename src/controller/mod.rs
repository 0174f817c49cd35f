//! The controller: owns the running lab and its history, and is the only thing that
//! changes them. Components read a revision signal and derive their views from it.

mod branches;
mod inputs;
mod lesson;
mod menu;
mod present;

pub use branches::Branch;
pub use inputs::Edit;

use crate::i18n::{self, fill, Catalog, Lang};
use crate::labs::{LabId, LabSim, Scene, UiInput};
use crate::lesson::Player;
use crate::url_state;
use crate::view_model::scale::{self, MAX_STEPS_PER_FRAME};
use leptos::prelude::*;

/// What the user has selected on the canvas.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    None,
    Node(usize),
    Message(u64),
}

/// Where a loaded run should stand once it is recorded.
#[derive(Clone, Debug, PartialEq)]
pub enum Cursor {
    /// At its end (a link without `at`, an import).
    End,
    /// At this step, as a link's `at` asks.
    Step(u64),
    /// At its end, telling that the link's `at` (this text) was not a step number.
    Unreadable(String),
}

/// A message shown above the lab: a problem with input, or a hint.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub text: String,
    pub error: bool,
}

#[derive(Copy, Clone)]
pub struct Controller {
    sim: StoredValue<Box<dyn LabSim>>,
    /// The run each other lab had when the page left it, to go back to on its tab.
    /// The run each other lab had when the page left it, with the lesson being taken on
    /// it, to go back to on its tab.
    shelf: StoredValue<Vec<(Box<dyn LabSim>, Option<Player>)>>,
    /// The run a reset, a new seed or a new configuration put aside, with its step.
    put_aside: StoredValue<Option<(Box<dyn LabSim>, u64)>>,
    /// The length of the run put aside while the page offers to bring it back (Undo).
    pub aside: RwSignal<Option<u64>>,
    /// Bumped after every change to the run: every view derives from it.
    pub rev: RwSignal<u64>,
    pub playing: RwSignal<bool>,
    /// Speed factor (1.0 = [`scale::TICKS_PER_SECOND`] ticks per second).
    pub speed: RwSignal<f64>,
    /// The virtual time drawn: between steps while playing, so messages glide.
    pub display_time: RwSignal<f64>,
    /// Messages glide between steps (off: they jump from step to step, as
    /// `prefers-reduced-motion` asks; the transport has the switch).
    pub glide: RwSignal<bool>,
    pub selection: RwSignal<Selection>,
    pub notice: RwSignal<Option<Notice>>,
    pub help_open: RwSignal<bool>,
    /// Presenter mode: the canvas fills the window with a caption bar (key F).
    pub presenting: RwSignal<bool>,
    /// The space-time diagram is open (key S), and the message its pointer is on.
    pub spacetime: RwSignal<bool>,
    pub linked: RwSignal<Option<u64>>,
    /// A node's or message's actions opened beside it (right-click), at window coordinates.
    pub menu: RwSignal<Option<(Selection, f64, f64)>>,
    /// When the menu opened (wall ms), and a long press waiting to open it.
    menu_opened: StoredValue<f64>,
    press_timer: StoredValue<Option<TimeoutHandle>>,
    pub lang: RwSignal<Lang>,
    /// What the canvas and panels draw for the current step.
    pub scene: Memo<Scene>,
    /// While a loaded run is being recorded: (steps recorded, steps asked for).
    pub loading: RwSignal<Option<(u64, u64)>>,
    /// Where the loaded run goes when recorded.
    load_cursor: StoredValue<Cursor>,
    /// The lesson being taken on this run, if any.
    pub lesson: RwSignal<Option<Player>>,
    /// Playing stops at this step (the end of a lesson beat's animation).
    stop_at: StoredValue<Option<u64>>,
    /// Bumped when a lab's lesson files arrive (`lesson::library`).
    library_rev: RwSignal<u64>,
    /// The runs forks left behind (see `branches.rs`).
    pub branches: RwSignal<Vec<Branch>>,
    /// A lesson asked for before its lab's files arrived: opened when they do.
    pending_lesson: StoredValue<Option<(LabId, String, usize)>>,
    last_frame: StoredValue<Option<f64>>,
    /// When the URL was last rewritten while playing (wall ms).
    last_url_write: StoredValue<f64>,
    /// A rewrite of the URL is waiting for the next paint.
    url_pending: StoredValue<bool>,
    /// The URL's hash as this page last wrote or followed it (see [`Controller::write_url`]).
    url_seen: StoredValue<String>,
    /// Whether the URL should be kept in step with the run (off in component tests).
    sync_url: bool,
}

impl Controller {
    pub fn new(sim: Box<dyn LabSim>, lang: RwSignal<Lang>, sync_url: bool) -> Self {
        let time = sim.time() as f64;
        let sim = StoredValue::new(sim);
        let rev = RwSignal::new(0);
        let scene = Memo::new(move |_| {
            rev.track();
            sim.with_value(|s| s.scene(lang.get().catalog()))
        });
        Controller {
            sim,
            shelf: StoredValue::new(Vec::new()),
            put_aside: StoredValue::new(None),
            aside: RwSignal::new(None),
            rev,
            scene,
            playing: RwSignal::new(false),
            speed: RwSignal::new(1.0),
            display_time: RwSignal::new(time),
            glide: RwSignal::new(!prefers_reduced_motion()),
            selection: RwSignal::new(Selection::None),
            notice: RwSignal::new(None),
            help_open: RwSignal::new(false),
            presenting: RwSignal::new(false),
            spacetime: RwSignal::new(false),
            linked: RwSignal::new(None),
            menu: RwSignal::new(None),
            menu_opened: StoredValue::new(0.0),
            press_timer: StoredValue::new(None),
            lang,
            loading: RwSignal::new(None),
            load_cursor: StoredValue::new(Cursor::End),
            lesson: RwSignal::new(None),
            stop_at: StoredValue::new(None),
            library_rev: RwSignal::new(0),
            pending_lesson: StoredValue::new(None),
            branches: RwSignal::new(Vec::new()),
            last_frame: StoredValue::new(None),
            last_url_write: StoredValue::new(0.0),
            url_pending: StoredValue::new(false),
            url_seen: StoredValue::new(url_state::read()),
            sync_url,
        }
    }

    /// The virtual time the canvas draws: the playing clock while messages glide, else
    /// the current step's (so nothing moves between steps).
    pub fn drawn_time(&self) -> f64 {
        if self.glide.get() {
            self.display_time.get()
        } else {
            self.rev.track();
            self.with(|s| s.time()) as f64
        }
    }

    fn cat(&self) -> &'static Catalog {
        self.lang.get_untracked().catalog()
    }

    /// Reads the lab (not reactive by itself: pair it with `rev.get()` in a memo).
    pub fn with<R>(&self, f: impl FnOnce(&dyn LabSim) -> R) -> R {
        self.sim.with_value(|s| f(s.as_ref()))
    }

    /// Reads the lab reactively.
    pub fn read<R>(&self, f: impl FnOnce(&dyn LabSim) -> R) -> R {
        self.rev.track();
        self.with(f)
    }

    /// Tells the page the run changed; with `sync_url`, the URL follows once the change
    /// is on screen: `replaceState` (a few ms) is not on a step's way to the screen, and
    /// the changes of one frame rewrite it once.
    fn changed(&self, sync_url: bool) {
        self.rev.update(|r| *r += 1);
        if sync_url {
            self.write_url_soon();
        }
    }

    /// Rewrites the URL once the current frame is on screen (once for all the changes of
    /// that frame).
    fn write_url_soon(&self) {
        if self.sync_url && !self.url_pending.get_value() {
            self.url_pending.set_value(true);
            let ctl = *self;
            request_animation_frame(move || {
                set_timeout(move || ctl.write_url(), std::time::Duration::ZERO);
            });
        }
    }

    /// Rewrites the URL to the run as it is now (nothing if the page moved on to another
    /// controller meanwhile). If the URL changed since the page last wrote or followed it,
    /// a navigation (Back, a tab) is on its way to the `hashchange` handler: writing now
    /// would put this run into the history entry just navigated to, so this one write is
    /// skipped and the handler's run writes its own.
    fn write_url(&self) {
        if self.url_pending.try_set_value(false).is_some() {
            return;
        }
        let now = url_state::read();
        match self.url_seen.try_with_value(|seen| *seen == now) {
            Some(true) => {}
            Some(false) => return self.url_seen.set_value(now),
            None => return,
        }
        let lang = self.lang.get_untracked();
        if let Some(hash) = self.lesson_hash(lang) {
            url_state::replace(&hash);
            self.url_seen.set_value(url_state::read());
            return;
        }
        let Some((lab, json, at)) = self
            .sim
            .try_with_value(|s| (s.lab(), s.export(), s.cursor()))
        else {
            return;
        };
        let _ = url_state::write(lab, &json, at, lang);
        self.url_seen.set_value(url_state::read());
    }

    /// Switches the language: the run, the step and the selection stay; the choice is
    /// remembered here and written into the URL, so a shared link opens in it.
    pub fn set_lang(&self, lang: Lang) {
        if self.lang.get_untracked() == lang {
            return;
        }
        self.lang.set(lang);
        i18n::browser::remember(lang);
        self.write_url_soon();
    }

    /// The page follows the URL as it is now (a navigation it is about to handle).
    pub fn follow_url(&self) {
        self.url_seen.set_value(url_state::read());
    }

    fn snap_time(&self) {
        let t = self.with(|s| s.time()) as f64;
        self.display_time.set(t);
    }

    pub fn step_forward(&self) -> bool {
        self.keep_loaded();
        let moved = self
            .sim
            .try_update_value(|s| s.step_forward())
            .unwrap_or(false);
        self.snap_time();
        self.changed(!self.playing.get_untracked());
        moved
    }

    pub fn step_back(&self) {
        let at = self.with(|s| s.cursor());
        if at > 0 {
            self.seek(at - 1);
        }
    }

    pub fn seek(&self, step: u64) {
        self.keep_loaded();
        self.sim.update_value(|s| s.seek(step));
        self.snap_time();
        self.changed(!self.playing.get_untracked());
    }

    /// Applies a user action at the current step; at a past step this forks the run.
    pub fn inject(&self, input: UiInput) {
        self.keep_loaded();
        self.keep_branch();
        let result = self
            .sim
            .try_update_value(|s| s.inject(input))
            .unwrap_or(Ok(()));
        if let Err(problem) = result {
            self.notice.set(Some(Notice {
                text: problem,
                error: true,
            }));
        }
        let t = self.with(|s| s.time()) as f64;
        self.display_time.update(|d| *d = d.max(t));
        self.changed(true);
    }

    /// Replaces the whole run of this lab (reset, new seed, new settings). The run it
    /// replaces, if it had any steps, is put aside: [`Controller::undo`] brings it back.
    pub fn replace(&self, sim: Box<dyn LabSim>) {
        self.pause();
        self.lesson.set(None);
        self.loading.set(None);
        if let Some(old) = self.sim.try_update_value(|s| std::mem::replace(s, sim)) {
            self.put_aside(old);
        }
        self.selection.set(Selection::None);
        self.snap_time();
        self.changed(true);
    }

    /// Opens a loaded run: it is recorded a slice per frame (the page keeps answering, and
    /// a progress bar offers to stop), then the cursor goes where `at` says.
    pub fn open(&self, sim: Box<dyn LabSim>, at: Cursor) {
        self.open_as(sim, at, true);
    }

    /// Opens a run in place of this one, which is kept elsewhere (a branch).
    pub(super) fn open_replacing(&self, sim: Box<dyn LabSim>, at: Cursor) {
        self.open_as(sim, at, false);
    }

    fn open_as(&self, sim: Box<dyn LabSim>, at: Cursor, keep_left: bool) {
        self.pause();
        let lesson = self.lesson.try_update(Option::take).flatten();
        let progress = sim.loading();
        let lab = sim.lab();
        let left = self
            .sim
            .try_update_value(|s| std::mem::replace(s, sim))
            .filter(|_| keep_left);
        match left {
            // Another lab's run waits on the shelf for its tab.
            Some(left) if left.lab() != lab => self.shelf.update_value(|shelf| {
                shelf.retain(|(s, _)| s.lab() != left.lab());
                let lesson = lesson.filter(|p| p.lab == left.lab());
                shelf.push((left, lesson));
            }),
            // This lab's run is put aside, as a reset puts it (Undo).
            Some(left) => self.put_aside(left),
            None => {}
        }
        self.selection.set(Selection::None);
        self.load_cursor.set_value(at);
        self.loading.set(progress);
        if progress.is_some() {
            self.snap_time();
            self.changed(false);
            schedule_loading(*self);
        } else {
            self.finish_loading(None);
        }
    }

    /// The run `lab` had when the page last left it (taken off the shelf), if any, and
    /// the lesson that was being taken on it.
    pub fn shelved(&self, lab: LabId) -> Option<(Box<dyn LabSim>, Option<Player>)> {
        self.shelf
            .try_update_value(|shelf| {
                let i = shelf.iter().position(|(s, _)| s.lab() == lab)?;
                Some(shelf.swap_remove(i))
            })
            .flatten()
    }

    /// Records one slice of a loading run: about [`LOAD_SLICE_MS`] of work.
    fn load_slice(&self) {
        let started_ms = now_ms();
        let more = loop {
            let more = self
                .sim
                .try_update_value(|s| s.record_some(LOAD_SLICE_STEPS))
                .unwrap_or(false);
            if !more || now_ms() - started_ms > LOAD_SLICE_MS {
                break more;
            }
        };
        if more {
            // Only the progress bar follows: drawing every frame of a run being recorded
            // would cost more than recording it.
            self.loading.set(self.with(|s| s.loading()));
        } else {
            self.finish_loading(None);
        }
    }

    /// Stops recording a loading run where it is; what was recorded stays (and playing
    /// on simulates the rest of its inputs).
    pub fn stop_loading(&self) {
        if let Some((done, total)) = self.loading.get_untracked() {
            self.sim.update_value(|s| s.stop_loading());
            let stopped = fill(
                self.cat().transport.loading_stopped,
                &[("done", &done.to_string()), ("total", &total.to_string())],
            );
            self.finish_loading(Some(stopped));
        }
    }

    /// A user acting on a loading run keeps what is recorded and acts there.
    fn keep_loaded(&self) {
        if self.loading.get_untracked().is_some() {
            self.sim.update_value(|s| s.stop_loading());
            self.loading.set(None);
        }
    }

    /// The run is recorded: put the cursor where the link asked, and say what was off
    /// (after `told`, a sentence already due, so one notice says both).
    fn finish_loading(&self, told: Option<String>) {
        self.loading.set(None);
        let cat = self.cat();
        let len = self.with(|s| s.len());
        let mut problems = Vec::new();
        if let Some(stop) = self.with(|s| s.stopped(cat)) {
            problems.push(stop);
        }
        let at = match self.load_cursor.get_value() {
            Cursor::End => len,
            Cursor::Step(at) if at <= len => at,
            Cursor::Step(at) => {
                problems.push(fill(
                    cat.errors.at_past_end,
                    &[("at", &at.to_string()), ("len", &len.to_string())],
                ));
                len
            }
            Cursor::Unreadable(value) => {
                problems.push(fill(cat.errors.bad_at, &[("value", &value)]));
                len
            }
        };
        self.load_cursor.set_value(Cursor::End);
        self.sim.update_value(|s| s.seek(at));
        let error = !problems.is_empty();
        let text: Vec<String> = told.into_iter().chain(problems).collect();
        if !text.is_empty() {
            self.notice.set(Some(Notice {
                text: text.join(" "),
                error,
            }));
        }
        self.snap_time();
        self.changed(true);
    }

    pub fn lab(&self) -> LabId {
        self.with(|s| s.lab())
    }

    /// Same configuration and seed, from step 0, with no inputs.
    /// Keeps `old` for Undo if it has any steps (else the run put aside before stays).
    fn put_aside(&self, old: Box<dyn LabSim>) {
        if old.len() > 0 {
            let at = old.cursor();
            self.put_aside.set_value(Some((old, at)));
        }
        self.aside.set(
            self.put_aside
                .with_value(|p| p.as_ref().map(|(s, _)| s.len())),
        );
    }

    /// Brings back the run put aside, at its step; the current one is put aside in its
    /// place (so Undo again goes back), unless it has no steps.
    pub fn undo(&self) {
        let Some((old, at)) = self.put_aside.try_update_value(Option::take).flatten() else {
            return;
        };
        self.replace(old);
        self.seek(at);
    }

    pub fn reset(&self) {
        let seed = self.with(|s| s.seed());
        let fresh = self.with(|s| s.reseeded(seed));
        self.replace(fresh);
    }

    pub fn new_seed(&self) {
        let seed = (js_sys::Math::random() * 1_000_000.0) as u64 + 1;
        let fresh = self.with(|s| s.reseeded(seed));
        self.replace(fresh);
    }

    pub fn play(&self) {
        if self.playing.get_untracked() {
            return;
        }
        self.keep_loaded();
        if self.with(|s| s.is_finished()) {
            self.notice.set(Some(Notice {
                text: self.cat().transport.finished.into(),
                error: false,
            }));
        }
        self.stop_at.set_value(self.lesson_goal());
        self.playing.set(true);
        self.last_frame.set_value(None);
        schedule_frame(*self);
    }

    pub fn pause(&self) {
        self.stop_at.set_value(None);
        if self.playing.get_untracked() {
            self.playing.set(false);
            self.changed(true);
        }
    }

    /// Selects a node or a message, pausing playback: what is selected stays where it is,
    /// so a message in flight can be dropped even at 1× before it lands.
    pub fn select(&self, selection: Selection) {
        if selection != Selection::None {
            self.pause();
        }
        self.selection.set(selection);
    }

    /// One notch of the Speed slider faster (`up`) or slower.
    pub fn nudge_speed(&self, up: bool) {
        let pos = scale::slider_from_speed(self.speed.get_untracked());
        let pos = if up {
            (pos + 1).min(scale::SPEED_STEPS)
        } else {
            pos.saturating_sub(1)
        };
        self.speed.set(scale::speed_from_slider(pos));
    }

    pub fn toggle_play(&self) {
        if self.playing.get_untracked() {
            self.pause()
        } else {
            self.play()
        }
    }

    /// One animation frame: advance virtual time, apply the steps now due (a bounded
    /// number, so a frame never stalls the page), stop when nothing is left to happen.
    pub fn frame(&self, now_ms: f64) {
        let started = self::now_ms();
        let last = self.last_frame.get_value().unwrap_or(now_ms);
        self.last_frame.set_value(Some(now_ms));
        let target = self.display_time.get_untracked()
            + scale::ticks_for(now_ms - last, self.speed.get_untracked());
        let mut steps = 0;
        let mut moved = false;
        let mut out_of_budget = false;
        let stop = self.stop_at.get_value();
        let mut stopped = false;
        self.sim.update_value(|s| {
            while s.next_due().is_some_and(|due| due as f64 <= target) {
                // A lesson beat's animation ends where its commands did.
                if stop.is_some_and(|at| s.cursor() >= at) {
                    stopped = true;
                    break;
                }
                // The budget is in time as well as steps: a heavy lab's steps cost more.
                if steps == MAX_STEPS_PER_FRAME
                    || (steps % CLOCK_EVERY_STEPS == 0 && self::now_ms() - started > STEP_BUDGET_MS)
                {
                    out_of_budget = true;
                    break;
                }
                s.step_forward();
                moved = true;
                steps += 1;
            }
        });
        let finished = self.with(|s| s.is_finished());
        let time = self.with(|s| s.time()) as f64;
        stopped |= stop.is_some_and(|at| self.with(|s| s.cursor()) >= at);
        // If the budget ran out, time waits for the simulation to catch up.
        self.display_time.set(if out_of_budget {
            time
        } else {
            target.max(time)
        });
        if moved {
            // The link follows a playing run about once a second, so a reload (after a
            // crash, say) comes back close to where the run was, not where Play was pressed.
            let write = now_ms - self.last_url_write.get_value() >= URL_EVERY_MS;
            if write {
                self.last_url_write.set_value(now_ms);
            }
            self.changed(write);
        }
        if finished || stopped {
            self.display_time.set(time);
            self.pause();
        }
    }
}

/// How long one frame may spend recording a loading run, and the steps between looks
/// at the clock.
const LOAD_SLICE_MS: f64 = 12.0;
const LOAD_SLICE_STEPS: u64 = 500;
/// How long one frame may spend stepping a playing run (wall ms), and the steps between
/// looks at the clock: drawing what changed must fit in the rest of the frame.
const STEP_BUDGET_MS: f64 = 4.0;
const CLOCK_EVERY_STEPS: u32 = 8;
/// How often a playing run rewrites the URL (wall ms).
const URL_EVERY_MS: f64 = 1000.0;

/// Whether the reader asked their system for less motion.
fn prefers_reduced_motion() -> bool {
    window()
        .match_media("(prefers-reduced-motion: reduce)")
        .ok()
        .flatten()
        .is_some_and(|m| m.matches())
}

fn now_ms() -> f64 {
    window().performance().map(|p| p.now()).unwrap_or(0.0)
}

fn schedule_loading(ctl: Controller) {
    request_animation_frame(move || {
        if ctl.loading.get_untracked().is_none() {
            return;
        }
        ctl.load_slice();
        if ctl.loading.get_untracked().is_some() {
            schedule_loading(ctl);
        }
    });
}

fn schedule_frame(ctl: Controller) {
    request_animation_frame(move || {
        if !ctl.playing.get_untracked() {
            return;
        }
        ctl.frame(now_ms());
        if ctl.playing.get_untracked() {
            schedule_frame(ctl);
        }
    });
}

/// The controller of the page, from context.
pub fn use_controller() -> Controller {
    expect_context::<Controller>()
}
