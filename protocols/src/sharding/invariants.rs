//! The sharded store's promises, checked live.

use super::key::Key;
use super::msg::{Note, Stamp, Table};
use super::node::Node;
use super::{Config, Sharding};
use crate::sim::{NodeId, Slot};
use std::collections::{BTreeMap, BTreeSet};

pub const R_REPLICAS: usize = 0;
pub const NO_ACKED_WRITE_LOST: usize = 1;
pub const TABLES_CONVERGE: usize = 2;

pub const INVARIANTS: &[&str] = &["r_replicas", "no_acked_write_lost", "tables_converge"];

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
    /// The newest acknowledged write of each key.
    pub acked: BTreeMap<Key, Stamp>,
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
        Some(Node::Router { d, .. }) => d.table.clone(),
        _ => slot.disk.table.clone(),
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
                .store
                .get(&key)
                .is_some_and(|(_, s)| *s >= stamp)
        })
        .count()
}

/// The share of the keyspace whose primary the last change moved, against the ideal.
fn moved_share(cfg: &Config, nodes: &[Slot<Sharding>]) -> Option<Moved> {
    let Some(Node::Router { d, .. }) = &nodes[cfg.router_node().index()].state else {
        return None;
    };
    let (t, p) = (d.table.as_ref()?, d.previous.as_ref()?);
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
        match note {
            Note::PutAcknowledged { key, stamp, .. } => {
                let a = ghost.acked.entry(*key).or_default();
                *a = (*a).max(*stamp);
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
        let stamp = ghost.acked[&key];
        if holders(cfg, nodes, &t, key, stamp) == 0 {
            let detail = Note::AcknowledgedWriteLost { key, stamp };
            report(ghost, NO_ACKED_WRITE_LOST, Some(key), stamp, detail);
        }
    }
    // When a migration ends, every acknowledged write is on the disks of all R replicas
    // the newest table names (a crashed replica's disk still counts).
    if migration_over {
        let want = (cfg.replication as usize).min(t.members.len());
        let keys: Vec<(Key, Stamp)> = ghost.acked.iter().map(|(k, s)| (*k, *s)).collect();
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
                Some(Node::Server { d, .. }) | Some(Node::Router { d, .. }) => {
                    d.table.as_ref().map_or(0, |x| x.version)
                }
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
