//! Batch experiments on placement, without animation: how evenly keys spread, and what
//! fraction moves when a server joins, for hash mod N and for consistent hashing.

use super::placement::{hash_key, mod_n, Ring};

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

/// How keys are placed.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Strategy {
    ModN,
    /// Consistent hashing with this many virtual nodes per server.
    Ring(u32),
}

/// The generated keyspace: `key-0` … `key-(n-1)`, hashed.
pub fn keyspace(n: usize) -> Vec<u64> {
    (0..n).map(|i| hash_key(&format!("key-{i}"))).collect()
}

fn owner_fn(strategy: Strategy, servers: &[u32]) -> Box<dyn Fn(u64) -> u32> {
    match strategy {
        Strategy::ModN => {
            let s = servers.to_vec();
            Box::new(move |h| mod_n(h, &s).expect("servers"))
        }
        Strategy::Ring(v) => {
            let ring = Ring::new(servers, v);
            Box::new(move |h| ring.owner(h).expect("servers"))
        }
    }
}

/// Keys per server for `servers` servers (numbered 0..).
pub fn spread(strategy: Strategy, servers: u32, keys: &[u64]) -> Spread {
    let ids: Vec<u32> = (0..servers).collect();
    let owner = owner_fn(strategy, &ids);
    let mut counts = vec![0u64; servers as usize];
    for k in keys {
        counts[owner(*k) as usize] += 1;
    }
    Spread::of(counts)
}

/// The fraction of keys whose owner changes when server `servers` joins `0..servers`,
/// and the ideal, 1/(N+1).
pub fn moved_on_join(strategy: Strategy, servers: u32, keys: &[u64]) -> (f64, f64) {
    let before: Vec<u32> = (0..servers).collect();
    let after: Vec<u32> = (0..=servers).collect();
    let (b, a) = (owner_fn(strategy, &before), owner_fn(strategy, &after));
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
    for (name, s) in [
        ("hash mod N", Strategy::ModN),
        ("ring, V = 1", Strategy::Ring(1)),
        ("ring, V = 10", Strategy::Ring(10)),
        ("ring, V = 100", Strategy::Ring(100)),
    ] {
        let sp = spread(s, servers, &ks);
        let (moved, ideal) = moved_on_join(s, servers, &ks);
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
