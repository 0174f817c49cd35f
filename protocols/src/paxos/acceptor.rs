//! The acceptor's rules (§2.2): promises (phase 1b) and acceptances (phase 2b).

use super::msg::{AcceptedIn, Ballot, Msg, Note, Value};
use super::node::{Node, O};
use super::Config;
use crate::sim::NodeId;
use std::collections::BTreeSet;

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
pub(super) fn on_prepare(
    node: &mut Node,
    from: NodeId,
    ballot: Ballot,
    from_slot: u64,
    out: &mut O,
) {
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
pub(super) fn on_accept(
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
