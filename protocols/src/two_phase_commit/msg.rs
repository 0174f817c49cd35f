//! Messages, timers, requests, write-ahead log records and notes of two-phase commit.

use crate::sim::NodeId;
use serde::{Deserialize, Serialize};

/// A transaction id, assigned by the client.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Txn(pub u32);

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Msg {
    /// Client → coordinator: run this transaction.
    Begin {
        txn: Txn,
    },
    /// Coordinator → participant: the transaction's work (the execution phase, before 2PC).
    Work {
        txn: Txn,
    },
    /// Phase 1: the coordinator asks each participant to prepare and vote.
    Prepare {
        txn: Txn,
    },
    /// Phase 1 reply. A yes vote promises to commit if told to, even after a crash.
    Vote {
        txn: Txn,
        yes: bool,
    },
    /// Phase 2: the decision.
    Commit {
        txn: Txn,
    },
    Abort {
        txn: Txn,
    },
    /// Participant → coordinator: the commit is durable here; the coordinator may forget.
    Ack {
        txn: Txn,
    },
    /// An uncertain participant asks the coordinator and its peers (cooperative termination).
    DecisionRequest {
        txn: Txn,
    },
    /// A peer's answer: it voted yes too and does not know the outcome either.
    Uncertain {
        txn: Txn,
    },
    /// Coordinator → client.
    Outcome {
        txn: Txn,
        committed: bool,
    },
}

impl Msg {
    pub fn txn(&self) -> Txn {
        match *self {
            Msg::Begin { txn }
            | Msg::Work { txn }
            | Msg::Prepare { txn }
            | Msg::Vote { txn, .. }
            | Msg::Commit { txn }
            | Msg::Abort { txn }
            | Msg::Ack { txn }
            | Msg::DecisionRequest { txn }
            | Msg::Uncertain { txn }
            | Msg::Outcome { txn, .. } => txn,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "timer", content = "txn", rename_all = "snake_case")]
pub enum Timer {
    /// Client: submit the next automatic transaction.
    NextTxn,
    /// Coordinator: the work phase is over; send PREPARE.
    SendPrepare(Txn),
    /// Coordinator: give up waiting for votes and abort.
    VoteTimeout(Txn),
    /// Coordinator: resend COMMIT to participants that have not acknowledged.
    Resend(Txn),
    /// Coordinator, bug switch only: the decision reaches the disk late.
    FlushLog(Txn),
    /// Participant: waiting for PREPARE; it has not voted, so it may abort alone.
    AwaitPrepare(Txn),
    /// Participant: voted yes and still uncertain; ask the coordinator for the decision.
    AwaitDecision(Txn),
    /// Participant: the coordinator stayed silent; ask it and every peer (cooperative termination).
    AskPeers(Txn),
    /// Client: no outcome yet; send the same BEGIN again.
    AwaitOutcome(Txn),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "request", rename_all = "snake_case", deny_unknown_fields)]
pub enum Request {
    /// At the client: submit a new transaction now.
    Submit,
    /// At a participant: vote yes (or no) on every PREPARE from now on.
    SetVote { yes: bool },
}

/// A write-ahead log record.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "record", content = "txn", rename_all = "snake_case")]
pub enum Record {
    /// Client: the transaction was submitted; coordinator: it was started (forced).
    /// Either way its id is never reused.
    Begin(Txn),
    /// Participant: prepared and voting yes (forced before the vote is sent).
    Prepared(Txn),
    /// The commit decision (coordinator: forced before COMMIT is sent).
    Commit(Txn),
    /// Participant: forced when it aborts on its own (it had not voted yes), because other
    /// nodes may act on that decision; written lazily when it is told to abort.
    Abort(Txn),
    /// Coordinator: every participant acknowledged; the transaction is forgotten.
    End(Txn),
}

/// How the coordinator answers a BEGIN whose id is not above the last one it began: a
/// retry or a late duplicate, which it never runs a second time.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rebegin {
    /// It is still running the transaction; the outcome will follow when decided.
    Running,
    /// Its log holds COMMIT: it tells the client again.
    Committed,
    /// No COMMIT record and not running: presumed aborted, so it tells the client ABORT.
    PresumedAborted,
}

/// Why the coordinator aborted.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AbortReason {
    VotedNo,
    VoteTimeout,
}

