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

/// The world of a run replayed on a configuration other than its own (compare mode: the
/// same inputs under another algorithm), up to virtual time `until`. Steps differ between
/// configurations, so each input is applied at the virtual time it first happened
/// (`inputs` is in order, as `(time, input)`), before any event due after that time.
pub fn at_times<P: Protocol>(
    cfg: P::Config,
    net: super::NetConfig,
    seed: u64,
    inputs: impl IntoIterator<Item = (u64, super::Input<P>)>,
    until: u64,
) -> Result<World<P>, ConfigError> {
    replay_at_times(cfg, net, seed, inputs, until, |_, _| {})
}

/// The inputs of a run moved to another configuration (a setting changed, the same faults
/// kept): each applied at the virtual time it first happened, as [`at_times`] does, and
/// stamped with the step it lands at there, so a [`super::history::History`] of them
/// replays exactly; with the number of steps up to `until`. An input naming a node the
/// configuration does not have is refused.
pub fn restamped<P: Protocol>(
    cfg: P::Config,
    net: super::NetConfig,
    seed: u64,
    inputs: impl IntoIterator<Item = (u64, super::Input<P>)>,
    until: u64,
) -> Result<(Vec<Stamped<P>>, u64), ConfigError> {
    let mut stamped = Vec::new();
    let world = replay_at_times(cfg, net, seed, inputs, until, |at, input| {
        stamped.push(Stamped {
            at,
            input: input.clone(),
        })
    })?;
    Ok((stamped, world.step))
}

/// Steps a world from the start, applying each input at its virtual time; `applied` hears
/// the step each lands at.
fn replay_at_times<P: Protocol>(
    cfg: P::Config,
    net: super::NetConfig,
    seed: u64,
    inputs: impl IntoIterator<Item = (u64, super::Input<P>)>,
    until: u64,
    mut applied: impl FnMut(u64, &super::Input<P>),
) -> Result<World<P>, ConfigError> {
    let mut world = World::<P>::new(cfg, net, seed)?;
    let nodes = P::node_count(&world.cfg);
    let mut inputs = inputs.into_iter().peekable();
    loop {
        let due = world.next_due().map_or(u64::MAX, |t| t.0);
        let input = inputs.next_if(|(at, _)| *at <= due).map(|(_, i)| i);
        if input.is_none() && due > until {
            break;
        }
        if let Some(i) = &input {
            i.validate(nodes)?;
            applied(world.step, i);
        }
        if world.step(input).is_none() {
            break;
        }
    }
    Ok(world)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{Config, Raft, Request};
    use crate::sim::history::History;
    use crate::sim::{Input, NetConfig, NodeId};

    /// On its own configuration, a run replayed by the times of its inputs reaches the
    /// state the recorded run had at that time: the inputs land where they happened.
    #[test]
    fn a_run_replayed_at_its_input_times_reaches_the_same_state() {
        let stamp = |at, input| Stamped { at, input };
        let put = |n: u32| Input::Request {
            node: NodeId(n),
            request: Request::Put {
                key: "x".into(),
                value: n,
            },
        };
        let inputs = vec![
            stamp(40, put(0)),
            stamp(90, Input::Crash { node: NodeId(1) }),
            stamp(150, put(2)),
            stamp(220, Input::Restart { node: NodeId(1) }),
        ];
        let spec = RunSpec::<Raft> {
            cfg: Config::default(),
            net: NetConfig::default(),
            seed: 7,
            inputs,
        };
        let mut h = History::new(spec.clone()).unwrap();
        while h.record_some(400, u64::MAX) {}
        let times = spec.inputs.iter().map(|s| {
            let at = h.input_time(s.at).unwrap().0;
            (at, s.input.clone())
        });
        let now = h.world().time.0;
        let w = at_times(spec.cfg.clone(), spec.net.clone(), spec.seed, times, now).unwrap();
        assert_eq!(w.time.0, now);
        let states = |nodes: &[crate::sim::Slot<Raft>]| format!("{nodes:?}");
        assert_eq!(states(w.nodes()), states(h.world().nodes()));
    }

    /// Moved to another configuration (pre-vote on), each input lands at the virtual time
    /// it first happened, and the history of the restamped run applies it there; an input
    /// naming a server the new configuration lacks is refused.
    #[test]
    fn restamped_inputs_land_at_their_times_on_another_configuration() {
        let inputs = vec![
            Stamped {
                at: 60,
                input: Input::Crash { node: NodeId(4) },
            },
            Stamped {
                at: 140,
                input: Input::Restart { node: NodeId(4) },
            },
        ];
        let spec = RunSpec::<Raft> {
            cfg: Config::default(),
            net: NetConfig::default(),
            seed: 3,
            inputs,
        };
        let mut h = History::new(spec.clone()).unwrap();
        while h.record_some(300, u64::MAX) {}
        let timed: Vec<(u64, Input<Raft>)> = spec
            .inputs
            .iter()
            .map(|s| (h.input_time(s.at).unwrap().0, s.input.clone()))
            .collect();
        let until = h.world().time.0;
        let other = Config {
            pre_vote: true,
            ..Config::default()
        };
        let (moved, steps) =
            restamped(other.clone(), spec.net.clone(), 3, timed.clone(), until).unwrap();
        assert_eq!(moved.len(), 2);
        let mut h2 = History::new(RunSpec {
            cfg: other,
            net: spec.net.clone(),
            seed: 3,
            inputs: moved.clone(),
        })
        .unwrap();
        while h2.record_some(steps, u64::MAX) {}
        for (s, (time, _)) in moved.iter().zip(&timed) {
            let landed = h2.input_time(s.at).expect("applied").0;
            assert!(
                landed <= *time,
                "input at step {} lands at t={landed}, after t={time}",
                s.at
            );
        }
        let three = Config {
            servers: 3,
            spare_servers: 0,
            ..Config::default()
        };
        assert!(
            restamped(three, spec.net, 3, timed, until).is_err(),
            "S5 is not in a cluster of three"
        );
    }
}
