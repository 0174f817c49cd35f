//! Node state and handlers: client, coordinator and participants.

use super::msg::{AbortReason, Msg, Note, Record, Request, Timer, Txn};
use super::{Config, TwoPhaseCommit};
use crate::sim::{NodeId, Out};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

type O = Out<TwoPhaseCommit>;

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

    fn has(&self, r: Record) -> bool {
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
    fn append(&mut self, r: Record) {
        self.log.append(r);
    }
}

fn participants(cfg: &Config) -> impl Iterator<Item = NodeId> {
    (1..=cfg.participants).map(NodeId)
}

pub(super) fn coordinator() -> NodeId {
    NodeId(0)
}

pub(super) fn client(cfg: &Config) -> NodeId {
    NodeId(cfg.participants + 1)
}

pub(super) fn init(cfg: &Config, id: NodeId, out: &mut O) -> Node {
    let role = if id == coordinator() {
        Role::Coordinator {
            txns: BTreeMap::new(),
        }
    } else if id == client(cfg) {
        if cfg.transactions > 0 {
            out.set_timer(Timer::NextTxn, 1..=cfg.txn_gap_ticks / 4 + 1);
        }
        Role::Client {
            results: BTreeMap::new(),
        }
    } else {
        Role::Participant {
            txns: BTreeMap::new(),
        }
    };
    Node {
        role,
        log: Disk::default(),
    }
}

/// Recovery from the write-ahead log (Gray & Lamport, §4; presumed abort).
pub(super) fn restart(cfg: &Config, id: NodeId, disk: &Disk, out: &mut O) -> Node {
    let mut node = init(cfg, id, out);
    node.log = disk.clone();
    let mut in_doubt = Vec::new();
    let mut committing = Vec::new();
    match &mut node.role {
        Role::Coordinator { txns } => {
            // A COMMIT record without END: phase 2 was under way; finish it.
            // No record at all: presumed abort, nothing to remember.
            for r in &disk.wal {
                if let Record::Commit(txn) = *r {
                    if !disk.has(Record::End(txn)) {
                        committing.push(txn);
                        let t = CoordTxn {
                            phase: CoordPhase::Committing,
                            votes: BTreeMap::new(),
                            acks: BTreeSet::new(),
                        };
                        txns.insert(txn, t);
                        for p in participants(cfg) {
                            out.send(p, Msg::Commit { txn });
                        }
                        out.set_timer(Timer::Resend(txn), cfg.resend_ticks..=cfg.resend_ticks);
                    }
                }
            }
        }
        Role::Participant { txns } => {
            for r in &disk.wal {
                match *r {
                    Record::Prepared(txn) => match disk.outcome(txn) {
                        Some(c) => {
                            txns.insert(
                                txn,
                                if c {
                                    PartState::Committed
                                } else {
                                    PartState::Aborted
                                },
                            );
                        }
                        None => {
                            // Voted yes before the crash: still bound by that vote.
                            in_doubt.push(txn);
                            txns.insert(txn, PartState::Uncertain);
                            out.set_timer(
                                Timer::AwaitDecision(txn),
                                1..=cfg.decision_timeout_ticks / 4 + 1,
                            );
                        }
                    },
                    Record::Abort(txn) => {
                        txns.insert(txn, PartState::Aborted);
                    }
                    _ => {}
                }
            }
        }
        Role::Client { .. } => {}
    }
    out.note(Note::Recovered {
        in_doubt,
        committing,
    });
    node
}

pub(super) fn on_request(node: &mut Node, req: Request, out: &mut O) {
    match (&mut node.role, req) {
        (Role::Client { .. }, Request::Submit) => submit(node, out),
        (Role::Participant { .. }, Request::SetVote { yes }) => {
            node.log.votes_no = !yes;
            out.persist();
            out.note(Note::VotePolicy { yes });
        }
        _ => out.note(Note::Ignored { txn: Txn(0) }),
    }
}

fn submit(node: &mut Node, out: &mut O) {
    let txn = Txn(node.log.last_txn + 1);
    node.append(Record::Begin(txn));
    out.persist();
    if let Role::Client { results } = &mut node.role {
        results.insert(txn, None);
    }
    out.send(coordinator(), Msg::Begin { txn });
    out.note(Note::Submitted { txn });
}

