//! The Raft lab: servers on a ring, their roles, terms, timers, logs and messages.

use super::sim::{settings_from, LabProtocol};
use super::Tone;
use super::{Action, GridCell, LabId, LogEntry, LogGrid, LogGridRow, Row, Setting, GRID_COLUMNS};
use crate::i18n::{fill, Catalog};
use crate::view_model::layout::{self, Point};
use protocols::raft::msg::{ConfigRefusal, DenyReason};
use protocols::raft::{Command, Config, Entry, Msg, Node, Note, Raft, Request, Role, Timer};
use protocols::sim::{NodeId, Protocol, Slot};
use std::collections::{BTreeMap, BTreeSet};

fn server(id: usize, cat: &Catalog) -> String {
    fill(cat.raft.server, &[("n", &(id + 1).to_string())])
}

fn servers(ids: &BTreeSet<NodeId>, cat: &Catalog) -> String {
    let names: Vec<String> = ids.iter().map(|n| server(n.index(), cat)).collect();
    format!("{{{}}}", names.join(", "))
}

fn kv_text(kv: &BTreeMap<String, u32>, cat: &Catalog) -> String {
    if kv.is_empty() {
        return cat.raft.empty.to_string();
    }
    let pairs: Vec<String> = kv.iter().map(|(k, v)| format!("{k}={v}")).collect();
    pairs.join(", ")
}

fn cmd_text(cmd: &Command, cat: &Catalog) -> String {
    match cmd {
        Command::Noop => cat.raft.noop.to_string(),
        Command::Put { key, value } => {
            fill(cat.raft.put, &[("key", key), ("value", &value.to_string())])
        }
        Command::Config { members } => {
            fill(cat.raft.config_cmd, &[("members", &servers(members, cat))])
        }
    }
}

/// The highest-term live leader, where an administrator would send a membership change.
fn current_leader(nodes: &[Slot<Raft>]) -> Option<usize> {
    nodes
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.state.as_ref().map(|n| (i, n)))
        .filter(|(_, n)| matches!(n.role, Role::Leader { .. }))
        .max_by_key(|(_, n)| n.d.current_term)
        .map(|(i, _)| i)
}

/// `n` with its noun, in the singular for 1 and the plural otherwise.
fn count(n: usize, one: &str, many: &str) -> String {
    fill(if n == 1 { one } else { many }, &[("n", &n.to_string())])
}

fn yes_no(b: bool, cat: &Catalog) -> String {
    (if b { cat.raft.yes } else { cat.raft.no }).to_string()
}

fn entry_text(index: usize, e: &Entry, cat: &Catalog) -> String {
    entry_with(index, e, &cmd_text(&e.cmd, cat), cat)
}

fn entry_with(index: usize, e: &Entry, cmd: &str, cat: &Catalog) -> String {
    let (i, t) = (index.to_string(), e.term.0.to_string());
    fill(cat.raft.entry, &[("index", &i), ("term", &t), ("cmd", cmd)])
}

/// A server's role and term as a status line, a tone and badges.
fn role_text(id: usize, node: &Node, cat: &Catalog) -> (String, Tone, Vec<String>) {
    let r = &cat.raft;
    let term = node.d.current_term.0.to_string();
    match &node.role {
        Role::Follower if !node.is_member(NodeId(id as u32)) => {
            (fill(r.st_outside, &[("term", &term)]), Tone::Idle, vec![])
        }
        Role::PreCandidate { votes } => {
            let votes = count(votes.len(), r.count_pre_vote_one, r.count_pre_vote_many);
            let status = fill(r.st_precandidate, &[("term", &term), ("votes", &votes)]);
            (status, Tone::Blocked, vec![])
        }
        Role::Follower => (
            fill(r.st_follower, &[("term", &term)]),
            Tone::Working,
            vec![],
        ),
        Role::Candidate { votes } => {
            let votes = count(votes.len(), r.count_vote_one, r.count_vote_many);
            let status = fill(r.st_candidate, &[("term", &term), ("votes", &votes)]);
            (status, Tone::Blocked, vec![])
        }
        Role::Leader { .. } => (
            fill(r.st_leader, &[("term", &term)]),
            Tone::Good,
            vec!["★".to_string()],
        ),
    }
}

impl LabProtocol for Raft {
    const LAB: LabId = LabId::Raft;

    fn layout(cfg: &Config) -> Vec<Point> {
        layout::ring(Raft::node_count(cfg))
    }

    fn links(cfg: &Config) -> Vec<(usize, usize)> {
        let n = Raft::node_count(cfg);
        (0..n)
            .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
            .collect()
    }

    fn node_name(_cfg: &Config, id: usize, cat: &Catalog) -> String {
        server(id, cat)
    }

    fn node_status(
        _cfg: &Config,
        id: usize,
        node: &Node,
        _slot: &Slot<Self>,
        _ghost: &protocols::raft::invariants::Ghost,
        cat: &Catalog,
    ) -> (String, Tone, Vec<String>) {
        role_text(id, node, cat)
    }

