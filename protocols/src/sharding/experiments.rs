//! Batch experiments on placement, without animation: how evenly keys spread, what
//! fraction moves when a server joins, and how much of a workload the busiest primary
//! takes, for hash mod N, consistent hashing and ranges.

use super::key::Key;
use super::msg::{Strategy, Table};
use super::placement::Ranges;
use super::Config;
use crate::sim::rng::Rng;

/// Keys per server: the largest, the mean, and the standard deviation.
#[derive(Clone, Debug, PartialEq)]
pub struct Spread {
    pub counts: Vec<u64>,
    pub max: u64,
    pub mean: f64,
    pub std_dev: f64,
}

impl Spread {
    pub fn of(counts: Vec<u64>) -> Spread {
        let n = counts.len().max(1) as f64;
        let mean = counts.iter().sum::<u64>() as f64 / n;
        let var = counts
            .iter()
            .map(|c| (*c as f64 - mean).powi(2))
            .sum::<f64>()
            / n;
        Spread {
            max: counts.iter().copied().max().unwrap_or(0),
            counts,
            mean,
            std_dev: var.sqrt(),
        }
    }
}

/// A generated keyspace as the placement sees it: `key-0000` … `key-(n-1)`, each as its
/// (hash, range position).
pub fn keyspace(n: usize) -> Vec<(u64, u128)> {
    (0..n as u32)
        .map(Key::generated)
        .map(|k| (k.hash(), k.position()))
        .collect()
}

/// The lab's own tables for servers `0..servers` (ranges balanced over `keys`), before
/// and after server `servers` joins.
fn tables(strategy: Strategy, vnodes: u32, servers: u32, keys: &[(u64, u128)]) -> (Table, Table) {
    let members: Vec<u32> = (0..servers).collect();
    // Sorted: past 9,999 generated names no longer sort like their numbers.
    let mut positions: Vec<u128> = keys.iter().map(|k| k.1).collect();
    positions.sort_unstable();
    let before = if strategy == Strategy::Range {
        let ranges = Ranges::balanced(&positions, &members);
        Table::ranged(1, members, vnodes, ranges)
    } else {
        Table::new(1, members, strategy, vnodes)
    };
    let after = before.with_member(servers, &positions);
    (before, after)
}

fn primary(t: &Table, k: &(u64, u128)) -> u32 {
    t.replicas_at(k.0, k.1, 1)[0]
}

/// Keys per server for `servers` servers (numbered 0..).
pub fn spread(strategy: Strategy, vnodes: u32, servers: u32, keys: &[(u64, u128)]) -> Spread {
    let (t, _) = tables(strategy, vnodes, servers, keys);
    let mut counts = vec![0u64; servers as usize];
    for k in keys {
        counts[primary(&t, k) as usize] += 1;
    }
    Spread::of(counts)
}

/// The fraction of keys whose owner changes when server `servers` joins `0..servers`,
/// and the ideal, 1/(N+1).
pub fn moved_on_join(
    strategy: Strategy,
    vnodes: u32,
    servers: u32,
    keys: &[(u64, u128)],
) -> (f64, f64) {
    let (b, a) = tables(strategy, vnodes, servers, keys);
    let moved = keys
        .iter()
        .filter(|k| primary(&b, k) != primary(&a, k))
        .count();
    (
        moved as f64 / keys.len().max(1) as f64,
        1.0 / f64::from(servers + 1),
    )
}

/// The placements the batch compares: (strategy, virtual nodes).
pub const VARIANTS: [(Strategy, u32); 5] = [
    (Strategy::ModN, 1),
    (Strategy::Ring, 1),
    (Strategy::Ring, 10),
    (Strategy::Ring, 100),
    (Strategy::Range, 1),
];

/// Requests per generated key: `requests` draws of the lab's workload over `keys` keys
/// (uniform, or hot keys with `skew`), seeded.
pub fn workload(keys: u32, skew: u32, requests: u64, seed: u64) -> Vec<u64> {
    let cfg = Config {
        keys,
        skew,
        ..Config::default()
    };
    let mut rng = Rng::new(seed);
    let mut load = vec![0u64; keys as usize];
    for _ in 0..requests {
        load[cfg.pick_index(&mut rng) as usize] += 1;
    }
    load
}

/// One placement's figures.
#[derive(Clone, Debug, PartialEq)]
pub struct Figures {
    pub spread: Spread,
    /// The share of keys whose primary changes when one server joins, and the ideal.
    pub moved: f64,
    pub ideal: f64,
    /// The share of the workload's requests whose key the busiest server is primary for.
    pub busiest: f64,
}

/// Spread, moved keys and the busiest primary's share of `load` (requests per key of
/// `keys`) for servers `0..servers`.
pub fn figures(
    strategy: Strategy,
    vnodes: u32,
    servers: u32,
    keys: &[(u64, u128)],
    load: &[u64],
) -> Figures {
    let (t, _) = tables(strategy, vnodes, servers, keys);
    let mut per = vec![0u64; servers as usize];
    for (k, n) in keys.iter().zip(load) {
        per[primary(&t, k) as usize] += n;
    }
    let total: u64 = per.iter().sum();
    let (moved, ideal) = moved_on_join(strategy, vnodes, servers, keys);
    Figures {
        spread: spread(strategy, vnodes, servers, keys),
        moved,
        ideal,
        busiest: per.iter().copied().max().unwrap_or(0) as f64 / total.max(1) as f64,
    }
}

/// A table of the experiments for every variant: `keys` keys on `servers` servers, then
/// one joins; 100,000 requests with hot keys `skew`.
pub fn report(servers: u32, keys: usize, skew: u32) -> String {
    let ks = keyspace(keys);
    let load = workload(keys as u32, skew, 100_000, 1);
    let mut t = format!(
        "{keys} keys, {servers} servers, then one joins; 100000 requests, skew {skew}\n{:<22} {:>8} {:>9} {:>9} {:>9} {:>8} {:>9}\n",
        "strategy", "max", "mean", "std dev", "moved", "ideal", "busiest"
    );
    for (s, v) in VARIANTS {
        let name = match s {
            Strategy::ModN => "hash mod N".to_string(),
            Strategy::Ring => format!("ring, V = {v}"),
            Strategy::Range => "ranges".to_string(),
        };
        let f = figures(s, v, servers, &ks, &load);
        t.push_str(&format!(
            "{name:<22} {:>8} {:>9.1} {:>9.1} {:>8.1}% {:>7.1}% {:>8.1}%\n",
            f.spread.max,
            f.spread.mean,
            f.spread.std_dev,
            f.moved * 100.0,
            f.ideal * 100.0,
            f.busiest * 100.0
        ));
    }
    t
}
