//! Streaming replay: a run stepped from its spec, each step's record handed out as it
//! happens and then dropped. Memory is bounded by the world, not by the run's length
//! (`sim run` prints a 10,000,000-step run this way; [`super::history::History`] keeps
//! every record, for time travel).

use super::history::{RunSpec, Stamped};
use super::limits::{self, Stop};
use super::{ConfigError, Protocol, StepRecord, World};

/// The steps of a run, in order, as an iterator. It applies each input at its step, as
/// [`super::history::History`] does, so both give the same records.
pub struct Replay<P: Protocol> {
    world: World<P>,
    inputs: std::iter::Peekable<std::vec::IntoIter<Stamped<P>>>,
    steps: u64,
    /// Set when the world passed a resource bound: the replay ends there.
    stopped: Option<Stop>,
}

impl<P: Protocol> Replay<P> {
    /// A replay of `spec` for at most `steps` steps (fewer if the run falls quiet).
    pub fn new(spec: RunSpec<P>, steps: u64) -> Result<Self, ConfigError> {
        let world = World::new(spec.cfg, spec.net, spec.seed)?;
        let n = P::node_count(&world.cfg);
        for s in &spec.inputs {
            s.input.validate(n)?;
        }
        Ok(Replay {
            world,
            inputs: spec.inputs.into_iter().peekable(),
            steps,
            stopped: None,
        })
    }

    /// The world after the steps handed out so far.
    pub fn world(&self) -> &World<P> {
        &self.world
    }

    /// The bound that ended the replay early, if one did (see [`limits`]).
    pub fn stopped(&self) -> Option<Stop> {
        self.stopped
    }
}

impl<P: Protocol> Iterator for Replay<P> {
    type Item = StepRecord<P>;

    fn next(&mut self) -> Option<StepRecord<P>> {
        if self.world.step >= self.steps || self.stopped.is_some() {
            return None;
        }
        let at = self.world.step;
        // An input stamped past the point where the world falls quiet is applied when it
        // does, as History applies it.
        let quiet = self.world.next_due().is_none();
        let input = self
            .inputs
            .next_if(|s| s.at == at || quiet)
            .map(|s| s.input);
        let record = self.world.step(input)?;
        self.stopped = limits::check_world(&self.world, limits::world_weight(&self.world));
        Some(record)
    }
}
