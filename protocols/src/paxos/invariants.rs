//! Paxos's safety properties, checked after every step from what the nodes do.
//!
//! A value is *chosen* in a slot the moment a majority of acceptors has accepted it in one
//! ballot (§2.2), whether or not anyone knows yet; the checker records that moment.

use super::msg::{Ballot, Note, Value};
use super::{Config, Paxos};
use crate::sim::{NodeId, Reporter, Slot};
use std::collections::{BTreeMap, BTreeSet};

crate::invariants!(
    /// Paxos's safety properties, in the order the UI lists them.
    pub enum Invariant {
        OneValueChosen = "one_value_chosen",
        ChosenNeverChanges = "chosen_never_changes",
        AcceptRespectsPromise = "accept_respects_promise",
        LearnOnlyChosen = "learn_only_chosen",
    }
);

/// A value the checker saw become chosen: in which ballot, at which step, and the quorum
/// of acceptors that accepted it in that ballot (a majority, plus any that did later).
#[derive(Clone, Debug, PartialEq)]
pub struct Chosen {
    pub value: Value,
    pub ballot: Ballot,
    pub step: u64,
    pub quorum: BTreeSet<NodeId>,
}

#[derive(Clone, Debug, Default)]
pub struct Ghost {
    /// Steps checked so far (the index of the step being checked, plus one).
    steps: u64,
    /// Acceptances per (slot, ballot).
    votes: BTreeMap<(u64, Ballot), (Value, BTreeSet<NodeId>)>,
    chosen: BTreeMap<u64, Chosen>,
    /// Values chosen in a slot after its first one, in the order they became chosen: only
    /// a broken rule (a bug switch) makes any.
    later: BTreeMap<u64, Vec<Chosen>>,
    /// The highest ballot each acceptor ever promised, across its restarts.
    promised: BTreeMap<NodeId, Ballot>,
    /// What each learner or proposer has said it knows chosen, per slot.
    known: BTreeMap<(NodeId, u64), Value>,
    reporter: Reporter<Invariant, u64>,
}

impl Ghost {
    /// Every slot's chosen value (the first, if a bug let more be chosen), with the step
    /// it became chosen.
    pub fn chosen(&self) -> &BTreeMap<u64, Chosen> {
        &self.chosen
    }

    /// Every value chosen in `slot`, in the order they became chosen: one when Paxos's
    /// rules hold, more when a bug switch broke them.
    pub fn chosen_in(&self, slot: u64) -> Vec<&Chosen> {
        let later = self.later.get(&slot).into_iter().flatten();
        self.chosen.get(&slot).into_iter().chain(later).collect()
    }

    /// Every value chosen, in every slot, with its slot.
    pub fn every_chosen(&self) -> impl Iterator<Item = (u64, &Chosen)> {
        let first = self.chosen.iter().map(|(s, c)| (*s, c));
        let later = self
            .later
            .iter()
            .flat_map(|(s, cs)| cs.iter().map(move |c| (*s, c)));
        first.chain(later)
    }
}

type Found = Vec<(Invariant, Note)>;

/// Follows this step's notes: promises, acceptances (and so what is chosen), and what
/// each node says it knows chosen, checking each property on the way.
pub fn check(
    cfg: &Config,
    ghost: &mut Ghost,
    _nodes: &[Slot<Paxos>],
    notes: &[(NodeId, Note)],
    found: &mut Found,
) {
    let step = ghost.steps;
    ghost.steps += 1;
    for (node, note) in notes {
        match note {
            Note::Promised { ballot, .. } => {
                let p = ghost.promised.entry(*node).or_default();
                *p = (*p).max(*ballot);
            }
            Note::AcceptedValue {
                ballot,
                slot,
                value,
            } => {
                accept_respects_promise(ghost, *node, *ballot, found);
                if let Some((v, acks)) = count_vote(cfg, ghost, *node, *slot, *ballot, value) {
                    one_value_chosen(ghost, step, *slot, *ballot, v, acks, found);
                }
            }
            Note::Learned { slot, value, .. } | Note::KnowsChosen { slot, value } => {
                chosen_never_changes(ghost, *node, *slot, value, found);
                if matches!(note, Note::Learned { .. }) {
                    learn_only_chosen(ghost, *node, *slot, value, found);
                }
            }
            _ => {}
        }
    }
}

