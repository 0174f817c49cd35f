//! The load-balancing lab: clients, the balancer and backends; requests, responses and
//! health probes on the canvas; latency, throughput, failures and utilisation plotted live;
//! and a batch table of every algorithm on the same workload. The trait impl below only
//! delegates: drawing and charts in `draw.rs`, sentences in `narrate.rs`, the inspector in
//! `inspect.rs`, actions and settings in `act.rs`, the batch table and compare mode in
//! `batch.rs`, and the lab's text in `text.rs`.

mod act;
mod batch;
mod draw;
mod inspect;
mod narrate;
#[cfg(test)]
mod tests;
pub mod text;

use super::sim::{label_options, settings_from, LabProtocol};
use super::Tone;
use super::{Action, BatchTable, Chart, LabId, LogEntry, Row, Series, Setting, SettingKind};
use crate::i18n::{fill, Catalog};
use crate::view_model::layout::{self, Point};
use protocols::load_balancing::invariants::Ghost;
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

fn name(cfg: &Config, id: usize, cat: &Catalog) -> String {
    let n = |k: u32| (k + 1).to_string();
    match cfg.kind(NodeId(id as u32)) {
        Kind::Client(c) => fill(cat.lb.client, &[("n", &n(c))]),
        Kind::Balancer => cat.lb.balancer.to_string(),
        Kind::Backend(b) => fill(cat.lb.backend, &[("n", &n(b))]),
    }
}

/// "1 tick", "2 ticks": `forms` is [one, many], each with `{n}`.
fn counted(n: u64, forms: [&str; 2]) -> String {
    fill(forms[usize::from(n != 1)], &[("n", &n.to_string())])
}

/// "c1#5"; a request from a restarted client also says when that client started.
fn req(id: &ReqId) -> String {
    match id.epoch {
        0 => format!("c{}#{}", id.client + 1, id.seq),
        e => format!("c{}@{e}#{}", id.client + 1, id.seq),
    }
}

impl LabProtocol for LoadBalancing {
    const LAB: LabId = LabId::LoadBalancing;

    fn layout(cfg: &Config) -> Vec<Point> {
        draw::layout(cfg)
    }

    fn links(cfg: &Config) -> Vec<(usize, usize)> {
        draw::links(cfg)
    }

    fn node_name(cfg: &Config, id: usize, cat: &Catalog) -> String {
        name(cfg, id, cat)
    }

    fn node_status(
        cfg: &Config,
        id: usize,
        node: &Node,
        slot: &Slot<Self>,
        ghost: &Ghost,
        cat: &Catalog,
    ) -> (String, Tone, Vec<String>) {
        draw::node_status(cfg, id, node, slot, ghost, cat)
    }

    fn msg_label(msg: &Msg, cat: &Catalog) -> String {
        narrate::msg_label(msg, cat)
    }

    fn msg_tone(msg: &Msg) -> Tone {
        narrate::msg_tone(msg)
    }

    fn msg_fields(msg: &Msg, cat: &Catalog) -> Vec<Row> {
        narrate::msg_fields(msg, cat)
    }

    fn timer_label(timer: &Timer, cat: &Catalog) -> String {
        narrate::timer_label(timer, cat)
    }

    fn request_text(r: &Request, cat: &Catalog) -> String {
        narrate::request_text(r, cat)
    }

    fn note_text(cfg: &Config, node: usize, note: &Note, cat: &Catalog) -> String {
        narrate::note_text(cfg, node, note, cat)
    }

    fn invariant_text(invariant: Self::Invariant, cat: &Catalog) -> (&'static str, &'static str) {
        narrate::invariant_text(invariant, cat)
    }

    fn durable_rows(cfg: &Config, id: usize, slot: &Slot<Self>, cat: &Catalog) -> Vec<Row> {
        inspect::durable_rows(cfg, id, slot, cat)
    }

    fn volatile_rows(cfg: &Config, id: usize, node: &Node, cat: &Catalog) -> Vec<Row> {
        inspect::volatile_rows(cfg, id, node, cat)
    }

    fn node_log(cfg: &Config, id: usize, slot: &Slot<Self>, cat: &Catalog) -> Vec<LogEntry> {
        draw::node_log(cfg, id, slot, cat)
    }

    fn inspector_notes(cfg: &Config, id: usize, slot: &Slot<Self>, cat: &Catalog) -> Vec<String> {
        inspect::inspector_notes(cfg, id, slot, cat)
    }

    fn actions(cfg: &Config, id: usize, node: &Node, cat: &Catalog) -> Vec<Action> {
        act::actions(cfg, id, node, cat)
    }

    fn action_request(
        cfg: &Config,
        nodes: &[Slot<Self>],
        id: usize,
        action: &str,
        salt: u64,
    ) -> Option<(usize, Request)> {
        act::action_request(cfg, nodes, id, action, salt)
    }

    fn charts(
        cfg: &Config,
        nodes: &[Slot<Self>],
        ghost: &Ghost,
        now: u64,
        cat: &Catalog,
    ) -> Vec<Chart> {
        draw::charts(cfg, nodes, ghost, now, cat)
    }

    fn compare_options(cfg: &Config, cat: &Catalog) -> Vec<&'static str> {
        batch::compare_options(cfg, cat)
    }

    fn compare_variant(cfg: &Config, variant: usize) -> Config {
        batch::compare_variant(cfg, variant)
    }

    fn compare_keeps(input: &protocols::sim::Input<Self>) -> bool {
        batch::compare_keeps(input)
    }

    fn batch_rows(cfg: &Config) -> usize {
        batch::batch_rows(cfg)
    }

    fn batch_row(cfg: &Config, seed: u64, index: usize, cat: &Catalog) -> Vec<String> {
        batch::batch_row(cfg, seed, index, cat)
    }

    fn batch_table(cfg: &Config, rows: Vec<Vec<String>>, cat: &Catalog) -> Option<BatchTable> {
        batch::batch_table(cfg, rows, cat)
    }

    fn settings(cfg: &Config, cat: &Catalog) -> Vec<Setting> {
        act::settings(cfg, cat)
    }

    fn set(cfg: &mut Config, key: &str, value: u64) -> bool {
        act::set(cfg, key, value)
    }
}
