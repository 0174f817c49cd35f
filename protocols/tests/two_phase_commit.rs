//! Scenario tests: scripted 2PC runs with assertions on their outcome.

mod common;

use common::*;
use protocols::scenario::Scenario;
use protocols::sim::{Event, Input, MsgId, NodeId};
use protocols::two_phase_commit::invariants::Invariant;
use protocols::two_phase_commit::{
    Config, Msg, Note, PartState, Rebegin, Record, Request, Role, TwoPhaseCommit, Txn,
};

const T1: Txn = Txn(1);
const COORD: NodeId = NodeId(0);

fn one_txn() -> Config {
    Config {
        transactions: 1,
        ..Config::default()
    }
}

#[test]
fn all_vote_yes_so_all_commit() {
    let mut h = history(one_txn(), 3);
    h.run_to(500);
    for p in 1..=3 {
        assert_eq!(
            participant_state(&h, p, T1),
            Some(PartState::Committed),
            "participant {p}"
        );
    }
    assert!(h.world().nodes()[0].disk.wal.contains(&Record::Commit(T1)));
    assert!(common::records(&h)
        .iter()
        .any(|r| noted(r, COORD, |n| *n == Note::Forgotten { txn: T1 })));
    assert_eq!(violations(&h), 0);
}

#[test]
fn one_votes_no_so_all_abort() {
    let mut h = history(one_txn(), 4);
    h.inject(Input::Request {
        node: NodeId(2),
        request: Request::SetVote { yes: false },
    })
    .unwrap();
    h.run_to(500);
    for p in 1..=3 {
        assert_eq!(
            participant_state(&h, p, T1),
            Some(PartState::Aborted),
            "participant {p}"
        );
    }
    assert!(!h.world().nodes()[0].disk.wal.contains(&Record::Commit(T1)));
    assert_eq!(violations(&h), 0);
}

/// The blocking problem: with the coordinator down after PREPARE, participants that
/// voted yes can neither commit nor abort, and their peers cannot help.
#[test]
fn coordinator_crash_after_prepare_blocks_yes_voters_until_it_restarts() {
    let mut h = history(one_txn(), 5);
    assert!(h.run_until(200, |r| noted(r, COORD, |n| matches!(
        n,
        Note::PrepareSent { .. }
    ))));
    h.inject(Input::Crash { node: COORD }).unwrap();
    h.run_to(h.len() + 150);
    for p in 1..=3 {
        assert_eq!(
            participant_state(&h, p, T1),
            Some(PartState::Uncertain),
            "participant {p} is blocked"
        );
    }
    let asked = common::records(&h)
        .iter()
        .filter(|r| {
            r.notes
                .iter()
                .any(|(_, n)| matches!(n, Note::Blocked { .. }))
        })
        .count();
    assert!(
        asked >= 3,
        "each blocked participant asked for the decision"
    );
    let uncertain_replies = common::records(&h)
        .iter()
        .filter(|r| {
            matches!(
                &r.event,
                Event::Delivered {
                    body: Msg::Uncertain { .. },
                    ..
                }
            )
        })
        .count();
    assert!(
        uncertain_replies > 0,
        "peers answered that they are uncertain too"
    );

    h.inject(Input::Restart { node: COORD }).unwrap();
    h.run_to(h.len() + 100);
    for p in 1..=3 {
        // Presumed abort: the restarted coordinator has no COMMIT record.
        assert_eq!(
            participant_state(&h, p, T1),
            Some(PartState::Aborted),
            "participant {p} completed"
        );
    }
    assert_eq!(violations(&h), 0);
}

#[test]
fn participant_crashing_after_voting_yes_learns_the_outcome_on_restart() {
    let p1 = NodeId(1);
    let mut h = history(one_txn(), 6);
    assert!(h.run_until(200, |r| noted(r, p1, |n| *n
        == Note::Voted { txn: T1, yes: true })));
    h.inject(Input::Crash { node: p1 }).unwrap();
    assert!(h.run_until(300, |r| noted(r, COORD, |n| matches!(
        n,
        Note::DecidedCommit { .. }
    ))));
    h.run_to(h.len() + 20);
    h.inject(Input::Restart { node: p1 }).unwrap();
    assert!(h.record(h.len() - 1).unwrap().notes.iter().any(|(_, n)| *n
        == Note::Recovered {
            records: 1,
            in_doubt: vec![T1],
            committing: vec![]
        }));
    h.run_to(h.len() + 200);
    assert_eq!(participant_state(&h, 1, T1), Some(PartState::Committed));
    assert!(
        h.world().nodes()[0]
            .state
            .as_ref()
            .unwrap()
            .log
            .wal
            .contains(&Record::End(T1)),
        "all ACKs arrived"
    );
    assert_eq!(violations(&h), 0);
}

