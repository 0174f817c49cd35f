//! The coordinator's handlers: it starts each transaction once, collects the votes,
//! force-writes COMMIT before sending it, and presumes abort for what it has no COMMIT
//! record of.

use super::msg::{AbortReason, Msg, Note, Rebegin, Record, Timer, Txn};
use super::node::{client, participants, CoordPhase, CoordTxn, Node, Role, O};
use super::Config;
use crate::sim::NodeId;
use std::collections::{BTreeMap, BTreeSet};

/// Sends `msg` to every participant.
pub(super) fn broadcast(cfg: &Config, msg: Msg, out: &mut O) {
    for p in participants(cfg) {
        out.send(p, msg.clone());
    }
}

pub(super) fn on_timer(cfg: &Config, node: &mut Node, timer: Timer, out: &mut O) {
    match timer {
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
        _ => unreachable!("a coordinator timer"),
    }
}

fn coord_txns(node: &mut Node) -> &mut BTreeMap<Txn, CoordTxn> {
    match &mut node.role {
        Role::Coordinator { txns } => txns,
        _ => unreachable!("coordinator handler on a non-coordinator"),
    }
}

/// The transaction, if the coordinator is running it and it is in `phase`.
fn coord_txn_in(node: &mut Node, txn: Txn, phase: CoordPhase) -> Option<&mut CoordTxn> {
    coord_txns(node).get_mut(&txn).filter(|t| t.phase == phase)
}

fn coord_phase(node: &mut Node, txn: Txn) -> Option<CoordPhase> {
    coord_txns(node).get(&txn).map(|t| t.phase.clone())
}

pub(super) fn on_message(cfg: &Config, node: &mut Node, from: NodeId, msg: Msg, out: &mut O) {
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
            broadcast(cfg, Msg::Work { txn }, out);
            out.set_timer(
                Timer::SendPrepare(txn),
                cfg.work_ticks_min..=cfg.work_ticks_max,
            );
            out.note(Note::WorkStarted { txn });
        }
        Msg::Begin { txn } => coord_rebegin(cfg, node, txn, out),
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
            let Some(t) = coord_txn_in(node, txn, CoordPhase::Committing) else {
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

/// A BEGIN whose id is not above the last one begun: the client's retry, or a late
/// duplicate. The forced BEGIN records see to it that no id runs twice, even across a
/// crash; the client gets the outcome the coordinator knows, or, with no COMMIT record
/// and the transaction not running, ABORT (presumed abort). That includes an id it
/// skipped because a higher one began first.
fn coord_rebegin(cfg: &Config, node: &mut Node, txn: Txn, out: &mut O) {
    let answer = match coord_phase(node, txn) {
        Some(CoordPhase::Committing) => Rebegin::Committed,
        Some(_) => Rebegin::Running,
        None if node.log.has(Record::Commit(txn)) => Rebegin::Committed,
        None => Rebegin::PresumedAborted,
    };
    out.note(Note::Rebegun { txn, answer });
    if answer != Rebegin::Running {
        let committed = answer == Rebegin::Committed;
        out.send(client(cfg), Msg::Outcome { txn, committed });
    }
}

/// Presumed abort: a transaction with no COMMIT record in the log, and not running, was
/// aborted (its BEGIN may be in the log: a coordinator that crashed before deciding
/// forgets the transaction, and that means abort).
fn coord_answer_from_log(node: &Node, to: NodeId, txn: Txn, out: &mut O) {
    if node.log.has(Record::Commit(txn)) {
        out.send(to, Msg::Commit { txn });
    } else {
        out.note(Note::PresumedAbort { txn });
        out.send(to, Msg::Abort { txn });
    }
}

fn coord_send_prepare(cfg: &Config, node: &mut Node, txn: Txn, out: &mut O) {
    let Some(t) = coord_txn_in(node, txn, CoordPhase::Working) else {
        return;
    };
    t.phase = CoordPhase::Collecting;
    broadcast(cfg, Msg::Prepare { txn }, out);
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
    broadcast(cfg, Msg::Commit { txn }, out);
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
    broadcast(cfg, Msg::Abort { txn }, out);
    out.send(
        client(cfg),
        Msg::Outcome {
            txn,
            committed: false,
        },
    );
}

fn coord_resend(cfg: &Config, node: &mut Node, txn: Txn, out: &mut O) {
    let Some(t) = coord_txn_in(node, txn, CoordPhase::Committing) else {
        return;
    };
    for p in participants(cfg).filter(|p| !t.acks.contains(p)) {
        out.send(p, Msg::Commit { txn });
    }
    out.set_timer(Timer::Resend(txn), cfg.resend_ticks..=cfg.resend_ticks);
}
