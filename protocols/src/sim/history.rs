//! Time travel: a run is (config, seed, stamped inputs); checkpoints make `seek` cheap,
//! and an input given at a past step forks the run.

use super::{ConfigError, Input, NetConfig, Protocol, StepRecord, World};
use serde::Serialize;
use std::collections::BTreeMap;

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

/// A recorded run with a cursor that can move anywhere in it.
pub struct History<P: Protocol> {
    spec: RunSpec<P>,
    records: Vec<StepRecord<P>>,
    world: World<P>,
    checkpoints: BTreeMap<u64, World<P>>,
    /// True once the world had nothing left to do at the end of the record.
    quiescent: bool,
}

impl<P: Protocol> History<P> {
    /// Starts a run. The inputs are replayed as the cursor reaches their steps.
    pub fn new(spec: RunSpec<P>) -> Result<Self, ConfigError> {
        let world = World::new(spec.cfg.clone(), spec.net.clone(), spec.seed)?;
        let n = P::node_count(&spec.cfg);
        for s in &spec.inputs {
            s.input.validate(n)?;
        }
        let mut checkpoints = BTreeMap::new();
        checkpoints.insert(0, world.clone());
        Ok(History {
            spec,
            records: Vec::new(),
            world,
            checkpoints,
            quiescent: false,
        })
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
    /// Steps recorded so far (the cursor may be anywhere in `0..=len`).
    pub fn len(&self) -> u64 {
        self.records.len() as u64
    }
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
    pub fn records(&self) -> &[StepRecord<P>] {
        &self.records
    }
    /// True when the cursor is at the end and nothing is left to happen.
    pub fn is_finished(&self) -> bool {
        self.cursor() == self.len() && self.quiescent && self.input_at(self.cursor()).is_none()
    }
    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.len()
    }

    fn input_at(&self, step: u64) -> Option<Input<P>> {
        let i = self.spec.inputs.partition_point(|s| s.at < step);
        self.spec
            .inputs
            .get(i)
            .filter(|s| s.at == step)
            .map(|s| s.input.clone())
    }

    /// Moves one step forward, recording it if it is new. False when nothing is left to happen.
    pub fn step_forward(&mut self) -> bool {
        let at = self.cursor();
        let input = self.input_at(at);
        let Some(record) = self.world.step(input) else {
            self.quiescent = true;
            return false;
        };
        if at == self.len() {
            self.records.push(record);
            self.quiescent = false;
            if self.checkpoint_due() {
                self.checkpoints.insert(self.world.step, self.world.clone());
                self.thin_checkpoints();
            }
        }
        true
    }

    /// Moves the cursor to `step` (clamped to the record): from the nearest checkpoint, replaying.
    pub fn seek(&mut self, step: u64) {
        let step = step.min(self.len());
        let (&at, world) = self
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
                self.checkpoints.insert(self.cursor(), self.world.clone());
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
        let at = self.cursor();
        self.records.truncate(at as usize);
        self.spec.inputs.retain(|s| s.at < at);
        self.checkpoints.retain(|&s, _| s <= at);
        self.spec.inputs.push(Stamped { at, input });
        self.quiescent = false;
        self.step_forward();
        Ok(())
    }

    /// Records until `steps` steps exist or nothing is left to happen.
    pub fn run_to(&mut self, steps: u64) {
        self.seek(self.len());
        while self.len() < steps && self.step_forward() {}
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
                .get(self.cursor() as usize - 1)
                .is_some_and(&pred)
            {
                return true;
            }
        }
        false
    }

    /// True when the world is due a checkpoint: every [`CHECKPOINT_EVERY`] steps while it
    /// is small, less often as it grows (see [`COPY_BUDGET`]).
    fn checkpoint_due(&self) -> bool {
        let last = self.checkpoints.keys().next_back().copied().unwrap_or(0);
        let weight: usize = self.world.nodes().iter().map(|s| P::weight(s)).sum();
        self.world.step - last >= CHECKPOINT_EVERY.max(weight as u64 / COPY_BUDGET)
    }

    /// Keeps memory bounded on long runs: past the limit, every other old checkpoint goes,
    /// so spacing doubles in the old half while recent ones stay dense.
    fn thin_checkpoints(&mut self) {
        if self.checkpoints.len() <= MAX_CHECKPOINTS {
            return;
        }
        let old: Vec<u64> = self
            .checkpoints
            .keys()
            .copied()
            .take(MAX_CHECKPOINTS / 2)
            .collect();
        for (i, s) in old.into_iter().enumerate() {
            if i % 2 == 1 {
                self.checkpoints.remove(&s);
            }
        }
    }
}
