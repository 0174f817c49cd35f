//! Accounting, checked live. What the lab plots is measured apart ([`super::metrics`]).

use super::msg::{Note, ReqId};
use super::{Config, Kind, LoadBalancing, Node};
use crate::sim::{NodeId, Reporter, Slot};
use std::collections::{BTreeMap, BTreeSet};

crate::invariants!(
    /// The balancer's accounting, in the order the UI lists it.
    pub enum Invariant {
        NoneLost = "none_lost",
        NoRouteToDown = "no_route_to_down",
    }
);

#[derive(Clone, Debug, Default)]
pub struct Ghost {
    /// Requests issued and not yet answered or failed, per client: (epoch, seq).
    open: BTreeMap<u32, BTreeSet<(u64, u64)>>,
    /// Backends the balancer has marked down.
    down: BTreeSet<u32>,
    reporter: Reporter<Invariant, u64>,
}

impl Ghost {
    /// Requests still in flight.
    pub fn in_flight(&self) -> usize {
        self.open.values().map(|s| s.len()).sum()
    }
}

type Found = Vec<(Invariant, Note)>;

/// Follows this step's notes (requests open, backends marked down), checking each property
/// on the way.
pub fn check(
    cfg: &Config,
    ghost: &mut Ghost,
    nodes: &[Slot<LoadBalancing>],
    notes: &[(NodeId, Note)],
    found: &mut Found,
) {
    let mut clients_noted = BTreeSet::new();
    for (node, note) in notes {
        if let Note::Routed { id, backend, .. } = note {
            no_route_to_down(ghost, *id, *backend, found);
        }
        account(cfg, ghost, *node, note, &mut clients_noted);
    }
    none_lost(cfg, ghost, nodes, &clients_noted, found);
}

/// Updates the requests open and what the balancer holds down from one note, and notes
/// the clients whose requests it concerns.
fn account(
    cfg: &Config,
    ghost: &mut Ghost,
    node: NodeId,
    note: &Note,
    clients_noted: &mut BTreeSet<u32>,
) {
    match note {
        Note::Issued { id, .. } => {
            ghost
                .open
                .entry(id.client)
                .or_default()
                .insert((id.epoch, id.seq));
            clients_noted.insert(id.client);
        }
        Note::Completed { id, .. } | Note::Failed { id, .. } => {
            close(ghost, *id);
            clients_noted.insert(id.client);
        }
        Note::MarkedDown { backend, .. } => {
            ghost.down.insert(*backend);
        }
        Note::MarkedUp { backend, .. } => {
            ghost.down.remove(backend);
        }
        Note::Restarted if cfg.kind(node) == Kind::Balancer => ghost.down.clear(),
        _ => {}
    }
}

/// After a backend is marked down, no new request is routed to it (until it is marked up).
fn no_route_to_down(ghost: &mut Ghost, id: ReqId, backend: u32, found: &mut Found) {
    if ghost.down.contains(&backend) {
        let detail = Note::RoutedToDown { id, backend };
        let inv = Invariant::NoRouteToDown;
        ghost.reporter.report(found, inv, backend as u64, detail);
    }
}

/// Every request is answered, failed with a reason, or still in flight: a client that is
/// up holds each of its open requests. A crashed client's requests end with it.
fn none_lost(
    cfg: &Config,
    ghost: &mut Ghost,
    nodes: &[Slot<LoadBalancing>],
    clients_noted: &BTreeSet<u32>,
    found: &mut Found,
) {
    for (i, slot) in nodes.iter().enumerate().take(cfg.clients as usize) {
        let client = i as u32;
        match &slot.state {
            None => {
                ghost.open.remove(&client);
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
                        let detail = Note::RequestLost { id };
                        ghost
                            .reporter
                            .report(found, Invariant::NoneLost, key, detail);
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
