//! History's unit tests (more in `tests/history.rs`).

use super::*;
use crate::two_phase_commit::TwoPhaseCommit;

/// A world too heavy for more than a few copies keeps the checkpoints a seek back
/// leaves: each further step back replays a few dozen steps, not the run (it replayed
/// from the start at every step back of a 1M-step 2PC run: 0.57 s each).
#[test]
fn stepping_back_in_a_heavy_run_keeps_its_trail_of_checkpoints() {
    let spec = RunSpec::<TwoPhaseCommit> {
        cfg: crate::two_phase_commit::Config {
            transactions: 2_000,
            ..Default::default()
        },
        net: Default::default(),
        seed: 5,
        inputs: Vec::new(),
    };
    let mut h = History::new(spec).unwrap();
    h.run_to(20_000);
    let end = h.len();
    let heavy = limits::world_weight(h.world());
    let mut h = h.with_checkpoint_budget(3 * heavy);
    h.seek(end / 2);
    h.seek(end);
    for _ in 0..200 {
        h.seek(h.cursor() - 1);
        let behind = h.checkpoint_steps().filter(|s| *s <= h.cursor()).last();
        let gap = h.cursor() - behind.unwrap_or(0);
        assert!(
            gap <= CHECKPOINT_EVERY,
            "{gap} steps back to a checkpoint at {}",
            h.cursor()
        );
    }
}

/// `inject` counts off only the future it drops: after forks, the record's bytes are
/// what recording the same run afresh gives.
#[test]
fn an_input_keeps_the_record_bytes_a_fresh_recording_gives() {
    let spec = RunSpec::<TwoPhaseCommit> {
        cfg: Default::default(),
        net: Default::default(),
        seed: 3,
        inputs: Vec::new(),
    };
    let mut h = History::new(spec).unwrap();
    let fresh = |h: &History<TwoPhaseCommit>| {
        let mut f = History::new(h.spec().clone()).unwrap();
        f.run_to(h.len());
        f.record_bytes()
    };
    h.run_to(300);
    h.inject(Input::Heal).unwrap();
    assert_eq!(h.record_bytes(), fresh(&h));
    assert!(h.len() > 40, "a run to fork");
    h.seek(30);
    h.inject(Input::Heal).unwrap();
    assert_eq!(h.len(), 31);
    assert_eq!(h.record_bytes(), fresh(&h));
    assert_eq!(
        h.spec.inputs.len(),
        1,
        "the later input is dropped with the future"
    );
}

/// Past the most checkpoints kept, the spacing stays even over the whole run: a seek
/// anywhere replays about the run's length over the count kept, not a gap that doubled
/// at every thinning (a seek to the middle of a 100,000-step run replayed 25,000 steps).
#[test]
fn thinned_checkpoints_stay_evenly_spaced() {
    // Raft's heartbeats with no writes: a light world, copied every 64 steps.
    let spec = RunSpec::<crate::raft::Raft> {
        cfg: Default::default(),
        net: Default::default(),
        seed: 2,
        inputs: Vec::new(),
    };
    let mut h = History::new(spec).unwrap();
    h.run_to(60_000);
    let steps: Vec<u64> = h.checkpoint_steps().chain([h.len()]).collect();
    assert!(steps.len() > MAX_CHECKPOINTS, "{} checkpoints", steps.len());
    let widest = steps.windows(2).map(|w| w[1] - w[0]).max().unwrap();
    let even = h.len() / MAX_CHECKPOINTS as u64;
    assert!(
        widest <= 3 * even,
        "a gap of {widest} steps (even spacing is {even})"
    );
    // Recording copies the world less often as the run grows (every length / 384 steps),
    // so a long run makes a few hundred copies, not one per 64 steps each thinned away
    // again: that churn held recording a 1M-step Raft run to 37 % of the bare world's rate.
    let kept: Vec<u64> = h.checkpoint_steps().collect();
    let newest = kept[kept.len() - 3..].windows(2).map(|w| w[1] - w[0]);
    for gap in newest {
        assert!(
            gap >= even / 3,
            "a gap of {gap} steps near the end (even spacing is {even})"
        );
    }
}
