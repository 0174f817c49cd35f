//! Every protocol in one table. A tool that does something with "the protocol named N"
//! writes it once, generically, as a [`Visit`], and [`dispatch`] picks the types; no
//! other code lists the protocols (the labs have their own table, `src/labs/registry.rs`).

use crate::load_balancing::LoadBalancing;
use crate::paxos::Paxos;
use crate::raft::Raft;
use crate::script::Scripted;
use crate::sharding::Sharding;
use crate::sim::Protocol;
use crate::sweep::Target;
use crate::two_phase_commit::TwoPhaseCommit;

/// A protocol the tools know: swept by `sim sweep`, driven by golden scripts, with a
/// bundled example.
pub trait Engine: Target + Scripted {
    /// The example scenario (`sim example`, the lab's first run, the English golden).
    const EXAMPLE: &'static str;
}

impl Engine for TwoPhaseCommit {
    const EXAMPLE: &'static str = include_str!("../examples/two-phase-commit.json");
}
impl Engine for Raft {
    const EXAMPLE: &'static str = include_str!("../examples/raft.json");
}
impl Engine for Paxos {
    const EXAMPLE: &'static str = include_str!("../examples/paxos.json");
}
impl Engine for Sharding {
    const EXAMPLE: &'static str = include_str!("../examples/sharding.json");
}
impl Engine for LoadBalancing {
    const EXAMPLE: &'static str = include_str!("../examples/load-balancing.json");
}

/// Every protocol's scenario name, in the labs' order.
pub const NAMES: [&str; 5] = [
    TwoPhaseCommit::NAME,
    Raft::NAME,
    Paxos::NAME,
    Sharding::NAME,
    LoadBalancing::NAME,
];

/// Something done with one protocol's types.
pub trait Visit {
    type Out;
    fn visit<P: Engine>(self) -> Self::Out;
}

/// Does `v` with the protocol named `name`; `None` if there is none.
pub fn dispatch<V: Visit>(name: &str, v: V) -> Option<V::Out> {
    Some(match name {
        TwoPhaseCommit::NAME => v.visit::<TwoPhaseCommit>(),
        Raft::NAME => v.visit::<Raft>(),
        Paxos::NAME => v.visit::<Paxos>(),
        Sharding::NAME => v.visit::<Sharding>(),
        LoadBalancing::NAME => v.visit::<LoadBalancing>(),
        _ => return None,
    })
}

/// Every protocol's name with its bug switches, for `sim --help`.
pub fn bug_switches() -> Vec<(&'static str, &'static [&'static str])> {
    struct Bugs;
    impl Visit for Bugs {
        type Out = &'static [&'static str];
        fn visit<P: Engine>(self) -> Self::Out {
            P::BUGS
        }
    }
    let bugs = |name: &'static str| (name, dispatch(name, Bugs).expect("every name dispatches"));
    NAMES.into_iter().map(bugs).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Name;
    impl Visit for Name {
        type Out = &'static str;
        fn visit<P: Engine>(self) -> &'static str {
            P::NAME
        }
    }

    #[test]
    fn every_name_dispatches_to_its_protocol_and_its_example_names_it() {
        for name in NAMES {
            assert_eq!(dispatch(name, Name), Some(name));
        }
        assert_eq!(dispatch("three-phase-commit", Name), None);
        struct Example;
        impl Visit for Example {
            type Out = bool;
            fn visit<P: Engine>(self) -> bool {
                crate::scenario::Scenario::<P>::parse(P::EXAMPLE).is_ok()
            }
        }
        assert!(NAMES.iter().all(|n| dispatch(n, Example) == Some(true)));
    }
}
