//! Unit tests of the client's timeout and retry, and of how the coordinator deduplicates a
//! BEGIN (helpers from `tests.rs`).

use super::msg::{Msg, Note, Rebegin, Record, Timer, Txn};
use super::node::{CoordPhase, PartState, Role};
use super::tests::*;
use super::*;
use crate::sim::Effect;

fn fire(n: &mut Node, me: NodeId, timer: Timer) -> Out<P> {
    let mut out = Out::default();
    P::on_timer(&cfg(), me, n, timer, &mut out);
    out
}

fn arms(out: &Out<P>, timer: &Timer) -> bool {
    out.effects
        .iter()
        .any(|e| matches!(e, Effect::SetTimer { timer: t, .. } if t == timer))
}

/// The client waits `client_timeout_ticks` for an outcome, then sends the same BEGIN again
/// with the same id, until it learns the outcome; then it stops.
#[test]
fn client_sends_the_same_begin_again_until_it_learns_the_outcome() {
    let mut c = fresh(CLIENT);
    let out = fire(&mut c, CLIENT, Timer::NextTxn);
    assert_eq!(sends(&out), vec![(COORD, Msg::Begin { txn: T })]);
    assert!(arms(&out, &Timer::AwaitOutcome(T)));
    let aborted = Msg::Outcome {
        txn: T,
        committed: false,
    };
    let out = fire(&mut c, CLIENT, Timer::AwaitOutcome(T));
    assert_eq!(sends(&out), vec![(COORD, Msg::Begin { txn: T })], "same id");
    assert!(notes(&out).contains(&Note::ClientRetried { txn: T }));
    assert!(arms(&out, &Timer::AwaitOutcome(T)), "and waits again");
    let out = deliver(&mut c, CLIENT, COORD, aborted.clone());
    assert!(notes(&out).contains(&Note::ClientLearned {
        txn: T,
        committed: false
    }));
    assert!(out.effects.iter().any(|e| matches!(
        e,
        Effect::CancelTimer {
            timer: Timer::AwaitOutcome(_)
        }
    )));
    let out = fire(&mut c, CLIENT, Timer::AwaitOutcome(T));
    assert!(sends(&out).is_empty(), "an outcome known is not asked for");
    let out = deliver(&mut c, CLIENT, COORD, aborted.clone());
    assert_eq!(
        notes(&out),
        vec![Note::Ignored { txn: T }],
        "a second answer"
    );
}

/// A client restarted after it submitted all its transactions submits no more (its ids
/// are on its disk), while one with more to go carries on with the next id.
#[test]
fn a_restarted_client_submits_only_what_is_left() {
    let done = Disk {
        wal: vec![Record::Begin(Txn(3))],
        last_txn: 3,
        ..Default::default()
    };
    let mut out = Out::default();
    P::on_restart(&cfg(), CLIENT, &done, &mut out);
    assert!(!arms(&out, &Timer::NextTxn), "3 of 3 submitted");
    let mut out = Out::default();
    let halfway = Disk {
        last_txn: 2,
        ..done
    };
    let mut c = P::on_restart(&cfg(), CLIENT, &halfway, &mut out);
    assert!(arms(&out, &Timer::NextTxn));
    let out = fire(&mut c, CLIENT, Timer::NextTxn);
    assert_eq!(sends(&out), vec![(COORD, Msg::Begin { txn: Txn(3) })]);
}

/// Deduplication: a BEGIN at or below the last id begun is never run again; it gets the
/// outcome the coordinator knows, nothing while it still runs it, and ABORT when it has no
/// COMMIT record (presumed abort), including for an id skipped because a higher one began.
#[test]
fn a_retried_begin_gets_the_outcome_the_coordinator_knows() {
    let answer = |n: &mut Node, txn: Txn| {
        let out = deliver(n, COORD, CLIENT, Msg::Begin { txn });
        let note = notes(&out).into_iter().find_map(|n| match n {
            Note::Rebegun { answer, .. } => Some(answer),
            _ => None,
        });
        (note.expect("a Rebegun note"), sends(&out))
    };
    let outcome = |txn, committed| vec![(CLIENT, Msg::Outcome { txn, committed })];
    let mut n = fresh(COORD);
    deliver(&mut n, COORD, CLIENT, Msg::Begin { txn: T });
    assert_eq!(answer(&mut n, T), (Rebegin::Running, vec![]));
    let mut n = coordinator_collecting(&[(1, true), (2, true)]);
    n.log.append(Record::Begin(T));
    deliver(&mut n, COORD, NodeId(3), Msg::Vote { txn: T, yes: true });
    let Role::Coordinator { txns } = &n.role else {
        panic!("coordinator")
    };
    assert_eq!(txns[&T].phase, CoordPhase::Committing);
    assert_eq!(answer(&mut n, T), (Rebegin::Committed, outcome(T, true)));
    let disk = Disk {
        wal: vec![Record::Begin(T), Record::Commit(T), Record::End(T)],
        last_txn: 1,
        ..Default::default()
    };
    let mut n = P::on_restart(&cfg(), COORD, &disk, &mut Out::default());
    assert_eq!(answer(&mut n, T), (Rebegin::Committed, outcome(T, true)));
    deliver(&mut n, COORD, CLIENT, Msg::Begin { txn: Txn(3) });
    let skipped = answer(&mut n, Txn(2));
    assert_eq!(skipped, (Rebegin::PresumedAborted, outcome(Txn(2), false)));
}

/// The forced ABORT of a participant that aborted alone is read back on restart: the
/// transaction is aborted there, not unknown.
#[test]
fn a_restarted_participant_remembers_the_abort_it_decided_alone() {
    let mut n = participant_voting_no();
    deliver(&mut n, P1, COORD, Msg::Prepare { txn: T });
    let mut out = Out::default();
    let n = P::on_restart(&cfg(), P1, &P::durable(&n), &mut out);
    assert_eq!(
        n.role,
        Role::Participant {
            txns: [(T, PartState::Aborted)].into()
        }
    );
    assert!(notes(&out).contains(&Note::Recovered {
        records: 1,
        in_doubt: vec![],
        committing: vec![]
    }));
}
