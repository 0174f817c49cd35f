//! Fencing in the sharded store: an old primary that missed a new table must not get a
//! write acknowledged once the new primary may take writes, and a read must not return a
//! write older than one acknowledged before it was sent.

use protocols::scenario::Scenario;
use protocols::sharding::{Config, Key, Note, Request, Sharding, Table};
use protocols::sim::history::{History, RunSpec};
use protocols::sim::{Input, Invariant, NetConfig, NodeId, StepRecord};

mod common;

type H = History<Sharding>;

/// Issue 11, item 7: two routers, R = 2. Router 1 removes Server 2 (node 1) while its links
/// to Server 2 and to Router 2 are cut, so neither hears of table v2. Client 1 puts
/// key-0004 through Router 1 (to the new primary under v2, a former replica); Client 2 puts
/// it through Router 2 (to the old primary under v1); then Client 2 gets it.
const TWO_PRIMARIES: &str = r#"{"format":1,"protocol":"sharding","seed":3,"steps":90,"config":{"servers":4,"spare_servers":1,"routers":2,"clients":2,"strategy":"ring","vnodes":16,"replication":2,"keys":100,"rate":1000,"requests":1},"inputs":[{"at":12,"kind":"request","node":7,"request":{"request":"put","key":"key-0004"}},{"at":19,"kind":"cut","from":5,"to":1},{"at":20,"kind":"cut","from":5,"to":6},{"at":21,"kind":"request","node":5,"request":{"request":"remove_server","server":1}},{"at":34,"kind":"request","node":7,"request":{"request":"put","key":"key-0004"}},{"at":41,"kind":"request","node":8,"request":{"request":"put","key":"key-0004"}},{"at":50,"kind":"heal"},{"at":67,"kind":"request","node":8,"request":{"request":"get","key":"key-0004"}}]}"#;

fn scenario(text: &str, bug: bool) -> Scenario<Sharding> {
    let mut sc = Scenario::<Sharding>::parse(text).expect("a valid scenario");
    sc.spec.cfg.bug_no_fencing = bug;
    sc
}

/// Each violated invariant's name, with its detail, in step order.
fn broken(h: &H) -> Vec<String> {
    common::records(h)
        .iter()
        .flat_map(|r| r.violations.iter())
        .map(|v| format!("{}: {:?}", v.invariant.name(), v.detail))
        .collect()
}

/// The acknowledged writes of `key`: (stamp, value).
fn acknowledged_puts(h: &H, key: &str) -> Vec<(u64, u64)> {
    common::records(h)
        .iter()
        .flat_map(|r| r.notes.iter())
        .filter_map(|(_, n)| match n {
            Note::PutAcknowledged {
                key: k,
                value,
                stamp,
            } if k.name() == key => Some((*stamp, *value)),
            _ => None,
        })
        .collect()
}

/// The issue's run, as filed: with the fence, the old primary cannot have its write
/// acknowledged under v1 once the new primary may write under v2, and the get reads the
/// newest acknowledged write. Then, run on, both puts are acknowledged with distinct
/// stamps and nothing breaks.
#[test]
fn an_old_primary_that_missed_the_table_cannot_write_beside_the_new_one() {
    let sc = scenario(TWO_PRIMARIES, false);
    let mut h = sc.run().unwrap();
    assert_eq!(broken(&h), Vec::<String>::new());
    h.run_to(6_000);
    assert_eq!(broken(&h), Vec::<String>::new());
    let puts = acknowledged_puts(&h, "key-0004");
    assert_eq!(
        puts.len(),
        3,
        "every put is acknowledged in the end: {puts:?}"
    );
    let stamps: std::collections::BTreeSet<u64> = puts.iter().map(|p| p.0).collect();
    assert_eq!(stamps.len(), 3, "one stamp per write: {puts:?}");
}

/// The same run with the fence switched off (the bug switch): both primaries take a write
/// of key-0004, two values are acknowledged with one stamp, and the checker says so.
#[test]
fn without_the_fence_two_values_are_acknowledged_with_one_stamp() {
    let h = scenario(TWO_PRIMARIES, true).run().unwrap();
    let found = broken(&h);
    assert!(
        found.iter().any(|v| v.starts_with("one_value_per_stamp")),
        "{found:?}"
    );
}

fn history(cfg: Config, seed: u64) -> H {
    History::new(RunSpec {
        cfg,
        net: NetConfig::default(),
        seed,
        inputs: Vec::new(),
    })
    .unwrap()
}

fn typed(h: &mut H, client: NodeId, request: Request) {
    h.inject(Input::Request {
        node: client,
        request,
    })
    .unwrap();
}

fn noted(r: &StepRecord<Sharding>, pred: impl Fn(&Note) -> bool) -> bool {
    r.notes.iter().any(|(_, n)| pred(n))
}

/// A key whose replicas go from `[p, a]` under `v1` to `[p, n]` under `v2` (`a` drops out).
fn key_where(cfg: &Config, v1: &Table, v2: &Table, pred: impl Fn(&[u32], &[u32]) -> bool) -> Key {
    cfg.keyspace()
        .find(|k| pred(&v1.replicas(k, 2), &v2.replicas(k, 2)))
        .expect("such a key")
}

