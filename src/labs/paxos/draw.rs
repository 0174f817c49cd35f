//! What the canvas and panels draw for Paxos: the roles, each node's status and log, the
//! slot grid, and what the checkers saw chosen.

use super::*;

/// One short status per role, joined, plus a tone: a proposer's ballot and phase, an
/// acceptor's promise and acceptances, a learner's values.
fn status(cfg: &Config, node: &Node, cat: &Catalog) -> (String, Tone, Vec<String>) {
    let p = &cat.paxos;
    let mut parts = Vec::new();
    let mut tone = Tone::Idle;
    let mut badges = Vec::new();
    if let Some(pr) = &node.proposer {
        let text = match pr.phase {
            Phase::Idle if pr.chosen.is_empty() => p.st_proposer_idle.to_string(),
            Phase::Idle => fill(p.st_proposer_knows, &[("n", &pr.chosen.len().to_string())]),
            Phase::Preparing => fill(
                p.st_proposer_preparing,
                &[
                    ("ballot", &ballot(&pr.ballot, cat)),
                    ("promises", &pr.promises.len().to_string()),
                    ("majority", &cfg.majority().to_string()),
                ],
            ),
            Phase::Leading => fill(
                p.st_proposer_leading,
                &[("ballot", &ballot(&pr.ballot, cat))],
            ),
        };
        tone = match pr.phase {
            Phase::Idle => Tone::Working,
            Phase::Preparing => Tone::Blocked,
            Phase::Leading => Tone::Good,
        };
        if cfg.cure_leader && pr.distinguished == pr.index {
            badges.push("★".to_string());
        }
        parts.push(text);
    }
    if node.roles.acceptor.is_some() {
        let d = &node.d;
        let text = match d.accepted.iter().next_back() {
            None => fill(p.st_acceptor, &[("promised", &ballot(&d.promised, cat))]),
            Some((slot, (b, v))) if !cfg.multi || d.accepted.len() == 1 => fill(
                p.st_acceptor_accepted,
                &[
                    ("promised", &ballot(&d.promised, cat)),
                    ("slot", &slot.to_string()),
                    ("accepted", &at(v, b, cat)),
                ],
            ),
            Some(_) => fill(
                p.st_acceptor_many,
                &[
                    ("promised", &ballot(&d.promised, cat)),
                    ("n", &d.accepted.len().to_string()),
                ],
            ),
        };
        if node.proposer.is_none() {
            tone = if d.accepted.is_empty() {
                Tone::Idle
            } else {
                Tone::Working
            };
        }
        parts.push(text);
    }
    if node.learner.is_some() {
        let learned = &node.d.learned;
        let text = match learned.iter().next_back() {
            None => p.st_learner_none.to_string(),
            Some((_, v)) if !cfg.multi => fill(p.st_learner, &[("value", &value(v, cat))]),
            Some(_) => fill(
                p.st_learner_many,
                &[("slots", &slots(learned.len() as u64, cat))],
            ),
        };
        if node.proposer.is_none() && node.roles.acceptor.is_none() {
            tone = if learned.is_empty() {
                Tone::Idle
            } else {
                Tone::Good
            };
        }
        parts.push(text);
    }
    (parts.join("; "), tone, badges)
}

/// The "Chosen" row's cell for one slot: every value chosen there (more than one only
/// when a bug switch broke a rule), each with the step it became chosen.
fn chosen_cell(chosen: &[&Chosen], cat: &Catalog) -> GridCell {
    let p = &cat.paxos;
    let Some(first) = chosen.first() else {
        return GridCell::Empty;
    };
    let each = |tpl: &str, c: &Chosen| {
        fill(
            tpl,
            &[
                ("value", &value(&c.value, cat)),
                ("ballot", &c.ballot.to_string()),
                ("step", &c.step.to_string()),
            ],
        )
    };
    let all = |tpl: &str, sep: &str| {
        let parts: Vec<String> = chosen.iter().map(|c| each(tpl, c)).collect();
        parts.join(sep)
    };
    GridCell::Text {
        text: all(p.grid_chosen_cell, " · "),
        tone: value_tone(&first.value),
        done: true,
        title: all(p.grid_chosen_title, "; "),
    }
}

/// A colour for a value, the same wherever it appears.
fn value_tone(v: &Value) -> u64 {
    match v {
        Value::Noop => 5,
        Value::V(s) => s
            .bytes()
            .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(b as u64)),
    }
}

impl Draw for Paxos {
    fn layout(cfg: &Config) -> Vec<Point> {
        if cfg.colocated {
            layout::ring(cfg.node_count())
        } else {
            layout::roles(
                cfg.proposers as usize,
                cfg.acceptors as usize,
                cfg.learners as usize,
            )
        }
    }

    fn links(cfg: &Config) -> Vec<(NodeId, NodeId)> {
        if cfg.colocated {
            return all_pairs(cfg.node_count());
        }
        let (acceptors, learners) = (cfg.acceptor_nodes(), cfg.learner_nodes());
        let proposers: Vec<NodeId> = (0..cfg.proposers).map(NodeId).collect();
        let mut links = Vec::new();
        for &a in &acceptors {
            links.extend(proposers.iter().map(|&p| (p, a)));
            links.extend(learners.iter().map(|&l| (a, l)));
        }
        if cfg.cure_leader || cfg.multi {
            for (i, &p) in proposers.iter().enumerate() {
                links.extend(proposers[i + 1..].iter().map(|&q| (p, q)));
            }
        }
        links
    }

