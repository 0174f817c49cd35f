//! Routers: route each client request under their table, retry it, and (Router 1) run
//! membership changes and hot-range splits as migrations.

use super::change::next_table;
use super::key::Key;
use super::msg::{Msg, Note, Op, Refusal, Request, Stamp, Table, Timer};
use super::node::{table_msg, NUDGE, O};
use super::{Config, Kind};
use crate::sim::NodeId;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Retries a router makes after timeouts (after the first attempt) before failing a
/// request.
pub(super) const ATTEMPTS: u32 = 8;
/// "Moved" answers a router takes for one request before failing it (a key in migration
/// can be unavailable for a while; each one waits `MOVED_WAIT` ticks).
pub(super) const MOVED_RETRIES: u32 = 50;
pub(super) const MOVED_WAIT: u64 = 20;

/// What survives a router's crash: its tables and its last request id (persisted on every
/// request and change). Every router always has a table: the initial one to begin with.
#[derive(Clone, Debug, PartialEq)]
pub struct RouterDisk {
    pub table: Table,
    /// The table before `table`, which a new table's message carries (servers diff
    /// against it).
    pub previous: Option<Table>,
    /// The last request id: durable, so a restarted router never reuses one (a late
    /// answer to an old request would otherwise acknowledge a new one).
    pub next_id: u64,
}

impl RouterDisk {
    /// A router's first disk: the initial table.
    pub(super) fn new(cfg: &Config) -> RouterDisk {
        RouterDisk {
            table: cfg.initial_table(),
            previous: None,
            next_id: 0,
        }
    }
    fn table_msg(&self) -> Msg {
        table_msg(&self.table, self.previous.as_ref())
    }
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

#[derive(Clone, Debug, Serialize)]
pub struct Router {
    /// 0 for Router 1, which owns the table.
    pub index: u32,
    pub d: RouterDisk,
    pub pending: BTreeMap<u64, Pending>,
    /// Router 1's migration in progress: its version, and the nodes (servers and the
    /// other routers) still to confirm it.
    pub migrating: Option<(u64, BTreeSet<NodeId>)>,
    /// Requests per key since the table last changed (what a hot-range split weighs).
    pub hits: BTreeMap<Key, u64>,
}

impl Router {
    pub(super) fn new(index: u32, d: RouterDisk) -> Router {
        Router {
            index,
            d,
            pending: BTreeMap::new(),
            migrating: None,
            hits: BTreeMap::new(),
        }
    }

    /// A restarted router reloads its table and counter (`recovered`). Router 1 acts as if
    /// migrating at its current version (the last change may not have finished): it sends
    /// its table to every server of its previous and current tables and to the other
    /// routers, and waits for them all. Its pending requests are lost.
    pub(super) fn restart(cfg: &Config, index: u32, d: RouterDisk, out: &mut O) -> Router {
        let mut r = Router::new(index, d);
        out.note(Note::Recovered {
            keys: 0,
            version: r.d.table.version,
        });
        if index == 0 {
            let everyone = confirmers(cfg, &r.d.table, r.d.previous.as_ref());
            r.migrating = Some((r.d.table.version, everyone.clone()));
            r.broadcast_table(&everyone, out);
            out.set_timer(Timer::Nudge, NUDGE..=NUDGE);
        }
        r
    }

    /// Router 1 and a change: the next table, persisted, sent to everyone who must confirm
    /// it; refused during a migration (`busy`) or when impossible. Other routers ignore
    /// requests.
    pub(super) fn on_request(&mut self, cfg: &Config, req: Request, out: &mut O) {
        if self.index != 0 {
            return;
        }
        let t = self.d.table.clone();
        let change = if self.migrating.is_some() {
            Err(Refusal::Busy)
        } else {
            next_table(cfg, &t, &req, &self.hits)
        };
        let (new, split) = match change {
            Ok(change) => change,
            Err(why) => return out.note(Note::ChangeRefused { why }),
        };
        self.d.previous = Some(t.clone());
        self.d.table = new.clone();
        out.persist();
        self.hits.clear();
        let everyone = confirmers(cfg, &new, Some(&t));
        self.migrating = Some((new.version, everyone.clone()));
        if let Some(split) = split {
            out.note(split);
        }
        out.note(Note::TableChanged {
            version: new.version,
            members: new.members.clone(),
        });
        self.broadcast_table(&everyone, out);
        out.set_timer(Timer::Nudge, NUDGE..=NUDGE);
    }

    /// A router's messages: a client's request, a server's answer, a table, a report.
    pub(super) fn on_message(&mut self, cfg: &Config, from: NodeId, msg: Msg, out: &mut O) {
        match msg {
            Msg::Request { id, key, op } => self.on_client_request(cfg, from, (id, key, op), out),
            Msg::Done { id, value } => self.on_done(id, value, out),
            Msg::Moved { id, version, .. } => self.on_moved(from, id, version, out),
            Msg::NewTable { table, previous } => {
                self.on_new_table(cfg, from, *table, previous.map(|p| *p), out)
            }
            Msg::MigrationDone { version } => self.on_migration_done(cfg, from, version, out),
            Msg::Settled { version } if self.d.table.version == version => {
                out.note(Note::SettledAt { version });
            }
            _ => {}
        }
    }

