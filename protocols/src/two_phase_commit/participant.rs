//! A participant's handlers: it does the work, votes, applies the outcome, and when
//! uncertain asks the coordinator and its peers (cooperative termination).

use super::msg::{Msg, Note, Record, Timer, Txn};
use super::node::{coordinator, participants, Node, PartState, Role, O};
use super::Config;
use crate::sim::NodeId;
use std::collections::BTreeMap;

pub(super) fn on_timer(cfg: &Config, id: NodeId, node: &mut Node, timer: Timer, out: &mut O) {
    match timer {
        Timer::AwaitPrepare(txn) => {
            if part_state(node, txn) == Some(PartState::Working) {
                // Rule: a participant that has not voted may abort unilaterally.
                part_abort_alone(node, txn, out);
                out.note(Note::UnilateralAbort {
                    txn,
                    asked_by: None,
                });
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
        _ => unreachable!("a participant timer"),
    }
}

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
        out.persist(); // forced before the ACK
    } else {
        // Not forced when told: after a crash the coordinator (presumed abort) or a peer
        // gives the same answer. An abort decided alone is forced: `part_abort_alone`.
        node.append(Record::Abort(txn));
    }
    out.cancel_timer(Timer::AwaitPrepare(txn));
    out.cancel_timer(Timer::AwaitDecision(txn));
    out.cancel_timer(Timer::AskPeers(txn));
    out.note(Note::Applied { txn, commit });
}

/// Rule: a participant that aborts on its own (it has not voted yes) force-writes ABORT
/// before anyone can hear of it. A peer may act on its answer (cooperative termination),
/// and a unilateral abort must survive a crash (Bernstein, Hadzilacos & Goodman, ch. 7):
/// forgotten, a late WORK and PREPARE would make it vote YES on what it aborted.
fn part_abort_alone(node: &mut Node, txn: Txn, out: &mut O) {
    part_apply(node, txn, false, out);
    out.persist();
}

pub(super) fn on_message(cfg: &Config, node: &mut Node, from: NodeId, msg: Msg, out: &mut O) {
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
            part_abort_alone(node, txn, out);
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
            // Cooperative termination: not having voted, it can abort, and so settle the
            // question; forced first, so that a crash cannot make it vote YES later.
            part_abort_alone(node, txn, out);
            out.note(Note::UnilateralAbort {
                txn,
                asked_by: Some(from),
            });
            out.send(from, Msg::Abort { txn });
        }
        _ => out.note(Note::Ignored { txn }),
    }
}
