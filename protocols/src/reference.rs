//! Reference runs whose trace hashes are pinned. The native test and the
//! wasm-bindgen-test in headless Chromium compute them and compare with the same
//! expected values: that is how we know a run is identical on both platforms.

use crate::sim::history::{History, RunSpec};
use crate::sim::swarm::{run_with_faults, Swarm};
use crate::sim::trace::trace_hash;
use crate::sim::NetConfig;
use crate::two_phase_commit::{self as tpc, TwoPhaseCommit};

/// One pinned run: a seeded random-fault 2PC run of `steps` steps.
pub struct Reference {
    pub name: &'static str,
    pub seed: u64,
    pub steps: u64,
    pub bug: bool,
    pub expected: u64,
}

pub const REFERENCES: &[Reference] = &[
    Reference {
        name: "2pc-seed-1",
        seed: 1,
        steps: 1_000,
        bug: false,
        expected: 0xb7bc_4370_105f_345a,
    },
    Reference {
        name: "2pc-seed-2",
        seed: 2,
        steps: 1_000,
        bug: false,
        expected: 0x0164_7c42_6b08_75ea,
    },
    Reference {
        name: "2pc-seed-7-bug",
        seed: 7,
        steps: 2_000,
        bug: true,
        expected: 0x37fe_9dc7_5f42_f89a,
    },
];

/// Computes a reference run's trace hash.
pub fn compute(r: &Reference) -> u64 {
    let cfg = tpc::Config {
        bug_decision_before_log: r.bug,
        ..Default::default()
    };
    let spec = RunSpec::<TwoPhaseCommit> {
        cfg,
        net: NetConfig::default(),
        seed: r.seed,
        inputs: Vec::new(),
    };
    let mut h = History::new(spec).expect("valid reference configuration");
    run_with_faults(&mut h, &mut Swarm::new(r.seed), r.steps);
    trace_hash(h.records())
}
