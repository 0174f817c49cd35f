//! The Paxos inspector: a node's durable and volatile state, and notes on its roles.

use super::*;

fn phase_text(phase: &Phase, cat: &Catalog) -> &'static str {
    match phase {
        Phase::Idle => cat.paxos.ph_idle,
        Phase::Preparing => cat.paxos.ph_preparing,
        Phase::Leading => cat.paxos.ph_leading,
    }
}

impl Inspect for Paxos {
    fn durable_rows(cfg: &Config, id: NodeId, slot: &Slot<Paxos>, cat: &Catalog) -> Vec<Row> {
        let p = &cat.paxos;
        let d = &slot.disk;
        let r = cfg.roles(id);
        let mut rows = vec![Row::new(p.roles, roles_text(cfg, id, cat))];
        if r.proposer.is_some() {
            rows.push(Row::new(p.last_round, d.round.to_string()));
        }
        if r.acceptor.is_some() {
            rows.push(Row::new(p.promised, ballot(&d.promised, cat)));
            rows.push(Row::new(
                p.accepted,
                slot_list(
                    d.accepted.iter().map(|(s, (b, v))| (*s, at(v, b, cat))),
                    cat,
                ),
            ));
        }
        if r.learner.is_some() {
            rows.push(Row::new(
                p.learned,
                slot_list(d.learned.iter().map(|(s, v)| (*s, value(v, cat))), cat),
            ));
        }
        rows
    }

    fn volatile_rows(cfg: &Config, _id: NodeId, node: &Node, cat: &Catalog) -> Vec<Row> {
        let p = &cat.paxos;
        let mut rows = Vec::new();
        if let Some(pr) = &node.proposer {
            rows.push(Row::new(p.ballot, ballot(&pr.ballot, cat)));
            rows.push(Row::new(p.phase, phase_text(&pr.phase, cat)));
            if let Some(own) = &pr.own {
                rows.push(Row::new(p.own_value, value(own, cat)));
            }
            let promises: Vec<String> = pr
                .promises
                .iter()
                .map(|(a, list)| {
                    fill(
                        p.promise_from,
                        &[
                            ("node", &name(cfg, *a, cat)),
                            ("accepted", &accepted_list(list, cat)),
                        ],
                    )
                })
                .collect();
            rows.push(Row::new(
                p.promises,
                if promises.is_empty() {
                    p.nothing.to_string()
                } else {
                    promises.join(" · ")
                },
            ));
            rows.push(Row::new(
                p.proposals,
                slot_list(
                    pr.proposals.iter().map(|(s, v)| {
                        let acks = pr.accepts.get(s).map_or(0, |a| a.len());
                        let what = fill(
                            p.proposal_acks,
                            &[
                                ("value", &value(v, cat)),
                                ("acks", &acks.to_string()),
                                ("majority", &cfg.majority().to_string()),
                            ],
                        );
                        (*s, what)
                    }),
                    cat,
                ),
            ));
            rows.push(Row::new(
                p.known_chosen,
                slot_list(pr.chosen.iter().map(|(s, v)| (*s, value(v, cat))), cat),
            ));
            if cfg.multi {
                let pending: Vec<String> = pr.pending.iter().map(|v| value(v, cat)).collect();
                rows.push(Row::new(
                    p.pending,
                    if pending.is_empty() {
                        p.nothing.to_string()
                    } else {
                        pending.join(", ")
                    },
                ));
            }
            if cfg.cure_leader {
                rows.push(Row::new(
                    p.distinguished,
                    name(cfg, cfg.proposer_node(pr.distinguished), cat),
                ));
            }
        }
        if let Some(l) = &node.learner {
            let heard = l
                .votes
                .iter()
                .rev()
                .take(4)
                .map(|((s, b), (v, acks))| {
                    fill(
                        p.votes_item,
                        &[
                            ("slot", &s.to_string()),
                            ("accepted", &at(v, b, cat)),
                            ("acks", &acks.len().to_string()),
                            ("majority", &cfg.majority().to_string()),
                        ],
                    )
                })
                .collect::<Vec<_>>();
            rows.push(Row::new(
                p.heard,
                if heard.is_empty() {
                    p.nothing.to_string()
                } else {
                    heard.join(" · ")
                },
            ));
        }
        rows
    }

    fn inspector_notes(
        cfg: &Config,
        id: NodeId,
        _slot: &Slot<Paxos>,
        cat: &Catalog,
    ) -> Vec<String> {
        if cfg.colocated {
            vec![fill(
                cat.paxos.plays,
                &[("roles", &roles_text(cfg, id, cat))],
            )]
        } else {
            Vec::new()
        }
    }
}
