//! Paxos's ballots, values, messages, timers, requests and notes (Lamport, "Paxos Made
//! Simple", 2001).

use crate::sim::NodeId;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A proposal number (§2.2: "different proposals have different numbers"): a round,
/// then the proposer's number (1-based) to break ties. Totally ordered; `Ballot::ZERO` is
/// below every real ballot.
#[derive(
    Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Ballot {
    pub round: u64,
    pub proposer: u32,
}

impl Ballot {
    pub const ZERO: Ballot = Ballot {
        round: 0,
        proposer: 0,
    };
}

impl fmt::Display for Ballot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.round, self.proposer)
    }
}

/// A value a proposer can propose: a proposer's own value in single-decree Paxos, a
/// client command in Multi-Paxos, or the no-op a new leader fills a gap with (§3).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "text", rename_all = "snake_case")]
pub enum Value {
    Noop,
    V(String),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Noop => write!(f, "no-op"),
            Value::V(s) => write!(f, "{s}"),
        }
    }
}

/// What an acceptor has accepted in one slot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AcceptedIn {
    pub slot: u64,
    pub ballot: Ballot,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Msg {
    /// Phase 1a: a prepare request numbered `ballot`, for every slot from `from_slot` on
    /// (one slot in single-decree Paxos; all future ones for a Multi-Paxos leader, §3).
    Prepare { ballot: Ballot, from_slot: u64 },
    /// Phase 1b: the promise not to accept anything numbered below `ballot`, with the
    /// highest-numbered proposal accepted in each slot from `from_slot` on.
    Promise {
        ballot: Ballot,
        accepted: Vec<AcceptedIn>,
    },
    /// The acceptor has promised `promised`, above `ballot`: the proposer should give up
    /// that ballot (an optimisation the paper suggests, §2.2).
    Nack { ballot: Ballot, promised: Ballot },
    /// Phase 2a: an accept request.
    Accept {
        ballot: Ballot,
        slot: u64,
        value: Value,
    },
    /// Phase 2b: the acceptor accepted; sent to the proposer and to every learner (§2.3).
    Accepted {
        ballot: Ballot,
        slot: u64,
        value: Value,
    },
    /// A proposer's "I am alive", for electing the distinguished proposer (§2.4).
    Heartbeat,
    /// Multi-Paxos: a client command handed to the proposer believed to lead.
    Forward { value: Value },
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Timer {
    /// Single-decree: the proposer starts proposing its value.
    Start,
    /// No progress in time: start a new ballot (or resend accept requests).
    Retry,
    /// The randomized backoff after a lost ballot is over (the cure for duels).
    Backoff,
    /// Send heartbeats to the other proposers.
    Heartbeat,
    /// Decide who is alive, so who is the distinguished proposer.
    Check,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "request", rename_all = "snake_case", deny_unknown_fields)]
pub enum Request {
    /// Multi-Paxos: a client submits a command to this proposer.
    Submit { command: String },
    /// Start a new ballot now (a proposer's "Propose now").
    ProposeNow,
}

/// Why a proposer is not proposing now.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// The distinguished-proposer cure: another proposer is the one to propose.
    NotDistinguished,
    /// Nothing left to propose.
    NothingToDo,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "note", rename_all = "snake_case")]
pub enum Note {
    // Proposers.
    /// Phase 1 begins with a new ballot.
    Preparing {
        ballot: Ballot,
        from_slot: u64,
    },
    /// A majority promised: phase 1 is done for every slot from `from_slot` on.
    PromisedByMajority {
        ballot: Ballot,
    },
    /// Phase 2 for one slot: `adopted` says the value came from a promise (the highest-
    /// numbered accepted proposal), not from the proposer. `ignored`, only under bug switch
    /// 2: the highest-numbered proposal a promise reported in this slot (ballot, value),
    /// whose value P2c required it to propose, and which it ignored.
    Proposing {
        ballot: Ballot,
        slot: u64,
        value: Value,
        adopted: Option<Ballot>,
        #[serde(skip_serializing_if = "Option::is_none")]
        ignored: Option<(Ballot, Value)>,
    },
    /// The proposer's ballot lost to a higher promise.
    Preempted {
        ballot: Ballot,
        promised: Ballot,
    },
    BackingOff {
        ticks_max: u64,
    },
    /// The proposer learned from a majority of accepts that `value` is chosen in `slot`.
    KnowsChosen {
        slot: u64,
        value: Value,
    },
    NotProposing {
        cause: Cause,
    },
    Queued {
        value: Value,
    },
    Forwarded {
        value: Value,
        to: NodeId,
    },
    /// The distinguished proposer changed, as far as this proposer knows.
    Distinguished {
        proposer: NodeId,
    },
    Resending {
        ballot: Ballot,
        slots: u64,
    },
    // Acceptors.
    Promised {
        ballot: Ballot,
        previous: Ballot,
    },
    RefusedPrepare {
        ballot: Ballot,
        promised: Ballot,
    },
    AcceptedValue {
        ballot: Ballot,
        slot: u64,
        value: Value,
    },
    RefusedAccept {
        ballot: Ballot,
        promised: Ballot,
    },
    Recovered {
        promised: Ballot,
        accepted: u64,
    },
    // Learners.
    Learned {
        slot: u64,
        value: Value,
        ballot: Ballot,
    },
    // Violation details.
    TwoValuesChosen {
        slot: u64,
        first: Value,
        second: Value,
    },
    ChosenChanged {
        node: NodeId,
        slot: u64,
        was: Value,
        now: Value,
    },
    AcceptedBelowPromise {
        acceptor: NodeId,
        ballot: Ballot,
        promised: Ballot,
    },
    LearnedUnchosen {
        learner: NodeId,
        slot: u64,
        value: Value,
    },
}

/// One line per message, for transcripts: `Prepare b1.2 from=0`, `Accepted b1.2 s0=X`
/// (ballot `round.proposer`, slot `s`).
impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Prepare { ballot, from_slot } => write!(f, "Prepare b{ballot} from=s{from_slot}"),
            Msg::Promise { ballot, accepted } => {
                let a: Vec<String> = accepted
                    .iter()
                    .map(|a| format!("s{}=b{}:{}", a.slot, a.ballot, a.value))
                    .collect();
                write!(f, "Promise b{ballot} accepted=[{}]", a.join(" "))
            }
            Msg::Nack { ballot, promised } => write!(f, "Nack b{ballot} promised=b{promised}"),
            Msg::Accept {
                ballot,
                slot,
                value,
            } => write!(f, "Accept b{ballot} s{slot}={value}"),
            Msg::Accepted {
                ballot,
                slot,
                value,
            } => write!(f, "Accepted b{ballot} s{slot}={value}"),
            Msg::Heartbeat => f.write_str("Heartbeat"),
            Msg::Forward { value } => write!(f, "Forward {value}"),
        }
    }
}
