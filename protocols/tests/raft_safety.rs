//! Raft's safety rules on the paper's own scenarios: Figure 8's commit rule, votedFor on
//! disk, the election restriction, each against its bug switch; and a late vote that
//! breaks nothing.

mod common;
use common::raft::*;
use common::{first_violation, violated, violations};
use protocols::raft::{Config, Note, Raft, Request, Role, Term};
use protocols::sim::{Input, NodeId, StepRecord};

/// Figure 8 of the extended paper, step by step, on five servers whose timers never fire
/// first. (a) S1 leads and replicates index 2 to S2 only. (b) S5 is elected by S3, S4 and
/// itself and appends a different entry at index 2, then crashes before sending it. (c) S1
/// is elected again, in a later term, and replicates its old-term entry at index 2 to S3: a
/// majority now stores it. Then S1 crashes. (d) S5 restarts and is elected by S3 and S4
/// (its last term beats theirs), and overwrites index 2 everywhere.
///
/// Returns the run and S1's commit index at the moment of (c).
fn figure_8(bug_commit_old_terms: bool) -> (H, u64) {
    let cfg = Config {
        max_entries_per_message: 1,
        snapshot_after: 0,
        bug_commit_old_terms,
        ..scripted(5)
    };
    let mut h = history_with(cfg, 8);
    assert!(time_out_and_lead(&mut h, S1, 300), "S1 leads");
    assert!(
        run_until_applied(&mut h, 1, 2_000),
        "everyone has the no-op"
    );

    // (a)
    h.inject(Input::Partition {
        groups: vec![vec![S1, S2]],
    })
    .unwrap();
    put(&mut h, S1, "x", 1);
    h.run_to(h.len() + 500);
    assert_eq!(server(&h, S2).last_index(), 2, "S2 holds index 2");
    assert_eq!(server(&h, S3).last_index(), 1);

    // (b)
    request(&mut h, S5, Request::TimeoutNow);
    assert!(h
        .run_until(500, |r| r.notes.iter().any(
            |(n, note)| *n == S5 && matches!(note, Note::BecameLeader { .. })
        )));
    assert_eq!(
        server(&h, S5).last_index(),
        2,
        "S5 appended its own index 2"
    );
    drop_from(&mut h, S5);
    h.inject(Input::Crash { node: S5 }).unwrap();

    // (c)
    h.inject(Input::Heal).unwrap();
    h.inject(Input::Partition {
        groups: vec![vec![S1, S2, S3]],
    })
    .unwrap();
    // S1 learns the newer term from S3 and steps down; then it times out.
    assert!(h
        .run_until(500, |r| r.notes.iter().any(
            |(n, note)| *n == S1 && matches!(note, Note::BecameFollower { .. })
        )));
    assert!(time_out_and_lead(&mut h, S1, 300), "S1 leads again");
    let replicated_to_s3 = |h: &H| match &server(h, S1).role {
        Role::Leader { match_index, .. } => match_index[&S3] >= 2,
        _ => false,
    };
    let mut steps = 0;
    while !replicated_to_s3(&h) {
        assert!(h.step_forward() && steps < 1_000, "S3 receives index 2");
        steps += 1;
    }
    let s1_commit = server(&h, S1).commit_index;
    assert_eq!(
        server(&h, S3).d.entry(2).unwrap().term,
        server(&h, S1).d.entry(2).unwrap().term
    );
    drop_from(&mut h, S1);
    h.inject(Input::Crash { node: S1 }).unwrap();

    // (d)
    h.inject(Input::Heal).unwrap();
    h.inject(Input::Restart { node: S5 }).unwrap();
    let elected = (0..4).any(|_| time_out_and_lead(&mut h, S5, 300));
    assert!(elected, "S5 is elected by S3, S4 and itself");
    h.run_to(h.len() + 1_000);
    (h, s1_commit)
}

