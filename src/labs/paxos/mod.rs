//! The Paxos lab: proposers, acceptors and learners, their ballots, promises and accepted
//! values, the moment a value becomes chosen, and Multi-Paxos's slots. The trait impl
//! below only delegates: drawing in `draw.rs`, sentences in `narrate.rs`, the inspector in
//! `inspect.rs`, actions and settings in `act.rs`, and the lab's text in `text.rs`.

mod act;
mod draw;
mod inspect;
mod narrate;
#[cfg(test)]
mod tests;
pub mod text;

use super::sim::{settings_from, LabProtocol};
use super::Tone;
use super::{Action, GridCell, LabId, LogEntry, LogGrid, LogGridRow, Row, Setting};
use crate::i18n::{fill, Catalog};
use crate::view_model::layout::{self, Point};
use protocols::paxos::invariants::{Chosen, Ghost};
use protocols::paxos::msg::{AcceptedIn, Cause};
use protocols::paxos::{Ballot, Config, Msg, Node, Note, Paxos, Phase, Request, Timer, Value};
use protocols::sim::{NodeId, Slot};

fn ballot(b: &Ballot, cat: &Catalog) -> String {
    if *b == Ballot::ZERO {
        cat.paxos.none.to_string()
    } else {
        b.to_string()
    }
}

fn value(v: &Value, cat: &Catalog) -> String {
    match v {
        Value::Noop => cat.paxos.noop.to_string(),
        Value::V(s) => s.clone(),
    }
}

/// "A@1.2": a value and the ballot it was accepted in.
fn at(v: &Value, b: &Ballot, cat: &Catalog) -> String {
    fill(
        cat.paxos.value_at,
        &[("value", &value(v, cat)), ("ballot", &b.to_string())],
    )
}

/// "1 slot", "3 slots".
fn slots(n: u64, cat: &Catalog) -> String {
    if n == 1 {
        cat.paxos.slots_one.to_string()
    } else {
        fill(cat.paxos.slots_many, &[("n", &n.to_string())])
    }
}

fn slot_list(items: impl Iterator<Item = (u64, String)>, cat: &Catalog) -> String {
    let parts: Vec<String> = items
        .map(|(s, t)| {
            fill(
                cat.paxos.slot_item,
                &[("slot", &s.to_string()), ("what", &t)],
            )
        })
        .collect();
    if parts.is_empty() {
        cat.paxos.nothing.to_string()
    } else {
        parts.join(" · ")
    }
}

fn name(cfg: &Config, id: usize, cat: &Catalog) -> String {
    let p = &cat.paxos;
    let n = |k: u32| (k + 1).to_string();
    if cfg.colocated {
        return fill(p.node, &[("n", &(id + 1).to_string())]);
    }
    let r = cfg.roles(NodeId(id as u32));
    match (r.proposer, r.acceptor, r.learner) {
        (Some(k), _, _) => fill(p.proposer, &[("n", &n(k))]),
        (_, Some(k), _) => fill(p.acceptor, &[("n", &n(k))]),
        (_, _, Some(k)) => fill(p.learner, &[("n", &n(k))]),
        _ => fill(p.node, &[("n", &(id + 1).to_string())]),
    }
}

/// The roles a node plays, in words ("proposer, acceptor, learner").
fn roles_text(cfg: &Config, id: usize, cat: &Catalog) -> String {
    let r = cfg.roles(NodeId(id as u32));
    let p = &cat.paxos;
    let roles: Vec<&str> = [
        (r.proposer.is_some(), p.role_proposer),
        (r.acceptor.is_some(), p.role_acceptor),
        (r.learner.is_some(), p.role_learner),
    ]
    .into_iter()
    .filter_map(|(has, n)| has.then_some(n))
    .collect();
    roles.join(", ")
}

fn accepted_list(list: &[AcceptedIn], cat: &Catalog) -> String {
    slot_list(
        list.iter().map(|a| (a.slot, at(&a.value, &a.ballot, cat))),
        cat,
    )
}

impl LabProtocol for Paxos {
    const LAB: LabId = LabId::Paxos;

    fn layout(cfg: &Config) -> Vec<Point> {
        draw::layout(cfg)
    }

    fn links(cfg: &Config) -> Vec<(usize, usize)> {
        draw::links(cfg)
    }

    fn node_name(cfg: &Config, id: usize, cat: &Catalog) -> String {
        draw::node_name(cfg, id, cat)
    }

    fn node_status(
        cfg: &Config,
        id: usize,
        node: &Node,
        slot: &Slot<Self>,
        ghost: &Ghost,
        cat: &Catalog,
    ) -> (String, Tone, Vec<String>) {
        draw::node_status(cfg, id, node, slot, ghost, cat)
    }

    fn msg_label(msg: &Msg, cat: &Catalog) -> String {
        narrate::msg_label(msg, cat)
    }

    fn msg_tone(msg: &Msg) -> Tone {
        narrate::msg_tone(msg)
    }

    fn msg_fields(msg: &Msg, cat: &Catalog) -> Vec<Row> {
        narrate::msg_fields(msg, cat)
    }

    fn timer_label(timer: &Timer, cat: &Catalog) -> String {
        narrate::timer_label(timer, cat)
    }

    fn request_text(req: &Request, cat: &Catalog) -> String {
        narrate::request_text(req, cat)
    }

    fn note_text(cfg: &Config, node: usize, note: &Note, cat: &Catalog) -> String {
        narrate::note_text(cfg, node, note, cat)
    }

    fn invariant_text(invariant: Self::Invariant, cat: &Catalog) -> (&'static str, &'static str) {
        narrate::invariant_text(invariant, cat)
    }

    fn durable_rows(cfg: &Config, id: usize, slot: &Slot<Self>, cat: &Catalog) -> Vec<Row> {
        inspect::durable_rows(cfg, id, slot, cat)
    }

    fn volatile_rows(cfg: &Config, id: usize, node: &Node, cat: &Catalog) -> Vec<Row> {
        inspect::volatile_rows(cfg, id, node, cat)
    }

    fn node_log(cfg: &Config, id: usize, slot: &Slot<Self>, cat: &Catalog) -> Vec<LogEntry> {
        draw::node_log(cfg, id, slot, cat)
    }

    fn log_grid(
        cfg: &Config,
        nodes: &[Slot<Self>],
        ghost: &Ghost,
        cat: &Catalog,
    ) -> Option<LogGrid> {
        draw::log_grid(cfg, nodes, ghost, cat)
    }

    fn observations(cfg: &Config, ghost: &Ghost, step: u64, cat: &Catalog) -> Vec<String> {
        draw::observations(cfg, ghost, step, cat)
    }

    fn inspector_notes(cfg: &Config, id: usize, slot: &Slot<Self>, cat: &Catalog) -> Vec<String> {
        inspect::inspector_notes(cfg, id, slot, cat)
    }

    fn actions(cfg: &Config, id: usize, node: &Node, cat: &Catalog) -> Vec<Action> {
        act::actions(cfg, id, node, cat)
    }

    fn action_request(
        cfg: &Config,
        nodes: &[Slot<Self>],
        id: usize,
        action: &str,
        salt: u64,
    ) -> Option<(usize, Request)> {
        act::action_request(cfg, nodes, id, action, salt)
    }

    fn settings(cfg: &Config, cat: &Catalog) -> Vec<Setting> {
        act::settings(cfg, cat)
    }
}
