//! Resource bounds: what a run may grow to before the simulator stops it.
//!
//! Every configuration the format accepts must be safe to open in a browser tab and in
//! the CLI. Some valid combinations still grow without end (a retry every tick while a
//! message takes 10,000 ticks to arrive piles up millions of messages in flight). Rather
//! than die, a run stops at the first bound it passes, with a [`Stop`] that says which and
//! why; what was recorded until then stays, and can be stepped through and shared. The
//! record itself never stops a run: past [`MAX_RECORD_BYTES`] its oldest steps are thinned.

use super::{Protocol, StepRecord, World};
use serde::Serialize;

/// The most messages in flight at once.
pub const MAX_IN_FLIGHT: usize = 200_000;
/// The most weight a world may have (see [`Protocol::weight`]: log and map entries,
/// plus one per message in flight).
pub const MAX_WORLD_WEIGHT: usize = 2_000_000;
/// The most bytes a run's recorded steps may take (an estimate: see [`record_bytes`]).
/// Past it, [`super::history::History`] thins the run: it drops its oldest steps (and
/// their checkpoints) down to three quarters of this, and keeps recording. Every input is
/// kept, so the whole run can still be exported and replayed. `examples/limits.rs`
/// measures the estimate against resident memory: over 200,000 steps of Raft's example,
/// 178 B a step estimated and 194 B resident (checkpoints included); over 1,000,000 steps
/// of Raft's or sharding's, thinned at this budget, resident memory grew by 139 MB. So
/// 128 MiB of steps leaves room for checkpoints and the page in a tab's memory.
pub const MAX_RECORD_BYTES: u64 = 128 << 20;
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

/// An estimate of the bytes one recorded step takes in [`super::store`]: its head, its
/// effects in the arenas, its event when it is stored whole (`whole_event`; a message that
/// arrived, was lost or dropped is otherwise a pointer to its send), and the weight of the
/// messages it holds (a Raft AppendEntries carries entries).
pub fn record_bytes<P: Protocol>(r: &StepRecord<P>, whole_event: bool) -> u64 {
    use std::mem::size_of;
    let event = whole_event.then_some(&r.event);
    let fixed = super::store::HEAD_BYTES
        + event.map_or(0, |_| size_of::<super::Event<P>>())
        + r.sent.len() * size_of::<super::Sent<P>>()
        + r.timers_set.len() * size_of::<(super::NodeId, P::Timer, super::Tick)>()
        + r.persisted.len() * size_of::<super::NodeId>()
        + r.notes.len() * size_of::<(super::NodeId, P::Note)>()
        + r.violations.len() * size_of::<super::Violation<P>>();
    let body = |e: &super::Event<P>| match e {
        super::Event::Delivered { body, .. }
        | super::Event::Lost { body, .. }
        | super::Event::Dropped { body, .. } => P::msg_weight(body),
        super::Event::TimerFired { .. } | super::Event::Input { .. } => 0,
    };
    let sent: usize = r.sent.iter().map(|s| P::msg_weight(&s.body)).sum();
    let carried = sent + event.map_or(0, body);
    fixed as u64 + carried as u64 * BYTES_PER_WEIGHT
}
