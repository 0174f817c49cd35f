//! The sharded store's nodes: one enum over the three roles (servers in `server.rs` and
//! `handover.rs`, routers in `router.rs`, clients in `client.rs`), each with its own
//! state and disk, and the dispatch of every event to its role's handlers.

use super::client::Client;
use super::key::Key;
use super::msg::{Msg, Request, Stamp, Table, Timer};
use super::router::{Router, RouterDisk};
use super::server::{Server, ServerDisk};
use super::{Config, Kind, Sharding};
use crate::sim::{NodeId, Out};
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

pub(super) type O = Out<Sharding>;

/// How often Router 1 sends the table again to whoever has not confirmed a migration, and
/// a server its unacknowledged transfers.
pub(super) const NUDGE: u64 = 300;

/// A node's whole state: its role's.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Node {
    Server(Server),
    Router(Router),
    Client(Client),
}

/// What survives a crash, per role: a server's store and tables ([`ServerDisk`]); a
/// router's tables and its last request id ([`RouterDisk`]); a client keeps nothing.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Disk {
    /// A client's: nothing.
    #[default]
    Empty,
    Server(ServerDisk),
    Router(RouterDisk),
}

static NO_KEYS: BTreeMap<Key, (u64, Stamp)> = BTreeMap::new();

impl Disk {
    /// The keys stored (a server's; none elsewhere).
    pub fn store(&self) -> &BTreeMap<Key, (u64, Stamp)> {
        match self {
            Disk::Server(d) => &d.store,
            _ => &NO_KEYS,
        }
    }
    /// The table on disk (a router's always; a spare server's none yet).
    pub fn table(&self) -> Option<&Table> {
        match self {
            Disk::Server(d) => d.table.as_ref(),
            Disk::Router(d) => Some(&d.table),
            Disk::Empty => None,
        }
    }
}

/// Every disk serializes to one shape, the one the single disk type of every role had
/// (a router's with no keys and no handover, a server's with no request id).
#[derive(Serialize)]
struct Image<'a> {
    store: &'a BTreeMap<Key, (u64, Stamp)>,
    table: Option<&'a Table>,
    previous: Option<&'a Table>,
    next_id: u64,
    handed: u64,
    settled: u64,
}

impl Serialize for ServerDisk {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let image = Image {
            store: &self.store,
            table: self.table.as_ref(),
            previous: self.previous.as_ref(),
            next_id: 0,
            handed: self.handed,
            settled: self.settled,
        };
        image.serialize(s)
    }
}

impl Serialize for RouterDisk {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let image = Image {
            store: &NO_KEYS,
            table: Some(&self.table),
            previous: self.previous.as_ref(),
            next_id: self.next_id,
            handed: 0,
            settled: 0,
        };
        image.serialize(s)
    }
}

impl Serialize for Disk {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Disk::Server(d) => d.serialize(s),
            Disk::Router(d) => d.serialize(s),
            Disk::Empty => ServerDisk::default().serialize(s),
        }
    }
}

/// A node as it starts: the servers of the initial table and every router with table
/// version 1 on disk, spares with none; clients start their workload.
pub(super) fn init(cfg: &Config, me: NodeId, out: &mut O) -> Node {
    match cfg.kind(me) {
        Kind::Server(index) => Node::Server(Server::new(cfg, index, ServerDisk::default())),
        Kind::Router(index) => Node::Router(Router::new(index, RouterDisk::new(cfg))),
        Kind::Client(index) => Node::Client(Client::start(cfg, index, out)),
    }
}

/// The image [`Protocol::durable`](crate::sim::Protocol::durable) writes.
pub(super) fn durable(node: &Node) -> Disk {
    match node {
        Node::Server(s) => Disk::Server(s.d.clone()),
        Node::Router(r) => Disk::Router(r.d.clone()),
        Node::Client(_) => Disk::Empty,
    }
}

/// Recovery: a server reloads its store and tables and resumes handing over what moves;
/// Router 1 reloads its table and asks everyone to confirm the migration again; another
/// router reloads its table (Router 1's nudges, or a "moved", bring it a newer one); a
/// client starts a new life.
pub(super) fn restart(cfg: &Config, me: NodeId, disk: &Disk, out: &mut O) -> Node {
    match cfg.kind(me) {
        Kind::Server(index) => {
            let d = match disk {
                Disk::Server(d) => d.clone(),
                _ => ServerDisk::default(),
            };
            Node::Server(Server::restart(cfg, index, d, out))
        }
        Kind::Router(index) => {
            let d = match disk {
                Disk::Router(d) => d.clone(),
                _ => RouterDisk::new(cfg),
            };
            Node::Router(Router::restart(cfg, index, d, out))
        }
        Kind::Client(index) => Node::Client(Client::start(cfg, index, out)),
    }
}

/// A table and the one before it (what servers diff against), as a message.
pub(super) fn table_msg(table: &Table, previous: Option<&Table>) -> Msg {
    Msg::NewTable {
        table: Box::new(table.clone()),
        previous: previous.cloned().map(Box::new),
    }
}

pub(super) fn on_message(cfg: &Config, node: &mut Node, from: NodeId, msg: Msg, out: &mut O) {
    match node {
        Node::Server(s) => s.on_message(cfg, from, msg, out),
        Node::Router(r) => r.on_message(cfg, from, msg, out),
        Node::Client(c) => c.on_message(msg, out),
    }
}

pub(super) fn on_timer(cfg: &Config, node: &mut Node, timer: Timer, out: &mut O) {
    match node {
        Node::Server(s) => s.on_timer(cfg, timer, out),
        Node::Router(r) => r.on_timer(cfg, timer, out),
        Node::Client(c) => c.on_timer(cfg, timer, out),
    }
}

/// Requests go to Router 1 (changes) and to clients (typed keys); servers ignore them.
pub(super) fn on_request(cfg: &Config, node: &mut Node, req: Request, out: &mut O) {
    match node {
        Node::Server(_) => {}
        Node::Router(r) => r.on_request(cfg, req, out),
        Node::Client(c) => c.on_request(cfg, req, out),
    }
}
