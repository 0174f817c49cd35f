//! Reference runs whose trace hashes are pinned. The native test and the
//! wasm-bindgen-test in headless Chromium compute them and compare with the same
//! expected values: that is how we know a run is identical on both platforms.

use crate::load_balancing::{self as lb, LoadBalancing};
use crate::paxos::{self, Paxos};
use crate::raft::{self, Raft};
use crate::sharding::{self as shard, Sharding};
use crate::sim::history::{History, RunSpec};
use crate::sim::swarm::{run_with_faults, Swarm};
use crate::sim::trace::trace_hash;
use crate::sim::{NetConfig, Protocol};
use crate::two_phase_commit::{self as tpc, TwoPhaseCommit};

/// One pinned run: a seeded random-fault run of `steps` steps of `protocol`, with its
/// first bug switch on if `bug`.
pub struct Reference {
    pub name: &'static str,
    pub protocol: &'static str,
    pub seed: u64,
    pub steps: u64,
    pub bug: bool,
    pub expected: u64,
}

pub const REFERENCES: &[Reference] = &[
    Reference {
        protocol: TwoPhaseCommit::NAME,
        name: "2pc-seed-1",
        seed: 1,
        steps: 1_000,
        bug: false,
        expected: 0x36df_36e2_cea6_e6d6,
    },
    Reference {
        protocol: TwoPhaseCommit::NAME,
        name: "2pc-seed-2",
        seed: 2,
        steps: 1_000,
        bug: false,
        expected: 0x13ec_c568_a0a7_ebcc,
    },
    Reference {
        protocol: TwoPhaseCommit::NAME,
        name: "2pc-seed-7-bug",
        seed: 7,
        steps: 2_000,
        bug: true,
        expected: 0xce5d_a0ad_ec0c_328e,
    },
    Reference {
        protocol: Raft::NAME,
        name: "raft-seed-3",
        seed: 3,
        steps: 2_000,
        bug: false,
        expected: 0xf16b_c979_9306_2857,
    },
    Reference {
        protocol: Paxos::NAME,
        name: "paxos-seed-5",
        seed: 5,
        steps: 2_000,
        bug: false,
        expected: 0x8462_f2d5_8ca6_cbe2,
    },
    Reference {
        protocol: Sharding::NAME,
        name: "sharding-seed-4",
        seed: 4,
        steps: 3_000,
        bug: false,
        expected: 0xd9bf_924f_706d_3b18,
    },
    Reference {
        protocol: LoadBalancing::NAME,
        name: "load-balancing-seed-9",
        seed: 9,
        steps: 3_000,
        bug: false,
        expected: 0x4768_6f97_0a0d_ee81,
    },
];

/// Computes a reference run's trace hash.
pub fn compute(r: &Reference) -> u64 {
    match r.protocol {
        TwoPhaseCommit::NAME => {
            let cfg = tpc::Config {
                bug_decision_before_log: r.bug,
                ..Default::default()
            };
            hash_of::<TwoPhaseCommit>(cfg, r)
        }
        Raft::NAME => {
            let cfg = raft::Config {
                bug_no_election_restriction: r.bug,
                ..Default::default()
            };
            hash_of::<Raft>(cfg, r)
        }
        Paxos::NAME => {
            let cfg = paxos::Config {
                bug_forget_promises: r.bug,
                ..Default::default()
            };
            hash_of::<Paxos>(cfg, r)
        }
        Sharding::NAME => {
            let cfg = shard::Config {
                bug_no_fencing: r.bug,
                ..Default::default()
            };
            hash_of::<Sharding>(cfg, r)
        }
        // Power of two choices: the balancer's own random draws are pinned too.
        LoadBalancing::NAME => {
            let cfg = lb::Config {
                algorithm: lb::Algorithm::PowerOfTwo,
                ..Default::default()
            };
            hash_of::<LoadBalancing>(cfg, r)
        }
        other => panic!("no reference runs for {other}"),
    }
}

fn hash_of<P: Protocol>(cfg: P::Config, r: &Reference) -> u64 {
    let spec = RunSpec::<P> {
        cfg,
        net: NetConfig::default(),
        seed: r.seed,
        inputs: Vec::new(),
    };
    let mut h = History::new(spec).expect("valid reference configuration");
    run_with_faults(&mut h, &mut Swarm::new(r.seed), r.steps);
    trace_hash(h.records())
}
