//! The two-phase commit lab: how 2PC nodes, messages and events are drawn and told.

use super::sim::{settings_from, LabProtocol};
use super::Tone;
use super::{Action, LabId, LogEntry, Row, Setting};
use crate::i18n::{fill, Catalog};
use crate::view_model::layout::{self, Point};
use protocols::sim::Slot;
use protocols::two_phase_commit::msg::AbortReason;
use protocols::two_phase_commit::{
    Config, CoordPhase, Msg, Node, Note, PartState, Rebegin, Record, Request, Role, Timer,
    TwoPhaseCommit, Txn,
};

fn txn(t: Txn) -> String {
    format!("T{}", t.0)
}

fn txns(ts: &[Txn]) -> String {
    ts.iter().map(|t| txn(*t)).collect::<Vec<_>>().join(", ")
}

/// "1 record", "3 records": how much of its log a restarted node read back.
fn records(n: u64, cat: &Catalog) -> String {
    if n == 1 {
        cat.tpc.wal_records_one.to_string()
    } else {
        fill(cat.tpc.wal_records, &[("n", &n.to_string())])
    }
}

/// "1 tick", "1000 ticks".
fn ticks(n: u64, cat: &Catalog) -> String {
    match n {
        1 => cat.tpc.ticks_one.to_string(),
        n => fill(cat.tpc.ticks_many, &[("n", &n.to_string())]),
    }
}

/// A participant's short name ("P2") for compact rows.
fn short(participant: u32, cat: &Catalog) -> String {
    fill(
        cat.tpc.participant_short,
        &[("n", &participant.to_string())],
    )
}

fn record_text(r: &Record, cat: &Catalog) -> String {
    let c = &cat.tpc;
    let (tpl, t) = match *r {
        Record::Begin(t) => (c.rec_begin, t),
        Record::Prepared(t) => (c.rec_prepared, t),
        Record::Commit(t) => (c.rec_commit, t),
        Record::Abort(t) => (c.rec_abort, t),
        Record::End(t) => (c.rec_end, t),
    };
    fill(tpl, &[("txn", &txn(t))])
}

/// The transaction a participant is most concerned with: the newest undecided one,
/// or else the newest one.
fn focus(txns: &std::collections::BTreeMap<Txn, PartState>) -> Option<(Txn, PartState)> {
    let undecided = txns
        .iter()
        .rev()
        .find(|(_, s)| matches!(s, PartState::Working | PartState::Uncertain));
    undecided
        .or_else(|| txns.iter().next_back())
        .map(|(t, s)| (*t, *s))
}

impl LabProtocol for TwoPhaseCommit {
    const LAB: LabId = LabId::TwoPhaseCommit;

    fn layout(cfg: &Config) -> Vec<Point> {
        layout::two_phase_commit(cfg.participants as usize)
    }

    fn node_name(cfg: &Config, id: usize, cat: &Catalog) -> String {
        if id == 0 {
            cat.tpc.coordinator.to_string()
        } else if id == TwoPhaseCommit::client(cfg).index() {
            cat.tpc.client.to_string()
        } else {
            fill(cat.tpc.participant, &[("n", &id.to_string())])
        }
    }

