//! Unit tests: one handler call, assertions on its effects. Each names the rule it checks.

use super::msg::{Msg, Note, Record, Request, Timer, Txn};
use super::node::{CoordPhase, CoordTxn, PartState, Role};
use super::*;
use crate::sim::Effect;
use std::collections::{BTreeMap, BTreeSet};

mod recovery;

pub(super) type P = TwoPhaseCommit;
pub(super) const T: Txn = Txn(1);
pub(super) const COORD: NodeId = NodeId(0);
pub(super) const P1: NodeId = NodeId(1);
pub(super) const CLIENT: NodeId = NodeId(4);

pub(super) fn cfg() -> Config {
    Config::default()
}

pub(super) fn fresh(id: NodeId) -> Node {
    P::init(&cfg(), id, &mut Out::default())
}

pub(super) fn sends(out: &Out<P>) -> Vec<(NodeId, Msg)> {
    out.sends()
}

/// Delivers `msg` from `from` to node `me`, returning the handler's effects.
pub(super) fn deliver(n: &mut Node, me: NodeId, from: NodeId, msg: Msg) -> Out<P> {
    let mut out = Out::default();
    P::on_message(&cfg(), me, n, from, msg, &mut out);
    out
}

pub(super) fn notes(out: &Out<P>) -> Vec<Note> {
    out.notes()
}

fn position(out: &Out<P>, pred: impl Fn(&Effect<P>) -> bool) -> Option<usize> {
    out.effects.iter().position(pred)
}

/// The rule of every forced write: it reaches the disk before the message it guards leaves.
pub(super) fn assert_forced_before(out: &Out<P>, msg: impl Fn(&Msg) -> bool) {
    let persist = position(out, |e| matches!(e, Effect::Persist)).expect("a forced write");
    let send = position(out, |e| matches!(e, Effect::Send { msg: m, .. } if msg(m)))
        .expect("the message is sent");
    assert!(
        persist < send,
        "the write must reach the disk before the message leaves"
    );
}

pub(super) fn coordinator_collecting(votes: &[(u32, bool)]) -> Node {
    let mut n = fresh(COORD);
    let t = CoordTxn {
        phase: CoordPhase::Collecting,
        votes: votes.iter().map(|(p, v)| (NodeId(*p), *v)).collect(),
        acks: BTreeSet::new(),
    };
    n.role = Role::Coordinator {
        txns: BTreeMap::from([(T, t)]),
    };
    n
}

pub(super) fn participant_in(state: PartState) -> Node {
    let mut n = fresh(P1);
    n.role = Role::Participant {
        txns: BTreeMap::from([(T, state)]),
    };
    n
}

/// A working participant whose vote policy is No.
pub(super) fn participant_voting_no() -> Node {
    let mut n = participant_in(PartState::Working);
    P::on_request(
        &cfg(),
        P1,
        &mut n,
        Request::SetVote { yes: false },
        &mut Out::default(),
    );
    n
}

/// Gray & Lamport §3: the coordinator sends PREPARE to every participant after the work phase.
#[test]
fn coordinator_sends_prepare_to_every_participant() {
    let mut n = fresh(COORD);
    deliver(&mut n, COORD, CLIENT, Msg::Begin { txn: T });
    let mut out = Out::default();
    P::on_timer(&cfg(), COORD, &mut n, Timer::SendPrepare(T), &mut out);
    let to: Vec<NodeId> = sends(&out)
        .into_iter()
        .filter(|(_, m)| *m == Msg::Prepare { txn: T })
        .map(|(to, _)| to)
        .collect();
    assert_eq!(to, vec![NodeId(1), NodeId(2), NodeId(3)]);
}

/// §3: a participant force-writes PREPARED before it sends its yes vote.
#[test]
fn participant_logs_prepared_durably_before_voting_yes() {
    let mut n = participant_in(PartState::Working);
    let out = deliver(&mut n, P1, COORD, Msg::Prepare { txn: T });
    assert_eq!(n.log.wal, vec![Record::Prepared(T)]);
    assert_forced_before(&out, |m| matches!(m, Msg::Vote { yes: true, .. }));
}

