//! Recovery after a crash, the checker, the configuration's ranges and duplicates.

use super::*;

/// Recovery: a participant that crashed after voting yes is still in doubt and asks.
#[test]
fn restarted_participant_with_prepared_record_is_in_doubt() {
    let disk = Disk {
        wal: vec![Record::Prepared(T)],
        votes_no: false,
        ..Default::default()
    };
    let mut out = Out::default();
    let n = P::on_restart(&cfg(), P1, &disk, &mut out);
    assert_eq!(
        n.role,
        Role::Participant {
            txns: BTreeMap::from([(T, PartState::Uncertain)])
        }
    );
    assert!(out.effects.iter().any(|e| matches!(
        e,
        Effect::SetTimer {
            timer: Timer::AwaitDecision(_),
            ..
        }
    )));
}

/// Recovery: a coordinator with COMMIT but no END resends COMMIT; with no record it remembers nothing.
#[test]
fn restarted_coordinator_finishes_logged_commits_only() {
    let disk = Disk {
        wal: vec![
            Record::Commit(T),
            Record::Commit(Txn(2)),
            Record::End(Txn(2)),
        ],
        votes_no: false,
        ..Default::default()
    };
    let mut out = Out::default();
    let n = P::on_restart(&cfg(), COORD, &disk, &mut out);
    let Role::Coordinator { txns } = &n.role else {
        panic!("coordinator")
    };
    assert_eq!(txns.keys().copied().collect::<Vec<_>>(), vec![T]);
    assert_eq!(
        sends(&out)
            .iter()
            .filter(|(_, m)| *m == Msg::Commit { txn: T })
            .count(),
        3
    );
}

/// The checkers flag a commit next to an abort (AC1) exactly once.
#[test]
fn checker_flags_atomicity_once() {
    let mut ghost = invariants::Ghost::default();
    let mut found = Vec::new();
    let notes = [
        (
            P1,
            Note::Applied {
                txn: T,
                commit: true,
            },
        ),
        (
            NodeId(2),
            Note::Applied {
                txn: T,
                commit: false,
            },
        ),
    ];
    invariants::check(&mut ghost, &[], &notes, &mut found);
    invariants::check(
        &mut ghost,
        &[],
        &[(
            NodeId(3),
            Note::Applied {
                txn: T,
                commit: false,
            },
        )],
        &mut found,
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, invariants::Invariant::Atomicity);
}

#[test]
fn configuration_outside_its_ranges_is_refused() {
    let bad = Config {
        participants: 9,
        ..cfg()
    };
    assert!(matches!(
        P::validate(&bad),
        Err(ConfigError::OutOfRange {
            field: "participants",
            ..
        })
    ));
    let inverted = Config {
        work_ticks_min: 50,
        work_ticks_max: 10,
        ..cfg()
    };
    assert!(matches!(
        P::validate(&inverted),
        Err(ConfigError::Inverted { .. })
    ));
}

/// Transaction ids are never reused: the coordinator force-writes BEGIN before the work
/// goes out, and never runs a BEGIN it has already begun, even after an abort or a crash:
/// it answers it with presumed abort instead.
#[test]
fn a_duplicate_begin_never_restarts_a_transaction() {
    let mut n = fresh(COORD);
    let out = deliver(&mut n, COORD, CLIENT, Msg::Begin { txn: T });
    assert_forced_before(&out, |m| matches!(m, Msg::Work { .. }));
    P::on_timer(
        &cfg(),
        COORD,
        &mut n,
        Timer::SendPrepare(T),
        &mut Out::default(),
    );
    P::on_timer(
        &cfg(),
        COORD,
        &mut n,
        Timer::VoteTimeout(T),
        &mut Out::default(),
    ); // aborted, forgotten
    let aborted = vec![(
        CLIENT,
        Msg::Outcome {
            txn: T,
            committed: false,
        },
    )];
    let out = deliver(&mut n, COORD, CLIENT, Msg::Begin { txn: T });
    assert_eq!(sends(&out), aborted, "the late duplicate is told ABORT");
    let mut restarted = P::on_restart(&cfg(), COORD, &P::durable(&n), &mut Out::default());
    let out = deliver(&mut restarted, COORD, CLIENT, Msg::Begin { txn: T });
    assert_eq!(sends(&out), aborted, "and still after a restart");
}
