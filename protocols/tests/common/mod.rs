//! Helpers shared by the scenario and sweep tests (mostly two-phase commit).
#![allow(dead_code)]

use protocols::sim::history::{History, RunSpec};
use protocols::sim::{NetConfig, NodeId, StepRecord};
use protocols::two_phase_commit::{Config, Note, PartState, Role, TwoPhaseCommit, Txn};

pub type H = History<TwoPhaseCommit>;

pub fn history(cfg: Config, seed: u64) -> H {
    History::new(RunSpec {
        cfg,
        net: NetConfig::default(),
        seed,
        inputs: Vec::new(),
    })
    .expect("valid config")
}

/// True when the step carries a note from `node` matching `pred`.
pub fn noted(r: &StepRecord<TwoPhaseCommit>, node: NodeId, pred: impl Fn(&Note) -> bool) -> bool {
    r.notes.iter().any(|(n, note)| *n == node && pred(note))
}

pub fn participant_state(h: &H, p: u32, txn: Txn) -> Option<PartState> {
    match &h.world().nodes()[p as usize].state.as_ref()?.role {
        Role::Participant { txns } => txns.get(&txn).copied(),
        _ => panic!("node {p} is not a participant"),
    }
}

pub fn violations(h: &H) -> usize {
    h.records().iter().map(|r| r.violations.len()).sum()
}

/// Prints how many seeds caught a bug (and the first, to replay with `sim`) and requires one.
pub fn assert_caught(bug: &str, caught: &[u64], seeds: u64) {
    println!(
        "{bug} caught by {} of {seeds} seeds; first: {:?}",
        caught.len(),
        caught.first()
    );
    assert!(!caught.is_empty(), "no seed caught the {bug}");
}
