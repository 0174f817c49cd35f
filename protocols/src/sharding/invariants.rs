//! The sharded store's promises, checked live.

use super::key::Key;
use super::msg::{Note, Op, Stamp, Table};
use super::node::Node;
use super::{Config, Sharding};
use crate::sim::{NodeId, Reporter, Slot};
use std::collections::{BTreeMap, BTreeSet};

crate::invariants!(
    /// The store's promises, in the order the UI lists them.
    pub enum Invariant {
        RReplicas = "r_replicas",
        NoAckedWriteLost = "no_acked_write_lost",
        TablesConverge = "tables_converge",
        OneValuePerStamp = "one_value_per_stamp",
        NoStaleRead = "no_stale_read",
    }
);

/// How many of a key's newest acknowledged writes the checker keeps.
pub const RECENT: usize = 4;

/// A key's newest acknowledged writes, newest first, as (stamp, value); empty slots are
/// (0, 0) (stamps start at 1). A write's identity is its stamp: two different values
/// acknowledged with one stamp mean one of them is lost.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Acked {
    pub recent: [(Stamp, u64); RECENT],
}

impl Acked {
    /// The newest acknowledged write: (stamp, value).
    pub fn newest(&self) -> (Stamp, u64) {
        self.recent[0]
    }
    /// Records an acknowledged write. Returns the other value acknowledged with the same
    /// stamp, if any. A stamp older than every write kept is not checked.
    fn record(&mut self, stamp: Stamp, value: u64) -> Option<u64> {
        if let Some((_, v)) = self.recent.iter().find(|(s, _)| *s == stamp) {
            return (*v != value).then_some(*v);
        }
        if let Some(i) = self.recent.iter().position(|(s, _)| *s < stamp) {
            self.recent.copy_within(i..RECENT - 1, i + 1);
            self.recent[i] = (stamp, value);
        }
        None
    }
}

#[derive(Clone, Debug, Default)]
pub struct Ghost {
    /// The newest acknowledged writes of each key.
    pub acked: BTreeMap<Key, Acked>,
    /// Gets sent and not answered, by (client, request id): the key and its newest write
    /// acknowledged when the get was sent, which the answer must not be older than.
    gets: BTreeMap<(NodeId, u64), (Key, (Stamp, u64))>,
    pub migrating: bool,
    /// Keyed by the key a violation concerns, if any, and a number (a version, a stamp).
    reporter: Reporter<Invariant, (Option<Key>, u64)>,
}

/// Router 1's newest table (from its disk while it is down).
pub fn router_table(cfg: &Config, nodes: &[Slot<Sharding>]) -> Option<Table> {
    let slot = &nodes[cfg.router_node().index()];
    match &slot.state {
        Some(Node::Router(r)) => Some(r.d.table.clone()),
        _ => slot.disk.table().cloned(),
    }
}

/// How many replicas of `key` under `t` hold a write at least as new as `stamp` on their
/// disks (a crashed replica's disk still counts: the write is not lost, only offline).
fn holders(cfg: &Config, nodes: &[Slot<Sharding>], t: &Table, key: Key, stamp: Stamp) -> usize {
    t.replicas(&key, cfg.replication as usize)
        .iter()
        .filter(|r| {
            nodes[cfg.server_node(**r).index()]
                .disk
                .store()
                .get(&key)
                .is_some_and(|(_, s)| *s >= stamp)
        })
        .count()
}

type Found = Vec<(Invariant, Note)>;

/// Follows this step's notes (acknowledged writes, gets, tables), checking each property
/// on the way; then, against the newest table, what must
/// hold after a write or once a migration ends.
pub fn check(
    cfg: &Config,
    ghost: &mut Ghost,
    nodes: &[Slot<Sharding>],
    notes: &[(NodeId, Note)],
    found: &mut Found,
) {
    let mut acked_now = Vec::new();
    let mut migration_over = false;
    for (node, note) in notes {
        no_stale_read(ghost, *node, note, found);
        match note {
            Note::PutAcknowledged { key, value, stamp } => {
                one_value_per_stamp(ghost, *key, *value, *stamp, found);
                acked_now.push(*key);
            }
            Note::TableChanged { .. } => {
                ghost.migrating = true;
                r_replicas(cfg, ghost, nodes, found);
            }
            Note::MigrationOver { .. } => {
                ghost.migrating = false;
                migration_over = true;
            }
            _ => {}
        }
    }
    // A client that crashed lost its requests: their answers never come.
    if ghost.gets.keys().any(|(n, _)| !nodes[n.index()].is_up()) {
        ghost.gets.retain(|(n, _), _| nodes[n.index()].is_up());
    }
    let Some(t) = router_table(cfg, nodes) else {
        return;
    };
    let keys: Vec<Key> = if migration_over {
        ghost.acked.keys().copied().collect()
    } else if !ghost.migrating {
        acked_now
    } else {
        Vec::new()
    };
    no_acked_write_lost(cfg, ghost, nodes, &t, keys, found);
    if migration_over {
        r_replicas_hold_writes(cfg, ghost, nodes, &t, found);
        tables_converge(cfg, ghost, nodes, &t, found);
    }
}

