//! What the lab measures, kept by the observer (no invariant needs it): the share of keys
//! the last change moved, and the key a user typed last with the path of its last request.

use super::key::Key;
use super::msg::Note;
use super::node::Node;
use super::{Config, Sharding};
use crate::sim::{NodeId, Slot};
use std::collections::BTreeSet;

/// What the last change moved: the share of the keyspace whose primary changed, and the
/// ideal share for a membership change (1/(N+1) for a join to N servers, 1/N for a leave
/// from N), per mille. A range split keeps the members: it has no such ideal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moved {
    pub version: u64,
    pub moved_per_mille: u64,
    pub ideal_per_mille: Option<u64>,
}

/// Where the followed key's last request went.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestPath {
    pub client: NodeId,
    pub router: Option<NodeId>,
    /// The servers it was routed to, in order (a retry or a "moved" may add one).
    pub servers: Vec<u32>,
    /// Answered (true), failed (false), or under way.
    pub answered: Option<bool>,
}

#[derive(Clone, Debug, Default)]
pub struct Metrics {
    pub last_change: Option<Moved>,
    /// The last key a user typed, which the lab follows (its replicas, its place).
    pub followed: Option<Key>,
    /// The path of the last request for it: client → router → servers tried.
    pub path: Option<RequestPath>,
    /// Keys outside the generated keyspace with an acknowledged write: the lab counts
    /// them among the keys under-replicated.
    pub typed_written: BTreeSet<Key>,
}

/// Measures this step's notes: what a table change moved, the followed key's path, and
/// which typed keys were written.
pub fn observe(
    cfg: &Config,
    metrics: &mut Metrics,
    nodes: &[Slot<Sharding>],
    notes: &[(NodeId, Note)],
) {
    for (node, note) in notes {
        match note {
            Note::TableChanged { .. } => metrics.last_change = moved_share(cfg, nodes),
            Note::PutAcknowledged { key, .. } if key.generated_index().is_none() => {
                metrics.typed_written.insert(*key);
            }
            _ => follow(metrics, *node, note),
        }
    }
}

/// The share of the keyspace whose primary the last change moved, against the ideal.
fn moved_share(cfg: &Config, nodes: &[Slot<Sharding>]) -> Option<Moved> {
    let Some(Node::Router(r)) = &nodes[cfg.router_node().index()].state else {
        return None;
    };
    let (t, p) = (&r.d.table, r.d.previous.as_ref()?);
    let moved = cfg
        .keyspace()
        .filter(|k| t.replicas(k, 1) != p.replicas(k, 1))
        .count() as u64;
    let (before, after) = (p.members.len() as u64, t.members.len() as u64);
    Some(Moved {
        version: t.version,
        moved_per_mille: moved * 1000 / u64::from(cfg.keys),
        ideal_per_mille: (before != after).then(|| 1000 / before.max(after)),
    })
}

/// Follows the path of the last request for the followed key (the last one a user typed).
fn follow(metrics: &mut Metrics, node: NodeId, note: &Note) {
    match note {
        Note::Sent {
            key, typed: true, ..
        } => {
            metrics.followed = Some(*key);
            metrics.path = Some(RequestPath {
                client: node,
                router: None,
                servers: Vec::new(),
                answered: None,
            });
        }
        Note::Routed { key, server, .. } if metrics.followed == Some(*key) => {
            if let Some(p) = metrics.path.as_mut().filter(|p| p.answered.is_none()) {
                p.router = Some(node);
                if p.servers.last() != Some(server) {
                    p.servers.push(*server);
                }
            }
        }
        Note::Acknowledged { key, .. } | Note::Failed { key, .. }
            if metrics.followed == Some(*key) =>
        {
            let ok = matches!(note, Note::Acknowledged { .. });
            if let Some(p) = metrics.path.as_mut().filter(|p| p.client == node) {
                p.answered.get_or_insert(ok);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::Request;
    use super::*;
    use crate::sim::{Input, NetConfig, World};

    /// Runs until `done` holds, for at most 10,000 steps.
    fn run_until(w: &mut World<Sharding>, done: impl Fn(&Metrics) -> bool) {
        for _ in 0..10_000 {
            if done(w.metrics()) {
                return;
            }
            w.step(None).expect("the request is under way");
        }
        panic!("not done after 10,000 steps: {:?}", w.metrics());
    }

    /// A key the user types is followed: its request's path from the client through the
    /// router to the servers, until it is answered.
    #[test]
    fn a_typed_key_is_followed_until_its_request_is_answered() {
        let cfg = Config::default();
        let mut w = World::<Sharding>::new(cfg.clone(), NetConfig::default(), 1).expect("valid");
        let client = NodeId(cfg.servers + cfg.spare_servers + cfg.routers);
        let request = Request::Put {
            key: "apple".into(),
        };
        w.step(Some(Input::Request {
            node: client,
            request,
        }));
        let apple = Key::parse("apple").expect("a key");
        assert_eq!(w.metrics().followed, Some(apple));
        run_until(&mut w, |m| {
            m.path.as_ref().is_some_and(|p| p.answered.is_some())
        });
        let path = w.metrics().path.clone().expect("a path");
        assert_eq!(path.client, client);
        assert_eq!(path.router, Some(cfg.router_of_client(0)));
        assert!(!path.servers.is_empty());
        assert_eq!(path.answered, Some(true));
        assert!(w.metrics().typed_written.contains(&apple));
    }

    /// A join to 4 servers moves about a fifth of the keys; the ideal is exactly 1/5.
    #[test]
    fn a_join_measures_the_share_of_keys_it_moved() {
        let cfg = Config::default();
        let mut w = World::<Sharding>::new(cfg.clone(), NetConfig::default(), 1).expect("valid");
        let request = Request::AddServer { server: 4 };
        w.step(Some(Input::Request {
            node: cfg.router_node(),
            request,
        }));
        run_until(&mut w, |m| m.last_change.is_some());
        let moved = w.metrics().last_change.expect("a change");
        assert_eq!((moved.version, moved.ideal_per_mille), (2, Some(200)));
        assert!((100..=300).contains(&moved.moved_per_mille), "{moved:?}");
    }
}
