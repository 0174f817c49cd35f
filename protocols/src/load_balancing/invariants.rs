//! Accounting, checked live, and the time series the lab plots ([`Series`]).

use super::msg::{Failure, Note, ReqId};
use super::series::Series;
use super::{Config, Kind, LoadBalancing, Node};
use crate::sim::{NodeId, Slot};
use std::collections::{BTreeMap, BTreeSet};

pub const NONE_LOST: usize = 0;
pub const NO_ROUTE_TO_DOWN: usize = 1;

pub const INVARIANTS: &[&str] = &["none_lost", "no_route_to_down"];

#[derive(Clone, Debug, Default)]
pub struct Ghost {
    /// Requests issued and not yet answered or failed, per client: (epoch, seq).
    open: BTreeMap<u32, BTreeSet<(u64, u64)>>,
    /// Backends the balancer has marked down.
    down: BTreeSet<u32>,
    /// The last two minutes, a bucket per second (bounded: see [`Series`]).
    pub series: Series,
    /// Per backend: requests now running or queued, the most ever, and requests served.
    pub load: Vec<u32>,
    pub peak: Vec<u32>,
    pub served: Vec<u64>,
    pub issued: u64,
    pub completed: u64,
    pub rejected: u64,
    pub failed: u64,
    /// Requests lost with a crashed client (they end with it, not unaccounted).
    pub with_crashed_client: u64,
    reported: BTreeSet<(usize, u64)>,
}

impl Ghost {
    /// Requests still in flight.
    pub fn in_flight(&self) -> usize {
        self.open.values().map(|s| s.len()).sum()
    }
}

pub fn check(
    cfg: &Config,
    ghost: &mut Ghost,
    nodes: &[Slot<LoadBalancing>],
    notes: &[(NodeId, Note)],
    found: &mut Vec<(usize, Note)>,
) {
    let backends = cfg.backends as usize;
    if ghost.load.len() < backends {
        ghost.load.resize(backends, 0);
        ghost.peak.resize(backends, 0);
        ghost.served.resize(backends, 0);
    }
    let mut report = |ghost: &mut Ghost, inv: usize, key: u64, detail: Note| {
        if ghost.reported.insert((inv, key)) {
            found.push((inv, detail));
        }
    };
    let mut clients_noted = BTreeSet::new();
    for (node, note) in notes {
        match note {
            Note::Issued { id, .. } => {
                ghost.issued += 1;
                ghost
                    .open
                    .entry(id.client)
                    .or_default()
                    .insert((id.epoch, id.seq));
                clients_noted.insert(id.client);
            }
            Note::Completed { id, latency, at } => {
                ghost.completed += 1;
                close(ghost, *id);
                clients_noted.insert(id.client);
                ghost.series.at(*at, backends).latencies.add(*latency);
            }
            Note::Failed { id, failure, at } => {
                close(ghost, *id);
                clients_noted.insert(id.client);
                let b = ghost.series.at(*at, backends);
                if *failure == Failure::Rejected {
                    b.rejected += 1;
                    ghost.rejected += 1;
                } else {
                    b.failed += 1;
                    ghost.failed += 1;
                }
            }
            Note::MarkedDown { backend, .. } => {
                ghost.down.insert(*backend);
            }
            Note::MarkedUp { backend, .. } => {
                ghost.down.remove(backend);
            }
            Note::Restarted if cfg.kind(*node) == Kind::Balancer => ghost.down.clear(),
            Note::Restarted => {
                if let Kind::Backend(b) = cfg.kind(*node) {
                    ghost.load[b as usize] = 0;
                }
            }
            // After a backend is marked down, no new request is routed to it.
            Note::Routed { id, backend, .. } if ghost.down.contains(backend) => {
                let detail = Note::RoutedToDown {
                    id: *id,
                    backend: *backend,
                };
                report(ghost, NO_ROUTE_TO_DOWN, *backend as u64, detail);
            }
            Note::Started {
                running, queued, ..
            }
            | Note::Queued {
                running, queued, ..
            } => {
                if let Kind::Backend(b) = cfg.kind(*node) {
                    let b = b as usize;
                    ghost.load[b] = running + queued;
                    ghost.peak[b] = ghost.peak[b].max(running + queued);
                }
            }
            Note::Finished {
                busy,
                at,
                running,
                queued,
                ..
            } => {
                if let Kind::Backend(b) = cfg.kind(*node) {
                    let b = b as usize;
                    ghost.load[b] = running + queued;
                    ghost.served[b] += 1;
                    ghost.series.at(*at, backends).busy[b] += busy;
                }
            }
            _ => {}
        }
    }
    // Every request is answered, failed with a reason, or still in flight: a client that
    // is up holds each of its open requests. A crashed client's requests end with it.
    for (i, slot) in nodes.iter().enumerate().take(cfg.clients as usize) {
        let client = i as u32;
        match &slot.state {
            None => {
                if let Some(open) = ghost.open.remove(&client) {
                    ghost.with_crashed_client += open.len() as u64;
                }
            }
            Some(Node::Client(c)) if clients_noted.contains(&client) => {
                let open = ghost.open.entry(client).or_default();
                if open.len() != c.outstanding.len() {
                    let lost = open
                        .iter()
                        .find(|(e, s)| *e != c.epoch || !c.outstanding.contains_key(s))
                        .copied();
                    if let Some((epoch, seq)) = lost {
                        open.remove(&(epoch, seq));
                        let id = ReqId { client, epoch, seq };
                        let key = seq ^ epoch.rotate_left(24) ^ (u64::from(client) << 56);
                        report(ghost, NONE_LOST, key, Note::RequestLost { id });
                    }
                }
            }
            _ => {}
        }
    }
}

fn close(ghost: &mut Ghost, id: ReqId) {
    if let Some(open) = ghost.open.get_mut(&id.client) {
        open.remove(&(id.epoch, id.seq));
    }
}

/// The `p`-th percentile (0–100) of `sorted`, nearest rank.
pub fn percentile(sorted: &[u64], p: u64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len() as u64).div_ceil(100).max(1) as usize;
    Some(sorted[rank.min(sorted.len()) - 1])
}
