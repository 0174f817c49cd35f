//! Servers: serve the keys their table gives them, replicate writes, and hand over what
//! a new table moves.

use super::key::Key;
use super::msg::{Msg, Note, Op, Stamp, Table, Timer};
use super::node::{table_msg, Disk, Node, PutWait, NUDGE, O};
use super::Config;
use crate::sim::NodeId;
use std::collections::BTreeSet;

/// A server's messages: requests, replication, tables, transfers.
pub(super) fn on_message(cfg: &Config, node: &mut Node, from: NodeId, msg: Msg, out: &mut O) {
    let Node::Server {
        index,
        d,
        puts,
        outgoing,
        arrived,
    } = node
    else {
        return;
    };
    match msg {
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

/// A server's timers: replicas too slow for a write, and resending transfers.
pub(super) fn on_timer(cfg: &Config, node: &mut Node, timer: Timer, out: &mut O) {
    match (node, timer) {
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
