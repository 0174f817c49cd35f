//! Seeded random fault plans: swarm testing, after FoundationDB's simulator and
//! TigerBeetle's VOPR. Each seed first draws its own *fault mix* (how often each kind of
//! fault happens, with some kinds switched off altogether, as in Groce et al., "Swarm
//! Testing", ISSTA 2012), then the faults themselves. Faults are ordinary inputs, so a
//! failing run replays exactly from its scenario.
//!
//! A run ([`Run`], in `sim/run.rs`) applies them: [`Run::with_faults`] is the safety
//! phase, [`Run::heal_all`] starts the liveness phase.

use super::rng::Rng;
use super::{Input, MsgId, NodeId, Protocol, Tick, World};

pub use super::run::{Deadline, Run, Watch};

/// How often each kind of fault happens, in per-mille per step (0: never in this run).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultMix {
    pub crash_per_mille: u64,
    pub restart_per_mille: u64,
    /// Crash a node and restart it at once (a reboot: its memory is lost, its disk kept).
    /// Half the time it is the node that handled the last step, so whatever that step
    /// changed and did not write to disk is lost (a crash right after a state change,
    /// where an unforced write shows).
    pub reboot_per_mille: u64,
    /// Partition the nodes into two groups (random halves, or one node alone).
    pub partition_per_mille: u64,
    /// Cut one link, one way.
    pub cut_per_mille: u64,
    pub heal_per_mille: u64,
    pub drop_per_mille: u64,
    pub duplicate_per_mille: u64,
    pub delay_per_mille: u64,
    /// Clog one node's inbound link: every message in flight to it arrives the same
    /// number of ticks late, in the same order (FoundationDB's clogging). Messages sent
    /// after the clog pass ahead of them.
    pub clog_per_mille: u64,
    /// A delayed message arrives up to this many ticks late (a few of the protocol's
    /// timeouts, so a message can outlive the timer that gave up on it).
    pub delay_ticks_max: u64,
    /// A client or operator request (what is asked is the workload's choice).
    pub request_per_mille: u64,
    /// When not empty, crashes, cuts and lone-node partitions fall on these nodes only,
    /// so one link or one node is hit again and again (TigerBeetle's "isolate one").
    pub focus: Vec<NodeId>,
}

impl FaultMix {
    /// A mix for a run of `nodes` nodes with these `timeouts` (delays reach one to four
    /// times one of them). Each kind of fault is off for about one seed in three.
    pub fn draw(rng: &mut Rng, nodes: usize, timeouts: &[u64]) -> FaultMix {
        let mut some = |hi: u64| {
            if rng.below(3) == 0 {
                0
            } else {
                rng.range(1, hi)
            }
        };
        let crash_per_mille = some(25);
        let reboot_per_mille = some(40);
        let partition_per_mille = some(8);
        let cut_per_mille = some(15);
        let drop_per_mille = some(60);
        let duplicate_per_mille = some(40);
        let delay_per_mille = some(60);
        let clog_per_mille = some(40);
        let timeout = match timeouts.len() {
            0 => 300,
            n => timeouts[rng.below(n as u64) as usize],
        };
        let times = rng.range(1, 4);
        let focus = if nodes > 2 && rng.chance(500) {
            let mut all: Vec<NodeId> = ids(nodes).collect();
            let k = rng.range(2, 3) as usize;
            (0..k)
                .map(|_| all.remove(rng.below(all.len() as u64) as usize))
                .collect()
        } else {
            Vec::new()
        };
        FaultMix {
            crash_per_mille,
            restart_per_mille: rng.range(5, 300),
            reboot_per_mille,
            partition_per_mille,
            cut_per_mille,
            heal_per_mille: rng.range(2, 60),
            drop_per_mille,
            duplicate_per_mille,
            delay_per_mille,
            clog_per_mille,
            delay_ticks_max: timeout.clamp(1, 250_000) * times,
            request_per_mille: rng.range(2, 60),
            focus,
        }
    }
}

/// Draws fault inputs for a run, from its own seeded stream (not the world's).
pub struct Swarm {
    rng: Rng,
    pub mix: FaultMix,
    /// Inputs already decided, applied one per step, last first: a clog's delays, a
    /// reboot's restart.
    queued: Vec<Queued>,
    /// The node that handled the last step, if any (set by [`Run::with_faults`]).
    pub last_actor: Option<NodeId>,
}

/// An input the swarm has decided and not applied yet.
#[derive(Clone, Copy, Debug)]
enum Queued {
    Delay(MsgId, u64),
    Restart(NodeId),
}

/// A workload: the request to send now, given the world (the swarm decided it is time).
pub type Workload<'a, P> =
    dyn FnMut(&World<P>, &mut Rng) -> Option<(NodeId, <P as Protocol>::Request)> + 'a;

impl Swarm {
    /// The swarm of `seed`: its fault mix is drawn first, from the same stream.
    pub fn new(seed: u64, nodes: usize, timeouts: &[u64]) -> Self {
        let mut rng = Rng::new(seed ^ 0x5eed_fa17_u64);
        let mix = FaultMix::draw(&mut rng, nodes, timeouts);
        Swarm {
            rng,
            mix,
            queued: Vec::new(),
            last_actor: None,
        }
    }

