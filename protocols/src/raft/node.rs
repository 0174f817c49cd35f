//! A Raft server: Figure 2 of the extended paper, rule by rule, with the dissertation's
//! single-server membership changes (§4.1) and pre-vote (§9.6), and log compaction (§7).

use super::msg::{Command, ConfigRefusal, DenyReason, Entry, Msg, Note, Request, Term, Timer};
use super::{Config, Raft};
use crate::sim::{NodeId, Out};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

type O = Out<Raft>;

/// A snapshot of the state machine up to `index` (§7): it replaces the log's prefix.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Snapshot {
    /// The last included index and its term (both 0 before any compaction).
    pub index: u64,
    pub term: Term,
    /// The configuration as of `index`.
    pub members: BTreeSet<NodeId>,
    pub kv: BTreeMap<String, u32>,
}

/// Persistent state on all servers (Figure 2): updated on stable storage before
/// responding to RPCs.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Disk {
    pub current_term: Term,
    pub voted_for: Option<NodeId>,
    /// Everything up to `snapshot.index`; the initial configuration lives here too.
    pub snapshot: Snapshot,
    /// Entries `snapshot.index + 1 ..` (`log[0]` has index `snapshot.index + 1`).
    pub log: Vec<Entry>,
}

impl Disk {
    pub fn last_index(&self) -> u64 {
        self.snapshot.index + self.log.len() as u64
    }
    /// The term of the entry at `index`: the snapshot's term at its last included index,
    /// `None` for compacted or missing entries.
    pub fn term_at(&self, index: u64) -> Option<Term> {
        self.entry(index)
            .map(|e| e.term)
            .or_else(|| (index == self.snapshot.index).then_some(self.snapshot.term))
    }
    /// The entry at `index`, if the log still holds it.
    pub fn entry(&self, index: u64) -> Option<&Entry> {
        let k = index.checked_sub(self.snapshot.index + 1)?;
        self.log.get(k as usize)
    }
    /// The configuration in effect at `index`: the last one in the log up to there, or the
    /// snapshot's, with the index of the entry that set it.
    pub fn config_at(&self, index: u64) -> (u64, &BTreeSet<NodeId>) {
        let upto = index
            .saturating_sub(self.snapshot.index)
            .min(self.log.len() as u64);
        self.log[..upto as usize]
            .iter()
            .enumerate()
            .rev()
            .find_map(|(k, e)| match &e.cmd {
                Command::Config { members } => Some((self.snapshot.index + 1 + k as u64, members)),
                _ => None,
            })
            .unwrap_or((self.snapshot.index, &self.snapshot.members))
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum Role {
    Follower,
    /// Pre-vote (§9.6): asking whether it could win, without incrementing its term.
    PreCandidate {
        votes: BTreeSet<NodeId>,
    },
    Candidate {
        votes: BTreeSet<NodeId>,
    },
    /// Volatile state on leaders, reinitialised after election. The keys are the servers
    /// the leader replicates to: the other members of its configuration, and a server it
    /// removed, until the removal is committed and that server holds it.
    Leader {
        next_index: BTreeMap<NodeId, u64>,
        match_index: BTreeMap<NodeId, u64>,
        /// CheckQuorum (dissertation §6.2): the servers that answered since the last check.
        heard: BTreeSet<NodeId>,
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
    /// The latest configuration in the log or snapshot, and the index that set it (cached).
    pub config: BTreeSet<NodeId>,
    pub config_index: u64,
    /// Heard from a leader of the current term since the election timer last fired (§9.6).
    pub heard_from_leader: bool,
}

impl Node {
    pub fn last_index(&self) -> u64 {
        self.d.last_index()
    }
    pub fn last_term(&self) -> Term {
        self.d.log.last().map_or(self.d.snapshot.term, |e| e.term)
    }
    pub fn term_at(&self, index: u64) -> Option<Term> {
        self.d.term_at(index)
    }
    pub fn is_member(&self, id: NodeId) -> bool {
        self.config.contains(&id)
    }
    /// Dissertation §4.2.2: "a server that is not part of its own latest configuration
    /// should still start new elections, as it might still be needed until the Cnew entry
    /// is committed (as in Figure 4.6)". Once it knows that entry committed, it stays
    /// quiet (§4.2.3), as does a spare server that was never added.
    pub fn may_campaign(&self, me: NodeId) -> bool {
        self.is_member(me) || self.config_index > self.commit_index
    }
    pub(super) fn refresh_config(&mut self) {
        let (index, members) = self.d.config_at(u64::MAX);
        self.config_index = index;
        self.config = members.clone();
    }
}

/// A majority of `config` is in `votes`.
fn has_majority(config: &BTreeSet<NodeId>, votes: &BTreeSet<NodeId>) -> bool {
    votes.iter().filter(|v| config.contains(v)).count() > config.len() / 2
}

fn others(node: &Node, me: NodeId) -> Vec<NodeId> {
    node.config.iter().copied().filter(|n| *n != me).collect()
}

/// Followers and candidates keep an election timer. A server that knows it was removed
/// does not campaign (it would only disrupt the cluster), but after hearing from a leader
/// it keeps the timer once more, so that its pre-votes stop answering "a leader is
/// alive" an election timeout later (§9.6).
fn reset_election_timer(cfg: &Config, me: NodeId, node: &Node, out: &mut O) {
    if node.may_campaign(me) || node.heard_from_leader {
        out.set_timer(
            Timer::Election,
            cfg.election_ticks_min..=cfg.election_ticks_max,
        );
    } else {
        out.cancel_timer(Timer::Election);
    }
}

fn from_disk(cfg: &Config, me: NodeId, d: Disk, out: &mut O) -> Node {
    let mut node = Node {
        commit_index: d.snapshot.index,
        last_applied: d.snapshot.index,
        kv: d.snapshot.kv.clone(),
        d,
        role: Role::Follower,
        leader: None,
        config: BTreeSet::new(),
        config_index: 0,
        heard_from_leader: false,
    };
    node.refresh_config();
    reset_election_timer(cfg, me, &node, out);
    node
}

/// A fresh server: servers S1..S`servers` form the initial configuration; spare servers
/// start outside it, with empty logs, and wait to be added.
pub(super) fn init(cfg: &Config, me: NodeId, out: &mut O) -> Node {
    let disk = Disk {
        snapshot: Snapshot {
            members: (0..cfg.servers).map(NodeId).collect(),
            ..Snapshot::default()
        },
        ..Disk::default()
    };
    from_disk(cfg, me, disk, out)
}

/// Recovery: term, vote, snapshot and log come back from disk; the state machine restarts
/// from the snapshot, and everything else is relearned.
pub(super) fn restart(cfg: &Config, me: NodeId, disk: &Disk, out: &mut O) -> Node {
    let mut node = from_disk(cfg, me, disk.clone(), out);
    if cfg.bug_forget_voted_for {
        // Bug switch 3: votedFor was never written to disk.
        node.d.voted_for = None;
    }
    out.note(Note::Recovered {
        term: node.d.current_term,
        snapshot_index: node.d.snapshot.index,
        entries: node.d.log.len() as u64,
        forgot_vote: disk.voted_for.is_some() && node.d.voted_for.is_none(),
    });
    node
}

/// All servers: a message from a higher term makes this server a follower in that term.
fn observe_term(cfg: &Config, me: NodeId, node: &mut Node, term: Term, out: &mut O) {
    if term > node.d.current_term {
        node.d.current_term = term;
        node.d.voted_for = None;
        // The leader it heard from led an older term (§9.6's check is about a live one).
        node.heard_from_leader = false;
        out.persist();
        if matches!(node.role, Role::Leader { .. }) {
            stop_leading(cfg, me, node, out);
        }
        node.role = Role::Follower;
        out.note(Note::BecameFollower { term });
    }
}

/// A leader becomes a follower: its leader-only timers stop, and a member's election
/// timer starts again.
fn stop_leading(cfg: &Config, me: NodeId, node: &mut Node, out: &mut O) {
    node.role = Role::Follower;
    out.cancel_timer(Timer::Heartbeat);
    if cfg.check_quorum {
        out.cancel_timer(Timer::CheckQuorum);
    }
    reset_election_timer(cfg, me, node, out);
}

pub(super) fn on_timer(cfg: &Config, me: NodeId, node: &mut Node, timer: Timer, out: &mut O) {
    match timer {
        Timer::Election => time_out(cfg, me, node, out),
        Timer::Heartbeat => {
            if matches!(node.role, Role::Leader { .. }) {
                broadcast_append_entries(cfg, node, out);
                out.set_timer(Timer::Heartbeat, cfg.heartbeat_ticks..=cfg.heartbeat_ticks);
            }
        }
        Timer::CheckQuorum => check_quorum(cfg, me, node, out),
    }
}

/// CheckQuorum (dissertation §6.2): "a leader steps down if an election timeout elapses
/// without a successful round of heartbeats to a majority of its cluster". Any reply of
/// its term counts (etcd's raft does the same); the leader counts itself if a member.
/// The check runs every `election_ticks_min`, the shortest timeout a follower may use.
fn check_quorum(cfg: &Config, me: NodeId, node: &mut Node, out: &mut O) {
    let Role::Leader { heard, .. } = &mut node.role else {
        return;
    };
    let mut answered = std::mem::take(heard);
    answered.insert(me);
    if has_majority(&node.config, &answered) {
        return arm_quorum_check(cfg, out);
    }
    stop_leading(cfg, me, node, out);
    node.leader = None;
    out.note(Note::LostQuorum {
        term: node.d.current_term,
    });
}

fn arm_quorum_check(cfg: &Config, out: &mut O) {
    if cfg.check_quorum {
        let every = cfg.election_ticks_min;
        out.set_timer(Timer::CheckQuorum, every..=every);
    }
}

/// The election timeout elapsed (or "Time out" was pressed): start an election, or with
/// pre-vote on, first ask whether one could be won.
fn time_out(cfg: &Config, me: NodeId, node: &mut Node, out: &mut O) {
    if matches!(node.role, Role::Leader { .. }) {
        return;
    }
    node.heard_from_leader = false;
    if !node.may_campaign(me) {
        return out.note(Note::NotInConfig);
    }
    if cfg.pre_vote {
        start_pre_vote(cfg, me, node, out)
    } else {
        start_election(cfg, me, node, false, out)
    }
}

/// §9.6: a pre-candidate asks for votes in term+1 without changing its term; only if a
/// majority would grant them does it start a real election.
fn start_pre_vote(cfg: &Config, me: NodeId, node: &mut Node, out: &mut O) {
    let term = Term(node.d.current_term.0 + 1);
    node.role = Role::PreCandidate {
        votes: BTreeSet::from([me]),
    };
    node.leader = None;
    reset_election_timer(cfg, me, node, out);
    out.note(Note::BecamePreCandidate { term });
    if has_majority(&node.config, &BTreeSet::from([me])) {
        return start_election(cfg, me, node, true, out);
    }
    let ask = Msg::PreVote {
        term,
        last_log_index: node.last_index(),
        last_log_term: node.last_term(),
    };
    for p in others(node, me) {
        out.send(p, ask.clone());
    }
}

/// §5.2: increment currentTerm, vote for self, reset the timer, ask everyone for votes.
fn start_election(cfg: &Config, me: NodeId, node: &mut Node, after_pre_vote: bool, out: &mut O) {
    node.d.current_term = Term(node.d.current_term.0 + 1);
    node.d.voted_for = Some(me);
    out.persist();
    node.role = Role::Candidate {
        votes: BTreeSet::from([me]),
    };
    node.leader = None;
    reset_election_timer(cfg, me, node, out);
    out.note(Note::BecameCandidate {
        term: node.d.current_term,
        after_pre_vote,
    });
    if has_majority(&node.config, &BTreeSet::from([me])) {
        return become_leader(cfg, me, node, out);
    }
    let vote = Msg::RequestVote {
        term: node.d.current_term,
        last_log_index: node.last_index(),
        last_log_term: node.last_term(),
    };
    for p in others(node, me) {
        out.send(p, vote.clone());
    }
}

pub(super) fn on_request(cfg: &Config, me: NodeId, node: &mut Node, req: Request, out: &mut O) {
    match req {
        Request::TimeoutNow => time_out(cfg, me, node, out),
        Request::Put { key, value } => {
            if !matches!(node.role, Role::Leader { .. }) {
                return out.note(Note::NotLeader {
                    leader: node.leader,
                });
            }
            append_as_leader(node, Command::Put { key, value }, out);
            // A leader alone in its configuration is a majority by itself.
            maybe_advance_commit(cfg, me, node, out);
            broadcast_append_entries(cfg, node, out);
        }
        Request::AddServer { server } => change_membership(cfg, me, node, server, true, out),
        Request::RemoveServer { server } => change_membership(cfg, me, node, server, false, out),
    }
}

/// Dissertation §4.1: a leader adds or removes one server at a time by appending the new
/// configuration, which takes effect as soon as it is in a server's log. The next change
/// waits until this one is committed.
fn change_membership(
    cfg: &Config,
    me: NodeId,
    node: &mut Node,
    server: NodeId,
    add: bool,
    out: &mut O,
) {
    if !matches!(node.role, Role::Leader { .. }) {
        return out.note(Note::NotLeader {
            leader: node.leader,
        });
    }
    let member = node.is_member(server);
    let refusal = if server.0 >= cfg.servers + cfg.spare_servers {
        Some(ConfigRefusal::NoSuchServer)
    } else if add && member {
        Some(ConfigRefusal::AlreadyMember)
    } else if !add && !member {
        Some(ConfigRefusal::NotMember)
    } else if node.term_at(node.commit_index) != Some(node.d.current_term) {
        // Until then the leader cannot know whether the latest configuration in its log,
        // perhaps from an earlier term, is committed.
        Some(ConfigRefusal::NoCommitInTerm)
    } else if node.config_index > node.commit_index {
        // Now it can: an earlier term's entries lie below its commit index.
        Some(ConfigRefusal::ChangePending)
    } else if !add && node.config.len() == 1 {
        Some(ConfigRefusal::LastServer)
    } else {
        None
    };
    if let Some(reason) = refusal {
        return out.note(Note::ConfigRefused { reason });
    }
    let mut members = node.config.clone();
    if add {
        members.insert(server);
    } else {
        members.remove(&server);
    }
    append_as_leader(
        node,
        Command::Config {
            members: members.clone(),
        },
        out,
    );
    node.refresh_config();
    let last = node.last_index();
    if let Role::Leader {
        next_index,
        match_index,
        ..
    } = &mut node.role
    {
        if add {
            next_index.insert(server, last);
            match_index.insert(server, 0);
        }
    }
    out.note(Note::ConfigChanged {
        index: last,
        members,
    });
    broadcast_append_entries(cfg, node, out);
    // The new configuration counts at once: removing a server can leave a majority that
    // already holds every entry, and a leader alone commits by itself.
    maybe_advance_commit(cfg, me, node, out);
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
    // A pre-vote's term is only proposed: it must not move the receiver's term (§9.6).
    match msg {
        Msg::PreVote {
            term,
            last_log_index,
            last_log_term,
        } => return on_pre_vote(cfg, node, from, term, last_log_index, last_log_term, out),
        Msg::PreVoteReply {
            term,
            granted: true,
        } => return on_pre_vote_granted(cfg, me, node, from, term, out),
        _ => {}
    }
    observe_term(cfg, me, node, msg.term(), out);
    if msg.term() < node.d.current_term {
        // Stale: answer so the sender learns the newer term (§5.1), or drop a stale reply.
        let term = node.d.current_term;
        let reply = match msg {
            Msg::RequestVote { .. } => Msg::RequestVoteReply {
                term,
                granted: false,
            },
            Msg::AppendEntries { .. } => Msg::AppendEntriesReply {
                term,
                success: false,
                match_index: 0,
            },
            Msg::InstallSnapshot { .. } => Msg::InstallSnapshotReply {
                term,
                match_index: 0,
            },
            _ => return out.note(Note::StaleReplyDropped { term: msg.term() }),
        };
        out.note(Note::StaleRequestRefused {
            term: msg.term(),
            current: term,
        });
        return out.send(from, reply);
    }
    match msg {
        Msg::RequestVote {
            last_log_index,
            last_log_term,
            ..
        } => on_request_vote(cfg, me, node, from, last_log_index, last_log_term, out),
        Msg::RequestVoteReply { granted, .. } => on_vote_reply(cfg, me, node, from, granted, out),
        Msg::AppendEntries {
            prev_log_index,
            prev_log_term,
            entries,
            leader_commit,
            ..
        } => on_append_entries(
            cfg,
            me,
            node,
            from,
            (prev_log_index, prev_log_term),
            entries,
            leader_commit,
            out,
        ),
        Msg::AppendEntriesReply {
            success,
            match_index,
            ..
        } => on_append_reply(cfg, me, node, from, success, match_index, out),
        Msg::InstallSnapshot {
            last_included_index,
            last_included_term,
            members,
            kv,
            ..
        } => {
            let snapshot = Snapshot {
                index: last_included_index,
                term: last_included_term,
                members,
                kv,
            };
            on_install_snapshot(cfg, me, node, from, snapshot, out)
        }
        Msg::InstallSnapshotReply { match_index, .. } => {
            on_append_reply(cfg, me, node, from, true, match_index, out)
        }
        // A refused pre-vote taught its term above; nothing else to do.
        Msg::PreVote { .. } | Msg::PreVoteReply { .. } => {}
    }
}

/// §5.4.1: the candidate's log is at least as up-to-date as this server's: a higher last
/// term, or the same last term and at least as long.
fn up_to_date(node: &Node, last_index: u64, last_term: Term) -> bool {
    last_term > node.last_term()
        || (last_term == node.last_term() && last_index >= node.last_index())
}

/// §5.2 and §5.4.1: one vote per term, only for a candidate whose log is at least as
/// up-to-date. Votes do not consult the configuration (dissertation §4.1).
fn on_request_vote(
    cfg: &Config,
    me: NodeId,
    node: &mut Node,
    candidate: NodeId,
    last_index: u64,
    last_term: Term,
    out: &mut O,
) {
    let term = node.d.current_term;
    let log_behind = !up_to_date(node, last_index, last_term);
    let reason = if node.d.voted_for.is_some_and(|v| v != candidate) {
        Some(DenyReason::AlreadyVoted)
    } else if log_behind && !cfg.bug_no_election_restriction {
        Some(DenyReason::LogBehind)
    } else {
        None
    };
    let granted = reason.is_none();
    match reason {
        Some(reason) => out.note(Note::VoteDenied {
            candidate,
            term,
            reason,
        }),
        None => {
            node.d.voted_for = Some(candidate);
            out.persist();
            reset_election_timer(cfg, me, node, out);
            out.note(Note::VoteGranted {
                candidate,
                term,
                log_behind,
            });
        }
    }
    out.send(candidate, Msg::RequestVoteReply { term, granted });
}

/// §9.6: grant a pre-vote if the proposed term is newer, the candidate's log is up to
/// date, and this server has not heard from a leader within its election timeout. Nothing
/// is recorded: a pre-vote binds no one.
fn on_pre_vote(
    cfg: &Config,
    node: &mut Node,
    candidate: NodeId,
    term: Term,
    last_index: u64,
    last_term: Term,
    out: &mut O,
) {
    let log_behind = !up_to_date(node, last_index, last_term);
    let reason = if term <= node.d.current_term {
        Some(DenyReason::StaleTerm)
    } else if matches!(node.role, Role::Leader { .. }) {
        Some(DenyReason::IsLeader)
    } else if node.heard_from_leader {
        Some(DenyReason::LeaderAlive)
    } else if log_behind && !cfg.bug_no_election_restriction {
        Some(DenyReason::LogBehind)
    } else {
        None
    };
    let reply_term = match reason {
        Some(reason) => {
            out.note(Note::PreVoteDenied {
                candidate,
                term,
                reason,
            });
            node.d.current_term
        }
        None => {
            out.note(Note::PreVoteGranted {
                candidate,
                term,
                log_behind,
            });
            term
        }
    };
    out.send(
        candidate,
        Msg::PreVoteReply {
            term: reply_term,
            granted: reason.is_none(),
        },
    );
}

fn on_pre_vote_granted(
    cfg: &Config,
    me: NodeId,
    node: &mut Node,
    voter: NodeId,
    term: Term,
    out: &mut O,
) {
    let next = Term(node.d.current_term.0 + 1);
    let Role::PreCandidate { votes } = &mut node.role else {
        return;
    };
    if term != next {
        return;
    }
    votes.insert(voter);
    if has_majority(&node.config, votes) {
        start_election(cfg, me, node, true, out);
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
    if has_majority(&node.config, votes) {
        become_leader(cfg, me, node, out);
    }
}

/// A majority voted: initialise nextIndex/matchIndex, append a no-op (§8), assert leadership.
fn become_leader(cfg: &Config, me: NodeId, node: &mut Node, out: &mut O) {
    let next = node.last_index() + 1;
    let peers = others(node, me);
    node.role = Role::Leader {
        next_index: peers.iter().map(|p| (*p, next)).collect(),
        match_index: peers.iter().map(|p| (*p, 0)).collect(),
        heard: BTreeSet::new(),
    };
    node.leader = Some(me);
    out.cancel_timer(Timer::Election);
    out.note(Note::BecameLeader {
        term: node.d.current_term,
    });
    append_as_leader(node, Command::Noop, out);
    // A leader alone in its configuration commits its no-op, and all before it, at once.
    maybe_advance_commit(cfg, me, node, out);
    broadcast_append_entries(cfg, node, out);
    out.set_timer(Timer::Heartbeat, cfg.heartbeat_ticks..=cfg.heartbeat_ticks);
    arm_quorum_check(cfg, out);
}

fn broadcast_append_entries(cfg: &Config, node: &Node, out: &mut O) {
    let Role::Leader { next_index, .. } = &node.role else {
        return;
    };
    for p in next_index.keys() {
        send_append_entries(cfg, node, *p, out);
    }
}

/// AppendEntries from nextIndex on, or the snapshot when that entry was compacted away (§7).
fn send_append_entries(cfg: &Config, node: &Node, to: NodeId, out: &mut O) {
    let Role::Leader { next_index, .. } = &node.role else {
        return;
    };
    let next = next_index[&to].clamp(1, node.last_index() + 1);
    let prev = next - 1;
    let snap = &node.d.snapshot;
    let msg = match node.term_at(prev) {
        Some(prev_log_term) if prev >= snap.index => {
            let end = node.last_index().min(prev + cfg.max_entries_per_message);
            let (from, to) = ((prev - snap.index) as usize, (end - snap.index) as usize);
            Msg::AppendEntries {
                term: node.d.current_term,
                prev_log_index: prev,
                prev_log_term,
                entries: node.d.log[from..to].to_vec(),
                leader_commit: node.commit_index,
            }
        }
        _ => Msg::InstallSnapshot {
            term: node.d.current_term,
            last_included_index: snap.index,
            last_included_term: snap.term,
            members: snap.members.clone(),
            kv: snap.kv.clone(),
        },
    };
    out.send(to, msg);
}

/// A candidate (or pre-candidate) of this term hears the term's leader, and follows it.
fn follow(cfg: &Config, me: NodeId, node: &mut Node, leader: NodeId, out: &mut O) {
    if !matches!(node.role, Role::Follower) {
        node.role = Role::Follower;
        out.note(Note::BecameFollower {
            term: node.d.current_term,
        });
    }
    node.leader = Some(leader);
    node.heard_from_leader = true;
    reset_election_timer(cfg, me, node, out);
}

/// §5.3: the consistency check, conflict truncation, appending, and the commit index.
/// Entries at or below the snapshot are committed, so they match the leader's (§7).
#[allow(clippy::too_many_arguments)]
fn on_append_entries(
    cfg: &Config,
    me: NodeId,
    node: &mut Node,
    leader: NodeId,
    (prev_index, prev_term): (u64, Term),
    entries: Vec<Entry>,
    leader_commit: u64,
    out: &mut O,
) {
    let term = node.d.current_term;
    follow(cfg, me, node, leader, out);
    let snap = node.d.snapshot.index;
    if prev_index >= snap && node.term_at(prev_index) != Some(prev_term) {
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
    let mut new_config = false;
    for (i, entry) in entries.into_iter().enumerate() {
        let index = prev_index + 1 + i as u64;
        if index <= snap {
            continue;
        }
        match node.term_at(index) {
            Some(t) if t == entry.term => continue,
            Some(_) => {
                // A conflicting entry: delete it and all that follow it.
                node.d.log.truncate((index - snap - 1) as usize);
                truncated_from = Some(index);
            }
            None => {}
        }
        new_config |= matches!(entry.cmd, Command::Config { .. });
        node.d.log.push(entry);
        appended += 1;
    }
    if new_config || truncated_from.is_some() {
        node.refresh_config();
        reset_election_timer(cfg, me, node, out);
    }
    out.persist();
    out.note(Note::Accepted {
        last: node.last_index(),
        appended,
        truncated_from,
    });
    if leader_commit > node.commit_index {
        node.commit_index = leader_commit.min(last_new).max(node.commit_index);
        apply_committed(cfg, node, out);
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

/// Figure 13: a follower receiving a snapshot newer than what it has committed keeps the
/// log entries that follow it if its log holds the snapshot's last entry, and otherwise
/// discards the whole log; then it resets its state machine to the snapshot.
fn on_install_snapshot(
    cfg: &Config,
    me: NodeId,
    node: &mut Node,
    leader: NodeId,
    snapshot: Snapshot,
    out: &mut O,
) {
    let term = node.d.current_term;
    follow(cfg, me, node, leader, out);
    let (index, snap_term) = (snapshot.index, snapshot.term);
    if index <= node.commit_index {
        out.note(Note::SnapshotIgnored { index });
    } else {
        if node.term_at(index) == Some(snap_term) {
            let keep_from = (index - node.d.snapshot.index) as usize;
            node.d.log.drain(..keep_from);
        } else {
            node.d.log.clear();
        }
        node.kv = snapshot.kv.clone();
        node.d.snapshot = snapshot;
        node.commit_index = index;
        node.last_applied = index;
        node.refresh_config();
        reset_election_timer(cfg, me, node, out);
        out.persist();
        out.note(Note::SnapshotInstalled {
            index,
            term: snap_term,
        });
    }
    out.send(
        leader,
        Msg::InstallSnapshotReply {
            term,
            match_index: index,
        },
    );
}

fn on_append_reply(
    cfg: &Config,
    me: NodeId,
    node: &mut Node,
    follower: NodeId,
    success: bool,
    hint: u64,
    out: &mut O,
) {
    let Role::Leader {
        next_index,
        match_index,
        heard,
    } = &mut node.role
    else {
        return;
    };
    heard.insert(follower);
    // A reply from a server the leader no longer replicates to (its removal committed).
    let (Some(next), Some(m)) = (
        next_index.get_mut(&follower),
        match_index.get_mut(&follower),
    ) else {
        return;
    };
    if success {
        *m = (*m).max(hint);
        *next = *m + 1;
        maybe_advance_commit(cfg, me, node, out);
    } else {
        *next = (*next - 1).min(hint + 1).max(1);
        out.note(Note::BackedOff {
            follower,
            next_index: *next,
        });
        send_append_entries(cfg, node, follower, out);
    }
}

/// §5.3/§5.4.2: commit N if a majority of the configuration has matchIndex ≥ N and log[N]
/// is from the current term; entries of earlier terms commit only indirectly, by Log
/// Matching. A leader outside its latest configuration does not count itself (§4.2.2).
fn maybe_advance_commit(cfg: &Config, me: NodeId, node: &mut Node, out: &mut O) {
    let Role::Leader { match_index, .. } = &node.role else {
        return;
    };
    let mut matched: Vec<u64> = node
        .config
        .iter()
        .map(|m| match *m == me {
            true => node.last_index(),
            false => match_index.get(m).copied().unwrap_or(0),
        })
        .collect();
    matched.sort_unstable_by(|a, b| b.cmp(a));
    let replicated = matched[node.config.len() / 2];
    let current = node.d.current_term;
    let n = (node.commit_index + 1..=replicated)
        .rev()
        .find(|&n| cfg.bug_commit_old_terms || node.term_at(n) == Some(current));
    if let Some(n) = n {
        node.commit_index = n;
        let term = node.term_at(n).expect("in the log");
        out.note(Note::Committed {
            index: n,
            term,
            old_term: term != current,
        });
        apply_committed(cfg, node, out);
    }
    if node.config_index <= node.commit_index {
        finish_config_change(cfg, me, node, out);
    }
}

/// §4.2.2: once its latest configuration is committed, a leader that removed itself steps
/// down, and the leader stops replicating to a removed server that holds the configuration
/// that removed it, after one last AppendEntries telling it that configuration is
/// committed (so it knows to stay quiet rather than start elections that would disrupt
/// the cluster, §4.2.3; if that message is lost, it campaigns, as the dissertation's
/// removed servers do).
fn finish_config_change(cfg: &Config, me: NodeId, node: &mut Node, out: &mut O) {
    let (config, at) = (&node.config, node.config_index);
    let Role::Leader { match_index, .. } = &node.role else {
        return;
    };
    let removed: Vec<NodeId> = match_index
        .iter()
        .filter(|(n, m)| !config.contains(n) && **m >= at)
        .map(|(n, _)| *n)
        .collect();
    for n in &removed {
        send_append_entries(cfg, node, *n, out);
    }
    if let Role::Leader {
        next_index,
        match_index,
        ..
    } = &mut node.role
    {
        for n in &removed {
            match_index.remove(n);
            next_index.remove(n);
        }
    }
    if !node.is_member(me) {
        stop_leading(cfg, me, node, out);
        node.leader = None;
        out.note(Note::SteppedDown {
            term: node.d.current_term,
        });
    }
}

/// All servers: apply log[lastApplied+1..=commitIndex] to the state machine, in order,
/// then compact the log if it grew past the threshold.
fn apply_committed(cfg: &Config, node: &mut Node, out: &mut O) {
    while node.last_applied < node.commit_index {
        node.last_applied += 1;
        let entry = node
            .d
            .entry(node.last_applied)
            .expect("committed entries above the snapshot are in the log")
            .clone();
        if let Command::Put { key, value } = &entry.cmd {
            node.kv.insert(key.clone(), *value);
        }
        out.note(Note::Applied {
            index: node.last_applied,
            term: entry.term,
            cmd: entry.cmd,
        });
    }
    maybe_snapshot(cfg, node, out);
}

/// §7: once `snapshot_after` applied entries sit in the log, replace them with a snapshot
/// of the state machine (and the configuration as of its last entry).
fn maybe_snapshot(cfg: &Config, node: &mut Node, out: &mut O) {
    let d = &mut node.d;
    if cfg.snapshot_after == 0 || node.last_applied - d.snapshot.index < cfg.snapshot_after {
        return;
    }
    let index = node.last_applied;
    let term = d.term_at(index).expect("applied entries are in the log");
    let members = d.config_at(index).1.clone();
    d.log.drain(..(index - d.snapshot.index) as usize);
    d.snapshot = Snapshot {
        index,
        term,
        members,
        kv: node.kv.clone(),
    };
    out.persist();
    out.note(Note::Snapshotted { index, term });
}