/// The bug switch: the coordinator sends COMMIT before logging it, crashes before the
/// log write, and after restart presumes abort; one participant had already committed.
#[test]
fn bug_decision_before_log_breaks_atomicity() {
    let mut h = history(
        Config {
            bug_decision_before_log: true,
            ..one_txn()
        },
        8,
    );
    let p3 = NodeId(3);
    assert!(h.run_until(300, |r| noted(r, COORD, |n| matches!(
        n,
        Note::DecidedCommit { logged: false, .. }
    ))));
    let to_p3 = h
        .world()
        .in_flight()
        .iter()
        .find(|(_, m)| m.to == p3 && m.body == Msg::Commit { txn: T1 })
        .map(|(id, _)| *id)
        .expect("COMMIT to participant 3 in flight");
    h.inject(Input::Drop { msg: to_p3 }).unwrap();
    h.inject(Input::Partition {
        groups: vec![vec![COORD, p3]],
    })
    .unwrap();
    h.inject(Input::Crash { node: COORD }).unwrap();
    h.inject(Input::Restart { node: COORD }).unwrap();
    assert!(
        h.run_until(2_000, |r| !r.violations.is_empty()),
        "a violation appears"
    );
    let last = h.record(h.len() - 1).unwrap();
    let v = &last.violations[0];
    assert_eq!(v.invariant, Invariant::Atomicity);
    assert!(matches!(v.detail, Note::AtomicityBroken { aborted_at, .. } if aborted_at == p3));
}

/// Same script, bug off: the forced COMMIT record survives the crash, and all commit.
#[test]
fn same_crash_with_the_log_forced_first_is_safe() {
    let mut h = history(one_txn(), 8);
    let p3 = NodeId(3);
    assert!(h.run_until(300, |r| noted(r, COORD, |n| matches!(
        n,
        Note::DecidedCommit { logged: true, .. }
    ))));
    let to_p3 = h
        .world()
        .in_flight()
        .iter()
        .find(|(_, m)| m.to == p3 && m.body == Msg::Commit { txn: T1 })
        .map(|(id, _)| *id);
    h.inject(Input::Drop {
        msg: to_p3.unwrap(),
    })
    .unwrap();
    h.inject(Input::Partition {
        groups: vec![vec![COORD, p3]],
    })
    .unwrap();
    h.inject(Input::Crash { node: COORD }).unwrap();
    h.inject(Input::Restart { node: COORD }).unwrap();
    h.run_to(h.len() + 300);
    assert_eq!(participant_state(&h, 3, T1), Some(PartState::Committed));
    assert_eq!(violations(&h), 0);
}

/// Issue 11, item 6. P2 has seen neither WORK nor PREPARE (both held up) when a blocked
/// peer asks it for the decision; not having voted, it aborts and answers ABORT, and the
/// peers abort on its word. Then P2 crashes and restarts, and the late WORK and PREPARE
/// arrive. Its ABORT was forced, so it votes NO and every node aborts. With the ABORT
/// unforced, P2 forgot it and voted YES: the coordinator committed what the others had
/// aborted (`atomicity`, `decision_never_reversed`). Bernstein, Hadzilacos & Goodman, ch. 7:
/// a unilateral abort must survive a crash.
#[test]
fn a_cooperative_termination_abort_is_forced_and_survives_a_crash() {
    let p2 = NodeId(2);
    let sc = Scenario::<TwoPhaseCommit>::parse(
        r#"{"format":1,"protocol":"two-phase-commit","seed":7,"steps":80,
        "config":{"participants":3,"transactions":1,"vote_timeout_ticks":100000,
          "decision_timeout_ticks":10,"prepare_timeout_ticks":100000},
        "inputs":[{"at":2,"kind":"delay","msg":2,"ticks":500},
          {"at":6,"kind":"delay","msg":5,"ticks":600},
          {"at":57,"kind":"crash","node":2},{"at":58,"kind":"restart","node":2}]}"#,
    )
    .unwrap();
    let mut h = sc.run().unwrap();
    let answered = common::records(&h)[..57].iter().any(|r| {
        noted(r, p2, |n| {
            matches!(
                n,
                Note::UnilateralAbort {
                    txn: T1,
                    asked_by: Some(_)
                }
            )
        })
    });
    assert!(
        answered,
        "P2 aborted alone, asked by a peer, before its crash"
    );
    assert!(h.world().nodes()[2].disk.wal.contains(&Record::Abort(T1)));
    h.run_to(300);
    assert_eq!(violations(&h), 0);
    assert!(common::records(&h)
        .iter()
        .any(|r| noted(r, COORD, |n| matches!(
            n,
            Note::DecidedAbort { txn: T1, .. }
        ))));
    for p in 1..=3 {
        assert_eq!(
            participant_state(&h, p, T1),
            Some(PartState::Aborted),
            "P{p}"
        );
    }
}

/// The in-flight message to `to` matching `body`, other than `except`.
fn in_flight_to(h: &H, to: NodeId, body: &Msg, except: Option<MsgId>) -> (MsgId, u64) {
    h.world()
        .in_flight()
        .iter()
        .find(|(id, m)| m.to == to && m.body == *body && Some(**id) != except)
        .map(|(id, m)| (*id, m.deliver_at.0))
        .expect("the message is in flight")
}

