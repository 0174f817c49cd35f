//! A Raft server: Figure 2 of the extended paper, rule by rule.

use super::msg::{Command, DenyReason, Entry, Msg, Note, Request, Term, Timer};
use super::{Config, Raft};
use crate::sim::{NodeId, Out};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

type O = Out<Raft>;

/// Persistent state on all servers (Figure 2): updated on stable storage before
/// responding to RPCs.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Disk {
    pub current_term: Term,
    pub voted_for: Option<NodeId>,
    /// Entries 1..=len (index 1 is `log[0]`).
    pub log: Vec<Entry>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum Role {
    Follower,
    Candidate {
        votes: BTreeSet<NodeId>,
    },
    /// Volatile state on leaders, reinitialised after election.
    Leader {
        next_index: BTreeMap<NodeId, u64>,
        match_index: BTreeMap<NodeId, u64>,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Node {
    /// The durable part; written to disk by `persist` before replying.
    pub d: Disk,
    pub role: Role,
    /// Volatile state on all servers.
    pub commit_index: u64,
    pub last_applied: u64,
    /// The state machine: what this server has applied.
    pub kv: BTreeMap<String, u32>,
    /// The leader this server last heard from, for client redirects.
    pub leader: Option<NodeId>,
}

impl Node {
    pub fn last_index(&self) -> u64 {
        self.d.log.len() as u64
    }
    pub fn last_term(&self) -> Term {
        self.d.log.last().map_or(Term(0), |e| e.term)
    }
    /// The term of the entry at `index` (0 for index 0, the empty prefix).
    pub fn term_at(&self, index: u64) -> Option<Term> {
        match index {
            0 => Some(Term(0)),
            i => self.d.log.get(i as usize - 1).map(|e| e.term),
        }
    }
}

fn peers(cfg: &Config, me: NodeId) -> impl Iterator<Item = NodeId> {
    (0..cfg.servers).map(NodeId).filter(move |n| *n != me)
}

fn majority(cfg: &Config) -> usize {
    cfg.servers as usize / 2 + 1
}

fn reset_election_timer(cfg: &Config, out: &mut O) {
    out.set_timer(
        Timer::Election,
        cfg.election_ticks_min..=cfg.election_ticks_max,
    );
}

pub(super) fn init(cfg: &Config, out: &mut O) -> Node {
    reset_election_timer(cfg, out);
    Node {
        d: Disk::default(),
        role: Role::Follower,
        commit_index: 0,
        last_applied: 0,
        kv: BTreeMap::new(),
        leader: None,
    }
}

/// Recovery: term, vote and log come back from disk; everything else starts afresh.
pub(super) fn restart(cfg: &Config, disk: &Disk, out: &mut O) -> Node {
    let mut node = init(cfg, out);
    node.d = disk.clone();
    if cfg.bug_forget_voted_for {
        // Bug switch 3: votedFor was never written to disk.
        node.d.voted_for = None;
    }
    out.note(Note::Recovered {
        term: node.d.current_term,
        log_len: node.last_index(),
    });
    node
}

/// All servers: a message from a higher term makes this server a follower in that term.
fn observe_term(node: &mut Node, term: Term, out: &mut O) {
    if term > node.d.current_term {
        node.d.current_term = term;
        node.d.voted_for = None;
        out.persist();
        if !matches!(node.role, Role::Follower) {
            out.cancel_timer(Timer::Heartbeat);
        }
        node.role = Role::Follower;
        out.note(Note::BecameFollower { term });
    }
}

pub(super) fn on_timer(cfg: &Config, me: NodeId, node: &mut Node, timer: Timer, out: &mut O) {
    match timer {
        Timer::Election => start_election(cfg, me, node, out),
        Timer::Heartbeat => {
            if matches!(node.role, Role::Leader { .. }) {
                broadcast_append_entries(cfg, me, node, out);
                out.set_timer(Timer::Heartbeat, cfg.heartbeat_ticks..=cfg.heartbeat_ticks);
            }
        }
    }
}

/// §5.2: increment currentTerm, vote for self, reset the timer, ask everyone for votes.
fn start_election(cfg: &Config, me: NodeId, node: &mut Node, out: &mut O) {
    if matches!(node.role, Role::Leader { .. }) {
        return;
    }
    node.d.current_term = Term(node.d.current_term.0 + 1);
    node.d.voted_for = Some(me);
    out.persist();
    node.role = Role::Candidate {
        votes: BTreeSet::from([me]),
    };
    node.leader = None;
    reset_election_timer(cfg, out);
    out.note(Note::BecameCandidate {
        term: node.d.current_term,
    });
    let vote = Msg::RequestVote {
        term: node.d.current_term,
        last_log_index: node.last_index(),
        last_log_term: node.last_term(),
    };
    for p in peers(cfg, me) {
        out.send(p, vote.clone());
    }
}

pub(super) fn on_request(cfg: &Config, me: NodeId, node: &mut Node, req: Request, out: &mut O) {
    match req {
        Request::TimeoutNow => start_election(cfg, me, node, out),
        Request::Put { key, value } => {
            if !matches!(node.role, Role::Leader { .. }) {
                return out.note(Note::NotLeader {
                    leader: node.leader,
                });
            }
            append_as_leader(node, Command::Put { key, value }, out);
            broadcast_append_entries(cfg, me, node, out);
        }
    }
}

fn append_as_leader(node: &mut Node, cmd: Command, out: &mut O) {
    let term = node.d.current_term;
    node.d.log.push(Entry { term, cmd });
    out.persist();
    out.note(Note::Appended {
        index: node.last_index(),
        term,
    });
}

pub(super) fn on_message(
    cfg: &Config,
    me: NodeId,
    node: &mut Node,
    from: NodeId,
    msg: Msg,
    out: &mut O,
) {
    observe_term(node, msg.term(), out);
    if msg.term() < node.d.current_term {
        // Stale: answer so the sender learns the newer term (§5.1), or drop a stale reply.
        out.note(Note::StaleMessage { term: msg.term() });
        let term = node.d.current_term;
        match msg {
            Msg::RequestVote { .. } => out.send(
                from,
                Msg::RequestVoteReply {
                    term,
                    granted: false,
                },
            ),
            Msg::AppendEntries { .. } => out.send(
                from,
                Msg::AppendEntriesReply {
                    term,
                    success: false,
                    match_index: 0,
                },
            ),
            _ => {}
        }
        return;
    }
    match msg {
        Msg::RequestVote {
            last_log_index,
            last_log_term,
            ..
        } => on_request_vote(cfg, node, from, last_log_index, last_log_term, out),
        Msg::RequestVoteReply { granted, .. } => on_vote_reply(cfg, me, node, from, granted, out),
        Msg::AppendEntries {
            prev_log_index,
            prev_log_term,
            entries,
            leader_commit,
            ..
        } => on_append_entries(
            cfg,
            node,
            from,
            prev_log_index,
            prev_log_term,
            entries,
            leader_commit,
            out,
        ),
        Msg::AppendEntriesReply {
            success,
            match_index,
            ..
        } => on_append_reply(cfg, node, from, success, match_index, out),
    }
}

/// §5.2 and §5.4.1: one vote per term, only for a candidate whose log is at least as
/// up-to-date (higher last term, or the same last term and at least as long).
fn on_request_vote(
    cfg: &Config,
    node: &mut Node,
    candidate: NodeId,
    last_index: u64,
    last_term: Term,
    out: &mut O,
) {
    let term = node.d.current_term;
    let up_to_date = last_term > node.last_term()
        || (last_term == node.last_term() && last_index >= node.last_index());
    let reason = if node.d.voted_for.is_some_and(|v| v != candidate) {
        Some(DenyReason::AlreadyVoted)
    } else if !up_to_date && !cfg.bug_no_election_restriction {
        Some(DenyReason::LogBehind)
    } else {
        None
    };
    match reason {
        Some(reason) => {
            out.note(Note::VoteDenied {
                candidate,
                term,
                reason,
            });
            out.send(
                candidate,
                Msg::RequestVoteReply {
                    term,
                    granted: false,
                },
            );
        }
        None => {
            node.d.voted_for = Some(candidate);
            out.persist();
            reset_election_timer(cfg, out);
            out.note(Note::VoteGranted { candidate, term });
            out.send(
                candidate,
                Msg::RequestVoteReply {
                    term,
                    granted: true,
                },
            );
        }
    }
}

fn on_vote_reply(
    cfg: &Config,
    me: NodeId,
    node: &mut Node,
    voter: NodeId,
    granted: bool,
    out: &mut O,
) {
    let Role::Candidate { votes } = &mut node.role else {
        return;
    };
    if !granted {
        return;
    }
    votes.insert(voter);
    if votes.len() >= majority(cfg) {
        become_leader(cfg, me, node, out);
    }
}

/// A majority voted: initialise nextIndex/matchIndex, append a no-op (§8), assert leadership.
fn become_leader(cfg: &Config, me: NodeId, node: &mut Node, out: &mut O) {
    let next = node.last_index() + 1;
    node.role = Role::Leader {
        next_index: peers(cfg, me).map(|p| (p, next)).collect(),
        match_index: peers(cfg, me).map(|p| (p, 0)).collect(),
    };
    node.leader = Some(me);
    out.cancel_timer(Timer::Election);
    out.note(Note::BecameLeader {
        term: node.d.current_term,
    });
    append_as_leader(node, Command::Noop, out);
    broadcast_append_entries(cfg, me, node, out);
    out.set_timer(Timer::Heartbeat, cfg.heartbeat_ticks..=cfg.heartbeat_ticks);
}

fn broadcast_append_entries(cfg: &Config, me: NodeId, node: &Node, out: &mut O) {
    for p in peers(cfg, me) {
        send_append_entries(cfg, node, p, out);
    }
}

fn send_append_entries(cfg: &Config, node: &Node, to: NodeId, out: &mut O) {
    let Role::Leader { next_index, .. } = &node.role else {
        return;
    };
    let next = next_index[&to].max(1);
    let prev = next - 1;
    let end = node.last_index().min(prev + cfg.max_entries_per_message);
    out.send(
        to,
        Msg::AppendEntries {
            term: node.d.current_term,
            prev_log_index: prev,
            prev_log_term: node
                .term_at(prev)
                .expect("nextIndex never passes the leader's log"),
            entries: node.d.log[prev as usize..end as usize].to_vec(),
            leader_commit: node.commit_index,
        },
    );
}

/// §5.3: the consistency check, conflict truncation, appending, and the commit index.
#[allow(clippy::too_many_arguments)]
fn on_append_entries(
    cfg: &Config,
    node: &mut Node,
    leader: NodeId,
    prev_index: u64,
    prev_term: Term,
    entries: Vec<Entry>,
    leader_commit: u64,
    out: &mut O,
) {
    let term = node.d.current_term;
    if !matches!(node.role, Role::Follower) {
        // A candidate (or, impossibly, a leader) of this term hears the term's leader.
        node.role = Role::Follower;
        out.note(Note::BecameFollower { term });
    }
    node.leader = Some(leader);
    reset_election_timer(cfg, out);
    if node.term_at(prev_index) != Some(prev_term) {
        out.note(Note::Mismatch {
            prev_log_index: prev_index,
        });
        let hint = node.last_index().min(prev_index.saturating_sub(1));
        return out.send(
            leader,
            Msg::AppendEntriesReply {
                term,
                success: false,
                match_index: hint,
            },
        );
    }
    // The index of the last new entry: the follower matches the leader up to here.
    let last_new = prev_index + entries.len() as u64;
    let mut truncated_from = None;
    let mut appended = 0;
    for (i, entry) in entries.into_iter().enumerate() {
        let index = prev_index + 1 + i as u64;
        match node.term_at(index) {
            Some(t) if t == entry.term => continue,
            Some(_) => {
                // A conflicting entry: delete it and all that follow it.
                node.d.log.truncate(index as usize - 1);
                truncated_from = Some(index);
            }
            None => {}
        }
        node.d.log.push(entry);
        appended += 1;
    }
    out.persist();
    out.note(Note::Accepted {
        last: node.last_index(),
        appended,
        truncated_from,
    });
    if leader_commit > node.commit_index {
        node.commit_index = leader_commit.min(last_new);
        apply_committed(node, out);
    }
    out.send(
        leader,
        Msg::AppendEntriesReply {
            term,
            success: true,
            match_index: last_new,
        },
    );
}

fn on_append_reply(
    cfg: &Config,
    node: &mut Node,
    follower: NodeId,
    success: bool,
    hint: u64,
    out: &mut O,
) {
    let Role::Leader {
        next_index,
        match_index,
    } = &mut node.role
    else {
        return;
    };
    if success {
        let m = match_index
            .get_mut(&follower)
            .expect("every peer has a matchIndex");
        *m = (*m).max(hint);
        next_index.insert(follower, *m + 1);
        maybe_advance_commit(cfg, node, out);
    } else {
        let next = next_index
            .get_mut(&follower)
            .expect("every peer has a nextIndex");
        *next = (*next - 1).min(hint + 1).max(1);
        out.note(Note::BackedOff {
            follower,
            next_index: *next,
        });
        send_append_entries(cfg, node, follower, out);
    }
}

/// §5.3/§5.4.2: commit N if a majority has matchIndex ≥ N and log[N] is from the
/// current term; entries of earlier terms commit only indirectly, by Log Matching.
fn maybe_advance_commit(cfg: &Config, node: &mut Node, out: &mut O) {
    let Role::Leader { match_index, .. } = &node.role else {
        return;
    };
    let mut matched: Vec<u64> = match_index
        .values()
        .copied()
        .chain([node.last_index()])
        .collect();
    matched.sort_unstable_by(|a, b| b.cmp(a));
    let replicated = matched[majority(cfg) - 1];
    let current = node.d.current_term;
    let n = (node.commit_index + 1..=replicated)
        .rev()
        .find(|&n| cfg.bug_commit_old_terms || node.term_at(n) == Some(current));
    if let Some(n) = n {
        node.commit_index = n;
        out.note(Note::Committed {
            index: n,
            term: node.term_at(n).expect("in the log"),
        });
        apply_committed(node, out);
    }
}

/// All servers: apply log[lastApplied+1..=commitIndex] to the state machine, in order.
fn apply_committed(node: &mut Node, out: &mut O) {
    while node.last_applied < node.commit_index {
        node.last_applied += 1;
        let entry = node.d.log[node.last_applied as usize - 1].clone();
        if let Command::Put { key, value } = &entry.cmd {
            node.kv.insert(key.clone(), *value);
        }
        out.note(Note::Applied {
            index: node.last_applied,
            term: entry.term,
            cmd: entry.cmd,
        });
    }
}
