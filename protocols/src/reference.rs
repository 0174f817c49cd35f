//! Reference runs whose trace hashes are pinned. The native test and the
//! wasm-bindgen-test in headless Chromium compute them and compare with the same
//! expected values: that is how we know a run is identical on both platforms.

use crate::load_balancing::LoadBalancing;
use crate::paxos::Paxos;
use crate::raft::Raft;
use crate::registry::{self, Engine, Visit};
use crate::sharding::Sharding;
use crate::sim::history::RunSpec;
use crate::sim::swarm::{Run, Swarm};
use crate::sim::{NetConfig, Protocol};
use crate::two_phase_commit::TwoPhaseCommit;

/// One pinned run: a seeded random-fault run of `steps` steps of `protocol` (default
/// network, faults and requests drawn by [`Swarm`] from the seed), with its first bug switch
/// on if `bug`.
pub struct Reference {
    pub name: &'static str,
    pub protocol: &'static str,
    pub seed: u64,
    pub steps: u64,
    /// The configuration, as a scenario's `config` (the rest default).
    pub config: &'static str,
    pub bug: bool,
    pub expected: u64,
}

pub const REFERENCES: &[Reference] = &[
    Reference {
        protocol: TwoPhaseCommit::NAME,
        name: "2pc-seed-1",
        seed: 1,
        steps: 1_000,
        config: "{}",
        bug: false,
        expected: 0xe5f1_084e_8c09_db2e,
    },
    Reference {
        protocol: TwoPhaseCommit::NAME,
        name: "2pc-seed-2",
        seed: 2,
        steps: 1_000,
        config: "{}",
        bug: false,
        expected: 0x7db1_ddbe_814f_5069,
    },
    Reference {
        protocol: TwoPhaseCommit::NAME,
        name: "2pc-seed-7-bug",
        seed: 7,
        steps: 2_000,
        config: "{}",
        bug: true,
        expected: 0xc871_b0f1_2a77_2533,
    },
    Reference {
        protocol: Raft::NAME,
        name: "raft-seed-3",
        seed: 3,
        steps: 2_000,
        config: "{}",
        bug: false,
        expected: 0x87d4_79d6_c4b3_339f,
    },
    Reference {
        protocol: Paxos::NAME,
        name: "paxos-seed-5",
        seed: 5,
        steps: 2_000,
        config: "{}",
        bug: false,
        expected: 0xd5d9_081e_fb18_7255,
    },
    Reference {
        protocol: Sharding::NAME,
        name: "sharding-seed-4",
        seed: 4,
        steps: 3_000,
        config: "{}",
        bug: false,
        expected: 0xc767_763f_770f_9b2e,
    },
    Reference {
        protocol: LoadBalancing::NAME,
        name: "load-balancing-seed-9",
        seed: 9,
        steps: 3_000,
        // Power of two choices: the balancer's own random draws are pinned too.
        config: r#"{"algorithm": "power_of_two"}"#,
        bug: false,
        expected: 0x32cf_27fc_a5aa_3efb,
    },
];

/// Computes a reference run's trace hash.
pub fn compute(r: &Reference) -> u64 {
    struct Hash<'a>(&'a Reference);
    impl Visit for Hash<'_> {
        type Out = u64;
        fn visit<P: Engine>(self) -> u64 {
            let r = self.0;
            let mut cfg: P::Config =
                serde_json::from_str(r.config).expect("a reference configuration");
            if r.bug {
                P::set_bug(&mut cfg, P::BUGS[0]);
            }
            hash_of::<P>(cfg, r)
        }
    }
    registry::dispatch(r.protocol, Hash(r)).unwrap_or_else(|| panic!("no protocol {}", r.protocol))
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
