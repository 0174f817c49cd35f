//! Raft scenarios and seed sweeps, including the paper's Figure 8 and the bug switches.

use protocols::raft::{Config, Entry, Node, Note, Raft, Request, Role, Term};
use protocols::sim::history::{History, RunSpec};
mod common;
use common::{first_violation, violated, violations};

use protocols::sim::{Input, NetConfig, NodeId, StepRecord};
use std::collections::BTreeSet;

type H = History<Raft>;

const S1: NodeId = NodeId(0);
const S2: NodeId = NodeId(1);
const S3: NodeId = NodeId(2);
const S5: NodeId = NodeId(4);
const S6: NodeId = NodeId(5);

fn history_with(cfg: Config, seed: u64) -> H {
    History::new(RunSpec {
        cfg,
        net: NetConfig::default(),
        seed,
        inputs: Vec::new(),
    })
    .unwrap()
}

fn history(seed: u64) -> H {
    history_with(Config::default(), seed)
}

/// Elections only when a test says "time out": the timers never fire first.
fn scripted(servers: u32) -> Config {
    Config {
        servers,
        spare_servers: 0,
        election_ticks_min: 100_000,
        election_ticks_max: 100_000,
        ..Config::default()
    }
}

/// The live leader with the highest term, if any.
fn leader(h: &H) -> Option<NodeId> {
    let nodes = h.world().nodes();
    (0..nodes.len())
        .filter_map(|i| nodes[i].state.as_ref().map(|n| (i, n)))
        .filter(|(_, n)| matches!(n.role, Role::Leader { .. }))
        .max_by_key(|(_, n)| n.d.current_term)
        .map(|(i, _)| NodeId(i as u32))
}

fn server(h: &H, id: NodeId) -> &Node {
    h.world().nodes()[id.index()]
        .state
        .as_ref()
        .expect("the server is up")
}

fn is_leader(h: &H, id: NodeId) -> bool {
    h.world().nodes()[id.index()]
        .state
        .as_ref()
        .is_some_and(|n| matches!(n.role, Role::Leader { .. }))
}

/// Runs until a leader is elected, and returns it.
fn elect(h: &mut H) -> NodeId {
    assert!(h.run_until(2_000, |r| r
        .notes
        .iter()
        .any(|(_, n)| matches!(n, Note::BecameLeader { .. }))));
    leader(h).expect("a leader is up")
}

fn request(h: &mut H, node: NodeId, request: Request) {
    h.inject(Input::Request { node, request }).unwrap();
}

fn put(h: &mut H, node: NodeId, key: &str, value: u32) {
    let put = Request::Put {
        key: key.into(),
        value,
    };
    request(h, node, put);
}

/// "Time out" on `node`, then run until it leads (or `budget` steps pass).
fn time_out_and_lead(h: &mut H, node: NodeId, budget: u64) -> bool {
    request(h, node, Request::TimeoutNow);
    h.run_until(budget, |r| {
        r.notes
            .iter()
            .any(|(n, note)| *n == node && matches!(note, Note::BecameLeader { .. }))
    });
    is_leader(h, node)
}

/// Drops every message `node` has in flight.
fn drop_from(h: &mut H, node: NodeId) {
    let ids: Vec<_> = h
        .world()
        .in_flight()
        .iter()
        .filter(|(_, m)| m.from == node)
        .map(|(id, _)| *id)
        .collect();
    for msg in ids {
        h.inject(Input::Drop { msg }).unwrap();
    }
}

/// The servers in the current leader's configuration.
fn members(h: &H) -> BTreeSet<NodeId> {
    leader(h).map_or_else(BTreeSet::new, |l| server(h, l).config.clone())
}

/// Runs until every live member of the leader's configuration has applied `index`.
fn run_until_applied(h: &mut H, index: u64, budget: u64) -> bool {
    for _ in 0..budget {
        let members = members(h);
        let nodes = h.world().nodes();
        let done = !members.is_empty()
            && members
                .iter()
                .filter_map(|m| nodes[m.index()].state.as_ref())
                .all(|n| n.last_applied >= index);
        if done {
            return true;
        }
        h.step_forward();
    }
    false
}

/// The live members agree on every entry up to `index` that none of them has compacted,
/// and on the state machine.
fn assert_converged(h: &H, index: u64, what: &str) {
    let nodes: Vec<&Node> = members(h)
        .iter()
        .filter_map(|m| h.world().nodes()[m.index()].state.as_ref())
        .collect();
    let low = nodes.iter().map(|n| n.d.snapshot.index).max().unwrap_or(0) + 1;
    for w in nodes.windows(2) {
        let entries = |n: &Node| -> Vec<Option<Entry>> {
            (low..=index).map(|i| n.d.entry(i).cloned()).collect()
        };
        assert_eq!(
            entries(w[0]),
            entries(w[1]),
            "{what}: committed logs differ"
        );
        assert_eq!(w[0].kv, w[1].kv, "{what}: state machines differ");
    }
}