    fn msg_label(msg: &Msg, cat: &Catalog) -> String {
        let r = &cat.raft;
        let term = msg.term().0.to_string();
        match msg {
            Msg::RequestVote { .. } => fill(r.m_request_vote, &[("term", &term)]),
            Msg::RequestVoteReply { granted: true, .. } => {
                fill(r.m_vote_granted, &[("term", &term)])
            }
            Msg::RequestVoteReply { granted: false, .. } => {
                fill(r.m_vote_denied, &[("term", &term)])
            }
            Msg::AppendEntries { entries, .. } if entries.is_empty() => {
                fill(r.m_heartbeat, &[("term", &term)])
            }
            Msg::AppendEntries { entries, .. } => fill(
                r.m_append,
                &[("term", &term), ("n", &entries.len().to_string())],
            ),
            Msg::AppendEntriesReply {
                success: true,
                match_index,
                ..
            } => fill(r.m_append_ok, &[("index", &match_index.to_string())]),
            Msg::AppendEntriesReply { success: false, .. } => {
                fill(r.m_append_refused, &[("term", &term)])
            }
            Msg::PreVote { .. } => fill(r.m_pre_vote, &[("term", &term)]),
            Msg::PreVoteReply { granted: true, .. } => {
                fill(r.m_pre_vote_granted, &[("term", &term)])
            }
            Msg::PreVoteReply { granted: false, .. } => {
                fill(r.m_pre_vote_denied, &[("term", &term)])
            }
            Msg::InstallSnapshot {
                last_included_index,
                ..
            } => fill(
                r.m_snapshot,
                &[("term", &term), ("index", &last_included_index.to_string())],
            ),
            Msg::InstallSnapshotReply { match_index, .. } => {
                fill(r.m_snapshot_ok, &[("index", &match_index.to_string())])
            }
        }
    }

    fn msg_tone(msg: &Msg) -> Tone {
        match msg {
            Msg::RequestVote { .. } | Msg::PreVote { .. } => Tone::Blocked,
            Msg::RequestVoteReply { granted: true, .. }
            | Msg::PreVoteReply { granted: true, .. }
            | Msg::AppendEntriesReply { success: true, .. }
            | Msg::InstallSnapshotReply { .. } => Tone::Good,
            Msg::RequestVoteReply { granted: false, .. }
            | Msg::PreVoteReply { granted: false, .. }
            | Msg::AppendEntriesReply { success: false, .. } => Tone::Bad,
            Msg::AppendEntries { .. } | Msg::InstallSnapshot { .. } => Tone::Working,
        }
    }

    /// The message's fields by the names Figure 2 (and Figure 13) gives them.
    fn msg_fields(msg: &Msg, cat: &Catalog) -> Vec<Row> {
        let r = &cat.raft;
        let n = |v: u64| v.to_string();
        let t = |v: &protocols::raft::Term| v.0.to_string();
        let vote = |term, last_log_index: &u64, last_log_term| {
            vec![
                Row::new("term", t(term)),
                Row::new("lastLogIndex", n(*last_log_index)),
                Row::new("lastLogTerm", t(last_log_term)),
            ]
        };
        match msg {
            Msg::RequestVote {
                term,
                last_log_index,
                last_log_term,
            }
            | Msg::PreVote {
                term,
                last_log_index,
                last_log_term,
            } => vote(term, last_log_index, last_log_term),
            Msg::RequestVoteReply { term, granted } | Msg::PreVoteReply { term, granted } => vec![
                Row::new("term", t(term)),
                Row::new("voteGranted", yes_no(*granted, cat)),
            ],
            Msg::AppendEntries {
                term,
                prev_log_index,
                prev_log_term,
                entries,
                leader_commit,
            } => {
                let list: Vec<String> = entries
                    .iter()
                    .enumerate()
                    .map(|(i, e)| entry_text(*prev_log_index as usize + 1 + i, e, cat))
                    .collect();
                vec![
                    Row::new("term", t(term)),
                    Row::new("prevLogIndex", n(*prev_log_index)),
                    Row::new("prevLogTerm", t(prev_log_term)),
                    Row::new(
                        "entries[]",
                        if list.is_empty() {
                            r.heartbeat_no_entries.to_string()
                        } else {
                            format!("{} — {}", list.len(), list.join(" · "))
                        },
                    ),
                    Row::new("leaderCommit", n(*leader_commit)),
                ]
            }
            Msg::AppendEntriesReply {
                term,
                success,
                match_index,
            } => vec![
                Row::new("term", t(term)),
                Row::new("success", yes_no(*success, cat)),
                Row::new(if *success { r.f_match } else { r.f_hint }, n(*match_index)),
            ],
            Msg::InstallSnapshot {
                term,
                last_included_index,
                last_included_term,
                members,
                kv,
            } => vec![
                Row::new("term", t(term)),
                Row::new("lastIncludedIndex", n(*last_included_index)),
                Row::new("lastIncludedTerm", t(last_included_term)),
                Row::new(r.configuration, servers(members, cat)),
                Row::new("data", kv_text(kv, cat)),
            ],
            Msg::InstallSnapshotReply { term, match_index } => vec![
                Row::new("term", t(term)),
                Row::new(r.f_match, n(*match_index)),
            ],
        }
    }

