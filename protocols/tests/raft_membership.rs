//! Raft's membership changes (one server at a time, Ongaro's dissertation §4) and
//! pre-vote (§9.6).

mod common;
use common::raft::*;
use common::{first_violation, violations};
use protocols::raft::{Config, Note, Raft, Request};
use protocols::sim::{Input, NodeId, StepRecord};

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
                .record(h.len() - 1)
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
        common::records(&h).iter().any(stepped_down) || h.run_until(3_000, stepped_down),
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
        common::records(&h).iter().any(|r| r
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
    let denied = common::records(&h).iter().any(|r| {
        r.notes
            .iter()
            .any(|(_, n)| matches!(n, Note::PreVoteDenied { .. }))
    });
    assert!(denied, "its pre-votes were refused");
    assert_eq!(violations(&h), 0);
}
