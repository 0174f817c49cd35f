//! The sentences of the Raft lab: messages, timers, requests, notes and invariants.

use super::*;
use protocols::raft::invariants::Invariant;

impl Narrate for Raft {
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
                fill(cat.raft.r_add, &[("server", &server(*s, cat))])
            }
            Request::RemoveServer { server: s } => {
                fill(cat.raft.r_remove, &[("server", &server(*s, cat))])
            }
        }
    }

    fn note_text(_cfg: &Config, node: NodeId, note: &Note, cat: &Catalog) -> String {
        let r = &cat.raft;
        let me = server(node, cat);
        let n = |id: &NodeId| server(*id, cat);
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
                let entries = count(*entries, r.count_entry_one, r.count_entry_many);
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
                    push_sentence(
                        &mut text,
                        &fill(r.n_recovered_forgot_vote, &[("term", &term)]),
                    );
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

    fn invariant_text(invariant: Invariant, cat: &Catalog) -> (&'static str, &'static str) {
        let r = &cat.raft;
        match invariant {
            Invariant::ElectionSafety => (r.inv_election, r.inv_election_help),
            Invariant::LeaderAppendOnly => (r.inv_append_only, r.inv_append_only_help),
            Invariant::LogMatching => (r.inv_log_matching, r.inv_log_matching_help),
            Invariant::LeaderCompleteness => (r.inv_completeness, r.inv_completeness_help),
            Invariant::StateMachineSafety => (r.inv_state_machine, r.inv_state_machine_help),
        }
    }
}
