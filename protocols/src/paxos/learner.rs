//! The learner's rule (§2.3): a value accepted by a majority in one ballot is learned.

use super::msg::{Ballot, Note, Value};
use super::node::{Node, O};
use super::Config;
use crate::sim::NodeId;
use std::collections::BTreeSet;

/// §2.3, learning a chosen value: a learner that hears that a majority of acceptors
/// accepted one proposal (one ballot, one slot) has learned its value.
pub(super) fn on_accepted_at_learner(
    cfg: &Config,
    node: &mut Node,
    acceptor: NodeId,
    ballot: Ballot,
    slot: u64,
    value: Value,
    out: &mut O,
) {
    let Some(l) = node.learner.as_mut() else {
        return;
    };
    let (v, acks) = l
        .votes
        .entry((slot, ballot))
        .or_insert_with(|| (value.clone(), BTreeSet::new()));
    acks.insert(acceptor);
    if acks.len() >= cfg.majority() && node.d.learned.get(&slot) != Some(v) {
        let value = v.clone();
        node.d.learned.insert(slot, value.clone());
        node.touched.push((false, slot));
        out.persist();
        out.note(Note::Learned {
            slot,
            value,
            ballot,
        });
    }
}