    fn timer_label(timer: &Timer, cat: &Catalog) -> String {
        match timer {
            Timer::Election => cat.raft.t_election.to_string(),
            Timer::Heartbeat => cat.raft.t_heartbeat.to_string(),
            Timer::CheckQuorum => cat.raft.t_check_quorum.to_string(),
        }
    }

    fn request_text(req: &Request, cat: &Catalog) -> String {
        match req {
            Request::Put { key, value } => fill(
                cat.raft.r_put,
                &[("key", key), ("value", &value.to_string())],
            ),
            Request::TimeoutNow => cat.raft.r_timeout.to_string(),
            Request::AddServer { server: s } => {
                fill(cat.raft.r_add, &[("server", &server(s.index(), cat))])
            }
            Request::RemoveServer { server: s } => {
                fill(cat.raft.r_remove, &[("server", &server(s.index(), cat))])
            }
        }
    }

    fn note_text(_cfg: &Config, node: usize, note: &Note, cat: &Catalog) -> String {
        let r = &cat.raft;
        let me = server(node, cat);
        let n = |id: &NodeId| server(id.index(), cat);
        let s = |v: u64| v.to_string();
        // A (pre-)vote sentence: this server, the candidate, the term.
        let vote = |tpl: &str, candidate: &NodeId, term: &protocols::raft::Term| {
            let (c, t) = (n(candidate), s(term.0));
            fill(tpl, &[("node", &me), ("candidate", &c), ("term", &t)])
        };
        match note {
            Note::BecameFollower { term } => {
                fill(r.n_follower, &[("node", &me), ("term", &s(term.0))])
            }
            Note::BecameCandidate {
                term,
                after_pre_vote,
            } => {
                let tpl = match after_pre_vote {
                    true => r.n_candidate_pre_voted,
                    false => r.n_candidate,
                };
                fill(tpl, &[("node", &me), ("term", &s(term.0))])
            }
            Note::BecameLeader { term } => fill(r.n_leader, &[("node", &me), ("term", &s(term.0))]),
            Note::VoteGranted {
                candidate,
                term,
                log_behind,
            }
            | Note::PreVoteGranted {
                candidate,
                term,
                log_behind,
            } => {
                // Granted to a candidate with a less up-to-date log: only bug switch 1 does.
                let pre = matches!(note, Note::PreVoteGranted { .. });
                let tpl = match (pre, log_behind) {
                    (false, false) => r.n_vote_granted,
                    (false, true) => r.n_vote_granted_bug,
                    (true, false) => r.n_prevote_granted,
                    (true, true) => r.n_prevote_granted_bug,
                };
                vote(tpl, candidate, term)
            }
            Note::VoteDenied {
                candidate,
                term,
                reason,
            } => {
                let tpl = match reason {
                    DenyReason::StaleTerm => r.n_vote_denied_stale,
                    DenyReason::AlreadyVoted => r.n_vote_denied_voted,
                    DenyReason::LogBehind => r.n_vote_denied_log,
                    DenyReason::LeaderAlive => r.n_prevote_denied_leader,
                    DenyReason::IsLeader => r.n_prevote_denied_is_leader,
                };
                vote(tpl, candidate, term)
            }
            Note::Appended { index, term } => fill(
                r.n_appended,
                &[("node", &me), ("index", &s(*index)), ("term", &s(term.0))],
            ),
            Note::Accepted {
                appended: 0,
                truncated_from: None,
                ..
            } => fill(r.n_heartbeat_ok, &[("node", &me)]),
            Note::Accepted {
                last,
                truncated_from: None,
                ..
            } => fill(r.n_accepted, &[("node", &me), ("last", &s(*last))]),
            Note::Accepted {
                last,
                truncated_from: Some(from),
                ..
            } => fill(
                r.n_accepted_truncated,
                &[("node", &me), ("from", &s(*from)), ("last", &s(*last))],
            ),
            Note::Mismatch { prev_log_index } => fill(
                r.n_mismatch,
                &[("node", &me), ("index", &s(*prev_log_index))],
            ),
            Note::BackedOff {
                follower,
                next_index,
            } => fill(
                r.n_backed_off,
                &[
                    ("node", &me),
                    ("follower", &n(follower)),
                    ("next", &s(*next_index)),
                ],
            ),
            Note::Committed {
                index,
                term,
                old_term,
            } => {
                let tpl = match old_term {
                    true => r.n_committed_old_term,
                    false => r.n_committed,
                };
                fill(
                    tpl,
                    &[("node", &me), ("index", &s(*index)), ("term", &s(term.0))],
                )
            }
            Note::Applied { index, cmd, .. } => fill(
                r.n_applied,
                &[
                    ("node", &me),
                    ("index", &s(*index)),
                    ("cmd", &cmd_text(cmd, cat)),
                ],
            ),
            Note::NotLeader { leader: Some(l) } => {
                fill(r.n_not_leader, &[("node", &me), ("leader", &n(l))])
            }
            Note::NotLeader { leader: None } => fill(r.n_not_leader_unknown, &[("node", &me)]),
            Note::StaleRequestRefused { term, current } => fill(
                r.n_stale_refused,
                &[
                    ("node", &me),
                    ("term", &s(term.0)),
                    ("current", &s(current.0)),
                ],
            ),
            Note::StaleReplyDropped { term } => {
                fill(r.n_stale_reply, &[("node", &me), ("term", &s(term.0))])
            }
            Note::Recovered {
                term,
                snapshot_index,
                entries,
                forgot_vote,
            } => {
                let tpl = match snapshot_index {
                    0 => r.n_recovered,
                    _ => r.n_recovered_snapshot,
                };
                let entries = count(*entries as usize, r.count_entry_one, r.count_entry_many);
                let term = s(term.0);
                let mut text = fill(
                    tpl,
                    &[
                        ("node", &me),
                        ("term", &term),
                        ("index", &s(*snapshot_index)),
                        ("entries", &entries),
                    ],
                );
                if *forgot_vote {
                    text.push(' ');
                    text.push_str(&fill(r.n_recovered_forgot_vote, &[("term", &term)]));
                }
                text
            }
            Note::TwoLeaders {
                term,
                first,
                second,
            } => fill(
                r.n_two_leaders,
                &[
                    ("first", &n(first)),
                    ("second", &n(second)),
                    ("term", &s(term.0)),
                ],
            ),
            Note::LeaderRewroteLog {
                leader,
                term,
                index,
            } => fill(
                r.n_rewrote,
                &[
                    ("node", &n(leader)),
                    ("term", &s(term.0)),
                    ("index", &s(*index)),
                ],
            ),
            Note::LogsDiverge { a, b, index } => fill(
                r.n_diverge,
                &[("a", &n(a)), ("b", &n(b)), ("index", &s(*index))],
            ),
            Note::CommittedEntryMissing {
                leader,
                term,
                index,
            } => fill(
                r.n_missing,
                &[
                    ("node", &n(leader)),
                    ("term", &s(term.0)),
                    ("index", &s(*index)),
                ],
            ),
            Note::DifferentApplied { index, a, b } => fill(
                r.n_different_applied,
                &[("a", &n(a)), ("b", &n(b)), ("index", &s(*index))],
            ),
            Note::BecamePreCandidate { term } => {
                fill(r.n_precandidate, &[("node", &me), ("term", &s(term.0))])
            }
            Note::PreVoteDenied {
                candidate,
                term,
                reason,
            } => {
                let tpl = match reason {
                    DenyReason::StaleTerm | DenyReason::AlreadyVoted => r.n_prevote_denied_stale,
                    DenyReason::LeaderAlive => r.n_prevote_denied_leader,
                    DenyReason::IsLeader => r.n_prevote_denied_is_leader,
                    DenyReason::LogBehind => r.n_prevote_denied_log,
                };
                vote(tpl, candidate, term)
            }
            Note::NotInConfig => fill(r.n_not_in_config, &[("node", &me)]),
            Note::ConfigChanged { index, members } => fill(
                r.n_config_changed,
                &[
                    ("node", &me),
                    ("index", &s(*index)),
                    ("members", &servers(members, cat)),
                ],
            ),
            Note::ConfigRefused { reason } => {
                let why = match reason {
                    ConfigRefusal::AlreadyMember => r.why_already_member,
                    ConfigRefusal::NotMember => r.why_not_member,
                    ConfigRefusal::NoSuchServer => r.why_no_such_server,
                    ConfigRefusal::ChangePending => r.why_change_pending,
                    ConfigRefusal::NoCommitInTerm => r.why_no_commit_in_term,
                    ConfigRefusal::LastServer => r.why_last_server,
                };
                fill(r.n_config_refused, &[("node", &me), ("why", why)])
            }
            Note::SteppedDown { term } => {
                fill(r.n_stepped_down, &[("node", &me), ("term", &s(term.0))])
            }
            Note::LostQuorum { term } => {
                fill(r.n_lost_quorum, &[("node", &me), ("term", &s(term.0))])
            }
            Note::Snapshotted { index, term } => fill(
                r.n_snapshotted,
                &[("node", &me), ("index", &s(*index)), ("term", &s(term.0))],
            ),
            Note::SnapshotInstalled { index, term } => fill(
                r.n_snapshot_installed,
                &[("node", &me), ("index", &s(*index)), ("term", &s(term.0))],
            ),
            Note::SnapshotIgnored { index } => fill(
                r.n_snapshot_ignored,
                &[("node", &me), ("index", &s(*index))],
            ),
        }
    }

