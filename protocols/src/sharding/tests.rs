//! Unit tests of servers: one handler call, assertions on its effects. Each names the
//! rule it checks (docs/sharding.md). Routers and clients: `tests_router.rs`. Defaults:
//! servers 0–3 in table v1, spare 4, the router node 5, clients 6 and 7, R = 2 on a ring.

use super::node::{self, Disk, Node};
use super::server::{Server, ServerDisk};
use super::*;
use crate::sim::Effect;

pub(super) type O = Out<Sharding>;
pub(super) const ROUTER: NodeId = NodeId(5);
pub(super) const CLIENT: NodeId = NodeId(6);
pub(super) const R: usize = 2;

pub(super) fn v1(cfg: &Config) -> Table {
    cfg.initial_table()
}
/// v2: Server 5 (index 4) joins.
pub(super) fn joined(cfg: &Config) -> Table {
    v1(cfg).with_member(4, &cfg.positions())
}
/// v2: Server 2 (index 1) leaves.
pub(super) fn left(cfg: &Config) -> Table {
    v1(cfg).without_member(1, &cfg.positions())
}
pub(super) fn key(cfg: &Config, rule: impl Fn(&Key) -> bool) -> Key {
    cfg.keyspace().find(rule).expect("a key that fits")
}
/// Server `index` with table `t` (and `previous`), settled at `settled`, holding `store`.
pub(super) fn server(
    cfg: &Config,
    index: u32,
    t: &Table,
    p: Option<&Table>,
    settled: u64,
) -> Server {
    let d = ServerDisk {
        table: Some(t.clone()),
        previous: p.cloned(),
        settled,
        ..ServerDisk::default()
    };
    Server::new(cfg, index, d)
}
pub(super) fn to_server(cfg: &Config, s: &mut Server, from: NodeId, msg: Msg) -> O {
    let mut out = O::default();
    s.on_message(cfg, from, msg, &mut out);
    out
}
pub(super) fn forward(cfg: &Config, s: &mut Server, id: u64, key: Key, op: Op, version: u64) -> O {
    let msg = Msg::Forward {
        id,
        key,
        op,
        version,
    };
    to_server(cfg, s, ROUTER, msg)
}
pub(super) fn persisted(out: &O) -> bool {
    out.effects.iter().any(|e| matches!(e, Effect::Persist))
}
pub(super) fn moved(id: u64, version: u64, wait: bool) -> Msg {
    Msg::Moved { id, version, wait }
}

/// The fence for writes: a server that has just become a key's primary from among its
/// replicas takes no put of it (`not_yet {primary: true}`, `moved {wait: true}`) until the
/// copy from the key's previous primary has arrived; then it stamps above every stamp
/// that copy carries. With `bug_no_fencing` it writes at once, with the old primary's
/// next stamp: two primaries, one stamp.
#[test]
fn a_new_primary_takes_no_put_until_the_old_primary_hands_the_key_over() {
    let cfg = Config::default();
    let (v1, v2) = (v1(&cfg), left(&cfg));
    let k = key(&cfg, |k| {
        let (a, b) = (v1.replicas(k, R), v2.replicas(k, R));
        a[0] == 1 && a[1] == b[0]
    });
    let new = v1.replicas(&k, R)[1];
    let mut s = server(&cfg, new, &v2, Some(&v1), 1);
    s.d.store.insert(k, (10, 2));
    let put = Op::Put { value: 99 };
    let out = forward(&cfg, &mut s, 1, k, put.clone(), 2);
    let not_yet = Note::NotYet {
        key: k,
        version: 2,
        primary: true,
    };
    assert_eq!(out.notes(), vec![not_yet]);
    assert_eq!(out.sends(), vec![(ROUTER, moved(1, 2, true))]);
    // The old primary's handover: its newest stamp is 3.
    let copy = Msg::Transfer {
        version: 2,
        key: k,
        value: 11,
        stamp: 3,
    };
    let out = to_server(&cfg, &mut s, NodeId(1), copy);
    let ack = Msg::TransferAck { version: 2, key: k };
    assert_eq!(out.sends(), vec![(NodeId(1), ack)]);
    assert!(s.arrived.contains(&k), "served here from now on");
    let out = forward(&cfg, &mut s, 1, k, put.clone(), 2);
    let stored = Note::Stored {
        key: k,
        stamp: 4,
        replicas: 2,
    };
    assert_eq!(out.notes(), vec![stored], "stamped above the old primary's");
    // Unfenced, the same put is stamped at once, 3, as the old primary stamped its own.
    let bug = Config {
        bug_no_fencing: true,
        ..cfg
    };
    let mut s = server(&bug, new, &v2, Some(&v1), 1);
    s.d.store.insert(k, (10, 2));
    let notes = forward(&bug, &mut s, 1, k, put, 2).notes();
    assert!(matches!(notes[0], Note::Unfenced { put: true, .. }));
    assert!(matches!(notes[1], Note::Stored { stamp: 3, .. }));
}

