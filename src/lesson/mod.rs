//! The lesson player: where a student is in a lesson (`protocols::lesson`) and what
//! Continue, Back, a pick, "Show me" and a chapter do to the run. Pure logic over a
//! [`LabSim`], so the lab tests walk every lesson through it natively; the controller
//! animates what it returns, and `components::lesson` draws it.

pub mod library;
pub mod myths;
#[cfg(test)]
pub(crate) mod tests;

use crate::labs::{LabId, LabSim};
use protocols::lesson::{Beat, Kind, Lesson};

/// What the page does after a player's move: play the run up to this step (a beat's
/// commands, animated), or nothing more.
pub type Goal = Option<u64>;

#[derive(Clone, Debug, PartialEq)]
pub struct Player {
    pub lab: LabId,
    pub lesson: Lesson<'static>,
    /// The beat shown (an index into `lesson.beats`; `len` once finished).
    pub beat: usize,
    /// The step each beat up to the current one began at.
    entries: Vec<u64>,
    /// Where the current beat's commands end, once played, and the virtual time there.
    pub end: Option<u64>,
    pub end_time: u64,
    /// The current prediction's pick (counting from 0).
    pub picked: Option<usize>,
    /// A beat whose commands failed (the lesson no longer fits the run), in the engine's
    /// words.
    pub problem: Option<String>,
}

impl Player {
    /// Opens `lesson` on a run made for it, at beat `at` (counting from 0): the beats
    /// before it are taken as their hints say.
    pub fn open(lab: LabId, lesson: Lesson<'static>, sim: &mut dyn LabSim, at: usize) -> Player {
        let mut p = Player {
            lab,
            lesson,
            beat: 0,
            entries: Vec::new(),
            end: None,
            end_time: 0,
            picked: None,
            problem: None,
        };
        p.enter(sim, 0);
        p.forward_to(sim, at.min(p.lesson.beats.len().saturating_sub(1)));
        p
    }

