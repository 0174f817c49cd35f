//! Helpers shared by the scenario and sweep tests: generic ones for any protocol's
//! history, and two-phase commit's.
#![allow(dead_code)]

pub mod raft;
pub mod sharding;

use protocols::sim::history::{History, RunSpec};
use protocols::sim::{NetConfig, NodeId, Protocol, StepRecord};
use protocols::two_phase_commit::{Config, Note, PartState, Role, TwoPhaseCommit, Txn};

pub type H = History<TwoPhaseCommit>;

/// A two-phase commit history of `cfg` on the default network.
pub fn history(cfg: Config, seed: u64) -> H {
    history_of::<TwoPhaseCommit>(cfg, seed)
}

/// A history of `cfg` on the default network.
pub fn history_of<P: Protocol>(cfg: P::Config, seed: u64) -> History<P> {
    History::new(RunSpec {
        cfg,
        net: NetConfig::default(),
        seed,
        inputs: Vec::new(),
    })
    .expect("valid config")
}

/// Every kept record of the run, in order.
pub fn records<P: Protocol>(h: &History<P>) -> Vec<StepRecord<P>> {
    h.records(..).collect()
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

/// Violations recorded in the whole run.
pub fn violations<P: Protocol>(h: &History<P>) -> usize {
    records(h).iter().map(|r| r.violations.len()).sum()
}

/// Whether invariant `invariant` broke anywhere in the run.
pub fn violated<P: Protocol>(h: &History<P>, invariant: P::Invariant) -> bool {
    records(h)
        .iter()
        .any(|r| r.violations.iter().any(|v| v.invariant == invariant))
}

/// The first violation of the run, for an assertion's message.
pub fn first_violation<P: Protocol>(h: &History<P>) -> Option<String> {
    records(h)
        .iter()
        .flat_map(|r| r.violations.iter())
        .next()
        .map(|v| format!("{v:?}"))
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
