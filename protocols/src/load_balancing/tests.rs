//! Unit tests, one rule each.

use super::algo::{Candidate, Picker};
use super::*;

fn c(index: u32, weight: u32, active: u32) -> Candidate {
    Candidate {
        index,
        weight,
        active,
        ewma: 0,
    }
}

/// nginx's smooth weighted round robin: weights 5, 1, 1 give exactly a a b a c a a, then
/// repeat (each backend's share, spread out rather than in a block).
#[test]
fn smooth_weighted_round_robin_interleaves_5_1_1_exactly() {
    let mut p = Picker::new(3, 1);
    let up = [c(0, 5, 0), c(1, 1, 0), c(2, 1, 0)];
    let picks: Vec<u32> = (0..14)
        .map(|_| p.pick(Algorithm::WeightedRoundRobin, &up, None).unwrap())
        .collect();
    assert_eq!(picks, vec![0, 0, 1, 0, 2, 0, 0, 0, 0, 1, 0, 2, 0, 0]);
}

#[test]
fn round_robin_takes_turns_and_skips_backends_marked_down() {
    let mut p = Picker::new(4, 1);
    let all = [c(0, 1, 0), c(1, 1, 0), c(2, 1, 0), c(3, 1, 0)];
    let picks: Vec<u32> = (0..5)
        .map(|_| p.pick(Algorithm::RoundRobin, &all, None).unwrap())
        .collect();
    assert_eq!(picks, vec![0, 1, 2, 3, 0]);
    let without_2 = [c(0, 1, 0), c(1, 1, 0), c(3, 1, 0)];
    let picks: Vec<u32> = (0..4)
        .map(|_| p.pick(Algorithm::RoundRobin, &without_2, None).unwrap())
        .collect();
    assert_eq!(picks, vec![1, 3, 0, 1]);
}

#[test]
fn least_connections_picks_the_fewest_in_flight_per_weight() {
    let mut p = Picker::new(3, 1);
    let up = [c(0, 1, 3), c(1, 1, 1), c(2, 1, 2)];
    assert_eq!(p.pick(Algorithm::LeastConnections, &up, None), Some(1));
    // A backend of weight 2 with 3 in flight counts as 1.5.
    let up = [c(0, 2, 3), c(1, 1, 2), c(2, 1, 2)];
    assert_eq!(p.pick(Algorithm::LeastConnections, &up, None), Some(0));
}

#[test]
fn power_of_two_choices_never_picks_the_busier_of_its_two() {
    let mut p = Picker::new(2, 7);
    let up = [c(0, 1, 9), c(1, 1, 0)];
    for _ in 0..20 {
        assert_eq!(p.pick(Algorithm::PowerOfTwo, &up, None), Some(1));
    }
}

#[test]
fn peak_ewma_prefers_the_lowest_latency_times_load() {
    let mut p = Picker::new(2, 1);
    let slow = Candidate {
        ewma: 500_000,
        ..c(0, 1, 0)
    };
    let fast = Candidate {
        ewma: 50_000,
        ..c(1, 1, 3)
    };
    // 500 × 1 against 50 × 4: the fast one, though busier.
    assert_eq!(p.pick(Algorithm::PeakEwma, &[slow, fast], None), Some(1));
}

/// Consistent hashing: a key always lands on the same backend, and when that backend is
/// marked down only its keys move (Karger et al.).
#[test]
fn consistent_hashing_is_sticky_and_moves_only_the_keys_of_a_lost_backend() {
    let mut p = Picker::new(4, 1);
    let all = [c(0, 1, 0), c(1, 1, 0), c(2, 1, 0), c(3, 1, 0)];
    let before: Vec<u32> = (0..400)
        .map(|k| p.pick(Algorithm::ConsistentHash, &all, Some(k)).unwrap())
        .collect();
    let again: Vec<u32> = (0..400)
        .map(|k| p.pick(Algorithm::ConsistentHash, &all, Some(k)).unwrap())
        .collect();
    assert_eq!(before, again);
    let without_1 = [c(0, 1, 0), c(2, 1, 0), c(3, 1, 0)];
    for k in 0..400 {
        let now = p
            .pick(Algorithm::ConsistentHash, &without_1, Some(k))
            .unwrap();
        if before[k as usize] != 1 {
            assert_eq!(
                now, before[k as usize],
                "key {k} moved though its backend is up"
            );
        }
    }
    // Every backend owns some keys.
    assert!((0..4).all(|b| before.contains(&b)));
}

#[test]
fn weighted_random_follows_the_weights() {
    let mut p = Picker::new(2, 3);
    let up = [c(0, 3, 0), c(1, 1, 0)];
    let heavy = (0..4000)
        .filter(|_| p.pick(Algorithm::WeightedRandom, &up, None) == Some(0))
        .count();
    assert!(
        (2800..3200).contains(&heavy),
        "{heavy} of 4000, expected about 3000"
    );
}

#[test]
fn nodes_are_clients_then_the_balancer_then_backends() {
    let cfg = Config::default();
    assert_eq!(cfg.node_count(), 7);
    assert_eq!(cfg.kind(crate::sim::NodeId(1)), Kind::Client(1));
    assert_eq!(cfg.kind(crate::sim::NodeId(2)), Kind::Balancer);
    assert_eq!(cfg.kind(crate::sim::NodeId(3)), Kind::Backend(0));
    assert_eq!(cfg.capacity(0), (4, 200), "the first backend is large");
    assert_eq!(cfg.capacity(1), (2, 100));
}

/// Without active probes, a backend marked down by errors is tried again after the attempt
/// timeout (nginx's fail_timeout), or it would stay down for good.
#[test]
fn without_probes_a_passively_downed_backend_is_revived() {
    use crate::sim::{NodeId, Out, Protocol};
    let cfg = Config {
        probe_every: 0,
        passive_errors: 1,
        retry_budget_pct: 0,
        ..Config::default()
    };
    let lb = cfg.balancer_node();
    let mut b = LoadBalancing::init(&cfg, lb, &mut Out::default());
    let id = ReqId {
        client: 0,
        epoch: 0,
        seq: 1,
    };
    let mut out = Out::default();
    let request = Msg::Request {
        id,
        key: None,
        cost: 10,
    };
    LoadBalancing::on_message(&cfg, lb, &mut b, NodeId(0), request, &mut out);
    let mut out = Out::default();
    LoadBalancing::on_timer(&cfg, lb, &mut b, Timer::Expire { id }, &mut out);
    let down = out.notes().into_iter().find_map(|n| match n {
        Note::MarkedDown {
            backend,
            passive: true,
        } => Some(backend),
        _ => None,
    });
    let backend = down.expect("one error marks it down");
    assert!(out.effects.iter().any(|e| matches!(
        e,
        crate::sim::Effect::SetTimer {
            timer: Timer::Revive { .. },
            ..
        }
    )));
    let mut out = Out::default();
    LoadBalancing::on_timer(&cfg, lb, &mut b, Timer::Revive { backend }, &mut out);
    assert_eq!(out.notes(), vec![Note::MarkedUp { backend }]);
}
