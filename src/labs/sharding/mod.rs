//! The sharding lab: servers on a ring around the router, clients at the side; each
//! server's key count and table version; live migrations; keys and requests per server as
//! bars; what the last change moved against the ideal; the ring (or the ranges) with the
//! key a user typed, its primary and replicas. Each trait of [`super::lab`] is implemented in
//! its file: `draw.rs`, `charts.rs`, `narrate.rs`, `inspect.rs`, `act.rs` (with the
//! typed key) and `batch.rs`; the lab's text is in `text.rs`.

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
    series_class, BarChart, BatchTable, Chart, ChartHead, LabId, LogEntry, RingChart, Row, Setting,
    TextField,
};
use crate::i18n::{count, fill, push_sentence, Catalog};
use crate::view_model::layout::{self, Point};
use protocols::sharding::experiments;
use protocols::sharding::invariants::{router_table, Ghost};
use protocols::sharding::metrics::Metrics;
use protocols::sharding::placement::token;
use protocols::sharding::{
    Client, Config, Key, KeyError, Kind, Msg, Node, Note, Op, Refusal, Request, Router, Server,
    Sharding, Strategy, Table, Timer,
};
use protocols::sim::{NodeId, Slot};

fn name(cfg: &Config, id: NodeId, cat: &Catalog) -> String {
    let n = |k: u32| (k + 1).to_string();
    match cfg.kind(id) {
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

impl Lab for Sharding {
    const LAB: LabId = LabId::Sharding;
    const EXTRAS: Extras<Self> = Extras {
        text_input: Some(&Sharding),
        charts: Some(&Sharding),
        batch: Some(&Sharding),
        ..Extras::NONE
    };
}
