//! Unit tests, one rule each, named after the paper's sentences (extended paper sections).

use super::msg::{ConfigRefusal, DenyReason};
use super::*;
use crate::sim::Effect;
use std::collections::{BTreeMap, BTreeSet};

mod leader;

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

/// §5.3: "If a follower does not find an entry in its log with the same index and term,
/// then it refuses the new entries."
#[test]
fn append_entries_is_refused_when_the_previous_entry_does_not_match() {
    let mut n = with_log(&[1, 1], 2);
    let msg = Msg::AppendEntries {
        term: Term(2),
        prev_log_index: 2,
        prev_log_term: Term(2),
        entries: vec![entry(2)],
        leader_commit: 0,
    };
    let out = deliver(&mut n, S1, S2, msg);
    assert_eq!(
        sends(&out),
        vec![(
            S2,
            Msg::AppendEntriesReply {
                term: Term(2),
                success: false,
                match_index: 1
            }
        )]
    );
    assert_eq!(n.d.log.len(), 2, "nothing appended");
}

/// §5.3: "If an existing entry conflicts with a new one (same index but different terms),
/// delete the existing entry and all that follow it."
#[test]
fn conflicting_entries_are_truncated_and_replaced() {
    let mut n = with_log(&[1, 1, 2, 2], 3);
    let msg = Msg::AppendEntries {
        term: Term(3),
        prev_log_index: 2,
        prev_log_term: Term(1),
        entries: vec![entry(3)],
        leader_commit: 0,
    };
    let out = deliver(&mut n, S1, S2, msg);
    let terms: Vec<u64> = n.d.log.iter().map(|e| e.term.0).collect();
    assert_eq!(terms, vec![1, 1, 3]);
    assert!(notes(&out).contains(&Note::Accepted {
        last: 3,
        appended: 1,
        truncated_from: Some(3)
    }));
    assert_eq!(
        sends(&out),
        vec![(
            S2,
            Msg::AppendEntriesReply {
                term: Term(3),
                success: true,
                match_index: 3
            }
        )]
    );
}

/// §5.3: "After a rejection, the leader decrements nextIndex and retries the AppendEntries RPC."
#[test]
fn a_refused_leader_backs_off_next_index_and_retries() {
    let mut n = leader_of_term(3, &[1, 1, 2, 3]);
    let out = deliver(
        &mut n,
        S1,
        S2,
        Msg::AppendEntriesReply {
            term: Term(3),
            success: false,
            match_index: 2,
        },
    );
    let Role::Leader { next_index, .. } = &n.role else {
        panic!("still leader")
    };
    assert_eq!(next_index[&S2], 3, "min(nextIndex - 1, hint + 1)");
    assert!(matches!(
        &sends(&out)[0],
        (
            S2,
            Msg::AppendEntries {
                prev_log_index: 2,
                ..
            }
        )
    ));
}

/// §5.4.2: "Raft never commits log entries from previous terms by counting replicas.
/// Only log entries from the leader's current term are committed by counting replicas."
#[test]
fn only_current_term_entries_commit_by_counting_replicas() {
    // Figure 8 (c): S1, leader of term 4, has replicated the term-2 entry at index 2 on a majority.
    let mut n = leader_of_term(4, &[1, 2]);
    deliver(
        &mut n,
        S1,
        S2,
        Msg::AppendEntriesReply {
            term: Term(4),
            success: true,
            match_index: 2,
        },
    );
    assert_eq!(
        n.commit_index, 0,
        "the term-2 entry is not committed by counting"
    );
    // Once an entry of term 4 is on a majority, it and everything before it commit.
    n.d.log.push(entry(4));
    let out = deliver(
        &mut n,
        S1,
        S2,
        Msg::AppendEntriesReply {
            term: Term(4),
            success: true,
            match_index: 3,
        },
    );
    assert_eq!(n.commit_index, 3);
    assert!(notes(&out).contains(&Note::Committed {
        index: 3,
        term: Term(4),
        old_term: false
    }));
    // Bug switch 2 commits the old entry by counting: the Figure 8 bug.
    let bug = Config {
        bug_commit_old_terms: true,
        ..cfg()
    };
    let mut n = leader_of_term(4, &[1, 2]);
    let out = deliver_with(
        &bug,
        &mut n,
        S1,
        S2,
        Msg::AppendEntriesReply {
            term: Term(4),
            success: true,
            match_index: 2,
        },
    );
    assert_eq!(n.commit_index, 2);
    assert!(
        notes(&out).contains(&Note::Committed {
            index: 2,
            term: Term(2),
            old_term: true
        }),
        "the note flags the commit as the bug's"
    );
}

