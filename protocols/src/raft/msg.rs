//! Raft's messages, timers, requests, log entries and notes (extended paper, Figure 2).

use crate::sim::NodeId;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

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
    /// A configuration: the servers whose votes count (dissertation §4.1). A server uses the
    /// latest configuration in its log, committed or not.
    Config {
        members: BTreeSet<NodeId>,
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
    /// Pre-vote (dissertation §9.6): "would you vote for me in `term`?", asked before a
    /// candidate increments its term. Receiving it changes nothing on the voter.
    PreVote {
        term: Term,
        last_log_index: u64,
        last_log_term: Term,
    },
    /// `term` is the proposed term when granted, the voter's current term when not.
    PreVoteReply {
        term: Term,
        granted: bool,
    },
    /// Leader → a follower whose next entry was compacted away (§7, Figure 13): the whole
    /// snapshot in one message (the paper's offset/done chunking is not needed at this size).
    InstallSnapshot {
        term: Term,
        last_included_index: u64,
        last_included_term: Term,
        members: BTreeSet<NodeId>,
        kv: BTreeMap<String, u32>,
    },
    /// `match_index`: the follower now matches the leader up to here (the snapshot's index).
    InstallSnapshotReply {
        term: Term,
        match_index: u64,
    },
}

impl Msg {
    pub fn term(&self) -> Term {
        match *self {
            Msg::RequestVote { term, .. }
            | Msg::RequestVoteReply { term, .. }
            | Msg::AppendEntries { term, .. }
            | Msg::AppendEntriesReply { term, .. }
            | Msg::PreVote { term, .. }
            | Msg::PreVoteReply { term, .. }
            | Msg::InstallSnapshot { term, .. }
            | Msg::InstallSnapshotReply { term, .. } => term,
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
    /// Leader, with `check_quorum` on: every election timeout, check that a majority of
    /// its configuration answered since the last check (dissertation §6.2).
    CheckQuorum,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "request", rename_all = "snake_case", deny_unknown_fields)]
pub enum Request {
    /// A client's write, sent to this server.
    Put { key: String, value: u32 },
    /// Start an election now ("Time out").
    TimeoutNow,
    /// Add a server to the cluster, one at a time (dissertation §4.1).
    AddServer { server: NodeId },
    /// Remove a server (possibly the leader itself) from the cluster (§4.1, §4.2.2).
    RemoveServer { server: NodeId },
}

/// Why a leader refused a membership change.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfigRefusal {
    AlreadyMember,
    NotMember,
    NoSuchServer,
    /// §4.1: one change at a time; the previous configuration is not committed yet.
    ChangePending,
    /// The leader has not committed an entry of its own term yet (the single-server
    /// change fix, Ongaro, raft-dev, 2015).
    NoCommitInTerm,
    /// Removing the last server would leave no cluster.
    LastServer,
}

/// Why a server denied its vote.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DenyReason {
    StaleTerm,
    AlreadyVoted,
    /// §5.4.1: the candidate's log is less up-to-date than the voter's.
    LogBehind,
    /// Pre-vote only (§9.6): the voter heard from a leader of its current term since its
    /// election timer last fired.
    LeaderAlive,
    /// Pre-vote only (§9.6): the voter is itself the leader of its term.
    IsLeader,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "note", rename_all = "snake_case")]
