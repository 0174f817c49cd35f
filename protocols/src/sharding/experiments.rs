//! Batch experiments on placement, without animation: how evenly keys spread, and what
//! fraction moves when a server joins, for hash mod N and for consistent hashing.

use super::msg::{Strategy, Table};
use super::placement::hash_key;

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

/// The generated keyspace: `key-0` … `key-(n-1)`, hashed.
pub fn keyspace(n: usize) -> Vec<u64> {
    (0..n).map(|i| hash_key(&format!("key-{i}"))).collect()
}

/// The primary of each hash under a table of servers `0..servers` (the lab's own tables).
fn owner_fn(strategy: Strategy, vnodes: u32, servers: u32) -> impl Fn(u64) -> u32 {
    let t = Table::new(0, (0..servers).collect(), strategy, vnodes);
    move |h| t.replicas(h, 1)[0]
}

/// Keys per server for `servers` servers (numbered 0..).
pub fn spread(strategy: Strategy, vnodes: u32, servers: u32, keys: &[u64]) -> Spread {
    let owner = owner_fn(strategy, vnodes, servers);
    let mut counts = vec![0u64; servers as usize];
    for k in keys {
        counts[owner(*k) as usize] += 1;
    }
    Spread::of(counts)
}

/// The fraction of keys whose owner changes when server `servers` joins `0..servers`,
/// and the ideal, 1/(N+1).
pub fn moved_on_join(strategy: Strategy, vnodes: u32, servers: u32, keys: &[u64]) -> (f64, f64) {
    let b = owner_fn(strategy, vnodes, servers);
    let a = owner_fn(strategy, vnodes, servers + 1);
    let moved = keys.iter().filter(|k| b(**k) != a(**k)).count();
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
