//! Routers: route each client request under their table, retry it, and (Router 1) run
//! membership changes and hot-range splits as migrations.

use super::key::Key;
use super::msg::{Msg, Note, Op, Refusal, Request, Table, Timer};
use super::node::{broadcast_table, confirmers, fail, table_msg, Node, Pending, O};
use super::node::{ATTEMPTS, MOVED_RETRIES, MOVED_WAIT, NUDGE};
use super::{Config, Kind};
use crate::sim::NodeId;
use std::collections::BTreeMap;

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

/// Router 1 and a change: the next table, persisted, sent to everyone who must confirm it.
pub(super) fn on_request(cfg: &Config, node: &mut Node, req: Request, out: &mut O) {
    let Node::Router {
        index: 0,
        d,
        migrating,
        hits,
        ..
    } = node
    else {
        return;
    };

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

/// A router's messages: a client's request, a server's answer, a table, a report.
pub(super) fn on_message(cfg: &Config, node: &mut Node, from: NodeId, msg: Msg, out: &mut O) {
    let Node::Router {
        index,
        d,
        pending,
        migrating,
        hits,
    } = node
    else {
        return;
    };
    match msg {
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
    }
}

/// A router's timers: a request's attempt timed out, a retry after "moved", and (Router 1
/// while migrating) the nudge.
pub(super) fn on_timer(cfg: &Config, node: &mut Node, timer: Timer, out: &mut O) {
    match (node, timer) {
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
        _ => {}
    }
}
