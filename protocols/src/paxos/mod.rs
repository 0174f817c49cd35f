//! Paxos (Lamport, "Paxos Made Simple", 2001): proposers, acceptors and learners agree on
//! one value (single-decree, §2), or on a log of them (Multi-Paxos, §3).
//!
//! Ballots are (round, proposer) pairs, unique and totally ordered (§2.2, §2.5). Phase 1
//! (prepare/promise) and phase 2 (accept/accepted) follow §2.2; a proposer adopts the value
//! of the highest-numbered proposal among the promises. Acceptors persist their promise and
//! acceptances, proposers the highest round they used. Two proposers can duel forever
//! (§2.4); the cures are switches: a randomized backoff, and a distinguished proposer (the
//! lowest-numbered one still sending heartbeats). In Multi-Paxos the distinguished proposer
//! runs phase 1 once for every slot from the first it does not know chosen, fills gaps with
//! no-ops, and then runs phase 2 alone for each client command.
//!
//! Invariants ([`invariants`]): at most one value chosen per slot; a value known chosen
//! never changes; no acceptor accepts a ballot below its promise; learners learn only
//! chosen values.

mod acceptor;
pub mod invariants;
mod learner;
pub mod msg;
pub mod node;
mod proposer;

mod script;
mod sweep;
#[cfg(test)]
mod tests;

use crate::sim::schema::{number, Schema, TOGGLE};
use crate::sim::{check_order, ConfigError, NodeId, Out, Protocol, Slot};
use serde::{Deserialize, Serialize};

pub use msg::{Ballot, Msg, Note, Request, Timer, Value};
pub use node::{Disk, Node, Phase, Proposer};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// 1..=3 proposers.
    pub proposers: u32,
    /// 3..=7 acceptors.
    pub acceptors: u32,
    /// 1..=3 learners.
    pub learners: u32,
    /// Roles share nodes: node k is acceptor k, and also proposer k and learner k when
    /// there are that many. Otherwise every role has its own node.
    pub colocated: bool,
    /// Multi-Paxos: a log of slots and client commands, instead of one value.
    pub multi: bool,
    /// Cure for duels: wait a random time (growing with each lost ballot) before retrying.
    pub cure_backoff: bool,
    /// Cure for duels: only the distinguished proposer proposes (§2.4).
    pub cure_leader: bool,
    /// Single-decree: when each proposer first proposes.
    pub start_ticks_min: u64,
    pub start_ticks_max: u64,
    /// A ballot that makes no progress for this long is retried.
    pub retry_ticks: u64,
    /// The backoff unit: after k lost ballots (k capped at 8; the count resets when the
    /// proposer learns a value it proposed is chosen), a wait drawn in 1..=k×this.
    pub backoff_ticks: u64,
    /// Heartbeats between proposers, for the distinguished-proposer cure.
    pub heartbeat_ticks: u64,
    /// Bug switch 1: acceptors forget their promise on restart.
    pub bug_forget_promises: bool,
    /// Bug switch 2: a proposer ignores the accepted values in the promises.
    pub bug_ignore_accepted: bool,
}

crate::schema!(Config {
    proposers: number(1, 3),
    acceptors: number(3, 7),
    learners: number(1, 3),
    colocated: TOGGLE,
    multi: TOGGLE,
    cure_backoff: TOGGLE,
    cure_leader: TOGGLE,
    start_ticks_min: number(1, 100_000),
    start_ticks_max: number(1, 100_000),
    retry_ticks: number(1, 100_000),
    backoff_ticks: number(1, 100_000),
    heartbeat_ticks: number(1, 100_000),
    bug_forget_promises: TOGGLE,
    bug_ignore_accepted: TOGGLE,
});

impl Default for Config {
    fn default() -> Self {
        Config {
            proposers: 2,
            acceptors: 3,
            learners: 1,
            colocated: false,
            multi: false,
            cure_backoff: false,
            cure_leader: false,
            start_ticks_min: 10,
            start_ticks_max: 60,
            retry_ticks: 300,
            backoff_ticks: 60,
            heartbeat_ticks: 40,
            bug_forget_promises: false,
            bug_ignore_accepted: false,
        }
    }
}

/// The roles one node plays (0-based numbers within each role).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Roles {
    pub proposer: Option<u32>,
    pub acceptor: Option<u32>,
    pub learner: Option<u32>,
}

