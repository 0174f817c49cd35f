//! Seeded random fault plans ("swarm testing", after TigerBeetle's VOPR and
//! FoundationDB's simulator): the seed draws each fault's frequency, then the
//! faults themselves. Faults are ordinary inputs, so a failing run replays exactly.

use super::history::{History, RunSpec};
use super::rng::Rng;
use super::{Input, NetConfig, NodeId, Protocol, World};

/// How often each fault happens, in per-mille per step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultPlan {
    pub crash_per_mille: u64,
    pub restart_per_mille: u64,
    pub partition_per_mille: u64,
    pub heal_per_mille: u64,
    pub drop_per_mille: u64,
    pub duplicate_per_mille: u64,
    pub delay_per_mille: u64,
    pub request_per_mille: u64,
}

/// Draws fault inputs for a run, from its own seeded stream.
pub struct Swarm {
    rng: Rng,
    pub plan: FaultPlan,
}

impl Swarm {
    /// A plan drawn from `seed`: some seeds crash a lot, some drop a lot, some do neither.
    pub fn new(seed: u64) -> Self {
        let mut rng = Rng::new(seed ^ 0x5eed_fa17_u64);
        let plan = FaultPlan {
            crash_per_mille: rng.range(0, 12),
            restart_per_mille: rng.range(10, 40),
            partition_per_mille: rng.range(0, 6),
            heal_per_mille: rng.range(5, 30),
            drop_per_mille: rng.range(0, 40),
            duplicate_per_mille: rng.range(0, 20),
            delay_per_mille: rng.range(0, 20),
            request_per_mille: rng.range(5, 30),
        };
        Swarm { rng, plan }
    }

    /// A fixed plan, for sweeps that aim at one kind of trouble (crash storms, say); the seed
    /// still draws every fault.
    pub fn with_plan(seed: u64, plan: FaultPlan) -> Self {
        Swarm {
            rng: Rng::new(seed ^ 0x5eed_fa17_u64),
            plan,
        }
    }

    /// The fault to apply before the next step, if the dice say so.
    pub fn next_input<P: Protocol>(&mut self, world: &World<P>) -> Option<Input<P>> {
        let nodes = world.nodes();
        let up: Vec<NodeId> = ids(nodes.len())
            .filter(|n| nodes[n.index()].is_up())
            .collect();
        let down: Vec<NodeId> = ids(nodes.len())
            .filter(|n| !nodes[n.index()].is_up())
            .collect();
        let msgs: Vec<_> = world.in_flight().keys().copied().collect();
        let p = self.plan.clone();
        if self.rng.chance(p.crash_per_mille) && !up.is_empty() {
            return Some(Input::Crash {
                node: self.pick(&up),
            });
        }
        if self.rng.chance(p.restart_per_mille) && !down.is_empty() {
            return Some(Input::Restart {
                node: self.pick(&down),
            });
        }
        if self.rng.chance(p.partition_per_mille) && nodes.len() > 1 {
            let side: Vec<NodeId> = ids(nodes.len()).filter(|_| self.rng.chance(500)).collect();
            return Some(Input::Partition { groups: vec![side] });
        }
        if self.rng.chance(p.heal_per_mille) {
            return Some(Input::Heal);
        }
        if !msgs.is_empty() {
            if self.rng.chance(p.drop_per_mille) {
                return Some(Input::Drop {
                    msg: self.pick(&msgs),
                });
            }
            if self.rng.chance(p.duplicate_per_mille) {
                return Some(Input::Duplicate {
                    msg: self.pick(&msgs),
                });
            }
            if self.rng.chance(p.delay_per_mille) {
                let ticks = self.rng.range(1, 200);
                return Some(Input::Delay {
                    msg: self.pick(&msgs),
                    ticks,
                });
            }
        }
        if self.rng.chance(p.request_per_mille) {
            let rng = &mut self.rng;
            if let Some((node, request)) = P::random_request(&world.cfg, &mut |n| rng.below(n)) {
                return Some(Input::Request { node, request });
            }
        }
        None
    }

    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[self.rng.below(from.len() as u64) as usize]
    }
}

fn ids(n: usize) -> impl Iterator<Item = NodeId> {
    (0..n as u32).map(NodeId)
}

/// Safety phase: `steps` steps with the swarm's faults. When the world falls quiet the
/// swarm keeps drawing until it acts (a client request, a restart), so runs stay busy.
pub fn run_with_faults<P: Protocol>(history: &mut History<P>, swarm: &mut Swarm, steps: u64) {
    while history.len() < steps {
        if let Some(input) = swarm.next_input(history.world()) {
            history.inject(input).expect("swarm inputs are valid");
        } else if !history.step_forward() {
            let woke = (0..10_000).find_map(|_| swarm.next_input(history.world()));
            match woke {
                Some(input) => history.inject(input).expect("swarm inputs are valid"),
                None => return,
            }
        }
    }
}

/// Liveness phase: heal the network, restart every crashed node, then run `steps` more steps
/// with no fault (or until nothing is left to happen).
pub fn heal_and_settle<P: Protocol>(history: &mut History<P>, steps: u64) {
    history.inject(Input::Heal).expect("heal is valid");
    let down: Vec<NodeId> = ids(history.world().nodes().len())
        .filter(|n| !history.world().nodes()[n.index()].is_up())
        .collect();
    for node in down {
        history
            .inject(Input::Restart { node })
            .expect("restart is valid");
    }
    let end = history.len() + steps;
    while history.len() < end && history.step_forward() {}
}

/// The seeds among `0..seeds` whose `steps`-step run, with the faults `swarm(seed)` draws on
/// the default network, breaks an invariant: how the sweeps show a bug switch is caught.
pub fn violating_seeds<P: Protocol>(
    cfg: &P::Config,
    seeds: u64,
    steps: u64,
    swarm: impl Fn(u64) -> Swarm,
) -> Vec<u64> {
    (0..seeds)
        .filter(|&seed| {
            let spec = RunSpec {
                cfg: cfg.clone(),
                net: NetConfig::default(),
                seed,
                inputs: Vec::new(),
            };
            let mut h = History::<P>::new(spec).expect("a valid configuration");
            run_with_faults(&mut h, &mut swarm(seed), steps);
            h.records().iter().any(|r| !r.violations.is_empty())
        })
        .collect()
}