/// Still arriving: a newcomer serves a key nobody has handed it only once the migration
/// is settled; meanwhile, done with its own handover, it reports `migration_done` again
/// (Router 1 may have ended the migration without it hearing).
#[test]
fn a_key_still_arriving_waits_for_settled_and_its_server_reports_again() {
    let cfg = Config::default();
    let (v1, v2) = (v1(&cfg), joined(&cfg));
    let k = key(&cfg, |k| v2.replicas(k, R)[0] == 4);
    let mut s = server(&cfg, 4, &v2, Some(&v1), 0);
    s.d.handed = 2;
    let out = forward(&cfg, &mut s, 7, k, Op::Get, 2);
    let not_yet = Note::NotYet {
        key: k,
        version: 2,
        primary: false,
    };
    assert_eq!(out.notes(), vec![not_yet]);
    let report = Msg::MigrationDone { version: 2 };
    assert_eq!(
        out.sends(),
        vec![(ROUTER, report), (ROUTER, moved(7, 2, true))]
    );
    let out = to_server(&cfg, &mut s, ROUTER, Msg::Settled { version: 2 });
    assert!(persisted(&out) && s.d.settled == 2, "settled is durable");
    let out = forward(&cfg, &mut s, 7, k, Op::Get, 2);
    let done = Msg::Done { id: 7, value: None };
    assert_eq!(out.sends(), vec![(ROUTER, done)], "never written: null");
}

/// A server judges a forward under its own table, which must be at least the forward's
/// version: a put needs the primary, a get a replica; otherwise `not_mine` and `moved`
/// with its version.
#[test]
fn a_server_answers_moved_for_a_key_it_does_not_own_or_under_an_older_table() {
    let cfg = Config::default();
    let v1 = v1(&cfg);
    let mut s = server(&cfg, 0, &v1, None, 1);
    let replica = key(&cfg, |k| v1.replicas(k, R)[1] == 0);
    let foreign = key(&cfg, |k| !v1.replicas(k, R).contains(&0));
    let primary = key(&cfg, |k| v1.replicas(k, R)[0] == 0);
    let put = Op::Put { value: 1 };
    for (id, k, op, version) in [
        (1, replica, put.clone(), 1),
        (2, foreign, Op::Get, 1),
        (3, primary, put, 2),
    ] {
        let out = forward(&cfg, &mut s, id, k, op, version);
        let not_mine = Note::NotMine { key: k, version: 1 };
        assert_eq!(out.notes(), vec![not_mine]);
        assert_eq!(out.sends(), vec![(ROUTER, moved(id, 1, false))]);
    }
}