    /// A swarm with a fixed mix (the seed still draws every fault).
    pub fn with_mix(seed: u64, mix: FaultMix) -> Self {
        Swarm {
            rng: Rng::new(seed ^ 0x5eed_fa17_u64),
            mix,
            queued: Vec::new(),
            last_actor: None,
        }
    }

    /// The swarm's own generator, for choices a caller makes from the same seed.
    pub fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    /// The input to apply before the next step, if the dice say so.
    pub fn next_input<P: Protocol>(
        &mut self,
        world: &World<P>,
        workload: &mut Workload<'_, P>,
    ) -> Option<Input<P>> {
        if let Some(q) = self.queued.pop() {
            return Some(match q {
                Queued::Delay(msg, ticks) => Input::Delay { msg, ticks },
                Queued::Restart(node) => Input::Restart { node },
            });
        }
        let n = world.nodes().len();
        let up = |want: bool| -> Vec<NodeId> {
            ids(n)
                .filter(|id| world.nodes()[id.index()].is_up() == want)
                .collect()
        };
        let m = self.mix.clone();
        let focus = if m.focus.is_empty() {
            ids(n).collect()
        } else {
            m.focus.clone()
        };
        if self.rng.chance(m.crash_per_mille) {
            let live: Vec<NodeId> = up(true).into_iter().filter(|x| focus.contains(x)).collect();
            if !live.is_empty() {
                return Some(Input::Crash {
                    node: self.pick(&live),
                });
            }
        }
        if self.rng.chance(m.reboot_per_mille) {
            let live: Vec<NodeId> = up(true).into_iter().filter(|x| focus.contains(x)).collect();
            let actor = self
                .last_actor
                .filter(|a| world.nodes()[a.index()].is_up() && self.rng.chance(500));
            if let Some(node) = actor.or_else(|| (!live.is_empty()).then(|| self.pick(&live))) {
                self.queued.push(Queued::Restart(node));
                return Some(Input::Crash { node });
            }
        }
        if self.rng.chance(m.restart_per_mille) {
            let down = up(false);
            if !down.is_empty() {
                return Some(Input::Restart {
                    node: self.pick(&down),
                });
            }
        }
        if self.rng.chance(m.partition_per_mille) && n > 1 {
            let side: Vec<NodeId> = if self.rng.chance(500) {
                vec![self.pick(&focus)]
            } else {
                ids(n).filter(|_| self.rng.chance(500)).collect()
            };
            return Some(Input::Partition { groups: vec![side] });
        }
        if self.rng.chance(m.cut_per_mille) && n > 1 {
            let from = self.pick(&focus);
            let others: Vec<NodeId> = ids(n).filter(|x| *x != from).collect();
            let to = self.pick(&others);
            // Either direction: the focus node stops hearing, or stops being heard.
            let (from, to) = if self.rng.chance(500) {
                (from, to)
            } else {
                (to, from)
            };
            return Some(Input::Cut { from, to });
        }
        if self.rng.chance(m.heal_per_mille) {
            return Some(Input::Heal);
        }
        if !world.in_flight().is_empty() {
            let msgs: Vec<_> = world.in_flight().keys().copied().collect();
            if self.rng.chance(m.drop_per_mille) {
                let msg = self.pick(&msgs);
                return Some(Input::Drop { msg });
            }
            if self.rng.chance(m.duplicate_per_mille) {
                let msg = self.pick(&msgs);
                return Some(Input::Duplicate { msg });
            }
            if self.rng.chance(m.delay_per_mille) {
                let msg = self.pick(&msgs);
                let ticks = self.rng.range(1, m.delay_ticks_max.max(1));
                return Some(Input::Delay { msg, ticks });
            }
            if self.rng.chance(m.clog_per_mille) {
                // A node something is on its way to (in the focus, if any).
                let bound: Vec<NodeId> = world
                    .in_flight()
                    .values()
                    .map(|m| m.to)
                    .filter(|to| focus.contains(to))
                    .collect();
                let to = if bound.is_empty() {
                    self.pick(&focus)
                } else {
                    self.pick(&bound)
                };
                let ticks = self.rng.range(1, m.delay_ticks_max.max(1));
                self.clog(world, to, ticks);
                if let Some(Queued::Delay(msg, ticks)) = self.queued.pop() {
                    return Some(Input::Delay { msg, ticks });
                }
            }
        }
        if self.rng.chance(m.request_per_mille) {
            if let Some((node, request)) = workload(world, &mut self.rng) {
                return Some(Input::Request { node, request });
            }
        }
        None
    }

    /// Queues a delay of `ticks` for every message in flight to `to`, earliest first, so
    /// they keep their order.
    fn clog<P: Protocol>(&mut self, world: &World<P>, to: NodeId, ticks: u64) {
        let mut due: Vec<(Tick, MsgId)> = world
            .in_flight()
            .iter()
            .filter(|(_, m)| m.to == to)
            .map(|(id, m)| (m.deliver_at, *id))
            .collect();
        due.sort();
        self.queued = due
            .into_iter()
            .rev()
            .map(|(_, id)| Queued::Delay(id, ticks))
            .collect();
    }

    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[self.rng.below(from.len() as u64) as usize]
    }
}

/// Node ids `0..n`.
pub fn ids(n: usize) -> impl Iterator<Item = NodeId> {
    (0..n as u32).map(NodeId)
}
