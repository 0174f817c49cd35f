//! Unit tests, one rule each.

use super::algo::{decay_q32, Candidate, PeakEwma, Picker, PENALTY};
use super::*;

fn c(index: u32, weight: u32, active: u32) -> Candidate {
    Candidate {
        index,
        weight,
        active,
        ewma: PeakEwma::default(),
    }
}

/// One pick at tick 0 (the candidates' metrics are read on a copy).
fn pick(p: &mut Picker, algo: Algorithm, up: &[Candidate], key: Option<u32>) -> Option<u32> {
    p.pick(algo, &mut up.to_vec(), key, 0)
}

/// nginx's smooth weighted round robin: weights 5, 1, 1 give exactly a a b a c a a, then
/// repeat (each backend's share, spread out rather than in a block).
#[test]
fn smooth_weighted_round_robin_interleaves_5_1_1_exactly() {
    let mut p = Picker::new(3, 1, 500);
    let up = [c(0, 5, 0), c(1, 1, 0), c(2, 1, 0)];
    let picks: Vec<u32> = (0..14)
        .map(|_| pick(&mut p, Algorithm::WeightedRoundRobin, &up, None).unwrap())
        .collect();
    assert_eq!(picks, vec![0, 0, 1, 0, 2, 0, 0, 0, 0, 1, 0, 2, 0, 0]);
}

#[test]
fn round_robin_takes_turns_and_skips_backends_marked_down() {
    let mut p = Picker::new(4, 1, 500);
    let all = [c(0, 1, 0), c(1, 1, 0), c(2, 1, 0), c(3, 1, 0)];
    let picks: Vec<u32> = (0..5)
        .map(|_| pick(&mut p, Algorithm::RoundRobin, &all, None).unwrap())
        .collect();
    assert_eq!(picks, vec![0, 1, 2, 3, 0]);
    let without_2 = [c(0, 1, 0), c(1, 1, 0), c(3, 1, 0)];
    let picks: Vec<u32> = (0..4)
        .map(|_| pick(&mut p, Algorithm::RoundRobin, &without_2, None).unwrap())
        .collect();
    assert_eq!(picks, vec![1, 3, 0, 1]);
}

#[test]
fn least_connections_picks_the_fewest_in_flight_per_weight() {
    let mut p = Picker::new(3, 1, 500);
    let up = [c(0, 1, 3), c(1, 1, 1), c(2, 1, 2)];
    assert_eq!(
        pick(&mut p, Algorithm::LeastConnections, &up, None),
        Some(1)
    );
    // A backend of weight 2 with 3 in flight counts as 1.5.
    let up = [c(0, 2, 3), c(1, 1, 2), c(2, 1, 2)];
    assert_eq!(
        pick(&mut p, Algorithm::LeastConnections, &up, None),
        Some(0)
    );
}

#[test]
fn power_of_two_choices_never_picks_the_busier_of_its_two() {
    let mut p = Picker::new(2, 7, 500);
    let up = [c(0, 1, 9), c(1, 1, 0)];
    for _ in 0..20 {
        assert_eq!(pick(&mut p, Algorithm::PowerOfTwo, &up, None), Some(1));
    }
}

/// Finagle's P2C over peak EWMA compares cost × (in flight + 1): 500 × 1 against 50 × 4
/// (with two backends, both are always the two drawn).
#[test]
fn peak_ewma_prefers_the_lower_latency_times_load() {
    let mut p = Picker::new(2, 1, 500);
    let ewma = |cost| PeakEwma { cost, stamp: 0 };
    let slow = Candidate {
        ewma: ewma(500_000),
        ..c(0, 1, 0)
    };
    let fast = Candidate {
        ewma: ewma(50_000),
        ..c(1, 1, 3)
    };
    for _ in 0..10 {
        assert_eq!(
            pick(&mut p, Algorithm::PeakEwma, &[slow, fast], None),
            Some(1)
        );
    }
}

