//! The sharding lab: servers on a ring around the router, clients at the side; each
//! server's key count and table version; live migrations; keys and requests per server as
//! bars; what the last change moved against the ideal; the ring (or the ranges) with the
//! key a user typed, its primary and replicas. The trait impl below only delegates: drawing
//! and charts in `draw.rs`, sentences in `narrate.rs`, the inspector in `inspect.rs`,
//! actions and settings in `act.rs`, the batch table in `batch.rs`, and the lab's text in
//! `text.rs`.

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
use super::{
    Action, BatchTable, Chart, LabId, LogEntry, RingView, Row, Series, Setting, TextField,
};
use crate::i18n::{fill, Catalog};
use crate::view_model::layout::{self, Point};
use protocols::sharding::experiments;
use protocols::sharding::invariants::{router_table, Ghost};
use protocols::sharding::placement::token;
use protocols::sharding::{
    Client, Config, Key, KeyError, Kind, Msg, Node, Note, Op, Refusal, Request, Router, Server,
    Sharding, Strategy, Table, Timer,
};
use protocols::sim::{NodeId, Slot};

fn name(cfg: &Config, id: usize, cat: &Catalog) -> String {
    let n = |k: u32| (k + 1).to_string();
    match cfg.kind(NodeId(id as u32)) {
        Kind::Server(s) => fill(cat.shard.server, &[("n", &n(s))]),
        Kind::Router(_) if cfg.routers == 1 => cat.shard.router.to_string(),
        Kind::Router(r) => fill(cat.shard.router_n, &[("n", &n(r))]),
        Kind::Client(c) => fill(cat.shard.client, &[("n", &n(c))]),
    }
}

fn server(s: u32, cat: &Catalog) -> String {
    fill(cat.shard.server, &[("n", &(s + 1).to_string())])
}

fn members(m: &[u32], cat: &Catalog) -> String {
    m.iter()
        .map(|s| server(*s, cat))
        .collect::<Vec<_>>()
        .join(", ")
}

fn key(k: Key) -> String {
    k.name().to_string()
}

/// "1 key", "2 keys": `one` for one, `many` (with `{n}`) otherwise.
fn count(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        one.to_string()
    } else {
        fill(many, &[("n", &n.to_string())])
    }
}

/// A range-partitioned table's ranges: "from key-0000: Server 1; from key-0250: ...".
fn ranges_text(t: &Table, cat: &Catalog) -> Option<String> {
    let g = t.ranges.as_ref()?;
    Some(
        (0..g.owners.len())
            .map(|i| {
                let from = if i == 0 {
                    cat.shard.range_start.to_string()
                } else {
                    range_key(g.bounds[i - 1])
                };
                fill(
                    cat.shard.range_item,
                    &[("from", &from), ("server", &server(g.owners[i], cat))],
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
    )
}

/// A split point as the key name it starts at.
fn range_key(position: u128) -> String {
    let bytes = position.to_be_bytes();
    let len = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..len]).into_owned()
}

impl LabProtocol for Sharding {
    const LAB: LabId = LabId::Sharding;

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

    fn request_text(req: &Request, cat: &Catalog) -> String {
        narrate::request_text(req, cat)
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

    fn text_field(cfg: &Config, id: usize, node: &Node, cat: &Catalog) -> Option<TextField> {
        act::text_field(cfg, id, node, cat)
    }

    fn text_request(
        cfg: &Config,
        id: usize,
        action: &str,
        text: &str,
        cat: &Catalog,
    ) -> Result<(usize, Request), String> {
        act::text_request(cfg, id, action, text, cat)
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
}