impl Config {
    pub fn node_count(&self) -> usize {
        if self.colocated {
            self.acceptors as usize
        } else {
            (self.proposers + self.acceptors + self.learners) as usize
        }
    }
    pub fn roles(&self, node: NodeId) -> Roles {
        let n = node.0;
        let within = |k: u32, count: u32| (k < count).then_some(k);
        if self.colocated {
            return Roles {
                proposer: within(n, self.proposers),
                acceptor: within(n, self.acceptors),
                learner: within(n, self.learners),
            };
        }
        let (p, a) = (self.proposers, self.acceptors);
        Roles {
            proposer: within(n, p),
            acceptor: n.checked_sub(p).and_then(|k| within(k, a)),
            learner: n.checked_sub(p + a).and_then(|k| within(k, self.learners)),
        }
    }
    pub fn proposer_node(&self, index: u32) -> NodeId {
        NodeId(index)
    }
    pub fn acceptor_nodes(&self) -> Vec<NodeId> {
        let first = if self.colocated { 0 } else { self.proposers };
        (first..first + self.acceptors).map(NodeId).collect()
    }
    pub fn learner_nodes(&self) -> Vec<NodeId> {
        let first = if self.colocated {
            0
        } else {
            self.proposers + self.acceptors
        };
        (first..first + self.learners).map(NodeId).collect()
    }
    /// A majority of the acceptors.
    pub fn majority(&self) -> usize {
        self.acceptors as usize / 2 + 1
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Paxos;

impl Protocol for Paxos {
    const NAME: &'static str = "paxos";
    type Config = Config;
    type Node = Node;
    type Durable = Disk;
    type Msg = Msg;
    type Timer = Timer;
    type Request = Request;
    type Note = Note;
    type Ghost = invariants::Ghost;
    type Metrics = ();
    type Invariant = invariants::Invariant;

    fn validate(cfg: &Config) -> Result<(), ConfigError> {
        cfg.check_ranges()?;
        check_order(
            "start_ticks_min",
            cfg.start_ticks_min,
            "start_ticks_max",
            cfg.start_ticks_max,
        )
    }
    fn node_count(cfg: &Config) -> usize {
        cfg.node_count()
    }
    fn init(cfg: &Config, id: NodeId, out: &mut Out<Self>) -> Node {
        node::init(cfg, id, out)
    }
    fn durable(node: &Node) -> Disk {
        node.d.clone()
    }
    /// Writes the promise and round, and only the slots this event changed.
    fn persist(node: &Node, disk: &mut Disk) {
        disk.round = node.d.round;
        disk.promised = node.d.promised;
        for &(accepted, slot) in &node.touched {
            if accepted {
                disk.accepted.insert(slot, node.d.accepted[&slot].clone());
            } else {
                disk.learned.insert(slot, node.d.learned[&slot].clone());
            }
        }
    }
    fn weight(slot: &Slot<Self>) -> usize {
        1 + slot.disk.accepted.len()
            + slot.disk.learned.len()
            + slot.state.as_ref().map_or(0, |n| {
                n.d.accepted.len()
                    + n.d.learned.len()
                    + n.learner.as_ref().map_or(0, |l| l.votes.len())
                    + n.proposer
                        .as_ref()
                        .map_or(0, |p| p.chosen.len() + p.proposals.len())
            })
    }
    fn on_message(
        cfg: &Config,
        id: NodeId,
        node: &mut Node,
        from: NodeId,
        msg: Msg,
        out: &mut Out<Self>,
    ) {
        node::on_message(cfg, id, node, from, msg, out)
    }
    fn on_timer(cfg: &Config, id: NodeId, node: &mut Node, timer: Timer, out: &mut Out<Self>) {
        node::on_timer(cfg, id, node, timer, out)
    }
    fn on_request(cfg: &Config, id: NodeId, node: &mut Node, req: Request, out: &mut Out<Self>) {
        node::on_request(cfg, id, node, req, out)
    }
    fn on_restart(cfg: &Config, id: NodeId, disk: &Disk, out: &mut Out<Self>) -> Node {
        node::restart(cfg, id, disk, out)
    }
    fn check(
        cfg: &Config,
        ghost: &mut invariants::Ghost,
        nodes: &[Slot<Self>],
        notes: &[(NodeId, Note)],
        found: &mut Vec<(invariants::Invariant, Note)>,
    ) {
        invariants::check(cfg, ghost, nodes, notes, found)
    }
    fn random_request(cfg: &Config, pick: &mut dyn FnMut(u64) -> u64) -> Option<(NodeId, Request)> {
        let proposer = cfg.proposer_node(pick(cfg.proposers as u64) as u32);
        if cfg.multi && pick(4) > 0 {
            let (key, value) = crate::sim::demo_write(pick);
            let command = format!("{key}={value}");
            Some((proposer, Request::Submit { command }))
        } else {
            Some((proposer, Request::ProposeNow))
        }
    }
}
