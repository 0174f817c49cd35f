//! Seed sweep (after TigerBeetle's VOPR): many seeds, each drawing its own fault plan
//! (crashes, restarts, partitions, drops, duplicates, delays). Safety phase with
//! faults, then a liveness phase with every fault healed. A failing seed prints the
//! command that replays it.

mod common;

use common::*;
use protocols::sim::swarm::{heal_and_settle, run_with_faults, Swarm};
use protocols::two_phase_commit::{Config, CoordPhase, PartState, Role};

const SEEDS: u64 = 1_000;
const SAFETY_STEPS: u64 = 1_500;
/// Liveness budget: after healing, every transaction must be resolved, and the client must
/// know every outcome, within this many steps.
const LIVENESS_STEPS: u64 = 3_000;
/// The bug needs a crash inside a short window, so its sweep runs longer.
const BUG_STEPS: u64 = 6_000;

fn replay_hint(seed: u64) -> String {
    format!(
        "replay: cargo run -p protocols --bin sim -- swarm two-phase-commit --seed {seed} --steps {SAFETY_STEPS} > s.json && cargo run -p protocols --bin sim -- run s.json"
    )
}

#[test]
fn sweep_finds_no_violation_and_every_transaction_resolves_after_healing() {
    for seed in 0..SEEDS {
        let mut h = history(Config::default(), seed);
        run_with_faults(&mut h, &mut Swarm::new(seed), SAFETY_STEPS);
        assert_eq!(
            violations(&h),
            0,
            "seed {seed} broke an invariant; {}",
            replay_hint(seed)
        );
        heal_and_settle(&mut h, LIVENESS_STEPS);
        for (i, slot) in h.world().nodes().iter().enumerate() {
            match &slot.state.as_ref().expect("all restarted").role {
                Role::Participant { txns } => assert!(
                    txns.values()
                        .all(|s| *s != PartState::Uncertain && *s != PartState::Working),
                    "seed {seed}: node {i} still undecided after healing: {txns:?}; {}",
                    replay_hint(seed)
                ),
                Role::Coordinator { txns } => assert!(
                    txns.values().all(|t| t.phase != CoordPhase::Committing),
                    "seed {seed}: coordinator never got every ACK: {txns:?}"
                ),
                // The client retries its BEGIN until it hears the outcome.
                Role::Client { results } => assert!(
                    results.values().all(|r| r.is_some()),
                    "seed {seed}: the client never learned an outcome: {results:?}; {}",
                    replay_hint(seed)
                ),
            }
        }
        assert_eq!(violations(&h), 0, "seed {seed}");
    }
}

#[test]
fn sweep_catches_the_decision_before_log_bug() {
    let caught: Vec<u64> = (0..SEEDS)
        .filter(|&seed| {
            let mut h = history(
                Config {
                    bug_decision_before_log: true,
                    ..Config::default()
                },
                seed,
            );
            run_with_faults(&mut h, &mut Swarm::new(seed), BUG_STEPS);
            violations(&h) > 0
        })
        .collect();
    let first = caught.first().map_or("none".to_string(), |s| s.to_string());
    println!(
        "bug caught by {} of {SEEDS} seeds; replay the first: sim swarm two-phase-commit --bug --steps {BUG_STEPS} --seed {first}",
        caught.len()
    );
    assert!(!caught.is_empty(), "no seed exposed the bug");
}
