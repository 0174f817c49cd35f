//! What the lab and the batch mode measure, kept by the observer (no invariant needs it):
//! request counts, each backend's load, and the time series the lab plots ([`Series`]).

use super::msg::{Failure, Note};
use super::series::Series;
use super::{Config, Kind, LoadBalancing, Node};
use crate::sim::{NodeId, Slot};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metrics {
    /// The last two minutes, a bucket per second (bounded: see [`Series`]).
    pub series: Series,
    /// Per backend: requests now running or queued, the most ever, and requests served.
    pub load: Vec<u32>,
    pub peak: Vec<u32>,
    pub served: Vec<u64>,
    pub issued: u64,
    pub completed: u64,
    pub rejected: u64,
    pub failed: u64,
    /// Requests lost with a crashed client (they end with it, not unaccounted).
    pub with_crashed_client: u64,
    /// Per client: the requests it held when last seen up (a crash takes them along).
    held: Vec<u64>,
}

/// Counts this step's notes, adds them to the time series, and counts the requests of a
/// client that crashed.
pub fn observe(
    cfg: &Config,
    metrics: &mut Metrics,
    nodes: &[Slot<LoadBalancing>],
    notes: &[(NodeId, Note)],
) {
    let backends = cfg.backends as usize;
    if metrics.load.len() < backends {
        metrics.load.resize(backends, 0);
        metrics.peak.resize(backends, 0);
        metrics.served.resize(backends, 0);
    }
    for (node, note) in notes {
        count(cfg, metrics, *node, note);
    }
    let clients = cfg.clients as usize;
    if metrics.held.len() < clients {
        metrics.held.resize(clients, 0);
    }
    for (slot, held) in nodes.iter().zip(&mut metrics.held) {
        match &slot.state {
            Some(Node::Client(c)) => *held = c.outstanding.len() as u64,
            Some(_) => {}
            None => metrics.with_crashed_client += std::mem::take(held),
        }
    }
}

/// Counts one note: requests by how they ended, and a backend's load and work.
fn count(cfg: &Config, metrics: &mut Metrics, node: NodeId, note: &Note) {
    let backends = cfg.backends as usize;
    match note {
        Note::Issued { .. } => metrics.issued += 1,
        Note::Completed { latency, at, .. } => {
            metrics.completed += 1;
            metrics.series.at(*at, backends).latencies.add(*latency);
        }
        Note::Failed { failure, at, .. } => {
            let b = metrics.series.at(*at, backends);
            if *failure == Failure::Rejected {
                b.rejected += 1;
                metrics.rejected += 1;
            } else {
                b.failed += 1;
                metrics.failed += 1;
            }
        }
        Note::Restarted => {
            if let Kind::Backend(b) = cfg.kind(node) {
                metrics.load[b as usize] = 0;
            }
        }
        Note::Started {
            running, queued, ..
        }
        | Note::Queued {
            running, queued, ..
        } => {
            if let Kind::Backend(b) = cfg.kind(node) {
                let b = b as usize;
                metrics.load[b] = running + queued;
                metrics.peak[b] = metrics.peak[b].max(running + queued);
            }
        }
        Note::Finished {
            busy,
            at,
            running,
            queued,
            ..
        } => {
            if let Kind::Backend(b) = cfg.kind(node) {
                let b = b as usize;
                metrics.load[b] = running + queued;
                metrics.served[b] += 1;
                metrics.series.at(*at, backends).busy[b] += busy;
            }
        }
        _ => {}
    }
}

/// The `p`-th percentile (0–100) of `sorted`, nearest rank.
pub fn percentile(sorted: &[u64], p: u64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len() as u64).div_ceil(100).max(1) as usize;
    Some(sorted[rank.min(sorted.len()) - 1])
}

#[cfg(test)]
mod tests {
    use super::super::series::{BUCKET_TICKS, SERIES_SECONDS};
    use super::*;
    use crate::sim::history::{History, RunSpec};
    use crate::sim::{Input, NetConfig, World};
    use std::collections::BTreeMap;

    fn world() -> World<LoadBalancing> {
        World::new(Config::default(), NetConfig::default(), 1).expect("valid")
    }

    /// Each completed request is counted once, in the bucket of the second it completed in.
    #[test]
    fn a_completed_request_lands_in_the_bucket_of_its_second() {
        let mut w = world();
        let (mut issued, mut by_second) = (0, BTreeMap::<u64, u64>::new());
        for _ in 0..3_000 {
            let record = w.step(None).expect("clients keep sending");
            for (_, note) in &record.notes {
                match note {
                    Note::Issued { .. } => issued += 1,
                    Note::Completed { at, .. } => {
                        *by_second.entry(at / BUCKET_TICKS).or_default() += 1
                    }
                    _ => {}
                }
            }
        }
        let m = w.metrics();
        assert_eq!(m.issued, issued);
        assert_eq!(m.completed, by_second.values().sum::<u64>());
        let newest = *by_second.keys().last().expect("some requests completed");
        assert!(by_second.len() > 1, "the run spans seconds");
        for (second, n) in by_second.range(newest.saturating_sub(SERIES_SECONDS - 1)..) {
            let bucket = m.series.get(*second).expect("a kept second");
            assert_eq!(bucket.latencies.len(), *n, "second {second}");
        }
    }

    /// A client that crashes takes the requests it held along: they are counted once.
    #[test]
    fn a_crashed_clients_requests_are_counted_with_it() {
        let mut w = world();
        let held = |w: &World<LoadBalancing>| match &w.nodes()[0].state {
            Some(Node::Client(c)) => c.outstanding.len() as u64,
            _ => 0,
        };
        while held(&w) == 0 {
            w.step(None).expect("clients keep sending");
        }
        let lost = held(&w);
        w.step(Some(Input::Crash { node: NodeId(0) }));
        assert_eq!(w.metrics().with_crashed_client, lost);
        for _ in 0..100 {
            w.step(None);
        }
        assert_eq!(w.metrics().with_crashed_client, lost, "counted once");
    }

    /// A seek restores the metrics with the world: back at step 1,200 they are what a run
    /// of 1,200 steps measured, and forward again what they were.
    #[test]
    fn a_seek_restores_the_metrics_of_its_step() {
        let mut fresh = world();
        for _ in 0..1_200 {
            fresh.step(None);
        }
        let spec = RunSpec {
            cfg: Config::default(),
            net: NetConfig::default(),
            seed: 1,
            inputs: Vec::new(),
        };
        let mut h = History::<LoadBalancing>::new(spec).expect("valid");
        h.run_to(3_000);
        let at_end = h.world().metrics().clone();
        h.seek(1_200);
        assert_eq!(h.world().metrics(), fresh.metrics());
        h.seek(3_000);
        assert_eq!(h.world().metrics(), &at_end);
        assert_ne!(at_end, *fresh.metrics(), "the run measured more since");
    }
}