#[test]
fn a_leader_is_elected_and_every_server_applies_its_writes() {
    let mut h = history(1);
    let l = elect(&mut h);
    put(&mut h, l, "x", 1);
    put(&mut h, l, "y", 2);
    let target = server(&h, l).last_index();
    assert!(
        run_until_applied(&mut h, target, 5_000),
        "every server applies the no-op and both writes"
    );
    for m in members(&h) {
        let n = server(&h, m);
        assert_eq!((n.kv.get("x"), n.kv.get("y")), (Some(&1), Some(&2)));
    }
    assert_eq!(violations(&h), 0);
}

#[test]
fn after_the_leader_crashes_a_new_leader_is_elected_and_keeps_committing() {
    let mut h = history(2);
    let old = elect(&mut h);
    put(&mut h, old, "x", 1);
    h.run_to(h.len() + 200);
    h.inject(Input::Crash { node: old }).unwrap();
    let elected = h.run_until(5_000, |r| {
        r.notes
            .iter()
            .any(|(n, note)| *n != old && matches!(note, Note::BecameLeader { .. }))
    });
    assert!(elected, "a new leader is elected");
    let new = leader(&h).unwrap();
    assert_ne!(new, old);
    put(&mut h, new, "x", 2);
    let target = server(&h, new).last_index();
    assert!(run_until_applied(&mut h, target, 5_000));
    let n = server(&h, new);
    assert_eq!(n.kv.get("x"), Some(&2), "the cluster keeps committing");
    assert_eq!(violations(&h), 0);
}

/// §5.3/§5.4: an old leader cut off in a minority keeps appending but commits nothing;
/// on healing it steps down, and its uncommitted entries are overwritten by the new leader's.
#[test]
fn an_old_leader_in_a_minority_commits_nothing_and_is_overwritten_on_heal() {
    let mut h = history(4);
    let old = elect(&mut h);
    h.run_to(h.len() + 100);
    let buddy = NodeId((old.0 + 1) % 5);
    h.inject(Input::Partition {
        groups: vec![vec![old, buddy]],
    })
    .unwrap();
    let committed_before = server(&h, old).commit_index;
    put(&mut h, old, "lost", 1);
    put(&mut h, old, "lost", 2);
    let elected = h.run_until(5_000, |r| {
        r.notes
            .iter()
            .any(|(n, note)| *n != old && *n != buddy && matches!(note, Note::BecameLeader { .. }))
    });
    assert!(elected, "the majority side elects a leader");
    // The leader of the highest term is the new one; the old one still thinks it leads.
    let new = leader(&h).unwrap();
    assert_ne!(new, old);
    put(&mut h, new, "kept", 3);
    h.run_to(h.len() + 500);
    let o = server(&h, old);
    assert_eq!(
        o.commit_index, committed_before,
        "the minority leader commits nothing"
    );
    assert!(
        o.last_index() >= committed_before + 2,
        "it did append the writes it could not commit"
    );

    h.inject(Input::Heal).unwrap();
    let target = server(&h, new).last_index();
    assert!(
        run_until_applied(&mut h, target, 5_000),
        "everyone catches up after healing"
    );
    let o = server(&h, old);
    assert!(
        matches!(o.role, Role::Follower),
        "the old leader stepped down"
    );
    assert_eq!(o.kv.get("kept"), Some(&3));
    assert_eq!(
        o.kv.get("lost"),
        None,
        "its uncommitted entries were overwritten, never applied"
    );
    assert_converged(&h, target, "after healing");
    assert_eq!(violations(&h), 0);
}

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

/// Dissertation §4.1–4.2: servers are added and removed one at a time while clients write,
/// including the leader itself (it steps down once its removal commits); every committed
/// write survives and every remaining member applies it.
#[test]
fn servers_join_and_leave_while_clients_write_and_nothing_committed_is_lost() {
    let mut h = history(11);
    let mut value = 0;
    let mut write = |h: &mut H| {
        value += 1;
        let l = leader(h).unwrap_or_else(|| elect(h));
        put(h, l, "k", value);
        h.run_to(h.len() + 60);
        value
    };
    let change = |h: &mut H, req: Request| {
        // Retry until the leader accepts it (it refuses while a change is pending).
        for _ in 0..40 {
            let l = leader(h).unwrap_or_else(|| elect(h));
            request(h, l, req.clone());
            let accepted = h
                .records()
                .last()
                .unwrap()
                .notes
                .iter()
                .any(|(_, n)| matches!(n, Note::ConfigChanged { .. }));
            if accepted {
                return;
            }
            h.run_to(h.len() + 100);
        }
        panic!("the change {req:?} was never accepted");
    };
    elect(&mut h);
    for _ in 0..5 {
        write(&mut h);
    }
    change(&mut h, Request::AddServer { server: S6 });
    write(&mut h);
    let l = leader(&h).unwrap();
    change(&mut h, Request::RemoveServer { server: l });
    write(&mut h);
    let stepped_down = |r: &StepRecord<Raft>| {
        r.notes
            .iter()
            .any(|(n, note)| *n == l && matches!(note, Note::SteppedDown { .. }))
    };
    assert!(
        h.records().iter().any(stepped_down) || h.run_until(3_000, stepped_down),
        "the removed leader steps down once its removal commits"
    );
    let l2 = leader(&h).unwrap_or_else(|| elect(&mut h));
    assert_ne!(l2, l);
    let last = write(&mut h);
    let other = *members(&h).iter().find(|m| **m != l2).unwrap();
    change(&mut h, Request::RemoveServer { server: other });
    let last = (0..5).fold(last, |_, _| write(&mut h));
    let target = server(&h, leader(&h).unwrap()).last_index();
    assert!(run_until_applied(&mut h, target, 5_000));
    let m = members(&h);
    assert_eq!(m.len(), 4, "5 + 1 - 2 servers");
    assert!(m.contains(&S6) && !m.contains(&l) && !m.contains(&other));
    for s in &m {
        assert_eq!(
            server(&h, *s).kv.get("k"),
            Some(&last),
            "{s:?} applied the last write"
        );
    }
    assert_converged(&h, target, "after the changes");
    assert!(
        !server(&h, l).is_member(l),
        "the old leader knows it was removed"
    );
    assert_eq!(violations(&h), 0, "{:?}", first_violation(&h));
}

