//! Sharding scenarios and a seed sweep (the engine; the lab's UI comes next).

use protocols::sharding::placement::hash_key;
use protocols::sharding::{key_name, Config, Node, Note, Request, Sharding};
use protocols::sim::history::{History, RunSpec};
use protocols::sim::swarm::{heal_and_settle, run_with_faults, Swarm};
use protocols::sim::{Input, NetConfig, StepRecord};

type H = History<Sharding>;

fn history(cfg: Config, seed: u64) -> H {
    History::new(RunSpec {
        cfg,
        net: NetConfig::default(),
        seed,
        inputs: Vec::new(),
    })
    .unwrap()
}

fn violations(h: &H) -> usize {
    h.records().iter().map(|r| r.violations.len()).sum()
}

fn first_violation(h: &H) -> Option<String> {
    h.records()
        .iter()
        .flat_map(|r| r.violations.iter())
        .next()
        .map(|v| format!("{v:?}"))
}

fn over(r: &StepRecord<Sharding>) -> bool {
    r.notes
        .iter()
        .any(|(_, n)| matches!(n, Note::MigrationOver { .. }))
}

fn acked(h: &H) -> usize {
    h.records()
        .iter()
        .flat_map(|r| r.notes.iter())
        .filter(|(_, n)| matches!(n, Note::PutAcknowledged { .. }))
        .count()
}

fn keys_on(h: &H, cfg: &Config, server: u32) -> usize {
    h.world().nodes()[cfg.server_node(server).index()]
        .disk
        .store
        .len()
}

/// A fifth server joins four under load: the table's version goes up, the keys that move
/// (about a fifth with consistent hashing) are transferred, the migration ends, and every
/// acknowledged write is still there.
#[test]
fn a_server_joins_under_load_and_about_a_fifth_of_the_keys_move() {
    let cfg = Config {
        replication: 1,
        vnodes: 64,
        rate: 200,
        ..Config::default()
    };
    let mut h = history(cfg.clone(), 1);
    h.run_to(6_000);
    let before: usize = (0..4).map(|s| keys_on(&h, &cfg, s)).sum();
    assert!(before > 300, "{before} keys written");
    h.inject(Input::Request {
        node: cfg.router_node(),
        request: Request::AddServer { server: 4 },
    })
    .unwrap();
    assert!(h.run_until(5_000, over), "the migration ends");
    let moved = keys_on(&h, &cfg, 4) as f64 / before as f64;
    println!(
        "the new server holds {:.1}% of the keys (ideal 20%)",
        moved * 100.0
    );
    assert!((0.1..0.3).contains(&moved));
    h.run_to(h.len() + 3_000);
    assert!(acked(&h) > 500);
    assert_eq!(violations(&h), 0, "{:?}", first_violation(&h));
}

/// A server crashes while keys move: the migration waits for it; restarted, it reloads its
/// store and tables, hands over what moves, and the migration ends with nothing lost.
#[test]
fn a_crash_during_migration_then_a_restart() {
    let cfg = Config {
        rate: 200,
        ..Config::default()
    };
    let mut h = history(cfg.clone(), 2);
    h.run_to(5_000);
    h.inject(Input::Request {
        node: cfg.router_node(),
        request: Request::AddServer { server: 4 },
    })
    .unwrap();
    let victim = cfg.server_node(1);
    h.inject(Input::Crash { node: victim }).unwrap();
    assert!(
        !h.run_until(3_000, over),
        "the migration waits for the crashed server"
    );
    h.inject(Input::Restart { node: victim }).unwrap();
    assert!(h.run_until(5_000, over), "it ends once the server is back");
    let s4: usize = keys_on(&h, &cfg, 4);
    assert!(s4 > 0, "the new server received keys");
    assert_eq!(violations(&h), 0, "{:?}", first_violation(&h));
}

/// With two replicas, every key the router acknowledged is on both of its replicas' disks.
#[test]
fn acknowledged_writes_are_on_every_replica() {
    let cfg = Config {
        replication: 2,
        ..Config::default()
    };
    let mut h = history(cfg.clone(), 3);
    h.run_to(4_000);
    let t = cfg.initial_table();
    let nodes = h.world().nodes();
    let mut checked = 0;
    for r in h.records() {
        for (_, n) in &r.notes {
            if let Note::PutAcknowledged { key, stamp, .. } = n {
                for rep in t.replicas(hash_key(&key_name(*key)), 2) {
                    let s = nodes[rep as usize].disk.store.get(key).map_or(0, |v| v.1);
                    assert!(s >= *stamp, "key {key} missing on replica {rep}");
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 50);
}

/// 1,000 seeds of crashes, restarts, partitions, drops, duplicates, delays, and servers
/// added and removed at random: no acknowledged write lost, R replicas per key under every
/// table, tables converging. Then, healed, any migration in progress ends.
#[test]
fn sweep_loses_no_acknowledged_write() {
    for seed in 0..1_000 {
        let cfg = Config {
            keys: 200,
            ..Config::default()
        };
        let mut h = history(cfg.clone(), seed);
        run_with_faults(&mut h, &mut Swarm::new(seed), 1_500);
        assert_eq!(violations(&h), 0, "seed {seed}: {:?}", first_violation(&h));
        heal_and_settle(&mut h, 0);
        let router = &h.world().nodes()[cfg.router_node().index()];
        let migrating = matches!(
            &router.state,
            Some(Node::Router {
                migrating: Some(_),
                ..
            })
        );
        if migrating {
            assert!(
                h.run_until(20_000, over),
                "seed {seed}: the migration never ends"
            );
        }
        h.run_to(h.len() + 500);
        assert_eq!(violations(&h), 0, "seed {seed}: {:?}", first_violation(&h));
    }
}

/// With one replica per key, a removal is the only copy moving. A router that restarts in
/// the middle asks the removed server too, so its keys still reach their new owners.
#[test]
fn a_router_restart_during_a_removal_loses_nothing() {
    let cfg = Config {
        replication: 1,
        rate: 200,
        ..Config::default()
    };
    let mut h = history(cfg.clone(), 6);
    h.run_to(4_000);
    h.inject(Input::Request {
        node: cfg.router_node(),
        request: Request::RemoveServer { server: 0 },
    })
    .unwrap();
    h.run_to(h.len() + 3);
    h.inject(Input::Crash {
        node: cfg.router_node(),
    })
    .unwrap();
    h.inject(Input::Restart {
        node: cfg.router_node(),
    })
    .unwrap();
    assert!(h.run_until(10_000, over), "the migration ends");
    assert_eq!(
        keys_on(&h, &cfg, 0),
        0,
        "the removed server handed everything over"
    );
    assert_eq!(violations(&h), 0, "{:?}", first_violation(&h));
}

/// Hash mod N's replica lists against their naive definition: the member at hash mod N, then
/// the next ones in order, wrapping.
#[test]
fn mod_n_replica_lists_match_the_naive_definition() {
    use protocols::sharding::{Strategy, Table};
    for n in 1..=8u32 {
        let members: Vec<u32> = (0..n).map(|i| i * 2 + 1).collect();
        let t = Table::new(1, members.clone(), Strategy::ModN, 1);
        for k in 0..500u32 {
            let h = hash_key(&key_name(k));
            for r in 1..=3usize {
                let naive: Vec<u32> = (0..r.min(n as usize))
                    .map(|j| members[((h % u64::from(n)) as usize + j) % n as usize])
                    .collect();
                assert_eq!(t.replicas(h, r), naive);
            }
        }
    }
}
