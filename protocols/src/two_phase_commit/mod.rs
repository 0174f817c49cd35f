//! Two-phase commit with presumed abort.
//!
//! Atomic commitment: every participant of a transaction commits it, or every one
//! aborts it. Gray's two-phase commit (Gray & Lamport, "Consensus on Transaction
//! Commit", 2006, §3) with the presumed-abort optimisation (Mohan, Lindsay &
//! Obermarck, 1986):
//! - Work: the coordinator force-writes BEGIN, so that a late or retried BEGIN never
//!   starts a transaction twice, even after a crash (one forced write per transaction
//!   more than R*'s presumed abort), and sends WORK.
//! - Phase 1: the coordinator sends PREPARE; each participant force-writes PREPARED
//!   and votes yes, or force-writes ABORT and votes no.
//! - Phase 2: on all yes, the coordinator force-writes COMMIT *before* sending COMMIT;
//!   participants force-write COMMIT and ACK; after every ACK the coordinator writes
//!   END and forgets. On any no or a vote timeout it sends ABORT, logging nothing:
//!   a transaction the coordinator has no COMMIT record of is presumed aborted, so
//!   aborts need no acknowledgements.
//! - A participant that has not voted may abort alone, and force-writes that ABORT: a
//!   peer may act on it (cooperative termination), so a unilateral abort must survive a
//!   crash (Bernstein, Hadzilacos & Goodman, 1987, ch. 7). One that voted yes is blocked
//!   until it learns the decision: it asks the coordinator and its peers (cooperative
//!   termination), and only a peer that knows, or has not voted, can help.
//! - The client sends a BEGIN again, with the same id, until it learns the outcome. The
//!   coordinator runs an id once: a BEGIN at or below the last id it began gets the
//!   outcome it knows, or ABORT when it has no COMMIT record (presumed abort).
//!
//! Invariants ([`invariants`]), numbered as in Bernstein, Hadzilacos & Goodman, ch. 7:
//! atomicity (AC1), a decision is never reversed (AC2), a participant that voted no never
//! commits (AC3).
//!
//! Nodes: 0 is the coordinator, 1..=participants the participants, then the client.

mod coordinator;
pub mod invariants;
pub mod msg;
pub mod node;
mod participant;

mod script;
mod sweep;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_client;

use crate::sim::schema::{number, Schema, TOGGLE};
use crate::sim::{check_order, ConfigError, NodeId, Out, Protocol, Slot};
use serde::{Deserialize, Serialize};

pub use msg::{Msg, Note, Rebegin, Record, Request, Timer, Txn};
pub use node::{CoordPhase, Disk, Node, PartState, Role};

/// The cluster and its timing, as the user configured it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// 2..=7 participants.
    pub participants: u32,
    /// How many transactions the client submits on its own (more can be requested).
    pub transactions: u32,
    pub txn_gap_ticks: u64,
    /// How long the work phase lasts before the coordinator sends PREPARE.
    pub work_ticks_min: u64,
    pub work_ticks_max: u64,
    pub vote_timeout_ticks: u64,
    /// How long a participant that has not voted waits for PREPARE before aborting alone.
    pub prepare_timeout_ticks: u64,
    /// How long an uncertain participant waits before asking for the decision.
    pub decision_timeout_ticks: u64,
    pub resend_ticks: u64,
    /// How long the client waits for an outcome before it sends the same BEGIN again.
    pub client_timeout_ticks: u64,
    /// Bug switch: the coordinator sends its decision before logging it.
    pub bug_decision_before_log: bool,
}

crate::schema!(Config {
    participants: number(2, 7),
    transactions: number(0, 100_000),
    txn_gap_ticks: number(1, 100_000),
    work_ticks_min: number(1, 100_000),
    work_ticks_max: number(1, 100_000),
    vote_timeout_ticks: number(1, 100_000),
    prepare_timeout_ticks: number(1, 100_000),
    decision_timeout_ticks: number(1, 100_000),
    resend_ticks: number(1, 100_000),
    client_timeout_ticks: number(1, 100_000),
    bug_decision_before_log: TOGGLE,
});

impl Default for Config {
    fn default() -> Self {
        Config {
            participants: 3,
            transactions: 3,
            txn_gap_ticks: 400,
            work_ticks_min: 20,
            work_ticks_max: 40,
            vote_timeout_ticks: 250,
            prepare_timeout_ticks: 400,
            decision_timeout_ticks: 200,
            resend_ticks: 150,
            client_timeout_ticks: 1_000,
            bug_decision_before_log: false,
        }
    }
}

/// The protocol marker type.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TwoPhaseCommit;

impl TwoPhaseCommit {
    pub fn coordinator() -> NodeId {
        node::coordinator()
    }
    pub fn client(cfg: &Config) -> NodeId {
        node::client(cfg)
    }
}

impl Protocol for TwoPhaseCommit {
    const NAME: &'static str = "two-phase-commit";
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
            "work_ticks_min",
            cfg.work_ticks_min,
            "work_ticks_max",
            cfg.work_ticks_max,
        )
    }
    fn node_count(cfg: &Config) -> usize {
        cfg.participants as usize + 2
    }
    fn init(cfg: &Config, id: NodeId, out: &mut Out<Self>) -> Node {
        node::init(cfg, id, out)
    }
    fn durable(node: &Node) -> Disk {
        node.log.clone()
    }
    fn weight(slot: &Slot<Self>) -> usize {
        let live = slot.state.as_ref().map_or(0, |n| {
            let txns = match &n.role {
                Role::Coordinator { txns } => txns.len(),
                Role::Participant { txns } => txns.len(),
                Role::Client { results } => results.len(),
            };
            n.log.wal.len() + 4 * txns
        });
        live + slot.disk.wal.len()
    }
    fn persist(node: &Node, disk: &mut Disk) {
        disk.write_from(&node.log);
    }
    fn on_message(
        cfg: &Config,
        _id: NodeId,
        node: &mut Node,
        from: NodeId,
        msg: Msg,
        out: &mut Out<Self>,
    ) {
        node::on_message(cfg, node, from, msg, out)
    }
    fn on_timer(cfg: &Config, id: NodeId, node: &mut Node, timer: Timer, out: &mut Out<Self>) {
        node::on_timer(cfg, id, node, timer, out)
    }
    fn on_request(cfg: &Config, _id: NodeId, node: &mut Node, req: Request, out: &mut Out<Self>) {
        node::on_request(cfg, node, req, out)
    }
    fn on_restart(cfg: &Config, id: NodeId, disk: &Disk, out: &mut Out<Self>) -> Node {
        node::restart(cfg, id, disk, out)
    }
    fn check(
        _cfg: &Config,
        ghost: &mut invariants::Ghost,
        nodes: &[Slot<Self>],
        notes: &[(NodeId, Note)],
        found: &mut Vec<(invariants::Invariant, Note)>,
    ) {
        invariants::check(ghost, nodes, notes, found)
    }
    fn random_request(cfg: &Config, pick: &mut dyn FnMut(u64) -> u64) -> Option<(NodeId, Request)> {
        if pick(10) < 7 {
            Some((node::client(cfg), Request::Submit))
        } else {
            let p = NodeId(1 + pick(cfg.participants as u64) as u32);
            Some((p, Request::SetVote { yes: pick(3) > 0 }))
        }
    }
}
