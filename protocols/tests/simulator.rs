//! The simulator's own rules, on a minimal protocol: a request makes a node send `Ping`
//! to every other node; a `Ping` is answered with `Pong`. Each test names one rule.

use protocols::sim::{
    ConfigError, Event, Input, LossReason, MsgId, NetConfig, NodeId, Out, Protocol, Slot, Tick,
    World,
};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq)]
struct PingPong;

protocols::invariants!(
    /// Ping-pong checks nothing.
    enum NoInvariant {}
);

#[derive(Clone, Debug, PartialEq, Serialize)]
enum Msg {
    Ping,
    Pong,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
struct Node {
    /// Durable: how many pongs this node has ever received.
    pongs: u32,
    /// Volatile: pings received since the last restart.
    pings: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct Config {
    nodes: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
enum Timer {
    Tick,
}

impl Protocol for PingPong {
    const NAME: &'static str = "ping-pong";
    type Config = Config;
    type Node = Node;
    type Durable = u32;
    type Msg = Msg;
    type Timer = Timer;
    type Request = ();
    type Note = ();
    type Ghost = ();
    type Metrics = ();
    type Invariant = NoInvariant;

    fn validate(cfg: &Config) -> Result<(), ConfigError> {
        protocols::sim::check_range("nodes", cfg.nodes as u64, 2, 9)
    }
    fn node_count(cfg: &Config) -> usize {
        cfg.nodes as usize
    }
    fn init(_: &Config, _: NodeId, _: &mut Out<Self>) -> Node {
        Node::default()
    }
    fn durable(node: &Node) -> u32 {
        node.pongs
    }
    fn on_message(
        _: &Config,
        _: NodeId,
        node: &mut Node,
        from: NodeId,
        msg: Msg,
        out: &mut Out<Self>,
    ) {
        match msg {
            Msg::Ping => {
                node.pings += 1;
                out.send(from, Msg::Pong);
            }
            Msg::Pong => {
                node.pongs += 1;
                out.persist();
            }
        }
    }
    fn on_timer(_: &Config, _: NodeId, _: &mut Node, _: Timer, _: &mut Out<Self>) {}
    fn on_request(cfg: &Config, id: NodeId, _: &mut Node, _: (), out: &mut Out<Self>) {
        for to in (0..cfg.nodes).map(NodeId).filter(|n| *n != id) {
            out.send(to, Msg::Ping);
        }
        out.set_timer(Timer::Tick, 5..=9);
    }
    fn on_restart(_: &Config, _: NodeId, disk: &u32, _: &mut Out<Self>) -> Node {
        Node {
            pongs: *disk,
            pings: 0,
        }
    }
    fn check(
        _: &Config,
        _: &mut (),
        _: &[Slot<Self>],
        _: &[(NodeId, ())],
        _: &mut Vec<(NoInvariant, ())>,
    ) {
    }
    fn random_request(_: &Config, _: &mut dyn FnMut(u64) -> u64) -> Option<(NodeId, ())> {
        Some((NodeId(0), ()))
    }
}

const A: NodeId = NodeId(0);
const B: NodeId = NodeId(1);
const C: NodeId = NodeId(2);

fn world(nodes: u32) -> World<PingPong> {
    let net = NetConfig {
        latency_ticks_min: 10,
        latency_ticks_max: 20,
        loss_per_mille: 0,
    };
    World::new(Config { nodes }, net, 7).unwrap()
}

fn ping_from(w: &mut World<PingPong>, node: NodeId) {
    w.step(Some(Input::Request { node, request: () })).unwrap();
}

/// Runs to quiescence and returns every event.
fn drain(w: &mut World<PingPong>) -> Vec<Event<PingPong>> {
    std::iter::from_fn(|| w.step(None).map(|r| r.event)).collect()
}

fn lost(events: &[Event<PingPong>]) -> Vec<(NodeId, NodeId, LossReason)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Lost {
                from, to, reason, ..
            } => Some((*from, *to, *reason)),
            _ => None,
        })
        .collect()
}

#[test]
fn latency_is_drawn_in_the_configured_range_and_time_only_moves_forward() {
    let mut w = world(3);
    ping_from(&mut w, A);
    let mut last = Tick(0);
    for m in w.in_flight().values() {
        assert!((10..=20).contains(&(m.deliver_at.0 - m.sent_at.0)));
    }
    while let Some(r) = w.step(None) {
        assert!(r.time >= last);
        last = r.time;
    }
}

#[test]
fn ties_break_by_send_order_so_runs_are_deterministic() {
    let run = || {
        let mut w = world(5);
        ping_from(&mut w, A);
        ping_from(&mut w, C);
        drain(&mut w)
    };
    assert_eq!(run(), run());
}

#[test]
fn a_partition_blocks_both_directions_between_groups_only() {
    let mut w = world(3);
    w.step(Some(Input::Partition {
        groups: vec![vec![A]],
    }))
    .unwrap();
    ping_from(&mut w, A);
    ping_from(&mut w, B);
    let l = lost(&drain(&mut w));
    assert!(
        l.contains(&(A, B, LossReason::Partitioned))
            && l.contains(&(B, A, LossReason::Partitioned))
    );
    assert!(
        !l.iter()
            .any(|(f, t, _)| (*f, *t) == (B, C) || (*f, *t) == (C, B)),
        "B and C share a side"
    );
}