pub(super) fn on_timer(cfg: &Config, id: NodeId, node: &mut Node, timer: Timer, out: &mut O) {
    match timer {
        Timer::NextTxn => {
            submit(node, out);
            // The client numbers its transactions 1, 2, ...: the last id is the count.
            if node.log.last_txn < cfg.transactions {
                out.set_timer(
                    Timer::NextTxn,
                    cfg.txn_gap_ticks..=cfg.txn_gap_ticks * 3 / 2,
                );
            }
        }
        Timer::SendPrepare(txn) => coord_send_prepare(cfg, node, txn, out),
        Timer::VoteTimeout(txn) => {
            if coord_phase(node, txn) == Some(CoordPhase::Collecting) {
                coord_decide_abort(cfg, node, txn, AbortReason::VoteTimeout, out);
            }
        }
        Timer::Resend(txn) => coord_resend(cfg, node, txn, out),
        Timer::FlushLog(txn) => {
            out.persist();
            out.note(Note::LogFlushed { txn });
        }
        Timer::AwaitPrepare(txn) => {
            if part_state(node, txn) == Some(PartState::Working) {
                // Rule: a participant that has not voted may abort unilaterally.
                part_apply(node, txn, false, out);
                out.note(Note::UnilateralAbort { txn });
            }
        }
        Timer::AwaitDecision(txn) | Timer::AskPeers(txn) => {
            if part_state(node, txn) == Some(PartState::Uncertain) {
                // Rule: having voted yes, it may neither commit nor abort alone; it asks
                // the coordinator, and if that stays silent, its peers too.
                let peers_too = matches!(timer, Timer::AskPeers(_));
                out.note(Note::Blocked { txn, peers_too });
                out.send(coordinator(), Msg::DecisionRequest { txn });
                if peers_too {
                    for p in participants(cfg).filter(|p| *p != id) {
                        out.send(p, Msg::DecisionRequest { txn });
                    }
                }
                let t = cfg.decision_timeout_ticks;
                out.set_timer(Timer::AskPeers(txn), t..=t * 3 / 2);
            }
        }
    }
}

pub(super) fn on_message(cfg: &Config, node: &mut Node, from: NodeId, msg: Msg, out: &mut O) {
    match node.role {
        Role::Coordinator { .. } => coordinator_on_message(cfg, node, from, msg, out),
        Role::Participant { .. } => participant_on_message(cfg, node, from, msg, out),
        Role::Client { ref mut results } => match msg {
            Msg::Outcome { txn, committed } => {
                results.insert(txn, Some(committed));
                out.note(Note::ClientLearned { txn, committed });
            }
            other => out.note(Note::Ignored { txn: other.txn() }),
        },
    }
}

// ---- Coordinator -------------------------------------------------------------------

fn coord_txns(node: &mut Node) -> &mut BTreeMap<Txn, CoordTxn> {
    match &mut node.role {
        Role::Coordinator { txns } => txns,
        _ => unreachable!("coordinator handler on a non-coordinator"),
    }
}

fn coord_phase(node: &mut Node, txn: Txn) -> Option<CoordPhase> {
    coord_txns(node).get(&txn).map(|t| t.phase.clone())
}

fn coordinator_on_message(cfg: &Config, node: &mut Node, from: NodeId, msg: Msg, out: &mut O) {
    match msg {
        // A BEGIN for an id at or below the last one begun is a duplicate: never rerun it.
        Msg::Begin { txn } if txn.0 > node.log.last_txn => {
            // Forced, so that after a crash a late duplicate cannot start it again.
            node.append(Record::Begin(txn));
            out.persist();
            let t = CoordTxn {
                phase: CoordPhase::Working,
                votes: BTreeMap::new(),
                acks: BTreeSet::new(),
            };
            coord_txns(node).insert(txn, t);
            for p in participants(cfg) {
                out.send(p, Msg::Work { txn });
            }
            out.set_timer(
                Timer::SendPrepare(txn),
                cfg.work_ticks_min..=cfg.work_ticks_max,
            );
            out.note(Note::WorkStarted { txn });
        }
        Msg::Vote { txn, yes } => match coord_txns(node).get_mut(&txn) {
            Some(t) if t.phase == CoordPhase::Collecting => {
                t.votes.insert(from, yes);
                let all_yes =
                    t.votes.len() == cfg.participants as usize && t.votes.values().all(|v| *v);
                if !yes {
                    coord_decide_abort(cfg, node, txn, AbortReason::VotedNo, out);
                } else if all_yes {
                    coord_decide_commit(cfg, node, txn, out);
                }
            }
            Some(t) if t.phase == CoordPhase::Committing => out.send(from, Msg::Commit { txn }),
            Some(_) => out.note(Note::Ignored { txn }),
            None => coord_answer_from_log(node, from, txn, out),
        },
        Msg::DecisionRequest { txn } => match coord_phase(node, txn) {
            Some(CoordPhase::Committing) => out.send(from, Msg::Commit { txn }),
            Some(_) => out.note(Note::StillDeciding { txn }),
            None => coord_answer_from_log(node, from, txn, out),
        },
        Msg::Ack { txn } => {
            let all = cfg.participants as usize;
            let Some(t) = coord_txns(node)
                .get_mut(&txn)
                .filter(|t| t.phase == CoordPhase::Committing)
            else {
                return out.note(Note::Ignored { txn });
            };
            t.acks.insert(from);
            if t.acks.len() == all {
                // Every participant has the commit on disk: write END (not forced) and forget.
                coord_txns(node).remove(&txn);
                node.append(Record::End(txn));
                out.cancel_timer(Timer::Resend(txn));
                out.note(Note::Forgotten { txn });
            }
        }
        other => out.note(Note::Ignored { txn: other.txn() }),
    }
}

