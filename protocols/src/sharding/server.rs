//! Servers: serve the keys their table gives them and replicate writes. How they hand over
//! what a new table moves is in `handover.rs`.

use super::handover::Wait;
use super::key::Key;
use super::msg::{Msg, Note, Op, Stamp, Table, Timer};
use super::node::{table_msg, O};
use super::Config;
use crate::sim::NodeId;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// What survives a server's crash: its store and tables, and how far it got through the
/// last migrations.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ServerDisk {
    pub store: BTreeMap<Key, (u64, Stamp)>,
    /// The server's table: none for a spare that no table has named yet.
    pub table: Option<Table>,
    /// The table before `table`, to work out what moves.
    pub previous: Option<Table>,
    /// The last table whose handover this server finished (its keys sent and
    /// acknowledged, the keys moved away dropped): durable, so a restart never hands over
    /// an old table again, which would drop keys received since for the next one.
    pub handed: u64,
    /// The last table whose migration this server heard is over: until then the keys
    /// moving to it wait for their previous primary's copy.
    pub settled: u64,
}

impl ServerDisk {
    /// The table's version; 0 with no table.
    pub fn version(&self) -> u64 {
        self.table.as_ref().map_or(0, |t| t.version)
    }
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
pub struct Server {
    pub index: u32,
    pub d: ServerDisk,
    pub puts: BTreeMap<u64, PutWait>,
    pub reads: BTreeMap<u64, ReadWait>,
    /// Transfers not yet acknowledged: (key, new replica).
    pub outgoing: BTreeSet<(Key, u32)>,
    /// Keys moving to this server that arrived from their previous primary (which
    /// holds every write it acknowledged), in the migration to its table.
    pub arrived: BTreeSet<Key>,
}

impl Server {
    /// A server with disk `d`; a server of the initial table whose disk has no table gets
    /// the initial one (version 1, settled).
    pub(super) fn new(cfg: &Config, index: u32, mut d: ServerDisk) -> Server {
        if d.table.is_none() && index < cfg.servers {
            d.table = Some(cfg.initial_table());
            d.settled = 1;
        }
        Server {
            index,
            d,
            puts: BTreeMap::new(),
            reads: BTreeMap::new(),
            outgoing: BTreeSet::new(),
            arrived: BTreeSet::new(),
        }
    }

    /// A restarted server reloads its store and tables (`recovered`). If it had not
    /// finished handing over its current table (the durable `handed` is older), it works
    /// out its transfers again and resends them; if it had, it waits for Router 1.
    pub(super) fn restart(cfg: &Config, index: u32, d: ServerDisk, out: &mut O) -> Server {
        let mut s = Server::new(cfg, index, d);
        out.note(Note::Recovered {
            keys: s.d.store.len() as u32,
            version: s.d.version(),
        });
        if let Some(t) = s.d.table.clone().filter(|t| t.version > s.d.handed) {
            s.plan_transfers(cfg, &t, out);
        }
        s
    }

    /// A server's messages: requests, replication, tables, transfers.
    pub(super) fn on_message(&mut self, cfg: &Config, from: NodeId, msg: Msg, out: &mut O) {
        match msg {
            Msg::Forward {
                id,
                key,
                op,
                version,
            } => self.on_forward(cfg, from, (id, key, op, version), out),
            // The fence for reads: a replica asks the key's primary for its table version.
            Msg::Confirm { id, .. } => {
                let version = self.d.version();
                out.send(from, Msg::ConfirmReply { id, version });
            }
            Msg::ConfirmReply { id, version } => self.on_confirm_reply(from, id, version, out),
            // Replicas store a copy without consulting their table.
            Msg::Replicate {
                id,
                key,
                value,
                stamp,
            } => {
                self.store(key, value, stamp, out);
                out.send(from, Msg::Replicated { id, stamp });
            }
            Msg::Replicated { id, stamp } => self.on_replicated(cfg, from, id, stamp, out),
            Msg::NewTable { table, previous } => {
                self.on_new_table(cfg, from, *table, previous.map(|p| *p), out)
            }
            Msg::GetTable => {
                if let Some(t) = &self.d.table {
                    out.send(from, table_msg(t, self.d.previous.as_ref()));
                }
            }
            Msg::Settled { version } => self.on_settled(version, out),
            Msg::Transfer {
                version,
                key,
                value,
                stamp,
            } => self.on_transfer(cfg, from, (version, key, value, stamp), out),
            Msg::TransferAck { version, key } => self.on_transfer_ack(cfg, from, version, key, out),
            _ => {}
        }
    }

