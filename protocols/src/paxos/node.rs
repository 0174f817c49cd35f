//! A Paxos node: whichever of the three roles of "Paxos Made Simple" it plays, proposer,
//! acceptor and learner, and the dispatch of every event to its roles' rules (§2.2–§2.4)
//! and Multi-Paxos (§3): the proposer's in `proposer.rs`, the acceptor's in
//! `acceptor.rs`, the learner's in `learner.rs`.

use super::acceptor::{on_accept, on_prepare};
use super::learner::on_accepted_at_learner;
use super::msg::{AcceptedIn, Ballot, Cause, Msg, Note, Request, Timer, Value};
use super::proposer::{
    assign_pending, on_accepted_at_proposer, on_nack, on_promise, resend_accepts, start_ballot,
    try_propose,
};
use super::{Config, Paxos, Roles};
use crate::sim::{NodeId, Out};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

pub(super) type O = Out<Paxos>;

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
