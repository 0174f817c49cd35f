//! Raft (Ongaro & Ousterhout, "In Search of an Understandable Consensus Algorithm",
//! extended version, 2014): a replicated log kept consistent by an elected leader.
//!
//! This module implements Figure 2: leader election with randomized timeouts and the
//! election restriction (§5.2, §5.4.1), log replication with the consistency check,
//! conflict truncation and nextIndex backoff (§5.3), the commit rule that counts
//! replicas only for current-term entries (§5.4.2), a no-op at the start of each term
//! (§8), and a key-value state machine. currentTerm, votedFor and the log are durable;
//! everything else is lost in a crash.
//!
//! Invariants ([`invariants`], Figure 3): Election Safety, Leader Append-Only, Log
//! Matching, Leader Completeness, State Machine Safety.
//!
//! From Ongaro's dissertation: single-server membership changes (§4.1, §4.2.2), pre-vote
//! (§9.6, a switch), CheckQuorum (§6.2, a switch), and log compaction by snapshots with
//! InstallSnapshot (§7 of the paper).

pub mod invariants;
pub mod msg;
pub mod node;

mod script;
mod sweep;
#[cfg(test)]
mod tests;

use crate::sim::schema::{number, Schema, TOGGLE};
use crate::sim::{check_order, ConfigError, NodeId, Out, Protocol, Slot};
use serde::{Deserialize, Serialize};

pub use msg::{Command, Entry, Msg, Note, Request, Term, Timer};
pub use node::{Disk, Node, Role, Snapshot};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// 3..=7 servers in the initial configuration, S1..S`servers`.
    pub servers: u32,
    /// 0..=2 more servers outside the cluster, for "Add server" (dissertation §4.1).
    pub spare_servers: u32,
    pub election_ticks_min: u64,
    pub election_ticks_max: u64,
    pub heartbeat_ticks: u64,
    /// Most entries one AppendEntries carries.
    pub max_entries_per_message: u64,
    /// Pre-vote (dissertation §9.6): ask for votes before incrementing the term.
    pub pre_vote: bool,
    /// CheckQuorum (dissertation §6.2): a leader that has not heard from a majority of its
    /// configuration within an election timeout steps down.
    pub check_quorum: bool,
    /// Snapshot the state machine once this many applied entries sit in the log (§7);
    /// 0 never compacts.
    pub snapshot_after: u64,
    /// Bug switch 1: votes are granted without the election restriction (§5.4.1).
    pub bug_no_election_restriction: bool,
    /// Bug switch 2: entries of earlier terms are committed by counting replicas (Figure 8).
    pub bug_commit_old_terms: bool,
    /// Bug switch 3: votedFor is not persisted across a restart.
    pub bug_forget_voted_for: bool,
}

crate::schema!(Config {
    servers: number(3, 7),
    spare_servers: number(0, 2),
    election_ticks_min: number(1, 100_000),
    election_ticks_max: number(1, 100_000),
    heartbeat_ticks: number(1, 100_000),
    max_entries_per_message: number(1, 10_000),
    snapshot_after: number(0, 100_000),
    pre_vote: TOGGLE,
    check_quorum: TOGGLE,
    bug_no_election_restriction: TOGGLE,
    bug_commit_old_terms: TOGGLE,
    bug_forget_voted_for: TOGGLE,
});

impl Default for Config {
    fn default() -> Self {
        Config {
            servers: 5,
            spare_servers: 1,
            election_ticks_min: 150,
            election_ticks_max: 300,
            heartbeat_ticks: 50,
            max_entries_per_message: 16,
            pre_vote: false,
            check_quorum: false,
            snapshot_after: 24,
            bug_no_election_restriction: false,
            bug_commit_old_terms: false,
            bug_forget_voted_for: false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Raft;

impl Protocol for Raft {
    const NAME: &'static str = "raft";
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
            "election_ticks_min",
            cfg.election_ticks_min,
            "election_ticks_max",
            cfg.election_ticks_max,
        )?;
        // A leader's heartbeats must come at least as often as the shortest election
        // timeout, or followers keep deposing a healthy leader.
        check_order(
            "heartbeat_ticks",
            cfg.heartbeat_ticks,
            "election_ticks_min",
            cfg.election_ticks_min,
        )
    }
    fn node_count(cfg: &Config) -> usize {
        (cfg.servers + cfg.spare_servers) as usize
    }
    fn init(cfg: &Config, id: NodeId, out: &mut Out<Self>) -> Node {
        node::init(cfg, id, out)
    }
    fn durable(node: &Node) -> Disk {
        node.d.clone()
    }
    /// Writes only what changed: a new snapshot rewrites everything; otherwise the log
    /// differs from the disk's only after the last index where both hold an entry of the
    /// same term (the log changes only at its end).
    fn persist(node: &Node, disk: &mut Disk) {
        disk.current_term = node.d.current_term;
        disk.voted_for = node.d.voted_for;
        if disk.snapshot.index != node.d.snapshot.index
            || disk.snapshot.term != node.d.snapshot.term
        {
            disk.snapshot = node.d.snapshot.clone();
            disk.log = node.d.log.clone();
            return;
        }
        let (mem, old) = (&node.d.log, &mut disk.log);
        let keep = (0..=mem.len().min(old.len()))
            .rev()
            .find(|&k| k == 0 || mem[k - 1].term == old[k - 1].term)
            .unwrap_or(0);
        old.truncate(keep);
        old.extend_from_slice(&mem[keep..]);
    }
    fn weight(slot: &Slot<Self>) -> usize {
        slot.disk.log.len()
            + slot.disk.snapshot.kv.len()
            + slot
                .state
                .as_ref()
                .map_or(0, |n| n.d.log.len() + n.kv.len() + n.d.snapshot.kv.len())
    }
    fn msg_weight(msg: &Msg) -> usize {
        match msg {
            Msg::AppendEntries { entries, .. } => entries.len(),
            Msg::InstallSnapshot { kv, members, .. } => kv.len() + members.len(),
            _ => 0,
        }
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
        _cfg: &Config,
        ghost: &mut invariants::Ghost,
        nodes: &[Slot<Self>],
        notes: &[(NodeId, Note)],
        found: &mut Vec<(invariants::Invariant, Note)>,
    ) {
        invariants::check(ghost, nodes, notes, found)
    }
    fn random_request(cfg: &Config, pick: &mut dyn FnMut(u64) -> u64) -> Option<(NodeId, Request)> {
        let server = NodeId(pick(Self::node_count(cfg) as u64) as u32);
        let kind = pick(20);
        if kind < 15 {
            let (key, value) = crate::sim::demo_write(pick);
            Some((
                server,
                Request::Put {
                    key: key.to_string(),
                    value,
                },
            ))
        } else if kind < 18 {
            Some((server, Request::TimeoutNow))
        } else {
            // A membership change, sent to a random server (only a leader accepts it).
            let target = NodeId(pick(Self::node_count(cfg) as u64) as u32);
            let request = match kind {
                18 => Request::AddServer { server: target },
                _ => Request::RemoveServer { server: target },
            };
            Some((server, request))
        }
    }
}