    /// A request routed here under table `version`, judged under this server's own table,
    /// which must be at least as new: a put needs it to be the key's primary, a get a
    /// replica, and the key must not be waiting (`must_wait`); otherwise "moved".
    fn on_forward(
        &mut self,
        cfg: &Config,
        from: NodeId,
        (id, key, op, version): (u64, Key, Op, u64),
        out: &mut O,
    ) {
        let me = self.index;
        let current = self.d.version();
        let replicas = self
            .d
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
        match self.must_wait(cfg, &key, &op) {
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
                if self.d.handed == current {
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
            Op::Get => self.serve_get(cfg, from, id, key, &replicas, out),
            Op::Put { value } => self.serve_put(cfg, from, (id, key, value), &replicas, out),
        }
    }

    /// A get. The key's primary answers at once: a newer table could only take writes of
    /// the key after the primary adopted it. Another replica first asks the primary for its
    /// table version (the fence for reads, as a Raft leader confirms it still leads before
    /// it answers a read: dissertation §6.4) and answers only if it is not newer than its
    /// own.
    fn serve_get(
        &mut self,
        cfg: &Config,
        from: NodeId,
        id: u64,
        key: Key,
        replicas: &[u32],
        out: &mut O,
    ) {
        let primary = replicas[0];
        if primary != self.index && !cfg.bug_no_fencing {
            let version = self.d.version();
            let wait = ReadWait {
                key,
                version,
                router: from,
            };
            self.reads.insert(id, wait);
            out.send(cfg.server_node(primary), Msg::Confirm { id, key, version });
            let wait = cfg.request_timeout / 2;
            return out.set_timer(Timer::ReplicaTimeout { id }, wait..=wait);
        }
        if primary != self.index {
            let version = self.d.version();
            out.note(Note::Unfenced {
                key,
                version,
                put: false,
            });
        }
        let value = self.d.store.get(&key).copied();
        out.send(from, Msg::Done { id, value });
    }

    /// The primary's table version, for a get waiting at this replica. It answers (with
    /// what the store then holds) only if its own table has not changed meanwhile and the
    /// primary's is not newer; if it is, it is `fenced`: `moved`, and it asks the primary
    /// for the table.
    fn on_confirm_reply(&mut self, from: NodeId, id: u64, version: u64, out: &mut O) {
        let Some(w) = self.reads.remove(&id) else {
            return;
        };
        out.cancel_timer(Timer::ReplicaTimeout { id });
        let current = self.d.version();
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
        let value = self.d.store.get(&w.key).copied();
        out.send(w.router, Msg::Done { id, value });
    }

    /// A put at the key's primary, which orders the key's writes: the next stamp after the
    /// newest it holds (it holds every acknowledged one). A retry (or a duplicate) of a
    /// write still replicating keeps its stamp. It stores, replicates to the key's other
    /// replicas, and answers once every one has stored it.
    fn serve_put(
        &mut self,
        cfg: &Config,
        from: NodeId,
        (id, key, value): (u64, Key, u64),
        replicas: &[u32],
        out: &mut O,
    ) {
        let stamp = match self.puts.get(&id) {
            Some(w) if w.key == key && w.value == value => w.stamp,
            _ => self.d.store.get(&key).map_or(0, |(_, s)| *s) + 1,
        };
        self.store(key, value, stamp, out);
        out.note(Note::Stored {
            key,
            stamp,
            replicas: replicas.len() as u32,
        });
        let me = self.index;
        let others: BTreeSet<u32> = replicas.iter().copied().filter(|r| *r != me).collect();
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
        self.puts.insert(id, waiting);
        let wait = cfg.request_timeout / 2;
        out.set_timer(Timer::ReplicaTimeout { id }, wait..=wait);
    }

    /// A replica stored a write: once every one has, the primary answers `done`.
    fn on_replicated(&mut self, cfg: &Config, from: NodeId, id: u64, stamp: Stamp, out: &mut O) {
        let r = cfg.server_index(from);
        // Only for this write's stamp: an answer to an older copy proves nothing.
        if let Some(w) = self.puts.get_mut(&id).filter(|w| w.stamp == stamp) {
            w.waiting.remove(&r);
            if w.waiting.is_empty() {
                let w = self.puts.remove(&id).expect("waiting");
                out.cancel_timer(Timer::ReplicaTimeout { id });
                let done = Msg::Done {
                    id,
                    value: Some((w.value, w.stamp)),
                };
                out.send(w.router, done);
            }
        }
    }

    /// A server's timers: replicas too slow for a write (or the primary for a get), and
    /// resending transfers.
    pub(super) fn on_timer(&mut self, cfg: &Config, timer: Timer, out: &mut O) {
        match timer {
            Timer::ReplicaTimeout { id } => {
                // Not every replica (or not the primary) answered: no answer; the router
                // will try again.
                self.puts.remove(&id);
                self.reads.remove(&id);
            }
            Timer::Resend if !self.outgoing.is_empty() => self.resend(cfg, out),
            _ => {}
        }
    }

    /// Keeps the newer of two versions of a key (writes are totally ordered by their
    /// stamps): a copy is kept only if its stamp is strictly higher.
    pub(super) fn store(&mut self, key: Key, value: u64, stamp: Stamp, out: &mut O) {
        if self.d.store.get(&key).is_none_or(|(_, s)| *s < stamp) {
            self.d.store.insert(key, (value, stamp));
            out.persist();
        }
    }
}