/// The fence for reads: a replica that is not the key's primary asks the primary for its
/// table version before it answers a get; a newer one means `fenced`, `get_table` to the
/// primary and `moved` to the router; the same one, the value it holds.
#[test]
fn a_replica_answers_a_get_only_once_the_primary_confirms_its_table() {
    let cfg = Config::default();
    let v1 = v1(&cfg);
    let k = key(&cfg, |k| v1.replicas(k, R)[1] == 0);
    let primary = cfg.server_node(v1.replicas(&k, R)[0]);
    let mut s = server(&cfg, 0, &v1, None, 1);
    s.d.store.insert(k, (5, 1));
    let out = forward(&cfg, &mut s, 1, k, Op::Get, 1);
    let confirm = Msg::Confirm {
        id: 1,
        key: k,
        version: 1,
    };
    assert_eq!(out.sends(), vec![(primary, confirm)]);
    assert_eq!(out.timers_set(), vec![Timer::ReplicaTimeout { id: 1 }]);
    let newer = Msg::ConfirmReply { id: 1, version: 2 };
    let out = to_server(&cfg, &mut s, primary, newer);
    let fenced = Note::Fenced {
        key: k,
        version: 1,
        newer: 2,
    };
    assert_eq!(out.notes(), vec![fenced]);
    let want = vec![(primary, Msg::GetTable), (ROUTER, moved(1, 2, false))];
    assert_eq!(out.sends(), want);
    forward(&cfg, &mut s, 2, k, Op::Get, 1);
    let same = Msg::ConfirmReply { id: 2, version: 1 };
    let out = to_server(&cfg, &mut s, primary, same);
    let done = Msg::Done {
        id: 2,
        value: Some((5, 1)),
    };
    assert_eq!(out.sends(), vec![(ROUTER, done)]);
}

/// The primary stamps a put one above the newest stamp it holds (a retry of a write still
/// replicating keeps its stamp) and answers `done` only when every other replica has
/// answered `replicated` with that stamp; an answer for another stamp proves nothing.
#[test]
fn a_put_is_done_only_once_every_replica_stored_its_stamp() {
    let cfg = Config::default();
    let v1 = v1(&cfg);
    let k = key(&cfg, |k| v1.replicas(k, R)[0] == 0);
    let other = cfg.server_node(v1.replicas(&k, R)[1]);
    let mut s = server(&cfg, 0, &v1, None, 1);
    s.d.store.insert(k, (7, 4));
    let put = Op::Put { value: 70 };
    for _ in 0..2 {
        let out = forward(&cfg, &mut s, 10, k, put.clone(), 1);
        let copy = Msg::Replicate {
            id: 10,
            key: k,
            value: 70,
            stamp: 5,
        };
        assert_eq!(out.sends(), vec![(other, copy)], "stamp 5, twice");
    }
    let old = to_server(&cfg, &mut s, other, Msg::Replicated { id: 10, stamp: 4 });
    assert!(old.effects.is_empty(), "not this write's stamp");
    let out = to_server(&cfg, &mut s, other, Msg::Replicated { id: 10, stamp: 5 });
    let done = Msg::Done {
        id: 10,
        value: Some((70, 5)),
    };
    assert_eq!(out.sends(), vec![(ROUTER, done)]);
    // A copy is kept only if its stamp is strictly newer; it is acknowledged anyway.
    let stale = Msg::Replicate {
        id: 11,
        key: k,
        value: 1,
        stamp: 5,
    };
    let out = to_server(&cfg, &mut s, other, stale);
    assert!(!persisted(&out) && s.d.store[&k] == (70, 5));
    let ack = Msg::Replicated { id: 11, stamp: 5 };
    assert_eq!(out.sends(), vec![(other, ack)]);
}

