//! Servers: serve the keys their table gives them, replicate writes, and hand over what
//! a new table moves.

use super::key::Key;
use super::msg::{Msg, Note, Op, Stamp, Table, Timer};
use super::node::{table_msg, Disk, Node, PutWait, ReadWait, NUDGE, O};
use super::Config;
use crate::sim::NodeId;
use std::collections::BTreeSet;

/// A server's messages: requests, replication, tables, transfers.
pub(super) fn on_message(cfg: &Config, node: &mut Node, from: NodeId, msg: Msg, out: &mut O) {
    if let Msg::Forward {
        id,
        key,
        op,
        version,
    } = msg
    {
        return on_forward(cfg, node, from, (id, key, op, version), out);
    }
    let Node::Server {
        index,
        d,
        puts,
        reads,
        outgoing,
        arrived,
    } = node
    else {
        return;
    };
    match msg {
        // The fence for reads: a replica asks the key's primary for its table version.
        Msg::Confirm { id, .. } => {
            let version = d.table.as_ref().map_or(0, |t| t.version);
            out.send(from, Msg::ConfirmReply { id, version });
        }
        Msg::ConfirmReply { id, version } => {
            let Some(w) = reads.remove(&id) else {
                return;
            };
            out.cancel_timer(Timer::ReplicaTimeout { id });
            let current = d.table.as_ref().map_or(0, |t| t.version);
            if current != w.version {
                // This server adopted another table while it waited (and may have handed
                // the key over since): the router tries again under its table.
                let moved = Msg::Moved {
                    id,
                    version: current,
                    wait: false,
                };
                return out.send(w.router, moved);
            }
            if version > w.version {
                // The primary has a newer table: the key may have a new primary that
                // took writes this server has not seen. Learn the table; the router
                // tries again.
                out.note(Note::Fenced {
                    key: w.key,
                    version: w.version,
                    newer: version,
                });
                out.send(from, Msg::GetTable);
                let moved = Msg::Moved {
                    id,
                    version,
                    wait: false,
                };
                return out.send(w.router, moved);
            }
            let value = d.store.get(&w.key).copied();
            out.send(w.router, Msg::Done { id, value });
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
            if version > d.settled && d.table.as_ref().is_some_and(|t| t.version >= version) =>
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
    }
}

/// A request routed here under table `version`, judged under this server's own table,
/// which must be at least as new: a put needs it to be the key's primary, a get a replica,
/// and the key must not be waiting (`must_wait`); otherwise "moved".
fn on_forward(
    cfg: &Config,
    node: &mut Node,
    from: NodeId,
    (id, key, op, version): (u64, Key, Op, u64),
    out: &mut O,
) {
    let Node::Server {
        index, d, arrived, ..
    } = node
    else {
        return;
    };
    let me = *index;
    let current = d.table.as_ref().map_or(0, |t| t.version);
    let replicas = d
        .table
        .as_ref()
        .filter(|t| t.version >= version)
        .map(|t| t.replicas(&key, cfg.replication as usize))
        .unwrap_or_default();
    let ok = match op {
        Op::Get => replicas.contains(&me),
        Op::Put { .. } => replicas.first() == Some(&me),
    };
    if !ok {
        out.note(Note::NotMine {
            key,
            version: current,
        });
        let moved = Msg::Moved {
            id,
            version: current,
            wait: false,
        };
        return out.send(from, moved);
    }
    match must_wait(cfg, me, d, arrived, &key, &op) {
        Some(Wait::Fenced) if cfg.bug_no_fencing => out.note(Note::Unfenced {
            key,
            version: current,
            put: true,
        }),
        Some(wait) => {
            out.note(Note::NotYet {
                key,
                version: current,
                primary: wait == Wait::Fenced,
            });
            if d.handed == current {
                // Done handing over and still waiting: Router 1 may have ended the
                // migration without this server hearing it. Report again.
                out.send(cfg.router_node(), Msg::MigrationDone { version: current });
            }
            let moved = Msg::Moved {
                id,
                version: current,
                wait: true,
            };
            return out.send(from, moved);
        }
        None => {}
    }
    match op {
        Op::Get => serve_get(cfg, node, from, id, key, &replicas, out),
        Op::Put { value } => serve_put(cfg, node, from, (id, key, value), &replicas, out),
    }
}

/// A get. The key's primary answers at once: a newer table could only take writes of the
/// key after the primary adopted it. Another replica first asks the primary for its table
/// version (the fence for reads, as a Raft leader confirms it still leads before it
/// answers a read: dissertation §6.4) and answers only if it is not newer than its own.
fn serve_get(
    cfg: &Config,
    node: &mut Node,
    from: NodeId,
    id: u64,
    key: Key,
    replicas: &[u32],
    out: &mut O,
) {
    let Node::Server {
        index, d, reads, ..
    } = node
    else {
        return;
    };
    let primary = replicas[0];
    if primary != *index && !cfg.bug_no_fencing {
        let version = d.table.as_ref().map_or(0, |t| t.version);
        reads.insert(
            id,
            ReadWait {
                key,
                version,
                router: from,
            },
        );
        out.send(cfg.server_node(primary), Msg::Confirm { id, key, version });
        let wait = cfg.request_timeout / 2;
        return out.set_timer(Timer::ReplicaTimeout { id }, wait..=wait);
    }
    if primary != *index {
        let version = d.table.as_ref().map_or(0, |t| t.version);
        out.note(Note::Unfenced {
            key,
            version,
            put: false,
        });
    }
    let value = d.store.get(&key).copied();
    out.send(from, Msg::Done { id, value });
}

/// A put at the key's primary, which orders the key's writes: the next stamp after the
/// newest it holds (it holds every acknowledged one). A retry (or a duplicate) of a write
/// still replicating keeps its stamp. It stores, replicates to the key's other replicas,
/// and answers once every one has stored it.
fn serve_put(
    cfg: &Config,
    node: &mut Node,
    from: NodeId,
    (id, key, value): (u64, Key, u64),
    replicas: &[u32],
    out: &mut O,
) {
    let Node::Server { index, d, puts, .. } = node else {
        return;
    };
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
    let others: BTreeSet<u32> = replicas.iter().copied().filter(|r| r != index).collect();
    if others.is_empty() {
        let done = Msg::Done {
            id,
            value: Some((value, stamp)),
        };
        return out.send(from, done);
    }
    for r in &others {
        let copy = Msg::Replicate {
            id,
            key,
            value,
            stamp,
        };
        out.send(cfg.server_node(*r), copy);
    }
    let waiting = PutWait {
        key,
        value,
        stamp,
        router: from,
        waiting: others,
    };
    puts.insert(id, waiting);
    let wait = cfg.request_timeout / 2;
    out.set_timer(Timer::ReplicaTimeout { id }, wait..=wait);
}

/// A server's timers: replicas too slow for a write, and resending transfers.
pub(super) fn on_timer(cfg: &Config, node: &mut Node, timer: Timer, out: &mut O) {
    match (node, timer) {
        (Node::Server { puts, reads, .. }, Timer::ReplicaTimeout { id }) => {
            // Not every replica (or not the primary) answered: no answer; the router
            // will try again.
            puts.remove(&id);
            reads.remove(&id);
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

/// Why a server that replicates `key` under its table must not serve a request on it yet
/// (in the migration to that table, whose end it has not heard):
/// - `Arriving`: the key is new to it (not a replica under the previous table). It waits
///   for the copy from the key's previous primary, which holds every write it
///   acknowledged: serving sooner would let a get miss one, and a put be stamped below one.
/// - `Fenced` (puts only): it has just become the key's primary, from among its replicas.
///   It waits for the same copy, which the previous primary sends only once it has adopted
///   the table and so stopped taking writes: two primaries never stamp writes of one key
///   at once (the fence; with `bug_no_fencing` it does not wait).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Wait {
    Arriving,
    Fenced,
}

fn must_wait(
    cfg: &Config,
    me: u32,
    d: &Disk,
    arrived: &BTreeSet<Key>,
    key: &Key,
    op: &Op,
) -> Option<Wait> {
    let t = d.table.as_ref()?;
    if t.version <= d.settled || arrived.contains(key) {
        return None;
    }
    let before = d
        .previous
        .as_ref()
        .map(|p| p.replicas(key, cfg.replication as usize))
        .unwrap_or_default();
    if !before.contains(&me) {
        return Some(Wait::Arriving);
    }
    let put = matches!(op, Op::Put { .. });
    (put && before.first() != Some(&me)).then_some(Wait::Fenced)
}

/// Keeps the newer of two versions of a key (writes are totally ordered by their stamps).
fn store(d: &mut Disk, key: Key, value: u64, stamp: Stamp, out: &mut O) {
    if d.store.get(&key).is_none_or(|(_, s)| *s < stamp) {
        d.store.insert(key, (value, stamp));
        out.persist();
    }
}

/// Under a new table, every key this server holds goes to each of its new replicas that
/// was not one before, and (the fence) a key it was primary of goes to its new primary
/// even if that was a replica already: the new primary takes writes only once it has this
/// copy, sent after this server stopped taking them. Keys it no longer replicates are
/// dropped once handed over.
pub(super) fn plan_transfers(
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
        let primary = now.first().copied();
        let handoff = !cfg.bug_no_fencing && before.first() == Some(&me) && primary != Some(me);
        for to in now {
            if to != me && (!before.contains(&to) || (handoff && Some(to) == primary)) {
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
        out.set_timer(Timer::Resend, NUDGE..=NUDGE);
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
    use crate::sharding::node::restart;
    use crate::sharding::Strategy;
    use crate::sim::Out;

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
