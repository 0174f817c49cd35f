//! Protocol engines for the distributed-protocols playground.
//!
//! Pure Rust, no web dependencies: [`sim`] is the deterministic simulator, each
//! protocol is a module implementing [`sim::Protocol`], and [`scenario`] reads and
//! runs the versioned scenario files shared by the UI's export and the `sim` CLI;
//! [`sweep`] is the seed sweep (swarm testing) over every protocol.

pub mod lesson;
pub mod load_balancing;
pub mod paxos;
pub mod raft;
pub mod reference;
pub mod registry;
pub mod scenario;
pub mod script;
pub mod sharding;
pub mod sim;
pub mod sweep;
pub mod two_phase_commit;
