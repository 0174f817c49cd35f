//! Unit tests of routers and clients: one handler call, assertions on its effects. Each
//! names the rule it checks (docs/sharding.md, "A request's path", "Membership changes and
//! migrations").

use super::node::{self, Node};
use super::router::{Router, RouterDisk, ATTEMPTS, MOVED_RETRIES, MOVED_WAIT};
use super::tests::{joined, moved, persisted, v1, CLIENT, O, R, ROUTER};
use super::*;
use crate::sim::Effect;

fn to_router(cfg: &Config, r: &mut Router, from: NodeId, msg: Msg) -> O {
    let mut out = O::default();
    r.on_message(cfg, from, msg, &mut out);
    out
}
fn router_timer(cfg: &Config, r: &mut Router, timer: Timer) -> O {
    let mut out = O::default();
    r.on_timer(cfg, timer, &mut out);
    out
}
/// Router ids are n × k + the router's index from a durable counter (persisted before the
/// forward leaves). `moved` from a server on an older table brings it the router's table;
/// from a newer one, `get_table`; either way the same attempt goes again after
/// `MOVED_WAIT` ticks, and after `MOVED_RETRIES` the request fails.
#[test]
fn a_router_answers_moved_with_tables_retries_and_gives_up_after_fifty() {
    let cfg = Config {
        routers: 2,
        ..Config::default()
    };
    let (v1, v2) = (v1(&cfg), joined(&cfg));
    let d = RouterDisk {
        table: v2.clone(),
        previous: Some(v1.clone()),
        next_id: 4,
    };
    let mut r = Router::new(1, d);
    let k = Key::generated(1);
    let server = cfg.server_node(v2.replicas(&k, R)[0]);
    let request = Msg::Request {
        id: 77,
        key: k,
        op: Op::Get,
    };
    let out = to_router(&cfg, &mut r, CLIENT, request);
    assert!(
        matches!(out.effects[0], Effect::Persist),
        "the id is durable first"
    );
    let fwd = Msg::Forward {
        id: 5 * 2 + 1,
        key: k,
        op: Op::Get,
        version: 2,
    };
    assert_eq!(out.sends(), vec![(server, fwd)]);
    let out = to_router(&cfg, &mut r, server, moved(11, 1, false));
    let table = node::table_msg(&v2, Some(&v1));
    assert_eq!(out.sends(), vec![(server, table)]);
    assert_eq!(out.timers_set(), vec![Timer::Retry { id: 11 }]);
    assert!(out.effects.iter().any(|e| matches!(
        e,
        Effect::SetTimer {
            min: MOVED_WAIT,
            max: MOVED_WAIT,
            ..
        }
    )));
    let out = router_timer(&cfg, &mut r, Timer::Retry { id: 11 });
    assert!(matches!(out.notes()[..], [Note::Routed { attempt: 0, .. }]));
    let out = to_router(&cfg, &mut r, server, moved(11, 3, true));
    assert_eq!(out.sends(), vec![(server, Msg::GetTable)]);
    for _ in 3..MOVED_RETRIES {
        to_router(&cfg, &mut r, server, moved(11, 2, true));
    }
    let out = to_router(&cfg, &mut r, server, moved(11, 2, true));
    assert_eq!(out.timers_set(), vec![Timer::Retry { id: 11 }], "the 50th");
    let out = to_router(&cfg, &mut r, server, moved(11, 2, true));
    let failed = Msg::Response {
        id: 77,
        ok: false,
        value: None,
    };
    assert_eq!(out.sends(), vec![(CLIENT, failed)]);
    assert!(r.pending.is_empty());
}

/// Each `expire` raises the attempt and routes again (a get to replica attempt mod R, so
/// a retried read tries the next replica); when attempt `ATTEMPTS` times out the client
/// hears `ok: false`, and a late `done` is ignored.
#[test]
fn a_retried_get_tries_the_next_replica_and_fails_after_eight_retries() {
    let cfg = Config::default();
    let v1 = v1(&cfg);
    let mut r = Router::new(0, RouterDisk::new(&cfg));
    let k = Key::generated(3);
    let replicas = v1.replicas(&k, R);
    let request = Msg::Request {
        id: 9,
        key: k,
        op: Op::Get,
    };
    to_router(&cfg, &mut r, CLIENT, request);
    for attempt in 1..=ATTEMPTS {
        let out = router_timer(&cfg, &mut r, Timer::Expire { id: 1 });
        let retrying = Note::Retrying { id: 1, attempt };
        assert_eq!(out.notes()[0], retrying);
        let to = cfg.server_node(replicas[attempt as usize % R]);
        assert_eq!(out.sends()[0].0, to, "attempt {attempt}");
    }
    let out = router_timer(&cfg, &mut r, Timer::Expire { id: 1 });
    let failed = Msg::Response {
        id: 9,
        ok: false,
        value: None,
    };
    assert_eq!(out.sends(), vec![(CLIENT, failed)]);
    let late = Msg::Done { id: 1, value: None };
    assert!(to_router(&cfg, &mut r, NodeId(0), late).effects.is_empty());
}

