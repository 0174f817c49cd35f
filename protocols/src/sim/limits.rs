//! Resource bounds: what a run may grow to before the simulator stops it.
//!
//! Every configuration the format accepts must be safe to open in a browser tab and in
//! the CLI. Some valid combinations still grow without end (a retry every tick while a
//! message takes 10,000 ticks to arrive piles up millions of messages in flight). Rather
//! than die, a run stops at the first bound it passes, with a [`Stop`] that says which and
//! why; what was recorded until then stays, and can be stepped through and shared.

use super::{Protocol, StepRecord, World};
use serde::Serialize;

/// The most messages in flight at once.
pub const MAX_IN_FLIGHT: usize = 200_000;
/// The most weight a world may have (see [`Protocol::weight`]: log and map entries,
/// plus one per message in flight).
pub const MAX_WORLD_WEIGHT: usize = 2_000_000;
/// The most bytes a recorded run's steps may take (an estimate: see [`record_bytes`]).
/// A browser tab's WebAssembly memory is at most 4 GiB, and one growing `Vec` of steps
/// needs up to twice its size while it moves; measured resident memory is up to twice this
/// estimate (`examples/limits.rs`), so 384 MiB leaves room for checkpoints and the page.
pub const MAX_RECORD_BYTES: u64 = 384 << 20;
/// Bytes one unit of message weight stands for in [`record_bytes`].
const BYTES_PER_WEIGHT: u64 = 32;

/// Why a run stopped before it was asked to.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "bound", rename_all = "snake_case")]
pub enum Stop {
    /// More than `max` messages were in flight at `step`.
    InFlight { step: u64, count: usize, max: usize },
    /// The world (logs, maps, messages) weighed more than `max` units at `step`.
    WorldSize {
        step: u64,
        weight: usize,
        max: usize,
    },
    /// The recorded steps took more than `max` bytes (estimated) at `step`.
    Memory { step: u64, bytes: u64, max: u64 },
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stop::InFlight { step, count, max } => write!(
                f,
                "stopped at step {step}: {count} messages in flight (at most {max} are kept)"
            ),
            Stop::WorldSize { step, weight, max } => write!(
                f,
                "stopped at step {step}: the nodes' logs, maps and messages hold {weight} entries (at most {max} are kept)"
            ),
            Stop::Memory { step, bytes, max } => write!(
                f,
                "stopped at step {step}: the recorded steps take about {} MiB (at most {} MiB are kept)",
                bytes >> 20,
                max >> 20
            ),
        }
    }
}

/// The world's weight: its nodes' [`Protocol::weight`], plus each message in flight.
pub fn world_weight<P: Protocol>(world: &World<P>) -> usize {
    let nodes: usize = world.nodes().iter().map(|s| P::weight(s)).sum();
    nodes + world.in_flight().len()
}

/// The first world bound that `world` passes, if any (`weight` from [`world_weight`]).
pub fn check_world<P: Protocol>(world: &World<P>, weight: usize) -> Option<Stop> {
    let step = world.step;
    let count = world.in_flight().len();
    if count > MAX_IN_FLIGHT {
        return Some(Stop::InFlight {
            step,
            count,
            max: MAX_IN_FLIGHT,
        });
    }
    (weight > MAX_WORLD_WEIGHT).then_some(Stop::WorldSize {
        step,
        weight,
        max: MAX_WORLD_WEIGHT,
    })
}

/// An estimate of the bytes one recorded step takes: its fixed size, what its vectors
/// hold, and the weight of the messages it sent (a Raft AppendEntries carries entries).
pub fn record_bytes<P: Protocol>(r: &StepRecord<P>) -> u64 {
    use std::mem::size_of;
    let fixed = size_of::<StepRecord<P>>()
        + r.sent.len() * size_of::<super::Sent<P>>()
        + r.timers_set.len() * size_of::<(super::NodeId, P::Timer, super::Tick)>()
        + r.persisted.len() * size_of::<super::NodeId>()
        + r.notes.len() * size_of::<(super::NodeId, P::Note)>()
        + r.violations.len() * size_of::<super::Violation<P>>();
    let carried: usize = r.sent.iter().map(|s| P::msg_weight(&s.body)).sum();
    fixed as u64 + carried as u64 * BYTES_PER_WEIGHT
}

/// The most steps of `P` that [`MAX_RECORD_BYTES`] can hold, at the smallest a step can
/// be. A run asking for more is refused before anything is recorded.
pub fn max_recorded_steps<P: Protocol>() -> u64 {
    MAX_RECORD_BYTES / std::mem::size_of::<StepRecord<P>>() as u64
}
