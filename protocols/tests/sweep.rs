//! Seed sweeps (swarm testing, after FoundationDB's simulator and TigerBeetle's VOPR): each
//! seed draws a configuration at the edges, a network, a fault mix and a workload; a safety
//! phase with faults, then a liveness phase with every fault healed (`protocols::sweep`).
//! CI runs a few hundred seeds per protocol; `sim sweep PROTOCOL --seeds 10000` runs more
//! in release. A failing seed prints the command that replays it.

use protocols::load_balancing::LoadBalancing;
use protocols::paxos::Paxos;
use protocols::raft::Raft;
use protocols::scenario::Scenario;
use protocols::sharding::Sharding;
use protocols::sim::replay::Replay;
use protocols::sim::trace::Fnv64;
use protocols::sweep::{self, Target};
use protocols::two_phase_commit::TwoPhaseCommit;

/// Seeds `0..seeds` break no invariant and, healed, make progress.
fn assert_safe_and_live<T: Target>(seeds: u64) {
    let r = sweep::sweep::<T>(0, seeds, None, 2);
    let failing: Vec<String> = r
        .failing
        .iter()
        .map(|o| sweep::describe::<T>(o, None))
        .collect();
    println!(
        "{}: {seeds} seeds, {} steps, {} without a liveness verdict",
        T::NAME,
        r.steps,
        r.undecided
    );
    assert!(
        failing.is_empty(),
        "{} of {seeds} seeds of {} failed:\n{}",
        failing.len(),
        T::NAME,
        failing.join("\n")
    );
}

/// Some seed of `0..seeds` breaks an invariant with bug switch `bug` on.
fn assert_caught<T: Target>(bug: &str, seeds: u64) {
    let r = sweep::sweep::<T>(0, seeds, Some(bug), 2);
    let caught: Vec<_> = r
        .failing
        .iter()
        .filter(|o| o.violations.iter().any(|v| *v > 0))
        .collect();
    println!(
        "{} bug {bug}: caught by {} of {seeds} seeds{}",
        T::NAME,
        caught.len(),
        caught.first().map_or(String::new(), |o| format!(
            "; {}",
            sweep::describe::<T>(o, Some(bug))
        ))
    );
    assert!(!caught.is_empty(), "no seed of {seeds} caught {bug}");
}

#[test]
fn two_phase_commit_sweep_is_safe_and_every_transaction_ends_after_healing() {
    assert_safe_and_live::<TwoPhaseCommit>(1_000);
}

#[test]
fn raft_sweep_is_safe_and_the_healed_cluster_commits() {
    assert_safe_and_live::<Raft>(500);
}

#[test]
fn paxos_sweep_is_safe_and_the_healed_system_decides() {
    assert_safe_and_live::<Paxos>(1_000);
}

#[test]
fn sharding_sweep_loses_no_write_and_migrations_end_after_healing() {
    assert_safe_and_live::<Sharding>(300);
}

#[test]
fn load_balancing_sweep_loses_no_request_and_all_end_after_healing() {
    assert_safe_and_live::<LoadBalancing>(300);
}

/// How many seeds each bug switch's sweep runs. Commits of old terms (Figure 8 of the Raft
/// paper) need terms to come and go: about 1 seed in 500 catches it.
const CATCH_WITHIN: &[(&str, &str, u64)] = &[
    ("two-phase-commit", "decision_before_log", 500),
    ("raft", "no_election_restriction", 200),
    ("raft", "commit_old_terms", 2_000),
    ("raft", "forget_voted_for", 500),
    ("paxos", "forget_promises", 200),
    ("paxos", "ignore_accepted", 200),
    ("sharding", "no_fencing", 300),
];

fn catch_within(protocol: &str, bug: &str) -> u64 {
    CATCH_WITHIN
        .iter()
        .find(|(p, b, _)| *p == protocol && *b == bug)
        .map(|(_, _, seeds)| *seeds)
        .unwrap_or_else(|| panic!("{protocol} bug {bug} has no sweep: add it to CATCH_WITHIN"))
}

