//! Raft's safety properties (extended paper, Figure 3), checked after every step.

use super::msg::{Entry, Note, Term};
use super::node::Role;
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
/// every committed entry, and what was applied at each index.
#[derive(Clone, Debug, Default)]
pub struct Ghost {
    leaders: BTreeMap<Term, NodeId>,
    /// Each leader's term, log length and last entry's term when last seen.
    leader_logs: BTreeMap<NodeId, (Term, usize, Term)>,
    committed: BTreeMap<u64, Term>,
    applied: BTreeMap<u64, (NodeId, Entry)>,
    reported: BTreeSet<(usize, u64)>,
}

fn log_of(nodes: &[Slot<Raft>], n: NodeId) -> Option<&[Entry]> {
    nodes
        .get(n.index())?
        .state
        .as_ref()
        .map(|s| s.d.log.as_slice())
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
                // Leader Completeness: a new leader holds every committed entry.
                let log = log_of(nodes, *node).unwrap_or(&[]);
                let missing = ghost
                    .committed
                    .iter()
                    .find(|(i, t)| log.get(**i as usize - 1).map(|e| e.term) != Some(**t));
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
                let log = log_of(nodes, *node).unwrap_or(&[]);
                let from = ghost.committed.keys().next_back().map_or(1, |k| k + 1);
                for i in from..=*index {
                    if let Some(e) = log.get(i as usize - 1) {
                        ghost.committed.insert(i, e.term);
                    }
                }
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
            Note::Appended { .. } | Note::Recovered { .. } => {
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
        let (term, len) = (node.d.current_term, node.d.log.len());
        if let Some(&(was_term, was_len, was_last)) = ghost.leader_logs.get(&id) {
            let kept =
                was_len == 0 || node.d.log.get(was_len - 1).map(|e| e.term) == Some(was_last);
            if was_term == term && (len < was_len || !kept) {
                let detail = Note::LeaderRewroteLog {
                    leader: id,
                    term,
                    index: was_len.min(len) as u64,
                };
                report(ghost, LEADER_APPEND_ONLY, term.0, detail);
            }
        }
        ghost.leader_logs.insert(id, (term, len, node.last_term()));
    }
}

/// Log Matching: if two logs hold an entry with the same index and term, they are
/// identical up to that index. Checked for every log that changed this step.
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
            let common = la.len().min(lb.len());
            let Some(top) = (0..common).rev().find(|&k| la[k].term == lb[k].term) else {
                continue;
            };
            if let Some(k) = (0..=top).find(|&k| la[k] != lb[k]) {
                let detail = Note::LogsDiverge {
                    a,
                    b,
                    index: k as u64 + 1,
                };
                report(ghost, LOG_MATCHING, k as u64 + 1, detail);
            }
        }
    }
}