/// The fence for reads. R = 2, two routers. A spare joins; for the followed key the
/// primary P stays and replica A drops out (Server 5 replaces it). A and Router 2 are cut
/// off from Router 1, so both keep table v1; Router 2 cannot reach P either. A put through
/// Router 1 is acknowledged under v2 (on P and Server 5, not A). Then a get through
/// Router 2 times out on P and tries A, the other replica under v1. A asks P which table
/// it holds, hears v2, and does not answer: the router tries again and reads the new
/// value. Without the fence, A answers with the value it had: a stale read.
fn a_replica_behind_the_table(bug: bool) -> (H, bool) {
    let cfg = Config {
        routers: 2,
        replication: 2,
        rate: 1,
        bug_no_fencing: bug,
        ..Config::default()
    };
    let v1 = cfg.initial_table();
    let v2 = v1.with_member(4, &cfg.positions());
    let k = key_where(&cfg, &v1, &v2, |a, b| a[0] == b[0] && b[1] == 4);
    let (p, a) = {
        let r = v1.replicas(&k, 2);
        (cfg.server_node(r[0]), cfg.server_node(r[1]))
    };
    let (router1, router2) = (cfg.router(0), cfg.router(1));
    let (client1, client2) = (NodeId(router2.0 + 1), NodeId(router2.0 + 2));
    let mut h = history(cfg.clone(), 5);
    let key = || k.name().to_string();
    typed(&mut h, client1, Request::Put { key: key() });
    let acked = |r: &StepRecord<Sharding>| {
        noted(
            r,
            |n| matches!(n, Note::PutAcknowledged { key, .. } if *key == k),
        )
    };
    assert!(h.run_until(2_000, acked), "the first put is acknowledged");
    for (from, to) in [(router1, a), (router1, router2), (router2, p)] {
        h.inject(Input::Cut { from, to }).unwrap();
    }
    h.inject(Input::Request {
        node: router1,
        request: Request::AddServer { server: 4 },
    })
    .unwrap();
    typed(&mut h, client1, Request::Put { key: key() });
    assert!(
        h.run_until(3_000, acked),
        "the put under v2 is acknowledged"
    );
    typed(&mut h, client2, Request::Get { key: key() });
    let answered = |r: &StepRecord<Sharding>| {
        r.notes.iter().any(|(n, note)| {
            *n == client2
                && matches!(note, Note::Acknowledged { key, .. } | Note::Failed { key, .. }
                    if *key == k)
        })
    };
    assert!(h.run_until(20_000, answered), "the get is answered");
    let fenced = common::records(&h)
        .iter()
        .any(|r| noted(r, |n| matches!(n, Note::Fenced { key, .. } if *key == k)));
    (h, fenced)
}

#[test]
fn a_replica_behind_the_table_does_not_answer_a_get() {
    let (h, fenced) = a_replica_behind_the_table(false);
    assert!(
        fenced,
        "the replica behind asked the primary and did not answer"
    );
    assert_eq!(broken(&h), Vec::<String>::new());
}

#[test]
fn without_the_fence_a_replica_behind_the_table_reads_stale() {
    let (h, fenced) = a_replica_behind_the_table(true);
    assert!(!fenced);
    let found = broken(&h);
    assert!(
        found.iter().any(|v| v.starts_with("no_stale_read")),
        "{found:?}"
    );
}

/// The fence cannot tell a crashed old primary from one that is cut off: R = 2, the key's
/// primary P is removed and crashes before it hears of table v2. Its keys' new primary (a
/// replica under v1) takes no write of them while P is down, since P might still be taking
/// writes under v1. Restarted, P adopts v2 and hands the key over, and the new primary
/// takes the write. Without the fence the new primary writes at once.
fn an_old_primary_down_during_a_removal(bug: bool) -> (H, bool) {
    let cfg = Config {
        replication: 2,
        rate: 1,
        bug_no_fencing: bug,
        ..Config::default()
    };
    let v1 = cfg.initial_table();
    let (p, client) = (0, NodeId(cfg.router_node().0 + 1));
    let v2 = v1.without_member(p, &cfg.positions());
    let k = key_where(&cfg, &v1, &v2, |a, b| a[0] == p && b[0] == a[1]);
    let mut h = history(cfg.clone(), 6);
    let put = |h: &mut H| {
        typed(
            h,
            client,
            Request::Put {
                key: k.name().to_string(),
            },
        )
    };
    let acked = |r: &StepRecord<Sharding>| {
        noted(
            r,
            |n| matches!(n, Note::PutAcknowledged { key, .. } if *key == k),
        )
    };
    put(&mut h);
    assert!(h.run_until(2_000, acked), "the first put is acknowledged");
    h.inject(Input::Request {
        node: cfg.router_node(),
        request: Request::RemoveServer { server: p },
    })
    .unwrap();
    h.inject(Input::Crash {
        node: cfg.server_node(p),
    })
    .unwrap();
    put(&mut h);
    let while_down = h.run_until(3_000, acked);
    h.inject(Input::Restart {
        node: cfg.server_node(p),
    })
    .unwrap();
    put(&mut h);
    assert!(
        h.run_until(5_000, acked),
        "a put after the restart is acknowledged"
    );
    (h, while_down)
}

#[test]
fn a_new_primary_takes_no_write_while_the_old_one_is_down() {
    let (h, while_down) = an_old_primary_down_during_a_removal(false);
    assert!(!while_down, "no write while the old primary is down");
    assert_eq!(broken(&h), Vec::<String>::new());
}

#[test]
fn without_the_fence_a_new_primary_writes_at_once() {
    let (_, while_down) = an_old_primary_down_during_a_removal(true);
    assert!(while_down, "the unfenced new primary takes the write");
}
