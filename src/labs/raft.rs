//! The Raft lab: servers on a ring, their roles, terms, timers, logs and messages.

use super::sim::LabProtocol;
use super::{
    Action, LabId, LogEntry, LogGrid, LogGridRow, Row, Setting, SettingKind, GRID_COLUMNS,
};
use crate::i18n::{fill, Catalog};
use crate::view_model::layout::{self, Point};
use protocols::raft::msg::DenyReason;
use protocols::raft::{Command, Config, Entry, Msg, Node, Note, Raft, Request, Role, Timer};
use protocols::sim::{NodeId, Slot};

fn server(id: usize, cat: &Catalog) -> String {
    fill(cat.raft.server, &[("n", &(id + 1).to_string())])
}

fn cmd_text(cmd: &Command, cat: &Catalog) -> String {
    match cmd {
        Command::Noop => cat.raft.noop.to_string(),
        Command::Put { key, value } => {
            fill(cat.raft.put, &[("key", key), ("value", &value.to_string())])
        }
    }
}

fn entry_text(index: usize, e: &Entry, cat: &Catalog) -> String {
    let (i, t) = (index.to_string(), e.term.0.to_string());
    fill(
        cat.raft.entry,
        &[("index", &i), ("term", &t), ("cmd", &cmd_text(&e.cmd, cat))],
    )
}

/// A server's role and term as a status line, a tone and badges.
fn role_text(node: &Node, cat: &Catalog) -> (String, &'static str, Vec<String>) {
    let r = &cat.raft;
    let term = node.d.current_term.0.to_string();
    match &node.role {
        Role::Follower => (
            fill(r.st_follower, &[("term", &term)]),
            "tone-working",
            vec![],
        ),
        Role::Candidate { votes } => {
            let status = fill(
                r.st_candidate,
                &[("term", &term), ("votes", &votes.len().to_string())],
            );
            (status, "tone-blocked", vec![])
        }
        Role::Leader { .. } => (
            fill(r.st_leader, &[("term", &term)]),
            "tone-commit",
            vec!["★".to_string()],
        ),
    }
}

impl LabProtocol for Raft {
    const LAB: LabId = LabId::Raft;

    fn layout(cfg: &Config) -> Vec<Point> {
        layout::ring(cfg.servers as usize)
    }

    fn links(cfg: &Config) -> Vec<(usize, usize)> {
        let n = cfg.servers as usize;
        (0..n)
            .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
            .collect()
    }

    fn node_name(_cfg: &Config, id: usize, cat: &Catalog) -> String {
        server(id, cat)
    }

