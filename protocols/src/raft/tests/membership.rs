//! Unit tests of pre-vote (dissertation §9.6) and of membership changes (§4.1–4.2): a
//! configuration takes effect when appended, one change at a time, removed leaders and
//! removed servers, and who may campaign.

use super::*;

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
