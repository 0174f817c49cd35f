//! The proposer's rules (§2.2, §2.4, §2.5): ballots (phase 1a), adopting the value of the
//! highest-numbered proposal among the promises (phase 2a), refusals and the cures for
//! duels, and Multi-Paxos's slots (§3).

use super::msg::{AcceptedIn, Ballot, Cause, Msg, Note, Timer, Value};
use super::node::{Node, Phase, Proposer, O};
use super::Config;
use crate::sim::NodeId;
use std::collections::{BTreeMap, BTreeSet};

fn has_work(cfg: &Config, p: &Proposer) -> bool {
    if cfg.multi {
        !p.pending.is_empty() || !p.proposals.is_empty()
    } else {
        !p.chosen.contains_key(&0)
    }
}

/// Starts a ballot if this proposer has something to propose and may propose.
pub(super) fn try_propose(cfg: &Config, me: NodeId, node: &mut Node, out: &mut O) {
    let Some(p) = node.proposer.as_mut() else {
        return;
    };
    if p.phase != Phase::Idle || !has_work(cfg, p) {
        return;
    }
    if cfg.cure_leader && p.distinguished != p.index {
        let leader = cfg.proposer_node(p.distinguished);
        if cfg.multi && leader != me {
            for value in std::mem::take(&mut p.pending) {
                out.note(Note::Forwarded {
                    value: value.clone(),
                    to: leader,
                });
                out.send(leader, Msg::Forward { value });
            }
        }
        return out.note(Note::NotProposing {
            cause: Cause::NotDistinguished,
        });
    }
    start_ballot(cfg, node, out)
}

/// Phase 1a: a proposal number higher than any it has used or seen, persisted first.
pub(super) fn start_ballot(cfg: &Config, node: &mut Node, out: &mut O) {
    let p = node.proposer.as_mut().expect("a proposer");
    let round = node.d.round.max(p.seen_round) + 1;
    node.d.round = round;
    out.persist();
    p.ballot = Ballot {
        round,
        proposer: p.index + 1,
    };
    p.phase = Phase::Preparing;
    p.promises.clear();
    // Commands proposed in the old ballot but not known chosen wait for a slot again
    // (unless a promise shows them accepted; see `on_promise`).
    let unchosen: Vec<Value> = p
        .proposals
        .values()
        .filter(|v| **v != Value::Noop)
        .cloned()
        .collect();
    for v in unchosen.into_iter().rev() {
        if !p.pending.contains(&v) {
            p.pending.insert(0, v);
        }
    }
    p.proposals.clear();
    p.accepts.clear();
    p.from_slot = if cfg.multi {
        (0..)
            .find(|s| !p.chosen.contains_key(s))
            .expect("a free slot")
    } else {
        0
    };
    out.note(Note::Preparing {
        ballot: p.ballot,
        from_slot: p.from_slot,
    });
    let prepare = Msg::Prepare {
        ballot: p.ballot,
        from_slot: p.from_slot,
    };
    for a in cfg.acceptor_nodes() {
        out.send(a, prepare.clone());
    }
    out.set_timer(Timer::Retry, cfg.retry_ticks..=cfg.retry_ticks);
}

/// Phase 2a once a majority promised (§2.2): in each slot, propose the value of the
/// highest-numbered proposal among the promises, or, only if there is none, its own value
/// (single-decree), a no-op for a gap below an accepted slot (Multi-Paxos, §3), then its
/// clients' commands in the free slots.
pub(super) fn on_promise(
    cfg: &Config,
    node: &mut Node,
    acceptor: NodeId,
    ballot: Ballot,
    accepted: Vec<AcceptedIn>,
    out: &mut O,
) {
    let Some(p) = node.proposer.as_mut() else {
        return;
    };
    if p.phase != Phase::Preparing || ballot != p.ballot {
        return;
    }
    p.promises.insert(acceptor, accepted);
    if p.promises.len() < cfg.majority() {
        return;
    }
    out.note(Note::PromisedByMajority { ballot });
    p.phase = Phase::Leading;
    let mut best: BTreeMap<u64, (Ballot, Value)> = BTreeMap::new();
    if !cfg.bug_ignore_accepted {
        for a in p.promises.values().flatten() {
            if best.get(&a.slot).is_none_or(|(b, _)| a.ballot > *b) {
                best.insert(a.slot, (a.ballot, a.value.clone()));
            }
        }
    }
    let top = best.keys().next_back().copied();
    let mut plan: Vec<(u64, Value, Option<Ballot>)> = Vec::new();
    if cfg.multi {
        for slot in p.from_slot..=top.unwrap_or(0) {
            if top.is_none() || p.chosen.contains_key(&slot) {
                continue;
            }
            match best.get(&slot) {
                Some((b, v)) => plan.push((slot, v.clone(), Some(*b))),
                None => plan.push((slot, Value::Noop, None)),
            }
        }
        p.pending.retain(|v| !best.values().any(|(_, w)| w == v));
    } else {
        let (value, adopted) = match best.get(&0) {
            Some((b, v)) => (v.clone(), Some(*b)),
            None => (
                p.own.clone().expect("single-decree proposers have a value"),
                None,
            ),
        };
        plan.push((0, value, adopted));
    }
    for (slot, value, adopted) in plan {
        propose(cfg, p, slot, value, adopted, out);
    }
    if cfg.multi {
        assign_pending(cfg, node, out);
    }
}