    pub fn current(&self) -> Option<&Beat<'static>> {
        self.lesson.beats.get(self.beat)
    }

    pub fn finished(&self) -> bool {
        self.beat >= self.lesson.beats.len()
    }

    /// The step the current beat began at.
    pub fn entry(&self) -> u64 {
        self.entries.last().copied().unwrap_or(0)
    }

    /// Starts beat `k` at the cursor: a narration plays its commands; a prediction waits
    /// for a pick; a try waits for the student. The run is left at the beat's start and
    /// the goal is where its commands end.
    fn enter(&mut self, sim: &mut dyn LabSim, k: usize) -> Goal {
        self.beat = k;
        self.entries.truncate(k);
        self.entries.push(sim.cursor());
        self.end = None;
        self.picked = None;
        self.problem = None;
        match self.current().map(|b| &b.kind) {
            Some(Kind::Say) => self.play_commands(sim),
            _ => None,
        }
    }

    /// Plays the current beat's commands from its start, then goes back there: the goal
    /// is their end.
    fn play_commands(&mut self, sim: &mut dyn LabSim) -> Goal {
        let start = sim.cursor();
        let commands = self
            .current()
            .map(|b| b.commands.clone())
            .unwrap_or_default();
        if let Err(e) = sim.lesson_play(&commands) {
            self.problem = Some(e);
        }
        let end = sim.cursor();
        self.end = Some(end);
        self.end_time = sim.time();
        sim.seek(start);
        (end > start).then_some(end)
    }

    /// Whether the current beat is done with: its commands played to their end, its
    /// prediction picked (and revealed), its input given.
    pub fn ready(&self, sim: &dyn LabSim) -> bool {
        let Some(beat) = self.current() else {
            return false;
        };
        let played = self.end.is_some_and(|e| sim.cursor() >= e);
        match &beat.kind {
            Kind::Say | Kind::Predict { .. } => played,
            Kind::Try(cmd) => sim.lesson_done(self.entry(), cmd),
        }
    }

    /// Whether the current beat's animation is still ahead of the cursor (Continue skips
    /// to its end).
    pub fn playing_ahead(&self, sim: &dyn LabSim) -> bool {
        self.end.is_some_and(|e| sim.cursor() < e)
    }

    /// Continue: to the end of the current beat's animation if it is still ahead, else to
    /// the next beat (when this one is done).
    pub fn next(&mut self, sim: &mut dyn LabSim) -> Goal {
        if let Some(end) = self.end.filter(|e| sim.cursor() < *e) {
            sim.seek(end);
            return None;
        }
        if !self.ready(sim) {
            return None;
        }
        if self.beat + 1 >= self.lesson.beats.len() {
            self.beat = self.lesson.beats.len();
            self.end = None;
            return None;
        }
        self.enter(sim, self.beat + 1)
    }

    /// Back: the previous beat, from its start, played again (a prediction asks again).
    pub fn back(&mut self, sim: &mut dyn LabSim) -> Goal {
        let k = if self.finished() {
            self.lesson.beats.len() - 1
        } else if self.beat == 0 {
            0
        } else {
            self.beat - 1
        };
        self.go_back_to(sim, k)
    }

    fn go_back_to(&mut self, sim: &mut dyn LabSim, k: usize) -> Goal {
        let at = self.entries.get(k).copied().unwrap_or(0);
        sim.seek(at);
        self.enter(sim, k)
    }

    /// The student's answer to the current prediction: the reveal plays.
    pub fn pick(&mut self, sim: &mut dyn LabSim, answer: usize) -> Goal {
        if !matches!(self.current().map(|b| &b.kind), Some(Kind::Predict { .. }))
            || self.picked.is_some()
        {
            return None;
        }
        self.picked = Some(answer);
        sim.seek(self.entry());
        self.play_commands(sim)
    }

    /// "Show me": gives the input the current `try` waits for.
    pub fn show_me(&mut self, sim: &mut dyn LabSim) {
        if let Some(Kind::Try(cmd)) = self.current().map(|b| b.kind.clone()) {
            if let Err(e) = sim.lesson_show_me(&cmd) {
                self.problem = Some(e);
            }
        }
    }

    /// Goes to beat `k`: back to its start if it was visited, else forward through the
    /// beats before it, taking their hints.
    pub fn go_to(&mut self, sim: &mut dyn LabSim, k: usize) -> Goal {
        let k = k.min(self.lesson.beats.len().saturating_sub(1));
        if k <= self.beat.min(self.lesson.beats.len() - 1) {
            return self.go_back_to(sim, k);
        }
        self.forward_to(sim, k)
    }

    /// Takes the current beat's hint and every later one's up to beat `k`, then enters it.
    fn forward_to(&mut self, sim: &mut dyn LabSim, k: usize) -> Goal {
        let mut goal = None;
        while self.beat < k && self.problem.is_none() {
            self.take_hint(sim);
            goal = self.next(sim);
        }
        goal
    }

    /// Does what the current beat asks, at once: its animation to the end, its prediction
    /// answered with the key, its input given.
    pub fn take_hint(&mut self, sim: &mut dyn LabSim) {
        let Some(kind) = self.current().map(|b| b.kind.clone()) else {
            return;
        };
        match kind {
            Kind::Predict { answer, .. } if self.picked.is_none() => {
                self.pick(sim, answer - 1);
            }
            Kind::Try(_) if !self.ready(sim) => {
                sim.seek(sim.cursor().max(self.entry()));
                self.show_me(sim);
            }
            _ => {}
        }
        if let Some(end) = self.end.filter(|e| sim.cursor() < *e) {
            sim.seek(end);
        }
    }

    /// The index of the chapter the current beat is in, if the lesson has chapters.
    pub fn chapter(&self) -> Option<usize> {
        self.lesson
            .chapters()
            .iter()
            .rposition(|(start, _)| *start <= self.beat)
    }
}
