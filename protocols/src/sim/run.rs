//! A swarm run: a [`World`] stepped with the inputs a [`Swarm`] draws, keeping only those
//! inputs (stamped with their steps, so the run replays exactly as a scenario), a count
//! of violations per invariant and, if asked, the trace hash: memory is bounded by the
//! world, not by the number of steps. It has two phases: [`Run::with_faults`] (safety:
//! faults on, every step checked) and [`Run::heal_all`] (liveness: every fault healed,
//! every node up, and the caller then requires progress, [`Run::run_for`]).

use super::history::{RunSpec, Stamped};
use super::swarm::{ids, Swarm, Workload};
use super::trace::Fnv64;
use super::{ConfigError, Event, Input, Invariant, NodeId, Protocol, StepRecord, World};

/// How [`Run::run_for`] ended.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Deadline {
    Met,
    /// The time ran out (or nothing was left to happen) first.
    Missed,
    /// The step budget ran out before the time did: no verdict.
    OutOfSteps,
}

/// A run being made: the world, the inputs given so far (stamped with their steps, so
/// the run replays exactly as a scenario), and what its checkers found. It keeps no
/// step records.
pub struct Run<P: Protocol> {
    spec: RunSpec<P>,
    world: World<P>,
    /// Violations so far, per invariant (indexed by [`Invariant::index`]).
    pub violations: Vec<u64>,
    trace: Option<Fnv64>,
    /// The node that handled the last step (a message, a timer or a request).
    actor: Option<NodeId>,
    watch: Option<Watch<P>>,
    /// What the watch saw first, and at which step.
    pub watched: Option<(u64, String)>,
}

/// A look at every step for something no invariant judges yet (the sweep reports it).
pub type Watch<P> = Box<dyn FnMut(&StepRecord<P>) -> Option<String> + Send>;

impl<P: Protocol> Run<P> {
    /// Starts a run of `spec` (its inputs are ignored: a run records its own).
    pub fn new(spec: RunSpec<P>) -> Result<Self, ConfigError> {
        let world = World::new(spec.cfg.clone(), spec.net.clone(), spec.seed)?;
        Ok(Run {
            spec: RunSpec {
                inputs: Vec::new(),
                ..spec
            },
            world,
            violations: vec![0; P::Invariant::ALL.len()],
            trace: None,
            actor: None,
            watch: None,
            watched: None,
        })
    }

    /// Also shows every step to `watch`, keeping its first finding in [`Run::watched`].
    pub fn watched_by(mut self, watch: Watch<P>) -> Self {
        self.watch = Some(watch);
        self
    }

    /// Also hashes every step, as [`super::trace::trace_hash`] does over a history.
    pub fn traced(mut self) -> Self {
        self.trace = Some(Fnv64::default());
        self
    }

    pub fn world(&self) -> &World<P> {
        &self.world
    }
    /// The run so far as a spec: with `steps()`, it is a scenario that replays it.
    pub fn spec(&self) -> &RunSpec<P> {
        &self.spec
    }
    pub fn steps(&self) -> u64 {
        self.world.step
    }
    pub fn violation_count(&self) -> u64 {
        self.violations.iter().sum()
    }
    /// The trace hash so far (0 unless [`Run::traced`]).
    pub fn trace_hash(&self) -> u64 {
        self.trace.map_or(0, Fnv64::finish)
    }

    fn record(&mut self, r: StepRecord<P>) {
        self.actor = match &r.event {
            Event::Delivered { to, .. } => Some(*to),
            Event::TimerFired { node, .. } => Some(*node),
            Event::Input {
                input: Input::Request { node, .. },
                applied: true,
            } => Some(*node),
            _ => None,
        };
        for v in &r.violations {
            self.violations[v.invariant.index()] += 1;
        }
        if let (Some(w), None) = (&mut self.watch, &self.watched) {
            self.watched = w(&r).map(|found| (r.step, found));
        }
        if let Some(h) = &mut self.trace {
            h.write(&serde_json::to_vec(&r).expect("records serialize"));
            h.write(b"\n");
        }
    }

    /// Applies `input` as the next step.
    pub fn inject(&mut self, input: Input<P>) {
        let at = self.world.step;
        let r = self
            .world
            .step(Some(input.clone()))
            .expect("an input is a step");
        self.spec.inputs.push(Stamped { at, input });
        self.record(r);
    }

    /// The next queued event; false when nothing is left to happen.
    pub fn step(&mut self) -> bool {
        match self.world.step(None) {
            Some(r) => {
                self.record(r);
                true
            }
            None => false,
        }
    }

    /// Steps until `done` holds of the world (true), `max` steps pass or nothing is left
    /// to happen (false).
    pub fn run_until(&mut self, max: u64, done: impl Fn(&World<P>) -> bool) -> bool {
        for _ in 0..max {
            if done(&self.world) {
                return true;
            }
            if !self.step() {
                break;
            }
        }
        done(&self.world)
    }

    /// Steps until `done` holds of the world, for at most `ticks` of virtual time and
    /// `max_steps` steps: how a liveness phase gives a protocol a deadline in its own
    /// time (a timeout of 100,000 ticks is one step away, a flood of one-tick timers is
    /// many steps per tick). The time counts from when the last message now in flight
    /// arrives: a healed network still delivers what was delayed.
    pub fn run_for(
        &mut self,
        ticks: u64,
        max_steps: u64,
        done: impl Fn(&World<P>) -> bool,
    ) -> Deadline {
        let last = self
            .world
            .in_flight()
            .values()
            .map(|m| m.deliver_at.0)
            .max();
        let end = last
            .unwrap_or(0)
            .max(self.world.time.0)
            .saturating_add(ticks);
        for _ in 0..max_steps {
            if done(&self.world) {
                return Deadline::Met;
            }
            if self.world.next_due().is_none_or(|t| t.0 > end) || !self.step() {
                return Deadline::Missed;
            }
        }
        if done(&self.world) {
            Deadline::Met
        } else {
            Deadline::OutOfSteps
        }
    }

    /// Safety phase: `steps` steps with the swarm's faults and workload. When the world
    /// falls quiet, the swarm keeps drawing until it acts, so runs stay busy.
    pub fn with_faults(&mut self, swarm: &mut Swarm, steps: u64, workload: &mut Workload<'_, P>) {
        while self.steps() < steps {
            swarm.last_actor = self.actor;
            if let Some(input) = swarm.next_input(&self.world, workload) {
                self.inject(input);
            } else if !self.step() {
                match (0..10_000).find_map(|_| swarm.next_input(&self.world, workload)) {
                    Some(input) => self.inject(input),
                    None => return,
                }
            }
        }
    }

    /// Start of the liveness phase: heal every partition and cut, and restart every
    /// crashed node. The caller then requires progress.
    pub fn heal_all(&mut self) {
        self.inject(Input::Heal);
        for node in ids(self.world.nodes().len()) {
            if !self.world.nodes()[node.index()].is_up() {
                self.inject(Input::Restart { node });
            }
        }
    }
}
