//! The sharded store's promises, checked live.

use super::key::Key;
use super::msg::{Note, Op, Stamp, Table};
use super::node::Node;
use super::{Config, Sharding};
use crate::sim::{NodeId, Slot};
use std::collections::{BTreeMap, BTreeSet};

pub const R_REPLICAS: usize = 0;
pub const NO_ACKED_WRITE_LOST: usize = 1;
pub const TABLES_CONVERGE: usize = 2;
pub const ONE_VALUE_PER_STAMP: usize = 3;
pub const NO_STALE_READ: usize = 4;

pub const INVARIANTS: &[&str] = &[
    "r_replicas",
    "no_acked_write_lost",
    "tables_converge",
    "one_value_per_stamp",
    "no_stale_read",
];

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

/// What the last change moved: the share of the keyspace whose primary changed, and the
/// ideal share for a membership change (1/(N+1) for a join to N servers, 1/N for a leave
/// from N), per mille. A range split keeps the members: it has no such ideal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moved {
    pub version: u64,
    pub moved_per_mille: u64,
    pub ideal_per_mille: Option<u64>,
}

/// Where the followed key's last request went.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestPath {
    pub client: NodeId,
    pub router: Option<NodeId>,
    /// The servers it was routed to, in order (a retry or a "moved" may add one).
    pub servers: Vec<u32>,
    /// Answered (true), failed (false), or under way.
    pub answered: Option<bool>,
}

#[derive(Clone, Debug, Default)]
pub struct Ghost {
    /// The newest acknowledged writes of each key.
    pub acked: BTreeMap<Key, Acked>,
    /// Gets sent and not answered, by (client, request id): the key and its newest write
    /// acknowledged when the get was sent, which the answer must not be older than.
    gets: BTreeMap<(NodeId, u64), (Key, (Stamp, u64))>,
    pub migrating: bool,
    pub last_change: Option<Moved>,
    /// The last key a user typed, which the lab follows (its replicas, its place).
    pub followed: Option<Key>,
    /// The path of the last request for it: client → router → servers tried.
    pub path: Option<RequestPath>,
    reported: BTreeSet<(usize, Option<Key>, u64)>,
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

/// The share of the keyspace whose primary the last change moved, against the ideal.
fn moved_share(cfg: &Config, nodes: &[Slot<Sharding>]) -> Option<Moved> {
    let Some(Node::Router(r)) = &nodes[cfg.router_node().index()].state else {
        return None;
    };
    let (t, p) = (&r.d.table, r.d.previous.as_ref()?);
    let moved = cfg
        .keyspace()
        .filter(|k| t.replicas(k, 1) != p.replicas(k, 1))
        .count() as u64;
    let (before, after) = (p.members.len() as u64, t.members.len() as u64);
    Some(Moved {
        version: t.version,
        moved_per_mille: moved * 1000 / u64::from(cfg.keys),
        ideal_per_mille: (before != after).then(|| 1000 / before.max(after)),
    })
}

/// Follows gets: each one's floor when sent (its key's newest acknowledged write), and on
/// its answer, a stale read if the answer is older (or another value under the floor's
/// stamp): a get never returns a write older than one acknowledged before it was sent.
fn read(ghost: &mut Ghost, node: NodeId, note: &Note) -> Option<(u64, Note)> {
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
            let (key, (stamp, v)) = ghost.gets.remove(&(node, *id))?;
            let (got_value, got) = value.unwrap_or((0, 0));
            if got < stamp || (got == stamp && stamp > 0 && got_value != v) {
                let detail = Note::StaleRead {
                    key,
                    got: *value,
                    acked: (v, stamp),
                };
                return Some((u64::from(node.0) << 48 ^ *id, detail));
            }
        }
        _ => {}
    }
    None
}

