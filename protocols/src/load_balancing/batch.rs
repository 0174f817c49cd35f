//! Batch mode: a large workload run without animation, reporting the distribution.

use super::metrics::percentile;
use super::{Config, LoadBalancing, Note};
use crate::sim::{NetConfig, World};

/// What a batch run measured.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub requests: u64,
    pub completed: u64,
    pub rejected: u64,
    pub failed: u64,
    /// Requests served per backend, and the largest and mean of them.
    pub served: Vec<u64>,
    /// The most requests a backend ever held at once (running + queued): the largest over
    /// backends, and the mean of the backends' peaks.
    pub max_peak: u32,
    pub mean_peak_x100: u64,
    pub p50: u64,
    pub p95: u64,
    pub p99: u64,
    /// Completed requests per simulated second.
    pub throughput_x100: u64,
    pub ticks: u64,
    pub steps: u64,
}

/// The workload `sim batch load-balancing` measures spread on: 4 clients, one-slot backends
/// of which a quarter are large (weight 4: 40 requests a second against 10), queues of
/// 1,000, no timeouts and no health checks, and by default a rate that loads the whole to
/// about 85% of its capacity: every algorithm completes every request, and what differs
/// is how long they wait. Weighted algorithms send the large backends their share; the
/// unweighted ones overload the small ones.
pub fn spread_workload(backends: u32, rate: Option<u64>) -> Config {
    let large = backends / 4;
    // Requests a second the backends can serve: 10 per unit of weight (work 100 ticks).
    let capacity = u64::from(backends - large + 4 * large) * 10;
    let cfg = Config {
        clients: 4,
        backends,
        large_backends: large,
        slots: 1,
        queue: 1_000,
        rate: rate.unwrap_or((capacity * 85).div_ceil(400)),
        probe_every: 0,
        passive_errors: 0,
        ..Config::default()
    };
    // Timeouts as long as the rate allows (minutes): out of the way.
    Config {
        request_timeout: cfg.longest_timeout(),
        client_timeout: cfg.longest_timeout(),
        ..cfg
    }
}

/// Runs `cfg` until every client has sent `requests_per_client` requests and each has
/// ended (or `max_steps` pass), on the default network.
pub fn run(cfg: &Config, requests_per_client: u64, seed: u64, max_steps: u64) -> Report {
    let cfg = Config {
        requests: requests_per_client,
        ..cfg.clone()
    };
    let total = requests_per_client * u64::from(cfg.clients);
    let mut world =
        World::<LoadBalancing>::new(cfg.clone(), NetConfig::default(), seed).expect("valid");
    let mut steps = 0;
    // Every latency, for exact percentiles (the time series keeps only the last two minutes).
    let mut latencies = Vec::new();
    while steps < max_steps {
        if world.metrics().issued >= total && world.ghost().in_flight() == 0 {
            break;
        }
        let Some(record) = world.step(None) else {
            break;
        };
        latencies.extend(record.notes.iter().filter_map(|(_, n)| match n {
            Note::Completed { latency, .. } => Some(*latency),
            _ => None,
        }));
        steps += 1;
    }
    let g = world.metrics();
    latencies.sort_unstable();
    let ticks = world.time.0.max(1);
    let backends = cfg.backends as u64;
    Report {
        requests: g.issued,
        completed: g.completed,
        rejected: g.rejected,
        failed: g.failed,
        served: g.served.clone(),
        max_peak: g.peak.iter().copied().max().unwrap_or(0),
        mean_peak_x100: g.peak.iter().map(|p| u64::from(*p)).sum::<u64>() * 100 / backends,
        p50: percentile(&latencies, 50).unwrap_or(0),
        p95: percentile(&latencies, 95).unwrap_or(0),
        p99: percentile(&latencies, 99).unwrap_or(0),
        throughput_x100: g.completed * 100_000 / ticks,
        ticks,
        steps,
    }
}