/// finagle-core `PeakEwma.Metric.get`: a host with no latency history and a request
/// pending is penalised; an idle one costs 0. Not the reverse: an unmeasured backend
/// must not draw every request until its first answer.
#[test]
fn peak_ewma_penalises_a_backend_not_measured_yet_with_a_request_in_flight() {
    let mut fresh = PeakEwma::default();
    assert_eq!(fresh.load(0, 0, 500), 0, "idle and unmeasured: tried first");
    assert_eq!(fresh.load(1, 0, 500), PENALTY + 1);
    let mut measured = PeakEwma {
        cost: 5_000_000,
        stamp: 0,
    };
    assert!(measured.load(100, 0, 500) < fresh.load(1, 0, 500));
    let mut p = Picker::new(2, 1, 500);
    let unmeasured_busy = c(0, 1, 1);
    let slow = Candidate {
        ewma: measured,
        ..c(1, 1, 10)
    };
    assert_eq!(
        pick(&mut p, Algorithm::PeakEwma, &[unmeasured_busy, slow], None),
        Some(1)
    );
}

/// `Metric.observe`: a sample above the cost replaces it at once (the peak); a lower one
/// gives cost × w + sample × (1 − w), w = e^(−Δt/τ); reading the load decays the cost
/// towards 0 with the time since the last update.
#[test]
fn peak_ewma_takes_peaks_at_once_and_decays_with_time() {
    let tau = 500;
    let mut m = PeakEwma::default();
    m.observe(50_000, 100, tau);
    assert_eq!(m.cost, 50_000);
    m.observe(500_000, 100, tau);
    assert_eq!(m.cost, 500_000, "the peak replaces the average");
    m.observe(50_000, 100 + tau, tau);
    // 500,000 / e + 50,000 (1 − 1/e) = 215,545.
    assert!((215_540..=215_550).contains(&m.cost), "{}", m.cost);
    let before = m.cost;
    let load = m.load(0, 100 + 2 * tau, tau);
    assert!(
        (79_290..=79_300).contains(&load),
        "{load}: one τ later, 1/e of {before}"
    );
    assert_eq!(m.stamp, 100 + 2 * tau, "reading is an observation of 0");
    m.load(0, 100 + 200 * tau, tau);
    assert_eq!(
        m.cost, 1,
        "a measured cost decays to 0.001 tick, not to unmeasured"
    );
}

/// The integer e^(−dt/τ) stays within a millionth of the real one (checked with floats
/// here only: the engine uses none).
#[test]
fn integer_decay_matches_the_exponential() {
    for (dt, tau) in [
        (0, 500),
        (1, 500),
        (250, 500),
        (500, 500),
        (7_000, 500),
        (3, 1),
        (1, 1_000_000),
    ] {
        let got = decay_q32(dt, tau) as f64 / 4_294_967_296.0;
        let want = (-(dt as f64) / tau as f64).exp();
        assert!(
            (got - want).abs() < 1e-6,
            "e^-({dt}/{tau}): {got} vs {want}"
        );
    }
    assert_eq!(decay_q32(1_000_000, 1), 0);
}

/// Consistent hashing: a key always lands on the same backend, and when that backend is
/// marked down only its keys move (Karger et al.).
#[test]
fn consistent_hashing_is_sticky_and_moves_only_the_keys_of_a_lost_backend() {
    let mut p = Picker::new(4, 1, 500);
    let all = [c(0, 1, 0), c(1, 1, 0), c(2, 1, 0), c(3, 1, 0)];
    let before: Vec<u32> = (0..400)
        .map(|k| pick(&mut p, Algorithm::ConsistentHash, &all, Some(k)).unwrap())
        .collect();
    let again: Vec<u32> = (0..400)
        .map(|k| pick(&mut p, Algorithm::ConsistentHash, &all, Some(k)).unwrap())
        .collect();
    assert_eq!(before, again);
    let without_1 = [c(0, 1, 0), c(2, 1, 0), c(3, 1, 0)];
    for k in 0..400 {
        let now = pick(&mut p, Algorithm::ConsistentHash, &without_1, Some(k)).unwrap();
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
    let mut p = Picker::new(2, 3, 500);
    let up = [c(0, 3, 0), c(1, 1, 0)];
    let heavy = (0..4000)
        .filter(|_| pick(&mut p, Algorithm::WeightedRandom, &up, None) == Some(0))
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
    let why = UpBecause::FailTimeout;
    assert_eq!(out.notes(), vec![Note::MarkedUp { backend, why }]);
}