    fn node_status(
        _cfg: &Config,
        _id: usize,
        node: &Node,
        slot: &Slot<Self>,
        _ghost: &protocols::two_phase_commit::invariants::Ghost,
        cat: &Catalog,
    ) -> (String, Tone, Vec<String>) {
        let c = &cat.tpc;
        let t = |tpl: &str, x: Txn| fill(tpl, &[("txn", &txn(x))]);
        match &node.role {
            Role::Coordinator { txns } => match txns.iter().next_back() {
                None => (c.st_idle.to_string(), Tone::Idle, vec![]),
                Some((x, tx)) => match tx.phase {
                    CoordPhase::Working => (t(c.st_work_phase, *x), Tone::Working, vec![]),
                    CoordPhase::Collecting => (t(c.st_collecting, *x), Tone::Working, vec![]),
                    CoordPhase::Committing => (t(c.st_committing, *x), Tone::Good, vec![]),
                },
            },
            Role::Participant { txns } => {
                let badges = if node.log.votes_no {
                    vec![c.votes_no_badge.to_string()]
                } else {
                    vec![]
                };
                let (status, tone) = match focus(txns) {
                    None => (c.st_idle.to_string(), Tone::Idle),
                    Some((x, PartState::Working)) => (t(c.st_working, x), Tone::Working),
                    Some((x, PartState::Uncertain))
                        if slot.timers.contains_key(&Timer::AskPeers(x)) =>
                    {
                        (t(c.st_blocked, x), Tone::Blocked)
                    }
                    Some((x, PartState::Uncertain)) => (t(c.st_uncertain, x), Tone::Blocked),
                    Some((x, PartState::Committed)) => (t(c.st_committed, x), Tone::Good),
                    Some((x, PartState::Aborted)) => (t(c.st_aborted, x), Tone::Bad),
                };
                (status, tone, badges)
            }
            Role::Client { results } => match results.iter().rev().find(|(_, r)| r.is_none()) {
                Some((x, _)) => (t(c.st_client_waiting, *x), Tone::Working, vec![]),
                None => {
                    let done = results.values().filter(|r| r.is_some()).count();
                    let text = match done {
                        1 => c.st_client_idle_one.to_string(),
                        n => fill(c.st_client_idle, &[("done", &n.to_string())]),
                    };
                    (text, Tone::Idle, vec![])
                }
            },
        }
    }

    fn msg_label(msg: &Msg, cat: &Catalog) -> String {
        let c = &cat.tpc;
        let tpl = match msg {
            Msg::Begin { .. } => c.m_begin,
            Msg::Work { .. } => c.m_work,
            Msg::Prepare { .. } => c.m_prepare,
            Msg::Vote { yes: true, .. } => c.m_vote_yes,
            Msg::Vote { yes: false, .. } => c.m_vote_no,
            Msg::Commit { .. } => c.m_commit,
            Msg::Abort { .. } => c.m_abort,
            Msg::Ack { .. } => c.m_ack,
            Msg::DecisionRequest { .. } => c.m_decision_request,
            Msg::Uncertain { .. } => c.m_uncertain,
            Msg::Outcome {
                committed: true, ..
            } => c.m_outcome_commit,
            Msg::Outcome {
                committed: false, ..
            } => c.m_outcome_abort,
        };
        fill(tpl, &[("txn", &txn(msg.txn()))])
    }

    fn msg_tone(msg: &Msg) -> Tone {
        match msg {
            Msg::Commit { .. }
            | Msg::Vote { yes: true, .. }
            | Msg::Outcome {
                committed: true, ..
            } => Tone::Good,
            Msg::Abort { .. }
            | Msg::Vote { yes: false, .. }
            | Msg::Outcome {
                committed: false, ..
            } => Tone::Bad,
            Msg::DecisionRequest { .. } | Msg::Uncertain { .. } => Tone::Blocked,
            _ => Tone::Working,
        }
    }

    fn msg_fields(msg: &Msg, cat: &Catalog) -> Vec<Row> {
        vec![Row::new(
            cat.panels.message_fields,
            serde_json::to_string(msg).unwrap_or_default(),
        )]
    }

    fn timer_label(timer: &Timer, cat: &Catalog) -> String {
        let c = &cat.tpc;
        let (tpl, x) = match *timer {
            Timer::NextTxn => return c.t_next_txn.to_string(),
            Timer::SendPrepare(x) => (c.t_send_prepare, x),
            Timer::VoteTimeout(x) => (c.t_vote_timeout, x),
            Timer::Resend(x) => (c.t_resend, x),
            Timer::FlushLog(x) => (c.t_flush_log, x),
            Timer::AwaitPrepare(x) => (c.t_await_prepare, x),
            Timer::AwaitDecision(x) => (c.t_await_decision, x),
            Timer::AskPeers(x) => (c.t_ask_peers, x),
            Timer::AwaitOutcome(x) => (c.t_await_outcome, x),
        };
        fill(tpl, &[("txn", &txn(x))])
    }