/// Presumed abort: a transaction with no COMMIT record in the log was aborted.
fn coord_answer_from_log(node: &Node, to: NodeId, txn: Txn, out: &mut O) {
    if node.log.has(Record::Commit(txn)) {
        out.send(to, Msg::Commit { txn });
    } else {
        out.note(Note::PresumedAbort { txn });
        out.send(to, Msg::Abort { txn });
    }
}

fn coord_send_prepare(cfg: &Config, node: &mut Node, txn: Txn, out: &mut O) {
    let Some(t) = coord_txns(node)
        .get_mut(&txn)
        .filter(|t| t.phase == CoordPhase::Working)
    else {
        return;
    };
    t.phase = CoordPhase::Collecting;
    for p in participants(cfg) {
        out.send(p, Msg::Prepare { txn });
    }
    out.set_timer(
        Timer::VoteTimeout(txn),
        cfg.vote_timeout_ticks..=cfg.vote_timeout_ticks,
    );
    out.note(Note::PrepareSent { txn });
}

/// Rule: the coordinator force-writes COMMIT before any participant hears of it.
fn coord_decide_commit(cfg: &Config, node: &mut Node, txn: Txn, out: &mut O) {
    let t = coord_txns(node)
        .get_mut(&txn)
        .expect("deciding a known transaction");
    t.phase = CoordPhase::Committing;
    out.cancel_timer(Timer::VoteTimeout(txn));
    node.append(Record::Commit(txn));
    let logged = !cfg.bug_decision_before_log;
    if logged {
        out.persist();
    } else {
        // Bug switch: the decision goes out now and reaches the disk only later.
        out.set_timer(
            Timer::FlushLog(txn),
            cfg.work_ticks_max * 2..=cfg.work_ticks_max * 4,
        );
    }
    out.note(Note::DecidedCommit { txn, logged });
    for p in participants(cfg) {
        out.send(p, Msg::Commit { txn });
    }
    out.send(
        client(cfg),
        Msg::Outcome {
            txn,
            committed: true,
        },
    );
    out.set_timer(Timer::Resend(txn), cfg.resend_ticks..=cfg.resend_ticks);
}

/// Presumed abort: no log record, no acknowledgements; tell everyone and forget.
fn coord_decide_abort(cfg: &Config, node: &mut Node, txn: Txn, reason: AbortReason, out: &mut O) {
    coord_txns(node).remove(&txn);
    out.cancel_timer(Timer::VoteTimeout(txn));
    out.note(Note::DecidedAbort { txn, reason });
    for p in participants(cfg) {
        out.send(p, Msg::Abort { txn });
    }
    out.send(
        client(cfg),
        Msg::Outcome {
            txn,
            committed: false,
        },
    );
}

fn coord_resend(cfg: &Config, node: &mut Node, txn: Txn, out: &mut O) {
    let Some(t) = coord_txns(node)
        .get(&txn)
        .filter(|t| t.phase == CoordPhase::Committing)
    else {
        return;
    };
    for p in participants(cfg).filter(|p| !t.acks.contains(p)) {
        out.send(p, Msg::Commit { txn });
    }
    out.set_timer(Timer::Resend(txn), cfg.resend_ticks..=cfg.resend_ticks);
}

