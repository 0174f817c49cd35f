//! Measures what a recorded step costs for each protocol, and the longest run a page
//! holds (`docs/scenario-format.md`, "Limits", quotes these figures).
//!
//! `cargo run --release -p protocols --example limits [STEPS]` records each protocol's
//! example scenario for STEPS steps (default 200,000) and prints: the fixed size of a
//! step record, the most steps a page records (`limits::max_recorded_steps`), the
//! estimated bytes per step of the example run, and the resident memory it grew by.
use protocols::scenario::Scenario;
use protocols::sim::history::History;
use protocols::sim::{limits, Protocol, StepRecord};

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
    let est: u64 = h.records().iter().map(limits::record_bytes).sum();
    println!(
        "{:<17} record {:>4} B  page max {:>9} steps  example: {:>7} steps, ~{:>5} B/step estimated, {:>5} B/step resident, {:.2} s{}",
        P::NAME,
        std::mem::size_of::<StepRecord<P>>(),
        limits::max_recorded_steps::<P>(),
        h.len(),
        est / len,
        grown / len,
        secs,
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
