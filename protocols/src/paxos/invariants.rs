//! Paxos's safety properties, checked after every step from what the nodes do.
//!
//! A value is *chosen* in a slot the moment a majority of acceptors has accepted it in one
//! ballot (§2.2), whether or not anyone knows yet; the checker records that moment.

use super::msg::{Ballot, Note, Value};
use super::{Config, Paxos};
use crate::sim::{NodeId, Slot};
use std::collections::{BTreeMap, BTreeSet};

pub const ONE_VALUE_CHOSEN: usize = 0;
pub const CHOSEN_NEVER_CHANGES: usize = 1;
pub const ACCEPT_RESPECTS_PROMISE: usize = 2;
pub const LEARN_ONLY_CHOSEN: usize = 3;

pub const INVARIANTS: &[&str] = &[
    "one_value_chosen",
    "chosen_never_changes",
    "accept_respects_promise",
    "learn_only_chosen",
];

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
    reported: BTreeSet<(usize, u64)>,
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

pub fn check(
    cfg: &Config,
    ghost: &mut Ghost,
    _nodes: &[Slot<Paxos>],
    notes: &[(NodeId, Note)],
    found: &mut Vec<(usize, Note)>,
) {
    let step = ghost.steps;
    ghost.steps += 1;
    let mut report = |ghost: &mut Ghost, inv: usize, key: u64, detail: Note| {
        if ghost.reported.insert((inv, key)) {
            found.push((inv, detail));
        }
    };
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
                // "No acceptor accepts a ballot below its promise", even one it forgot.
                let promised = ghost.promised.get(node).copied().unwrap_or_default();
                if *ballot < promised {
                    let detail = Note::AcceptedBelowPromise {
                        acceptor: *node,
                        ballot: *ballot,
                        promised,
                    };
                    report(ghost, ACCEPT_RESPECTS_PROMISE, node.0 as u64, detail);
                }
                ghost.promised.insert(*node, promised.max(*ballot));
                let (v, acks) = ghost
                    .votes
                    .entry((*slot, *ballot))
                    .or_insert_with(|| (value.clone(), BTreeSet::new()));
                acks.insert(*node);
                if acks.len() < cfg.majority() {
                    continue;
                }
                let (v, acks) = (v.clone(), acks.clone());
                match ghost.chosen.get_mut(slot) {
                    // At most one value is chosen per slot.
                    Some(c) if c.value != v => {
                        let detail = Note::TwoValuesChosen {
                            slot: *slot,
                            first: c.value.clone(),
                            second: v.clone(),
                        };
                        let later = ghost.later.entry(*slot).or_default();
                        match later.iter_mut().find(|l| l.value == v) {
                            Some(l) if l.ballot == *ballot => l.quorum = acks,
                            Some(_) => {}
                            None => later.push(Chosen {
                                value: v,
                                ballot: *ballot,
                                step,
                                quorum: acks,
                            }),
                        }
                        report(ghost, ONE_VALUE_CHOSEN, *slot, detail);
                    }
                    Some(c) => {
                        if c.ballot == *ballot {
                            c.quorum = acks;
                        }
                    }
                    None => {
                        ghost.chosen.insert(
                            *slot,
                            Chosen {
                                value: v,
                                ballot: *ballot,
                                step,
                                quorum: acks,
                            },
                        );
                    }
                }
            }
            Note::Learned { slot, value, .. } | Note::KnowsChosen { slot, value } => {
                if let Some(was) = ghost.known.insert((*node, *slot), value.clone()) {
                    if was != *value {
                        let detail = Note::ChosenChanged {
                            node: *node,
                            slot: *slot,
                            was,
                            now: value.clone(),
                        };
                        report(ghost, CHOSEN_NEVER_CHANGES, *slot, detail);
                    }
                }
                let chosen_here = ghost.chosen_in(*slot).iter().any(|c| c.value == *value);
                if matches!(note, Note::Learned { .. }) && !chosen_here {
                    let detail = Note::LearnedUnchosen {
                        learner: *node,
                        slot: *slot,
                        value: value.clone(),
                    };
                    report(ghost, LEARN_ONLY_CHOSEN, *slot, detail);
                }
            }
            _ => {}
        }
    }
}
