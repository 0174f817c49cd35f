//! Unit tests of log compaction (§7): snapshots taken, and installed on a follower
//! (Figure 13).

use super::*;

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
