//! The sharded store's promises, checked live.

use super::msg::{Note, Stamp, Table};
use super::node::Node;
use super::placement::hash_key;
use super::{key_name, Config, Sharding};
use crate::sim::{NodeId, Slot};
use std::collections::{BTreeMap, BTreeSet};

pub const R_REPLICAS: usize = 0;
pub const NO_ACKED_WRITE_LOST: usize = 1;
pub const TABLES_CONVERGE: usize = 2;

pub const INVARIANTS: &[&str] = &["r_replicas", "no_acked_write_lost", "tables_converge"];

/// What the last membership change moved: the share of the keyspace whose primary changed,
/// and the ideal share (1/(N+1) for a join to N servers, 1/N for a leave from N), per mille.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moved {
    pub version: u64,
    pub moved_per_mille: u64,
    pub ideal_per_mille: u64,
}

#[derive(Clone, Debug, Default)]
pub struct Ghost {
    /// The newest acknowledged write of each key.
    pub acked: BTreeMap<u32, Stamp>,
    pub migrating: bool,
    pub last_change: Option<Moved>,
    reported: BTreeSet<(usize, u64)>,
}

fn router_table(cfg: &Config, nodes: &[Slot<Sharding>]) -> Option<Table> {
    let slot = &nodes[cfg.router_node().index()];
    match &slot.state {
        Some(Node::Router { d, .. }) => d.table.clone(),
        _ => slot.disk.table.clone(),
    }
}

/// Whether some replica of `key` under `t` holds a write at least as new as `stamp`, on
/// its disk (a crashed replica's disk still counts: the write is not lost, only offline).
fn held(cfg: &Config, nodes: &[Slot<Sharding>], t: &Table, key: u32, stamp: Stamp) -> bool {
    let h = hash_key(&key_name(key));
    t.replicas(h, cfg.replication as usize).iter().any(|r| {
        nodes[cfg.server_node(*r).index()]
            .disk
            .store
            .get(&key)
            .is_some_and(|(_, s)| *s >= stamp)
    })
}

/// How many replicas of `key` under `t` hold a write at least as new as `stamp` on disk.
fn holders(cfg: &Config, nodes: &[Slot<Sharding>], t: &Table, key: u32, stamp: Stamp) -> usize {
    let h = hash_key(&key_name(key));
    t.replicas(h, cfg.replication as usize)
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
    let moved = (0..cfg.keys)
        .filter(|k| {
            let h = hash_key(&key_name(*k));
            t.replicas(h, 1) != p.replicas(h, 1)
        })
        .count() as u64;
    let (before, after) = (p.members.len() as u64, t.members.len() as u64);
    Some(Moved {
        version: t.version,
        moved_per_mille: moved * 1000 / u64::from(cfg.keys),
        ideal_per_mille: 1000 / before.max(after),
    })
}

pub fn check(
    cfg: &Config,
    ghost: &mut Ghost,
    nodes: &[Slot<Sharding>],
    notes: &[(NodeId, Note)],
    found: &mut Vec<(usize, Note)>,
) {
    let mut report = |ghost: &mut Ghost, inv: usize, key: u64, detail: Note| {
        if ghost.reported.insert((inv, key)) {
            found.push((inv, detail));
        }
    };
    let mut acked_now = Vec::new();
    let mut migration_over = false;
    for (_, note) in notes {
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
                    for key in 0..cfg.keys {
                        let reps = t.replicas(hash_key(&key_name(key)), cfg.replication as usize);
                        let distinct: BTreeSet<u32> = reps.iter().copied().collect();
                        if reps.len() != want || distinct.len() != want {
                            let detail = Note::WrongReplicaCount {
                                key,
                                got: distinct.len() as u32,
                                want: want as u32,
                            };
                            report(ghost, R_REPLICAS, u64::from(key), detail);
                        }
                    }
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
    let keys: Vec<u32> = if migration_over {
        ghost.acked.keys().copied().collect()
    } else if !ghost.migrating {
        acked_now
    } else {
        Vec::new()
    };
    for key in keys {
        let stamp = ghost.acked[&key];
        if !held(cfg, nodes, &t, key, stamp) {
            let detail = Note::AcknowledgedWriteLost { key, stamp };
            report(
                ghost,
                NO_ACKED_WRITE_LOST,
                u64::from(key) << 32 | stamp,
                detail,
            );
        }
    }
    // When a migration ends, every acknowledged write is on the disks of all R replicas
    // the newest table names (a crashed replica's disk still counts).
    if migration_over {
        let want = (cfg.replication as usize).min(t.members.len());
        let keys: Vec<(u32, Stamp)> = ghost.acked.iter().map(|(k, s)| (*k, *s)).collect();
        for (key, stamp) in keys {
            let got = holders(cfg, nodes, &t, key, stamp);
            if got < want {
                let detail = Note::WrongReplicaCount {
                    key,
                    got: got as u32,
                    want: want as u32,
                };
                report(ghost, R_REPLICAS, u64::from(key) << 32 | t.version, detail);
            }
        }
    }
    // When a migration ends, every member that is up has the newest table.
    if migration_over {
        for m in &t.members {
            if let Some(Node::Server { d, .. }) = &nodes[cfg.server_node(*m).index()].state {
                let v = d.table.as_ref().map_or(0, |x| x.version);
                if v < t.version {
                    let detail = Note::TableBehind {
                        server: *m,
                        version: v,
                        newest: t.version,
                    };
                    report(
                        ghost,
                        TABLES_CONVERGE,
                        u64::from(*m) << 32 | t.version,
                        detail,
                    );
                }
            }
        }
    }
}