/// Every bug switch `sim --help` lists breaks an invariant within its seeds.
#[test]
fn the_sweep_catches_every_bug_switch() {
    fn all<T: Target>() {
        for bug in T::BUGS {
            assert_caught::<T>(bug, catch_within(T::NAME, bug));
        }
    }
    all::<TwoPhaseCommit>();
    all::<Raft>();
    all::<Paxos>();
    all::<Sharding>();
    all::<LoadBalancing>();
}

/// Every configuration a seed draws is one `validate` accepts (the sweep would panic).
#[test]
fn drawn_configurations_are_valid() {
    use protocols::sim::rng::Rng;
    fn check<T: Target>() {
        let mut rng = Rng::new(1);
        for _ in 0..2_000 {
            let cfg = T::draw_config(&mut rng);
            assert_eq!(T::validate(&cfg), Ok(()), "{}: {cfg:?}", T::NAME);
        }
    }
    check::<TwoPhaseCommit>();
    check::<Raft>();
    check::<Paxos>();
    check::<Sharding>();
    check::<LoadBalancing>();
}

/// `sim swarm` prints a seed's run as a scenario; replayed, it is the same run, step for
/// step (both phases, every fault and request the swarm drew).
#[test]
fn a_seed_replays_exactly_from_its_scenario() {
    fn check<T: Target>(seed: u64, bug: Option<&str>) {
        let json = sweep::scenario::<T>(seed, bug).to_json();
        let sc = Scenario::<T>::parse(&json).expect("the scenario reads back");
        let mut h = Fnv64::default();
        for r in Replay::new(sc.spec, sc.steps).expect("valid") {
            h.write(&serde_json::to_vec(&r).unwrap());
            h.write(b"\n");
        }
        assert_eq!(
            h.finish(),
            sweep::trace_of_seed::<T>(seed, bug),
            "{} seed {seed}",
            T::NAME
        );
    }
    for seed in [3, 4] {
        check::<TwoPhaseCommit>(seed, None);
        check::<Raft>(seed, Some("forget_voted_for"));
        check::<Paxos>(seed, None);
        check::<Sharding>(seed, None);
        check::<LoadBalancing>(seed, None);
    }
}

/// Swarm testing (Groce et al., 2012): every kind of fault is absent from some seeds and
/// present in others, and half the seeds aim their faults at a few focus nodes.
#[test]
fn each_seed_draws_its_own_fault_mix_with_some_kinds_off() {
    use protocols::sim::swarm::{FaultMix, Swarm};
    let mixes: Vec<FaultMix> = (0..300)
        .map(|seed| Swarm::new(seed, 6, &[300]).mix)
        .collect();
    type Kind = (&'static str, fn(&FaultMix) -> u64);
    let kinds: [Kind; 8] = [
        ("crash", |m| m.crash_per_mille),
        ("reboot", |m| m.reboot_per_mille),
        ("partition", |m| m.partition_per_mille),
        ("cut", |m| m.cut_per_mille),
        ("drop", |m| m.drop_per_mille),
        ("duplicate", |m| m.duplicate_per_mille),
        ("delay", |m| m.delay_per_mille),
        ("clog", |m| m.clog_per_mille),
    ];
    for (name, rate) in kinds {
        let off = mixes.iter().filter(|m| rate(m) == 0).count();
        assert!(
            (50..=150).contains(&off),
            "{name} off in {off} of 300 seeds"
        );
    }
    let focused = mixes.iter().filter(|m| !m.focus.is_empty()).count();
    assert!(
        (100..=200).contains(&focused),
        "{focused} of 300 seeds have a focus"
    );
    assert!(mixes
        .iter()
        .all(|m| (300..=1_200).contains(&m.delay_ticks_max)));
}
