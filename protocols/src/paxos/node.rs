//! A Paxos node: whichever of the three roles of "Paxos Made Simple" it plays, proposer,
//! acceptor and learner, with their rules (§2.2–§2.4) and Multi-Paxos (§3).

use super::msg::{AcceptedIn, Ballot, Cause, Msg, Note, Request, Timer, Value};
use super::{Config, Paxos, Roles};
use crate::sim::{NodeId, Out};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

type O = Out<Paxos>;

/// What survives a crash (§2.2: "an acceptor must remember this information even if it
/// fails and then restarts"; §2.5: a proposer remembers the highest-numbered proposal it
/// has tried to issue, so it never issues two proposals with one number).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Disk {
    /// Proposer: the highest round it has used.
    pub round: u64,
    /// Acceptor: the highest prepare request it has promised.
    pub promised: Ballot,
    /// Acceptor: per slot, the highest-numbered proposal it has accepted.
    pub accepted: BTreeMap<u64, (Ballot, Value)>,
    /// Learner: what it has learned, per slot.
    pub learned: BTreeMap<u64, Value>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Idle,
    /// Phase 1: waiting for promises from a majority.
    Preparing,
    /// Phase 2: the ballot holds; accept requests go out slot by slot.
    Leading,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Proposer {
    /// 0-based: "Proposer 1" has index 0 and numbers its ballots `x.1`.
    pub index: u32,
    pub ballot: Ballot,
    pub phase: Phase,
    /// The first slot phase 1 covers.
    pub from_slot: u64,
    pub promises: BTreeMap<NodeId, Vec<AcceptedIn>>,
    /// Phase 2 in the current ballot, for the slots not yet known chosen: the value
    /// proposed, and who accepted it.
    pub proposals: BTreeMap<u64, Value>,
    pub accepts: BTreeMap<u64, BTreeSet<NodeId>>,
    /// Slots it knows are chosen (a majority accepted its proposal).
    pub chosen: BTreeMap<u64, Value>,
    /// Multi-Paxos: client commands waiting for a slot.
    pub pending: Vec<Value>,
    /// Single-decree: the value it wants chosen.
    pub own: Option<Value>,
    /// The highest round it has seen in a refusal.
    pub seen_round: u64,
    /// Ballots lost in a row (the backoff grows with it).
    pub attempts: u32,
    /// The distinguished-proposer cure: proposers heard from since the last check, and the
    /// one it believes distinguished (the lowest alive).
    pub heard: BTreeSet<u32>,
    pub distinguished: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Learner {
    /// Acceptances heard per (slot, ballot).
    pub votes: BTreeMap<(u64, Ballot), (Value, BTreeSet<NodeId>)>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Node {
    pub d: Disk,
    /// The slots of `d.accepted` and `d.learned` this event changed, so `persist` writes
    /// only those (a Multi-Paxos log grows long).
    #[serde(skip)]
    pub(super) touched: Vec<(bool, u64)>,
    pub roles: Roles,
    pub proposer: Option<Proposer>,
    pub learner: Option<Learner>,
}

const OWN_VALUES: [&str; 3] = ["A", "B", "C"];

fn fresh(cfg: &Config, me: NodeId, d: Disk, out: &mut O) -> Node {
    let roles = cfg.roles(me);
    let proposer = roles.proposer.map(|index| Proposer {
        index,
        ballot: Ballot::ZERO,
        phase: Phase::Idle,
        from_slot: 0,
        promises: BTreeMap::new(),
        proposals: BTreeMap::new(),
        accepts: BTreeMap::new(),
        chosen: BTreeMap::new(),
        pending: Vec::new(),
        own: (!cfg.multi).then(|| Value::V(OWN_VALUES[index as usize].to_string())),
        seen_round: 0,
        attempts: 0,
        heard: BTreeSet::new(),
        distinguished: 0,
    });
    if proposer.is_some() {
        if !cfg.multi {
            out.set_timer(Timer::Start, cfg.start_ticks_min..=cfg.start_ticks_max);
        }
        if cfg.cure_leader {
            out.set_timer(Timer::Heartbeat, 1..=1);
            out.set_timer(
                Timer::Check,
                3 * cfg.heartbeat_ticks..=3 * cfg.heartbeat_ticks,
            );
        }
    }
    Node {
        d,
        touched: Vec::new(),
        roles,
        proposer,
        learner: roles.learner.map(|_| Learner::default()),
    }
}

pub(super) fn init(cfg: &Config, me: NodeId, out: &mut O) -> Node {
    fresh(cfg, me, Disk::default(), out)
}

/// Recovery: the acceptor's promise and acceptances, the proposer's last round and the
/// learner's values come back from disk; everything else starts afresh.
pub(super) fn restart(cfg: &Config, me: NodeId, disk: &Disk, out: &mut O) -> Node {
    let mut node = fresh(cfg, me, disk.clone(), out);
    if node.roles.acceptor.is_some() {
        if cfg.bug_forget_promises {
            // Bug switch 1: the promise was never written to disk.
            node.d.promised = Ballot::ZERO;
        }
        out.note(Note::Recovered {
            promised: node.d.promised,
            accepted: node.d.accepted.len() as u64,
        });
    }
    node
}

pub(super) fn on_timer(cfg: &Config, me: NodeId, node: &mut Node, timer: Timer, out: &mut O) {
    node.touched.clear();
    let Some(p) = node.proposer.as_mut() else {
        return;
    };
    match timer {
        Timer::Start | Timer::Backoff => try_propose(cfg, me, node, out),
        Timer::Retry => match p.phase {
            // No majority promised in time (lost messages, crashed acceptors): a new ballot.
            Phase::Preparing => {
                p.phase = Phase::Idle;
                try_propose(cfg, me, node, out)
            }
            Phase::Leading => resend_accepts(cfg, node, out),
            Phase::Idle => {}
        },
        Timer::Heartbeat => {
            for q in 0..cfg.proposers {
                let to = cfg.proposer_node(q);
                if to != me {
                    out.send(to, Msg::Heartbeat);
                }
            }
            out.set_timer(Timer::Heartbeat, cfg.heartbeat_ticks..=cfg.heartbeat_ticks);
        }
        Timer::Check => {
            // §2.4: the distinguished proposer is the lowest-numbered one still heard from.
            let mut alive = std::mem::take(&mut p.heard);
            alive.insert(p.index);
            let d = *alive.iter().next().expect("itself");
            let period = 3 * cfg.heartbeat_ticks;
            out.set_timer(Timer::Check, period..=period);
            if d != p.distinguished {
                p.distinguished = d;
                out.note(Note::Distinguished {
                    proposer: cfg.proposer_node(d),
                });
            }
            if d == p.index && p.phase == Phase::Idle {
                if cfg.multi {
                    // §3: a new leader runs phase 1 for every slot it does not know chosen,
                    // at once, so it learns what to re-propose and which gaps to fill.
                    start_ballot(cfg, node, out);
                } else {
                    try_propose(cfg, me, node, out);
                }
            }
        }
    }
}

pub(super) fn on_request(cfg: &Config, me: NodeId, node: &mut Node, req: Request, out: &mut O) {
    node.touched.clear();
    let Some(p) = node.proposer.as_mut() else {
        return out.note(Note::NotProposing {
            cause: Cause::NothingToDo,
        });
    };
    match req {
        Request::Submit { command } if cfg.multi => {
            let value = Value::V(command);
            out.note(Note::Queued {
                value: value.clone(),
            });
            p.pending.push(value);
            match p.phase {
                Phase::Leading => assign_pending(cfg, node, out),
                _ => try_propose(cfg, me, node, out),
            }
        }
        Request::Submit { .. } => out.note(Note::NotProposing {
            cause: Cause::NothingToDo,
        }),
        // A new ballot now, abandoning the current one. In single-decree Paxos a value known
        // chosen is proposed again, which is how a learner that missed it can learn it
        // (§2.3); in Multi-Paxos phase 1 starts at the first slot it does not know chosen.
        // The distinguished-proposer cure still holds: only that proposer proposes.
        Request::ProposeNow => {
            if cfg.cure_leader && p.distinguished != p.index {
                return out.note(Note::NotProposing {
                    cause: Cause::NotDistinguished,
                });
            }
            p.phase = Phase::Idle;
            out.cancel_timer(Timer::Backoff);
            start_ballot(cfg, node, out)
        }
    }
}

fn has_work(cfg: &Config, p: &Proposer) -> bool {
    if cfg.multi {
        !p.pending.is_empty() || !p.proposals.is_empty()
    } else {
        !p.chosen.contains_key(&0)
    }
}

/// Starts a ballot if this proposer has something to propose and may propose.
fn try_propose(cfg: &Config, me: NodeId, node: &mut Node, out: &mut O) {
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
fn start_ballot(cfg: &Config, node: &mut Node, out: &mut O) {
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

pub(super) fn on_message(
    cfg: &Config,
    me: NodeId,
    node: &mut Node,
    from: NodeId,
    msg: Msg,
    out: &mut O,
) {
    node.touched.clear();
    match msg {
        Msg::Prepare { ballot, from_slot } => on_prepare(node, from, ballot, from_slot, out),
        Msg::Accept {
            ballot,
            slot,
            value,
        } => on_accept(cfg, node, from, ballot, slot, value, out),
        Msg::Promise { ballot, accepted } => on_promise(cfg, node, from, ballot, accepted, out),
        Msg::Nack { ballot, promised } => on_nack(cfg, me, node, ballot, promised, out),
        Msg::Accepted {
            ballot,
            slot,
            value,
        } => {
            on_accepted_at_proposer(cfg, node, from, ballot, slot, &value, out);
            on_accepted_at_learner(cfg, node, from, ballot, slot, value, out);
        }
        Msg::Heartbeat => {
            if let (Some(p), Some(q)) = (node.proposer.as_mut(), cfg.roles(from).proposer) {
                p.heard.insert(q);
            }
        }
        Msg::Forward { value } => {
            let Some(p) = node.proposer.as_mut() else {
                return;
            };
            out.note(Note::Queued {
                value: value.clone(),
            });
            p.pending.push(value);
            match p.phase {
                Phase::Leading => assign_pending(cfg, node, out),
                _ => try_propose(cfg, me, node, out),
            }
        }
    }
}

/// An acceptor takes a request numbered `ballot` unless it has promised a higher number;
/// then it refuses, and tells the proposer which (§2.2).
fn admits(
    node: &Node,
    from: NodeId,
    ballot: Ballot,
    refused: fn(Ballot, Ballot) -> Note,
    out: &mut O,
) -> bool {
    let promised = node.d.promised;
    if node.roles.acceptor.is_none() {
        return false;
    }
    if ballot < promised {
        out.note(refused(ballot, promised));
        out.send(from, Msg::Nack { ballot, promised });
        return false;
    }
    true
}

/// §2.2, phase 1b: "If an acceptor receives a prepare request with number n greater than
/// that of any prepare request to which it has already responded, then it responds with a
/// promise not to accept any more proposals numbered less than n and with the highest-
/// numbered proposal (if any) that it has accepted." A repeat of the request it promised is
/// answered again; a lower one is refused with the promise it holds.
fn on_prepare(node: &mut Node, from: NodeId, ballot: Ballot, from_slot: u64, out: &mut O) {
    let promised = node.d.promised;
    if !admits(
        node,
        from,
        ballot,
        |ballot, promised| Note::RefusedPrepare { ballot, promised },
        out,
    ) {
        return;
    }
    node.d.promised = ballot;
    out.persist();
    out.note(Note::Promised {
        ballot,
        previous: promised,
    });
    let accepted = node
        .d
        .accepted
        .range(from_slot..)
        .map(|(slot, (b, v))| AcceptedIn {
            slot: *slot,
            ballot: *b,
            value: v.clone(),
        })
        .collect();
    out.send(from, Msg::Promise { ballot, accepted });
}

/// §2.2, phase 2b: "If an acceptor receives an accept request for a proposal numbered n, it
/// accepts the proposal unless it has already responded to a prepare request having a
/// number greater than n." It tells the proposer and every learner (§2.3, learning).
fn on_accept(
    cfg: &Config,
    node: &mut Node,
    from: NodeId,
    ballot: Ballot,
    slot: u64,
    value: Value,
    out: &mut O,
) {
    if !admits(
        node,
        from,
        ballot,
        |ballot, promised| Note::RefusedAccept { ballot, promised },
        out,
    ) {
        return;
    }
    node.d.promised = ballot;
    node.d.accepted.insert(slot, (ballot, value.clone()));
    node.touched.push((true, slot));
    out.persist();
    out.note(Note::AcceptedValue {
        ballot,
        slot,
        value: value.clone(),
    });
    let reply = Msg::Accepted {
        ballot,
        slot,
        value,
    };
    let mut to: BTreeSet<NodeId> = cfg.learner_nodes().into_iter().collect();
    to.insert(from);
    for n in to {
        out.send(n, reply.clone());
    }
}

/// Phase 2a once a majority promised (§2.2): in each slot, propose the value of the
/// highest-numbered proposal among the promises, or, only if there is none, its own value
/// (single-decree), a no-op for a gap below an accepted slot (Multi-Paxos, §3), then its
/// clients' commands in the free slots.
fn on_promise(
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
fn assign_pending(cfg: &Config, node: &mut Node, out: &mut O) {
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

fn resend_accepts(cfg: &Config, node: &mut Node, out: &mut O) {
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
fn on_nack(
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

fn on_accepted_at_proposer(
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

/// §2.3, learning a chosen value: a learner that hears that a majority of acceptors
/// accepted one proposal (one ballot, one slot) has learned its value.
fn on_accepted_at_learner(
    cfg: &Config,
    node: &mut Node,
    acceptor: NodeId,
    ballot: Ballot,
    slot: u64,
    value: Value,
    out: &mut O,
) {
    let Some(l) = node.learner.as_mut() else {
        return;
    };
    let (v, acks) = l
        .votes
        .entry((slot, ballot))
        .or_insert_with(|| (value.clone(), BTreeSet::new()));
    acks.insert(acceptor);
    if acks.len() >= cfg.majority() && node.d.learned.get(&slot) != Some(v) {
        let value = v.clone();
        node.d.learned.insert(slot, value.clone());
        node.touched.push((false, slot));
        out.persist();
        out.note(Note::Learned {
            slot,
            value,
            ballot,
        });
    }
}
