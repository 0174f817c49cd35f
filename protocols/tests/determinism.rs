//! Same config + seed + inputs = the same trace (native side; `tests/web.rs` at the
//! workspace root checks the same hashes in headless Chromium).

use protocols::reference::{compute, REFERENCES};
use protocols::scenario::Scenario;
use protocols::sim::history::{History, RunSpec};
use protocols::sim::swarm::{run_with_faults, Swarm};
use protocols::sim::trace::trace_hash;
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
        let mut h = History::<TwoPhaseCommit>::new(spec).unwrap();
        run_with_faults(&mut h, &mut Swarm::new(r.seed), r.steps);
        let exported = Scenario {
            spec: h.spec().clone(),
            steps: h.len(),
        }
        .to_json();
        let replayed = Scenario::<TwoPhaseCommit>::parse(&exported)
            .unwrap()
            .run()
            .unwrap();
        assert_eq!(
            trace_hash(replayed.records()),
            trace_hash(h.records()),
            "{}",
            r.name
        );
    }
}

#[test]
fn seeking_back_and_forth_reproduces_the_same_steps() {
    let sc = Scenario::<TwoPhaseCommit>::parse(include_str!("../examples/two-phase-commit.json"))
        .unwrap();
    let mut h: History<TwoPhaseCommit> = sc.run().unwrap();
    let original = h.records().to_vec();
    for target in [0, 7, 3, h.len(), 1, h.len() / 2] {
        h.seek(target);
        assert_eq!(h.cursor(), target);
    }
    h.seek(0);
    while h.step_forward() {}
    assert_eq!(h.records(), &original[..]);
}