pub enum Note {
    BecameFollower {
        term: Term,
    },
    /// `after_pre_vote`: a majority granted its pre-vote; otherwise its timer fired (§5.2).
    BecameCandidate {
        term: Term,
        after_pre_vote: bool,
    },
    BecameLeader {
        term: Term,
    },
    /// `log_behind`: the candidate's log is less up-to-date, and the vote is granted only
    /// because bug switch 1 skips the election restriction (§5.4.1).
    VoteGranted {
        candidate: NodeId,
        term: Term,
        log_behind: bool,
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
    /// The leader's commit index advanced: entries up to `index` are committed. `old_term`:
    /// the entry at `index` is of an earlier term, committed by counting replicas, which
    /// only bug switch 2 does (Figure 8, §5.4.2).
    Committed {
        index: u64,
        term: Term,
        old_term: bool,
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
    /// Pre-vote (§9.6): the server asks whether it could win an election in `term`.
    BecamePreCandidate {
        term: Term,
    },
    /// `log_behind` as in `VoteGranted` (bug switch 1).
    PreVoteGranted {
        candidate: NodeId,
        term: Term,
        log_behind: bool,
    },
    PreVoteDenied {
        candidate: NodeId,
        term: Term,
        reason: DenyReason,
    },
    /// The election timer fired (or "Time out" was pressed) on a server outside its latest
    /// configuration: it does not start an election.
    NotInConfig,
    /// A leader appended a new configuration at `index`.
    ConfigChanged {
        index: u64,
        members: BTreeSet<NodeId>,
    },
    ConfigRefused {
        reason: ConfigRefusal,
    },
    /// A leader whose removal is committed steps down (§4.2.2).
    SteppedDown {
        term: Term,
    },
    /// CheckQuorum (dissertation §6.2): a leader that heard from no majority of its
    /// configuration for an election timeout steps down, staying in its term.
    LostQuorum {
        term: Term,
    },
    /// The server compacted its log: entries up to `index` now live in a snapshot (§7).
    Snapshotted {
        index: u64,
        term: Term,
    },
    /// A follower replaced its state with the leader's snapshot (Figure 13).
    SnapshotInstalled {
        index: u64,
        term: Term,
    },
    /// A follower already had everything the snapshot holds.
    SnapshotIgnored {
        index: u64,
    },
    /// A request from an older term, refused with the current term, which makes a sender
    /// still in that term step down (§5.1).
    StaleRequestRefused {
        term: Term,
        current: Term,
    },
    /// A reply from an older term, dropped (§5.1).
    StaleReplyDropped {
        term: Term,
    },
    /// A restart: `term`, the snapshot up to `snapshot_index` and `entries` log entries
    /// after it come back from disk. `forgot_vote`: bug switch 3 lost a vote of this term.
    Recovered {
        term: Term,
        snapshot_index: u64,
        entries: u64,
        forgot_vote: bool,
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

/// A server's name, as the lab and the transcripts write it.
fn server(id: &NodeId) -> String {
    format!("S{}", id.0 + 1)
}

impl std::fmt::Display for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Command::Noop => f.write_str("noop"),
            Command::Put { key, value } => write!(f, "{key}={value}"),
            Command::Config { members } => {
                let m: Vec<String> = members.iter().map(server).collect();
                write!(f, "config{{{}}}", m.join(","))
            }
        }
    }
}

/// One line per message, for transcripts: `AppendEntries t3 prev=1/1 [t3:x=1] commit=1`
/// (an index/term pair is `index/term`).
impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let yes = |b: &bool| if *b { "granted" } else { "refused" };
        match self {
            Msg::RequestVote {
                term,
                last_log_index,
                last_log_term,
            }
            | Msg::PreVote {
                term,
                last_log_index,
                last_log_term,
            } => {
                let kind = if matches!(self, Msg::PreVote { .. }) {
                    "PreVote"
                } else {
                    "RequestVote"
                };
                write!(
                    f,
                    "{kind} t{} last={last_log_index}/{}",
                    term.0, last_log_term.0
                )
            }
            Msg::RequestVoteReply { term, granted } | Msg::PreVoteReply { term, granted } => {
                let kind = if matches!(self, Msg::PreVoteReply { .. }) {
                    "PreVoteReply"
                } else {
                    "RequestVoteReply"
                };
                write!(f, "{kind} t{} {}", term.0, yes(granted))
            }
            Msg::AppendEntries {
                term,
                prev_log_index,
                prev_log_term,
                entries,
                leader_commit,
            } => {
                let e: Vec<String> = entries
                    .iter()
                    .map(|e| format!("t{}:{}", e.term.0, e.cmd))
                    .collect();
                write!(
                    f,
                    "AppendEntries t{} prev={prev_log_index}/{} [{}] commit={leader_commit}",
                    term.0,
                    prev_log_term.0,
                    e.join(" ")
                )
            }
            Msg::AppendEntriesReply {
                term,
                success,
                match_index,
            } => write!(
                f,
                "AppendEntriesReply t{} {} match={match_index}",
                term.0,
                if *success { "ok" } else { "mismatch" }
            ),
            Msg::InstallSnapshot {
                term,
                last_included_index,
                last_included_term,
                members,
                kv,
            } => {
                let m: Vec<String> = members.iter().map(server).collect();
                let kv: Vec<String> = kv.iter().map(|(k, v)| format!("{k}={v}")).collect();
                write!(
                    f,
                    "InstallSnapshot t{} last={last_included_index}/{} members={{{}}} kv={{{}}}",
                    term.0,
                    last_included_term.0,
                    m.join(","),
                    kv.join(",")
                )
            }
            Msg::InstallSnapshotReply { term, match_index } => {
                write!(f, "InstallSnapshotReply t{} match={match_index}", term.0)
            }
        }
    }
}
