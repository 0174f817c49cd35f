//! Unit tests, one rule each, named after the paper's sentences (extended paper sections).

use super::msg::{ConfigRefusal, DenyReason};
use super::*;
use crate::sim::Effect;
use std::collections::{BTreeMap, BTreeSet};

mod leader;
mod membership;
mod replication;
mod snapshot;

type P = Raft;
const S1: NodeId = NodeId(0);
const S2: NodeId = NodeId(1);
const S3: NodeId = NodeId(2);

fn cfg() -> Config {
    Config {
        servers: 3,
        ..Config::default()
    }
}

fn fresh() -> Node {
    P::init(&cfg(), S1, &mut Out::default())
}

fn entry(term: u64) -> Entry {
    Entry {
        term: Term(term),
        cmd: Command::Noop,
    }
}

fn with_log(terms: &[u64], current: u64) -> Node {
    let mut n = fresh();
    n.d.log = terms.iter().map(|t| entry(*t)).collect();
    n.d.current_term = Term(current);
    n
}

fn sends(out: &Out<P>) -> Vec<(NodeId, Msg)> {
    out.sends()
}

fn notes(out: &Out<P>) -> Vec<Note> {
    out.notes()
}

fn deliver(n: &mut Node, me: NodeId, from: NodeId, msg: Msg) -> Out<P> {
    deliver_with(&cfg(), n, me, from, msg)
}

fn deliver_with(cfg: &Config, n: &mut Node, me: NodeId, from: NodeId, msg: Msg) -> Out<P> {
    let mut out = Out::default();
    P::on_message(cfg, me, n, from, msg, &mut out);
    out
}

fn persisted_before_first_send(out: &Out<P>) -> bool {
    let persist = out
        .effects
        .iter()
        .position(|e| matches!(e, Effect::Persist));
    let send = out
        .effects
        .iter()
        .position(|e| matches!(e, Effect::Send { .. }));
    matches!((persist, send), (Some(p), Some(s)) if p < s)
}

fn leader_of_term(term: u64, log: &[u64]) -> Node {
    let mut n = with_log(log, term);
    n.role = Role::Leader {
        next_index: BTreeMap::from([(S2, log.len() as u64 + 1), (S3, log.len() as u64 + 1)]),
        match_index: BTreeMap::from([(S2, 0), (S3, 0)]),
        heard: BTreeSet::new(),
    };
    n
}

/// §5.2: "a follower increments its current term and transitions to candidate state. It
/// then votes for itself and issues RequestVote RPCs in parallel to each of the other servers."
#[test]
fn follower_that_times_out_becomes_candidate_and_votes_for_itself() {
    let mut n = fresh();
    let mut out = Out::default();
    P::on_timer(&cfg(), S1, &mut n, Timer::Election, &mut out);
    assert_eq!(n.d.current_term, Term(1));
    assert_eq!(n.d.voted_for, Some(S1));
    assert!(
        persisted_before_first_send(&out),
        "term and vote are on disk before asking"
    );
    let asked: Vec<NodeId> = sends(&out).into_iter().map(|(to, _)| to).collect();
    assert_eq!(asked, vec![S2, S3]);
}

/// §5.2: "Each server will vote for at most one candidate in a given term."
#[test]
fn a_server_votes_at_most_once_per_term() {
    let mut n = fresh();
    let ask = Msg::RequestVote {
        term: Term(1),
        last_log_index: 0,
        last_log_term: Term(0),
    };
    let out = deliver(&mut n, S1, S2, ask.clone());
    assert!(notes(&out).contains(&Note::VoteGranted {
        candidate: S2,
        term: Term(1),
        log_behind: false
    }));
    assert!(
        persisted_before_first_send(&out),
        "votedFor is on disk before the reply"
    );
    let out = deliver(&mut n, S1, S3, ask);
    assert!(notes(&out).contains(&Note::VoteDenied {
        candidate: S3,
        term: Term(1),
        reason: DenyReason::AlreadyVoted
    }));
}

/// §5.4.1: "the voter denies its vote if its own log is more up-to-date than that of the candidate."
#[test]
fn election_restriction_denies_a_candidate_with_a_less_up_to_date_log() {
    let ask = Msg::RequestVote {
        term: Term(3),
        last_log_index: 5,
        last_log_term: Term(1),
    };
    let mut n = with_log(&[1, 2], 2);
    let out = deliver(&mut n, S1, S2, ask.clone());
    assert!(notes(&out).contains(&Note::VoteDenied {
        candidate: S2,
        term: Term(3),
        reason: DenyReason::LogBehind
    }));
    // Bug switch 1 grants it anyway, and the note says the log was behind (a "BUG:").
    let bug = Config {
        bug_no_election_restriction: true,
        ..cfg()
    };
    let mut n = with_log(&[1, 2], 2);
    let out = deliver_with(&bug, &mut n, S1, S2, ask);
    assert!(notes(&out).contains(&Note::VoteGranted {
        candidate: S2,
        term: Term(3),
        log_behind: true
    }));
}

/// §5.1: "If a candidate or leader discovers that its term is out of date, it immediately
/// reverts to follower state."
#[test]
fn a_leader_steps_down_on_a_higher_term() {
    let mut n = leader_of_term(2, &[1, 2]);
    let out = deliver(
        &mut n,
        S1,
        S2,
        Msg::AppendEntriesReply {
            term: Term(5),
            success: false,
            match_index: 0,
        },
    );
    assert_eq!(n.role, Role::Follower);
    assert_eq!(n.d.current_term, Term(5));
    assert_eq!(n.d.voted_for, None);
    assert!(out.effects.iter().any(|e| matches!(e, Effect::Persist)));
}

