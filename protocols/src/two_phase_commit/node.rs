//! Node state, recovery from the log, dispatch to the roles' handlers, and the client.

use super::msg::{Msg, Note, Record, Request, Timer, Txn};
use super::{coordinator, participant, Config, TwoPhaseCommit};
use crate::sim::{NodeId, Out};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

pub(super) type O = Out<TwoPhaseCommit>;

/// What survives a crash: the write-ahead log, and a participant's vote policy.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Disk {
    pub wal: Vec<Record>,
    pub votes_no: bool,
    /// The highest transaction id in a BEGIN record: ids are never reused, even after a
    /// crash (kept beside the log so that checking it does not scan the log).
    pub last_txn: u32,
}

impl Disk {
    pub fn append(&mut self, r: Record) {
        if let Record::Begin(t) = r {
            self.last_txn = self.last_txn.max(t.0);
        }
        self.wal.push(r);
    }

    /// Writes what `memory` has and this disk lacks: the log is append-only.
    pub fn write_from(&mut self, memory: &Disk) {
        self.wal
            .extend_from_slice(&memory.wal[self.wal.len().min(memory.wal.len())..]);
        self.votes_no = memory.votes_no;
        self.last_txn = memory.last_txn;
    }

    pub(super) fn has(&self, r: Record) -> bool {
        self.wal.contains(&r)
    }
    /// The outcome this log records for `txn`, if any.
    pub fn outcome(&self, txn: Txn) -> Option<bool> {
        self.wal.iter().rev().find_map(|r| match *r {
            Record::Commit(t) if t == txn => Some(true),
            Record::Abort(t) if t == txn => Some(false),
            _ => None,
        })
    }
}

/// The coordinator's phase for one transaction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CoordPhase {
    /// Execution: participants are doing the transaction's work.
    Working,
    /// Phase 1: PREPARE sent, votes arriving.
    Collecting,
    /// Phase 2: COMMIT decided and sent, acknowledgements arriving.
    Committing,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CoordTxn {
    pub phase: CoordPhase,
    pub votes: BTreeMap<NodeId, bool>,
    pub acks: BTreeSet<NodeId>,
}

/// A participant's view of one transaction.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PartState {
    /// Doing the work; has not voted, so it may still abort on its own.
    Working,
    /// Voted yes: uncertain, and blocked until it learns the decision.
    Uncertain,
    Committed,
    Aborted,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum Role {
    Coordinator {
        txns: BTreeMap<Txn, CoordTxn>,
    },
    Participant {
        txns: BTreeMap<Txn, PartState>,
    },
    Client {
        results: BTreeMap<Txn, Option<bool>>,
    },
}

/// One node: its role's volatile state, and `log`, the in-memory write-ahead log
/// whose persisted image is the node's disk.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Node {
    pub role: Role,
    pub log: Disk,
}

impl Node {
    pub(super) fn append(&mut self, r: Record) {
        self.log.append(r);
    }
}

pub(super) fn participants(cfg: &Config) -> impl Iterator<Item = NodeId> {
    (1..=cfg.participants).map(NodeId)
}

pub(super) fn coordinator() -> NodeId {
    NodeId(0)
}

pub(super) fn client(cfg: &Config) -> NodeId {
    NodeId(cfg.participants + 1)
}

fn fresh_role(cfg: &Config, id: NodeId) -> Role {
    if id == coordinator() {
        Role::Coordinator {
            txns: BTreeMap::new(),
        }
    } else if id == client(cfg) {
        Role::Client {
            results: BTreeMap::new(),
        }
    } else {
        Role::Participant {
            txns: BTreeMap::new(),
        }
    }
}

/// The client submits its next automatic transaction soon, if it has not submitted them all.
fn client_start(cfg: &Config, last_txn: u32, out: &mut O) {
    if last_txn < cfg.transactions {
        out.set_timer(Timer::NextTxn, 1..=cfg.txn_gap_ticks / 4 + 1);
    }
}

pub(super) fn init(cfg: &Config, id: NodeId, out: &mut O) -> Node {
    if id == client(cfg) {
        client_start(cfg, 0, out);
    }
    Node {
        role: fresh_role(cfg, id),
        log: Disk::default(),
    }
}

