//! The deterministic simulator every lab runs on.
//!
//! A protocol is a pure state machine (the [`Protocol`] trait): it never reads a
//! clock or draws a random number. The [`World`] owns virtual time (integer
//! ticks), the network, timers, crashes and the one seeded PRNG, and applies
//! exactly one event per [`World::step`]. [`history::History`] adds checkpoints,
//! `seek` and forks. Same config + seed + inputs = same run, on every platform.

pub mod chunked;
pub mod history;
mod input;
mod invariant;
pub mod limits;
mod record;
pub mod replay;
pub mod rng;
mod run;
pub mod schema;
pub mod store;
pub mod swarm;
pub mod trace;
mod world;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::fmt::Debug;

pub(crate) use input::InputShape;
pub use input::{Input, NetConfig};
pub use invariant::{Invariant, Reporter};
pub use record::{Event, LossReason, Sent, StepRecord};
pub use world::{InFlight, Slot, TimerSpan, World};

/// The demo workload's write, shared by a lab's "client request", the random requests
/// and the sweeps: one of the keys x, y and z, and a value below 100, from two draws
/// (`draw(n)` is a number below `n`).
pub fn demo_write(draw: &mut dyn FnMut(u64) -> u64) -> (&'static str, u32) {
    let key = ["x", "y", "z"][draw(3) as usize];
    (key, draw(100) as u32)
}

/// A node's index in the cluster (0-based; the UI names it).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NodeId(pub u32);

impl NodeId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Virtual time: one tick is one simulated millisecond.
#[derive(
    Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Tick(pub u64);

/// A message's identity for the whole run: it is what a fault input names.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MsgId(pub u64);

/// A configuration the simulator refuses, with the field and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum ConfigError {
    /// `field` must lie in `min..=max` but was `got`.
    OutOfRange {
        field: &'static str,
        min: u64,
        max: u64,
        got: u64,
    },
    /// `field` names a node that does not exist.
    NoSuchNode { field: &'static str, node: u32 },
    /// `low` must not exceed `high`.
    Inverted {
        low: &'static str,
        high: &'static str,
    },
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::OutOfRange {
                field,
                min,
                max,
                got,
            } => write!(f, "{field} must be between {min} and {max}, not {got}"),
            ConfigError::NoSuchNode { field, node } => {
                write!(f, "{field} names node {node}, which does not exist")
            }
            ConfigError::Inverted { low, high } => write!(f, "{low} must not exceed {high}"),
        }
    }
}

/// Checks that `got` lies in `min..=max` for the named field.
pub fn check_range(field: &'static str, got: u64, min: u64, max: u64) -> Result<(), ConfigError> {
    if (min..=max).contains(&got) {
        Ok(())
    } else {
        Err(ConfigError::OutOfRange {
            field,
            min,
            max,
            got,
        })
    }
}

/// Checks that the field named `low` does not exceed the one named `high`.
pub fn check_order(
    low: &'static str,
    low_value: u64,
    high: &'static str,
    high_value: u64,
) -> Result<(), ConfigError> {
    if low_value <= high_value {
        Ok(())
    } else {
        Err(ConfigError::Inverted { low, high })
    }
}

/// A broken invariant: which one, at which step, and the protocol's structured account of it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(bound = "")]
pub struct Violation<P: Protocol> {
    /// Which invariant broke; a record serializes it as its index in [`Invariant::ALL`].
    #[serde(serialize_with = "invariant::serialize_index")]
    pub invariant: P::Invariant,
    pub step: u64,
    pub detail: P::Note,
}

/// One effect a handler asks the simulator to carry out.
#[derive(Clone, Debug)]
pub enum Effect<P: Protocol> {
    Send {
        to: NodeId,
        msg: P::Msg,
    },
    /// Arm (or re-arm) a timer; the simulator draws its length in `min..=max` ticks.
    SetTimer {
        timer: P::Timer,
        min: u64,
        max: u64,
    },
    CancelTimer {
        timer: P::Timer,
    },
    /// What [`Protocol::durable`] returns now is written to disk and survives a crash.
    Persist,
    Note(P::Note),
}

