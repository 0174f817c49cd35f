//! The Raft inspector: a server's durable and volatile state.

use super::*;

impl Inspect for Raft {
    fn durable_rows(_cfg: &Config, _id: NodeId, slot: &Slot<Raft>, cat: &Catalog) -> Vec<Row> {
        let r = &cat.raft;
        let d = &slot.disk;
        let first = d.snapshot.index as usize + 1;
        let log: Vec<String> = d
            .log
            .iter()
            .enumerate()
            .map(|(i, e)| entry_text(first + i, e, cat))
            .collect();
        let snapshot = if d.snapshot.index == 0 {
            r.snapshot_none.to_string()
        } else {
            fill(
                r.snapshot_value,
                &[
                    ("index", &d.snapshot.index.to_string()),
                    ("term", &d.snapshot.term.0.to_string()),
                    ("members", &servers(&d.snapshot.members, cat)),
                    ("kv", &kv_text(&d.snapshot.kv, cat)),
                ],
            )
        };
        vec![
            Row::new(r.current_term, d.current_term.0.to_string()),
            Row::new(
                r.voted_for,
                d.voted_for.map_or(r.nobody.to_string(), |v| server(v, cat)),
            ),
            Row::new(r.snapshot, snapshot),
            Row::new(
                r.log,
                if log.is_empty() {
                    r.log_empty.to_string()
                } else {
                    log.join(" · ")
                },
            ),
        ]
    }

    fn volatile_rows(cfg: &Config, id: NodeId, node: &Node, cat: &Catalog) -> Vec<Row> {
        let r = &cat.raft;
        let (status, _, _) = role_text(id, node, cat);
        let config = fill(
            if node.config_index <= node.commit_index {
                r.config_committed
            } else {
                r.config_pending
            },
            &[
                ("members", &servers(&node.config, cat)),
                ("index", &node.config_index.to_string()),
            ],
        );
        let mut rows = vec![
            Row::new(r.role, status),
            Row::new(r.commit_index, node.commit_index.to_string()),
            Row::new(r.last_applied, node.last_applied.to_string()),
            Row::new(
                r.leader_hint,
                node.leader
                    .map_or(r.unknown.to_string(), |l| server(l, cat)),
            ),
            Row::new(r.state_machine, kv_text(&node.kv, cat)),
            Row::new(r.configuration, config),
        ];
        match &node.role {
            Role::PreCandidate { votes } => {
                let v: Vec<String> = votes.iter().map(|v| server(*v, cat)).collect();
                rows.push(Row::new(r.pre_votes, v.join(", ")));
            }
            Role::Candidate { votes } => {
                let v: Vec<String> = votes.iter().map(|v| server(*v, cat)).collect();
                rows.push(Row::new(r.votes, v.join(", ")));
            }
            Role::Leader {
                next_index,
                match_index,
                heard,
            } => {
                if cfg.check_quorum {
                    rows.push(Row::new(r.heard_since_check, servers(heard, cat)));
                }
                for (f, next) in next_index {
                    let name = server(*f, cat);
                    rows.push(Row::new(
                        fill(r.next_index, &[("server", &name)]),
                        next.to_string(),
                    ));
                    rows.push(Row::new(
                        fill(r.match_index, &[("server", &name)]),
                        match_index[f].to_string(),
                    ));
                }
            }
            Role::Follower => {}
        }
        rows
    }

    fn inspector_notes(
        _cfg: &Config,
        _id: NodeId,
        _slot: &Slot<Raft>,
        _cat: &Catalog,
    ) -> Vec<String> {
        Vec::new()
    }
}
