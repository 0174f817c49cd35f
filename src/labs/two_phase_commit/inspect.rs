//! The 2PC inspector: a node's disk, its volatile state and notes on what it means.

use super::*;

impl Inspect for TwoPhaseCommit {
    fn durable_rows(
        cfg: &Config,
        id: NodeId,
        slot: &Slot<TwoPhaseCommit>,
        cat: &Catalog,
    ) -> Vec<Row> {
        let c = &cat.tpc;
        let disk = &slot.disk.wal;
        let mut wal: Vec<String> = disk.iter().map(|r| record_text(r, cat)).collect();
        if wal.is_empty() {
            wal.push(c.wal_empty.to_string());
        }
        let mut rows = vec![Row::new(c.wal, wal.join(" · "))];
        // Records appended in memory but not yet written: the bug switch's window.
        if let Some(node) = &slot.state {
            let pending: Vec<String> = node
                .log
                .wal
                .iter()
                .skip(disk.len())
                .map(|r| record_text(r, cat))
                .collect();
            if !pending.is_empty() {
                rows.push(Row::new(c.wal_unflushed, pending.join(" · ")).warn(true));
            }
        }
        if id != NodeId(0) && id != TwoPhaseCommit::client(cfg) {
            let policy = if slot.disk.votes_no {
                c.policy_no
            } else {
                c.policy_yes
            };
            rows.push(Row::new(c.vote_policy, policy));
        }
        rows
    }

    fn volatile_rows(_cfg: &Config, _id: NodeId, node: &Node, cat: &Catalog) -> Vec<Row> {
        let c = &cat.tpc;
        let mut rows = Vec::new();
        match &node.role {
            Role::Coordinator { txns } => {
                for (x, t) in txns {
                    let phase = match t.phase {
                        CoordPhase::Working => c.phase_working,
                        CoordPhase::Collecting => c.phase_collecting,
                        CoordPhase::Committing => c.phase_committing,
                    };
                    let votes: Vec<String> = t
                        .votes
                        .iter()
                        .map(|(p, v)| {
                            let vote = if *v { c.yes } else { c.no };
                            fill(c.vote_entry, &[("p", &short(p.0, cat)), ("vote", vote)])
                        })
                        .collect();
                    let acks: Vec<String> = t.acks.iter().map(|p| short(p.0, cat)).collect();
                    let value = format!(
                        "{phase}; {} [{}]; {} [{}]",
                        c.votes,
                        votes.join(" "),
                        c.acks,
                        acks.join(" ")
                    );
                    rows.push(Row::new(txn(*x), value));
                }
            }
            Role::Participant { txns } => {
                for (x, s) in txns {
                    let (v, warn) = match s {
                        PartState::Working => (c.p_working, false),
                        PartState::Uncertain => (c.p_uncertain, true),
                        PartState::Committed => (c.p_committed, false),
                        PartState::Aborted => (c.p_aborted, false),
                    };
                    rows.push(Row::new(txn(*x), v).warn(warn));
                }
            }
            Role::Client { results } => {
                for (x, r) in results {
                    let v = match r {
                        None => c.client_pending,
                        Some(true) => c.client_committed,
                        Some(false) => c.client_aborted,
                    };
                    rows.push(Row::new(txn(*x), v));
                }
            }
        }
        if rows.is_empty() {
            rows.push(Row::new(c.txns, c.no_txns));
        }
        rows
    }

    fn inspector_notes(
        _cfg: &Config,
        id: NodeId,
        slot: &Slot<TwoPhaseCommit>,
        cat: &Catalog,
    ) -> Vec<String> {
        if id == NodeId(0) {
            return vec![cat.tpc.why_presumed_abort.to_string()];
        }
        let blocked = match slot.state.as_ref().map(|n| &n.role) {
            Some(Role::Participant { txns }) => txns.values().any(|s| *s == PartState::Uncertain),
            _ => false,
        };
        if blocked {
            vec![cat.tpc.why_blocked.to_string()]
        } else {
            vec![]
        }
    }
}