    /// A client's request gets an id, n × k + this router's index from the durable
    /// counter n (k routers: ids are unique across routers, since servers key replication
    /// by them), is counted for its key, and is routed under the current table.
    fn on_client_request(
        &mut self,
        cfg: &Config,
        from: NodeId,
        (id, key, op): (u64, Key, Op),
        out: &mut O,
    ) {
        *self.hits.entry(key).or_default() += 1;
        self.d.next_id += 1;
        let rid = self.d.next_id * u64::from(cfg.routers) + u64::from(self.index);
        out.persist();
        let p = Pending {
            client: from,
            client_id: id,
            key,
            op,
            attempt: 0,
            moved: 0,
        };
        route(cfg, &self.d.table, rid, &p, out);
        self.pending.insert(rid, p);
    }

    /// A `done` for a pending id, from any attempt, answers the client (after
    /// `put_acknowledged` for a put).
    fn on_done(&mut self, id: u64, value: Option<(u64, Stamp)>, out: &mut O) {
        let Some(p) = self.pending.remove(&id) else {
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
        let response = Msg::Response {
            id: p.client_id,
            ok: true,
            value,
        };
        out.send(p.client, response);
    }

    /// "Moved": a server on an older table gets this router's, one on a newer table is
    /// asked for it. `wait` or not, the router tries the same attempt again after
    /// `MOVED_WAIT` ticks, up to `MOVED_RETRIES` times.
    fn on_moved(&mut self, from: NodeId, id: u64, version: u64, out: &mut O) {
        let mine = self.d.table.version;
        if version < mine {
            out.send(from, self.d.table_msg());
        } else if version > mine {
            out.send(from, Msg::GetTable);
        }
        // Try again shortly (the server or this router may be catching up).
        let Some(p) = self.pending.get_mut(&id) else {
            return;
        };
        p.moved += 1;
        out.cancel_timer(Timer::Expire { id });
        if p.moved > MOVED_RETRIES {
            let p = self.pending.remove(&id).expect("pending");
            return fail(p, out);
        }
        out.set_timer(Timer::Retry { id }, MOVED_WAIT..=MOVED_WAIT);
    }

    /// A newer table (from Router 1, or from a server that has a newer one than this
    /// router) is adopted, and its request counts cleared; Router 1 hears at once that
    /// this router has it.
    fn on_new_table(
        &mut self,
        cfg: &Config,
        from: NodeId,
        table: Table,
        previous: Option<Table>,
        out: &mut O,
    ) {
        if table.version > self.d.table.version {
            let version = table.version;
            self.d.table = table;
            self.d.previous = previous;
            out.persist();
            self.hits.clear();
            out.note(Note::Adopted {
                version,
                outgoing: 0,
            });
        }
        if cfg.kind(from) == Kind::Router(0) {
            let version = self.d.table.version;
            out.send(from, Msg::MigrationDone { version });
        }
    }

    /// Router 1 crosses a confirmer off; after the last one the migration is over and
    /// everyone who confirmed hears it is `settled`. A report after the end means the
    /// sender missed the news: it hears it again.
    fn on_migration_done(&mut self, cfg: &Config, from: NodeId, version: u64, out: &mut O) {
        let current = self.d.table.version;
        if self.migrating.is_none() && version == current && self.index == 0 {
            return out.send(from, Msg::Settled { version });
        }
        if let Some((v, waiting)) = &mut self.migrating {
            if *v == version && waiting.remove(&from) && waiting.is_empty() {
                out.note(Note::MigrationOver { version });
                self.migrating = None;
                out.cancel_timer(Timer::Nudge);
                for n in confirmers(cfg, &self.d.table, self.d.previous.as_ref()) {
                    out.send(n, Msg::Settled { version });
                }
            }
        }
    }

    /// A router's timers: a request's attempt timed out (the next attempt, up to
    /// `ATTEMPTS`, then a failure), a retry after "moved", and (Router 1 while migrating)
    /// the nudge.
    pub(super) fn on_timer(&mut self, cfg: &Config, timer: Timer, out: &mut O) {
        match timer {
            Timer::Expire { id } => {
                let Some(p) = self.pending.get_mut(&id) else {
                    return;
                };
                p.attempt += 1;
                if p.attempt > ATTEMPTS {
                    let p = self.pending.remove(&id).expect("pending");
                    return fail(p, out);
                }
                out.note(Note::Retrying {
                    id,
                    attempt: p.attempt,
                });
                route(cfg, &self.d.table, id, p, out);
            }
            Timer::Retry { id } => {
                // After a "moved": the same attempt again, under the router's table now.
                if let Some(p) = self.pending.get(&id) {
                    route(cfg, &self.d.table, id, p, out);
                }
            }
            Timer::Nudge => {
                if let Some((_, waiting)) = &self.migrating {
                    self.broadcast_table(waiting, out);
                    out.set_timer(Timer::Nudge, NUDGE..=NUDGE);
                }
            }
            _ => {}
        }
    }

    /// Router 1 sends its table to `to`.
    fn broadcast_table(&self, to: &BTreeSet<NodeId>, out: &mut O) {
        let msg = self.d.table_msg();
        for n in to {
            out.send(*n, msg.clone());
        }
    }
}

/// Sends a pending request to the server the table names: a put to the key's primary, a get
/// to a replica (the next one on each retry: surviving replicas serve a crashed one's keys).
pub(super) fn route(cfg: &Config, t: &Table, id: u64, p: &Pending, out: &mut O) {
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

/// A request that failed: the client hears `ok: false`.
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
