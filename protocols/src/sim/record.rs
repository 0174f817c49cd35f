//! What one step did, as data: its event and every effect it had.

use super::{Input, MsgId, NodeId, Protocol, Tick, Violation};
use serde::Serialize;

/// Why a message never arrived.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LossReason {
    DestinationDown,
    Partitioned,
    RandomLoss,
}

/// What one step did.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case", bound = "")]
pub enum Event<P: Protocol> {
    Delivered {
        msg: MsgId,
        from: NodeId,
        to: NodeId,
        body: P::Msg,
    },
    Lost {
        msg: MsgId,
        from: NodeId,
        to: NodeId,
        body: P::Msg,
        reason: LossReason,
    },
    TimerFired {
        node: NodeId,
        timer: P::Timer,
    },
    /// The user (or a fault plan) dropped this message in flight.
    Dropped {
        msg: MsgId,
        from: NodeId,
        to: NodeId,
        body: P::Msg,
    },
    /// An input was applied; `applied` is false when it changed nothing
    /// (crashing a node that is down, dropping a message already delivered).
    Input {
        input: Input<P>,
        applied: bool,
    },
}

/// A message that a step put on the wire.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(bound = "")]
pub struct Sent<P: Protocol> {
    pub msg: MsgId,
    pub from: NodeId,
    pub to: NodeId,
    pub body: P::Msg,
    pub deliver_at: Tick,
}

/// Everything one step did, as data: the UI animates it and its text catalog narrates it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(bound = "")]
pub struct StepRecord<P: Protocol> {
    pub step: u64,
    pub time: Tick,
    pub event: Event<P>,
    pub sent: Vec<Sent<P>>,
    pub timers_set: Vec<(NodeId, P::Timer, Tick)>,
    pub persisted: Vec<NodeId>,
    pub notes: Vec<(NodeId, P::Note)>,
    pub violations: Vec<Violation<P>>,
}
