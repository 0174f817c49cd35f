//! Servers, routers and clients of the sharded store.

use super::key::Key;
use super::msg::{Msg, Note, Op, Request, Stamp, Table, Timer};
use super::{router, server, Config, Kind, Sharding};
use crate::sim::rng::Rng;
use crate::sim::{NodeId, Out};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

pub(super) type O = Out<Sharding>;

/// Retries a router makes after timeouts (after the first attempt) before failing a
/// request.
pub(super) const ATTEMPTS: u32 = 8;
/// "Moved" answers a router takes for one request before failing it (a key in migration
/// can be unavailable for a while; each one waits `MOVED_WAIT` ticks).
pub(super) const MOVED_RETRIES: u32 = 50;
pub(super) const MOVED_WAIT: u64 = 20;
/// How often Router 1 sends the table again to whoever has not confirmed a migration, and
/// a server its unacknowledged transfers.
pub(super) const NUDGE: u64 = 300;

/// What survives a crash: a server's store and tables; a router's tables and its last
/// request id.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Disk {
    pub store: BTreeMap<Key, (u64, Stamp)>,
    pub table: Option<Table>,
    /// The table before `table`, to work out what moves.
    pub previous: Option<Table>,
    /// A router's last request id: durable, so a restarted router never reuses one (a
    /// late answer to an old request would otherwise acknowledge a new one).
    pub next_id: u64,
    /// A server's last table whose handover it finished (its keys sent and acknowledged,
    /// the keys moved away dropped): durable, so a restart never hands over an old table
    /// again, which would drop keys received since for the next one.
    pub handed: u64,
    /// The last table whose migration a server heard is over: until then the keys moving
    /// to it wait for their previous primary's copy.
    pub settled: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pending {
    pub client: NodeId,
    pub client_id: u64,
    pub key: Key,
    pub op: Op,
    pub attempt: u32,
    pub moved: u32,
}