/// A new table: each key goes as a `transfer` to each new replica that was not one
/// before, resent until acknowledged; once the last is acknowledged the server drops the
/// keys it no longer replicates, records `handed` and reports `migration_done`.
#[test]
fn a_server_hands_over_what_a_join_moves_and_drops_it_once_acknowledged() {
    let cfg = Config::default();
    let (v1, v2) = (v1(&cfg), joined(&cfg));
    let gone = key(&cfg, |k| {
        let (a, b) = (v1.replicas(k, R), v2.replicas(k, R));
        a[1] == 0 && b[0] == a[0] && b[1] == 4
    });
    let stays = key(&cfg, |k| {
        v1.replicas(k, R).contains(&0) && v1.replicas(k, R) == v2.replicas(k, R)
    });
    let mut s = server(&cfg, 0, &v1, None, 1);
    s.d.store.insert(gone, (1, 1));
    s.d.store.insert(stays, (2, 1));
    let new_table = Msg::NewTable {
        table: Box::new(v2.clone()),
        previous: Some(Box::new(v1.clone())),
    };
    let out = to_server(&cfg, &mut s, ROUTER, new_table);
    let adopted = Note::Adopted {
        version: 2,
        outgoing: 1,
    };
    assert!(persisted(&out) && out.notes() == vec![adopted]);
    let transfer = Msg::Transfer {
        version: 2,
        key: gone,
        value: 1,
        stamp: 1,
    };
    assert_eq!(out.sends(), vec![(NodeId(4), transfer.clone())]);
    let mut resent = O::default();
    s.on_timer(&cfg, Timer::Resend, &mut resent);
    assert_eq!(resent.sends(), vec![(NodeId(4), transfer)]);
    assert_eq!(resent.timers_set(), vec![Timer::Resend]);
    let old_ack = Msg::TransferAck {
        version: 1,
        key: gone,
    };
    assert!(to_server(&cfg, &mut s, NodeId(4), old_ack)
        .effects
        .is_empty());
    let ack = Msg::TransferAck {
        version: 2,
        key: gone,
    };
    let out = to_server(&cfg, &mut s, NodeId(4), ack);
    assert!(!s.d.store.contains_key(&gone) && s.d.store.contains_key(&stays));
    assert_eq!(
        (s.d.handed, out.notes()),
        (2, vec![Note::Handed { version: 2 }])
    );
    let done = Msg::MigrationDone { version: 2 };
    assert_eq!(out.sends(), vec![(ROUTER, done)]);
}

/// A server drops only the keys the last change moved away from it: a key it received
/// for a newer table it has not adopted yet stays.
#[test]
fn a_server_keeps_keys_received_for_a_newer_table() {
    let cfg = Config {
        replication: 1,
        ..Config::default()
    };
    let v1 = Table::new(1, vec![0, 1, 2, 3], Strategy::Ring, cfg.vnodes);
    let v2 = Table::new(2, vec![0, 1, 2, 3, 4], Strategy::Ring, cfg.vnodes);
    // A key server 0 replicates under neither table.
    let foreign = key(&cfg, |k| {
        v1.replicas(k, 1)[0] != 0 && v2.replicas(k, 1)[0] != 0
    });
    let mut s = server(&cfg, 0, &v2, Some(&v1), 1);
    s.d.store.insert(foreign, (7, 9));
    s.finish_if_done(&cfg, &mut O::default());
    assert!(
        s.d.store.contains_key(&foreign),
        "not moved away from server 0: kept"
    );
}

/// A server that finished handing over its table and restarts does not hand it over
/// again: doing so would drop a key it replicated before that table, lost with it, and
/// received since for the next one.
#[test]
fn a_restart_after_a_handover_does_not_hand_over_again() {
    let cfg = Config::default();
    let (v1, v2) = (v1(&cfg), joined(&cfg));
    let back = key(&cfg, |k| {
        v1.replicas(k, R).contains(&0) && !v2.replicas(k, R).contains(&0)
    });
    let mut d = ServerDisk {
        table: Some(v2),
        previous: Some(v1),
        handed: 2,
        ..ServerDisk::default()
    };
    d.store.insert(back, (7, 9));
    let mut out = O::default();
    let node = node::restart(&cfg, cfg.server_node(0), &Disk::Server(d), &mut out);
    let Node::Server(s) = node else {
        panic!("a server")
    };
    assert!(s.outgoing.is_empty(), "nothing to hand over again");
    assert!(
        s.d.store.contains_key(&back),
        "the key received since stays"
    );
}
