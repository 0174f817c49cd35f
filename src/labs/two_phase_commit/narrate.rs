//! The sentences of the 2PC lab: messages, timers, requests, notes and invariants.

use super::*;
use protocols::two_phase_commit::invariants::Invariant;

impl Narrate for TwoPhaseCommit {
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
        let c = &cat.tpc;
        let mut rows = vec![Row::new(c.f_txn, txn(msg.txn()))];
        match *msg {
            Msg::Vote { yes, .. } => rows.push(Row::new(c.f_vote, if yes { c.yes } else { c.no })),
            Msg::Outcome { committed, .. } => rows.push(Row::new(
                c.f_outcome,
                if committed {
                    c.p_committed
                } else {
                    c.p_aborted
                },
            )),
            _ => {}
        }
        rows
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

    fn note_text(cfg: &Config, node: NodeId, note: &Note, cat: &Catalog) -> String {
        let c = &cat.tpc;
        let name = |id: NodeId| TwoPhaseCommit::node_name(cfg, id, cat);
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
                &[("node", &me), ("peer", &name(*peer)), ("txn", &txn(*x))],
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
                &[("node", &me), ("peer", &name(*peer)), ("txn", &txn(*x))],
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
                } else if node == NodeId(0) {
                    c.n_recovered
                } else if node == TwoPhaseCommit::client(cfg) {
                    c.n_recovered_client
                } else {
                    c.n_recovered_participant
                };
                let listed = txns(
                    if committing.is_empty() {
                        in_doubt
                    } else {
                        committing
                    },
                    cat,
                );
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
                    ("committed", &name(*committed_at)),
                    ("aborted", &name(*aborted_at)),
                ],
            ),
            Note::NoVoterCommitted { txn: x, node } => fill(
                c.n_no_voter_committed,
                &[("txn", &txn(*x)), ("node", &name(*node))],
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
                    &[("txn", &txn(*x)), ("node", &name(*node)), ("was", was)],
                )
            }
        }
    }

    fn invariant_text(invariant: Invariant, cat: &Catalog) -> (&'static str, &'static str) {
        let c = &cat.tpc;
        match invariant {
            Invariant::Atomicity => (c.inv_atomicity, c.inv_atomicity_help),
            Invariant::NoVoterNeverCommits => (c.inv_no_voter, c.inv_no_voter_help),
            Invariant::DecisionNeverReversed => (c.inv_reversed, c.inv_reversed_help),
        }
    }
}
