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
    let old_future = common::records(&h)[30..].to_vec();
    h.seek(30);
    h.inject(Input::Crash { node: NodeId(0) }).unwrap();
    assert_eq!(h.len(), 31, "the old future is dropped");
    assert!(matches!(
        common::records(&h)[30].event,
        Event::Input {
            input: Input::Crash { .. },
            applied: true
        }
    ));
    h.run_to(60);
    assert_ne!(
        common::records(&h)[30..],
        old_future[..],
        "and simulated anew"
    );
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

/// Issue 11, item 5: a valid but extreme configuration (a retry every tick while every
/// message takes 10,000 ticks) piles up messages without end. The run stops at a stated
/// bound, with what it recorded kept, instead of exhausting memory.
#[test]
fn a_run_that_outgrows_the_bounds_stops_with_the_reason() {
    use protocols::paxos::Paxos;
    use protocols::scenario::Scenario;
    use protocols::sim::limits::{Stop, MAX_IN_FLIGHT};
    let json = r#"{"format":1,"protocol":"paxos","seed":1,"steps":2000000,
        "network":{"latency_ticks_min":10000,"latency_ticks_max":10000,"loss_per_mille":0},
        "config":{"proposers":3,"acceptors":7,"retry_ticks":1}}"#;
    let sc = Scenario::<Paxos>::parse(json).unwrap();
    let mut h = sc.run().unwrap();
    let stop = h.stopped().expect("a bound stops it");
    eprintln!("{stop} after {} steps", h.len());
    assert!(h.len() < 2_000_000, "it stopped early");
    assert!(h.is_finished(), "a stopped run is finished");
    assert!(!h.step_forward(), "and records nothing more");
    if let Stop::InFlight { count, .. } = stop {
        assert!(count > MAX_IN_FLIGHT);
    }
    // What it recorded stays: seek back into it, and a fork at a past step clears the stop.
    h.seek(1000);
    h.inject(protocols::sim::Input::Heal).unwrap();
    assert_eq!(h.stopped(), None);
}

/// Item 2c: a Multi-Paxos run whose inputs come after the world falls quiet used to load
/// empty and finished. An input stamped past that point is applied once the world is quiet.
#[test]
fn an_input_stamped_after_the_world_falls_quiet_is_applied_when_it_does() {
    let mut h = history(Config::default(), 3);
    h.run_to(1_000_000);
    let quiet_at = h.len();
    assert!(h.is_finished());
    let json = format!(
        r#"{{"format":1,"protocol":"two-phase-commit","seed":3,"steps":{},"inputs":[{{"at":{},"kind":"crash","node":1}}]}}"#,
        quiet_at + 10,
        quiet_at + 500
    );
    let sc =
        protocols::scenario::Scenario::<protocols::two_phase_commit::TwoPhaseCommit>::parse(&json)
            .unwrap();
    let h2 = sc.run().unwrap();
    assert!(
        matches!(
            common::records(&h2)[quiet_at as usize].event,
            Event::Input {
                input: Input::Crash { .. },
                applied: true
            }
        ),
        "the crash is the step after the world fell quiet"
    );
}

/// A Raft run with a write every 400 steps, a crash and a restart every 6,000, recorded
/// with a record budget small enough (4 MiB) that it is thinned several times.
fn thinned_raft(steps: u64) -> protocols::sim::history::History<protocols::raft::Raft> {
    use protocols::raft::Request;
    use protocols::sim::history::{History, RunSpec, Stamped};
    let inputs = (1..steps / 400)
        .map(|k| Stamped {
            at: k * 400,
            input: match k % 15 {
                0 => Input::Crash {
                    node: NodeId(k as u32 % 5),
                },
                7 => Input::Restart {
                    node: NodeId((k as u32 + 3) % 5),
                },
                _ => Input::Request {
                    node: NodeId(k as u32 % 5),
                    request: Request::Put {
                        key: format!("k{}", k % 7),
                        value: k as u32,
                    },
                },
            },
        })
        .collect();
    let spec = RunSpec {
        cfg: Default::default(),
        net: Default::default(),
        seed: 5,
        inputs,
    };
    let mut h = History::new(spec).unwrap().with_record_budget(4 << 20);
    h.run_to(steps);
    h
}

/// Goal 2 of issue 13: a long run drops its oldest records past its budget instead of
/// stopping, keeps every input, and stays the same run: its world, its kept records and a
/// seek anywhere in what is kept match a fresh recording of the exported run.
#[test]
fn a_thinned_run_keeps_its_inputs_and_matches_a_fresh_recording() {
    use protocols::scenario::Scenario;
    let mut h = thinned_raft(60_000);
    assert_eq!(h.len(), 60_000, "thinning never stops the run");
    assert_eq!(h.stopped(), None);
    assert!(h.first() > 20_000, "thinned: kept from step {}", h.first());
    assert!(h.record_bytes() <= 4 << 20);
    let exported = Scenario {
        spec: h.spec().clone(),
        steps: h.len(),
    };
    assert_eq!(
        exported.spec.inputs.len() as u64,
        60_000 / 400 - 1,
        "every input is kept"
    );
    let mut fresh = Scenario::parse(&exported.to_json()).unwrap().run().unwrap();
    assert_eq!(fresh.first(), 0, "the default budget holds the whole run");
    let state = |h: &protocols::sim::history::History<protocols::raft::Raft>| {
        let w = h.world();
        format!("{} {:?} {:?}", w.time.0, w.nodes(), w.in_flight())
    };
    assert_eq!(state(&h), state(&fresh), "the same world at the end");
    assert_eq!(h.record(h.first() - 1), None, "older records are gone");
    assert!(
        h.records(..).eq(fresh.records(h.first()..)),
        "the kept ones are the same"
    );
    for s in &h.spec().inputs {
        let time = fresh.record(s.at).map(|r| r.time);
        assert_eq!(
            h.input_time(s.at),
            time,
            "inputs keep their times (compare mode)"
        );
    }
    for step in [h.first() + 4_321, h.first(), 59_999] {
        h.seek(step);
        fresh.seek(step);
        assert_eq!(state(&h), state(&fresh), "step {step}");
    }
}

/// A seek below the first kept step lands on it; a fork in the kept part still works.
#[test]
fn a_seek_below_the_first_kept_step_lands_on_it() {
    let mut h = thinned_raft(30_000);
    let first = h.first();
    assert!(first > 0);
    h.seek(0);
    assert_eq!(h.cursor(), first);
    h.seek(first - 1);
    assert_eq!(h.cursor(), first);
    assert_eq!(h.records(..).next().map(|r| r.step), Some(first));
    h.seek(first + 100);
    h.inject(Input::Heal).unwrap();
    assert_eq!((h.first(), h.len()), (first, first + 101));
    assert!(matches!(
        h.record(first + 100).unwrap().event,
        Event::Input { .. }
    ));
}