/// The output buffer a handler pushes its effects into. It also carries what a real node
/// would read from its surroundings: the clock, and a seed for its own random choices.
pub struct Out<P: Protocol> {
    pub effects: Vec<Effect<P>>,
    now: u64,
    seed: u64,
}

impl<P: Protocol> Default for Out<P> {
    fn default() -> Self {
        Out::at(0, 0)
    }
}

impl<P: Protocol> Out<P> {
    /// A buffer for a handler running at virtual time `now`, with `seed` for the node.
    pub fn at(now: u64, seed: u64) -> Self {
        Out {
            effects: Vec::new(),
            now,
            seed,
        }
    }
    /// The node's clock: the simulator's virtual time in ticks (no clock skew is modelled).
    pub fn now(&self) -> u64 {
        self.now
    }
    /// A seed for a node's own random choices (a load balancer picking at random, a client
    /// drawing its workload), derived from the run's seed, the node and the time, so a
    /// restarted node does not repeat itself. Protocols that draw take it in `init` and
    /// `on_restart` and keep their own generator, so replays stay exact.
    pub fn seed(&self) -> u64 {
        self.seed
    }
    pub fn send(&mut self, to: NodeId, msg: P::Msg) {
        self.effects.push(Effect::Send { to, msg });
    }
    pub fn set_timer(&mut self, timer: P::Timer, ticks: std::ops::RangeInclusive<u64>) {
        let (min, max) = ticks.into_inner();
        self.effects.push(Effect::SetTimer { timer, min, max });
    }
    pub fn cancel_timer(&mut self, timer: P::Timer) {
        self.effects.push(Effect::CancelTimer { timer });
    }
    pub fn persist(&mut self) {
        self.effects.push(Effect::Persist);
    }
    pub fn note(&mut self, note: P::Note) {
        self.effects.push(Effect::Note(note));
    }
    /// The messages asked for, in order (for tests and tools).
    pub fn sends(&self) -> Vec<(NodeId, P::Msg)> {
        let sends = self.effects.iter().filter_map(|e| match e {
            Effect::Send { to, msg } => Some((*to, msg.clone())),
            _ => None,
        });
        sends.collect()
    }
    /// The timers left set once these effects apply (for tests and tools).
    pub fn timers_set(&self) -> Vec<P::Timer> {
        let mut set: Vec<P::Timer> = Vec::new();
        for e in &self.effects {
            match e {
                Effect::SetTimer { timer, .. } if !set.contains(timer) => set.push(timer.clone()),
                Effect::CancelTimer { timer } => set.retain(|t| t != timer),
                _ => {}
            }
        }
        set
    }
    /// The notes, in order (for tests and tools).
    pub fn notes(&self) -> Vec<P::Note> {
        let notes = self.effects.iter().filter_map(|e| match e {
            Effect::Note(n) => Some(n.clone()),
            _ => None,
        });
        notes.collect()
    }
}