/// §3: a participant told to refuse votes no and aborts at once; the abort is its own
/// decision, so it is forced before the vote leaves (Bernstein, Hadzilacos & Goodman,
/// ch. 7: a unilateral abort must survive a crash).
#[test]
fn participant_with_no_policy_force_writes_abort_and_votes_no() {
    let mut n = participant_voting_no();
    let out = deliver(&mut n, P1, COORD, Msg::Prepare { txn: T });
    assert_eq!(sends(&out), vec![(COORD, Msg::Vote { txn: T, yes: false })]);
    assert!(n.log.wal.contains(&Record::Abort(T)));
    assert_forced_before(&out, |m| matches!(m, Msg::Vote { yes: false, .. }));
}

/// §3: the coordinator commits only when every participant voted yes, and
/// force-writes COMMIT before any COMMIT message leaves.
#[test]
fn coordinator_logs_commit_before_sending_it_when_all_vote_yes() {
    let mut n = coordinator_collecting(&[(1, true), (2, true)]);
    let out = deliver(&mut n, COORD, NodeId(3), Msg::Vote { txn: T, yes: true });
    assert_eq!(n.log.wal, vec![Record::Commit(T)]);
    assert_forced_before(&out, |m| matches!(m, Msg::Commit { .. }));
    assert_eq!(
        sends(&out)
            .iter()
            .filter(|(_, m)| *m == Msg::Commit { txn: T })
            .count(),
        3
    );
}

/// Bug switch: with it on, the decision leaves before it is on disk.
#[test]
fn bug_switch_sends_commit_before_the_log_is_forced() {
    let cfg = Config {
        bug_decision_before_log: true,
        ..cfg()
    };
    let mut n = coordinator_collecting(&[(1, true), (2, true)]);
    let mut out = Out::default();
    P::on_message(
        &cfg,
        COORD,
        &mut n,
        NodeId(3),
        Msg::Vote { txn: T, yes: true },
        &mut out,
    );
    assert!(position(&out, |e| matches!(e, Effect::Persist)).is_none());
    assert!(out.effects.iter().any(|e| matches!(
        e,
        Effect::SetTimer {
            timer: Timer::FlushLog(_),
            ..
        }
    )));
}

/// §3: a single no vote aborts the transaction.
#[test]
fn one_no_vote_aborts() {
    let mut n = coordinator_collecting(&[(1, true)]);
    let out = deliver(&mut n, COORD, NodeId(2), Msg::Vote { txn: T, yes: false });
    assert_eq!(
        sends(&out)
            .iter()
            .filter(|(_, m)| *m == Msg::Abort { txn: T })
            .count(),
        3
    );
    assert!(notes(&out).contains(&Note::DecidedAbort {
        txn: T,
        reason: msg::AbortReason::VotedNo
    }));
}

/// Presumed abort: aborts are not logged by the coordinator, and it forgets them at once.
#[test]
fn presumed_abort_logs_nothing_for_an_abort() {
    let mut n = coordinator_collecting(&[]);
    let mut out = Out::default();
    P::on_timer(&cfg(), COORD, &mut n, Timer::VoteTimeout(T), &mut out);
    assert!(n.log.wal.is_empty());
    assert!(!out.effects.iter().any(|e| matches!(e, Effect::Persist)));
    assert_eq!(
        n.role,
        Role::Coordinator {
            txns: BTreeMap::new()
        }
    );
}

/// Presumed abort: asked about a transaction it has no record of, the coordinator answers ABORT.
#[test]
fn coordinator_without_a_record_answers_abort() {
    let mut n = fresh(COORD);
    let out = deliver(&mut n, COORD, P1, Msg::DecisionRequest { txn: T });
    assert_eq!(sends(&out), vec![(P1, Msg::Abort { txn: T })]);
}

/// A participant that has not voted may abort on its own, and forces that ABORT: a
/// unilateral abort must survive a crash (Bernstein, Hadzilacos & Goodman, ch. 7).
#[test]
fn participant_that_has_not_voted_aborts_alone_on_timeout_and_forces_it() {
    let mut n = participant_in(PartState::Working);
    let mut out = Out::default();
    P::on_timer(&cfg(), P1, &mut n, Timer::AwaitPrepare(T), &mut out);
    assert!(notes(&out).contains(&Note::UnilateralAbort {
        txn: T,
        asked_by: None
    }));
    assert_eq!(n.log.outcome(T), Some(false));
    assert!(out.effects.iter().any(|e| matches!(e, Effect::Persist)));
}