    fn invariant_text(index: usize, cat: &Catalog) -> (&'static str, &'static str) {
        let r = &cat.raft;
        match index {
            0 => (r.inv_election, r.inv_election_help),
            1 => (r.inv_append_only, r.inv_append_only_help),
            2 => (r.inv_log_matching, r.inv_log_matching_help),
            3 => (r.inv_completeness, r.inv_completeness_help),
            _ => (r.inv_state_machine, r.inv_state_machine_help),
        }
    }

    fn durable_rows(_cfg: &Config, _id: usize, slot: &Slot<Self>, cat: &Catalog) -> Vec<Row> {
        let r = &cat.raft;
        let d = &slot.disk;
        let first = d.snapshot.index as usize + 1;
        let log: Vec<String> = d
            .log
            .iter()
            .enumerate()
            .map(|(i, e)| entry_text(first + i, e, cat))
            .collect();
        let snapshot = if d.snapshot.index == 0 {
            r.snapshot_none.to_string()
        } else {
            fill(
                r.snapshot_value,
                &[
                    ("index", &d.snapshot.index.to_string()),
                    ("term", &d.snapshot.term.0.to_string()),
                    ("members", &servers(&d.snapshot.members, cat)),
                    ("kv", &kv_text(&d.snapshot.kv, cat)),
                ],
            )
        };
        vec![
            Row::new(r.current_term, d.current_term.0.to_string()),
            Row::new(
                r.voted_for,
                d.voted_for
                    .map_or(r.nobody.to_string(), |v| server(v.index(), cat)),
            ),
            Row::new(r.snapshot, snapshot),
            Row::new(
                r.log,
                if log.is_empty() {
                    r.log_empty.to_string()
                } else {
                    log.join(" · ")
                },
            ),
        ]
    }