    fn node_status(
        _cfg: &Config,
        _id: usize,
        node: &Node,
        _slot: &Slot<Self>,
        cat: &Catalog,
    ) -> (String, &'static str, Vec<String>) {
        role_text(node, cat)
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
        }
    }

    fn msg_tone(msg: &Msg) -> &'static str {
        match msg {
            Msg::RequestVote { .. } => "tone-blocked",
            Msg::RequestVoteReply { granted: true, .. }
            | Msg::AppendEntriesReply { success: true, .. } => "tone-commit",
            Msg::RequestVoteReply { granted: false, .. }
            | Msg::AppendEntriesReply { success: false, .. } => "tone-abort",
            Msg::AppendEntries { .. } => "tone-working",
        }
    }

    fn msg_fields(msg: &Msg, cat: &Catalog) -> Vec<Row> {
        vec![Row::new(
            cat.panels.message_fields,
            serde_json::to_string(msg).unwrap_or_default(),
        )]
    }

    fn timer_label(timer: &Timer, cat: &Catalog) -> String {
        match timer {
            Timer::Election => cat.raft.t_election.to_string(),
            Timer::Heartbeat => cat.raft.t_heartbeat.to_string(),
        }
    }

    fn request_text(req: &Request, cat: &Catalog) -> String {
        match req {
            Request::Put { key, value } => fill(
                cat.raft.r_put,
                &[("key", key), ("value", &value.to_string())],
            ),
            Request::TimeoutNow => cat.raft.r_timeout.to_string(),
        }
    }

    fn note_text(_cfg: &Config, node: usize, note: &Note, cat: &Catalog) -> String {
        let r = &cat.raft;
        let me = server(node, cat);
        let n = |id: &NodeId| server(id.index(), cat);
        let s = |v: u64| v.to_string();
        match note {
            Note::BecameFollower { term } => {
                fill(r.n_follower, &[("node", &me), ("term", &s(term.0))])
            }
            Note::BecameCandidate { term } => {
                fill(r.n_candidate, &[("node", &me), ("term", &s(term.0))])
            }
            Note::BecameLeader { term } => fill(r.n_leader, &[("node", &me), ("term", &s(term.0))]),
            Note::VoteGranted { candidate, term } => fill(
                r.n_vote_granted,
                &[
                    ("node", &me),
                    ("candidate", &n(candidate)),
                    ("term", &s(term.0)),
                ],
            ),
            Note::VoteDenied {
                candidate,
                term,
                reason,
            } => {
                let tpl = match reason {
                    DenyReason::StaleTerm => r.n_vote_denied_stale,
                    DenyReason::AlreadyVoted => r.n_vote_denied_voted,
                    DenyReason::LogBehind => r.n_vote_denied_log,
                };
                fill(
                    tpl,
                    &[
                        ("node", &me),
                        ("candidate", &n(candidate)),
                        ("term", &s(term.0)),
                    ],
                )
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
            Note::Committed { index, term } => fill(
                r.n_committed,
                &[("node", &me), ("index", &s(*index)), ("term", &s(term.0))],
            ),
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
            Note::StaleMessage { term } => fill(r.n_stale, &[("node", &me), ("term", &s(term.0))]),
            Note::Recovered { term, log_len } => fill(
                r.n_recovered,
                &[("node", &me), ("term", &s(term.0)), ("len", &s(*log_len))],
            ),
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
        let log: Vec<String> = d
            .log
            .iter()
            .enumerate()
            .map(|(i, e)| entry_text(i + 1, e, cat))
            .collect();
        vec![
            Row::new(r.current_term, d.current_term.0.to_string()),
            Row::new(
                r.voted_for,
                d.voted_for
                    .map_or(r.nobody.to_string(), |v| server(v.index(), cat)),
            ),
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

    fn volatile_rows(_cfg: &Config, _id: usize, node: &Node, cat: &Catalog) -> Vec<Row> {
        let r = &cat.raft;
        let (status, _, _) = role_text(node, cat);
        let kv: Vec<String> = node.kv.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mut rows = vec![
            Row::new(r.role, status),
            Row::new(r.commit_index, node.commit_index.to_string()),
            Row::new(r.last_applied, node.last_applied.to_string()),
            Row::new(
                r.leader_hint,
                node.leader
                    .map_or(r.unknown.to_string(), |l| server(l.index(), cat)),
            ),
            Row::new(
                r.state_machine,
                if kv.is_empty() {
                    r.empty.to_string()
                } else {
                    kv.join(", ")
                },
            ),
        ];
        match &node.role {
            Role::Candidate { votes } => {
                let v: Vec<String> = votes.iter().map(|v| server(v.index(), cat)).collect();
                rows.push(Row::new(r.votes, v.join(", ")));
            }
            Role::Leader {
                next_index,
                match_index,
            } => {
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

    fn node_log(_cfg: &Config, _id: usize, slot: &Slot<Self>, cat: &Catalog) -> Vec<LogEntry> {
        slot.disk
            .log
            .iter()
            .enumerate()
            .map(|(i, e)| LogEntry {
                text: entry_text(i + 1, e, cat),
                on_disk: true,
            })
            .collect()
    }

    fn log_grid(_cfg: &Config, nodes: &[Slot<Self>], cat: &Catalog) -> Option<LogGrid> {
        // A crashed server shows its disk; its commit index is volatile, so nothing is marked.
        let logs: Vec<(&[Entry], u64, bool)> = nodes
            .iter()
            .map(|s| match &s.state {
                Some(n) => (n.d.log.as_slice(), n.commit_index, true),
                None => (s.disk.log.as_slice(), 0, false),
            })
            .collect();
        let last_index = logs
            .iter()
            .map(|(l, _, _)| l.len() as u64)
            .max()
            .unwrap_or(0);
        let first_index = last_index.saturating_sub(GRID_COLUMNS - 1).max(1);
        let rows = logs
            .iter()
            .enumerate()
            .map(|(i, (log, commit, up))| LogGridRow {
                server: server(i, cat),
                up: *up,
                cells: (first_index..=last_index.min(log.len() as u64))
                    .map(|k| (log[k as usize - 1].term.0, k <= *commit))
                    .collect(),
            })
            .collect();
        Some(LogGrid {
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

    fn actions(_cfg: &Config, _id: usize, node: &Node, cat: &Catalog) -> Vec<Action> {
        let mut actions = vec![Action {
            id: "client_request",
            label: cat.raft.client_request,
        }];
        if !matches!(node.role, Role::Leader { .. }) {
            actions.insert(
                0,
                Action {
                    id: "time_out",
                    label: cat.raft.time_out,
                },
            );
        }
        actions
    }

    fn action_request(_cfg: &Config, _id: usize, action: &str, salt: u64) -> Option<Request> {
        match action {
            "time_out" => Some(Request::TimeoutNow),
            "client_request" => {
                let key = ["x", "y", "z"][(salt % 3) as usize].to_string();
                Some(Request::Put {
                    key,
                    value: (salt % 100) as u32,
                })
            }
            _ => None,
        }
    }

    fn settings(cfg: &Config, cat: &Catalog) -> Vec<Setting> {
        let r = &cat.raft;
        let number = |key, label, min, max, value| Setting {
            key,
            label,
            kind: SettingKind::Number { min, max, value },
        };
        let toggle = |key, label, on, help| Setting {
            key,
            label,
            kind: SettingKind::Toggle { on, help },
        };
        vec![
            number("servers", r.s_servers, 3, 7, cfg.servers as u64),
            number(
                "election_ticks_min",
                r.s_election_min,
                1,
                100_000,
                cfg.election_ticks_min,
            ),
            number(
                "election_ticks_max",
                r.s_election_max,
                1,
                100_000,
                cfg.election_ticks_max,
            ),
            number(
                "heartbeat_ticks",
                r.s_heartbeat,
                1,
                100_000,
                cfg.heartbeat_ticks,
            ),
            toggle(
                "bug_no_election_restriction",
                r.s_bug_restriction,
                cfg.bug_no_election_restriction,
                r.s_bug_restriction_help,
            ),
            toggle(
                "bug_commit_old_terms",
                r.s_bug_figure8,
                cfg.bug_commit_old_terms,
                r.s_bug_figure8_help,
            ),
            toggle(
                "bug_forget_voted_for",
                r.s_bug_voted_for,
                cfg.bug_forget_voted_for,
                r.s_bug_voted_for_help,
            ),
        ]
    }

    fn set(cfg: &mut Config, key: &str, value: u64) -> bool {
        match key {
            "servers" => cfg.servers = value.min(u32::MAX as u64) as u32,
            "election_ticks_min" => cfg.election_ticks_min = value,
            "election_ticks_max" => cfg.election_ticks_max = value,
            "heartbeat_ticks" => cfg.heartbeat_ticks = value,
            "bug_no_election_restriction" => cfg.bug_no_election_restriction = value != 0,
            "bug_commit_old_terms" => cfg.bug_commit_old_terms = value != 0,
            "bug_forget_voted_for" => cfg.bug_forget_voted_for = value != 0,
            _ => return false,
        }
        true
    }
}
