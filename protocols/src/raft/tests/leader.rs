//! Unit tests of a leader's liveness rules (the commit rule with a majority of one,
//! CheckQuorum) and of notes that must tell the event log the truth.

use super::*;

fn alone() -> Config {
    Config {
        servers: 1,
        ..cfg()
    }
}

/// A server whose snapshot holds the configuration `{S1}` and nothing else.
fn lone_server() -> Node {
    let mut n = fresh();
    n.d.snapshot.members = members(&[S1]);
    n.refresh_config();
    n
}

/// Figure 2, Rules for Servers, Leaders: "If there exists an N such that N > commitIndex,
/// a majority of matchIndex[i] ≥ N, and log[N].term == currentTerm: set commitIndex = N".
/// Alone in its configuration, the leader is that majority: its no-op commits as it is
/// appended, and so does each write (§5.3, §5.4.2).
#[test]
fn a_leader_alone_in_its_configuration_commits_what_it_appends() {
    let mut n = lone_server();
    let mut out = Out::default();
    P::on_timer(&alone(), S1, &mut n, Timer::Election, &mut out);
    assert!(matches!(n.role, Role::Leader { .. }));
    assert_eq!(n.commit_index, 1, "the no-op commits at once");
    assert!(notes(&out).contains(&Note::Committed {
        index: 1,
        term: Term(1),
        old_term: false
    }));
    let put = Request::Put {
        key: "x".into(),
        value: 7,
    };
    P::on_request(&alone(), S1, &mut n, put, &mut Out::default());
    assert_eq!((n.commit_index, n.last_applied), (2, 2));
    assert_eq!(n.kv.get("x"), Some(&7));
}

/// Figure 2 with §5.4.2: an entry of an earlier term does not commit by counting, even when
/// the leader alone is a majority; its own term's no-op commits it indirectly.
#[test]
fn a_lone_leader_commits_earlier_terms_only_through_its_own_no_op() {
    let mut n = lone_server();
    n.d.log = vec![entry(1), entry(1)];
    n.d.current_term = Term(1);
    let mut out = Out::default();
    P::on_request(&alone(), S1, &mut n, Request::TimeoutNow, &mut out);
    assert_eq!(
        n.commit_index, 3,
        "entries 1-2 commit with the term-2 no-op"
    );
    let committed: Vec<Note> = notes(&out)
        .into_iter()
        .filter(|n| matches!(n, Note::Committed { .. }))
        .collect();
    assert_eq!(
        committed,
        vec![Note::Committed {
            index: 3,
            term: Term(2),
            old_term: false
        }]
    );
}

/// Dissertation §4.1 and Ongaro's raft-dev post (2015): a new leader must commit an entry
/// of its term before a change. Until then it cannot know whether the configuration at
/// the end of its log is committed, so that is the reason it gives, not "pending".
#[test]
fn a_new_leader_refuses_a_change_because_it_has_no_commit_in_its_term() {
    let mut l = with_config(leader_of_term(2, &[1]), &[S1, S2, S3]);
    l.d.log[1].term = Term(1); // the configuration came from the leader of term 1
    l.refresh_config();
    l.d.log.push(entry(2)); // this leader's no-op
    let mut out = Out::default();
    let remove = || Request::RemoveServer { server: S3 };
    P::on_request(&cfg(), S1, &mut l, remove(), &mut out);
    assert_eq!(
        notes(&out),
        vec![Note::ConfigRefused {
            reason: ConfigRefusal::NoCommitInTerm
        }]
    );
    l.commit_index = 3;
    P::on_request(&cfg(), S1, &mut l, remove(), &mut Out::default());
    assert_eq!(
        l.config,
        members(&[S1, S2]),
        "accepted once the no-op commits"
    );
}

/// §5.1: "If a server receives a request with a stale term number, it rejects the request"
/// and the reply carries its current term, which makes the sender step down; a stale
/// reply is dropped. The notes say which.
#[test]
fn a_stale_request_is_refused_with_the_current_term_and_a_stale_reply_dropped() {
    let mut n = with_log(&[1], 4);
    let old_append = Msg::AppendEntries {
        term: Term(2),
        prev_log_index: 1,
        prev_log_term: Term(1),
        entries: vec![],
        leader_commit: 0,
    };
    let out = deliver(&mut n, S1, S2, old_append);
    assert_eq!(
        notes(&out),
        vec![Note::StaleRequestRefused {
            term: Term(2),
            current: Term(4)
        }]
    );
    let reply = Msg::AppendEntriesReply {
        term: Term(4),
        success: false,
        match_index: 0,
    };
    assert_eq!(sends(&out), vec![(S2, reply)]);
    let old_reply = Msg::RequestVoteReply {
        term: Term(3),
        granted: true,
    };
    let out = deliver(&mut n, S1, S2, old_reply);
    assert_eq!(notes(&out), vec![Note::StaleReplyDropped { term: Term(3) }]);
    assert!(sends(&out).is_empty());
}

