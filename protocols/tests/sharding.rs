//! Sharding scenarios: servers join and leave under load, crashes and restarts during a
//! migration, replicas, a stale router, a moving key, and a key a user types. Placement
//! and ranges are in `sharding_placement.rs`, fencing in `sharding_fencing.rs`.

mod common;
use common::sharding::*;
use common::{first_violation, violations};
use protocols::sharding::{Config, Key, Node, Note, Request, Sharding};
use protocols::sim::{Input, StepRecord};

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
    for r in common::records(&h) {
        for (_, n) in &r.notes {
            if let Note::PutAcknowledged { key, stamp, .. } = n {
                for rep in t.replicas(key, 2) {
                    let s = nodes[rep as usize].disk.store().get(key).map_or(0, |v| v.1);
                    assert!(s >= *stamp, "key {key} missing on replica {rep}");
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 50);
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

/// A key a user types: a client puts it, the router stamps and routes it like any key,
/// and a later get reads the value back. A name the store cannot hold is refused.
#[test]
fn a_typed_key_is_written_and_read_back() {
    let cfg = Config {
        rate: 1,
        ..Config::default()
    };
    let client = protocols::sim::NodeId(cfg.router_node().0 + 1);
    let mut h = history(cfg.clone(), 12);
    h.run_to(10);
    for request in [
        Request::Put {
            key: "cart:alice".into(),
        },
        Request::Put {
            key: "a name far too long for a key".into(),
        },
    ] {
        h.inject(Input::Request {
            node: client,
            request,
        })
        .unwrap();
    }
    let alice = Key::parse("cart:alice").unwrap();
    let refused = common::records(&h).iter().flat_map(|r| r.notes.iter()).any(
        |(_, n)| matches!(n, Note::BadKey { name } if name == "a name far too long for a key"),
    );
    assert!(refused, "the long name is refused");
    assert!(
        h.run_until(2_000, |r| r.notes.iter().any(
            |(_, n)| matches!(n, Note::PutAcknowledged { key, .. } if *key == alice)
        )),
        "the put is acknowledged"
    );
    let put_value = common::records(&h)
        .iter()
        .flat_map(|r| r.notes.iter())
        .find_map(|(_, n)| match n {
            Note::PutAcknowledged { key, value, .. } if *key == alice => Some(*value),
            _ => None,
        });
    h.inject(Input::Request {
        node: client,
        request: Request::Get {
            key: " cart:alice ".into(),
        },
    })
    .unwrap();
    let got = |r: &StepRecord<Sharding>| {
        r.notes.iter().find_map(|(_, n)| match n {
            Note::Acknowledged {
                key,
                value: Some((v, _)),
                ..
            } if *key == alice => Some(*v),
            _ => None,
        })
    };
    assert!(
        h.run_until(2_000, |r| got(r).is_some()),
        "the get is answered"
    );
    let read = common::records(&h).iter().find_map(got);
    assert_eq!(read, put_value, "the get reads the value put");
}

/// Two routers. Router 2 is down while Router 1 adds a server, so the migration cannot end
/// (every router must confirm the table). Restarted with table v1, Router 2 routes its
/// client's requests under it; servers answer "moved" with version 2, Router 2 asks one of
/// them for its table and adopts it, the migration ends, and both routers hold v2.
#[test]
fn a_stale_router_learns_the_table_from_a_moved_answer() {
    let cfg = Config {
        routers: 2,
        replication: 1,
        rate: 200,
        ..Config::default()
    };
    let router2 = cfg.router(1);
    let mut h = history(cfg.clone(), 21);
    h.run_to(1_000);
    h.inject(Input::Crash { node: router2 }).unwrap();
    h.inject(Input::Request {
        node: cfg.router_node(),
        request: Request::AddServer { server: 4 },
    })
    .unwrap();
    assert!(!h.run_until(2_000, over), "Router 2 has not confirmed");
    h.inject(Input::Restart { node: router2 }).unwrap();
    let from_server = |r: &StepRecord<Sharding>| {
        matches!(&r.event, protocols::sim::Event::Delivered { from, to, body: protocols::sharding::Msg::NewTable { .. }, .. }
            if *to == router2 && from.0 < cfg.servers + cfg.spare_servers)
    };
    let restart = h.len();
    assert!(h.run_until(5_000, over), "the migration ends");
    let learned = common::records(&h)[restart as usize..]
        .iter()
        .any(from_server);
    assert!(learned, "Router 2 learned v2 from a server's table");
    for r in cfg.routers() {
        let Some(Node::Router(router)) = &h.world().nodes()[r.index()].state else {
            panic!("a router")
        };
        assert_eq!(router.d.table.version, 2, "routers converge");
    }
    assert_eq!(violations(&h), 0, "{:?}", first_violation(&h));
}

/// While a key is on its way to a new server, that server answers "moved" (wait) rather
/// than serve a copy that may miss acknowledged writes; once the key's previous primary
/// has handed it over, the request succeeds. No request on a moving key reads a value
/// older than the last write acknowledged before it was sent.
#[test]
fn a_moving_key_is_served_only_once_it_has_arrived() {
    let cfg = Config {
        replication: 1,
        rate: 300,
        ..Config::default()
    };
    let mut h = history(cfg.clone(), 22);
    h.run_to(2_000);
    h.inject(Input::Request {
        node: cfg.router_node(),
        request: Request::AddServer { server: 4 },
    })
    .unwrap();
    // Hold up the transfers to Server 5 once they are sent, while the router already
    // routes its keys to it.
    let newcomer = cfg.server_node(4);
    let mut held = std::collections::BTreeSet::new();
    for _ in 0..400 {
        h.run_to(h.len() + 1);
        let late: Vec<_> = h
            .world()
            .in_flight()
            .iter()
            .filter(|(id, m)| {
                m.to == newcomer
                    && matches!(m.body, protocols::sharding::Msg::Transfer { .. })
                    && !held.contains(*id)
            })
            .map(|(id, _)| *id)
            .collect();
        for msg in late {
            held.insert(msg);
            h.inject(Input::Delay { msg, ticks: 400 }).unwrap();
        }
    }
    assert!(held.len() > 20, "transfers held up: {}", held.len());
    assert!(h.run_until(6_000, over), "the migration ends");
    h.run_to(h.len() + 2_000);
    let waits = common::records(&h)
        .iter()
        .flat_map(|r| r.notes.iter())
        .filter(|(_, n)| matches!(n, Note::NotYet { .. }))
        .count();
    assert!(waits > 0, "some requests reached Server 5 before their key");
    // Reads never go back in time: for each key, a get acknowledged after a put was
    // acknowledged returns that put's stamp or a newer one.
    let mut newest: std::collections::BTreeMap<Key, u64> = Default::default();
    let mut sent_after: std::collections::BTreeMap<(protocols::sim::NodeId, u64), u64> =
        Default::default();
    for r in common::records(&h) {
        for (node, n) in &r.notes {
            match n {
                Note::Sent {
                    id,
                    key,
                    op: protocols::sharding::Op::Get,
                    ..
                } => {
                    sent_after.insert((*node, *id), newest.get(key).copied().unwrap_or(0));
                }
                Note::PutAcknowledged { key, stamp, .. } => {
                    let e = newest.entry(*key).or_default();
                    *e = (*e).max(*stamp);
                }
                Note::Acknowledged { id, key, value } => {
                    if let Some(floor) = sent_after.get(&(*node, *id)) {
                        let got = value.map_or(0, |v| v.1);
                        assert!(
                            got >= *floor,
                            "a get of {key} read stamp {got} after {floor} was acknowledged"
                        );
                    }
                }
                _ => {}
            }
        }
    }
    assert_eq!(violations(&h), 0, "{:?}", first_violation(&h));
}