#[test]
fn a_cut_is_one_way_and_heal_restores_every_link() {
    let mut w = world(2);
    w.step(Some(Input::Cut { from: A, to: B })).unwrap();
    ping_from(&mut w, B);
    let l = lost(&drain(&mut w));
    assert_eq!(
        l,
        vec![(A, B, LossReason::Partitioned)],
        "B's ping arrives; A's pong is cut"
    );
    w.step(Some(Input::Heal)).unwrap();
    ping_from(&mut w, B);
    assert!(lost(&drain(&mut w)).is_empty());
}

#[test]
fn a_partition_made_while_a_message_flies_catches_it() {
    let mut w = world(2);
    ping_from(&mut w, A);
    w.step(Some(Input::Partition {
        groups: vec![vec![A], vec![B]],
    }))
    .unwrap();
    assert_eq!(lost(&drain(&mut w)), vec![(A, B, LossReason::Partitioned)]);
}

#[test]
fn link_loss_in_per_mille_applies_to_that_link_only() {
    let mut w = world(3);
    w.step(Some(Input::LinkLoss {
        from: A,
        to: B,
        per_mille: 1000,
    }))
    .unwrap();
    ping_from(&mut w, A);
    assert_eq!(lost(&drain(&mut w)), vec![(A, B, LossReason::RandomLoss)]);
    assert_eq!(w.link_loss(A, B), 1000);
    assert_eq!(w.link_loss(B, A), 0);
}

#[test]
fn drop_duplicate_and_delay_act_on_one_chosen_message() {
    let mut w = world(2);
    ping_from(&mut w, A);
    let (&id, m) = w.in_flight().iter().next().unwrap();
    let due = m.deliver_at;
    let r = w
        .step(Some(Input::Delay {
            msg: id,
            ticks: 100,
        }))
        .unwrap();
    assert!(matches!(r.event, Event::Input { applied: true, .. }));
    assert_eq!(w.in_flight()[&id].deliver_at, Tick(due.0 + 100));
    w.step(Some(Input::Duplicate { msg: id })).unwrap();
    assert_eq!(
        w.in_flight().len(),
        2,
        "a copy is in flight beside the original"
    );
    let r = w.step(Some(Input::Drop { msg: id })).unwrap();
    assert!(matches!(r.event, Event::Dropped { msg, from: A, to: B, .. } if msg == id));
    let r = w.step(Some(Input::Drop { msg: MsgId(999) })).unwrap();
    assert!(
        matches!(r.event, Event::Input { applied: false, .. }),
        "a missed drop changes nothing"
    );
    let pings = drain(&mut w)
        .iter()
        .filter(|e| {
            matches!(
                e,
                Event::Delivered {
                    body: Msg::Ping,
                    ..
                }
            )
        })
        .count();
    assert_eq!(pings, 1, "only the duplicate arrived");
}

#[test]
fn a_crash_loses_volatile_state_and_timers_and_a_restart_recovers_the_disk() {
    let mut w = world(2);
    ping_from(&mut w, A);
    ping_from(&mut w, A);
    drain(&mut w);
    assert_eq!(w.nodes()[1].state.as_ref().unwrap().pings, 2);
    assert_eq!(w.nodes()[0].disk, 2, "A persisted its two pongs");
    ping_from(&mut w, A);
    assert!(!w.nodes()[0].timers.is_empty());
    w.step(Some(Input::Crash { node: A })).unwrap();
    assert!(w.nodes()[0].state.is_none() && w.nodes()[0].timers.is_empty());
    let events = drain(&mut w);
    assert!(
        lost(&events).contains(&(B, A, LossReason::DestinationDown)),
        "messages to a crashed node are lost"
    );
    w.step(Some(Input::Restart { node: A })).unwrap();
    assert_eq!(
        w.nodes()[0].state.as_ref().unwrap(),
        &Node { pongs: 2, pings: 0 }
    );
    w.step(Some(Input::Crash { node: B })).unwrap();
    let r = w.step(Some(Input::Crash { node: B })).unwrap();
    assert!(
        matches!(r.event, Event::Input { applied: false, .. }),
        "crashing a crashed node changes nothing"
    );
}

#[test]
fn timers_are_drawn_from_their_range() {
    let mut w = world(2);
    ping_from(&mut w, A);
    let span = w.nodes()[0].timers[&Timer::Tick];
    assert!((5..=9).contains(&(span.due.0 - span.set_at.0)));
}

#[test]
fn impossible_configurations_and_inputs_are_refused() {
    assert!(World::<PingPong>::new(Config { nodes: 1 }, NetConfig::default(), 1).is_err());
    let inverted = NetConfig {
        latency_ticks_min: 30,
        latency_ticks_max: 10,
        loss_per_mille: 0,
    };
    assert!(matches!(
        World::<PingPong>::new(Config { nodes: 2 }, inverted, 1),
        Err(ConfigError::Inverted { .. })
    ));
    assert!(Input::<PingPong>::Crash { node: NodeId(5) }
        .validate(2)
        .is_err());
}
