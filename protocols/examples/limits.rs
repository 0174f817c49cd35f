//! Measures what a recorded step costs for each protocol (`docs/scenario-format.md`,
//! "Limits", quotes these figures).
//!
//! `cargo run --release -p protocols --example limits [STEPS]` records each protocol's
//! example scenario for STEPS steps (default 200,000) and prints: the size of a step's
//! head in the store (`sim::store`), the estimated bytes per step of the example run
//! (`limits::record_bytes`), the resident memory it grew by per step (checkpoints
//! included), and the first step still kept if the run was thinned.
use protocols::scenario::Scenario;
use protocols::sim::history::History;
use protocols::sim::{store, Protocol};

fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

fn measure<P: Protocol>(example: &str, steps: u64) {
    let mut sc = Scenario::<P>::parse(example).expect("the example parses");
    sc.steps = steps;
    let before = resident_bytes();
    let start = std::time::Instant::now();
    let mut h: History<P> = sc.run().expect("the example is valid");
    let secs = start.elapsed().as_secs_f64();
    let grown = resident_bytes().saturating_sub(before);
    let len = h.len().max(1);
    let kept = (h.len() - h.first()).max(1);
    println!(
        "{:<17} head {:>3} B  example: {:>7} steps, ~{:>5} B/step estimated, {:>5} B/step resident, {:.2} s{}{}",
        P::NAME,
        store::HEAD_BYTES,
        h.len(),
        h.record_bytes() / kept,
        grown / len,
        secs,
        if h.first() > 0 {
            format!(" (kept from step {})", h.first())
        } else {
            String::new()
        },
        h.stopped().map(|s| format!(" ({s})")).unwrap_or_default(),
    );
    h.seek(0);
}

fn main() {
    let steps = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(200_000);
    use protocols::{
        load_balancing::LoadBalancing, paxos::Paxos, raft::Raft, sharding::Sharding,
        two_phase_commit::TwoPhaseCommit,
    };
    measure::<TwoPhaseCommit>(include_str!("two-phase-commit.json"), steps);
    measure::<Raft>(include_str!("raft.json"), steps);
    measure::<Paxos>(include_str!("paxos.json"), steps);
    measure::<Sharding>(include_str!("sharding.json"), steps);
    measure::<LoadBalancing>(include_str!("load-balancing.json"), steps);
}