/// §7, Figure 13: servers compact their logs; a follower that was down while the leader
/// compacted catches up through InstallSnapshot, then through AppendEntries.
#[test]
fn a_follower_far_behind_catches_up_through_install_snapshot() {
    let cfg = Config {
        snapshot_after: 8,
        ..Config::default()
    };
    let mut h = history_with(cfg, 5);
    let l = elect(&mut h);
    let lagging = NodeId((l.0 + 1) % 5);
    h.inject(Input::Crash { node: lagging }).unwrap();
    for v in 0..30 {
        let l = leader(&h).unwrap();
        put(&mut h, l, ["x", "y", "z"][v % 3], v as u32);
        h.run_to(h.len() + 40);
    }
    let l = leader(&h).unwrap();
    assert!(
        server(&h, l).d.snapshot.index >= 8,
        "the leader compacted its log"
    );
    h.inject(Input::Restart { node: lagging }).unwrap();
    let installed = h.run_until(2_000, |r| {
        r.notes
            .iter()
            .any(|(n, note)| *n == lagging && matches!(note, Note::SnapshotInstalled { .. }))
    });
    assert!(
        installed,
        "the lagging follower installs the leader's snapshot"
    );
    put(&mut h, l, "after", 1);
    let target = server(&h, l).last_index();
    assert!(run_until_applied(&mut h, target, 3_000));
    let f = server(&h, lagging);
    assert_eq!(f.kv, server(&h, l).kv, "its state machine caught up");
    assert!(f.d.snapshot.index > 0);
    assert_converged(&h, target, "after the snapshot");
    assert_eq!(violations(&h), 0, "{:?}", first_violation(&h));
}

/// Dissertation §9.6: a server cut off from the cluster keeps timing out. Without pre-vote
/// its term races ahead, and when it rejoins the leader must step down. With pre-vote it
/// never wins a pre-vote, its term stays put, and the leader keeps leading.
fn rejoin(pre_vote: bool) -> (H, NodeId, u64) {
    let cfg = Config {
        pre_vote,
        ..Config::default()
    };
    let mut h = history_with(cfg, 6);
    let l = elect(&mut h);
    h.run_to(h.len() + 200);
    let loner = NodeId((l.0 + 2) % 5);
    h.inject(Input::Partition {
        groups: vec![vec![loner]],
    })
    .unwrap();
    h.run_to(h.len() + 2_000);
    let term = server(&h, l).d.current_term.0;
    h.inject(Input::Heal).unwrap();
    h.run_to(h.len() + 1_000);
    (h, l, term)
}

#[test]
fn without_pre_vote_a_rejoining_server_disrupts_the_leader() {
    let (h, l, term) = rejoin(false);
    let now = server(&h, l).d.current_term.0;
    assert!(now > term, "the cluster moved to a higher term");
    assert!(
        h.records().iter().any(|r| r
            .notes
            .iter()
            .any(|(n, note)| *n == l && matches!(note, Note::BecameFollower { .. }))),
        "the leader stepped down"
    );
    assert_eq!(violations(&h), 0);
}

#[test]
fn with_pre_vote_a_rejoining_server_does_not_disrupt_the_leader() {
    let (h, l, term) = rejoin(true);
    assert!(is_leader(&h, l), "the same leader");
    assert_eq!(server(&h, l).d.current_term.0, term, "in the same term");
    let denied = h.records().iter().any(|r| {
        r.notes
            .iter()
            .any(|(_, n)| matches!(n, Note::PreVoteDenied { .. }))
    });
    assert!(denied, "its pre-votes were refused");
    assert_eq!(violations(&h), 0);
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
    let leaders: Vec<(NodeId, Note)> = h
        .records()
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