    fn request_text(req: &Request, cat: &Catalog) -> String {
        match req {
            Request::Submit => cat.tpc.r_submit.to_string(),
            Request::SetVote { yes } => {
                let vote = if *yes {
                    cat.tpc.policy_yes
                } else {
                    cat.tpc.policy_no
                };
                fill(cat.tpc.r_vote, &[("vote", vote)])
            }
        }
    }

    fn note_text(cfg: &Config, node: usize, note: &Note, cat: &Catalog) -> String {
        let c = &cat.tpc;
        let name = |id: usize| Self::node_name(cfg, id, cat);
        let me = name(node);
        let f = |tpl: &str, x: Txn| fill(tpl, &[("node", &me), ("txn", &txn(x))]);
        match note {
            Note::Submitted { txn } => f(c.n_submitted, *txn),
            Note::WorkStarted { txn } => f(c.n_work_started, *txn),
            Note::PrepareSent { txn } => f(c.n_prepare_sent, *txn),
            Note::Voted { txn, yes: true } => f(c.n_voted_yes, *txn),
            Note::Voted { txn, yes: false } => f(c.n_voted_no, *txn),
            Note::VotePolicy { yes } => fill(
                if *yes { c.n_policy_yes } else { c.n_policy_no },
                &[("node", &me)],
            ),
            Note::DecidedCommit { txn, logged: true } => f(c.n_decided_commit, *txn),
            Note::DecidedCommit { txn, logged: false } => f(c.n_decided_commit_unlogged, *txn),
            Note::DecidedAbort {
                txn,
                reason: AbortReason::VotedNo,
            } => f(c.n_decided_abort_no, *txn),
            Note::DecidedAbort {
                txn,
                reason: AbortReason::VoteTimeout,
            } => f(c.n_decided_abort_timeout, *txn),
            Note::Applied { txn, commit: true } => f(c.n_applied_commit, *txn),
            Note::Applied { txn, commit: false } => f(c.n_applied_abort, *txn),
            Note::UnilateralAbort {
                txn,
                asked_by: None,
            } => f(c.n_unilateral_abort, *txn),
            Note::UnilateralAbort {
                txn: x,
                asked_by: Some(peer),
            } => fill(
                c.n_unilateral_abort_asked,
                &[
                    ("node", &me),
                    ("peer", &name(peer.index())),
                    ("txn", &txn(*x)),
                ],
            ),
            Note::Blocked {
                txn,
                peers_too: false,
            } => f(c.n_blocked, *txn),
            Note::Blocked {
                txn,
                peers_too: true,
            } => f(c.n_blocked_peers, *txn),
            Note::PeerUncertain { txn: x, peer } => fill(
                c.n_peer_uncertain,
                &[
                    ("node", &me),
                    ("peer", &name(peer.index())),
                    ("txn", &txn(*x)),
                ],
            ),
            Note::PresumedAbort { txn } => f(c.n_presumed_abort, *txn),
            Note::Rebegun { txn, answer } => f(
                match answer {
                    Rebegin::Running => c.n_rebegun_running,
                    Rebegin::Committed => c.n_rebegun_committed,
                    Rebegin::PresumedAborted => c.n_rebegun_aborted,
                },
                *txn,
            ),
            Note::StillDeciding { txn } => f(c.n_still_deciding, *txn),
            Note::Forgotten { txn } => f(c.n_forgotten, *txn),
            Note::LogFlushed { txn } => f(c.n_log_flushed, *txn),
            Note::Recovered {
                records: n,
                in_doubt,
                committing,
            } => {
                let tpl = if !committing.is_empty() {
                    c.n_recovered_committing
                } else if !in_doubt.is_empty() {
                    c.n_recovered_in_doubt
                } else if node == 0 {
                    c.n_recovered
                } else if node == TwoPhaseCommit::client(cfg).index() {
                    c.n_recovered_client
                } else {
                    c.n_recovered_participant
                };
                let listed = txns(if committing.is_empty() {
                    in_doubt
                } else {
                    committing
                });
                fill(
                    tpl,
                    &[
                        ("node", &me),
                        ("records", &records(*n, cat)),
                        ("txns", &listed),
                    ],
                )
            }
            Note::ClientLearned {
                txn,
                committed: true,
            } => f(c.n_client_learned_commit, *txn),
            Note::ClientLearned {
                txn,
                committed: false,
            } => f(c.n_client_learned_abort, *txn),
            Note::ClientRetried { txn: x } => fill(
                c.n_client_retried,
                &[
                    ("node", &me),
                    ("txn", &txn(*x)),
                    ("wait", &ticks(cfg.client_timeout_ticks, cat)),
                ],
            ),
            Note::Ignored { .. } => fill(c.n_ignored, &[("node", &me)]),
            Note::AtomicityBroken {
                txn: x,
                committed_at,
                aborted_at,
            } => fill(
                c.n_atomicity_broken,
                &[
                    ("txn", &txn(*x)),
                    ("committed", &name(committed_at.index())),
                    ("aborted", &name(aborted_at.index())),
                ],
            ),
            Note::NoVoterCommitted { txn: x, node } => fill(
                c.n_no_voter_committed,
                &[("txn", &txn(*x)), ("node", &name(node.index()))],
            ),
            Note::DecisionReversed {
                txn: x,
                node,
                was_commit,
            } => {
                let was = if *was_commit {
                    c.p_committed
                } else {
                    c.p_aborted
                };
                fill(
                    c.n_decision_reversed,
                    &[
                        ("txn", &txn(*x)),
                        ("node", &name(node.index())),
                        ("was", was),
                    ],
                )
            }
        }
    }

