//! Raft scenarios: elections, replication, an old leader cut off in a minority, and a
//! follower catching up through a snapshot. The paper's Figure 8 and the bug switches are
//! in `raft_safety.rs`, membership changes and pre-vote in `raft_membership.rs`.

mod common;
use common::raft::*;
use common::{first_violation, violations};
use protocols::raft::{Config, Note, Role};
use protocols::sim::{Input, NodeId};

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