/// A get at a replica that is not the key's primary, waiting for the primary's table
/// version (the fence for reads).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReadWait {
    pub key: Key,
    /// This server's table version when it took the get.
    pub version: u64,
    /// The router to answer.
    pub router: NodeId,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PutWait {
    pub key: Key,
    pub value: u64,
    pub stamp: Stamp,
    /// The router to answer.
    pub router: NodeId,
    pub waiting: BTreeSet<u32>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Node {
    Server {
        index: u32,
        d: Disk,
        puts: BTreeMap<u64, PutWait>,
        reads: BTreeMap<u64, ReadWait>,
        /// Transfers not yet acknowledged: (key, new replica).
        outgoing: BTreeSet<(Key, u32)>,
        /// Keys moving to this server that arrived from their previous primary (which
        /// holds every write it acknowledged), in the migration to its table.
        arrived: BTreeSet<Key>,
    },
    Router {
        /// 0 for Router 1, which owns the table.
        index: u32,
        d: Disk,
        pending: BTreeMap<u64, Pending>,
        /// Router 1's migration in progress: its version, and the nodes (servers and the
        /// other routers) still to confirm it.
        migrating: Option<(u64, BTreeSet<NodeId>)>,
        /// Requests per key since the table last changed (what a hot-range split weighs).
        hits: BTreeMap<Key, u64>,
    },
    Client {
        index: u32,
        /// This life's first request id: its start time × 2^20, so a restarted client
        /// never reuses an id (a late answer to an old request must not end a new one).
        base: u64,
        /// Requests sent in this life.
        sent: u64,
        /// Requests sent and not answered: id → key.
        waiting: BTreeMap<u64, Key>,
        #[serde(skip)]
        rng: Rng,
    },
}

pub(super) fn init(cfg: &Config, me: NodeId, out: &mut O) -> Node {
    fresh(cfg, me, Disk::default(), out)
}

fn fresh(cfg: &Config, me: NodeId, d: Disk, out: &mut O) -> Node {
    match cfg.kind(me) {
        Kind::Server(index) => {
            let mut d = d;
            if d.table.is_none() && index < cfg.servers {
                d.table = Some(cfg.initial_table());
                d.settled = 1;
            }
            Node::Server {
                index,
                d,
                puts: BTreeMap::new(),
                reads: BTreeMap::new(),
                outgoing: BTreeSet::new(),
                arrived: BTreeSet::new(),
            }
        }
        Kind::Router(index) => {
            let mut d = d;
            if d.table.is_none() {
                d.table = Some(cfg.initial_table());
            }
            Node::Router {
                index,
                d,
                pending: BTreeMap::new(),
                migrating: None,
                hits: BTreeMap::new(),
            }
        }
        Kind::Client(index) => {
            let mut rng = Rng::new(out.seed());
            arm(cfg, &mut rng, out);
            Node::Client {
                index,
                base: out.now() << 20,
                sent: 0,
                waiting: BTreeMap::new(),
                rng,
            }
        }
    }
}

fn arm(cfg: &Config, rng: &mut Rng, out: &mut O) {
    let gap = rng.arrival_gap(cfg.rate);
    out.set_timer(Timer::Arrive, gap..=gap);
}

/// Who confirms a migration to `t`: every server of the previous and the current table (a
/// removed server may still hold keys to hand over), and the other routers.
pub(super) fn confirmers(cfg: &Config, t: &Table, previous: Option<&Table>) -> BTreeSet<NodeId> {
    t.members
        .iter()
        .chain(previous.iter().flat_map(|p| p.members.iter()))
        .map(|s| cfg.server_node(*s))
        .chain(cfg.routers().skip(1))
        .collect()
}

/// Recovery: a server reloads its store and tables and resumes handing over what moves;
/// Router 1 reloads its table and asks everyone to confirm the migration again; another
/// router reloads its table (Router 1's nudges, or a "moved", bring it a newer one).
pub(super) fn restart(cfg: &Config, me: NodeId, disk: &Disk, out: &mut O) -> Node {
    let mut node = fresh(cfg, me, disk.clone(), out);
    match &mut node {
        Node::Server {
            index, d, outgoing, ..
        } => {
            out.note(Note::Recovered {
                keys: d.store.len() as u32,
                version: d.table.as_ref().map_or(0, |t| t.version),
            });
            if let Some(t) = d.table.clone().filter(|t| t.version > d.handed) {
                server::plan_transfers(cfg, *index, d, &t, outgoing, out);
            }
        }
        Node::Router {
            index,
            d,
            migrating,
            ..
        } => {
            let t = d.table.clone().expect("a router has a table");
            out.note(Note::Recovered {
                keys: 0,
                version: t.version,
            });
            if *index == 0 {
                // The last change may not have finished.
                let everyone = confirmers(cfg, &t, d.previous.as_ref());
                *migrating = Some((t.version, everyone.clone()));
                broadcast_table(d, &everyone, out);
                out.set_timer(Timer::Nudge, NUDGE..=NUDGE);
            }
        }
        Node::Client { .. } => {}
    }
    node
}

/// A node's table, and the one before it (what servers diff against), as a message.
pub(super) fn table_msg(d: &Disk) -> Option<Msg> {
    Some(Msg::NewTable {
        table: Box::new(d.table.clone()?),
        previous: d.previous.clone().map(Box::new),
    })
}

/// Router 1 sends its table to `to`.
pub(super) fn broadcast_table(d: &Disk, to: &BTreeSet<NodeId>, out: &mut O) {
    let msg = table_msg(d).expect("a router has a table");
    for n in to {
        out.send(*n, msg.clone());
    }
}

pub(super) fn on_timer(cfg: &Config, node: &mut Node, timer: Timer, out: &mut O) {
    match node {
        Node::Router { .. } => router::on_timer(cfg, node, timer, out),
        Node::Server { .. } => server::on_timer(cfg, node, timer, out),
        Node::Client { rng, .. } => {
            if timer != Timer::Arrive {
                return;
            }
            let key = cfg.pick_key(rng);
            let put = rng.below(2) == 1;
            let sent = send_request(cfg, node, key, put, false, out);
            if cfg.requests == 0 || sent < cfg.requests {
                if let Node::Client { rng, .. } = node {
                    arm(cfg, rng, out);
                }
            }
        }
    }
}

pub(super) fn fail(p: Pending, out: &mut O) {
    out.send(
        p.client,
        Msg::Response {
            id: p.client_id,
            ok: false,
            value: None,
        },
    );
}

/// A client's next request: a get, or a put of a value that names the request: its id
/// × 10 + the client's number (1–4), unique across clients and lives. Returns how many
/// requests the client has sent in this life.
fn send_request(
    cfg: &Config,
    node: &mut Node,
    key: Key,
    put: bool,
    typed: bool,
    out: &mut O,
) -> u64 {
    let Node::Client {
        index,
        base,
        sent,
        waiting,
        ..
    } = node
    else {
        return 0;
    };
    *sent += 1;
    let id = *base + *sent;
    let op = if put {
        Op::Put {
            value: id.wrapping_mul(10).wrapping_add(u64::from(*index) + 1),
        }
    } else {
        Op::Get
    };
    waiting.insert(id, key);
    out.note(Note::Sent {
        id,
        key,
        op: op.clone(),
        typed,
    });
    out.send(cfg.router_of_client(*index), Msg::Request { id, key, op });
    *sent
}

pub(super) fn on_request(cfg: &Config, node: &mut Node, req: Request, out: &mut O) {
    match node {
        Node::Router { .. } => router::on_request(cfg, node, req, out),
        Node::Client { .. } => {
            let (name, put) = match req {
                Request::Put { key } => (key, true),
                Request::Get { key } => (key, false),
                _ => return,
            };
            match Key::parse(&name) {
                Ok(key) => {
                    send_request(cfg, node, key, put, true, out);
                }
                Err(_) => out.note(Note::BadKey { name }),
            }
        }
        Node::Server { .. } => {}
    }
}

pub(super) fn on_message(cfg: &Config, node: &mut Node, from: NodeId, msg: Msg, out: &mut O) {
    match node {
        Node::Router { .. } => router::on_message(cfg, node, from, msg, out),
        Node::Server { .. } => server::on_message(cfg, node, from, msg, out),
        Node::Client { waiting, .. } => {
            if let Msg::Response { id, ok, value } = msg {
                let Some(key) = waiting.remove(&id) else {
                    return;
                };
                if ok {
                    out.note(Note::Acknowledged { id, key, value });
                } else {
                    out.note(Note::Failed { id, key });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Effect;

    fn client(cfg: &Config, c: u32, now: u64) -> Node {
        let me = NodeId(cfg.servers + cfg.spare_servers + cfg.routers + c);
        init(cfg, me, &mut Out::at(now, 7))
    }

    /// Fires a client's arrival; returns whether it armed the next one, and what it sent.
    fn arrive(cfg: &Config, node: &mut Node) -> (bool, Vec<Msg>) {
        let mut out = Out::default();
        on_timer(cfg, node, Timer::Arrive, &mut out);
        let armed = out.effects.iter().any(|e| {
            matches!(
                e,
                Effect::SetTimer {
                    timer: Timer::Arrive,
                    ..
                }
            )
        });
        (armed, out.sends().into_iter().map(|(_, m)| m).collect())
    }

    /// `requests` counts this life's requests in full: past 2^20 (where ids once wrapped
    /// into a 20-bit count) a client still stops after exactly `requests`.
    #[test]
    fn a_client_stops_after_its_requests_even_past_two_to_the_twenty() {
        let cfg = Config {
            requests: (1 << 20) + 2,
            ..Config::default()
        };
        let mut node = client(&cfg, 0, 0);
        if let Node::Client { sent, .. } = &mut node {
            *sent = 1 << 20;
        }
        assert!(arrive(&cfg, &mut node).0, "request 2^20 + 1: more to come");
        assert!(!arrive(&cfg, &mut node).0, "request 2^20 + 2: the last");
    }

    /// Put values name their request: no two clients, and no two lives of one client,
    /// ever write the same value, however many requests they send (client 1's millionth
    /// put once wrote client 2's first value).
    #[test]
    fn put_values_are_unique_across_clients_and_lives() {
        let cfg = Config::default();
        let mut values = BTreeSet::new();
        for (c, now, before) in [(0, 0, 999_990), (1, 0, 0), (0, 5, 0), (1, 5, 999_990)] {
            let mut node = client(&cfg, c, now);
            if let Node::Client { sent, .. } = &mut node {
                *sent = before;
            }
            for _ in 0..40 {
                let mut out = Out::default();
                let put = Request::Put { key: "k".into() };
                on_request(&cfg, &mut node, put, &mut out);
                for (_, m) in out.sends() {
                    if let Msg::Request {
                        op: Op::Put { value },
                        ..
                    } = m
                    {
                        assert!(values.insert(value), "value {value} written twice");
                    }
                }
            }
        }
        assert_eq!(values.len(), 160);
    }
}
