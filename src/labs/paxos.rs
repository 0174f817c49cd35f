//! The Paxos lab: proposers, acceptors and learners, their ballots, promises and accepted
//! values, the moment a value becomes chosen, and Multi-Paxos's slots.

use super::sim::{settings_from, LabProtocol};
use super::Tone;
use super::{Action, GridCell, LabId, LogEntry, LogGrid, LogGridRow, Row, Setting};
use crate::i18n::{fill, Catalog};
use crate::view_model::layout::{self, Point};
use protocols::paxos::invariants::{Chosen, Ghost};
use protocols::paxos::msg::{AcceptedIn, Cause};
use protocols::paxos::{Ballot, Config, Msg, Node, Note, Paxos, Phase, Request, Timer, Value};
use protocols::sim::{NodeId, Slot};

fn ballot(b: &Ballot, cat: &Catalog) -> String {
    if *b == Ballot::ZERO {
        cat.paxos.none.to_string()
    } else {
        b.to_string()
    }
}

fn value(v: &Value, cat: &Catalog) -> String {
    match v {
        Value::Noop => cat.paxos.noop.to_string(),
        Value::V(s) => s.clone(),
    }
}

/// "A@1.2": a value and the ballot it was accepted in.
fn at(v: &Value, b: &Ballot, cat: &Catalog) -> String {
    fill(
        cat.paxos.value_at,
        &[("value", &value(v, cat)), ("ballot", &b.to_string())],
    )
}

/// "1 slot", "3 slots".
fn slots(n: u64, cat: &Catalog) -> String {
    if n == 1 {
        cat.paxos.slots_one.to_string()
    } else {
        fill(cat.paxos.slots_many, &[("n", &n.to_string())])
    }
}

fn slot_list(items: impl Iterator<Item = (u64, String)>, cat: &Catalog) -> String {
    let parts: Vec<String> = items
        .map(|(s, t)| {
            fill(
                cat.paxos.slot_item,
                &[("slot", &s.to_string()), ("what", &t)],
            )
        })
        .collect();
    if parts.is_empty() {
        cat.paxos.nothing.to_string()
    } else {
        parts.join(" · ")
    }
}

fn name(cfg: &Config, id: usize, cat: &Catalog) -> String {
    let p = &cat.paxos;
    let n = |k: u32| (k + 1).to_string();
    if cfg.colocated {
        return fill(p.node, &[("n", &(id + 1).to_string())]);
    }
    let r = cfg.roles(NodeId(id as u32));
    match (r.proposer, r.acceptor, r.learner) {
        (Some(k), _, _) => fill(p.proposer, &[("n", &n(k))]),
        (_, Some(k), _) => fill(p.acceptor, &[("n", &n(k))]),
        (_, _, Some(k)) => fill(p.learner, &[("n", &n(k))]),
        _ => fill(p.node, &[("n", &(id + 1).to_string())]),
    }
}

/// The roles a node plays, in words ("proposer, acceptor, learner").
fn roles_text(cfg: &Config, id: usize, cat: &Catalog) -> String {
    let r = cfg.roles(NodeId(id as u32));
    let p = &cat.paxos;
    let roles: Vec<&str> = [
        (r.proposer.is_some(), p.role_proposer),
        (r.acceptor.is_some(), p.role_acceptor),
        (r.learner.is_some(), p.role_learner),
    ]
    .into_iter()
    .filter_map(|(has, n)| has.then_some(n))
    .collect();
    roles.join(", ")
}

fn phase_text(phase: &Phase, cat: &Catalog) -> &'static str {
    match phase {
        Phase::Idle => cat.paxos.ph_idle,
        Phase::Preparing => cat.paxos.ph_preparing,
        Phase::Leading => cat.paxos.ph_leading,
    }
}

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

fn accepted_list(list: &[AcceptedIn], cat: &Catalog) -> String {
    slot_list(
        list.iter().map(|a| (a.slot, at(&a.value, &a.ballot, cat))),
        cat,
    )
}

impl LabProtocol for Paxos {
    const LAB: LabId = LabId::Paxos;

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