    fn invariant_text(index: usize, cat: &Catalog) -> (&'static str, &'static str) {
        let c = &cat.tpc;
        match index {
            0 => (c.inv_atomicity, c.inv_atomicity_help),
            1 => (c.inv_no_voter, c.inv_no_voter_help),
            _ => (c.inv_reversed, c.inv_reversed_help),
        }
    }

    fn durable_rows(cfg: &Config, id: usize, slot: &Slot<Self>, cat: &Catalog) -> Vec<Row> {
        let c = &cat.tpc;
        let disk = &slot.disk.wal;
        let mut wal: Vec<String> = disk.iter().map(|r| record_text(r, cat)).collect();
        if wal.is_empty() {
            wal.push(c.wal_empty.to_string());
        }
        let mut rows = vec![Row::new(c.wal, wal.join(" · "))];
        // Records appended in memory but not yet written: the bug switch's window.
        if let Some(node) = &slot.state {
            let pending: Vec<String> = node
                .log
                .wal
                .iter()
                .skip(disk.len())
                .map(|r| record_text(r, cat))
                .collect();
            if !pending.is_empty() {
                rows.push(Row::new(c.wal_unflushed, pending.join(" · ")).warn(true));
            }
        }
        if id != 0 && id != TwoPhaseCommit::client(cfg).index() {
            let policy = if slot.disk.votes_no {
                c.policy_no
            } else {
                c.policy_yes
            };
            rows.push(Row::new(c.vote_policy, policy));
        }
        rows
    }

    fn volatile_rows(_cfg: &Config, _id: usize, node: &Node, cat: &Catalog) -> Vec<Row> {
        let c = &cat.tpc;
        let mut rows = Vec::new();
        match &node.role {
            Role::Coordinator { txns } => {
                for (x, t) in txns {
                    let phase = match t.phase {
                        CoordPhase::Working => c.phase_working,
                        CoordPhase::Collecting => c.phase_collecting,
                        CoordPhase::Committing => c.phase_committing,
                    };
                    let votes: Vec<String> = t
                        .votes
                        .iter()
                        .map(|(p, v)| {
                            let vote = if *v { c.yes } else { c.no };
                            fill(c.vote_entry, &[("p", &short(p.0, cat)), ("vote", vote)])
                        })
                        .collect();
                    let acks: Vec<String> = t.acks.iter().map(|p| short(p.0, cat)).collect();
                    let value = format!(
                        "{phase}; {} [{}]; {} [{}]",
                        c.votes,
                        votes.join(" "),
                        c.acks,
                        acks.join(" ")
                    );
                    rows.push(Row::new(txn(*x), value));
                }
            }
            Role::Participant { txns } => {
                for (x, s) in txns {
                    let (v, warn) = match s {
                        PartState::Working => (c.p_working, false),
                        PartState::Uncertain => (c.p_uncertain, true),
                        PartState::Committed => (c.p_committed, false),
                        PartState::Aborted => (c.p_aborted, false),
                    };
                    rows.push(Row::new(txn(*x), v).warn(warn));
                }
            }
            Role::Client { results } => {
                for (x, r) in results {
                    let v = match r {
                        None => c.client_pending,
                        Some(true) => c.client_committed,
                        Some(false) => c.client_aborted,
                    };
                    rows.push(Row::new(txn(*x), v));
                }
            }
        }
        if rows.is_empty() {
            rows.push(Row::new(c.txns, c.no_txns));
        }
        rows
    }

