//! Load-balancing scenarios, batch-mode experiments and a seed sweep.

use protocols::load_balancing::metrics::percentile;
use protocols::load_balancing::{batch, Algorithm, Config, LoadBalancing, Note, Request};
use protocols::sim::history::History;
use protocols::sim::{Input, NodeId};

mod common;
use common::{first_violation, violations};

fn history(cfg: Config, seed: u64) -> H {
    common::history_of::<LoadBalancing>(cfg, seed)
}

type H = History<LoadBalancing>;

/// Latencies of requests completed from step `from` on, sorted.
fn latencies(h: &H, from: usize) -> Vec<u64> {
    let mut l: Vec<u64> = common::records(h)[from..]
        .iter()
        .flat_map(|r| r.notes.iter())
        .filter_map(|(_, n)| match n {
            Note::Completed { latency, .. } => Some(*latency),
            _ => None,
        })
        .collect();
    l.sort_unstable();
    l
}

/// A backend crashes: requests on it time out and are retried elsewhere, health checks
/// mark it down within a few probe rounds, no new request goes to it after that, and the
/// others take over.
#[test]
fn a_crashed_backend_is_detected_and_traffic_fails_over() {
    let cfg = Config {
        algorithm: Algorithm::RoundRobin,
        ..Config::default()
    };
    let mut h = history(cfg.clone(), 1);
    h.run_to(2_000);
    let victim = cfg.backend_node(2);
    h.inject(Input::Crash { node: victim }).unwrap();
    let crash_time = h.world().time.0;
    let detected = h.run_until(5_000, |r| {
        r.notes
            .iter()
            .any(|(_, n)| matches!(n, Note::MarkedDown { backend: 2, .. }))
    });
    assert!(detected, "the crash is detected");
    let detect_time = h.world().time.0;
    let bound = cfg.probe_every * u64::from(cfg.unhealthy_after + 1);
    assert!(detect_time - crash_time <= bound, "within {bound} ticks");
    let detect_step = h.len() as usize;
    h.run_to(h.len() + 4_000);
    let routed_to_victim = common::records(&h)[detect_step..]
        .iter()
        .flat_map(|r| r.notes.iter())
        .any(|(_, n)| matches!(n, Note::Routed { backend: 2, .. }));
    assert!(!routed_to_victim, "nothing is routed to it once it is down");
    let after = latencies(&h, detect_step);
    assert!(after.len() > 100, "the others keep serving");
    let failures_after = common::records(&h)[detect_step..]
        .iter()
        .flat_map(|r| r.notes.iter())
        .filter(|(_, n)| matches!(n, Note::Failed { .. }))
        .count();
    assert!(
        failures_after * 50 < after.len(),
        "hardly any failures after failover"
    );
    assert_eq!(violations(&h), 0, "{:?}", first_violation(&h));
}

/// One backend of four slows to a quarter speed. Round robin keeps sending it its share,
/// and those requests queue; least connections sees them pile up and sends elsewhere.
fn slow_backend(algorithm: Algorithm) -> Vec<u64> {
    let cfg = Config {
        algorithm,
        large_backends: 0,
        rate: 25,
        ..Config::default()
    };
    let mut h = history(cfg.clone(), 4);
    h.inject(Input::Request {
        node: cfg.backend_node(1),
        request: Request::Slow { percent: 400 },
    })
    .unwrap();
    h.run_to(30_000);
    assert_eq!(violations(&h), 0);
    latencies(&h, 0)
}

#[test]
fn with_a_slow_backend_least_connections_beats_round_robin() {
    let rr = slow_backend(Algorithm::RoundRobin);
    let lc = slow_backend(Algorithm::LeastConnections);
    let (rr95, lc95) = (percentile(&rr, 95).unwrap(), percentile(&lc, 95).unwrap());
    println!("p95 latency with a slow backend: round robin {rr95}, least connections {lc95}");
    assert!(
        lc95 * 3 < rr95 * 2,
        "least connections' p95 {lc95} is well under round robin's {rr95}"
    );
}

/// Mitzenmacher, "The Power of Two Choices": with many servers, choosing the less loaded
/// of two random ones gives an exponentially smaller maximum load than one random choice.
/// 16 equal backends (one slot, 100 ticks of work on average: 160 requests per second) at 85% utilisation (4 clients × 34 per second), 20,000 requests: the largest backlog any
/// backend ever holds is clearly lower with two choices (here: at most two thirds).
#[test]
fn batch_power_of_two_choices_has_a_lower_maximum_load_than_random() {
    let base = Config {
        clients: 4,
        backends: 16,
        large_backends: 0,
        slots: 1,
        queue: 1_000,
        rate: 34,
        cost_min: 20,
        cost_max: 180,
        probe_every: 0,
        passive_errors: 0,
        request_timeout: 100_000,
        client_timeout: 100_000,
        ..Config::default()
    };
    let run = |algorithm| {
        batch::run(
            &Config {
                algorithm,
                ..base.clone()
            },
            5_000,
            1,
            2_000_000,
        )
    };
    let random = run(Algorithm::Random);
    let two = run(Algorithm::PowerOfTwo);
    println!(
        "max backlog: random {}, two choices {}; mean peak: {:.2} vs {:.2}; p99 {} vs {}",
        random.max_peak,
        two.max_peak,
        random.mean_peak_x100 as f64 / 100.0,
        two.mean_peak_x100 as f64 / 100.0,
        random.p99,
        two.p99
    );
    assert_eq!(random.completed, 20_000);
    assert_eq!(two.completed, 20_000);
    assert!(two.max_peak * 3 <= random.max_peak * 2);
    assert!(two.p99 < random.p99);
}

#[test]
fn a_client_can_be_asked_to_send_now() {
    let mut h = history(Config::default(), 2);
    h.inject(Input::Request {
        node: NodeId(0),
        request: Request::SendNow,
    })
    .unwrap();
    assert!(common::records(&h)[0]
        .notes
        .iter()
        .any(|(_, n)| matches!(n, Note::Issued { .. })));
}

/// Clients draw their own arrivals, costs and keys: under two algorithms the same seed
/// sends exactly the same requests at the same times, so they compare on one workload.
#[test]
fn two_algorithms_see_the_same_workload() {
    let issued = |algorithm| -> Vec<(u64, String)> {
        let mut h = history(
            Config {
                algorithm,
                ..Config::default()
            },
            5,
        );
        h.run_to(5_000);
        common::records(&h)
            .iter()
            .flat_map(|r| {
                r.notes.iter().filter_map(move |(_, n)| match n {
                    Note::Issued { .. } => Some((r.time.0, format!("{n:?}"))),
                    _ => None,
                })
            })
            .take(200)
            .collect()
    };
    let rr = issued(Algorithm::RoundRobin);
    assert_eq!(rr.len(), 200);
    assert_eq!(rr, issued(Algorithm::PowerOfTwo));
}
