//! Raft's safety properties (extended paper, Figure 3), checked after every step.

use super::msg::{Entry, Note, Term};
use super::node::{Disk, Role};
use super::Raft;
use crate::sim::chunked::ChunkedMap;
use crate::sim::{NodeId, Reporter, Slot};
use std::collections::{BTreeMap, BTreeSet};

crate::invariants!(
    /// Figure 3's properties, in the paper's order.
    pub enum Invariant {
        ElectionSafety = "election_safety",
        LeaderAppendOnly = "leader_append_only",
        LogMatching = "log_matching",
        LeaderCompleteness = "leader_completeness",
        StateMachineSafety = "state_machine_safety",
    }
);

/// What the checkers remember: leaders by term, each leader's log terms when last seen,
/// every committed entry (its term, and the term it was first known committed in), and
/// what was applied at each index. The last two grow with the run: they are kept in
/// shared chunks, so a checkpoint's clone stays small.
#[derive(Clone, Debug, Default)]
pub struct Ghost {
    leaders: BTreeMap<Term, NodeId>,
    /// Each leader's term, last log index and last entry's term when last seen.
    leader_logs: BTreeMap<NodeId, (Term, u64, Term)>,
    committed: ChunkedMap<(Term, Term)>,
    applied: ChunkedMap<(NodeId, Entry)>,
    reporter: Reporter<Invariant, u64>,
}

/// A live server's log (with its snapshot: compacted entries are committed ones).
fn log_of(nodes: &[Slot<Raft>], n: NodeId) -> Option<&Disk> {
    nodes.get(n.index())?.state.as_ref().map(|s| &s.d)
}

type Found = Vec<(Invariant, Note)>;

/// Follows this step's notes, then checks each property.
pub fn check(ghost: &mut Ghost, nodes: &[Slot<Raft>], notes: &[(NodeId, Note)], found: &mut Found) {
    let mut changed = BTreeSet::new();
    for (node, note) in notes {
        match note {
            Note::BecameLeader { term } => {
                election_safety(ghost, *node, *term, found);
                leader_completeness(ghost, nodes, *node, *term, found);
                changed.insert(*node);
            }
            Note::Committed { index, .. } => record_commit(ghost, nodes, *node, *index),
            Note::SnapshotInstalled { .. } => {
                state_machine_safety(ghost, *node, note, found);
                changed.insert(*node);
            }
            Note::Applied { .. } => state_machine_safety(ghost, *node, note, found),
            Note::Appended { .. } | Note::Recovered { .. } | Note::Snapshotted { .. } => {
                changed.insert(*node);
            }
            Note::Accepted {
                appended,
                truncated_from,
                ..
            } if *appended > 0 || truncated_from.is_some() => {
                changed.insert(*node);
            }
            _ => {}
        }
    }
    leader_append_only(ghost, nodes, found);
    log_matching(ghost, nodes, &changed, found);
}

/// Election Safety: at most one leader can be elected in a given term (§5.2).
fn election_safety(ghost: &mut Ghost, node: NodeId, term: Term, found: &mut Found) {
    let first = *ghost.leaders.entry(term).or_insert(node);
    if first != node {
        let detail = Note::TwoLeaders {
            term,
            first,
            second: node,
        };
        let inv = Invariant::ElectionSafety;
        ghost.reporter.report(found, inv, term.0, detail);
    }
}

/// Leader Completeness: "if a log entry is committed in a given term, then that entry
/// will be present in the logs of the leaders for all higher-numbered terms" (§5.4;
/// those below its snapshot are in the snapshot). A leader of an older term can still be
/// elected by late votes after a newer term committed, without what that term committed.
fn leader_completeness(
    ghost: &mut Ghost,
    nodes: &[Slot<Raft>],
    node: NodeId,
    term: Term,
    found: &mut Found,
) {
    let missing = log_of(nodes, node).and_then(|d| {
        ghost
            .committed
            .range_from(d.snapshot.index + 1)
            .find(|(i, (t, when))| *when < term && d.term_at(*i) != Some(*t))
    });
    if let Some((index, _)) = missing {
        let detail = Note::CommittedEntryMissing {
            leader: node,
            term,
            index,
        };
        let inv = Invariant::LeaderCompleteness;
        ghost.reporter.report(found, inv, term.0, detail);
    }
}

