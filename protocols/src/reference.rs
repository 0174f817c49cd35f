//! Reference runs whose trace hashes are pinned. The native test and the
//! wasm-bindgen-test in headless Chromium compute them and compare with the same
//! expected values: that is how we know a run is identical on both platforms.

use crate::load_balancing::{self as lb, LoadBalancing};
use crate::paxos::{self, Paxos};
use crate::raft::{self, Raft};
use crate::sharding::Sharding;
use crate::sim::history::RunSpec;
use crate::sim::swarm::{Run, Swarm};
use crate::sim::{NetConfig, Protocol};
use crate::two_phase_commit::{self as tpc, TwoPhaseCommit};

/// One pinned run: a seeded random-fault run of `steps` steps of `protocol` (default
/// configuration and network, faults and requests drawn by [`Swarm`] from the seed), with
/// its first bug switch on if `bug`.
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
        expected: 0xe5f1_084e_8c09_db2e,
    },
    Reference {
        protocol: TwoPhaseCommit::NAME,
        name: "2pc-seed-2",
        seed: 2,
        steps: 1_000,
        bug: false,
        expected: 0x7db1_ddbe_814f_5069,
    },
    Reference {
        protocol: TwoPhaseCommit::NAME,
        name: "2pc-seed-7-bug",
        seed: 7,
        steps: 2_000,
        bug: true,
        expected: 0xc871_b0f1_2a77_2533,
    },
    Reference {
        protocol: Raft::NAME,
        name: "raft-seed-3",
        seed: 3,
        steps: 2_000,
        bug: false,
        expected: 0x87d4_79d6_c4b3_339f,
    },
    Reference {
        protocol: Paxos::NAME,
        name: "paxos-seed-5",
        seed: 5,
        steps: 2_000,
        bug: false,
        expected: 0xd5d9_081e_fb18_7255,
    },
    Reference {
        protocol: Sharding::NAME,
        name: "sharding-seed-4",
        seed: 4,
        steps: 3_000,
        bug: false,
        expected: 0xc767_763f_770f_9b2e,
    },
    Reference {
        protocol: LoadBalancing::NAME,
        name: "load-balancing-seed-9",
        seed: 9,
        steps: 3_000,
        bug: false,
        expected: 0x32cf_27fc_a5aa_3efb,
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
        Sharding::NAME => hash_of::<Sharding>(Default::default(), r),
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
    let nodes = P::node_count(&cfg);
    let spec = RunSpec::<P> {
        cfg,
        net: NetConfig::default(),
        seed: r.seed,
        inputs: Vec::new(),
    };
    let mut run = Run::new(spec)
        .expect("valid reference configuration")
        .traced();
    let mut swarm = Swarm::new(r.seed, nodes, &[300]);
    run.with_faults(&mut swarm, r.steps, &mut |w, rng| {
        P::random_request(&w.cfg, &mut |n| rng.below(n))
    });
    run.trace_hash()
}