    fn volatile_rows(cfg: &Config, id: usize, node: &Node, cat: &Catalog) -> Vec<Row> {
        let r = &cat.raft;
        let (status, _, _) = role_text(id, node, cat);
        let config = fill(
            if node.config_index <= node.commit_index {
                r.config_committed
            } else {
                r.config_pending
            },
            &[
                ("members", &servers(&node.config, cat)),
                ("index", &node.config_index.to_string()),
            ],
        );
        let mut rows = vec![
            Row::new(r.role, status),
            Row::new(r.commit_index, node.commit_index.to_string()),
            Row::new(r.last_applied, node.last_applied.to_string()),
            Row::new(
                r.leader_hint,
                node.leader
                    .map_or(r.unknown.to_string(), |l| server(l.index(), cat)),
            ),
            Row::new(r.state_machine, kv_text(&node.kv, cat)),
            Row::new(r.configuration, config),
        ];
        match &node.role {
            Role::PreCandidate { votes } => {
                let v: Vec<String> = votes.iter().map(|v| server(v.index(), cat)).collect();
                rows.push(Row::new(r.pre_votes, v.join(", ")));
            }
            Role::Candidate { votes } => {
                let v: Vec<String> = votes.iter().map(|v| server(v.index(), cat)).collect();
                rows.push(Row::new(r.votes, v.join(", ")));
            }
            Role::Leader {
                next_index,
                match_index,
                heard,
            } => {
                if cfg.check_quorum {
                    rows.push(Row::new(r.heard_since_check, servers(heard, cat)));
                }
                for (f, next) in next_index {
                    let name = server(f.index(), cat);
                    rows.push(Row::new(
                        fill(r.next_index, &[("server", &name)]),
                        next.to_string(),
                    ));
                    rows.push(Row::new(
                        fill(r.match_index, &[("server", &name)]),
                        match_index[f].to_string(),
                    ));
                }
            }
            Role::Follower => {}
        }
        rows
    }

