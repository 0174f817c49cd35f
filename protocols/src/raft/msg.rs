//! Raft's messages, timers, requests, log entries and notes (extended paper, Figure 2).

use crate::sim::NodeId;
use serde::{Deserialize, Serialize};

/// A term: Raft's logical clock (§5.1).
#[derive(
    Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Term(pub u64);

/// What a log entry asks the state machine (a small key-value store) to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    /// The entry a new leader appends at the start of its term (§8).
    Noop,
    Put {
        key: String,
        value: u32,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub term: Term,
    pub cmd: Command,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Msg {
    /// Candidate → all (§5.2), carrying its last log entry for the election restriction (§5.4.1).
    RequestVote {
        term: Term,
        last_log_index: u64,
        last_log_term: Term,
    },
    RequestVoteReply {
        term: Term,
        granted: bool,
    },
    /// Leader → follower: entries after `prev_log_index`, or none (a heartbeat) (§5.3).
    AppendEntries {
        term: Term,
        prev_log_index: u64,
        prev_log_term: Term,
        entries: Vec<Entry>,
        leader_commit: u64,
    },
    /// `match_index`: on success the follower's log matches up to here; on failure, a hint
    /// where the leader should try next (the follower's last index, if its log is shorter).
    AppendEntriesReply {
        term: Term,
        success: bool,
        match_index: u64,
    },
}

impl Msg {
    pub fn term(&self) -> Term {
        match *self {
            Msg::RequestVote { term, .. }
            | Msg::RequestVoteReply { term, .. }
            | Msg::AppendEntries { term, .. }
            | Msg::AppendEntriesReply { term, .. } => term,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Timer {
    /// Follower or candidate: no leader heard from in time; start an election (§5.2).
    Election,
    /// Leader: send heartbeats (empty AppendEntries) to keep followers from electing.
    Heartbeat,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "request", rename_all = "snake_case", deny_unknown_fields)]
pub enum Request {
    /// A client's write, sent to this server.
    Put { key: String, value: u32 },
    /// Start an election now ("Time out").
    TimeoutNow,
}

/// Why a server denied its vote.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DenyReason {
    StaleTerm,
    AlreadyVoted,
    /// §5.4.1: the candidate's log is less up-to-date than the voter's.
    LogBehind,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "note", rename_all = "snake_case")]
pub enum Note {
    BecameFollower {
        term: Term,
    },
    BecameCandidate {
        term: Term,
    },
    BecameLeader {
        term: Term,
    },
    VoteGranted {
        candidate: NodeId,
        term: Term,
    },
    VoteDenied {
        candidate: NodeId,
        term: Term,
        reason: DenyReason,
    },
    /// A leader appended a client command (or its no-op) at `index`.
    Appended {
        index: u64,
        term: Term,
    },
    /// A follower accepted AppendEntries: `appended` new entries (0 for a heartbeat), its log
    /// now ending at `last`, after truncating a conflict from `truncated_from`.
    Accepted {
        last: u64,
        appended: u64,
        truncated_from: Option<u64>,
    },
    /// A follower refused AppendEntries: its log does not match at `prev_log_index`.
    Mismatch {
        prev_log_index: u64,
    },
    /// The leader moves `nextIndex` back for a follower after a refusal.
    BackedOff {
        follower: NodeId,
        next_index: u64,
    },
    /// The leader's commit index advanced: entries up to `index` are committed.
    Committed {
        index: u64,
        term: Term,
    },
    Applied {
        index: u64,
        term: Term,
        cmd: Command,
    },
    /// A non-leader refused a client request; `leader` is its hint.
    NotLeader {
        leader: Option<NodeId>,
    },
    /// A message from an older term, ignored.
    StaleMessage {
        term: Term,
    },
    Recovered {
        term: Term,
        log_len: u64,
    },
    // Violation details.
    TwoLeaders {
        term: Term,
        first: NodeId,
        second: NodeId,
    },
    LeaderRewroteLog {
        leader: NodeId,
        term: Term,
        index: u64,
    },
    LogsDiverge {
        a: NodeId,
        b: NodeId,
        index: u64,
    },
    CommittedEntryMissing {
        leader: NodeId,
        term: Term,
        index: u64,
    },
    DifferentApplied {
        index: u64,
        a: NodeId,
        b: NodeId,
    },
}
