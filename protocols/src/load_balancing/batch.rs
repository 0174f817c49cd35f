//! Batch mode: a large workload run without animation, reporting the distribution.

use super::invariants::percentile;
use super::{Config, LoadBalancing};
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
    while steps < max_steps {
        let g = world.ghost();
        if g.issued >= total && g.in_flight() == 0 {
            break;
        }
        if world.step(None).is_none() {
            break;
        }
        steps += 1;
    }
    let g = world.ghost();
    let mut latencies: Vec<u64> = g
        .buckets
        .iter()
        .flat_map(|b| b.latencies.iter().copied())
        .collect();
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