/// A participant that voted yes cannot decide alone: on timeout it only asks.
#[test]
fn uncertain_participant_asks_and_stays_uncertain() {
    let mut n = participant_in(PartState::Uncertain);
    let mut out = Out::default();
    P::on_timer(&cfg(), P1, &mut n, Timer::AwaitDecision(T), &mut out);
    let asked: Vec<NodeId> = sends(&out).into_iter().map(|(to, _)| to).collect();
    assert_eq!(asked, vec![COORD], "asks the coordinator first");
    let mut out = Out::default();
    P::on_timer(&cfg(), P1, &mut n, Timer::AskPeers(T), &mut out);
    assert_eq!(
        n.role,
        Role::Participant {
            txns: BTreeMap::from([(T, PartState::Uncertain)])
        }
    );
    let asked: Vec<NodeId> = sends(&out).into_iter().map(|(to, _)| to).collect();
    assert_eq!(
        asked,
        vec![COORD, NodeId(2), NodeId(3)],
        "then the coordinator and every peer but itself"
    );
    assert_eq!(n.log.outcome(T), None);
}

/// Cooperative termination: an uncertain peer can only say it is uncertain too.
#[test]
fn uncertain_peer_cannot_help() {
    let mut n = participant_in(PartState::Uncertain);
    let out = deliver(&mut n, P1, NodeId(2), Msg::DecisionRequest { txn: T });
    assert_eq!(sends(&out), vec![(NodeId(2), Msg::Uncertain { txn: T })]);
}

/// Cooperative termination: a peer that has not voted aborts, which settles the outcome.
/// It force-writes ABORT before it answers, since the asker aborts on its word
/// (Bernstein, Hadzilacos & Goodman, ch. 7: a unilateral abort must survive a crash).
#[test]
fn peer_that_has_not_voted_forces_its_abort_before_saying_so() {
    let mut n = participant_in(PartState::Working);
    let out = deliver(&mut n, P1, NodeId(2), Msg::DecisionRequest { txn: T });
    assert_eq!(sends(&out), vec![(NodeId(2), Msg::Abort { txn: T })]);
    assert_forced_before(&out, |m| matches!(m, Msg::Abort { .. }));
    // After a crash its disk still says ABORT: a late WORK and PREPARE get a NO.
    let mut n = P::on_restart(&cfg(), P1, &P::durable(&n), &mut Out::default());
    deliver(&mut n, P1, COORD, Msg::Work { txn: T });
    // Its later vote is no, so the coordinator cannot commit.
    let out = deliver(&mut n, P1, COORD, Msg::Prepare { txn: T });
    assert_eq!(sends(&out), vec![(COORD, Msg::Vote { txn: T, yes: false })]);
}

/// Participants force-write COMMIT, then acknowledge.
#[test]
fn participant_commits_durably_then_acks() {
    let mut n = participant_in(PartState::Uncertain);
    let out = deliver(&mut n, P1, COORD, Msg::Commit { txn: T });
    assert_forced_before(&out, |m| matches!(m, Msg::Ack { .. }));
}

/// The coordinator forgets a committed transaction only after every ACK, writing END.
#[test]
fn coordinator_forgets_after_all_acks() {
    let mut n = coordinator_collecting(&[(1, true), (2, true)]);
    P::on_message(
        &cfg(),
        COORD,
        &mut n,
        NodeId(3),
        Msg::Vote { txn: T, yes: true },
        &mut Out::default(),
    );
    for p in 1..=2 {
        P::on_message(
            &cfg(),
            COORD,
            &mut n,
            NodeId(p),
            Msg::Ack { txn: T },
            &mut Out::default(),
        );
    }
    assert!(!n.log.wal.contains(&Record::End(T)));
    let out = deliver(&mut n, COORD, NodeId(3), Msg::Ack { txn: T });
    assert!(n.log.wal.contains(&Record::End(T)));
    assert!(notes(&out).contains(&Note::Forgotten { txn: T }));
}
