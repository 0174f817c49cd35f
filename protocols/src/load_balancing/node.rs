//! The load-balancing nodes: one enum over the three roles (clients in `client.rs`, the
//! balancer in `balancer.rs`, backends in `backend.rs`), and the dispatch of every event
//! to its role's handlers.

use super::msg::{Msg, Note, Request, Timer};
use super::{backend, balancer, client};
use super::{Config, Kind, LoadBalancing};
use crate::sim::{NodeId, Out};
use serde::Serialize;

pub use super::backend::{Backend, Job};
pub use super::balancer::{BackendView, Balancer, Pending};
pub use super::client::Client;

pub(super) type O = Out<LoadBalancing>;

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Node {
    Client(Client),
    Balancer(Balancer),
    Backend(Backend),
}

pub(super) fn init(cfg: &Config, me: NodeId, out: &mut O) -> Node {
    match cfg.kind(me) {
        Kind::Client(index) => Node::Client(client::init(cfg, index, out)),
        Kind::Balancer => Node::Balancer(balancer::init(cfg, out)),
        Kind::Backend(index) => Node::Backend(backend::init(cfg, index)),
    }
}

/// Everything is volatile: a restarted backend is empty, a restarted balancer forgets its
/// health view and its requests (their clients time out), a restarted client starts anew.
pub(super) fn restart(cfg: &Config, me: NodeId, out: &mut O) -> Node {
    out.note(Note::Restarted);
    init(cfg, me, out)
}

pub(super) fn on_timer(cfg: &Config, node: &mut Node, timer: Timer, out: &mut O) {
    match node {
        Node::Client(c) => client::on_timer(cfg, c, timer, out),
        Node::Balancer(b) => balancer::on_timer(cfg, b, timer, out),
        Node::Backend(k) => backend::on_timer(k, timer, out),
    }
}

pub(super) fn on_request(cfg: &Config, node: &mut Node, req: Request, out: &mut O) {
    match node {
        Node::Client(c) => client::on_request(cfg, c, req, out),
        Node::Balancer(b) => balancer::on_request(b, req, out),
        Node::Backend(k) => backend::on_request(k, req, out),
    }
}

pub(super) fn on_message(cfg: &Config, node: &mut Node, from: NodeId, msg: Msg, out: &mut O) {
    match node {
        Node::Client(c) => client::on_message(c, msg, out),
        Node::Balancer(b) => balancer::on_message(cfg, b, from, msg, out),
        Node::Backend(k) => backend::on_message(cfg, k, from, msg, out),
    }
}
