//! Load balancing: clients send requests to a load balancer, which spreads them over
//! backends of mixed sizes with one of eight algorithms, checks their health actively
//! (probes) and passively (errors), retries under a budget, and fails every request it
//! cannot serve with a stated reason.
//!
//! Accounting ([`invariants`]): every request is answered, failed with a reason, or still in
//! flight; after a backend is marked down, nothing new is routed to it. An observer
//! ([`metrics`]) keeps the lab's time series (latency percentiles, throughput, failures,
//! utilisation).

pub mod algo;
pub mod backend;
pub mod balancer;
pub mod batch;
pub mod client;
pub mod invariants;
pub mod metrics;
pub mod msg;
pub mod node;
pub mod series;

mod script;
mod sweep;
#[cfg(test)]
mod tests;

use crate::sim::schema::{number, FieldKind, Schema};
use crate::sim::{check_order, check_range, ConfigError, NodeId, Out, Protocol, Slot};
use serde::{Deserialize, Serialize};

pub use algo::Algorithm;
pub use msg::{Failure, Msg, Note, ReqId, Request, Timer, UpBecause};
pub use node::Node;

/// The most requests one client may have in flight on average, given its rate, burst and
/// timeouts (see [`Config::longest_timeout`]): what keeps a run's memory bounded.
pub const MAX_WAITING: u64 = 5_000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// 1..=4 clients.
    pub clients: u32,
    /// 2..=16 backends.
    pub backends: u32,
    /// The first this many backends are large: twice the slots, twice the speed, weight 4.
    pub large_backends: u32,
    /// Concurrent requests a normal backend works on.
    pub slots: u32,
    /// Requests a backend queues beyond its slots; one more is rejected.
    pub queue: u32,
    pub algorithm: Algorithm,
    /// Requests per second per client (one tick is a millisecond).
    pub rate: u64,
    /// Requests per arrival (bursts).
    pub burst: u32,
    /// Each request's work, in ticks on a normal backend, drawn in `cost_min..=cost_max`.
    pub cost_min: u64,
    pub cost_max: u64,
    /// Distinct request keys (for consistent hashing); 0 sends no keys.
    pub keys: u32,
    /// Requests per client before it stops; 0 never stops.
    pub requests: u64,
    /// The balancer gives up on one attempt after this long.
    pub request_timeout: u64,
    /// A client gives up on a request after this long.
    pub client_timeout: u64,
    /// Active health checks: a probe round every this many ticks (0: none).
    pub probe_every: u64,
    /// Probes missed in a row to mark a backend down; answered in a row to mark it up.
    pub unhealthy_after: u32,
    pub healthy_after: u32,
    /// Passive checks: errors in a row that mark a backend down (0: off).
    pub passive_errors: u32,
    /// Retries allowed, as a percentage of requests.
    pub retry_budget_pct: u32,
    /// Peak-EWMA decay time τ, in ticks (Finagle's default `decayTime` is 10 seconds).
    pub ewma_ticks: u64,
}

crate::schema!(Config {
    clients: number(1, 4),
    backends: number(2, 16),
    large_backends: number(0, 16),
    slots: number(1, 64),
    queue: number(0, 1_000),
    algorithm: FieldKind::Choice {
        options: &Algorithm::NAMES
    },
    rate: number(1, 1_000),
    burst: number(1, 50),
    cost_min: number(1, 100_000),
    cost_max: number(1, 100_000),
    keys: number(0, 1_000_000),
    requests: number(0, 10_000_000),
    request_timeout: number(1, 1_000_000),
    client_timeout: number(1, 1_000_000),
    probe_every: number(0, 100_000),
    unhealthy_after: number(1, 100),
    healthy_after: number(1, 100),
    passive_errors: number(0, 100),
    retry_budget_pct: number(0, 100),
    ewma_ticks: number(1, 1_000_000),
});

impl Default for Config {
    fn default() -> Self {
        Config {
            clients: 2,
            backends: 4,
            large_backends: 1,
            slots: 2,
            queue: 8,
            algorithm: Algorithm::RoundRobin,
            rate: 20,
            burst: 1,
            cost_min: 20,
            cost_max: 180,
            keys: 100,
            requests: 0,
            request_timeout: 1_000,
            client_timeout: 3_000,
            probe_every: 200,
            unhealthy_after: 2,
            healthy_after: 2,
            passive_errors: 3,
            retry_budget_pct: 20,
            ewma_ticks: 10_000,
        }
    }
}

impl Config {
    /// The heavy-load preset, where the classic result of the power of two choices shows
    /// (Mitzenmacher 2001, §1: the gain grows with the load): 8 equal one-slot backends
    /// (10 requests a second each, work 20–180 ticks), 4 clients at 19 a second each
    /// (about 77 a second in all: 96% of capacity), long timeouts so that requests queue
    /// rather than fail.
    pub fn heavy_load() -> Config {
        Config {
            clients: 4,
            backends: 8,
            large_backends: 0,
            slots: 1,
            queue: 200,
            rate: 19,
            request_timeout: 60_000,
            client_timeout: 60_000,
            ..Config::default()
        }
    }
}

