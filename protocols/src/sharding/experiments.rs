//! Batch experiments on placement, without animation: how evenly keys spread, and what
//! fraction moves when a server joins, for hash mod N and for consistent hashing.

use super::key::Key;
use super::msg::{Strategy, Table};
use super::placement::Ranges;

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
/// (hash, range position), in key order.
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
    let positions: Vec<u128> = keys.iter().map(|k| k.1).collect();
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

/// A table of both experiments for the usual strategies.
pub fn report(servers: u32, keys: usize) -> String {
    let ks = keyspace(keys);
    let mut t = format!(
        "{keys} keys, {servers} servers, then one joins\n{:<22} {:>8} {:>9} {:>9} {:>12} {:>8}\n",
        "strategy", "max", "mean", "std dev", "moved", "ideal"
    );
    for (name, s, v) in [
        ("hash mod N", Strategy::ModN, 1),
        ("ring, V = 1", Strategy::Ring, 1),
        ("ring, V = 10", Strategy::Ring, 10),
        ("ring, V = 100", Strategy::Ring, 100),
        ("ranges", Strategy::Range, 1),
    ] {
        let sp = spread(s, v, servers, &ks);
        let (moved, ideal) = moved_on_join(s, v, servers, &ks);
        t.push_str(&format!(
            "{name:<22} {:>8} {:>9.1} {:>9.1} {:>11.1}% {:>7.1}%\n",
            sp.max,
            sp.mean,
            sp.std_dev,
            moved * 100.0,
            ideal * 100.0
        ));
    }
    t
}
