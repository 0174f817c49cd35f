//! Time travel: a run is (config, seed, stamped inputs); checkpoints make `seek` cheap,
//! and an input given at a past step forks the run.

use super::limits::{self, Stop};
use super::store::Steps;
use super::{ConfigError, Input, NetConfig, Protocol, StepRecord, Tick, World};
use serde::Serialize;
use std::collections::BTreeMap;
use std::ops::RangeBounds;

/// An input stamped with the step it is applied as.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(bound = "")]
pub struct Stamped<P: Protocol> {
    pub at: u64,
    #[serde(flatten)]
    pub input: Input<P>,
}

/// Everything that reproduces a run exactly.
#[derive(Clone, Debug, PartialEq)]
pub struct RunSpec<P: Protocol> {
    pub cfg: P::Config,
    pub net: NetConfig,
    pub seed: u64,
    /// Sorted by `at`, at most one input per step.
    pub inputs: Vec<Stamped<P>>,
}

/// How often a checkpoint is taken (at least), and how many are kept at most.
pub const CHECKPOINT_EVERY: u64 = 64;
/// A world of weight W is copied at most every W / COPY_BUDGET steps, so copying costs
/// at most this many units of weight per step however large the world grows; a seek
/// replays at most that many steps.
const COPY_BUDGET: u64 = 8;
pub const MAX_CHECKPOINTS: usize = 192;
/// The most weight (see [`Protocol::weight`]) all checkpoints together may hold: past it
/// old ones are thinned as past [`MAX_CHECKPOINTS`], so a heavy world keeps fewer copies.
pub const CHECKPOINT_WEIGHT_BUDGET: usize = 4_000_000;
/// How far behind the cursor the checkpoints a seek back leaves are kept first when
/// checkpoints are thinned (see `History::thin_checkpoints`).
const TRAIL: u64 = 4096;
/// A thinned run keeps this fraction of its record budget: each thinning drops a
/// sixteenth, so the replay that makes its first checkpoint stays short.
const THIN_TO: (u64, u64) = (15, 16);

/// A recorded run with a cursor that can move anywhere in it from [`History::first`] on.
pub struct History<P: Protocol> {
    spec: RunSpec<P>,
    records: Steps<P>,
    world: World<P>,
    /// Full copies of the world, by step, with each copy's weight. The first is at
    /// [`History::first`].
    checkpoints: BTreeMap<u64, (World<P>, usize)>,
    /// True once the world had nothing left to do at the end of the record.
    quiescent: bool,
    /// Set when recording passed a resource bound: nothing more is recorded.
    stopped: Option<Stop>,
    /// Past this many bytes of records (estimated), the oldest are dropped.
    record_budget: u64,
    /// The most weight all checkpoints may hold ([`CHECKPOINT_WEIGHT_BUDGET`]).
    checkpoint_budget: usize,
    /// The time of each recorded step an input is stamped for, by step: they outlive
    /// thinning (compare mode replays inputs at their times).
    input_times: Vec<(u64, Tick)>,
}

impl<P: Protocol> History<P> {
    /// Starts a run. The inputs are replayed as the cursor reaches their steps.
    pub fn new(spec: RunSpec<P>) -> Result<Self, ConfigError> {
        let world = World::new(spec.cfg.clone(), spec.net.clone(), spec.seed)?;
        let n = P::node_count(&spec.cfg);
        for s in &spec.inputs {
            s.input.validate(n)?;
        }
        // In step order, as a scenario's are checked to be when read and `inject` keeps them.
        debug_assert!(spec.inputs.windows(2).all(|w| w[0].at <= w[1].at));
        let mut checkpoints = BTreeMap::new();
        checkpoints.insert(0, (world.clone(), limits::world_weight(&world)));
        Ok(History {
            spec,
            records: Steps::default(),
            world,
            checkpoints,
            quiescent: false,
            stopped: None,
            record_budget: limits::MAX_RECORD_BYTES,
            checkpoint_budget: CHECKPOINT_WEIGHT_BUDGET,
            input_times: Vec::new(),
        })
    }

    /// The same history, thinned past `bytes` of records instead of
    /// [`limits::MAX_RECORD_BYTES`] (tests use a small budget to thin short runs).
    pub fn with_record_budget(mut self, bytes: u64) -> Self {
        self.record_budget = bytes;
        self
    }