// ---- Participant -------------------------------------------------------------------

fn part_txns(node: &mut Node) -> &mut BTreeMap<Txn, PartState> {
    match &mut node.role {
        Role::Participant { txns } => txns,
        _ => unreachable!("participant handler on a non-participant"),
    }
}

fn part_state(node: &mut Node, txn: Txn) -> Option<PartState> {
    part_txns(node).get(&txn).copied()
}

/// Writes the outcome record and applies it.
fn part_apply(node: &mut Node, txn: Txn, commit: bool, out: &mut O) {
    let state = if commit {
        PartState::Committed
    } else {
        PartState::Aborted
    };
    part_txns(node).insert(txn, state);
    if commit {
        node.append(Record::Commit(txn));
        out.persist(); // forced before the ACK (presumed abort forces commits only)
    } else {
        node.append(Record::Abort(txn)); // not forced: forgetting it means abort anyway
    }
    out.cancel_timer(Timer::AwaitPrepare(txn));
    out.cancel_timer(Timer::AwaitDecision(txn));
    out.cancel_timer(Timer::AskPeers(txn));
    out.note(Note::Applied { txn, commit });
}

fn participant_on_message(cfg: &Config, node: &mut Node, from: NodeId, msg: Msg, out: &mut O) {
    let txn = msg.txn();
    let state = part_state(node, txn);
    match (msg, state) {
        (Msg::Work { .. }, None) => {
            part_txns(node).insert(txn, PartState::Working);
            out.set_timer(
                Timer::AwaitPrepare(txn),
                cfg.prepare_timeout_ticks..=cfg.prepare_timeout_ticks * 3 / 2,
            );
        }
        (Msg::Prepare { .. }, Some(PartState::Working)) if !node.log.votes_no => {
            // Rule: force-write PREPARED before voting yes; from now on, uncertain.
            part_txns(node).insert(txn, PartState::Uncertain);
            node.append(Record::Prepared(txn));
            out.persist();
            out.cancel_timer(Timer::AwaitPrepare(txn));
            let t = cfg.decision_timeout_ticks;
            out.set_timer(Timer::AwaitDecision(txn), t..=t * 3 / 2);
            out.note(Note::Voted { txn, yes: true });
            out.send(from, Msg::Vote { txn, yes: true });
        }
        (Msg::Prepare { .. }, Some(PartState::Working) | None) => {
            // Votes no: by policy, or because its work for `txn` was lost or never came.
            part_apply(node, txn, false, out);
            out.note(Note::Voted { txn, yes: false });
            out.send(from, Msg::Vote { txn, yes: false });
        }
        (Msg::Prepare { .. }, Some(PartState::Uncertain)) => {
            out.send(from, Msg::Vote { txn, yes: true })
        }
        (Msg::Prepare { .. }, Some(PartState::Aborted)) => {
            out.send(from, Msg::Vote { txn, yes: false })
        }
        (Msg::Commit { .. }, Some(PartState::Uncertain)) => {
            part_apply(node, txn, true, out);
            out.send(coordinator(), Msg::Ack { txn });
        }
        (Msg::Commit { .. }, Some(PartState::Committed)) => {
            out.send(coordinator(), Msg::Ack { txn })
        }
        (Msg::Abort { .. }, Some(PartState::Working | PartState::Uncertain) | None) => {
            part_apply(node, txn, false, out)
        }
        (Msg::DecisionRequest { .. }, Some(PartState::Committed)) => {
            out.send(from, Msg::Commit { txn })
        }
        (Msg::DecisionRequest { .. }, Some(PartState::Aborted)) => {
            out.send(from, Msg::Abort { txn })
        }
        (Msg::DecisionRequest { .. }, Some(PartState::Uncertain)) => {
            out.send(from, Msg::Uncertain { txn })
        }
        (Msg::Uncertain { .. }, Some(PartState::Uncertain)) => {
            out.note(Note::PeerUncertain { txn, peer: from })
        }
        (Msg::DecisionRequest { .. }, Some(PartState::Working) | None) => {
            // Cooperative termination: not having voted, it can abort, and so settle the question.
            part_apply(node, txn, false, out);
            out.note(Note::UnilateralAbort { txn });
            out.send(from, Msg::Abort { txn });
        }
        _ => out.note(Note::Ignored { txn }),
    }
}