/// Dissertation §9.6: a leader refuses a pre-vote as the leader itself, which is a reason
/// of its own (it has not "heard from" a leader).
#[test]
fn a_leader_refuses_a_pre_vote_as_the_leader_itself() {
    let pv = pre_vote_on();
    let mut l = leader_of_term(1, &[1]);
    let ask = Msg::PreVote {
        term: Term(2),
        last_log_index: 1,
        last_log_term: Term(1),
    };
    let out = deliver_with(&pv, &mut l, S1, S2, ask);
    assert_eq!(
        notes(&out),
        vec![Note::PreVoteDenied {
            candidate: S2,
            term: Term(2),
            reason: DenyReason::IsLeader
        }]
    );
}

/// §9.6: the pre-vote check is about a leader of the voter's current term. Hearing a
/// leader of term 1 does not stop a pre-vote once the voter has moved on to term 2.
#[test]
fn a_leader_heard_in_an_older_term_does_not_block_a_pre_vote() {
    let pv = pre_vote_on();
    let mut v = hearing_a_leader(&pv);
    assert!(v.heard_from_leader);
    let vote = Msg::RequestVote {
        term: Term(2),
        last_log_index: 1,
        last_log_term: Term(1),
    };
    deliver_with(&pv, &mut v, S2, S3, vote);
    let ask = Msg::PreVote {
        term: Term(3),
        last_log_index: 1,
        last_log_term: Term(1),
    };
    let out = deliver_with(&pv, &mut v, S2, S1, ask);
    assert!(notes(&out).contains(&Note::PreVoteGranted {
        candidate: S1,
        term: Term(3),
        log_behind: false
    }));
}

/// Figure 2 and §7: a restart brings back the snapshot and the entries after it; the note
/// counts only the latter as log entries. Bug switch 3 is named when it loses a vote.
#[test]
fn a_restart_counts_log_entries_apart_from_the_snapshot() {
    let mut n = with_log(&[3, 3], 3);
    n.d.snapshot.index = 24;
    n.d.snapshot.term = Term(2);
    n.d.voted_for = Some(S2);
    let disk = P::durable(&n);
    let mut out = Out::default();
    P::on_restart(&cfg(), S1, &disk, &mut out);
    let recovered = |forgot_vote| Note::Recovered {
        term: Term(3),
        snapshot_index: 24,
        entries: 2,
        forgot_vote,
    };
    assert_eq!(notes(&out), vec![recovered(false)]);
    let bug = Config {
        bug_forget_voted_for: true,
        ..cfg()
    };
    let mut out = Out::default();
    P::on_restart(&bug, S1, &disk, &mut out);
    assert_eq!(notes(&out), vec![recovered(true)]);
}

fn check_quorum() -> Config {
    Config {
        check_quorum: true,
        ..cfg()
    }
}

fn quorum_checks(out: &Out<P>) -> usize {
    out.effects
        .iter()
        .filter(|e| {
            matches!(
                e,
                Effect::SetTimer {
                    timer: Timer::CheckQuorum,
                    ..
                }
            )
        })
        .count()
}

/// Dissertation §6.2: "a leader steps down if an election timeout elapses without a
/// successful round of heartbeats to a majority of its cluster". A leader that heard
/// from S2 (with itself, two of three) keeps leading; in the next window, hearing from no
/// one, it steps down in its own term and waits for its election timer.
#[test]
fn with_check_quorum_a_leader_that_hears_from_no_majority_steps_down() {
    let mut l = leader_of_term(2, &[2]);
    let ok = Msg::AppendEntriesReply {
        term: Term(2),
        success: true,
        match_index: 1,
    };
    deliver_with(&check_quorum(), &mut l, S1, S2, ok);
    let mut out = Out::default();
    P::on_timer(&check_quorum(), S1, &mut l, Timer::CheckQuorum, &mut out);
    assert!(matches!(l.role, Role::Leader { .. }));
    assert_eq!(quorum_checks(&out), 1, "the next check is armed");
    let mut out = Out::default();
    P::on_timer(&check_quorum(), S1, &mut l, Timer::CheckQuorum, &mut out);
    assert_eq!(l.role, Role::Follower);
    assert_eq!(l.d.current_term, Term(2));
    assert_eq!(notes(&out), vec![Note::LostQuorum { term: Term(2) }]);
    assert!(out.effects.iter().any(|e| matches!(
        e,
        Effect::SetTimer {
            timer: Timer::Election,
            ..
        }
    )));
}

/// The switch decides: only with `check_quorum` does a new leader arm the check.
#[test]
fn a_new_leader_arms_the_quorum_check_only_with_the_switch_on() {
    for (cfg, checks) in [(cfg(), 0), (check_quorum(), 1)] {
        let mut n = fresh();
        let mut out = Out::default();
        P::on_timer(&cfg, S1, &mut n, Timer::Election, &mut out);
        let grant = Msg::RequestVoteReply {
            term: Term(1),
            granted: true,
        };
        let out = deliver_with(&cfg, &mut n, S1, S2, grant);
        assert!(matches!(n.role, Role::Leader { .. }));
        assert_eq!(quorum_checks(&out), checks);
    }
}
