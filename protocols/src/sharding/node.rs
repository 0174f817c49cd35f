//! Servers, routers and clients of the sharded store.

use super::key::Key;
use super::msg::{Msg, Note, Op, Refusal, Request, Stamp, Table, Timer};
use super::{Config, Kind, Sharding};
use crate::sim::rng::Rng;
use crate::sim::{NodeId, Out};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

type O = Out<Sharding>;

/// Retries a router makes after timeouts (after the first attempt) before failing a
/// request.
const ATTEMPTS: u32 = 8;
/// "Moved" answers a router takes for one request before failing it (a key in migration
/// can be unavailable for a while; each one waits `MOVED_WAIT` ticks).
const MOVED_RETRIES: u32 = 50;
const MOVED_WAIT: u64 = 20;
/// How often Router 1 sends the table again to whoever has not confirmed a migration, and
/// a server its unacknowledged transfers.
const NUDGE: u64 = 300;

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
            // Request ids count on from the start time, so a restarted client never reuses
            // one (a late answer to an old request must not end a new one).
            Node::Client {
                index,
                sent: out.now() << 20,
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
fn confirmers(cfg: &Config, t: &Table, previous: Option<&Table>) -> BTreeSet<NodeId> {
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
                plan_transfers(cfg, *index, d, &t, outgoing, out);
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
fn table_msg(d: &Disk) -> Option<Msg> {
    Some(Msg::NewTable {
        table: Box::new(d.table.clone()?),
        previous: d.previous.clone().map(Box::new),
    })
}

/// Router 1 sends its table to `to`.
fn broadcast_table(d: &Disk, to: &BTreeSet<NodeId>, out: &mut O) {
    let msg = table_msg(d).expect("a router has a table");
    for n in to {
        out.send(*n, msg.clone());
    }
}

pub(super) fn on_timer(cfg: &Config, node: &mut Node, timer: Timer, out: &mut O) {
    match (node, timer) {
        (
            Node::Client {
                index,
                sent,
                waiting,
                rng,
            },
            Timer::Arrive,
        ) => {
            let key = cfg.pick_key(rng);
            let put = rng.below(2) == 1;
            let id = send_request(cfg, *index, sent, waiting, key, put, false, out);
            let count = id & ((1 << 20) - 1);
            if cfg.requests == 0 || count < cfg.requests {
                arm(cfg, rng, out);
            }
        }
        (Node::Router { d, pending, .. }, Timer::Expire { id }) => {
            let Some(p) = pending.get_mut(&id) else {
                return;
            };
            p.attempt += 1;
            if p.attempt > ATTEMPTS {
                let p = pending.remove(&id).expect("pending");
                return fail(p, out);
            }
            out.note(Note::Retrying {
                id,
                attempt: p.attempt,
            });
            let t = d.table.clone().expect("table");
            route(cfg, &t, id, p, out);
        }
        (Node::Router { d, pending, .. }, Timer::Retry { id }) => {
            // After a "moved": the same attempt again, under the router's table now.
            if let Some(p) = pending.get(&id) {
                let t = d.table.clone().expect("table");
                route(cfg, &t, id, p, out);
            }
        }
        (
            Node::Router {
                d,
                migrating: Some((_, waiting)),
                ..
            },
            Timer::Nudge,
        ) => {
            broadcast_table(d, waiting, out);
            out.set_timer(Timer::Nudge, NUDGE..=NUDGE);
        }
        (Node::Server { puts, .. }, Timer::ReplicaTimeout { id }) => {
            // Not every replica answered: no acknowledgement; the router will try again.
            puts.remove(&id);
        }
        (Node::Server { d, outgoing, .. }, Timer::Resend) if !outgoing.is_empty() => {
            let version = d.table.as_ref().map_or(0, |t| t.version);
            for (key, to) in outgoing.iter() {
                if let Some((value, stamp)) = d.store.get(key) {
                    out.send(
                        cfg.server_node(*to),
                        Msg::Transfer {
                            version,
                            key: *key,
                            value: *value,
                            stamp: *stamp,
                        },
                    );
                }
            }
            out.set_timer(Timer::Resend, NUDGE..=NUDGE);
        }
        _ => {}
    }
}

fn fail(p: Pending, out: &mut O) {
    out.send(
        p.client,
        Msg::Response {
            id: p.client_id,
            ok: false,
            value: None,
        },
    );
}

/// A client's next request: a get, or a put of a value naming the client and the request.
#[allow(clippy::too_many_arguments)]
fn send_request(
    cfg: &Config,
    index: u32,
    sent: &mut u64,
    waiting: &mut BTreeMap<u64, Key>,
    key: Key,
    put: bool,
    typed: bool,
    out: &mut O,
) -> u64 {
    *sent += 1;
    let id = *sent;
    let op = if put {
        Op::Put {
            value: u64::from(index + 1) * 1_000_000 + (id & ((1 << 20) - 1)),
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
    out.send(cfg.router_of_client(index), Msg::Request { id, key, op });
    id
}

/// Sends a pending request to the server the table names: a put to the key's primary, a get
/// to a replica (the next one on each retry: surviving replicas serve a crashed one's keys).
fn route(cfg: &Config, t: &Table, id: u64, p: &Pending, out: &mut O) {
    let replicas = t.replicas(&p.key, cfg.replication as usize);
    let Some(&first) = replicas.first() else {
        return;
    };
    let server = match p.op {
        Op::Put { .. } => first,
        Op::Get => replicas[(p.attempt as usize) % replicas.len()],
    };
    out.note(Note::Routed {
        id,
        key: p.key,
        server,
        attempt: p.attempt,
    });
    out.send(
        cfg.server_node(server),
        Msg::Forward {
            id,
            key: p.key,
            op: p.op.clone(),
            version: t.version,
        },
    );
    let wait = cfg.request_timeout;
    out.set_timer(Timer::Expire { id }, wait..=wait);
}

pub(super) fn on_request(cfg: &Config, node: &mut Node, req: Request, out: &mut O) {
    match node {
        Node::Router {
            index: 0,
            d,
            migrating,
            hits,
            ..
        } => {
            let t = d.table.clone().expect("table");
            let change = if migrating.is_some() {
                Err(Refusal::Busy)
            } else {
                next_table(cfg, &t, &req, hits)
            };
            let (new, split) = match change {
                Ok(change) => change,
                Err(why) => return out.note(Note::ChangeRefused { why }),
            };
            d.previous = Some(t.clone());
            d.table = Some(new.clone());
            out.persist();
            hits.clear();
            let everyone = confirmers(cfg, &new, Some(&t));
            *migrating = Some((new.version, everyone.clone()));
            if let Some(split) = split {
                out.note(split);
            }
            out.note(Note::TableChanged {
                version: new.version,
                members: new.members.clone(),
            });
            broadcast_table(d, &everyone, out);
            out.set_timer(Timer::Nudge, NUDGE..=NUDGE);
        }
        Node::Client {
            index,
            sent,
            waiting,
            ..
        } => {
            let (name, put) = match req {
                Request::Put { key } => (key, true),
                Request::Get { key } => (key, false),
                _ => return,
            };
            match Key::parse(&name) {
                Ok(key) => {
                    send_request(cfg, *index, sent, waiting, key, put, true, out);
                }
                Err(_) => out.note(Note::BadKey { name }),
            }
        }
        Node::Router { .. } | Node::Server { .. } => {}
    }
}

/// The table after a change, and (for a split) a note saying where it cut; or why not.
fn next_table(
    cfg: &Config,
    t: &Table,
    req: &Request,
    hits: &BTreeMap<Key, u64>,
) -> Result<(Table, Option<Note>), Refusal> {
    let (add, server) = match req {
        Request::AddServer { server } => (true, *server),
        Request::RemoveServer { server } => (false, *server),
        Request::SplitHot => return split_hot(cfg, t, hits),
        Request::Put { .. } | Request::Get { .. } => return Err(Refusal::Impossible),
    };
    let member = t.members.contains(&server);
    let possible = server < cfg.servers + cfg.spare_servers
        && member != add
        && (add || t.members.len() > cfg.replication as usize);
    if !possible {
        return Err(Refusal::Impossible);
    }
    let positions = cfg.positions();
    let new = if add {
        t.with_member(server, &positions)
    } else {
        t.without_member(server, &positions)
    };
    Ok((new, None))
}

/// Splits the range with the most requests since the last change (the most keys if none)
/// where its requests halve, and gives the upper part to the member with the fewest
/// requests, as load-based splitting does.
fn split_hot(
    cfg: &Config,
    t: &Table,
    hits: &BTreeMap<Key, u64>,
) -> Result<(Table, Option<Note>), Refusal> {
    let Some(mut ranges) = t.ranges.clone() else {
        return Err(Refusal::NothingToSplit);
    };
    // What each key weighs: its requests, or 1 per generated key before any request.
    let weights: Vec<(Key, u64)> = if hits.is_empty() {
        cfg.keyspace().map(|k| (k, 1)).collect()
    } else {
        hits.iter().map(|(k, n)| (*k, *n)).collect()
    };
    let mut per_range = vec![0u64; ranges.owners.len()];
    for (k, w) in &weights {
        per_range[ranges.range_of(k.position())] += w;
    }
    let i = (0..per_range.len())
        .max_by_key(|i| (per_range[*i], usize::MAX - i))
        .expect("a range");
    let inside: Vec<(Key, u64)> = weights
        .iter()
        .copied()
        .filter(|(k, _)| ranges.range_of(k.position()) == i)
        .collect();
    let owner = ranges.owners[i];
    let to = t
        .members
        .iter()
        .copied()
        .filter(|m| *m != owner)
        .min_by_key(|m| {
            let load: u64 = (0..per_range.len())
                .filter(|j| ranges.owners[*j] == *m)
                .map(|j| per_range[j])
                .sum();
            (load, *m)
        });
    let (Some(to), true) = (to, inside.len() >= 2) else {
        return Err(Refusal::NothingToSplit);
    };
    // The first key from which the keys below hold at least half the range's requests.
    let total: u64 = inside.iter().map(|(_, w)| w).sum();
    let mut below = 0;
    let mut j = 1;
    for (n, (_, w)) in inside.iter().enumerate() {
        below += w;
        j = n + 1;
        if below * 2 >= total {
            break;
        }
    }
    let at = inside[j.min(inside.len() - 1)].0;
    ranges.split(i, at.position(), to);
    let note = Note::RangeSplit {
        range: i as u32,
        at,
        to,
    };
    Ok((
        Table::ranged(t.version + 1, t.members.clone(), t.vnodes, ranges),
        Some(note),
    ))
}

pub(super) fn on_message(cfg: &Config, node: &mut Node, from: NodeId, msg: Msg, out: &mut O) {
    match node {
        Node::Router {
            index,
            d,
            pending,
            migrating,
            hits,
        } => match msg {
            Msg::Request { id, key, op } => {
                *hits.entry(key).or_default() += 1;
                d.next_id += 1;
                // Ids are unique across routers: servers key replication by them.
                let rid = d.next_id * u64::from(cfg.routers) + u64::from(*index);
                out.persist();
                let p = Pending {
                    client: from,
                    client_id: id,
                    key,
                    op,
                    attempt: 0,
                    moved: 0,
                };
                let t = d.table.clone().expect("table");
                route(cfg, &t, rid, &p, out);
                pending.insert(rid, p);
            }
            Msg::Done { id, value } => {
                let Some(p) = pending.remove(&id) else {
                    return;
                };
                out.cancel_timer(Timer::Expire { id });
                out.cancel_timer(Timer::Retry { id });
                if let (Op::Put { value: v }, Some((_, stamp))) = (&p.op, value) {
                    out.note(Note::PutAcknowledged {
                        key: p.key,
                        value: *v,
                        stamp,
                    });
                }
                out.send(
                    p.client,
                    Msg::Response {
                        id: p.client_id,
                        ok: true,
                        value,
                    },
                );
            }
            // `wait` or not, the router tries again shortly; only the version differs.
            Msg::Moved { id, version, .. } => {
                let mine = d.table.as_ref().map_or(0, |t| t.version);
                if version < mine {
                    out.send(from, table_msg(d).expect("a router has a table"));
                } else if version > mine {
                    out.send(from, Msg::GetTable);
                }
                // Try again shortly (the server or this router may be catching up).
                let Some(p) = pending.get_mut(&id) else {
                    return;
                };
                p.moved += 1;
                out.cancel_timer(Timer::Expire { id });
                if p.moved > MOVED_RETRIES {
                    let p = pending.remove(&id).expect("pending");
                    return fail(p, out);
                }
                out.set_timer(Timer::Retry { id }, MOVED_WAIT..=MOVED_WAIT);
            }
            Msg::NewTable { table, previous } => {
                // From Router 1 (or a server that has a newer one than this router).
                let current = d.table.as_ref().map_or(0, |t| t.version);
                if table.version > current {
                    d.table = Some((*table).clone());
                    d.previous = previous.map(|p| *p);
                    out.persist();
                    hits.clear();
                    out.note(Note::Adopted {
                        version: table.version,
                        outgoing: 0,
                    });
                }
                if cfg.kind(from) == Kind::Router(0) {
                    let version = d.table.as_ref().map_or(0, |t| t.version);
                    out.send(from, Msg::MigrationDone { version });
                }
            }
            Msg::MigrationDone { version } => {
                let current = d.table.as_ref().map_or(0, |t| t.version);
                if migrating.is_none() && version == current && *index == 0 {
                    // A report after the migration ended: the sender missed the news.
                    return out.send(from, Msg::Settled { version });
                }
                if let Some((v, waiting)) = migrating {
                    if *v == version && waiting.remove(&from) && waiting.is_empty() {
                        out.note(Note::MigrationOver { version });
                        *migrating = None;
                        out.cancel_timer(Timer::Nudge);
                        let t = d.table.clone().expect("table");
                        for n in confirmers(cfg, &t, d.previous.as_ref()) {
                            out.send(n, Msg::Settled { version });
                        }
                    }
                }
            }
            Msg::Settled { version } if d.table.as_ref().is_some_and(|t| t.version == version) => {
                out.note(Note::SettledAt { version });
            }
            _ => {}
        },
        Node::Server {
            index,
            d,
            puts,
            outgoing,
            arrived,
        } => match msg {
            Msg::Forward {
                id,
                key,
                op,
                version,
            } => {
                let current = d.table.as_ref().map_or(0, |t| t.version);
                let mine = d.table.as_ref().filter(|t| t.version >= version).map(|t| {
                    let replicas = t.replicas(&key, cfg.replication as usize);
                    let ok = match op {
                        Op::Get => replicas.contains(index),
                        Op::Put { .. } => replicas.first() == Some(index),
                    };
                    (ok, replicas)
                });
                let Some((true, replicas)) = mine else {
                    out.note(Note::NotMine {
                        key,
                        version: current,
                    });
                    return out.send(
                        from,
                        Msg::Moved {
                            id,
                            version: current,
                            wait: false,
                        },
                    );
                };
                if arriving(cfg, *index, d, arrived, &key) {
                    out.note(Note::NotYet {
                        key,
                        version: current,
                    });
                    if d.handed == current {
                        // Done handing over and still waiting: Router 1 may have ended
                        // the migration without this server hearing it. Report again.
                        let version = current;
                        out.send(cfg.router_node(), Msg::MigrationDone { version });
                    }
                    return out.send(
                        from,
                        Msg::Moved {
                            id,
                            version: current,
                            wait: true,
                        },
                    );
                }
                match op {
                    Op::Get => {
                        let value = d.store.get(&key).copied();
                        out.send(from, Msg::Done { id, value });
                    }
                    Op::Put { value } => {
                        // The primary orders the key's writes: the next stamp after the
                        // newest it holds (it holds every acknowledged one). A retry (or a
                        // duplicate) of a write still replicating keeps its stamp.
                        let stamp = match puts.get(&id) {
                            Some(w) if w.key == key && w.value == value => w.stamp,
                            _ => d.store.get(&key).map_or(0, |(_, s)| *s) + 1,
                        };
                        store(d, key, value, stamp, out);
                        out.note(Note::Stored {
                            key,
                            stamp,
                            replicas: replicas.len() as u32,
                        });
                        let others: BTreeSet<u32> =
                            replicas.iter().copied().filter(|r| r != index).collect();
                        if others.is_empty() {
                            return out.send(
                                from,
                                Msg::Done {
                                    id,
                                    value: Some((value, stamp)),
                                },
                            );
                        }
                        for r in &others {
                            out.send(
                                cfg.server_node(*r),
                                Msg::Replicate {
                                    id,
                                    key,
                                    value,
                                    stamp,
                                },
                            );
                        }
                        puts.insert(
                            id,
                            PutWait {
                                key,
                                value,
                                stamp,
                                router: from,
                                waiting: others,
                            },
                        );
                        let wait = cfg.request_timeout / 2;
                        out.set_timer(Timer::ReplicaTimeout { id }, wait..=wait);
                    }
                }
            }
            Msg::Replicate {
                id,
                key,
                value,
                stamp,
            } => {
                store(d, key, value, stamp, out);
                out.send(from, Msg::Replicated { id, stamp });
            }
            Msg::Replicated { id, stamp } => {
                let r = cfg.server_index(from);
                // Only for this write's stamp: an answer to an older copy proves nothing.
                if let Some(w) = puts.get_mut(&id).filter(|w| w.stamp == stamp) {
                    w.waiting.remove(&r);
                    if w.waiting.is_empty() {
                        let w = puts.remove(&id).expect("waiting");
                        out.cancel_timer(Timer::ReplicaTimeout { id });
                        out.send(
                            w.router,
                            Msg::Done {
                                id,
                                value: Some((w.value, w.stamp)),
                            },
                        );
                    }
                }
            }
            Msg::NewTable { table, previous } => {
                let current = d.table.as_ref().map_or(0, |t| t.version);
                if table.version > current {
                    // The cluster's previous table, not this server's last one: a server
                    // rejoining after versions outside the table must diff against it.
                    d.previous = previous.map(|p| *p);
                    d.table = Some((*table).clone());
                    out.persist();
                    arrived.clear();
                    plan_transfers(cfg, *index, d, &table, outgoing, out);
                } else if table.version == current && outgoing.is_empty() {
                    // Router 1 asks again: it may have missed the last report.
                    out.send(from, Msg::MigrationDone { version: current });
                }
            }
            Msg::GetTable => {
                if let Some(msg) = table_msg(d) {
                    out.send(from, msg);
                }
            }
            Msg::Settled { version }
                if version > d.settled
                    && d.table.as_ref().is_some_and(|t| t.version >= version) =>
            {
                d.settled = version;
                out.persist();
                arrived.clear();
                out.note(Note::SettledAt { version });
            }
            Msg::Transfer {
                version,
                key,
                value,
                stamp,
            } => {
                store(d, key, value, stamp, out);
                out.note(Note::Received { key, stamp });
                // From the key's primary under the previous table: it holds every write
                // it acknowledged, so the key is served here from now on.
                let sender = cfg.server_index(from);
                let from_primary = d.table.as_ref().is_some_and(|t| t.version == version)
                    && d.previous.as_ref().is_some_and(|p| {
                        p.replicas(&key, cfg.replication as usize).first() == Some(&sender)
                    });
                if from_primary {
                    arrived.insert(key);
                }
                out.send(from, Msg::TransferAck { version, key });
            }
            Msg::TransferAck { version, key } => {
                let current = d.table.as_ref().map_or(0, |t| t.version);
                if version == current && outgoing.remove(&(key, cfg.server_index(from))) {
                    finish_if_done(cfg, *index, d, outgoing, out);
                }
            }
            _ => {}
        },
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

/// Whether `key` is still on its way to this server: its table (whose migration it has not
/// heard is over) made it a replica of the key, the previous table did not, and the copy
/// from the key's previous primary has not arrived. Serving it sooner would let a get miss
/// an acknowledged write, and a put be numbered below acknowledged writes not seen yet.
fn arriving(cfg: &Config, me: u32, d: &Disk, arrived: &BTreeSet<Key>, key: &Key) -> bool {
    let Some(t) = &d.table else {
        return false;
    };
    let r = cfg.replication as usize;
    t.version > d.settled
        && !arrived.contains(key)
        && !d
            .previous
            .as_ref()
            .is_some_and(|p| p.replicas(key, r).contains(&me))
        && t.replicas(key, r).contains(&me)
}

/// Keeps the newer of two versions of a key (writes are totally ordered by their stamps).
fn store(d: &mut Disk, key: Key, value: u64, stamp: Stamp, out: &mut O) {
    if d.store.get(&key).is_none_or(|(_, s)| *s < stamp) {
        d.store.insert(key, (value, stamp));
        out.persist();
    }
}

/// Under a new table, every key this server holds goes to each of its new replicas that
/// was not one before. Keys it no longer replicates are dropped once handed over.
fn plan_transfers(
    cfg: &Config,
    me: u32,
    d: &mut Disk,
    t: &Table,
    outgoing: &mut BTreeSet<(Key, u32)>,
    out: &mut O,
) {
    outgoing.clear();
    let r = cfg.replication as usize;
    for key in d.store.keys() {
        let now = t.replicas(key, r);
        let before = d
            .previous
            .as_ref()
            .map(|p| p.replicas(key, r))
            .unwrap_or_default();
        for to in now {
            if to != me && !before.contains(&to) {
                outgoing.insert((*key, to));
            }
        }
    }
    out.note(Note::Adopted {
        version: t.version,
        outgoing: outgoing.len() as u32,
    });
    for (key, to) in outgoing.iter() {
        let (value, stamp) = d.store[key];
        out.send(
            cfg.server_node(*to),
            Msg::Transfer {
                version: t.version,
                key: *key,
                value,
                stamp,
            },
        );
    }
    if !outgoing.is_empty() {
        out.set_timer(Timer::Resend, 300..=300);
    }
    finish_if_done(cfg, me, d, outgoing, out);
}

fn finish_if_done(
    cfg: &Config,
    me: u32,
    d: &mut Disk,
    outgoing: &BTreeSet<(Key, u32)>,
    out: &mut O,
) {
    if !outgoing.is_empty() {
        return;
    }
    let Some(t) = d.table.clone() else {
        return;
    };
    // Drop only the keys this change moved away from this server (a replica under the
    // previous table, not under this one): a key received for a newer table it has not
    // adopted yet must stay.
    let r = cfg.replication as usize;
    let previous = d.previous.clone();
    d.store.retain(|k, _| {
        let was = previous
            .as_ref()
            .is_some_and(|p| p.replicas(k, r).contains(&me));
        !was || t.replicas(k, r).contains(&me)
    });
    d.handed = t.version;
    out.persist();
    out.note(Note::Handed { version: t.version });
    out.send(cfg.router_node(), Msg::MigrationDone { version: t.version });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sharding::Strategy;

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
        // A key server 0 replicates under neither table, and another it handed over.
        let foreign = cfg
            .keyspace()
            .find(|k| v1.replicas(k, 1)[0] != 0 && v2.replicas(k, 1)[0] != 0)
            .unwrap();
        let mut d = Disk {
            table: Some(v2),
            previous: Some(v1),
            ..Disk::default()
        };
        d.store.insert(foreign, (7, 9));
        let outgoing = BTreeSet::new();
        finish_if_done(&cfg, 0, &mut d, &outgoing, &mut Out::default());
        assert!(
            d.store.contains_key(&foreign),
            "not moved away from server 0: kept"
        );
    }

    /// A server that finished handing over its table and restarts does not hand it over
    /// again: doing so would drop a key it replicated before that table, lost with it, and
    /// received since for the next one.
    #[test]
    fn a_restart_after_a_handover_does_not_hand_over_again() {
        let cfg = Config::default();
        let v1 = Table::new(1, vec![0, 1, 2, 3], Strategy::Ring, cfg.vnodes);
        let v2 = Table::new(2, vec![0, 1, 2, 3, 4], Strategy::Ring, cfg.vnodes);
        let r = cfg.replication as usize;
        let back = cfg
            .keyspace()
            .find(|k| v1.replicas(k, r).contains(&0) && !v2.replicas(k, r).contains(&0))
            .unwrap();
        let mut d = Disk {
            table: Some(v2),
            previous: Some(v1),
            handed: 2,
            ..Disk::default()
        };
        d.store.insert(back, (7, 9));
        let mut out = Out::default();
        let node = restart(&cfg, cfg.server_node(0), &d, &mut out);
        let Node::Server { d, outgoing, .. } = node else {
            panic!("a server")
        };
        assert!(outgoing.is_empty(), "nothing to hand over again");
        assert!(d.store.contains_key(&back), "the key received since stays");
    }
}
