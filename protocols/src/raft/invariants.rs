//! Raft's safety properties (extended paper, Figure 3), checked after every step.

use super::msg::{Entry, Note, Term};
use super::node::{Disk, Role};
use super::Raft;
use crate::sim::{NodeId, Slot};
use std::collections::{BTreeMap, BTreeSet};

pub const ELECTION_SAFETY: usize = 0;
pub const LEADER_APPEND_ONLY: usize = 1;
pub const LOG_MATCHING: usize = 2;
pub const LEADER_COMPLETENESS: usize = 3;
pub const STATE_MACHINE_SAFETY: usize = 4;

pub const INVARIANTS: &[&str] = &[
    "election_safety",
    "leader_append_only",
    "log_matching",
    "leader_completeness",
    "state_machine_safety",
];

/// What the checkers remember: leaders by term, each leader's log terms when last seen,
/// every committed entry (its term, and the term it was first known committed in), and
/// what was applied at each index.
#[derive(Clone, Debug, Default)]
pub struct Ghost {
    leaders: BTreeMap<Term, NodeId>,
    /// Each leader's term, last log index and last entry's term when last seen.
    leader_logs: BTreeMap<NodeId, (Term, u64, Term)>,
    committed: BTreeMap<u64, (Term, Term)>,
    applied: BTreeMap<u64, (NodeId, Entry)>,
    reported: BTreeSet<(usize, u64)>,
}

/// A live server's log (with its snapshot: compacted entries are committed ones).
fn log_of(nodes: &[Slot<Raft>], n: NodeId) -> Option<&Disk> {
    nodes.get(n.index())?.state.as_ref().map(|s| &s.d)
}

pub fn check(
    ghost: &mut Ghost,
    nodes: &[Slot<Raft>],
    notes: &[(NodeId, Note)],
    found: &mut Vec<(usize, Note)>,
) {
    let mut report = |ghost: &mut Ghost, inv: usize, key: u64, detail: Note| {
        if ghost.reported.insert((inv, key)) {
            found.push((inv, detail));
        }
    };
    let mut changed = BTreeSet::new();
    for (node, note) in notes {
        match note {
            // Election Safety: at most one leader per term.
            Note::BecameLeader { term } => {
                let first = *ghost.leaders.entry(*term).or_insert(*node);
                if first != *node {
                    let detail = Note::TwoLeaders {
                        term: *term,
                        first,
                        second: *node,
                    };
                    report(ghost, ELECTION_SAFETY, term.0, detail);
                }
                // Leader Completeness: "if a log entry is committed in a given term, then
                // that entry will be present in the logs of the leaders for all
                // higher-numbered terms" (those below its snapshot are in the snapshot).
                // A leader of an older term can still be elected by late votes after a
                // newer term committed, without what that term committed.
                let missing = log_of(nodes, *node).and_then(|d| {
                    ghost
                        .committed
                        .range(d.snapshot.index + 1..)
                        .find(|(i, (t, when))| when < term && d.term_at(**i) != Some(*t))
                });
                if let Some((&index, _)) = missing {
                    let detail = Note::CommittedEntryMissing {
                        leader: *node,
                        term: *term,
                        index,
                    };
                    report(ghost, LEADER_COMPLETENESS, term.0, detail);
                }
                changed.insert(*node);
            }
            Note::Committed { index, .. } => {
                let Some(n) = nodes.get(node.index()).and_then(|s| s.state.as_ref()) else {
                    continue;
                };
                // A server learns of a commit in its current term: the committing
                // leader's, or (for a follower) the term of the leader that told it.
                let when = n.d.current_term;
                let from = ghost.committed.keys().next_back().map_or(1, |k| k + 1);
                for i in from..=*index {
                    if let Some(t) = n.d.term_at(i) {
                        ghost.committed.insert(i, (t, when));
                    }
                }
            }
            // A snapshot holds what the leader applied: it must agree with what others did.
            Note::SnapshotInstalled { index, term } => {
                if let Some((other, e)) = ghost.applied.get(index) {
                    if e.term != *term {
                        let detail = Note::DifferentApplied {
                            index: *index,
                            a: *other,
                            b: *node,
                        };
                        report(ghost, STATE_MACHINE_SAFETY, *index, detail);
                    }
                }
                changed.insert(*node);
            }
            // State Machine Safety: no two servers apply different entries at one index.
            Note::Applied { index, term, cmd } => {
                let entry = Entry {
                    term: *term,
                    cmd: cmd.clone(),
                };
                match ghost.applied.get(index) {
                    Some((other, e)) if *e != entry => {
                        let detail = Note::DifferentApplied {
                            index: *index,
                            a: *other,
                            b: *node,
                        };
                        report(ghost, STATE_MACHINE_SAFETY, *index, detail);
                    }
                    Some(_) => {}
                    None => {
                        ghost.applied.insert(*index, (*node, entry));
                    }
                }
            }
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
    check_leader_append_only(ghost, nodes, &mut report);
    check_log_matching(ghost, nodes, &changed, &mut report);
}

type Report<'a> = dyn FnMut(&mut Ghost, usize, u64, Note) + 'a;

/// Leader Append-Only: a leader never overwrites or deletes entries in its own log.
/// While it leads a term, its log never shrinks and the entry that was last when seen
/// before keeps its term: constant time per step (a leader could rewrite its log only by
/// truncating it, which this catches).
fn check_leader_append_only(ghost: &mut Ghost, nodes: &[Slot<Raft>], report: &mut Report) {
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
                report(ghost, LEADER_APPEND_ONLY, term.0, detail);
            }
        }
        ghost.leader_logs.insert(id, (term, len, node.last_term()));
    }
}

/// Log Matching: if two logs hold an entry with the same index and term, they are
/// identical up to that index. Checked for every log that changed this step, over the
/// indexes both logs still hold (compacted prefixes are committed, checked by the others).
fn check_log_matching(
    ghost: &mut Ghost,
    nodes: &[Slot<Raft>],
    changed: &BTreeSet<NodeId>,
    report: &mut Report,
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
                report(ghost, LOG_MATCHING, k, detail);
            }
        }
    }
}