/// §5.4.2, Figure 8: a leader counts replicas only for entries of its own term. With the
/// rule, S1 does not commit its old-term entry although a majority stores it, so S5
/// overwriting it breaks nothing.
#[test]
fn figure_8_with_the_commit_rule_nothing_committed_is_overwritten() {
    let (h, s1_commit) = figure_8(false);
    assert_eq!(
        s1_commit, 1,
        "S1 did not commit index 2 by counting replicas"
    );
    let s3 = server(&h, S3);
    assert_ne!(
        s3.d.entry(2).unwrap().term.0,
        1,
        "S5's entry replaced S1's old-term entry"
    );
    assert_eq!(violations(&h), 0, "{:?}", first_violation(&h));
}

/// Bug switch 2 (Figure 8): S1 commits its old-term entry by counting replicas and applies
/// it; S5 then overwrites it: Leader Completeness and State Machine Safety break.
#[test]
fn figure_8_with_the_bug_a_committed_entry_is_overwritten() {
    use protocols::raft::invariants::Invariant::{LeaderCompleteness, StateMachineSafety};
    let (h, s1_commit) = figure_8(true);
    assert_eq!(s1_commit, 2, "S1 committed index 2, from an earlier term");
    assert!(
        violated(&h, LeaderCompleteness),
        "S5 leads without a committed entry"
    );
    assert!(
        violated(&h, StateMachineSafety),
        "S5 applies a different entry at index 2"
    );
}

/// Bug switch 3: S1 and S2 stand in term 1; S3 votes for S1, crashes and restarts having
/// forgotten its vote, then votes for S2 in the same term: two leaders in one term. With
/// votedFor on disk, it refuses.
fn forgotten_vote(bug_forget_voted_for: bool) -> H {
    let cfg = Config {
        bug_forget_voted_for,
        ..scripted(3)
    };
    let mut h = history_with(cfg, 3);
    request(&mut h, S1, Request::TimeoutNow);
    request(&mut h, S2, Request::TimeoutNow);
    // S2's request to S3 is held up in the network.
    let (&late, _) = h
        .world()
        .in_flight()
        .iter()
        .find(|(_, m)| m.from == S2 && m.to == S3)
        .unwrap();
    h.inject(Input::Delay {
        msg: late,
        ticks: 200,
    })
    .unwrap();
    assert!(h
        .run_until(200, |r| r.notes.iter().any(
            |(n, note)| *n == S3 && matches!(note, Note::VoteGranted { .. })
        )));
    h.inject(Input::Crash { node: S3 }).unwrap();
    h.inject(Input::Restart { node: S3 }).unwrap();
    // S3's vote reaches S1, which leads; then S1 is cut off, so S3 hears S2's request
    // before it hears S1's first AppendEntries.
    assert!(h
        .run_until(200, |r| r.notes.iter().any(
            |(n, note)| *n == S1 && matches!(note, Note::BecameLeader { .. })
        )));
    h.inject(Input::Partition {
        groups: vec![vec![S1]],
    })
    .unwrap();
    h.run_to(h.len() + 1_000);
    h
}

/// §5.2, Figure 2: votedFor is persistent state, so a restarted server keeps its vote.
#[test]
fn a_restarted_server_remembers_its_vote() {
    let h = forgotten_vote(false);
    assert!(is_leader(&h, S1));
    assert!(!is_leader(&h, S2) || server(&h, S2).d.current_term > server(&h, S1).d.current_term);
    assert_eq!(violations(&h), 0, "{:?}", first_violation(&h));
}

#[test]
fn with_votes_forgotten_on_restart_two_leaders_share_a_term() {
    use protocols::raft::invariants::Invariant::ElectionSafety;
    let h = forgotten_vote(true);
    assert!(violated(&h, ElectionSafety), "two leaders in term 1");
}