/// §5.2 and §8: a candidate with votes from a majority becomes leader and appends a
/// no-op entry of its term.
#[test]
fn a_majority_of_votes_makes_a_leader_that_appends_a_noop() {
    let mut n = fresh();
    P::on_timer(&cfg(), S1, &mut n, Timer::Election, &mut Out::default());
    let out = deliver(
        &mut n,
        S1,
        S2,
        Msg::RequestVoteReply {
            term: Term(1),
            granted: true,
        },
    );
    assert!(matches!(n.role, Role::Leader { .. }));
    assert_eq!(
        n.d.log,
        vec![Entry {
            term: Term(1),
            cmd: Command::Noop
        }]
    );
    assert!(notes(&out).contains(&Note::BecameLeader { term: Term(1) }));
    let appends = sends(&out)
        .iter()
        .filter(|(_, m)| matches!(m, Msg::AppendEntries { .. }))
        .count();
    assert_eq!(appends, 2, "it asserts leadership at once");
}

/// §5.1/§8: clients talk to the leader; a follower redirects them.
#[test]
fn a_follower_refuses_a_client_request_with_a_leader_hint() {
    let mut n = fresh();
    n.leader = Some(S3);
    let mut out = Out::default();
    P::on_request(
        &cfg(),
        S1,
        &mut n,
        Request::Put {
            key: "x".into(),
            value: 1,
        },
        &mut out,
    );
    assert_eq!(notes(&out), vec![Note::NotLeader { leader: Some(S3) }]);
    assert!(n.d.log.is_empty());
}

/// Figure 2: currentTerm, votedFor and log[] are persistent; commitIndex, lastApplied and the
/// leader's nextIndex/matchIndex are volatile.
#[test]
fn a_restart_recovers_term_vote_and_log_but_relearns_the_rest() {
    let mut n = leader_of_term(3, &[1, 3]);
    n.d.voted_for = Some(S1);
    n.commit_index = 2;
    n.last_applied = 2;
    let disk = P::durable(&n);
    let back = P::on_restart(&cfg(), S1, &disk, &mut Out::default());
    assert_eq!(
        (back.d.current_term, back.d.voted_for, back.d.log.len()),
        (Term(3), Some(S1), 2)
    );
    assert_eq!((back.commit_index, back.last_applied), (0, 0));
    assert_eq!(back.role, Role::Follower);
    // Bug switch 3: votedFor was never persisted.
    let bug = Config {
        bug_forget_voted_for: true,
        ..cfg()
    };
    let back = P::on_restart(&bug, S1, &disk, &mut Out::default());
    assert_eq!(back.d.voted_for, None);
}

/// §5.1: "If a server receives a request with a stale term number, it rejects the request."
#[test]
fn stale_requests_are_refused_with_the_current_term() {
    let mut n = with_log(&[1], 4);
    let out = deliver(
        &mut n,
        S1,
        S2,
        Msg::RequestVote {
            term: Term(2),
            last_log_index: 9,
            last_log_term: Term(2),
        },
    );
    assert_eq!(
        sends(&out),
        vec![(
            S2,
            Msg::RequestVoteReply {
                term: Term(4),
                granted: false
            }
        )]
    );
    assert_eq!(n.d.voted_for, None);
}

/// Election Safety is checked: two leaders in one term are reported once.
#[test]
fn checker_reports_two_leaders_in_a_term() {
    let mut ghost = invariants::Ghost::default();
    let mut found = Vec::new();
    let notes = [
        (S1, Note::BecameLeader { term: Term(2) }),
        (S2, Note::BecameLeader { term: Term(2) }),
    ];
    invariants::check(&mut ghost, &[], &notes, &mut found);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, invariants::Invariant::ElectionSafety);
}

/// Persisting writes exactly the in-memory durable state, including after a truncation.
#[test]
fn persist_writes_the_log_incrementally_and_exactly() {
    let mut n = with_log(&[1, 1, 2, 2], 3);
    let mut disk = P::durable(&n);
    n.d.log.truncate(2);
    n.d.log.push(entry(3));
    n.d.voted_for = Some(S2);
    P::persist(&n, &mut disk);
    assert_eq!(disk, P::durable(&n));
    n.d.log.push(entry(3));
    P::persist(&n, &mut disk);
    assert_eq!(disk, P::durable(&n));
}

const S4: NodeId = NodeId(3);

fn members(ids: &[NodeId]) -> std::collections::BTreeSet<NodeId> {
    ids.iter().copied().collect()
}

/// A server whose latest configuration is `ids` (set by a config entry at the end of its log).
fn with_config(mut n: Node, ids: &[NodeId]) -> Node {
    n.d.log.push(Entry {
        term: n.d.current_term,
        cmd: Command::Config {
            members: members(ids),
        },
    });
    n.refresh_config();
    n
}

fn pre_vote_on() -> Config {
    Config {
        pre_vote: true,
        ..cfg()
    }
}

/// S2, a follower in term 1 that has just heard a heartbeat from S3, its leader.
fn hearing_a_leader(pv: &Config) -> Node {
    let mut v = with_log(&[1], 1);
    let heartbeat = Msg::AppendEntries {
        term: Term(1),
        prev_log_index: 1,
        prev_log_term: Term(1),
        entries: vec![],
        leader_commit: 0,
    };
    deliver_with(pv, &mut v, S2, S3, heartbeat);
    v
}

/// A configuration whose heartbeats come less often than the shortest election timeout is
/// refused with a message naming both fields.
#[test]
fn heartbeats_slower_than_the_election_timeout_are_refused() {
    let c = Config {
        heartbeat_ticks: 400,
        ..Config::default()
    };
    assert_eq!(
        P::validate(&c),
        Err(crate::sim::ConfigError::Inverted {
            low: "heartbeat_ticks",
            high: "election_ticks_min"
        })
    );
}
