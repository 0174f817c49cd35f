//! The Paxos lab: proposers, acceptors and learners, their ballots, promises and accepted
//! values, the moment a value becomes chosen, and Multi-Paxos's slots. Each trait of
//! [`super::lab`] is implemented in its file: `draw.rs` (with the log grid), `narrate.rs`,
//! `inspect.rs` and `act.rs`; the lab's text is in `text.rs`.

mod act;
mod draw;
mod inspect;
pub mod lessons;
mod narrate;
#[cfg(test)]
mod tests;
pub mod text;

use super::lab::*;
use super::sim::settings_from;
use super::Tone;
use super::{GridCell, LabId, LogEntry, LogGrid, LogGridRow, Row, Setting};
use crate::i18n::{count, fill, Catalog};
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
    count(n, cat.paxos.slots_one, cat.paxos.slots_many)
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

fn name(cfg: &Config, id: NodeId, cat: &Catalog) -> String {
    let p = &cat.paxos;
    let n = |k: u32| (k + 1).to_string();
    if cfg.colocated {
        return fill(p.node, &[("n", &n(id.0))]);
    }
    let r = cfg.roles(id);
    match (r.proposer, r.acceptor, r.learner) {
        (Some(k), _, _) => fill(p.proposer, &[("n", &n(k))]),
        (_, Some(k), _) => fill(p.acceptor, &[("n", &n(k))]),
        (_, _, Some(k)) => fill(p.learner, &[("n", &n(k))]),
        _ => fill(p.node, &[("n", &n(id.0))]),
    }
}

/// The roles a node plays, in words ("proposer, acceptor, learner").
fn roles_text(cfg: &Config, id: NodeId, cat: &Catalog) -> String {
    let r = cfg.roles(id);
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

impl Lab for Paxos {
    const LAB: LabId = LabId::Paxos;
    const EXTRAS: Extras<Self> = Extras {
        log_grid: Some(&Paxos),
        ..Extras::NONE
    };
}