/// Bug switch 1 (§5.4.1) on three servers: S1 commits x=1 with S2 while S3 is cut off, then
/// crashes. S3, whose log lacks the entry, asks S2 for its vote. With the election
/// restriction S2 refuses; without it S3 wins and leads without a committed entry.
fn stale_candidate(bug_no_election_restriction: bool) -> H {
    let cfg = Config {
        bug_no_election_restriction,
        ..scripted(3)
    };
    let mut h = history_with(cfg, 9);
    assert!(time_out_and_lead(&mut h, S1, 300));
    assert!(run_until_applied(&mut h, 1, 2_000));
    h.inject(Input::Partition {
        groups: vec![vec![S3]],
    })
    .unwrap();
    put(&mut h, S1, "x", 1);
    while server(&h, S1).commit_index < 2 {
        assert!(h.step_forward(), "S1 commits x=1 with S2");
    }
    drop_from(&mut h, S1);
    h.inject(Input::Crash { node: S1 }).unwrap();
    h.inject(Input::Heal).unwrap();
    request(&mut h, S3, Request::TimeoutNow);
    let voted = |r: &StepRecord<Raft>| {
        r.notes.iter().any(|(n, note)| {
            *n == S2
                && matches!(note, Note::VoteGranted { candidate, .. } | Note::VoteDenied { candidate, .. } if *candidate == S3)
        })
    };
    assert!(h.run_until(100, voted), "S2 answers S3");
    let won = h.run_until(100, |r| {
        r.notes
            .iter()
            .any(|(n, note)| *n == S3 && matches!(note, Note::BecameLeader { .. }))
    });
    assert_eq!(won, bug_no_election_restriction);
    h.run_to(h.len() + 500);
    h
}

#[test]
fn with_the_election_restriction_a_stale_candidate_cannot_win() {
    let h = stale_candidate(false);
    assert_eq!(violations(&h), 0, "{:?}", first_violation(&h));
    assert_eq!(
        server(&h, S2).d.entry(2).map(|e| e.term.0),
        Some(1),
        "S2 keeps the committed entry"
    );
}

#[test]
fn without_the_election_restriction_a_stale_leader_loses_a_committed_entry() {
    use protocols::raft::invariants::Invariant::LeaderCompleteness;
    let h = stale_candidate(true);
    assert!(violated(&h, LeaderCompleteness), "S3 leads without x=1");
    assert_ne!(
        server(&h, S2).d.entry(2).map(|e| e.term.0),
        Some(1),
        "S3 overwrote it on S2"
    );
}

/// Figure 3's Leader Completeness binds leaders of *higher-numbered* terms only. S2's vote
/// for S1 in term 1 is delayed; meanwhile S3 leads term 2 with S2 and commits its no-op.
/// The late vote then makes S1 leader of term 1 without that entry: legal Raft (S1 can
/// commit nothing, as S2 and S3 have moved on), and no violation.
const LATE_VOTE_FOR_AN_OLDER_TERM: &str = r#"{"format":1,"protocol":"raft","seed":1,"steps":120,"config":{"servers":3,"spare_servers":0,"election_ticks_min":50000,"election_ticks_max":100000},"inputs":[{"at":0,"kind":"request","node":0,"request":{"request":"timeout_now"}},{"at":2,"kind":"delay","msg":2,"ticks":1000},{"at":3,"kind":"drop","msg":1},{"at":4,"kind":"cut","from":0,"to":1},{"at":5,"kind":"cut","from":0,"to":2},{"at":6,"kind":"cut","from":2,"to":0},{"at":7,"kind":"request","node":2,"request":{"request":"timeout_now"}},{"at":11,"kind":"request","node":2,"request":{"request":"timeout_now"}}]}"#;

#[test]
fn a_leader_elected_late_in_an_older_term_need_not_hold_a_newer_terms_commits() {
    let h = protocols::scenario::Scenario::<Raft>::parse(LATE_VOTE_FOR_AN_OLDER_TERM)
        .unwrap()
        .run()
        .unwrap();
    let leaders: Vec<(NodeId, Note)> = common::records(&h)
        .iter()
        .flat_map(|r| r.notes.iter().cloned())
        .filter(|(_, n)| matches!(n, Note::BecameLeader { .. }))
        .collect();
    assert_eq!(
        leaders,
        vec![
            (NodeId(2), Note::BecameLeader { term: Term(2) }),
            (NodeId(0), Note::BecameLeader { term: Term(1) }),
        ],
        "S3 leads term 2 and commits; then S1 leads term 1"
    );
    assert_eq!(first_violation(&h), None);
}