/// Remembers every entry up to `index` as committed, with the term it became known
/// committed in: a server learns of a commit in its current term, the committing
/// leader's or (for a follower) the term of the leader that told it.
fn record_commit(ghost: &mut Ghost, nodes: &[Slot<Raft>], node: NodeId, index: u64) {
    let Some(n) = nodes.get(node.index()).and_then(|s| s.state.as_ref()) else {
        return;
    };
    let when = n.d.current_term;
    let from = ghost.committed.last_key().map_or(1, |k| k + 1);
    for i in from..=index {
        if let Some(t) = n.d.term_at(i) {
            ghost.committed.insert(i, (t, when));
        }
    }
}

/// State Machine Safety: if a server has applied a log entry at a given index to its
/// state machine, no other server will ever apply a different log entry for the same
/// index (§5.4.3). A snapshot holds what the leader applied: it must agree with what
/// others did.
fn state_machine_safety(ghost: &mut Ghost, node: NodeId, note: &Note, found: &mut Found) {
    let (index, differs) = match note {
        Note::SnapshotInstalled { index, term } => {
            let differs = ghost.applied.get(*index).filter(|(_, e)| e.term != *term);
            (*index, differs.map(|(other, _)| *other))
        }
        Note::Applied { index, term, cmd } => {
            let entry = Entry {
                term: *term,
                cmd: cmd.clone(),
            };
            match ghost.applied.get(*index) {
                Some((other, e)) => (*index, (*e != entry).then_some(*other)),
                None => {
                    ghost.applied.insert(*index, (node, entry));
                    return;
                }
            }
        }
        _ => return,
    };
    if let Some(other) = differs {
        let detail = Note::DifferentApplied {
            index,
            a: other,
            b: node,
        };
        let inv = Invariant::StateMachineSafety;
        ghost.reporter.report(found, inv, index, detail);
    }
}

/// Leader Append-Only: a leader never overwrites or deletes entries in its own log
/// (§5.3). While it leads a term, its log never shrinks and the entry that was last when
/// seen before keeps its term: constant time per step (a leader could rewrite its log
/// only by truncating it, which this catches).
fn leader_append_only(ghost: &mut Ghost, nodes: &[Slot<Raft>], found: &mut Found) {
    for (i, slot) in nodes.iter().enumerate() {
        let id = NodeId(i as u32);
        let Some(node) = slot
            .state
            .as_ref()
            .filter(|n| matches!(n.role, Role::Leader { .. }))
        else {
            ghost.leader_logs.remove(&id);
            continue;
        };
        let (term, len) = (node.d.current_term, node.last_index());
        if let Some(&(was_term, was_len, was_last)) = ghost.leader_logs.get(&id) {
            // Compaction is not rewriting: an entry in the snapshot was kept.
            let kept = was_len <= node.d.snapshot.index || node.term_at(was_len) == Some(was_last);
            if was_term == term && (len < was_len || !kept) {
                let detail = Note::LeaderRewroteLog {
                    leader: id,
                    term,
                    index: was_len.min(len),
                };
                let inv = Invariant::LeaderAppendOnly;
                ghost.reporter.report(found, inv, term.0, detail);
            }
        }
        ghost.leader_logs.insert(id, (term, len, node.last_term()));
    }
}

/// Log Matching: if two logs contain an entry with the same index and term, then the
/// logs are identical in all entries up through the given index (§5.3). Checked for
/// every log that changed this step, over the indexes both logs still hold (compacted
/// prefixes are committed, checked by the others).
fn log_matching(
    ghost: &mut Ghost,
    nodes: &[Slot<Raft>],
    changed: &BTreeSet<NodeId>,
    found: &mut Found,
) {
    for &a in changed {
        let Some(la) = log_of(nodes, a) else { continue };
        for b in (0..nodes.len() as u32).map(NodeId).filter(|b| *b != a) {
            let Some(lb) = log_of(nodes, b) else { continue };
            let low = la.snapshot.index.max(lb.snapshot.index) + 1;
            let high = la.last_index().min(lb.last_index());
            let Some(top) = (low..=high).rev().find(|&k| la.term_at(k) == lb.term_at(k)) else {
                continue;
            };
            if let Some(k) = (low..=top).find(|&k| la.entry(k) != lb.entry(k)) {
                let detail = Note::LogsDiverge { a, b, index: k };
                ghost
                    .reporter
                    .report(found, Invariant::LogMatching, k, detail);
            }
        }
    }
}