pub fn check(
    cfg: &Config,
    ghost: &mut Ghost,
    nodes: &[Slot<Sharding>],
    notes: &[(NodeId, Note)],
    found: &mut Vec<(usize, Note)>,
) {
    let mut report = |ghost: &mut Ghost, inv: usize, key: Option<Key>, n: u64, detail: Note| {
        if ghost.reported.insert((inv, key, n)) {
            found.push((inv, detail));
        }
    };
    let mut acked_now = Vec::new();
    let mut migration_over = false;
    for (node, note) in notes {
        if let Some((id, detail)) = read(ghost, *node, note) {
            report(ghost, NO_STALE_READ, None, id, detail);
        }
        match note {
            // A write is its stamp: two values acknowledged with one stamp lose one.
            Note::PutAcknowledged { key, value, stamp } => {
                if let Some(first) = ghost.acked.entry(*key).or_default().record(*stamp, *value) {
                    let detail = Note::TwoValuesOneStamp {
                        key: *key,
                        stamp: *stamp,
                        first,
                        second: *value,
                    };
                    report(ghost, ONE_VALUE_PER_STAMP, Some(*key), *stamp, detail);
                }
                acked_now.push(*key);
            }
            // Every key has exactly R replicas (fewer only with fewer servers) under the
            // newest table: checked whenever the table changes.
            Note::TableChanged { .. } => {
                ghost.migrating = true;
                ghost.last_change = moved_share(cfg, nodes);
                if let Some(t) = router_table(cfg, nodes) {
                    let want = (cfg.replication as usize).min(t.members.len());
                    for key in cfg.keyspace() {
                        let reps = t.replicas(&key, cfg.replication as usize);
                        let distinct: BTreeSet<u32> = reps.iter().copied().collect();
                        if reps.len() != want || distinct.len() != want {
                            let detail = Note::WrongReplicaCount {
                                key,
                                got: distinct.len() as u32,
                                want: want as u32,
                            };
                            report(ghost, R_REPLICAS, Some(key), t.version, detail);
                        }
                    }
                }
            }
            Note::Sent {
                key, typed: true, ..
            } => {
                ghost.followed = Some(*key);
                ghost.path = Some(RequestPath {
                    client: *node,
                    router: None,
                    servers: Vec::new(),
                    answered: None,
                });
            }
            Note::Routed { key, server, .. } if ghost.followed == Some(*key) => {
                if let Some(p) = ghost.path.as_mut().filter(|p| p.answered.is_none()) {
                    p.router = Some(*node);
                    if p.servers.last() != Some(server) {
                        p.servers.push(*server);
                    }
                }
            }
            Note::Acknowledged { key, .. } | Note::Failed { key, .. }
                if ghost.followed == Some(*key) =>
            {
                let ok = matches!(note, Note::Acknowledged { .. });
                if let Some(p) = ghost.path.as_mut().filter(|p| p.client == *node) {
                    p.answered.get_or_insert(ok);
                }
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
    // No acknowledged write is lost: once a migration ends (and for every write acknowledged
    // outside one), a replica of the key under the newest table holds it.
    let keys: Vec<Key> = if migration_over {
        ghost.acked.keys().copied().collect()
    } else if !ghost.migrating {
        acked_now
    } else {
        Vec::new()
    };
    for key in keys {
        let stamp = ghost.acked[&key].newest().0;
        if holders(cfg, nodes, &t, key, stamp) == 0 {
            let detail = Note::AcknowledgedWriteLost { key, stamp };
            report(ghost, NO_ACKED_WRITE_LOST, Some(key), stamp, detail);
        }
    }
    // When a migration ends, every acknowledged write is on the disks of all R replicas
    // the newest table names (a crashed replica's disk still counts).
    if migration_over {
        let want = (cfg.replication as usize).min(t.members.len());
        let keys: Vec<(Key, Stamp)> = ghost
            .acked
            .iter()
            .map(|(k, a)| (*k, a.newest().0))
            .collect();
        for (key, stamp) in keys {
            let got = holders(cfg, nodes, &t, key, stamp);
            if got < want {
                let detail = Note::WrongReplicaCount {
                    key,
                    got: got as u32,
                    want: want as u32,
                };
                report(ghost, R_REPLICAS, Some(key), t.version, detail);
            }
        }
    }
    // When a migration ends, every member of the table and every router that is up has
    // the newest table: routers converge (and the servers, which also judge requests by
    // their tables).
    if migration_over {
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
                report(ghost, TABLES_CONVERGE, None, id, detail);
            }
        }
    }
}