/// What a node is.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    Client(u32),
    Balancer,
    Backend(u32),
}

impl Config {
    pub fn node_count(&self) -> usize {
        (self.clients + 1 + self.backends) as usize
    }
    /// Node order: clients, the load balancer, backends.
    pub fn kind(&self, node: NodeId) -> Kind {
        let n = node.0;
        if n < self.clients {
            Kind::Client(n)
        } else if n == self.clients {
            Kind::Balancer
        } else {
            Kind::Backend(n - self.clients - 1)
        }
    }
    pub fn balancer_node(&self) -> NodeId {
        NodeId(self.clients)
    }
    pub fn backend_node(&self, index: u32) -> NodeId {
        NodeId(self.clients + 1 + index)
    }
    pub fn backend_index(&self, node: NodeId) -> u32 {
        node.0 - self.clients - 1
    }
    /// (slots, speed in percent) of a backend.
    pub fn capacity(&self, index: u32) -> (u32, u32) {
        if index < self.large_backends {
            (self.slots * 2, 200)
        } else {
            (self.slots, 100)
        }
    }
    /// The longest timeout (client or attempt) that keeps a client's requests in flight
    /// under [`MAX_WAITING`]: requests arrive `burst` at a time, every ⌊1000 / rate⌋ ticks
    /// on average.
    pub fn longest_timeout(&self) -> u64 {
        let gap = (1000 / self.rate.max(1)).max(1);
        MAX_WAITING * gap / u64::from(self.burst.max(1))
    }
    /// A backend's weight: its throughput relative to a normal backend's, slots × speed, so
    /// a large one (twice the slots, twice the speed) weighs 4. Weighted algorithms then
    /// send each backend its share of the capacity (nginx's `weight` is meant this way).
    pub fn weight(&self, index: u32) -> u32 {
        let (slots, speed) = self.capacity(index);
        slots * speed / (self.slots * 100)
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LoadBalancing;

impl Protocol for LoadBalancing {
    const NAME: &'static str = "load-balancing";
    type Config = Config;
    type Node = Node;
    type Durable = ();
    type Msg = Msg;
    type Timer = Timer;
    type Request = Request;
    type Note = Note;
    type Ghost = invariants::Ghost;
    type Metrics = metrics::Metrics;
    type Invariant = invariants::Invariant;

    fn validate(cfg: &Config) -> Result<(), ConfigError> {
        cfg.check_ranges()?;
        check_range(
            "large_backends",
            cfg.large_backends as u64,
            0,
            cfg.backends as u64,
        )?;
        check_order("cost_min", cfg.cost_min, "cost_max", cfg.cost_max)?;
        // Requests pile up at a client until it gives up, and at the balancer until the
        // attempt times out: keep what one client can have in flight bounded.
        let (field, got) = if cfg.client_timeout >= cfg.request_timeout {
            ("client_timeout", cfg.client_timeout)
        } else {
            ("request_timeout", cfg.request_timeout)
        };
        check_range(field, got, 1, cfg.longest_timeout())
    }
    fn node_count(cfg: &Config) -> usize {
        cfg.node_count()
    }
    fn init(cfg: &Config, id: NodeId, out: &mut Out<Self>) -> Node {
        node::init(cfg, id, out)
    }
    /// Nothing is durable: a crash loses everything a node held.
    fn durable(_node: &Node) {}
    fn weight(slot: &Slot<Self>) -> usize {
        1 + slot.state.as_ref().map_or(0, |n| match n {
            Node::Client(c) => c.outstanding.len(),
            Node::Balancer(b) => b.pending.len() + b.backends.len(),
            Node::Backend(k) => k.running.len() + k.queue.len(),
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
    fn on_restart(cfg: &Config, id: NodeId, _disk: &(), out: &mut Out<Self>) -> Node {
        node::restart(cfg, id, out)
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
    /// Slow a backend down or back to normal, have a client send a request now, or switch
    /// the balancer's algorithm.
    fn random_request(cfg: &Config, pick: &mut dyn FnMut(u64) -> u64) -> Option<(NodeId, Request)> {
        let kind = pick(5);
        if kind == 0 {
            let algorithm = Algorithm::ALL[pick(8) as usize];
            Some((cfg.balancer_node(), Request::UseAlgorithm { algorithm }))
        } else if kind < 3 {
            let b = cfg.backend_node(pick(cfg.backends as u64) as u32);
            let percent = [100, 400][pick(2) as usize];
            Some((b, Request::Slow { percent }))
        } else {
            Some((NodeId(pick(cfg.clients as u64) as u32), Request::SendNow))
        }
    }
}
