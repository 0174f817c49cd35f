//! Same config + seed + inputs = the same trace (native side; `tests/web.rs` at the
//! workspace root checks the same hashes in headless Chromium).

use protocols::reference::{compute, REFERENCES};
use protocols::scenario::Scenario;
use protocols::sim::history::{History, RunSpec};
use protocols::sim::replay::Replay;
use protocols::sim::swarm::{Run, Swarm};
use protocols::sim::trace::trace_hash;
use protocols::sim::Protocol;
use protocols::two_phase_commit::TwoPhaseCommit;

#[test]
fn reference_runs_match_their_pinned_hashes() {
    for r in REFERENCES {
        assert_eq!(
            compute(r),
            r.expected,
            "{}: got {:#018x}",
            r.name,
            compute(r)
        );
    }
}

/// A swarm run (no records kept) exported as a scenario replays, through a recorded
/// history, to the same trace hash.
#[test]
fn a_run_replayed_from_its_exported_scenario_is_identical() {
    for r in REFERENCES
        .iter()
        .filter(|r| r.protocol == "two-phase-commit")
    {
        let spec = RunSpec {
            cfg: Default::default(),
            net: Default::default(),
            seed: r.seed,
            inputs: Vec::new(),
        };
        let mut run = Run::<TwoPhaseCommit>::new(spec).unwrap().traced();
        let mut swarm = Swarm::new(r.seed, 5, &[300]);
        run.with_faults(&mut swarm, r.steps, &mut |w, rng| {
            TwoPhaseCommit::random_request(&w.cfg, &mut |n| rng.below(n))
        });
        let exported = Scenario {
            spec: run.spec().clone(),
            steps: run.steps(),
        }
        .to_json();
        let replayed = Scenario::<TwoPhaseCommit>::parse(&exported)
            .unwrap()
            .run()
            .unwrap();
        assert_eq!(
            trace_hash(&replayed.records(..).collect::<Vec<_>>()),
            run.trace_hash(),
            "{}",
            r.name
        );
    }
}

/// `sim run` streams ([`Replay`]): it gives the very records a history records, and keeps
/// none of them.
#[test]
fn a_streamed_replay_gives_the_records_of_the_history() {
    for seed in 0..3 {
        let sc = protocols::sweep::scenario::<TwoPhaseCommit>(seed, None);
        let h = sc.run().unwrap();
        let streamed: Vec<_> = Replay::new(sc.spec.clone(), sc.steps).unwrap().collect();
        assert_eq!(streamed.len() as u64, sc.steps);
        assert!(streamed == h.records(..).collect::<Vec<_>>(), "seed {seed}");
    }
}

#[test]
fn seeking_back_and_forth_reproduces_the_same_steps() {
    let sc = Scenario::<TwoPhaseCommit>::parse(include_str!("../examples/two-phase-commit.json"))
        .unwrap();
    let mut h: History<TwoPhaseCommit> = sc.run().unwrap();
    let original = h.records(..).collect::<Vec<_>>().to_vec();
    for target in [0, 7, 3, h.len(), 1, h.len() / 2] {
        h.seek(target);
        assert_eq!(h.cursor(), target);
    }
    h.seek(0);
    while h.step_forward() {}
    assert_eq!(h.records(..).collect::<Vec<_>>(), &original[..]);
}
