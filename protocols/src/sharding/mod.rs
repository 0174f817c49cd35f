//! Sharding: servers hold the keys their routing table gives them, R replicas each; a router
//! sends each client request to the key's primary (writes) or a replica (reads); adding or
//! removing a server versions the table and migrates the keys that move, as transfer
//! messages; a request that reaches a server that no longer owns its key gets "moved", and
//! the router retries.
//!
//! A key's new primary is fenced from its old one: it takes writes only once the old
//! primary has adopted the new table and handed the key over, and a replica asks the key's
//! primary for its table version before it answers a read (`server.rs` and `handover.rs`;
//! the bug switch `bug_no_fencing` turns both off).
//!
//! Each role has its own file, state and disk: servers (`server.rs`, their migrations in
//! `handover.rs`), routers (`router.rs`, Router 1's table changes in `change.rs`) and
//! clients (`client.rs`); `node.rs` holds the [`Node`] and [`Disk`] enums over them and
//! dispatches each event to its role.
//!
//! Placement ([`placement`]) is pure and tested against naive references; [`experiments`]
//! measures spread and moved keys in batch, and an observer ([`metrics`]) what the lab
//! shows of a run (the keys the last change moved, the key a user follows). Invariants ([`invariants`]): every key has R
//! replicas under the newest table; no acknowledged write is lost once a migration ends;
//! the servers converge on the newest table; no two values are acknowledged with one
//! stamp; no get returns a write older than one acknowledged before it was sent.

mod change;
pub mod client;
pub mod experiments;
mod handover;
pub mod invariants;
pub mod key;
pub mod metrics;
pub mod msg;
pub mod node;
pub mod placement;
pub mod router;
mod script;
pub mod server;
mod sweep;
pub mod table;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_router;

use crate::sim::rng::Rng;
use crate::sim::schema::{number, FieldKind, Num, Schema, TOGGLE};
use crate::sim::{ConfigError, NodeId, Out, Protocol, Slot};
use placement::Ranges;
use serde::{Deserialize, Serialize};

pub use client::Client;
pub use key::{Key, KeyError, KEY_MAX};
pub use msg::{Msg, Note, Op, Refusal, Request, Strategy, Table, Timer};
pub use node::{Disk, Node};
pub use router::{Pending, Router, RouterDisk};
pub use server::{PutWait, ReadWait, Server, ServerDisk};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Servers in the initial table, "Server 1".. (2–8).
    pub servers: u32,
    /// More servers outside it, for "Add server" (0–4).
    pub spare_servers: u32,
    /// Routers (1–3). Router 1 owns the table: it runs membership changes and splits, and
    /// sends each new table to the servers and the other routers. Client c uses router
    /// c mod `routers`.
    pub routers: u32,
    pub clients: u32,
    pub strategy: Strategy,
    /// Virtual nodes per server on the ring (1–200).
    pub vnodes: u32,
    /// Replicas per key (1–3).
    pub replication: u32,
    /// Keys `key-0000`.. (100–10,000).
    pub keys: u32,
    /// Hot keys: 0 is uniform; each step up skews toward the first keys (a Zipf-like knob).
    pub skew: u32,
    /// Requests per second per client.
    pub rate: u64,
    /// Requests per client before it stops; 0 never stops.
    pub requests: u64,
    pub request_timeout: u64,
    /// The bug switch: no fencing. A key's new primary takes writes before its previous
    /// primary has handed it over, and a replica answers a get without asking the key's
    /// primary whether its table is current: an old primary that missed a new table (and
    /// a router that routes by it) keeps writing and reading beside the new one.
    pub bug_no_fencing: bool,
}

crate::schema!(Config {
    strategy: FieldKind::Choice {
        options: &["ring", "mod_n", "range"]
    },
    servers: number(2, 8),
    spare_servers: number(0, 4),
    routers: number(1, 3),
    clients: number(1, 4),
    vnodes: number(1, 200),
    replication: number(1, 3),
    keys: number(100, 10_000),
    skew: number(0, 4),
    rate: number(1, 1_000),
    requests: number(0, 10_000_000),
    request_timeout: number(10, 1_000_000),
    bug_no_fencing: TOGGLE,
});