    fn links(cfg: &Config) -> Vec<(usize, usize)> {
        let n = cfg.node_count();
        if cfg.colocated {
            return (0..n)
                .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
                .collect();
        }
        let idx = |v: Vec<NodeId>| v.into_iter().map(|n| n.index()).collect::<Vec<_>>();
        let (acceptors, learners) = (idx(cfg.acceptor_nodes()), idx(cfg.learner_nodes()));
        let proposers: Vec<usize> = (0..cfg.proposers as usize).collect();
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

    fn node_name(cfg: &Config, id: usize, cat: &Catalog) -> String {
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
        id: usize,
        node: &Node,
        _slot: &Slot<Self>,
        ghost: &Ghost,
        cat: &Catalog,
    ) -> (String, Tone, Vec<String>) {
        let (text, mut tone, mut badges) = status(cfg, node, cat);
        let in_quorum = ghost
            .every_chosen()
            .any(|(_, c)| c.quorum.contains(&NodeId(id as u32)));
        if in_quorum {
            badges.push(cat.paxos.quorum_badge.to_string());
            if node.proposer.is_none() {
                tone = Tone::Good;
            }
        }
        (text, tone, badges)
    }

    fn msg_label(msg: &Msg, cat: &Catalog) -> String {
        let p = &cat.paxos;
        match msg {
            Msg::Prepare { ballot: b, .. } => fill(p.m_prepare, &[("ballot", &b.to_string())]),
            Msg::Promise {
                ballot: b,
                accepted,
            } => match accepted.iter().max_by_key(|a| a.ballot) {
                None => fill(p.m_promise, &[("ballot", &b.to_string())]),
                Some(a) => fill(
                    p.m_promise_with,
                    &[
                        ("ballot", &b.to_string()),
                        ("accepted", &at(&a.value, &a.ballot, cat)),
                    ],
                ),
            },
            Msg::Nack {
                ballot: b,
                promised,
            } => fill(
                p.m_nack,
                &[
                    ("ballot", &b.to_string()),
                    ("promised", &promised.to_string()),
                ],
            ),
            Msg::Accept {
                ballot: b,
                slot,
                value: v,
            } => fill(
                p.m_accept,
                &[
                    ("ballot", &b.to_string()),
                    ("slot", &slot.to_string()),
                    ("value", &value(v, cat)),
                ],
            ),
            Msg::Accepted {
                ballot: b,
                slot,
                value: v,
            } => fill(
                p.m_accepted,
                &[
                    ("ballot", &b.to_string()),
                    ("slot", &slot.to_string()),
                    ("value", &value(v, cat)),
                ],
            ),
            Msg::Heartbeat => p.m_heartbeat.to_string(),
            Msg::Forward { value: v } => fill(p.m_forward, &[("value", &value(v, cat))]),
        }
    }

    fn msg_tone(msg: &Msg) -> Tone {
        match msg {
            Msg::Prepare { .. } => Tone::Blocked,
            Msg::Promise { .. } | Msg::Accepted { .. } => Tone::Good,
            Msg::Nack { .. } => Tone::Bad,
            Msg::Accept { .. } | Msg::Forward { .. } | Msg::Heartbeat => Tone::Working,
        }
    }

    fn msg_fields(msg: &Msg, cat: &Catalog) -> Vec<Row> {
        let p = &cat.paxos;
        let b = |x: &Ballot| x.to_string();
        match msg {
            Msg::Prepare { ballot, from_slot } => vec![
                Row::new(p.f_ballot, b(ballot)),
                Row::new(p.f_from_slot, from_slot.to_string()),
            ],
            Msg::Promise { ballot, accepted } => vec![
                Row::new(p.f_ballot, b(ballot)),
                Row::new(p.f_accepted, accepted_list(accepted, cat)),
            ],
            Msg::Nack { ballot, promised } => vec![
                Row::new(p.f_ballot, b(ballot)),
                Row::new(p.f_promised, b(promised)),
            ],
            Msg::Accept {
                ballot,
                slot,
                value: v,
            }
            | Msg::Accepted {
                ballot,
                slot,
                value: v,
            } => vec![
                Row::new(p.f_ballot, b(ballot)),
                Row::new(p.f_slot, slot.to_string()),
                Row::new(p.f_value, value(v, cat)),
            ],
            Msg::Heartbeat => vec![],
            Msg::Forward { value: v } => vec![Row::new(p.f_value, value(v, cat))],
        }
    }

    fn timer_label(timer: &Timer, cat: &Catalog) -> String {
        let p = &cat.paxos;
        match timer {
            Timer::Start => p.t_start,
            Timer::Retry => p.t_retry,
            Timer::Backoff => p.t_backoff,
            Timer::Heartbeat => p.t_heartbeat,
            Timer::Check => p.t_check,
        }
        .to_string()
    }

    fn request_text(req: &Request, cat: &Catalog) -> String {
        match req {
            Request::Submit { command } => fill(cat.paxos.r_submit, &[("command", command)]),
            Request::ProposeNow => cat.paxos.r_propose_now.to_string(),
        }
    }

    fn note_text(cfg: &Config, node: usize, note: &Note, cat: &Catalog) -> String {
        let p = &cat.paxos;
        let me = name(cfg, node, cat);
        let n = |id: &NodeId| name(cfg, id.index(), cat);
        let bt = |x: &Ballot| ballot(x, cat);
        let s = |v: &u64| v.to_string();
        match note {
            Note::Preparing {
                ballot: b,
                from_slot,
            } => {
                let tpl = if cfg.multi {
                    p.n_preparing_from
                } else {
                    p.n_preparing
                };
                fill(
                    tpl,
                    &[("node", &me), ("ballot", &bt(b)), ("slot", &s(from_slot))],
                )
            }
            Note::PromisedByMajority { ballot: b } => {
                fill(p.n_promised_majority, &[("node", &me), ("ballot", &bt(b))])
            }
            Note::Proposing {
                ballot: b,
                slot,
                value: v,
                adopted,
                ignored,
            } => {
                let (tpl, from, reported) = match (adopted, ignored) {
                    (Some(a), _) => (p.n_proposing_adopted, bt(a), String::new()),
                    (None, Some((i, r))) if r == v => {
                        (p.n_proposing_ignored_same, bt(i), String::new())
                    }
                    (None, Some((i, r))) => (p.n_proposing_ignored, bt(i), value(r, cat)),
                    (None, None) if *v == Value::Noop => {
                        (p.n_proposing_noop, String::new(), String::new())
                    }
                    (None, None) => (p.n_proposing_own, String::new(), String::new()),
                };
                fill(
                    tpl,
                    &[
                        ("node", &me),
                        ("ballot", &bt(b)),
                        ("slot", &s(slot)),
                        ("value", &value(v, cat)),
                        ("from", &from),
                        ("reported", &reported),
                    ],
                )
            }
            Note::Preempted {
                ballot: b,
                promised,
            } => fill(
                p.n_preempted,
                &[
                    ("node", &me),
                    ("ballot", &bt(b)),
                    ("promised", &bt(promised)),
                ],
            ),
            Note::BackingOff { ticks_max } => {
                let wait = match ticks_max {
                    1 => p.ticks_one.to_string(),
                    n => fill(p.ticks_many, &[("n", &n.to_string())]),
                };
                fill(p.n_backing_off, &[("node", &me), ("wait", &wait)])
            }
            Note::KnowsChosen { slot, value: v } => fill(
                p.n_knows_chosen,
                &[("node", &me), ("slot", &s(slot)), ("value", &value(v, cat))],
            ),
            Note::NotProposing { cause } => match cause {
                Cause::NotDistinguished => fill(p.n_not_distinguished, &[("node", &me)]),
                Cause::NothingToDo => fill(p.n_nothing_to_do, &[("node", &me)]),
            },
            Note::Queued { value: v } => {
                fill(p.n_queued, &[("node", &me), ("value", &value(v, cat))])
            }
            Note::Forwarded { value: v, to } => fill(
                p.n_forwarded,
                &[("node", &me), ("value", &value(v, cat)), ("to", &n(to))],
            ),
            Note::Distinguished { proposer } => fill(
                p.n_distinguished,
                &[("node", &me), ("leader", &n(proposer))],
            ),
            Note::Resending {
                ballot: b,
                slots: n,
            } => fill(
                p.n_resending,
                &[
                    ("node", &me),
                    ("ballot", &bt(b)),
                    ("slots", &slots(*n, cat)),
                ],
            ),
            Note::Promised {
                ballot: b,
                previous,
            } => fill(
                p.n_promised,
                &[
                    ("node", &me),
                    ("ballot", &bt(b)),
                    ("previous", &bt(previous)),
                ],
            ),
            Note::RefusedPrepare {
                ballot: b,
                promised,
            } => fill(
                p.n_refused_prepare,
                &[
                    ("node", &me),
                    ("ballot", &bt(b)),
                    ("promised", &bt(promised)),
                ],
            ),
            Note::AcceptedValue {
                ballot: b,
                slot,
                value: v,
            } => fill(
                p.n_accepted,
                &[
                    ("node", &me),
                    ("ballot", &bt(b)),
                    ("slot", &s(slot)),
                    ("value", &value(v, cat)),
                ],
            ),
            Note::RefusedAccept {
                ballot: b,
                promised,
            } => fill(
                p.n_refused_accept,
                &[
                    ("node", &me),
                    ("ballot", &bt(b)),
                    ("promised", &bt(promised)),
                ],
            ),
            Note::Recovered { promised, accepted } => fill(
                p.n_recovered,
                &[
                    ("node", &me),
                    ("promised", &bt(promised)),
                    ("slots", &slots(*accepted, cat)),
                ],
            ),
            Note::Learned {
                slot,
                value: v,
                ballot: b,
            } => fill(
                p.n_learned,
                &[
                    ("node", &me),
                    ("slot", &s(slot)),
                    ("value", &value(v, cat)),
                    ("ballot", &bt(b)),
                ],
            ),
            Note::TwoValuesChosen {
                slot,
                first,
                second,
            } => fill(
                p.n_two_chosen,
                &[
                    ("slot", &s(slot)),
                    ("first", &value(first, cat)),
                    ("second", &value(second, cat)),
                ],
            ),
            Note::ChosenChanged {
                node: who,
                slot,
                was,
                now,
            } => fill(
                p.n_chosen_changed,
                &[
                    ("node", &n(who)),
                    ("slot", &s(slot)),
                    ("was", &value(was, cat)),
                    ("now", &value(now, cat)),
                ],
            ),
            Note::AcceptedBelowPromise {
                acceptor,
                ballot: b,
                promised,
            } => fill(
                p.n_below_promise,
                &[
                    ("node", &n(acceptor)),
                    ("ballot", &bt(b)),
                    ("promised", &bt(promised)),
                ],
            ),
            Note::LearnedUnchosen {
                learner,
                slot,
                value: v,
            } => fill(
                p.n_learned_unchosen,
                &[
                    ("node", &n(learner)),
                    ("slot", &s(slot)),
                    ("value", &value(v, cat)),
                ],
            ),
        }
    }

    fn invariant_text(index: usize, cat: &Catalog) -> (&'static str, &'static str) {
        let p = &cat.paxos;
        match index {
            0 => (p.inv_one_chosen, p.inv_one_chosen_help),
            1 => (p.inv_never_changes, p.inv_never_changes_help),
            2 => (p.inv_promise, p.inv_promise_help),
            _ => (p.inv_learn, p.inv_learn_help),
        }
    }

    fn durable_rows(cfg: &Config, id: usize, slot: &Slot<Self>, cat: &Catalog) -> Vec<Row> {
        let p = &cat.paxos;
        let d = &slot.disk;
        let r = cfg.roles(NodeId(id as u32));
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

    fn volatile_rows(cfg: &Config, _id: usize, node: &Node, cat: &Catalog) -> Vec<Row> {
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
                            ("node", &name(cfg, a.index(), cat)),
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
                    name(cfg, cfg.proposer_node(pr.distinguished).index(), cat),
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

    /// Multi-Paxos, under each node: an acceptor's accepted values, a learner's learned
    /// ones. (With one slot, the status line already says it.)
    fn node_log(cfg: &Config, id: usize, slot: &Slot<Self>, cat: &Catalog) -> Vec<LogEntry> {
        let r = cfg.roles(NodeId(id as u32));
        if !cfg.multi {
            return Vec::new();
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
            d.accepted
                .iter()
                .map(|(s, (b, v))| text(s, at(v, b, cat)))
                .collect()
        } else if r.learner.is_some() {
            d.learned
                .iter()
                .map(|(s, v)| text(s, value(v, cat)))
                .collect()
        } else {
            Vec::new()
        }
    }

    /// The slots: the value chosen in each (a fact before any node knows it), then each
    /// acceptor's accepted value and ballot, then what each learner learned.
    fn log_grid(
        cfg: &Config,
        nodes: &[Slot<Self>],
        ghost: &Ghost,
        cat: &Catalog,
    ) -> Option<LogGrid> {
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
        let first = last.saturating_sub(super::GRID_COLUMNS - 1);
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
                    server: name(cfg, i, cat),
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
                    server: name(cfg, i, cat),
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
        Some(LogGrid {
            title: p.grid_title,
            hint: p.grid_hint,
            column: p.grid_slot,
            first_index: first,
            last_index: last,
            rows,
        })
    }

    /// The moment a value becomes chosen: a majority accepted it in one ballot. No node
    /// knows it yet; the lab says so. A second value chosen in a slot (a bug switch) is
    /// told as such.
    fn observations(_cfg: &Config, ghost: &Ghost, step: u64, cat: &Catalog) -> Vec<String> {
        let first = |slot: u64, c: &Chosen| ghost.chosen().get(&slot) == Some(c);
        ghost
            .every_chosen()
            .filter(|(_, c)| c.step == step)
            .map(|(slot, c)| {
                let tpl = if first(slot, c) {
                    cat.paxos.o_chosen
                } else {
                    cat.paxos.o_chosen_again
                };
                fill(
                    tpl,
                    &[
                        ("slot", &slot.to_string()),
                        ("value", &value(&c.value, cat)),
                        ("ballot", &c.ballot.to_string()),
                    ],
                )
            })
            .collect()
    }

    fn inspector_notes(cfg: &Config, id: usize, _slot: &Slot<Self>, cat: &Catalog) -> Vec<String> {
        if cfg.colocated {
            vec![fill(
                cat.paxos.plays,
                &[("roles", &roles_text(cfg, id, cat))],
            )]
        } else {
            Vec::new()
        }
    }

    fn actions(cfg: &Config, _id: usize, node: &Node, cat: &Catalog) -> Vec<Action> {
        let mut actions = Vec::new();
        if node.proposer.is_some() {
            actions.push(Action {
                id: "propose_now",
                label: cat.paxos.propose_now,
            });
            if cfg.multi {
                actions.push(Action {
                    id: "client_command",
                    label: cat.paxos.client_command,
                });
            }
        }
        actions
    }

    fn action_request(
        _cfg: &Config,
        _nodes: &[Slot<Self>],
        id: usize,
        action: &str,
        salt: u64,
    ) -> Option<(usize, Request)> {
        let request = match action {
            "propose_now" => Request::ProposeNow,
            "client_command" => {
                let (key, value) = protocols::sim::demo_write(&mut |n| salt % n);
                Request::Submit {
                    command: format!("{key}={value}"),
                }
            }
            _ => return None,
        };
        Some((id, request))
    }

    fn settings(cfg: &Config, cat: &Catalog) -> Vec<Setting> {
        let p = &cat.paxos;
        settings_from(
            cfg,
            &[
                ("proposers", p.s_proposers, ""),
                ("acceptors", p.s_acceptors, ""),
                ("learners", p.s_learners, ""),
                ("colocated", p.s_colocated, p.s_colocated_help),
                ("multi", p.s_multi, p.s_multi_help),
                ("cure_backoff", p.s_backoff, p.s_backoff_help),
                ("cure_leader", p.s_leader, p.s_leader_help),
                ("start_ticks_min", p.s_start_min, ""),
                ("start_ticks_max", p.s_start_max, ""),
                ("retry_ticks", p.s_retry, ""),
                ("backoff_ticks", p.s_backoff_ticks, ""),
                ("heartbeat_ticks", p.s_heartbeat, ""),
                (
                    "bug_forget_promises",
                    p.s_bug_promises,
                    p.s_bug_promises_help,
                ),
                ("bug_ignore_accepted", p.s_bug_ignore, p.s_bug_ignore_help),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::i18n::EN;
    use crate::labs::sentences_test::check_everything;
    use crate::labs::{load_recorded, GridCell, LabSim, UiInput};

    fn log(sim: &dyn LabSim) -> String {
        let lines = sim.log_lines(0, sim.len(), &EN);
        let text: Vec<String> = lines.into_iter().map(|l| l.text).collect();
        text.join("\n")
    }

    fn settle(sim: &mut Box<dyn LabSim>, steps: usize) {
        for _ in 0..steps {
            if !sim.step_forward() {
                break;
            }
        }
    }

    /// A busy single-decree run: crashes and restarts of acceptors, Propose now on both
    /// proposers, a partition and a heal. Plurals are right ("1 slot").
    #[test]
    fn every_event_of_a_busy_run_reads_as_a_sentence() {
        let json = r#"{"format": 1, "protocol": "paxos", "seed": 4, "steps": 0,
            "config": {"cure_backoff": true, "retry_ticks": 120}, "inputs": []}"#;
        let mut sim = load_recorded(json);
        for (steps, input) in [
            (20, UiInput::Crash(2)),
            (20, UiInput::Action(1, "propose_now")),
            (10, UiInput::Restart(2)),
            (10, UiInput::Partition(vec![0, 2])),
            (40, UiInput::Heal),
            (30, UiInput::Action(0, "propose_now")),
            (200, UiInput::Crash(3)),
            (0, UiInput::Restart(3)),
        ] {
            settle(&mut sim, steps);
            sim.inject(input).unwrap();
        }
        settle(&mut sim, 1_000);
        check_everything(&mut sim, "busy Paxos");
        let log = log(sim.as_ref());
        assert!(log.contains("it has accepted a value in 1 slot."), "{log}");
        assert!(!log.contains("slot(s)"), "{log}");
    }

    /// Bug switch 2 (issue 11, item 14): the proposer that ignores a reported value says
    /// so, and the "Chosen" row shows both values chosen in #0, not only one.
    #[test]
    fn a_second_value_chosen_is_told_and_shown() {
        let json = r#"{"format": 1, "protocol": "paxos", "seed": 6, "steps": 0,
            "config": {"bug_ignore_accepted": true, "start_ticks_min": 100000,
              "start_ticks_max": 100000, "retry_ticks": 100000}, "inputs": []}"#;
        let mut sim = load_recorded(json);
        sim.inject(UiInput::Action(0, "propose_now")).unwrap();
        settle(&mut sim, 500);
        sim.inject(UiInput::Action(1, "propose_now")).unwrap();
        settle(&mut sim, 500);
        check_everything(&mut sim, "Paxos bug 2");
        let log = log(sim.as_ref());
        assert!(
            log.contains("BUG: Proposer 2 proposes B in #0 with ballot 1.2, although a promise reported A accepted there in ballot 1.1: P2c obliges it to propose A."),
            "{log}"
        );
        assert!(
            !log.contains("Proposer 2 proposes B in #0 with ballot 1.2: no promise"),
            "{log}"
        );
        assert!(log.contains("B is now chosen in #0 too"), "{log}");
        let grid = sim.log_grid(&EN).expect("a grid");
        let GridCell::Text { text, .. } = &grid.rows[0].cells[0] else {
            panic!("the Chosen row has a cell for #0")
        };
        assert!(
            text.starts_with("A (step ") && text.contains(" · B (step "),
            "{text}"
        );
    }
}