    fn node_name(cfg: &Config, id: NodeId, cat: &Catalog) -> String {
        let base = name(cfg, id, cat);
        if cfg.colocated {
            fill(
                cat.paxos.node_with_roles,
                &[("node", &base), ("roles", &roles_text(cfg, id, cat))],
            )
        } else {
            base
        }
    }

    /// An acceptor whose acceptance made a value chosen belongs to that quorum, and shows it.
    fn node_status(
        cfg: &Config,
        id: NodeId,
        node: &Node,
        _slot: &Slot<Paxos>,
        ghost: &Ghost,
        _metrics: &(),
        cat: &Catalog,
    ) -> (String, Tone, Vec<String>) {
        let (text, mut tone, mut badges) = status(cfg, node, cat);
        let in_quorum = ghost.every_chosen().any(|(_, c)| c.quorum.contains(&id));
        if in_quorum {
            badges.push(cat.paxos.quorum_badge.to_string());
            if node.proposer.is_none() {
                tone = Tone::Good;
            }
        }
        (text, tone, badges)
    }

    /// Multi-Paxos, under each node: an acceptor's accepted values, a learner's learned
    /// ones. (With one slot, the status line already says it.)
    fn node_log(
        cfg: &Config,
        id: NodeId,
        slot: &Slot<Paxos>,
        newest: usize,
        cat: &Catalog,
    ) -> (usize, Vec<LogEntry>) {
        let r = cfg.roles(id);
        if !cfg.multi {
            return (0, Vec::new());
        }
        let d = &slot.disk;
        let text = |s: &u64, what: String| LogEntry {
            text: fill(
                cat.paxos.slot_item,
                &[("slot", &s.to_string()), ("what", &what)],
            ),
            on_disk: true,
        };
        if r.acceptor.is_some() {
            let (len, slots) = (d.accepted.len(), d.accepted.iter());
            log_tail(slots, len, newest, |(s, (b, v))| text(s, at(v, b, cat)))
        } else if r.learner.is_some() {
            let (len, slots) = (d.learned.len(), d.learned.iter());
            log_tail(slots, len, newest, |(s, v)| text(s, value(v, cat)))
        } else {
            (0, Vec::new())
        }
    }
}

impl LogGridView<Paxos> for Paxos {
    /// The slots: the value chosen in each (a fact before any node knows it), then each
    /// acceptor's accepted value and ballot, then what each learner learned.
    fn log_grid(
        &self,
        cfg: &Config,
        nodes: &[Slot<Paxos>],
        ghost: &Ghost,
        cat: &Catalog,
    ) -> LogGrid {
        let p = &cat.paxos;
        let chosen = ghost.chosen();
        let top = nodes
            .iter()
            .flat_map(|s| {
                let d = s.state.as_ref().map_or(&s.disk, |n| &n.d);
                d.accepted.keys().chain(d.learned.keys()).copied()
            })
            .chain(chosen.keys().copied())
            .max();
        let last = top.unwrap_or(0);
        let first = last.saturating_sub(crate::labs::GRID_COLUMNS - 1);
        let tone = value_tone;
        let is_chosen = |s: u64, v: &Value| ghost.chosen_in(s).iter().any(|c| c.value == *v);
        let mut rows = vec![LogGridRow {
            server: p.grid_chosen.to_string(),
            up: true,
            member: true,
            cells: (first..=last)
                .filter(|_| top.is_some())
                .map(|s| chosen_cell(&ghost.chosen_in(s), cat))
                .collect(),
        }];
        for (i, s) in nodes.iter().enumerate() {
            let r = cfg.roles(NodeId(i as u32));
            let d = s.state.as_ref().map_or(&s.disk, |n| &n.d);
            let cells = |f: &dyn Fn(u64) -> GridCell| {
                (first..=last).filter(|_| top.is_some()).map(f).collect()
            };
            if r.acceptor.is_some() {
                rows.push(LogGridRow {
                    server: name(cfg, NodeId(i as u32), cat),
                    up: s.is_up(),
                    member: true,
                    cells: cells(&|k| match d.accepted.get(&k) {
                        Some((b, v)) => GridCell::Text {
                            text: at(v, b, cat),
                            tone: tone(v),
                            done: is_chosen(k, v),
                            title: fill(p.grid_accepted_title, &[("accepted", &at(v, b, cat))]),
                        },
                        None => GridCell::Empty,
                    }),
                });
            }
            if r.learner.is_some() {
                rows.push(LogGridRow {
                    server: name(cfg, NodeId(i as u32), cat),
                    up: s.is_up(),
                    member: true,
                    cells: cells(&|k| match d.learned.get(&k) {
                        Some(v) => GridCell::Text {
                            text: value(v, cat),
                            tone: tone(v),
                            done: is_chosen(k, v),
                            title: fill(p.grid_learned_title, &[("value", &value(v, cat))]),
                        },
                        None => GridCell::Empty,
                    }),
                });
            }
        }
        LogGrid {
            title: p.grid_title,
            hint: p.grid_hint,
            column: p.grid_slot,
            first_index: first,
            last_index: last,
            rows,
        }
    }
}