/// No stale read: a get never returns a write older than one acknowledged before it was
/// sent. Follows gets: each one's floor when sent (its key's newest acknowledged write),
/// and on its answer, a stale read if the answer is older (or another value under the
/// floor's stamp).
fn no_stale_read(ghost: &mut Ghost, node: NodeId, note: &Note, found: &mut Found) {
    match note {
        Note::Sent {
            id,
            key,
            op: Op::Get,
            ..
        } => {
            let floor = ghost.acked.get(key).map_or((0, 0), Acked::newest);
            ghost.gets.insert((node, *id), (*key, floor));
        }
        Note::Failed { id, .. } => {
            ghost.gets.remove(&(node, *id));
        }
        Note::Acknowledged { id, value, .. } => {
            let Some((key, (stamp, v))) = ghost.gets.remove(&(node, *id)) else {
                return;
            };
            let (got_value, got) = value.unwrap_or((0, 0));
            if got < stamp || (got == stamp && stamp > 0 && got_value != v) {
                let detail = Note::StaleRead {
                    key,
                    got: *value,
                    acked: (v, stamp),
                };
                let n = u64::from(node.0) << 48 ^ *id;
                let inv = Invariant::NoStaleRead;
                ghost.reporter.report(found, inv, (None, n), detail);
            }
        }
        _ => {}
    }
}

/// One value per stamp: a write is its stamp, so two values acknowledged with one stamp
/// lose one of them.
fn one_value_per_stamp(ghost: &mut Ghost, key: Key, value: u64, stamp: Stamp, found: &mut Found) {
    if let Some(first) = ghost.acked.entry(key).or_default().record(stamp, value) {
        let detail = Note::TwoValuesOneStamp {
            key,
            stamp,
            first,
            second: value,
        };
        let inv = Invariant::OneValuePerStamp;
        ghost
            .reporter
            .report(found, inv, (Some(key), stamp), detail);
    }
}

/// R replicas: every key has exactly R distinct replicas (fewer only with fewer servers)
/// under the newest table, checked whenever the table changes.
fn r_replicas(cfg: &Config, ghost: &mut Ghost, nodes: &[Slot<Sharding>], found: &mut Found) {
    let Some(t) = router_table(cfg, nodes) else {
        return;
    };
    let want = (cfg.replication as usize).min(t.members.len());
    for key in cfg.keyspace() {
        let reps = t.replicas(&key, cfg.replication as usize);
        let distinct: BTreeSet<u32> = reps.iter().copied().collect();
        if reps.len() != want || distinct.len() != want {
            wrong_replica_count(ghost, key, distinct.len(), want, t.version, found);
        }
    }
}

/// R replicas, once a migration ends: every acknowledged write is on the disks of all R
/// replicas the newest table `t` names (a crashed replica's disk still counts).
fn r_replicas_hold_writes(
    cfg: &Config,
    ghost: &mut Ghost,
    nodes: &[Slot<Sharding>],
    t: &Table,
    found: &mut Found,
) {
    let want = (cfg.replication as usize).min(t.members.len());
    let keys: Vec<(Key, Stamp)> = ghost
        .acked
        .iter()
        .map(|(k, a)| (*k, a.newest().0))
        .collect();
    for (key, stamp) in keys {
        let got = holders(cfg, nodes, t, key, stamp);
        if got < want {
            wrong_replica_count(ghost, key, got, want, t.version, found);
        }
    }
}

/// Reports that `key` has `got` replicas under table `version`, not `want`.
fn wrong_replica_count(
    ghost: &mut Ghost,
    key: Key,
    got: usize,
    want: usize,
    version: u64,
    found: &mut Found,
) {
    let detail = Note::WrongReplicaCount {
        key,
        got: got as u32,
        want: want as u32,
    };
    let inv = Invariant::RReplicas;
    ghost
        .reporter
        .report(found, inv, (Some(key), version), detail);
}

/// No acknowledged write is lost: once a migration ends (and for every write acknowledged
/// outside one), a replica of the key under the newest table `t` holds it. `keys` are the
/// keys to check now.
fn no_acked_write_lost(
    cfg: &Config,
    ghost: &mut Ghost,
    nodes: &[Slot<Sharding>],
    t: &Table,
    keys: Vec<Key>,
    found: &mut Found,
) {
    for key in keys {
        let stamp = ghost.acked[&key].newest().0;
        if holders(cfg, nodes, t, key, stamp) == 0 {
            let detail = Note::AcknowledgedWriteLost { key, stamp };
            let inv = Invariant::NoAckedWriteLost;
            ghost
                .reporter
                .report(found, inv, (Some(key), stamp), detail);
        }
    }
}

/// Tables converge: when a migration ends, every member of the newest table `t` and every
/// router that is up has it (the servers also judge requests by their tables).
fn tables_converge(
    cfg: &Config,
    ghost: &mut Ghost,
    nodes: &[Slot<Sharding>],
    t: &Table,
    found: &mut Found,
) {
    let holders = t
        .members
        .iter()
        .map(|m| cfg.server_node(*m))
        .chain(cfg.routers());
    for n in holders {
        let v = match &nodes[n.index()].state {
            Some(Node::Server(s)) => s.d.version(),
            Some(Node::Router(r)) => r.d.table.version,
            _ => continue,
        };
        if v < t.version {
            let detail = Note::TableBehind {
                node: n.0,
                version: v,
                newest: t.version,
            };
            let id = u64::from(n.0) << 32 | t.version;
            let inv = Invariant::TablesConverge;
            ghost.reporter.report(found, inv, (None, id), detail);
        }
    }
}
