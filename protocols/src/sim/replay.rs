//! Streaming replay: a run stepped from its spec, each step's record handed out as it
//! happens and then dropped. Memory is bounded by the world, not by the run's length
//! (`sim run` prints a 10,000,000-step run this way; [`super::history::History`] keeps
//! every record, for time travel).

use super::history::{RunSpec, Stamped};
use super::{ConfigError, Protocol, StepRecord, World};

/// The steps of a run, in order, as an iterator. It applies each input at its step, as
/// [`super::history::History`] does, so both give the same records.
pub struct Replay<P: Protocol> {
    world: World<P>,
    inputs: std::iter::Peekable<std::vec::IntoIter<Stamped<P>>>,
    steps: u64,
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
        })
    }

    /// The world after the steps handed out so far.
    pub fn world(&self) -> &World<P> {
        &self.world
    }
}

impl<P: Protocol> Iterator for Replay<P> {
    type Item = StepRecord<P>;

    fn next(&mut self) -> Option<StepRecord<P>> {
        if self.world.step >= self.steps {
            return None;
        }
        let at = self.world.step;
        // Inputs stamped before `at` were skipped by an earlier quiet end; none can be.
        let input = self.inputs.next_if(|s| s.at == at).map(|s| s.input);
        self.world.step(input)
    }
}
