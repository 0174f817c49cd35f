//! A server's side of a migration: adopting a new table, handing over the keys it moves
//! (transfers, acknowledged and resent), receiving keys, hearing that the migration is
//! settled, and the rules that keep a key waiting meanwhile ("still arriving" and the
//! fence for writes, docs/sharding.md).

use super::key::Key;
use super::msg::{Msg, Note, Op, Stamp, Table, Timer};
use super::node::{NUDGE, O};
use super::server::Server;
use super::Config;
use crate::sim::NodeId;

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
pub(super) enum Wait {
    Arriving,
    Fenced,
}

impl Server {
    /// See [`Wait`].
    pub(super) fn must_wait(&self, cfg: &Config, key: &Key, op: &Op) -> Option<Wait> {
        let d = &self.d;
        let t = d.table.as_ref()?;
        if t.version <= d.settled || self.arrived.contains(key) {
            return None;
        }
        let before = d
            .previous
            .as_ref()
            .map(|p| p.replicas(key, cfg.replication as usize))
            .unwrap_or_default();
        if !before.contains(&self.index) {
            return Some(Wait::Arriving);
        }
        let put = matches!(op, Op::Put { .. });
        (put && before.first() != Some(&self.index)).then_some(Wait::Fenced)
    }

    /// A newer table is adopted with the previous one the message carries, persisted, and
    /// handed over. At the current version with nothing outgoing, Router 1 asks again (it
    /// may have missed the last report): `migration_done`.
    pub(super) fn on_new_table(
        &mut self,
        cfg: &Config,
        from: NodeId,
        table: Table,
        previous: Option<Table>,
        out: &mut O,
    ) {
        let current = self.d.version();
        if table.version > current {
            // The cluster's previous table, not this server's last one: a server
            // rejoining after versions outside the table must diff against it.
            self.d.previous = previous;
            self.d.table = Some(table.clone());
            out.persist();
            self.arrived.clear();
            self.plan_transfers(cfg, &table, out);
        } else if table.version == current && self.outgoing.is_empty() {
            out.send(from, Msg::MigrationDone { version: current });
        }
    }

    /// Router 1 says the migration to `version` is over: durable, and the keys moving here
    /// no longer wait.
    pub(super) fn on_settled(&mut self, version: u64, out: &mut O) {
        let adopted = self.d.table.as_ref().is_some_and(|t| t.version >= version);
        if version > self.d.settled && adopted {
            self.d.settled = version;
            out.persist();
            self.arrived.clear();
            out.note(Note::SettledAt { version });
        }
    }

    /// A key handed over to this server: stored if newer, acknowledged; if it comes from
    /// the key's primary under the previous table, the key is served here from now on.
    pub(super) fn on_transfer(
        &mut self,
        cfg: &Config,
        from: NodeId,
        (version, key, value, stamp): (u64, Key, u64, Stamp),
        out: &mut O,
    ) {
        self.store(key, value, stamp, out);
        out.note(Note::Received { key, stamp });
        // From the key's primary under the previous table: it holds every write
        // it acknowledged, so the key is served here from now on.
        let sender = cfg.server_index(from);
        let from_primary = self.d.table.as_ref().is_some_and(|t| t.version == version)
            && self.d.previous.as_ref().is_some_and(|p| {
                p.replicas(&key, cfg.replication as usize).first() == Some(&sender)
            });
        if from_primary {
            self.arrived.insert(key);
        }
        out.send(from, Msg::TransferAck { version, key });
    }

    /// A transfer acknowledged under the current table is crossed off; the last one ends
    /// the handover.
    pub(super) fn on_transfer_ack(
        &mut self,
        cfg: &Config,
        from: NodeId,
        version: u64,
        key: Key,
        out: &mut O,
    ) {
        let current = self.d.version();
        if version == current && self.outgoing.remove(&(key, cfg.server_index(from))) {
            self.finish_if_done(cfg, out);
        }
    }

    /// Every `NUDGE` ticks: the transfers not yet acknowledged, again.
    pub(super) fn resend(&mut self, cfg: &Config, out: &mut O) {
        let version = self.d.version();
        for (key, to) in self.outgoing.iter() {
            if let Some((value, stamp)) = self.d.store.get(key) {
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

    /// Under a new table, every key this server holds goes to each of its new replicas
    /// that was not one before, and (the fence) a key it was primary of goes to its new
    /// primary even if that was a replica already: the new primary takes writes only once
    /// it has this copy, sent after this server stopped taking them. Keys it no longer
    /// replicates are dropped once handed over.
    pub(super) fn plan_transfers(&mut self, cfg: &Config, t: &Table, out: &mut O) {
        let me = self.index;
        let d = &self.d;
        let outgoing = &mut self.outgoing;
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
        self.finish_if_done(cfg, out);
    }

    /// Once nothing is outgoing: the keys this change moved away are dropped, the handover
    /// is durable (`handed`), and Router 1 hears `migration_done`.
    pub(super) fn finish_if_done(&mut self, cfg: &Config, out: &mut O) {
        if !self.outgoing.is_empty() {
            return;
        }
        let me = self.index;
        let d = &mut self.d;
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
}
