//! The safety properties of atomic commitment, checked after every step. The numbers
//! AC1–AC3 are those of Bernstein, Hadzilacos & Goodman, "Concurrency Control and
//! Recovery in Database Systems" (1987), ch. 7 (AC4 and AC5 are liveness). Gray & Lamport,
//! "Consensus on Transaction Commit" (2006), §2, state AC1 as *Consistency* and AC2 as
//! *Stability*, and their specification commits only once every participant is prepared
//! (AC3).

use super::msg::{Note, Txn};
use super::TwoPhaseCommit;
use crate::sim::{NodeId, Slot};
use std::collections::{BTreeMap, BTreeSet};

pub const ATOMICITY: usize = 0;
pub const NO_VOTER_NEVER_COMMITS: usize = 1;
pub const DECISION_NEVER_REVERSED: usize = 2;

/// Stable ids, in index order; the UI's catalog names and explains each.
pub const INVARIANTS: &[&str] = &[
    "atomicity",
    "no_voter_never_commits",
    "decision_never_reversed",
];

/// The checkers' memory: every outcome each node ever reached, and every no vote.
#[derive(Clone, Debug, Default)]
pub struct Ghost {
    outcomes: BTreeMap<Txn, BTreeMap<NodeId, bool>>,
    voted_no: BTreeSet<(NodeId, Txn)>,
    reported: BTreeSet<(usize, Txn)>,
}

/// Updates the ghost from this step's notes and reports each broken property once per transaction.
pub fn check(
    ghost: &mut Ghost,
    _nodes: &[Slot<TwoPhaseCommit>],
    notes: &[(NodeId, Note)],
    found: &mut Vec<(usize, Note)>,
) {
    for (node, note) in notes {
        let (txn, commit) = match *note {
            Note::Voted { txn, yes: false } => {
                ghost.voted_no.insert((*node, txn));
                continue;
            }
            Note::Applied { txn, commit } => (txn, commit),
            Note::DecidedCommit { txn, .. } => (txn, true),
            Note::DecidedAbort { txn, .. } => (txn, false),
            _ => continue,
        };
        let mut report = |inv: usize, detail: Note| {
            if ghost.reported.insert((inv, txn)) {
                found.push((inv, detail));
            }
        };
        // AC2: a decision, once reached, is never reversed (even across a crash).
        let seen = ghost.outcomes.entry(txn).or_default();
        if let Some(&was) = seen.get(node) {
            if was != commit {
                report(
                    DECISION_NEVER_REVERSED,
                    Note::DecisionReversed {
                        txn,
                        node: *node,
                        was_commit: was,
                    },
                );
            }
        }
        // AC1: all processes that reach a decision reach the same one.
        // The witness named is a participant when there is one: the clearest account.
        let conflicting = |n: &&NodeId, c: &&bool| **n != *node && **c != commit;
        let witness = seen
            .iter()
            .filter(|(n, c)| conflicting(n, c))
            .max_by_key(|(n, _)| n.0 != 0);
        if let Some((&other, _)) = witness {
            let (committed_at, aborted_at) = if commit {
                (*node, other)
            } else {
                (other, *node)
            };
            report(
                ATOMICITY,
                Note::AtomicityBroken {
                    txn,
                    committed_at,
                    aborted_at,
                },
            );
        }
        seen.insert(*node, commit);
        // AC3: commit only if every participant voted yes.
        if commit {
            if let Some((voter, _)) = ghost.voted_no.iter().find(|(_, t)| *t == txn) {
                report(
                    NO_VOTER_NEVER_COMMITS,
                    Note::NoVoterCommitted { txn, node: *voter },
                );
            }
        }
    }
}