/// In the configuration schema, a strategy is its index in the settings' order.
impl Num for Strategy {
    fn to_u64(self) -> u64 {
        match self {
            Strategy::Ring => 0,
            Strategy::ModN => 1,
            Strategy::Range => 2,
        }
    }
    fn from_u64(v: u64) -> Self {
        match v {
            1 => Strategy::ModN,
            2 => Strategy::Range,
            _ => Strategy::Ring,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            servers: 4,
            spare_servers: 1,
            routers: 1,
            clients: 2,
            strategy: Strategy::Ring,
            vnodes: 16,
            replication: 2,
            keys: 1_000,
            skew: 0,
            rate: 20,
            requests: 0,
            request_timeout: 600,
            bug_no_fencing: false,
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    Server(u32),
    Router(u32),
    Client(u32),
}

impl Config {
    pub fn node_count(&self) -> usize {
        (self.servers + self.spare_servers + self.routers + self.clients) as usize
    }
    /// Node order: servers (spares last), routers, clients.
    pub fn kind(&self, n: NodeId) -> Kind {
        let s = self.servers + self.spare_servers;
        if n.0 < s {
            Kind::Server(n.0)
        } else if n.0 < s + self.routers {
            Kind::Router(n.0 - s)
        } else {
            Kind::Client(n.0 - s - self.routers)
        }
    }
    /// Router `i`'s node.
    pub fn router(&self, i: u32) -> NodeId {
        NodeId(self.servers + self.spare_servers + i)
    }
    /// Every router's node, Router 1 first.
    pub fn routers(&self) -> impl Iterator<Item = NodeId> + '_ {
        (0..self.routers).map(|i| self.router(i))
    }
    /// The router client `c` sends to.
    pub fn router_of_client(&self, c: u32) -> NodeId {
        self.router(c % self.routers)
    }
    pub fn server_node(&self, index: u32) -> NodeId {
        NodeId(index)
    }
    pub fn server_index(&self, n: NodeId) -> u32 {
        n.0
    }
    /// Router 1, which owns the table.
    pub fn router_node(&self) -> NodeId {
        self.router(0)
    }
    pub fn initial_table(&self) -> Table {
        let members: Vec<u32> = (0..self.servers).collect();
        match self.strategy {
            Strategy::Range => {
                let ranges = Ranges::balanced(&self.positions(), &members);
                Table::ranged(1, members, self.vnodes, ranges)
            }
            _ => Table::new(1, members, self.strategy, self.vnodes),
        }
    }
    /// The generated keys, in order.
    pub fn keyspace(&self) -> impl Iterator<Item = Key> {
        (0..self.keys).map(Key::generated)
    }
    /// The generated keys' range positions, ascending.
    pub fn positions(&self) -> Vec<u128> {
        self.keyspace().map(|k| k.position()).collect()
    }
    /// A key for the next request: uniform, or with `skew` k, k more draws each within the
    /// range below the last (the mean halves each time), so low-numbered keys are hot.
    pub fn pick_key(&self, rng: &mut Rng) -> Key {
        Key::generated(self.pick_index(rng))
    }
    /// [`Config::pick_key`]'s key number.
    pub fn pick_index(&self, rng: &mut Rng) -> u32 {
        let mut k = rng.below(u64::from(self.keys));
        for _ in 0..self.skew {
            k = rng.below(k + 1);
        }
        k as u32
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sharding;

impl Protocol for Sharding {
    const NAME: &'static str = "sharding";
    type Config = Config;
    type Node = Node;
    type Durable = Disk;
    type Msg = Msg;
    type Timer = Timer;
    type Request = Request;
    type Note = Note;
    type Ghost = invariants::Ghost;
    type Metrics = metrics::Metrics;
    type Invariant = invariants::Invariant;

    fn validate(cfg: &Config) -> Result<(), ConfigError> {
        cfg.check_ranges()
    }
    fn node_count(cfg: &Config) -> usize {
        cfg.node_count()
    }
    fn init(cfg: &Config, id: NodeId, out: &mut Out<Self>) -> Node {
        node::init(cfg, id, out)
    }
    fn durable(node: &Node) -> Disk {
        node::durable(node)
    }
    fn weight(slot: &Slot<Self>) -> usize {
        1 + slot.disk.store().len()
            + slot.state.as_ref().map_or(0, |n| match n {
                Node::Server(s) => s.d.store.len(),
                Node::Router(r) => r.pending.len(),
                Node::Client(c) => c.waiting.len(),
            })
    }
    fn on_message(
        cfg: &Config,
        _id: NodeId,
        node: &mut Node,
        from: NodeId,
        msg: Msg,
        out: &mut Out<Self>,
    ) {
        node::on_message(cfg, node, from, msg, out)
    }
    fn on_timer(cfg: &Config, _id: NodeId, node: &mut Node, timer: Timer, out: &mut Out<Self>) {
        node::on_timer(cfg, node, timer, out)
    }
    fn on_request(cfg: &Config, _id: NodeId, node: &mut Node, req: Request, out: &mut Out<Self>) {
        node::on_request(cfg, node, req, out)
    }
    fn on_restart(cfg: &Config, id: NodeId, disk: &Disk, out: &mut Out<Self>) -> Node {
        node::restart(cfg, id, disk, out)
    }
    fn check(
        cfg: &Config,
        ghost: &mut invariants::Ghost,
        nodes: &[Slot<Self>],
        notes: &[(NodeId, Note)],
        found: &mut Vec<(invariants::Invariant, Note)>,
    ) {
        invariants::check(cfg, ghost, nodes, notes, found)
    }
    fn observe(
        cfg: &Config,
        metrics: &mut metrics::Metrics,
        nodes: &[Slot<Self>],
        notes: &[(NodeId, Note)],
    ) {
        metrics::observe(cfg, metrics, nodes, notes)
    }
    /// A membership change (or, with ranges, a hot-range split) at the router.
    fn random_request(cfg: &Config, pick: &mut dyn FnMut(u64) -> u64) -> Option<(NodeId, Request)> {
        let server = pick(u64::from(cfg.servers + cfg.spare_servers)) as u32;
        let request = match pick(3) {
            0 => Request::AddServer { server },
            1 => Request::RemoveServer { server },
            _ if cfg.strategy == Strategy::Range => Request::SplitHot,
            _ => Request::AddServer { server },
        };
        Some((cfg.router_node(), request))
    }
}