/// Recovery from the write-ahead log (Gray & Lamport, §3; presumed abort). The log is
/// read once, however long it is.
pub(super) fn restart(cfg: &Config, id: NodeId, disk: &Disk, out: &mut O) -> Node {
    let mut node = Node {
        role: fresh_role(cfg, id),
        log: disk.clone(),
    };
    let mut outcomes = BTreeMap::new();
    let mut ended = BTreeSet::new();
    for r in &disk.wal {
        match *r {
            Record::Commit(t) => {
                outcomes.insert(t, true);
            }
            Record::Abort(t) => {
                outcomes.insert(t, false);
            }
            Record::End(t) => {
                ended.insert(t);
            }
            _ => {}
        }
    }
    let mut in_doubt = Vec::new();
    let mut committing = Vec::new();
    match &mut node.role {
        Role::Coordinator { txns } => {
            // A COMMIT record without END: phase 2 was under way; finish it. A BEGIN
            // without COMMIT: presumed aborted, nothing to remember but its id.
            for (&txn, _) in outcomes.iter().filter(|(t, c)| **c && !ended.contains(t)) {
                committing.push(txn);
                let t = CoordTxn {
                    phase: CoordPhase::Committing,
                    votes: BTreeMap::new(),
                    acks: BTreeSet::new(),
                };
                txns.insert(txn, t);
                coordinator::broadcast(cfg, Msg::Commit { txn }, out);
                out.set_timer(Timer::Resend(txn), cfg.resend_ticks..=cfg.resend_ticks);
            }
        }
        Role::Participant { txns } => {
            for (&txn, &commit) in &outcomes {
                let state = if commit {
                    PartState::Committed
                } else {
                    PartState::Aborted
                };
                txns.insert(txn, state);
            }
            for r in &disk.wal {
                if let Record::Prepared(txn) = *r {
                    if !outcomes.contains_key(&txn) {
                        // Voted yes before the crash: still bound by that vote.
                        in_doubt.push(txn);
                        txns.insert(txn, PartState::Uncertain);
                        out.set_timer(
                            Timer::AwaitDecision(txn),
                            1..=cfg.decision_timeout_ticks / 4 + 1,
                        );
                    }
                }
            }
        }
        // Its ids are on disk, so the next one is fresh; outcomes it waited for are lost.
        Role::Client { .. } => client_start(cfg, disk.last_txn, out),
    }
    out.note(Note::Recovered {
        records: disk.wal.len() as u64,
        in_doubt,
        committing,
    });
    node
}

pub(super) fn on_request(cfg: &Config, node: &mut Node, req: Request, out: &mut O) {
    match (&mut node.role, req) {
        (Role::Client { .. }, Request::Submit) => submit(cfg, node, out),
        (Role::Participant { .. }, Request::SetVote { yes }) => {
            node.log.votes_no = !yes;
            out.persist();
            out.note(Note::VotePolicy { yes });
        }
        _ => out.note(Note::Ignored { txn: Txn(0) }),
    }
}

fn submit(cfg: &Config, node: &mut Node, out: &mut O) {
    let txn = Txn(node.log.last_txn + 1);
    node.append(Record::Begin(txn));
    out.persist();
    if let Role::Client { results } = &mut node.role {
        results.insert(txn, None);
    }
    out.send(coordinator(), Msg::Begin { txn });
    let t = cfg.client_timeout_ticks;
    out.set_timer(Timer::AwaitOutcome(txn), t..=t);
    out.note(Note::Submitted { txn });
}

/// The client heard no outcome in time: its BEGIN or the outcome may be lost, or the
/// coordinator down. It sends the same BEGIN again, with the same id, which the
/// coordinator never runs twice (`coord_rebegin`).
fn client_retry(cfg: &Config, node: &mut Node, txn: Txn, out: &mut O) {
    let Role::Client { results } = &node.role else {
        return;
    };
    if results.get(&txn) == Some(&None) {
        out.send(coordinator(), Msg::Begin { txn });
        let t = cfg.client_timeout_ticks;
        out.set_timer(Timer::AwaitOutcome(txn), t..=t);
        out.note(Note::ClientRetried { txn });
    }
}

pub(super) fn on_timer(cfg: &Config, id: NodeId, node: &mut Node, timer: Timer, out: &mut O) {
    match timer {
        Timer::NextTxn => {
            submit(cfg, node, out);
            // The client numbers its transactions 1, 2, ...: the last id is the count.
            if node.log.last_txn < cfg.transactions {
                out.set_timer(
                    Timer::NextTxn,
                    cfg.txn_gap_ticks..=cfg.txn_gap_ticks * 3 / 2,
                );
            }
        }
        Timer::AwaitOutcome(txn) => client_retry(cfg, node, txn, out),
        Timer::SendPrepare(_) | Timer::VoteTimeout(_) | Timer::Resend(_) | Timer::FlushLog(_) => {
            coordinator::on_timer(cfg, node, timer, out)
        }
        Timer::AwaitPrepare(_) | Timer::AwaitDecision(_) | Timer::AskPeers(_) => {
            participant::on_timer(cfg, id, node, timer, out)
        }
    }
}

pub(super) fn on_message(cfg: &Config, node: &mut Node, from: NodeId, msg: Msg, out: &mut O) {
    match node.role {
        Role::Coordinator { .. } => coordinator::on_message(cfg, node, from, msg, out),
        Role::Participant { .. } => participant::on_message(cfg, node, from, msg, out),
        Role::Client { ref mut results } => match msg {
            Msg::Outcome { txn, committed } => match results.get_mut(&txn) {
                Some(known @ None) => {
                    *known = Some(committed);
                    out.cancel_timer(Timer::AwaitOutcome(txn));
                    out.note(Note::ClientLearned { txn, committed });
                }
                // An answer to a retry after the first one, or from before a restart.
                _ => out.note(Note::Ignored { txn }),
            },
            other => out.note(Note::Ignored { txn: other.txn() }),
        },
    }
}
