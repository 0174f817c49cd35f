//! Scenario tests: scripted 2PC runs with assertions on their outcome.

mod common;

use common::*;
use protocols::sim::{Event, Input, NodeId};
use protocols::two_phase_commit::invariants::ATOMICITY;
use protocols::two_phase_commit::{Config, Msg, Note, PartState, Record, Request, Txn};

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
    assert!(h
        .records()
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
    let asked = h
        .records()
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
    let uncertain_replies = h
        .records()
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
    assert!(h.records().last().unwrap().notes.iter().any(|(_, n)| *n
        == Note::Recovered {
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
    let v = &h.records().last().unwrap().violations[0];
    assert_eq!(v.invariant, ATOMICITY);
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