/// The same rule on a timeout: P1 gets WORK, waits in vain for PREPARE (held up) and
/// aborts alone; it crashes and restarts; then a late copy of WORK and the PREPARE arrive.
/// Its forced ABORT makes it vote NO; unforced, it would vote YES and the transaction
/// would commit at P1 after P1 had aborted it (`decision_never_reversed`).
#[test]
fn a_unilateral_abort_on_timeout_survives_a_crash() {
    let p1 = NodeId(1);
    let cfg = Config {
        vote_timeout_ticks: 100_000,
        prepare_timeout_ticks: 100,
        // No peer asks P1 (cooperative termination): only its restart can tell.
        decision_timeout_ticks: 100_000,
        ..one_txn()
    };
    let mut h = history(cfg, 3);
    assert!(h.run_until(50, |r| noted(r, COORD, |n| matches!(
        n,
        Note::WorkStarted { .. }
    ))));
    let work = Msg::Work { txn: T1 };
    let (original, _) = in_flight_to(&h, p1, &work, None);
    h.inject(Input::Duplicate { msg: original }).unwrap();
    let (copy, _) = in_flight_to(&h, p1, &work, Some(original));
    h.inject(Input::Delay {
        msg: copy,
        ticks: 1_000,
    })
    .unwrap();
    let (_, copy_due) = in_flight_to(&h, p1, &work, Some(original));
    assert!(h.run_until(50, |r| noted(r, COORD, |n| matches!(
        n,
        Note::PrepareSent { .. }
    ))));
    let (prepare, prepare_due) = in_flight_to(&h, p1, &Msg::Prepare { txn: T1 }, None);
    // PREPARE comes 20 ticks after the copy of WORK, before a second timeout could fire.
    let ticks = copy_due + 20 - prepare_due;
    h.inject(Input::Delay {
        msg: prepare,
        ticks,
    })
    .unwrap();
    assert!(h.run_until(100, |r| noted(r, p1, |n| matches!(
        n,
        Note::UnilateralAbort { .. }
    ))));
    h.inject(Input::Crash { node: p1 }).unwrap();
    h.inject(Input::Restart { node: p1 }).unwrap();
    assert!(h.run_until(300, |r| noted(r, COORD, |n| matches!(
        n,
        Note::DecidedAbort { .. } | Note::DecidedCommit { .. }
    ))));
    assert_eq!(violations(&h), 0);
    let last = h.record(h.len() - 1).unwrap();
    assert!(noted(&last, COORD, |n| matches!(
        n,
        Note::DecidedAbort { .. }
    )));
    assert_eq!(participant_state(&h, 1, T1), Some(PartState::Aborted));
}

fn client_results(h: &H) -> Vec<(Txn, Option<bool>)> {
    let client = TwoPhaseCommit::client(&h.spec().cfg).index();
    match &h.world().nodes()[client].state.as_ref().unwrap().role {
        Role::Client { results } => results.iter().map(|(t, r)| (*t, *r)).collect(),
        _ => panic!("not the client"),
    }
}

/// A BEGIN lost to a down coordinator: the client waits `client_timeout_ticks`, sends the
/// same BEGIN again, and the restarted coordinator runs it (once) to commit.
#[test]
fn a_client_retries_a_begin_lost_to_a_down_coordinator() {
    let mut h = history(one_txn(), 2);
    h.inject(Input::Crash { node: COORD }).unwrap();
    assert!(h.run_until(50, |r| matches!(
        &r.event,
        Event::Lost {
            body: Msg::Begin { .. },
            ..
        }
    )));
    h.inject(Input::Restart { node: COORD }).unwrap();
    h.run_to(h.len() + 200);
    let retried = |r: &_| noted(r, NodeId(4), |n| *n == Note::ClientRetried { txn: T1 });
    assert!(common::records(&h).iter().any(retried));
    assert_eq!(client_results(&h), vec![(T1, Some(true))]);
    let begun = h.world().nodes()[0].disk.wal.iter();
    assert_eq!(begun.filter(|r| **r == Record::Begin(T1)).count(), 1);
    assert_eq!(violations(&h), 0);
}

/// The coordinator crashes in phase 1 and forgets T1; its log holds BEGIN T1 and no COMMIT.
/// The client's retry is answered ABORT (presumed abort), so the client is not left
/// waiting forever, and the restart is told as a reading of its log.
#[test]
fn a_client_learns_of_a_transaction_presumed_aborted() {
    let mut h = history(one_txn(), 5);
    assert!(h.run_until(200, |r| noted(r, COORD, |n| matches!(
        n,
        Note::PrepareSent { .. }
    ))));
    h.inject(Input::Crash { node: COORD }).unwrap();
    h.inject(Input::Restart { node: COORD }).unwrap();
    let recovered = Note::Recovered {
        records: 1,
        in_doubt: vec![],
        committing: vec![],
    };
    assert!(noted(&h.record(h.len() - 1).unwrap(), COORD, |n| *n == recovered));
    assert!(h.run_until(2_000, |r| noted(r, COORD, |n| *n
        == Note::Rebegun {
            txn: T1,
            answer: Rebegin::PresumedAborted
        })));
    h.run_to(h.len() + 50);
    assert_eq!(client_results(&h), vec![(T1, Some(false))]);
    assert_eq!(violations(&h), 0);
}