/// Structured events for the event log and the invariant checkers.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "note", rename_all = "snake_case")]
pub enum Note {
    Submitted {
        txn: Txn,
    },
    WorkStarted {
        txn: Txn,
    },
    PrepareSent {
        txn: Txn,
    },
    Voted {
        txn: Txn,
        yes: bool,
    },
    VotePolicy {
        yes: bool,
    },
    /// The coordinator decided; `logged` is false only under the bug switch.
    DecidedCommit {
        txn: Txn,
        logged: bool,
    },
    DecidedAbort {
        txn: Txn,
        reason: AbortReason,
    },
    /// A participant applied an outcome (wrote its record).
    Applied {
        txn: Txn,
        commit: bool,
    },
    /// A participant that had not voted aborted on its own (force-writing ABORT): on a
    /// timeout, or asked by a peer for the decision (cooperative termination).
    UnilateralAbort {
        txn: Txn,
        asked_by: Option<NodeId>,
    },
    /// A participant that voted yes is uncertain and asks the coordinator (and its peers).
    Blocked {
        txn: Txn,
        peers_too: bool,
    },
    /// A peer answered that it is uncertain too: no help.
    PeerUncertain {
        txn: Txn,
        peer: NodeId,
    },
    /// The coordinator has no COMMIT record of the transaction and is not running it:
    /// presumed abort (its log may still hold the transaction's BEGIN).
    PresumedAbort {
        txn: Txn,
    },
    /// The coordinator got a BEGIN whose id it has already begun (or skipped).
    Rebegun {
        txn: Txn,
        answer: Rebegin,
    },
    /// The coordinator is still collecting votes and cannot answer yet.
    StillDeciding {
        txn: Txn,
    },
    Forgotten {
        txn: Txn,
    },
    LogFlushed {
        txn: Txn,
    },
    /// A restart: `records` write-ahead log records read back from disk.
    Recovered {
        records: u64,
        in_doubt: Vec<Txn>,
        committing: Vec<Txn>,
    },
    ClientLearned {
        txn: Txn,
        committed: bool,
    },
    /// The client heard nothing of `txn` in time and sends the same BEGIN again.
    ClientRetried {
        txn: Txn,
    },
    /// A message that no longer matters here (duplicate, late, or for the wrong role).
    Ignored {
        txn: Txn,
    },
    // Violation details.
    AtomicityBroken {
        txn: Txn,
        committed_at: NodeId,
        aborted_at: NodeId,
    },
    NoVoterCommitted {
        txn: Txn,
        node: NodeId,
    },
    DecisionReversed {
        txn: Txn,
        node: NodeId,
        was_commit: bool,
    },
}

/// One line per message, for transcripts: `PREPARE T1`, `VOTE T1 yes`.
impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let t = self.txn().0;
        match self {
            Msg::Begin { .. } => write!(f, "BEGIN T{t}"),
            Msg::Work { .. } => write!(f, "WORK T{t}"),
            Msg::Prepare { .. } => write!(f, "PREPARE T{t}"),
            Msg::Vote { yes, .. } => write!(f, "VOTE T{t} {}", if *yes { "yes" } else { "no" }),
            Msg::Commit { .. } => write!(f, "COMMIT T{t}"),
            Msg::Abort { .. } => write!(f, "ABORT T{t}"),
            Msg::Ack { .. } => write!(f, "ACK T{t}"),
            Msg::DecisionRequest { .. } => write!(f, "DECISION-REQUEST T{t}"),
            Msg::Uncertain { .. } => write!(f, "UNCERTAIN T{t}"),
            Msg::Outcome { committed, .. } => {
                let o = if *committed { "committed" } else { "aborted" };
                write!(f, "OUTCOME T{t} {o}")
            }
        }
    }
}

/// A write-ahead log record, for transcripts: `prepared T1`.
impl std::fmt::Display for Record {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Record::Begin(t) => write!(f, "begin T{}", t.0),
            Record::Prepared(t) => write!(f, "prepared T{}", t.0),
            Record::Commit(t) => write!(f, "commit T{}", t.0),
            Record::Abort(t) => write!(f, "abort T{}", t.0),
            Record::End(t) => write!(f, "end T{}", t.0),
        }
    }
}
