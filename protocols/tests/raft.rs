//! Raft scenarios and a seed sweep (the engine only; the lab's UI comes with issue 3).

use protocols::raft::{Config, Node, Note, Raft, Request, Role};
use protocols::sim::history::{History, RunSpec};
use protocols::sim::swarm::{heal_and_settle, run_with_faults, Swarm};
use protocols::sim::{Input, NetConfig, NodeId};

type H = History<Raft>;

fn history(seed: u64) -> H {
    History::new(RunSpec {
        cfg: Config::default(),
        net: NetConfig::default(),
        seed,
        inputs: Vec::new(),
    })
    .unwrap()
}

fn violations(h: &H) -> usize {
    h.records().iter().map(|r| r.violations.len()).sum()
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

/// Runs until a leader is elected, and returns it.
fn elect(h: &mut H) -> NodeId {
    assert!(h.run_until(2_000, |r| r
        .notes
        .iter()
        .any(|(_, n)| matches!(n, Note::BecameLeader { .. }))));
    leader(h).expect("a leader is up")
}

fn put(h: &mut H, node: NodeId, key: &str, value: u32) {
    h.inject(Input::Request {
        node,
        request: Request::Put {
            key: key.into(),
            value,
        },
    })
    .unwrap();
}

/// Runs until every live server has applied at least `index` entries.
fn run_until_applied(h: &mut H, index: u64, budget: u64) -> bool {
    for _ in 0..budget {
        let done = h
            .world()
            .nodes()
            .iter()
            .filter_map(|s| s.state.as_ref())
            .all(|n| n.last_applied >= index);
        if done {
            return true;
        }
        h.step_forward();
    }
    false
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
    for s in h.world().nodes() {
        let n = s.state.as_ref().unwrap();
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

/// 1,000 seeds of crashes, restarts, partitions, drops, duplicates, delays, client writes and
/// forced elections: no invariant of Figure 3 breaks. Then, with every fault healed, a
/// leader is elected and every server applies the same entries within the budget.
#[test]
fn sweep_finds_no_violation_and_the_healed_cluster_converges() {
    const LIVENESS_STEPS: u64 = 4_000;
    for seed in 0..1_000 {
        let mut h = history(seed);
        run_with_faults(&mut h, &mut Swarm::new(seed), 1_500);
        assert_eq!(
            violations(&h),
            0,
            "seed {seed} broke an invariant: {:?}",
            first_violation(&h)
        );
        heal_and_settle(&mut h, 1_000);
        let l = leader(&h).unwrap_or_else(|| panic!("seed {seed}: no leader after healing"));
        put(&mut h, l, "final", seed as u32);
        let target = server(&h, l).last_index();
        assert!(
            run_until_applied(&mut h, target, LIVENESS_STEPS),
            "seed {seed}: servers did not converge"
        );
        let logs: Vec<_> = h
            .world()
            .nodes()
            .iter()
            .map(|s| s.state.as_ref().unwrap().d.log[..target as usize].to_vec())
            .collect();
        assert!(
            logs.windows(2).all(|w| w[0] == w[1]),
            "seed {seed}: committed logs differ"
        );
        assert_eq!(violations(&h), 0, "seed {seed}");
    }
}

fn first_violation(h: &H) -> Option<String> {
    h.records()
        .iter()
        .flat_map(|r| r.violations.iter())
        .next()
        .map(|v| format!("{v:?}"))
}

/// Runs the sweep with one bug switch on and returns the seeds whose run broke an invariant.
fn caught_by_sweep(cfg: Config, seeds: u64, steps: u64) -> Vec<u64> {
    (0..seeds)
        .filter(|&seed| {
            let spec = RunSpec {
                cfg: cfg.clone(),
                net: NetConfig::default(),
                seed,
                inputs: Vec::new(),
            };
            let mut h = History::new(spec).unwrap();
            run_with_faults(&mut h, &mut Swarm::new(seed), steps);
            violations(&h) > 0
        })
        .collect()
}

/// Bug switch 1 (votes without the election restriction, §5.4.1): the sweep finds a leader
/// missing a committed entry, or servers applying different entries at one index.
#[test]
fn sweep_catches_votes_granted_without_the_election_restriction() {
    let caught = caught_by_sweep(
        Config {
            bug_no_election_restriction: true,
            ..Config::default()
        },
        1_000,
        1_500,
    );
    println!(
        "election-restriction bug caught by {} of 1000 seeds; first: {:?}",
        caught.len(),
        caught.first()
    );
    assert!(!caught.is_empty());
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
        o.d.log.len() as u64 >= committed_before + 2,
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
    let n = server(&h, new);
    assert_eq!(o.d.log[..target as usize], n.d.log[..target as usize]);
    assert_eq!(violations(&h), 0);
}
