//! The load-balancing lab: clients, the balancer and backends; requests, responses and
//! health probes on the canvas; latency, throughput, failures and utilisation plotted live;
//! and a batch table of every algorithm on the same workload. Each trait of [`super::lab`]
//! is implemented in its file: `draw.rs`, `charts.rs`, `narrate.rs`, `inspect.rs`,
//! `act.rs` and `batch.rs` (with compare mode); the lab's text is in `text.rs`.

mod act;
mod batch;
mod charts;
mod draw;
mod inspect;
pub mod lessons;
mod narrate;
#[cfg(test)]
mod tests;
pub mod text;

use super::lab::*;
use super::sim::{label_options, settings_from};
use super::Tone;
use super::{
    series_class, BatchTable, Chart, ChartHead, LabId, LineChart, LogEntry, Row, Series, Setting,
    SettingKind,
};
use crate::i18n::{count, fill, Catalog};
use crate::view_model::layout::{self, Point};
use protocols::load_balancing::invariants::Ghost;
use protocols::load_balancing::metrics::Metrics;
use protocols::load_balancing::node::Node;
use protocols::load_balancing::series::{Bucket, BUCKET_TICKS};
use protocols::load_balancing::{
    Algorithm, Config, Failure, Kind, LoadBalancing, Msg, Note, ReqId, Request, Timer, UpBecause,
};
use protocols::sim::{NodeId, Slot};

fn algo_name(a: Algorithm, cat: &Catalog) -> &'static str {
    let l = &cat.lb;
    match a {
        Algorithm::RoundRobin => l.a_round_robin,
        Algorithm::WeightedRoundRobin => l.a_weighted_round_robin,
        Algorithm::Random => l.a_random,
        Algorithm::WeightedRandom => l.a_weighted_random,
        Algorithm::LeastConnections => l.a_least_connections,
        Algorithm::PowerOfTwo => l.a_power_of_two,
        Algorithm::PeakEwma => l.a_peak_ewma,
        Algorithm::ConsistentHash => l.a_consistent_hash,
    }
}

fn name(cfg: &Config, id: NodeId, cat: &Catalog) -> String {
    let n = |k: u32| (k + 1).to_string();
    match cfg.kind(id) {
        Kind::Client(c) => fill(cat.lb.client, &[("n", &n(c))]),
        Kind::Balancer => cat.lb.balancer.to_string(),
        Kind::Backend(b) => fill(cat.lb.backend, &[("n", &n(b))]),
    }
}

/// "1 probe", "2 probes": `forms` is [one, many], each with `{n}`.
fn counted(n: u64, forms: [&str; 2]) -> String {
    count(n, forms[0], forms[1])
}

/// "1 tick", "2 ticks".
fn ticks(n: u64, cat: &Catalog) -> String {
    count(n, cat.sim.ticks_one, cat.sim.ticks_many)
}

/// "c1#5"; a request from a restarted client also says when that client started.
fn req(id: &ReqId) -> String {
    match id.epoch {
        0 => format!("c{}#{}", id.client + 1, id.seq),
        e => format!("c{}@{e}#{}", id.client + 1, id.seq),
    }
}

impl Lab for LoadBalancing {
    const LAB: LabId = LabId::LoadBalancing;
    const EXTRAS: Extras<Self> = Extras {
        charts: Some(&LoadBalancing),
        batch: Some(&LoadBalancing),
        compare: Some(&LoadBalancing),
        ..Extras::NONE
    };
}
