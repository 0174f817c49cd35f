//! Time travel: seek, fork, and bounded memory.

mod common;

use common::*;
use protocols::sim::history::MAX_CHECKPOINTS;
use protocols::sim::{Event, Input, NodeId};
use protocols::two_phase_commit::Config;

#[test]
fn an_input_at_a_past_step_forks_the_run() {
    let mut h = history(Config::default(), 11);
    h.run_to(60);
    let old_future = h.records()[30..].to_vec();
    h.seek(30);
    h.inject(Input::Crash { node: NodeId(0) }).unwrap();
    assert_eq!(h.len(), 31, "the old future is dropped");
    assert!(matches!(
        h.records()[30].event,
        Event::Input {
            input: Input::Crash { .. },
            applied: true
        }
    ));
    h.run_to(60);
    assert_ne!(h.records()[30..], old_future[..], "and simulated anew");
    assert_eq!(h.spec().inputs.len(), 1);
}

#[test]
fn step_back_is_seek_to_the_previous_step() {
    let mut h = history(Config::default(), 12);
    h.run_to(40);
    h.seek(25);
    let at_25 = format!(
        "{:?}",
        h.world()
            .nodes()
            .iter()
            .map(|s| s.state.clone())
            .collect::<Vec<_>>()
    );
    h.seek(26);
    h.seek(h.cursor() - 1);
    let again = format!(
        "{:?}",
        h.world()
            .nodes()
            .iter()
            .map(|s| s.state.clone())
            .collect::<Vec<_>>()
    );
    assert_eq!(at_25, again);
    assert_eq!(h.len(), 40, "seeking never changes the record");
}

#[test]
fn a_100k_step_run_keeps_a_bounded_number_of_checkpoints() {
    let cfg = Config {
        participants: 5,
        transactions: 100_000,
        txn_gap_ticks: 30,
        ..Config::default()
    };
    let mut h = history(cfg, 13);
    h.run_to(100_000);
    assert_eq!(h.len(), 100_000);
    assert!(
        h.checkpoint_count() <= MAX_CHECKPOINTS,
        "{} checkpoints",
        h.checkpoint_count()
    );
    // Any step is still reachable, and cheaply (from a checkpoint, not from step 0).
    h.seek(99_000);
    h.seek(1_234);
    assert_eq!(h.cursor(), 1_234);
}

/// Stepping back one step at a time from the end of a long run, where checkpoints are far
/// apart: the first step back leaves checkpoints on the way, and every state reached is
/// the state a fresh replay reaches at that step.
#[test]
fn stepping_back_through_a_long_run_leaves_checkpoints_and_stays_exact() {
    let cfg = Config {
        participants: 5,
        transactions: 100_000,
        txn_gap_ticks: 30,
        ..Config::default()
    };
    let mut h = history(cfg.clone(), 14);
    h.run_to(60_000);
    let before = h.checkpoint_count();
    h.seek(h.len() - 1);
    assert!(
        h.checkpoint_count() >= before + 3,
        "checkpoints left on the way back: {before} then {}",
        h.checkpoint_count()
    );
    let state =
        |h: &protocols::sim::history::History<protocols::two_phase_commit::TwoPhaseCommit>| {
            format!(
                "{:?}",
                h.world()
                    .nodes()
                    .iter()
                    .map(|s| s.state.clone())
                    .collect::<Vec<_>>()
            )
        };
    for _ in 0..300 {
        h.seek(h.cursor() - 1);
    }
    let mut fresh = history(cfg, 14);
    fresh.run_to(h.cursor());
    assert_eq!(state(&h), state(&fresh), "step {}", h.cursor());
    assert_eq!(h.len(), 60_000, "stepping back never changes the record");
}