    fn node_log(_cfg: &Config, _id: usize, slot: &Slot<Self>, cat: &Catalog) -> Vec<LogEntry> {
        let disk = &slot.disk.wal;
        let entry = |r: &Record, on_disk| LogEntry {
            text: record_text(r, cat),
            on_disk,
        };
        let mut log: Vec<LogEntry> = disk.iter().map(|r| entry(r, true)).collect();
        if let Some(node) = &slot.state {
            log.extend(
                node.log
                    .wal
                    .iter()
                    .skip(disk.len())
                    .map(|r| entry(r, false)),
            );
        }
        log
    }

    fn inspector_notes(_cfg: &Config, id: usize, slot: &Slot<Self>, cat: &Catalog) -> Vec<String> {
        if id == 0 {
            return vec![cat.tpc.why_presumed_abort.to_string()];
        }
        let blocked = match slot.state.as_ref().map(|n| &n.role) {
            Some(Role::Participant { txns }) => txns.values().any(|s| *s == PartState::Uncertain),
            _ => false,
        };
        if blocked {
            vec![cat.tpc.why_blocked.to_string()]
        } else {
            vec![]
        }
    }

    fn actions(cfg: &Config, id: usize, node: &Node, cat: &Catalog) -> Vec<Action> {
        if id == TwoPhaseCommit::client(cfg).index() {
            vec![Action {
                id: "submit",
                label: cat.tpc.submit,
            }]
        } else if id == 0 {
            vec![]
        } else if node.log.votes_no {
            vec![Action {
                id: "vote_yes",
                label: cat.tpc.vote_yes,
            }]
        } else {
            vec![Action {
                id: "vote_no",
                label: cat.tpc.vote_no,
            }]
        }
    }

    fn links(cfg: &Config) -> Vec<(usize, usize)> {
        let client = TwoPhaseCommit::client(cfg).index();
        (1..=cfg.participants as usize)
            .map(|p| (0, p))
            .chain([(client, 0)])
            .collect()
    }

    fn action_request(
        _cfg: &Config,
        _nodes: &[Slot<Self>],
        id: usize,
        action: &str,
        _salt: u64,
    ) -> Option<(usize, Request)> {
        let request = match action {
            "submit" => Request::Submit,
            "vote_no" => Request::SetVote { yes: false },
            "vote_yes" => Request::SetVote { yes: true },
            _ => return None,
        };
        Some((id, request))
    }

