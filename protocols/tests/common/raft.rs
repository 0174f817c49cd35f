//! Raft's helpers for the scenario tests (`raft.rs`, `raft_safety.rs`,
//! `raft_membership.rs`): histories, the leader, elections, writes, convergence.

use protocols::raft::{Config, Entry, Node, Note, Raft, Request, Role};
use protocols::sim::history::History;
use protocols::sim::{Input, NodeId};
use std::collections::BTreeSet;

pub type H = History<Raft>;

pub const S1: NodeId = NodeId(0);
pub const S2: NodeId = NodeId(1);
pub const S3: NodeId = NodeId(2);
pub const S5: NodeId = NodeId(4);
pub const S6: NodeId = NodeId(5);

pub fn history_with(cfg: Config, seed: u64) -> H {
    super::history_of::<Raft>(cfg, seed)
}

pub fn history(seed: u64) -> H {
    history_with(Config::default(), seed)
}

/// Elections only when a test says "time out": the timers never fire first.
pub fn scripted(servers: u32) -> Config {
    Config {
        servers,
        spare_servers: 0,
        election_ticks_min: 100_000,
        election_ticks_max: 100_000,
        ..Config::default()
    }
}

/// The live leader with the highest term, if any.
pub fn leader(h: &H) -> Option<NodeId> {
    let nodes = h.world().nodes();
    (0..nodes.len())
        .filter_map(|i| nodes[i].state.as_ref().map(|n| (i, n)))
        .filter(|(_, n)| matches!(n.role, Role::Leader { .. }))
        .max_by_key(|(_, n)| n.d.current_term)
        .map(|(i, _)| NodeId(i as u32))
}

pub fn server(h: &H, id: NodeId) -> &Node {
    h.world().nodes()[id.index()]
        .state
        .as_ref()
        .expect("the server is up")
}

pub fn is_leader(h: &H, id: NodeId) -> bool {
    h.world().nodes()[id.index()]
        .state
        .as_ref()
        .is_some_and(|n| matches!(n.role, Role::Leader { .. }))
}

/// Runs until a leader is elected, and returns it.
pub fn elect(h: &mut H) -> NodeId {
    assert!(h.run_until(2_000, |r| r
        .notes
        .iter()
        .any(|(_, n)| matches!(n, Note::BecameLeader { .. }))));
    leader(h).expect("a leader is up")
}

pub fn request(h: &mut H, node: NodeId, request: Request) {
    h.inject(Input::Request { node, request }).unwrap();
}

pub fn put(h: &mut H, node: NodeId, key: &str, value: u32) {
    let put = Request::Put {
        key: key.into(),
        value,
    };
    request(h, node, put);
}

/// "Time out" on `node`, then run until it leads (or `budget` steps pass).
pub fn time_out_and_lead(h: &mut H, node: NodeId, budget: u64) -> bool {
    request(h, node, Request::TimeoutNow);
    h.run_until(budget, |r| {
        r.notes
            .iter()
            .any(|(n, note)| *n == node && matches!(note, Note::BecameLeader { .. }))
    });
    is_leader(h, node)
}

/// Drops every message `node` has in flight.
pub fn drop_from(h: &mut H, node: NodeId) {
    let ids: Vec<_> = h
        .world()
        .in_flight()
        .iter()
        .filter(|(_, m)| m.from == node)
        .map(|(id, _)| *id)
        .collect();
    for msg in ids {
        h.inject(Input::Drop { msg }).unwrap();
    }
}

/// The servers in the current leader's configuration.
pub fn members(h: &H) -> BTreeSet<NodeId> {
    leader(h).map_or_else(BTreeSet::new, |l| server(h, l).config.clone())
}

/// Runs until every live member of the leader's configuration has applied `index`.
pub fn run_until_applied(h: &mut H, index: u64, budget: u64) -> bool {
    for _ in 0..budget {
        let members = members(h);
        let nodes = h.world().nodes();
        let done = !members.is_empty()
            && members
                .iter()
                .filter_map(|m| nodes[m.index()].state.as_ref())
                .all(|n| n.last_applied >= index);
        if done {
            return true;
        }
        h.step_forward();
    }
    false
}

/// The live members agree on every entry up to `index` that none of them has compacted,
/// and on the state machine.
pub fn assert_converged(h: &H, index: u64, what: &str) {
    let nodes: Vec<&Node> = members(h)
        .iter()
        .filter_map(|m| h.world().nodes()[m.index()].state.as_ref())
        .collect();
    let low = nodes.iter().map(|n| n.d.snapshot.index).max().unwrap_or(0) + 1;
    for w in nodes.windows(2) {
        let entries = |n: &Node| -> Vec<Option<Entry>> {
            (low..=index).map(|i| n.d.entry(i).cloned()).collect()
        };
        assert_eq!(
            entries(w[0]),
            entries(w[1]),
            "{what}: committed logs differ"
        );
        assert_eq!(w[0].kv, w[1].kv, "{what}: state machines differ");
    }
}