/// Router 1 and a join: the next table, persisted, `table_changed`, `new_table` to every
/// server of the old or new table, a nudge; another change meanwhile is refused (`busy`);
/// the last `migration_done` ends it (`migration_over`, `settled` to each), and a report
/// after the end hears `settled` again. A restarted Router 1 asks everyone again.
#[test]
fn router_one_runs_a_join_as_a_migration_and_a_restart_asks_again() {
    let cfg = Config::default();
    let mut r = Router::new(0, RouterDisk::new(&cfg));
    let mut out = O::default();
    r.on_request(&cfg, Request::AddServer { server: 4 }, &mut out);
    let servers: Vec<NodeId> = (0..5).map(NodeId).collect();
    let changed = Note::TableChanged {
        version: 2,
        members: vec![0, 1, 2, 3, 4],
    };
    assert!(persisted(&out) && out.notes() == vec![changed]);
    let to: Vec<NodeId> = out.sends().into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        (to, out.timers_set()),
        (servers.clone(), vec![Timer::Nudge])
    );
    let mut busy = O::default();
    r.on_request(&cfg, Request::RemoveServer { server: 0 }, &mut busy);
    let refused = Note::ChangeRefused { why: Refusal::Busy };
    assert_eq!(busy.notes(), vec![refused]);
    for n in &servers[..4] {
        let out = to_router(&cfg, &mut r, *n, Msg::MigrationDone { version: 2 });
        assert!(out.effects.is_empty());
    }
    let out = to_router(&cfg, &mut r, NodeId(4), Msg::MigrationDone { version: 2 });
    assert_eq!(out.notes(), vec![Note::MigrationOver { version: 2 }]);
    let settled: Vec<_> = servers
        .iter()
        .map(|n| (*n, Msg::Settled { version: 2 }))
        .collect();
    assert_eq!(out.sends(), settled);
    let late = to_router(&cfg, &mut r, NodeId(2), Msg::MigrationDone { version: 2 });
    assert_eq!(late.sends(), vec![settled[2].clone()]);
    let mut out = O::default();
    let disk = node::durable(&Node::Router(r));
    let Node::Router(r) = node::restart(&cfg, ROUTER, &disk, &mut out) else {
        panic!("a router")
    };
    assert_eq!(r.migrating.map(|(v, w)| (v, w.len())), Some((2, 5)));
    assert_eq!(out.sends().len(), 5, "its table to every server again");
}

/// Clients note each answer once (`acknowledged` or `failed`) and refuse a typed name
/// that breaks the key rule.
#[test]
fn a_client_notes_each_answer_once_and_refuses_a_bad_key() {
    let cfg = Config::default();
    let mut c = Client::start(&cfg, 0, &mut O::default());
    let mut out = O::default();
    c.on_request(
        &cfg,
        Request::Get {
            key: "cart:alice".into(),
        },
        &mut out,
    );
    let [(to, Msg::Request { id, .. })] = &out.sends()[..] else {
        panic!("one request")
    };
    assert_eq!(*to, ROUTER);
    let answer = Msg::Response {
        id: *id,
        ok: true,
        value: Some((3, 1)),
    };
    let mut out = O::default();
    c.on_message(answer.clone(), &mut out);
    assert!(matches!(out.notes()[..], [Note::Acknowledged { .. }]));
    let mut again = O::default();
    c.on_message(answer, &mut again);
    assert!(again.effects.is_empty(), "answered once");
    let mut out = O::default();
    let bad = "a".repeat(KEY_MAX + 1);
    c.on_request(&cfg, Request::Put { key: bad.clone() }, &mut out);
    assert_eq!(out.notes(), vec![Note::BadKey { name: bad }]);
}