/// §5.3: followers apply committed entries, learned from leaderCommit, in log order.
#[test]
fn followers_apply_what_the_leader_has_committed() {
    let mut n = with_log(&[], 1);
    let put = Entry {
        term: Term(1),
        cmd: Command::Put {
            key: "x".into(),
            value: 7,
        },
    };
    let msg = Msg::AppendEntries {
        term: Term(1),
        prev_log_index: 0,
        prev_log_term: Term(0),
        entries: vec![entry(1), put],
        leader_commit: 2,
    };
    deliver(&mut n, S1, S2, msg);
    assert_eq!(n.commit_index, 2);
    assert_eq!(n.last_applied, 2);
    assert_eq!(n.kv.get("x"), Some(&7));
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
    assert_eq!(found[0].0, invariants::ELECTION_SAFETY);
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

/// Dissertation §9.6: a pre-vote asks for votes in term+1 without changing anyone's term:
/// the pre-candidate keeps its term, and the voter neither moves its term nor records a vote.
#[test]
fn pre_vote_changes_no_term_and_records_no_vote() {
    let pv = pre_vote_on();
    let mut c = with_log(&[1], 1);
    let mut out = Out::default();
    P::on_timer(&pv, S1, &mut c, Timer::Election, &mut out);
    assert_eq!(c.d.current_term, Term(1), "no new term yet");
    assert!(matches!(c.role, Role::PreCandidate { .. }));
    let ask = Msg::PreVote {
        term: Term(2),
        last_log_index: 1,
        last_log_term: Term(1),
    };
    assert!(sends(&out).contains(&(S2, ask.clone())));
    let mut v = with_log(&[1], 1);
    let out = deliver_with(&pv, &mut v, S2, S1, ask);
    assert_eq!((v.d.current_term, v.d.voted_for), (Term(1), None));
    let grant = Msg::PreVoteReply {
        term: Term(2),
        granted: true,
    };
    assert_eq!(sends(&out), vec![(S1, grant.clone())]);
    // A majority of pre-votes starts the real election, in term 2.
    let out = deliver_with(&pv, &mut c, S1, S2, grant);
    assert!(matches!(c.role, Role::Candidate { .. }));
    assert_eq!(c.d.current_term, Term(2));
    assert!(notes(&out).contains(&Note::BecameCandidate {
        term: Term(2),
        after_pre_vote: true
    }));
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

/// §9.6: "the other servers will have been receiving regular heartbeats from the leader", so
/// a server that has heard from a leader since its timer last fired refuses pre-votes.
#[test]
fn pre_vote_is_refused_while_a_leader_is_heard() {
    let pv = pre_vote_on();
    let mut v = hearing_a_leader(&pv);
    let ask = Msg::PreVote {
        term: Term(2),
        last_log_index: 1,
        last_log_term: Term(1),
    };
    let out = deliver_with(&pv, &mut v, S2, S1, ask.clone());
    assert!(notes(&out).contains(&Note::PreVoteDenied {
        candidate: S1,
        term: Term(2),
        reason: DenyReason::LeaderAlive
    }));
    // Once its own election timer fires, it no longer vouches for the leader.
    P::on_timer(&pv, S2, &mut v, Timer::Election, &mut Out::default());
    v.role = Role::Follower;
    let out = deliver_with(&pv, &mut v, S2, S1, ask);
    assert!(notes(&out).contains(&Note::PreVoteGranted {
        candidate: S1,
        term: Term(2),
        log_behind: false
    }));
}

/// A server that knows it was removed keeps no election timer, except once after hearing
/// from a leader: otherwise its pre-votes would answer "a leader is alive" forever, and a
/// configuration that needs its vote could never elect anyone.
#[test]
fn a_removed_server_stops_vouching_for_a_leader_an_election_timeout_later() {
    let pv = pre_vote_on();
    let mut v = with_config(with_log(&[1], 1), &[S1, S3]);
    v.commit_index = 2;
    let heartbeat = Msg::AppendEntries {
        term: Term(1),
        prev_log_index: 2,
        prev_log_term: Term(1),
        entries: vec![],
        leader_commit: 2,
    };
    let out = deliver_with(&pv, &mut v, S2, S3, heartbeat);
    assert!(
        out.timers_set().contains(&Timer::Election),
        "{:?}",
        out.timers_set()
    );
    let mut out = Out::default();
    P::on_timer(&pv, S2, &mut v, Timer::Election, &mut out);
    assert_eq!(notes(&out), vec![Note::NotInConfig]);
    assert!(!v.heard_from_leader);
    assert!(!out.timers_set().contains(&Timer::Election));
}

/// Dissertation §4.1: "a server always uses the latest configuration in its log, regardless
/// of whether the entry is committed": a follower appending a configuration adopts it.
#[test]
fn a_configuration_takes_effect_when_appended() {
    let mut n = with_log(&[1], 1);
    assert_eq!(n.config, members(&[S1, S2, S3]));
    let add = Entry {
        term: Term(1),
        cmd: Command::Config {
            members: members(&[S1, S2, S3, S4]),
        },
    };
    let msg = Msg::AppendEntries {
        term: Term(1),
        prev_log_index: 1,
        prev_log_term: Term(1),
        entries: vec![add],
        leader_commit: 0,
    };
    deliver(&mut n, S2, S1, msg);
    assert_eq!(n.config, members(&[S1, S2, S3, S4]));
    assert_eq!(n.config_index, 2);
    // Truncating the uncommitted entry reverts to the previous configuration.
    let msg = Msg::AppendEntries {
        term: Term(2),
        prev_log_index: 1,
        prev_log_term: Term(1),
        entries: vec![entry(2)],
        leader_commit: 0,
    };
    deliver(&mut n, S2, S3, msg);
    assert_eq!(n.config, members(&[S1, S2, S3]));
}

/// §4.1: one change at a time: a leader refuses a change while the last one is uncommitted,
/// and before it has committed an entry of its own term.
#[test]
fn a_leader_changes_membership_one_server_at_a_time() {
    let c = Config {
        spare_servers: 1,
        ..cfg()
    };
    let mut l = leader_of_term(2, &[1, 2]);
    let req = |server| Request::AddServer { server };
    let mut out = Out::default();
    P::on_request(&c, S1, &mut l, req(S4), &mut out);
    assert_eq!(
        notes(&out),
        vec![Note::ConfigRefused {
            reason: ConfigRefusal::NoCommitInTerm
        }]
    );
    l.commit_index = 2;
    let mut out = Out::default();
    P::on_request(&c, S1, &mut l, req(S4), &mut out);
    assert_eq!(l.config, members(&[S1, S2, S3, S4]));
    assert!(
        sends(&out).iter().any(|(to, _)| *to == S4),
        "the new server is replicated to"
    );
    let mut out = Out::default();
    P::on_request(
        &c,
        S1,
        &mut l,
        Request::RemoveServer { server: S2 },
        &mut out,
    );
    assert_eq!(
        notes(&out),
        vec![Note::ConfigRefused {
            reason: ConfigRefusal::ChangePending
        }]
    );
}

/// S1, leader of term 2 with its no-op committed, has just appended the removal of `server`.
fn removing(server: NodeId) -> Node {
    let mut l = leader_of_term(2, &[2]);
    l.commit_index = 1;
    let remove = Request::RemoveServer { server };
    P::on_request(&cfg(), S1, &mut l, remove, &mut Out::default());
    l
}

/// A follower's success reply in term 2, matching up to `m`.
fn ok(m: u64) -> Msg {
    Msg::AppendEntriesReply {
        term: Term(2),
        success: true,
        match_index: m,
    }
}

/// §4.2.2: a leader removing itself keeps leading, without counting itself, until the new
/// configuration commits; then it steps down.
#[test]
fn a_removed_leader_steps_down_once_the_removal_commits() {
    let mut l = removing(S1);
    assert!(matches!(l.role, Role::Leader { .. }));
    deliver(&mut l, S1, S2, ok(2));
    assert_eq!(
        l.commit_index, 1,
        "S2 alone is not a majority of {{S2, S3}}"
    );
    let out = deliver(&mut l, S1, S3, ok(2));
    assert_eq!(l.commit_index, 2);
    assert_eq!(l.role, Role::Follower);
    assert!(notes(&out).contains(&Note::SteppedDown { term: Term(2) }));
}

/// §4.2.2–4.2.3: when the removal of S3 commits, the leader tells S3 so in one last
/// AppendEntries (S3 then knows to stay quiet), and replicates to it no more.
#[test]
fn a_removed_server_hears_once_that_its_removal_committed() {
    let mut l = removing(S3);
    deliver(&mut l, S1, S3, ok(2));
    let out = deliver(&mut l, S1, S2, ok(2));
    assert_eq!(l.commit_index, 2);
    let to_s3: Vec<Msg> = sends(&out)
        .into_iter()
        .filter(|(to, _)| *to == S3)
        .map(|(_, m)| m)
        .collect();
    assert!(
        matches!(
            to_s3[..],
            [Msg::AppendEntries {
                leader_commit: 2,
                ..
            }]
        ),
        "{to_s3:?}"
    );
    let mut out = Out::default();
    P::on_timer(&cfg(), S1, &mut l, Timer::Heartbeat, &mut out);
    assert!(sends(&out).iter().all(|(to, _)| *to != S3));
}

/// A server that knows the configuration removing it is committed does not start
/// elections (§4.2.3: it would only disrupt the cluster).
#[test]
fn a_server_known_removed_does_not_start_elections() {
    let mut n = with_config(with_log(&[1], 1), &[S2, S3]);
    n.commit_index = 2;
    let mut out = Out::default();
    P::on_timer(&cfg(), S1, &mut n, Timer::Election, &mut out);
    assert_eq!(notes(&out), vec![Note::NotInConfig]);
    assert_eq!(n.d.current_term, Term(1));
}

/// Dissertation §4.2.2, Figure 4.6: S1 led {S1, S2} and appended Cnew = {S2}, then
/// crashed before S2 had it. S2 needs S1's vote, which S1 refuses for S2's shorter log, so
/// S1 must campaign although it is outside Cnew; it counts S2's vote and not its own.
#[test]
fn a_server_outside_an_uncommitted_configuration_still_campaigns() {
    let mut s1 = with_config(with_log(&[1], 1), &[S2]);
    let mut out = Out::default();
    P::on_timer(&cfg(), S1, &mut s1, Timer::Election, &mut out);
    assert_eq!(s1.d.current_term, Term(2));
    assert!(
        matches!(s1.role, Role::Candidate { .. }),
        "its own vote is not a majority of {{S2}}"
    );
    assert_eq!(sends(&out).len(), 1, "it asks S2, the one member");
    let out = deliver(
        &mut s1,
        S1,
        S2,
        Msg::RequestVoteReply {
            term: Term(2),
            granted: true,
        },
    );
    assert!(matches!(s1.role, Role::Leader { .. }), "{:?}", notes(&out));
}

/// §7: once enough applied entries pile up, a server replaces them with a snapshot of its
/// state machine; the log keeps only what follows.
#[test]
fn applied_entries_are_compacted_into_a_snapshot() {
    let c = Config {
        snapshot_after: 2,
        ..cfg()
    };
    let mut n = with_log(&[], 1);
    let put = Entry {
        term: Term(1),
        cmd: Command::Put {
            key: "x".into(),
            value: 5,
        },
    };
    let msg = Msg::AppendEntries {
        term: Term(1),
        prev_log_index: 0,
        prev_log_term: Term(0),
        entries: vec![entry(1), put, entry(1)],
        leader_commit: 2,
    };
    let out = deliver_with(&c, &mut n, S2, S1, msg);
    assert!(notes(&out).contains(&Note::Snapshotted {
        index: 2,
        term: Term(1)
    }));
    assert_eq!(n.d.snapshot.index, 2);
    assert_eq!(n.d.snapshot.kv.get("x"), Some(&5));
    assert_eq!(n.d.log.len(), 1, "entry 3 is still in the log");
    assert_eq!(n.last_index(), 3);
    // A restart resumes from the snapshot.
    let back = P::on_restart(&c, S2, &P::durable(&n), &mut Out::default());
    assert_eq!((back.commit_index, back.kv.get("x")), (2, Some(&5)));
}

/// Figure 13: the leader sends its snapshot when a follower needs compacted entries; the
/// follower keeps log entries that follow the snapshot only if its log holds the snapshot's
/// last entry, and otherwise discards its whole log.
#[test]
fn install_snapshot_replaces_the_followers_state() {
    let mut l = leader_of_term(3, &[]);
    l.d.snapshot = Snapshot {
        index: 5,
        term: Term(2),
        members: members(&[S1, S2, S3]),
        kv: [("x".to_string(), 9)].into(),
    };
    l.d.log = vec![entry(3)];
    if let Role::Leader { next_index, .. } = &mut l.role {
        next_index.insert(S2, 2);
    }
    let mut out = Out::default();
    P::on_timer(&cfg(), S1, &mut l, Timer::Heartbeat, &mut out);
    let snap = sends(&out)
        .into_iter()
        .find(|(to, m)| *to == S2 && matches!(m, Msg::InstallSnapshot { .. }))
        .expect("S2 gets the snapshot")
        .1;
    // A follower whose log conflicts with the snapshot discards it.
    let mut f = with_log(&[1, 1, 1, 1, 1, 1, 1], 3);
    let out = deliver(&mut f, S2, S1, snap.clone());
    assert!(f.d.log.is_empty());
    assert_eq!(
        (f.commit_index, f.last_applied, f.kv.get("x")),
        (5, 5, Some(&9))
    );
    assert_eq!(
        sends(&out),
        vec![(
            S1,
            Msg::InstallSnapshotReply {
                term: Term(3),
                match_index: 5
            }
        )]
    );
    // One that holds the snapshot's last entry keeps what follows it.
    let mut f = with_log(&[1, 1, 1, 2, 2, 3], 3);
    deliver(&mut f, S2, S1, snap);
    assert_eq!(f.d.log, vec![entry(3)]);
    assert_eq!(f.last_index(), 6);
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
