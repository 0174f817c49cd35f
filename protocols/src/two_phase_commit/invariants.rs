//! The safety properties of atomic commitment, checked after every step. The numbers
//! AC1–AC3 are those of Bernstein, Hadzilacos & Goodman, "Concurrency Control and
//! Recovery in Database Systems" (1987), ch. 7 (AC4 and AC5 are liveness). Gray & Lamport,
//! "Consensus on Transaction Commit" (2006), §2, state AC1 as *Consistency* and AC2 as
//! *Stability*, and their specification commits only once every participant is prepared
//! (AC3).

use super::msg::{Note, Txn};
use super::TwoPhaseCommit;
use crate::sim::{NodeId, Reporter, Slot};
use std::collections::{BTreeMap, BTreeSet};

crate::invariants!(
    /// The safety properties of atomic commitment, in the order the UI lists them.
    pub enum Invariant {
        /// AC1: all processes that reach a decision reach the same one.
        Atomicity = "atomicity",
        /// AC3: commit only if every participant voted yes.
        NoVoterNeverCommits = "no_voter_never_commits",
        /// AC2: a decision, once reached, is never reversed.
        DecisionNeverReversed = "decision_never_reversed",
    }
);

/// The checkers' memory: every outcome each node ever reached, and every no vote.
#[derive(Clone, Debug, Default)]
pub struct Ghost {
    outcomes: BTreeMap<Txn, BTreeMap<NodeId, bool>>,
    voted_no: BTreeSet<(NodeId, Txn)>,
    reporter: Reporter<Invariant, Txn>,
}

type Found = Vec<(Invariant, Note)>;

/// Updates the ghost from this step's notes and reports each broken property once per transaction.
pub fn check(
    ghost: &mut Ghost,
    _nodes: &[Slot<TwoPhaseCommit>],
    notes: &[(NodeId, Note)],
    found: &mut Found,
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
        decision_never_reversed(ghost, *node, txn, commit, found);
        atomicity(ghost, *node, txn, commit, found);
        ghost.outcomes.entry(txn).or_default().insert(*node, commit);
        if commit {
            no_voter_never_commits(ghost, txn, found);
        }
    }
}

/// AC2: a decision, once reached, is never reversed (even across a crash): `node`, which
/// reached `commit` for `txn`, never reached the other outcome before.
fn decision_never_reversed(
    ghost: &mut Ghost,
    node: NodeId,
    txn: Txn,
    commit: bool,
    found: &mut Found,
) {
    let was = ghost.outcomes.get(&txn).and_then(|seen| seen.get(&node));
    if let Some(&was) = was.filter(|was| **was != commit) {
        let detail = Note::DecisionReversed {
            txn,
            node,
            was_commit: was,
        };
        let inv = Invariant::DecisionNeverReversed;
        ghost.reporter.report(found, inv, txn, detail);
    }
}

/// AC1: all processes that reach a decision reach the same one: no other node reached
/// the other outcome for `txn`. The witness named is a participant when there is one:
/// the clearest account.
fn atomicity(ghost: &mut Ghost, node: NodeId, txn: Txn, commit: bool, found: &mut Found) {
    let Some(seen) = ghost.outcomes.get(&txn) else {
        return;
    };
    let witness = seen
        .iter()
        .filter(|(n, c)| **n != node && **c != commit)
        .max_by_key(|(n, _)| n.0 != 0);
    if let Some((&other, _)) = witness {
        let (committed_at, aborted_at) = if commit { (node, other) } else { (other, node) };
        let detail = Note::AtomicityBroken {
            txn,
            committed_at,
            aborted_at,
        };
        ghost
            .reporter
            .report(found, Invariant::Atomicity, txn, detail);
    }
}

/// AC3: commit only if every participant voted yes: no node voted no on `txn`, which
/// some node committed.
fn no_voter_never_commits(ghost: &mut Ghost, txn: Txn, found: &mut Found) {
    if let Some((voter, _)) = ghost.voted_no.iter().find(|(_, t)| *t == txn) {
        let detail = Note::NoVoterCommitted { txn, node: *voter };
        let inv = Invariant::NoVoterNeverCommits;
        ghost.reporter.report(found, inv, txn, detail);
    }
}
