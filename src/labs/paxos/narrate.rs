//! The sentences of the Paxos lab: messages, timers, requests, notes and invariants.

use super::*;
use protocols::paxos::invariants::Invariant;

impl Narrate for Paxos {
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

    fn note_text(cfg: &Config, node: NodeId, note: &Note, cat: &Catalog) -> String {
        let p = &cat.paxos;
        let me = name(cfg, node, cat);
        let n = |id: &NodeId| name(cfg, *id, cat);
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
                let wait = count(*ticks_max, cat.sim.ticks_one, cat.sim.ticks_many);
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

    fn invariant_text(invariant: Invariant, cat: &Catalog) -> (&'static str, &'static str) {
        let p = &cat.paxos;
        match invariant {
            Invariant::OneValueChosen => (p.inv_one_chosen, p.inv_one_chosen_help),
            Invariant::ChosenNeverChanges => (p.inv_never_changes, p.inv_never_changes_help),
            Invariant::AcceptRespectsPromise => (p.inv_promise, p.inv_promise_help),
            Invariant::LearnOnlyChosen => (p.inv_learn, p.inv_learn_help),
        }
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
}