fn propose(
    cfg: &Config,
    p: &mut Proposer,
    slot: u64,
    value: Value,
    adopted: Option<Ballot>,
    out: &mut O,
) {
    // Bug switch 2: what a promise reported in this slot, which P2c makes binding.
    let ignored = if cfg.bug_ignore_accepted {
        let reported = p.promises.values().flatten().filter(|a| a.slot == slot);
        reported
            .max_by_key(|a| a.ballot)
            .map(|a| (a.ballot, a.value.clone()))
    } else {
        None
    };
    out.note(Note::Proposing {
        ballot: p.ballot,
        slot,
        value: value.clone(),
        adopted,
        ignored,
    });
    p.proposals.insert(slot, value.clone());
    p.accepts.insert(slot, BTreeSet::new());
    let accept = Msg::Accept {
        ballot: p.ballot,
        slot,
        value,
    };
    for a in cfg.acceptor_nodes() {
        out.send(a, accept.clone());
    }
}

/// Multi-Paxos (§3): a leader whose phase 1 holds proposes each waiting command in the next
/// free slot, with phase 2 alone.
pub(super) fn assign_pending(cfg: &Config, node: &mut Node, out: &mut O) {
    let Some(p) = node.proposer.as_mut() else {
        return;
    };
    for value in std::mem::take(&mut p.pending) {
        let next = [
            p.from_slot,
            p.proposals.keys().next_back().map_or(0, |s| s + 1),
            p.chosen.keys().next_back().map_or(0, |s| s + 1),
        ]
        .into_iter()
        .max()
        .expect("three candidates");
        propose(cfg, p, next, value, None, out);
    }
    out.set_timer(Timer::Retry, cfg.retry_ticks..=cfg.retry_ticks);
}

pub(super) fn resend_accepts(cfg: &Config, node: &mut Node, out: &mut O) {
    let Some(p) = node.proposer.as_mut() else {
        return;
    };
    let open: Vec<(u64, Value)> = p.proposals.iter().map(|(s, v)| (*s, v.clone())).collect();
    if open.is_empty() {
        return;
    }
    out.note(Note::Resending {
        ballot: p.ballot,
        slots: open.len() as u64,
    });
    for (slot, value) in open {
        let accept = Msg::Accept {
            ballot: p.ballot,
            slot,
            value,
        };
        for a in cfg.acceptor_nodes() {
            out.send(a, accept.clone());
        }
    }
    out.set_timer(Timer::Retry, cfg.retry_ticks..=cfg.retry_ticks);
}

/// A refusal: a higher-numbered prepare request was promised, so this ballot cannot
/// succeed. Without a cure the proposer retries at once with a higher number, which is how
/// two proposers duel (§2.4); the cures wait a random while, or leave proposing to the
/// distinguished proposer.
pub(super) fn on_nack(
    cfg: &Config,
    me: NodeId,
    node: &mut Node,
    ballot: Ballot,
    promised: Ballot,
    out: &mut O,
) {
    let Some(p) = node.proposer.as_mut() else {
        return;
    };
    if ballot != p.ballot || p.phase == Phase::Idle {
        return;
    }
    p.seen_round = p.seen_round.max(promised.round);
    p.phase = Phase::Idle;
    p.attempts += 1;
    out.note(Note::Preempted { ballot, promised });
    out.cancel_timer(Timer::Retry);
    if cfg.cure_backoff {
        let ticks_max = cfg.backoff_ticks * u64::from(p.attempts.min(8));
        out.note(Note::BackingOff { ticks_max });
        out.set_timer(Timer::Backoff, 1..=ticks_max);
    } else {
        try_propose(cfg, me, node, out);
    }
}

pub(super) fn on_accepted_at_proposer(
    cfg: &Config,
    node: &mut Node,
    acceptor: NodeId,
    ballot: Ballot,
    slot: u64,
    value: &Value,
    out: &mut O,
) {
    let Some(p) = node.proposer.as_mut() else {
        return;
    };
    if ballot != p.ballot || p.phase != Phase::Leading {
        return;
    }
    let Some(acks) = p.accepts.get_mut(&slot) else {
        return;
    };
    acks.insert(acceptor);
    if acks.len() < cfg.majority() {
        return;
    }
    p.proposals.remove(&slot);
    p.accepts.remove(&slot);
    p.attempts = 0;
    if p.chosen.insert(slot, value.clone()).as_ref() != Some(value) {
        out.note(Note::KnowsChosen {
            slot,
            value: value.clone(),
        });
    }
    if !has_work(cfg, p) {
        out.cancel_timer(Timer::Retry);
    }
}