/// "An acceptor can accept a proposal numbered n iff it has not responded to a prepare
/// request having a number greater than n" (§2.2, P1a): no acceptor accepts a ballot below
/// its promise, even one it forgot.
fn accept_respects_promise(ghost: &mut Ghost, node: NodeId, ballot: Ballot, found: &mut Found) {
    let promised = ghost.promised.get(&node).copied().unwrap_or_default();
    if ballot < promised {
        let detail = Note::AcceptedBelowPromise {
            acceptor: node,
            ballot,
            promised,
        };
        let inv = Invariant::AcceptRespectsPromise;
        ghost.reporter.report(found, inv, node.0 as u64, detail);
    }
    ghost.promised.insert(node, promised.max(ballot));
}

/// Counts `node`'s acceptance in `slot` and `ballot`. Once a majority of acceptors has
/// accepted in that ballot, returns its value and the acceptors that accepted it.
fn count_vote(
    cfg: &Config,
    ghost: &mut Ghost,
    node: NodeId,
    slot: u64,
    ballot: Ballot,
    value: &Value,
) -> Option<(Value, BTreeSet<NodeId>)> {
    let (v, acks) = ghost
        .votes
        .entry((slot, ballot))
        .or_insert_with(|| (value.clone(), BTreeSet::new()));
    acks.insert(node);
    (acks.len() >= cfg.majority()).then(|| (v.clone(), acks.clone()))
}

/// "Only a single value is chosen" (§2.1): records `v` as chosen in `slot` by the quorum
/// `acks` in `ballot`, and reports a second value chosen in a slot that had one.
fn one_value_chosen(
    ghost: &mut Ghost,
    step: u64,
    slot: u64,
    ballot: Ballot,
    v: Value,
    acks: BTreeSet<NodeId>,
    found: &mut Found,
) {
    match ghost.chosen.get_mut(&slot) {
        Some(c) if c.value != v => {
            let detail = Note::TwoValuesChosen {
                slot,
                first: c.value.clone(),
                second: v.clone(),
            };
            let later = ghost.later.entry(slot).or_default();
            match later.iter_mut().find(|l| l.value == v) {
                Some(l) if l.ballot == ballot => l.quorum = acks,
                Some(_) => {}
                None => later.push(Chosen {
                    value: v,
                    ballot,
                    step,
                    quorum: acks,
                }),
            }
            let inv = Invariant::OneValueChosen;
            ghost.reporter.report(found, inv, slot, detail);
        }
        Some(c) => {
            if c.ballot == ballot {
                c.quorum = acks;
            }
        }
        None => {
            let chosen = Chosen {
                value: v,
                ballot,
                step,
                quorum: acks,
            };
            ghost.chosen.insert(slot, chosen);
        }
    }
}

/// A value known chosen never changes: what `node` says it knows chosen in `slot` is
/// what it said before, if it said anything (with "only a single value is chosen", §2.1,
/// what is chosen is chosen for good).
fn chosen_never_changes(
    ghost: &mut Ghost,
    node: NodeId,
    slot: u64,
    value: &Value,
    found: &mut Found,
) {
    if let Some(was) = ghost.known.insert((node, slot), value.clone()) {
        if was != *value {
            let detail = Note::ChosenChanged {
                node,
                slot,
                was,
                now: value.clone(),
            };
            let inv = Invariant::ChosenNeverChanges;
            ghost.reporter.report(found, inv, slot, detail);
        }
    }
}

/// "A process never learns that a value has been chosen unless it actually has been"
/// (§2.1): a learner learns only a value chosen in its slot.
fn learn_only_chosen(ghost: &mut Ghost, node: NodeId, slot: u64, value: &Value, found: &mut Found) {
    if !ghost.chosen_in(slot).iter().any(|c| c.value == *value) {
        let detail = Note::LearnedUnchosen {
            learner: node,
            slot,
            value: value.clone(),
        };
        let inv = Invariant::LearnOnlyChosen;
        ghost.reporter.report(found, inv, slot, detail);
    }
}