    /// The same history, its checkpoints holding at most `weight` instead of
    /// [`CHECKPOINT_WEIGHT_BUDGET`] (tests make a short run's world heavy this way).
    pub fn with_checkpoint_budget(mut self, weight: usize) -> Self {
        self.checkpoint_budget = weight;
        self
    }

    pub fn spec(&self) -> &RunSpec<P> {
        &self.spec
    }
    pub fn world(&self) -> &World<P> {
        &self.world
    }
    /// Steps applied to reach the current world.
    pub fn cursor(&self) -> u64 {
        self.world.step
    }
    /// Steps recorded so far (the cursor may be anywhere in `first()..=len`).
    pub fn len(&self) -> u64 {
        self.records.len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The first step that can still be seen: 0 unless a long run was thinned (see
    /// [`limits::MAX_RECORD_BYTES`]). A seek below it lands on it.
    pub fn first(&self) -> u64 {
        *self
            .checkpoints
            .keys()
            .next()
            .expect("a checkpoint at the first step")
    }
    /// The record of step `step`, if it is kept (in `first()..len()`).
    pub fn record(&self, step: u64) -> Option<StepRecord<P>> {
        if step < self.first() {
            return None;
        }
        self.records.get(step)
    }
    /// The records of the kept steps in `steps`, in order.
    pub fn records(
        &self,
        steps: impl RangeBounds<u64>,
    ) -> impl Iterator<Item = StepRecord<P>> + '_ {
        use std::ops::Bound::*;
        let from = match steps.start_bound() {
            Included(&s) => s,
            Excluded(&s) => s.saturating_add(1),
            Unbounded => 0,
        };
        let to = match steps.end_bound() {
            Included(&s) => s.saturating_add(1),
            Excluded(&s) => s,
            Unbounded => self.len(),
        };
        (from.max(self.first())..to.min(self.len())).filter_map(|s| self.records.get(s))
    }
    /// The virtual time of step `at`, recorded, if an input is stamped for it (kept when
    /// the step's record is thinned away).
    pub fn input_time(&self, at: u64) -> Option<Tick> {
        let i = self
            .input_times
            .binary_search_by_key(&at, |(s, _)| *s)
            .ok()?;
        Some(self.input_times[i].1)
    }
    /// The estimated bytes of the kept records (see [`limits::record_bytes`]).
    pub fn record_bytes(&self) -> u64 {
        self.records.bytes()
    }
    /// True when the cursor is at the end and nothing is left to happen (or recording
    /// stopped at a resource bound).
    pub fn is_finished(&self) -> bool {
        self.cursor() == self.len()
            && (self.stopped.is_some() || (self.quiescent && self.next_input().is_none()))
    }
    /// The bound that stopped recording, if one did.
    pub fn stopped(&self) -> Option<Stop> {
        self.stopped
    }
    /// When the next step happens: the recorded one's time while replaying; at the end,
    /// now if an input is waiting, else the world's next event.
    pub fn next_due(&self) -> Option<Tick> {
        if let Some(time) = self.records.time(self.cursor()) {
            return Some(time);
        }
        if self.is_finished() {
            return None;
        }
        let waiting = self.input_at(self.cursor()).is_some()
            || (self.world.next_due().is_none() && self.next_input().is_some());
        if waiting {
            Some(self.world.time)
        } else {
            self.world.next_due()
        }
    }
    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.len()
    }
    /// The steps the checkpoints are at, in order.
    pub fn checkpoint_steps(&self) -> impl Iterator<Item = u64> + '_ {
        self.checkpoints.keys().copied()
    }

    /// The first input at or after the cursor.
    fn next_input(&self) -> Option<&Input<P>> {
        self.next_input_from(self.cursor())
    }

    fn next_input_from(&self, step: u64) -> Option<&Input<P>> {
        let i = self.spec.inputs.partition_point(|s| s.at < step);
        self.spec.inputs.get(i).map(|s| &s.input)
    }

    /// The input `world` takes as its next step: the one stamped for it, or when the
    /// world is quiet, the next one.
    fn input_for(&self, world: &World<P>) -> Option<Input<P>> {
        self.input_at(world.step).or_else(|| {
            world
                .next_due()
                .is_none()
                .then(|| self.next_input_from(world.step).cloned())
                .flatten()
        })
    }

    fn input_at(&self, step: u64) -> Option<Input<P>> {
        let i = self.spec.inputs.partition_point(|s| s.at < step);
        self.spec
            .inputs
            .get(i)
            .filter(|s| s.at == step)
            .map(|s| s.input.clone())
    }

    /// Moves one step forward, recording it if it is new. False when nothing is left to
    /// happen, or recording stopped at a resource bound.
    ///
    /// An input stamped for a step the world never reaches on its own (it fell quiet
    /// before) is applied as soon as it falls quiet, so a scenario's late inputs are never
    /// silently lost; later inputs then come in order, at their steps or when quiet again.
    pub fn step_forward(&mut self) -> bool {
        let at = self.cursor();
        if at == self.len() && self.stopped.is_some() {
            return false;
        }
        let input = self.input_for(&self.world);
        let Some(record) = self.world.step(input) else {
            self.quiescent = true;
            return false;
        };
        if at == self.len() {
            if self.spec.inputs.binary_search_by_key(&at, |s| s.at).is_ok() {
                self.input_times.push((at, record.time));
            }
            self.records.push(record);
            self.quiescent = false;
            let weight = limits::world_weight(&self.world);
            if self.checkpoint_due(weight) {
                self.checkpoints
                    .insert(self.world.step, (self.world.clone(), weight));
                self.thin_checkpoints();
            }
            if self.records.bytes() > self.record_budget {
                self.thin_records();
            }
            self.stopped = limits::check_world(&self.world, weight);
        }
        true
    }

    /// Drops the oldest records, down to [`THIN_TO`] of the budget
    /// ([`limits::MAX_RECORD_BYTES`]). The run then starts at the first step of the oldest
    /// chunk kept, with a checkpoint there (replayed from the one before: old checkpoints
    /// are sparse), and the checkpoints before it go. The inputs stay, so the run still
    /// replays whole from its spec.
    fn thin_records(&mut self) {
        let goal = self.record_budget / THIN_TO.1 * THIN_TO.0;
        let first = self.records.start_within(goal);
        if first <= self.first() {
            return;
        }
        let (_, (from, _)) = self
            .checkpoints
            .range(..=first)
            .next_back()
            .expect("step 0 is kept");
        let mut world = from.clone();
        while world.step < first {
            let input = self.input_for(&world);
            world.step(input).expect("a recorded step replays");
        }
        let weight = limits::world_weight(&world);
        self.checkpoints.insert(first, (world, weight));
        self.checkpoints = self.checkpoints.split_off(&first);
        self.records.drop_before(first);
    }

    /// Moves the cursor to `step` (clamped to `first()..=len()`): from the nearest
    /// checkpoint, replaying.
    pub fn seek(&mut self, step: u64) {
        let step = step.clamp(self.first(), self.len());
        let (&at, (world, _)) = self
            .checkpoints
            .range(..=step)
            .next_back()
            .expect("step 0 is kept");
        let back = step < self.cursor();
        if back || at > self.cursor() {
            self.world = world.clone();
        }
        // Going back far past a checkpoint (a long run keeps them sparse): leave checkpoints
        // on the way, 64, 128, 256, … steps before the target, so stepping back again (as
        // a student does, one step at a time) replays a few dozen steps, not thousands.
        let marks: Vec<u64> = if back {
            (6..63)
                .map(|k| 1u64 << k)
                .take_while(|d| *d < step - at)
                .map(|d| step - d)
                .collect()
        } else {
            Vec::new()
        };
        while self.cursor() < step {
            self.step_forward();
            if marks.contains(&self.cursor()) {
                let weight = limits::world_weight(&self.world);
                self.checkpoints
                    .insert(self.cursor(), (self.world.clone(), weight));
            }
        }
        if !marks.is_empty() {
            self.thin_checkpoints();
        }
    }

    /// Applies `input` at the cursor. At a past step this forks the run:
    /// the recorded future is dropped, to be simulated anew.
    pub fn inject(&mut self, input: Input<P>) -> Result<(), ConfigError> {
        input.validate(P::node_count(&self.spec.cfg))?;
        self.truncate();
        let at = self.cursor();
        self.spec.inputs.push(Stamped { at, input });
        self.step_forward();
        Ok(())
    }

    /// Drops the recorded future, and the inputs stamped in it: the run ends at the
    /// cursor, to be simulated anew from there (a lesson taking its own path again).
    pub fn truncate(&mut self) {
        let at = self.cursor();
        self.records.truncate(at);
        let times = self.input_times.partition_point(|(s, _)| *s < at);
        self.input_times.truncate(times);
        self.stopped = None;
        let kept = self.spec.inputs.partition_point(|s| s.at < at);
        self.spec.inputs.truncate(kept);
        self.checkpoints.split_off(&(at + 1));
        self.quiescent = false;
    }

    /// Records until `steps` steps exist or nothing is left to happen.
    pub fn run_to(&mut self, steps: u64) {
        self.seek(self.len());
        while self.len() < steps && self.step_forward() {}
    }

    /// Records at most `budget` more steps towards `steps` (a page records a long run a
    /// slice per frame). True while more is left to record.
    pub fn record_some(&mut self, steps: u64, budget: u64) -> bool {
        self.seek(self.len());
        let goal = steps.min(self.len().saturating_add(budget));
        while self.len() < goal && self.step_forward() {}
        self.len() < steps && !self.is_finished()
    }

    /// Steps forward until a new step matches `pred` (true) or `max_steps` pass or nothing
    /// is left to happen (false). Scenario tests use it to act "right after X".
    pub fn run_until(&mut self, max_steps: u64, pred: impl Fn(&StepRecord<P>) -> bool) -> bool {
        for _ in 0..max_steps {
            if !self.step_forward() {
                return false;
            }
            if self
                .records
                .get(self.cursor() - 1)
                .is_some_and(|r| pred(&r))
            {
                return true;
            }
        }
        false
    }

    /// True when the world is due a checkpoint: every [`CHECKPOINT_EVERY`] steps while it
    /// is small, less often as it grows (see [`COPY_BUDGET`]) and as the run grows (every
    /// run length / 2 [`MAX_CHECKPOINTS`] steps, so thinning can still merge gaps into an
    /// even spacing: a long run copies its world a few thousand times, not once per 64
    /// steps each soon thinned again).
    fn checkpoint_due(&self, weight: usize) -> bool {
        let last = self.checkpoints.keys().next_back().copied().unwrap_or(0);
        let spread = (self.len() - self.first()) / (2 * MAX_CHECKPOINTS as u64);
        self.world.step - last
            >= CHECKPOINT_EVERY
                .max(weight as u64 / COPY_BUDGET)
                .max(spread)
    }

    /// Keeps memory bounded on long runs: past [`MAX_CHECKPOINTS`] (or, for heavy worlds,
    /// past [`CHECKPOINT_WEIGHT_BUDGET`] for all copies together) the checkpoint whose loss
    /// leaves the shortest gap between its neighbours goes, so the spacing stays even over
    /// the whole run and no seek replays much more than the run's length over the count
    /// kept. The first checkpoint stays, and so do those just behind the cursor (the trail
    /// a seek back leaves, [`TRAIL`] steps long) while any other is left: a heavy world
    /// that can keep only a few copies keeps the ones the next step back needs.
    fn thin_checkpoints(&mut self) {
        let (cursor, end) = (self.cursor(), self.len());
        let trail = |s: u64| s <= cursor && s + TRAIL > cursor;
        loop {
            let weight: usize = self.checkpoints.values().map(|(_, w)| w).sum();
            let n = self.checkpoints.len();
            if n <= 2 || (n <= MAX_CHECKPOINTS && weight <= self.checkpoint_budget) {
                return;
            }
            let steps: Vec<u64> = self.checkpoints.keys().copied().collect();
            let gap = |i: usize| steps.get(i + 1).map_or(end, |s| *s).max(steps[i]) - steps[i - 1];
            // Only the first and the trail left: the trail's far end goes.
            let pick = (1..n)
                .filter(|i| !trail(steps[*i]))
                .min_by_key(|i| gap(*i))
                .unwrap_or(1);
            self.checkpoints.remove(&steps[pick]);
        }
    }
}

#[cfg(test)]
mod tests;