    fn settings(cfg: &Config, cat: &Catalog) -> Vec<Setting> {
        let c = &cat.tpc;
        settings_from(
            cfg,
            &[
                ("participants", c.s_participants, ""),
                ("transactions", c.s_transactions, ""),
                ("txn_gap_ticks", c.s_txn_gap, ""),
                ("vote_timeout_ticks", c.s_vote_timeout, ""),
                ("decision_timeout_ticks", c.s_decision_timeout, ""),
                ("client_timeout_ticks", c.s_client_timeout, ""),
                ("bug_decision_before_log", c.s_bug, c.s_bug_help),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::i18n::EN;
    use crate::labs::sentences_test::check_everything;
    use crate::labs::{load_recorded, LabSim, UiInput};

    fn run(sim: &mut Box<dyn LabSim>, steps: usize) {
        for _ in 0..steps {
            if !sim.step_forward() {
                break;
            }
        }
    }

    fn log(sim: &dyn LabSim) -> String {
        let lines = sim.log_lines(0, sim.len(), &EN);
        let text: Vec<String> = lines.into_iter().map(|l| l.text).collect();
        text.join("\n")
    }

    /// The bundled example (a coordinator crash, a BEGIN lost to it, a No voter): the
    /// restart is told as a reading of the log, with no Raft words, and the client's
    /// retry and the presumed abort are told truly (issue 11, item 12).
    #[test]
    fn the_example_tells_recovery_retry_and_presumed_abort_truly() {
        let sim = load_recorded(include_str!(
            "../../protocols/examples/two-phase-commit.json"
        ));
        let log = log(sim.as_ref());
        for expected in [
            "Coordinator reads its write-ahead log back from disk (1 record): no COMMIT waits",
            "Client has heard nothing of T1 for 1000 ticks: it sends BEGIN T1 again, with the same id.",
            "has no COMMIT record of T1 and is not running it: presumed aborted",
            "Coordinator never begins T1 again",
            "Participant 2 force-writes ABORT T2 and votes NO.",
        ] {
            assert!(log.contains(expected), "{expected}\n{log}");
        }
        assert!(!log.contains("term"), "no Raft words: {log}");
    }

    /// A busy run, with and without the bug switch: crashes and restarts of every role, a
    /// No voter, a partition and dropped messages. Every sentence is whole, and each kind
    /// of restart is told.
    #[test]
    fn every_event_of_a_busy_run_reads_as_a_sentence() {
        let mut all = String::new();
        for bug in [false, true] {
            let json = format!(
                r#"{{"format": 1, "protocol": "two-phase-commit", "seed": 3, "steps": 0,
                "config": {{"transactions": 6, "decision_timeout_ticks": 60,
                  "prepare_timeout_ticks": 80, "client_timeout_ticks": 300,
                  "bug_decision_before_log": {bug}}}, "inputs": []}}"#
            );
            let mut sim = load_recorded(&json);
            // A participant with nothing in doubt restarts (before any work arrives).
            sim.inject(UiInput::Crash(1)).unwrap();
            sim.inject(UiInput::Restart(1)).unwrap();
            let script: [(usize, UiInput); 9] = [
                (30, UiInput::Crash(0)),
                (60, UiInput::Restart(0)),
                (20, UiInput::Action(2, "vote_no")),
                (40, UiInput::Crash(3)),
                (30, UiInput::Restart(3)),
                (10, UiInput::Partition(vec![0, 1])),
                (60, UiInput::Heal),
                (20, UiInput::Crash(4)),
                (40, UiInput::Restart(4)),
            ];
            for (steps, input) in script {
                run(&mut sim, steps);
                sim.inject(input).unwrap();
                if let Some(m) = sim.scene(&EN).messages.first() {
                    sim.inject(UiInput::Drop(m.id)).unwrap();
                }
            }
            sim.inject(UiInput::Action(4, "submit")).unwrap();
            run(&mut sim, 2_000);
            check_everything(&mut sim, "busy 2PC");
            all.push_str(&log(sim.as_ref()));
        }
        for expected in [
            "reads its write-ahead log back from disk (",
            "it sends BEGIN T",
            "force-writes ABORT",
            "no YES vote of its own is in doubt",
            "its next transaction gets a new id",
            "BUG: it sends COMMIT",
        ] {
            assert!(all.contains(expected), "{expected}\n{all}");
        }
    }

    /// "1 transaction done", "2 transactions done".
    #[test]
    fn the_client_counts_its_transactions_in_words() {
        let status = |n: u32| {
            let sim = load_recorded(&format!(
                r#"{{"format": 1, "protocol": "two-phase-commit", "seed": 1, "steps": 2000,
                "config": {{"transactions": {n}}}, "inputs": []}}"#
            ));
            sim.scene(&EN).nodes[4].status.clone()
        };
        assert_eq!(status(1), "1 transaction done");
        assert_eq!(status(2), "2 transactions done");
    }
}