    /// The canvas shows each server's last entries in a short form (a configuration by its
    /// size: the inspector and the event log name its members).
    fn node_log(_cfg: &Config, _id: usize, slot: &Slot<Self>, cat: &Catalog) -> Vec<LogEntry> {
        let first = slot.disk.snapshot.index as usize + 1;
        slot.disk
            .log
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let text = match &e.cmd {
                    Command::Config { members } => {
                        let n = members.len().to_string();
                        entry_with(
                            first + i,
                            e,
                            &fill(cat.raft.config_short, &[("n", &n)]),
                            cat,
                        )
                    }
                    _ => entry_text(first + i, e, cat),
                };

                LogEntry {
                    text,
                    on_disk: true,
                }
            })
            .collect()
    }

    fn log_grid(
        _cfg: &Config,
        nodes: &[Slot<Self>],
        _ghost: &protocols::raft::invariants::Ghost,
        cat: &Catalog,
    ) -> Option<LogGrid> {
        // A crashed server shows its disk; its commit index is volatile, so nothing is marked.
        let logs: Vec<(&protocols::raft::Disk, u64, bool, bool)> = nodes
            .iter()
            .enumerate()
            .map(|(i, s)| match &s.state {
                Some(n) => (&n.d, n.commit_index, true, n.is_member(NodeId(i as u32))),
                None => {
                    let member = s.disk.config_at(u64::MAX).1.contains(&NodeId(i as u32));
                    (&s.disk, s.disk.snapshot.index, false, member)
                }
            })
            .collect();
        let last_index = logs
            .iter()
            .map(|(d, _, _, _)| d.last_index())
            .max()
            .unwrap_or(0);
        let first_index = last_index.saturating_sub(GRID_COLUMNS - 1).max(1);
        let rows = logs
            .iter()
            .enumerate()
            .map(|(i, (d, commit, up, member))| LogGridRow {
                server: server(i, cat),
                up: *up,
                member: *member,
                cells: (first_index..=d.last_index())
                    .map(|k| match d.entry(k) {
                        Some(e) => GridCell::Entry {
                            term: e.term.0,
                            committed: k <= *commit,
                            config: matches!(e.cmd, Command::Config { .. }),
                        },
                        None => GridCell::Snapshot {
                            edge: k == d.snapshot.index,
                        },
                    })
                    .collect(),
            })
            .collect();
        Some(LogGrid {
            title: cat.panels.log_grid,
            hint: cat.panels.log_grid_hint,
            column: cat.panels.grid_index,
            first_index,
            last_index,
            rows,
        })
    }

    fn inspector_notes(
        _cfg: &Config,
        _id: usize,
        _slot: &Slot<Self>,
        _cat: &Catalog,
    ) -> Vec<String> {
        Vec::new()
    }

    fn actions(_cfg: &Config, id: usize, node: &Node, cat: &Catalog) -> Vec<Action> {
        let r = &cat.raft;
        let action = |id, label| Action { id, label };
        if !node.is_member(NodeId(id as u32)) {
            return vec![action("add_server", r.add_server)];
        }
        let mut actions = Vec::new();
        if !matches!(node.role, Role::Leader { .. }) {
            actions.push(action("time_out", r.time_out));
        }
        actions.push(action("client_request", r.client_request));
        actions.push(action("remove", r.remove));
        actions
    }

    /// Client requests and "Time out" go to the chosen server; membership changes go to the
    /// leader (the one of the highest term), as an administrator would send them.
    fn action_request(
        _cfg: &Config,
        nodes: &[Slot<Self>],
        id: usize,
        action: &str,
        salt: u64,
    ) -> Option<(usize, Request)> {
        let target = NodeId(id as u32);
        let to_leader = || current_leader(nodes).unwrap_or(id);
        Some(match action {
            "time_out" => (id, Request::TimeoutNow),
            "client_request" => {
                let (key, value) = protocols::sim::demo_write(&mut |n| salt % n);
                let key = key.to_string();
                (id, Request::Put { key, value })
            }
            "add_server" => (to_leader(), Request::AddServer { server: target }),
            "remove" => (to_leader(), Request::RemoveServer { server: target }),
            _ => return None,
        })
    }

    fn settings(cfg: &Config, cat: &Catalog) -> Vec<Setting> {
        let r = &cat.raft;
        settings_from(
            cfg,
            &[
                ("servers", r.s_servers, ""),
                ("spare_servers", r.s_spare, ""),
                ("election_ticks_min", r.s_election_min, ""),
                ("election_ticks_max", r.s_election_max, ""),
                ("heartbeat_ticks", r.s_heartbeat, ""),
                ("max_entries_per_message", r.s_max_entries, ""),
                ("snapshot_after", r.s_snapshot_after, ""),
                ("pre_vote", r.s_pre_vote, r.s_pre_vote_help),
                ("check_quorum", r.s_check_quorum, r.s_check_quorum_help),
                (
                    "bug_no_election_restriction",
                    r.s_bug_restriction,
                    r.s_bug_restriction_help,
                ),
                (
                    "bug_commit_old_terms",
                    r.s_bug_figure8,
                    r.s_bug_figure8_help,
                ),
                (
                    "bug_forget_voted_for",
                    r.s_bug_voted_for,
                    r.s_bug_voted_for_help,
                ),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::EN;
    use crate::labs::load_recorded;
    use protocols::raft::msg::{ConfigRefusal as CR, DenyReason as DR};
    use protocols::raft::Term;
    use protocols::scenario::Scenario;
    use protocols::sim::history::{History, RunSpec};
    use protocols::sim::rng::Rng;
    use protocols::sim::swarm::Swarm;
    use protocols::sweep::Target;

    fn cfg_of(h: &History<Raft>) -> Config {
        h.spec().cfg.clone()
    }

    /// A template hole left unfilled: `{` then a lowercase placeholder name and `}`. (Sets
    /// of servers are written in braces too, "{S1, S2}", and are not holes.)
    fn has_hole(text: &str) -> bool {
        text.split('{').skip(1).any(|rest| {
            let name: String = rest.chars().take_while(|c| *c != '}').collect();
            rest.contains('}')
                && !name.is_empty()
                && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
        })
    }

    #[test]
    fn a_hole_is_told_apart_from_a_set_of_servers() {
        assert!(has_hole("S1 recovers term {term}."));
        assert!(!has_hole("You partitioned the network: {S1, S2} | {S3}."));
    }

    fn assert_sentences(json: &str, what: &str) -> Vec<String> {
        let sim = load_recorded(json);
        let lines = sim.log_lines(0, sim.len(), &EN);
        assert_eq!(lines.len() as u64, sim.len());
        for l in &lines {
            assert!(
                // An input with no effect ends "(no effect: the node is down)".
                !has_hole(&l.text) && (l.text.ends_with('.') || l.text.ends_with(')')),
                "{what}, step {}: {}",
                l.step,
                l.text
            );
        }
        lines.into_iter().map(|l| l.text).collect()
    }

    /// Every event-log line of the example run, and of random-fault runs with every switch
    /// (pre-vote, CheckQuorum, snapshots, each bug), is a whole sentence with no template
    /// hole left unfilled, and with no "1 votes".
    #[test]
    fn every_event_of_the_example_and_of_swarm_runs_reads_as_a_sentence() {
        let example = include_str!("../../protocols/examples/raft.json");
        assert_sentences(example, "the example");
        let base = Config {
            servers: 3,
            spare_servers: 1,
            snapshot_after: 4,
            ..Config::default()
        };
        let variants = [
            Config {
                pre_vote: true,
                check_quorum: true,
                ..base.clone()
            },
            Config {
                bug_no_election_restriction: true,
                bug_commit_old_terms: true,
                bug_forget_voted_for: true,
                ..base.clone()
            },
            base,
        ];
        let mut all = String::new();
        for (i, cfg) in variants
            .into_iter()
            .enumerate()
            .flat_map(|(i, c)| (0..4).map(move |k| (i * 4 + k, c.clone())))
        {
            let seed = i as u64 + 1;
            let spec = RunSpec {
                cfg,
                net: Default::default(),
                seed,
                inputs: Vec::new(),
            };
            let mut h = History::<Raft>::new(spec).unwrap();
            let nodes = h.world().nodes().len();
            let mut swarm = Swarm::new(seed, nodes, &Raft::timeouts(&cfg_of(&h)));
            let load = vec![1u64; Raft::REQUEST_KINDS]; // every kind of request, evenly
            let cfg = cfg_of(&h);
            for _ in 0..3_000 {
                let mut work =
                    |w: &protocols::sim::World<Raft>, r: &mut Rng| Raft::request(&cfg, &load, w, r);
                if let Some(input) = swarm.next_input(h.world(), &mut work) {
                    let _ = h.inject(input);
                } else if !h.step_forward() {
                    break;
                }
            }
            let json = Scenario {
                spec: h.spec().clone(),
                steps: h.len(),
            }
            .to_json();
            for line in assert_sentences(&json, &format!("swarm seed {seed}")) {
                all.push_str(&line);
            }
        }
        assert!(!all.contains(" 1 votes") && !all.contains(" 1 log entries"));
        for expected in [
            "recovers term",
            "has pre-votes from a majority",
            "BUG:",
            "CheckQuorum",
            "refuses a request from the old term",
            "drops a reply from the old term",
            "it is itself the leader",
        ] {
            assert!(all.contains(expected), "{expected}");
        }
    }

    /// A number for each note variant: this match stops compiling when a variant is added,
    /// so the samples below must grow with it.
    fn variant(note: &Note) -> usize {
        match note {
            Note::BecameFollower { .. } => 0,
            Note::BecameCandidate { .. } => 1,
            Note::BecameLeader { .. } => 2,
            Note::VoteGranted { .. } => 3,
            Note::VoteDenied { .. } => 4,
            Note::Appended { .. } => 5,
            Note::Accepted { .. } => 6,
            Note::Mismatch { .. } => 7,
            Note::BackedOff { .. } => 8,
            Note::Committed { .. } => 9,
            Note::Applied { .. } => 10,
            Note::NotLeader { .. } => 11,
            Note::BecamePreCandidate { .. } => 12,
            Note::PreVoteGranted { .. } => 13,
            Note::PreVoteDenied { .. } => 14,
            Note::NotInConfig => 15,
            Note::ConfigChanged { .. } => 16,
            Note::ConfigRefused { .. } => 17,
            Note::SteppedDown { .. } => 18,
            Note::LostQuorum { .. } => 19,
            Note::Snapshotted { .. } => 20,
            Note::SnapshotInstalled { .. } => 21,
            Note::SnapshotIgnored { .. } => 22,
            Note::StaleRequestRefused { .. } => 23,
            Note::StaleReplyDropped { .. } => 24,
            Note::Recovered { .. } => 25,
            Note::TwoLeaders { .. } => 26,
            Note::LeaderRewroteLog { .. } => 27,
            Note::LogsDiverge { .. } => 28,
            Note::CommittedEntryMissing { .. } => 29,
            Note::DifferentApplied { .. } => 30,
        }
    }

    /// Every variant of every note, with each flag and reason.
    fn samples() -> Vec<Note> {
        let (t, c, a) = (Term(2), NodeId(1), NodeId(2));
        let members = BTreeSet::from([NodeId(0), c]);
        let mut notes = vec![
            Note::BecameFollower { term: t },
            Note::BecameLeader { term: t },
            Note::Appended { index: 3, term: t },
            Note::Mismatch { prev_log_index: 3 },
            Note::BackedOff {
                follower: c,
                next_index: 2,
            },
            Note::NotLeader { leader: Some(c) },
            Note::NotLeader { leader: None },
            Note::BecamePreCandidate { term: t },
            Note::NotInConfig,
            Note::ConfigChanged { index: 4, members },
            Note::SteppedDown { term: t },
            Note::LostQuorum { term: t },
            Note::Snapshotted { index: 4, term: t },
            Note::SnapshotInstalled { index: 4, term: t },
            Note::SnapshotIgnored { index: 4 },
            Note::StaleRequestRefused {
                term: Term(1),
                current: t,
            },
            Note::StaleReplyDropped { term: Term(1) },
            Note::TwoLeaders {
                term: t,
                first: a,
                second: c,
            },
            Note::LeaderRewroteLog {
                leader: c,
                term: t,
                index: 3,
            },
            Note::LogsDiverge { a, b: c, index: 3 },
            Note::CommittedEntryMissing {
                leader: c,
                term: t,
                index: 3,
            },
            Note::DifferentApplied { index: 3, a, b: c },
        ];
        for cmd in [
            Command::Noop,
            Command::Put {
                key: "x".into(),
                value: 1,
            },
            Command::Config {
                members: BTreeSet::from([a]),
            },
        ] {
            notes.push(Note::Applied {
                index: 3,
                term: t,
                cmd,
            });
        }
        for flag in [false, true] {
            notes.push(Note::BecameCandidate {
                term: t,
                after_pre_vote: flag,
            });
            notes.push(Note::VoteGranted {
                candidate: c,
                term: t,
                log_behind: flag,
            });
            notes.push(Note::PreVoteGranted {
                candidate: c,
                term: t,
                log_behind: flag,
            });
            notes.push(Note::Committed {
                index: 3,
                term: t,
                old_term: flag,
            });
        }
        for (snapshot_index, entries, forgot_vote) in [(0, 0, false), (0, 1, true), (24, 2, false)]
        {
            notes.push(Note::Recovered {
                term: t,
                snapshot_index,
                entries,
                forgot_vote,
            });
        }
        for (last, appended, truncated_from) in [(3, 0, None), (3, 1, None), (3, 1, Some(2))] {
            notes.push(Note::Accepted {
                last,
                appended,
                truncated_from,
            });
        }
        for reason in [
            DR::StaleTerm,
            DR::AlreadyVoted,
            DR::LogBehind,
            DR::LeaderAlive,
            DR::IsLeader,
        ] {
            notes.push(Note::VoteDenied {
                candidate: c,
                term: t,
                reason,
            });
            notes.push(Note::PreVoteDenied {
                candidate: c,
                term: t,
                reason,
            });
        }
        for reason in [
            CR::AlreadyMember,
            CR::NotMember,
            CR::NoSuchServer,
            CR::ChangePending,
            CR::NoCommitInTerm,
            CR::LastServer,
        ] {
            notes.push(Note::ConfigRefused { reason });
        }
        notes
    }

    #[test]
    fn every_note_reads_as_a_sentence_and_bug_switch_events_say_bug() {
        let notes = samples();
        let covered: BTreeSet<usize> = notes.iter().map(variant).collect();
        assert_eq!(covered, (0..31).collect(), "a sample of every variant");
        let cfg = Config::default();
        for note in &notes {
            let text = Raft::note_text(&cfg, 0, note, &EN);
            assert!(!has_hole(&text) && text.ends_with('.'), "{note:?}: {text}");
            let bug = matches!(
                note,
                Note::VoteGranted {
                    log_behind: true,
                    ..
                } | Note::PreVoteGranted {
                    log_behind: true,
                    ..
                } | Note::Committed { old_term: true, .. }
                    | Note::Recovered {
                        forgot_vote: true,
                        ..
                    }
            );
            assert_eq!(text.contains("BUG:"), bug, "{text}");
        }
    }

    /// Plurals: "1 vote", "2 votes", "1 log entry", "24 log entries".
    #[test]
    fn counts_agree_with_their_nouns() {
        let r = &EN.raft;
        let mut n = Raft::init(&Config::default(), NodeId(0), &mut Default::default());
        n.role = Role::Candidate {
            votes: BTreeSet::from([NodeId(0)]),
        };
        assert_eq!(role_text(0, &n, &EN).0, "candidate, term 0, 1 vote");
        n.role = Role::PreCandidate {
            votes: BTreeSet::from([NodeId(0), NodeId(1)]),
        };
        assert_eq!(
            role_text(0, &n, &EN).0,
            "pre-candidate, term 0, 2 pre-votes"
        );
        assert_eq!(
            count(1, r.count_entry_one, r.count_entry_many),
            "1 log entry"
        );
        assert_eq!(
            count(0, r.count_entry_one, r.count_entry_many),
            "0 log entries"
        );
    }
}