/// A protocol as a pure state machine: inputs in, effects out (sans-IO).
pub trait Protocol: Sized + Clone + std::fmt::Debug + PartialEq + Send + Sync + 'static {
    /// The name used in scenario files and on the command line.
    const NAME: &'static str;
    type Config: Clone + Debug + PartialEq + Default + Serialize + DeserializeOwned + Send + Sync;
    /// One node's whole state, durable and volatile.
    type Node: Clone + Debug + Serialize + Send + Sync;
    /// What survives a crash: the last image written by [`Effect::Persist`].
    type Durable: Clone + Debug + PartialEq + Serialize + Send + Sync;
    type Msg: Clone + Debug + PartialEq + Serialize + Send + Sync;
    type Timer: Clone + Debug + Ord + Serialize + Send + Sync;
    type Request: Clone + Debug + PartialEq + Serialize + DeserializeOwned + Send + Sync;
    /// A structured event (the UI's text catalog makes it a sentence).
    type Note: Clone + Debug + PartialEq + Serialize + Send + Sync;
    /// The checkers' own memory of the past (e.g. every decision ever announced): only
    /// what an invariant needs.
    type Ghost: Clone + Debug + Default + Send + Sync;
    /// What [`Protocol::observe`] measures for the UI (a time series, the key a user
    /// follows); `()` for a protocol with nothing to measure.
    type Metrics: Clone + Debug + Default + Send + Sync;
    /// The safety properties [`Protocol::check`] checks (declared with [`crate::invariants!`]).
    type Invariant: Invariant;

    fn validate(cfg: &Self::Config) -> Result<(), ConfigError>;
    fn node_count(cfg: &Self::Config) -> usize;
    fn init(cfg: &Self::Config, id: NodeId, out: &mut Out<Self>) -> Self::Node;
    fn durable(node: &Self::Node) -> Self::Durable;
    /// Roughly how much copying this node's slot costs (e.g. log entries + map entries).
    /// The history spaces its checkpoints by it, so long runs stay cheap to record.
    fn weight(slot: &Slot<Self>) -> usize {
        let _ = slot;
        1
    }
    /// How much a message carries beyond its fixed size, in entries (a Raft
    /// AppendEntries' entries, a sharding transfer's keys): what keeps a run's memory
    /// bounded counts it (see [`limits`]).
    fn msg_weight(msg: &Self::Msg) -> usize {
        let _ = msg;
        0
    }
    /// Writes the durable part of `node` to `disk` (what [`Effect::Persist`] does).
    /// The default copies [`Protocol::durable`]; a protocol whose durable state is an
    /// append-only log overrides it to write only what is new.
    fn persist(node: &Self::Node, disk: &mut Self::Durable) {
        *disk = Self::durable(node);
    }
    fn on_message(
        cfg: &Self::Config,
        id: NodeId,
        node: &mut Self::Node,
        from: NodeId,
        msg: Self::Msg,
        out: &mut Out<Self>,
    );
    fn on_timer(
        cfg: &Self::Config,
        id: NodeId,
        node: &mut Self::Node,
        timer: Self::Timer,
        out: &mut Out<Self>,
    );
    fn on_request(
        cfg: &Self::Config,
        id: NodeId,
        node: &mut Self::Node,
        req: Self::Request,
        out: &mut Out<Self>,
    );
    /// Rebuilds a node from its disk after a crash: volatile state starts afresh.
    fn on_restart(
        cfg: &Self::Config,
        id: NodeId,
        disk: &Self::Durable,
        out: &mut Out<Self>,
    ) -> Self::Node;
    /// Checks every invariant after a step, pushing each newly broken one onto `found`
    /// (a [`Reporter`] in the ghost keeps one from being pushed again). Checkers observe;
    /// they never change a node.
    fn check(
        cfg: &Self::Config,
        ghost: &mut Self::Ghost,
        nodes: &[Slot<Self>],
        notes: &[(NodeId, Self::Note)],
        found: &mut Vec<(Self::Invariant, Self::Note)>,
    );
    /// Measures the run after a step (once its checks are done): the nodes as the step left
    /// them and the step's notes. An observer only observes: it never changes a node, so a
    /// run is the same with or without it. The default measures nothing.
    fn observe(
        cfg: &Self::Config,
        metrics: &mut Self::Metrics,
        nodes: &[Slot<Self>],
        notes: &[(NodeId, Self::Note)],
    ) {
        let _ = (cfg, metrics, nodes, notes);
    }
    /// A request the random fault plan may send (`pick(n)` draws a number below `n`).
    fn random_request(
        cfg: &Self::Config,
        pick: &mut dyn FnMut(u64) -> u64,
    ) -> Option<(NodeId, Self::Request)>;
}
