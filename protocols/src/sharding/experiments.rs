//! Batch experiments on placement, without animation: how evenly keys spread, what
//! fraction moves when a server joins, and how much of a workload the busiest primary
//! takes, for hash mod N, consistent hashing and ranges.
//!
//! One ring is one draw of tokens, and with few keys and servers one draw can mislead (V =
//! 100 came out less even than V = 10 on the lab's 1,000 keys and 4 servers). So the ring
//! rows average [`RINGS`] rings: the same servers renumbered, since a token hashes its
//! server's number. Hash mod N and ranges do not depend on the numbers: one draw is exact.

use super::key::Key;
use super::msg::{Strategy, Table};
use super::placement::Ranges;
use super::Config;
use crate::sim::rng::Rng;

/// How many rings the ring rows average.
pub const RINGS: u32 = 20;

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
        // Folded from +0.0: an empty f64 sum is -0.0, printed "-0.0".
        let var = counts
            .iter()
            .map(|c| (*c as f64 - mean).powi(2))
            .fold(0.0, |a, x| a + x)
            / n;
        Spread {
            max: counts.iter().copied().max().unwrap_or(0),
            counts,
            mean,
            std_dev: var.sqrt(),
        }
    }
}

/// A generated keyspace as the placement sees it: `key-0000` … `key-(n-1)` (zero-padded to
/// the digits of n − 1, so names sort like numbers), each as its (hash, range position).
pub fn keyspace(n: usize) -> Vec<(u64, u128)> {
    (0..n as u32)
        .map(|k| Key::generated_in(k, n as u32))
        .map(|k| (k.hash(), k.position()))
        .collect()
}

/// Draw `ring` of a placement: its servers, numbered `ring · (servers + 1)` on (the last
/// one of each block joins). Draw 0 is the lab's own numbering.
fn members(servers: u32, ring: u32) -> Vec<u32> {
    (0..=servers).map(|i| ring * (servers + 1) + i).collect()
}

/// The lab's own tables for `servers` servers (ranges balanced over `keys`), before and
/// after one more joins, on draw `ring`.
fn tables(
    strategy: Strategy,
    vnodes: u32,
    servers: u32,
    ring: u32,
    keys: &[(u64, u128)],
) -> (Table, Table) {
    let all = members(servers, ring);
    let (before, newcomer) = (all[..servers as usize].to_vec(), all[servers as usize]);
    let mut positions: Vec<u128> = keys.iter().map(|k| k.1).collect();
    positions.sort_unstable();
    let first = if strategy == Strategy::Range {
        let ranges = Ranges::balanced(&positions, &before);
        Table::ranged(1, before, vnodes, ranges)
    } else {
        Table::new(1, before, strategy, vnodes)
    };
    let after = first.with_member(newcomer, &positions);
    (first, after)
}

/// The position in the table's member list of the key's primary.
fn primary(t: &Table, k: &(u64, u128)) -> usize {
    let p = t.replicas_at(k.0, k.1, 1)[0];
    t.members.iter().position(|m| *m == p).expect("a member")
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

/// One placement's figures (the ring's averaged over [`RINGS`] rings).
#[derive(Clone, Debug, PartialEq)]
pub struct Figures {
    /// Keys per server: the largest, the mean and the standard deviation.
    pub max: f64,
    pub mean: f64,
    pub std_dev: f64,
    /// The share of keys whose primary changes when one server joins, and the ideal.
    pub moved: f64,
    pub ideal: f64,
    /// The share of the workload's requests whose key the busiest server is primary for.
    pub busiest: f64,
}

/// One draw's figures: spread, moved keys and the busiest primary's share of `load`.
fn draw(
    strategy: Strategy,
    vnodes: u32,
    servers: u32,
    ring: u32,
    keys: &[(u64, u128)],
    load: &[u64],
) -> Figures {
    let (before, after) = tables(strategy, vnodes, servers, ring, keys);
    let mut counts = vec![0u64; servers as usize];
    let mut per = vec![0u64; servers as usize];
    let mut moved = 0;
    for (k, n) in keys.iter().zip(load) {
        let p = primary(&before, k);
        counts[p] += 1;
        per[p] += n;
        moved += usize::from(before.members[p] != after.members[primary(&after, k)]);
    }
    let total: u64 = per.iter().sum();
    let spread = Spread::of(counts);
    Figures {
        max: spread.max as f64,
        mean: spread.mean,
        std_dev: spread.std_dev,
        moved: moved as f64 / keys.len().max(1) as f64,
        ideal: 1.0 / f64::from(servers + 1),
        busiest: per.iter().copied().max().unwrap_or(0) as f64 / total.max(1) as f64,
    }
}

/// Spread, moved keys and the busiest primary's share of `load` (requests per key of
/// `keys`) for `servers` servers, then one more: for the ring, the mean over [`RINGS`]
/// rings.
pub fn figures(
    strategy: Strategy,
    vnodes: u32,
    servers: u32,
    keys: &[(u64, u128)],
    load: &[u64],
) -> Figures {
    let rings = if strategy == Strategy::Ring { RINGS } else { 1 };
    let draws: Vec<Figures> = (0..rings)
        .map(|ring| draw(strategy, vnodes, servers, ring, keys, load))
        .collect();
    let mean = |f: fn(&Figures) -> f64| draws.iter().map(f).sum::<f64>() / f64::from(rings);
    Figures {
        max: mean(|f| f.max),
        mean: mean(|f| f.mean),
        std_dev: mean(|f| f.std_dev),
        moved: mean(|f| f.moved),
        ideal: mean(|f| f.ideal),
        busiest: mean(|f| f.busiest),
    }
}

/// "1 server", "10 servers".
fn servers_text(n: u32) -> String {
    if n == 1 {
        "1 server".into()
    } else {
        format!("{n} servers")
    }
}

/// A table of the experiments for every variant: `keys` keys on `servers` servers, then
/// one joins; 100,000 requests with hot keys `skew`; the ring rows averaged over
/// [`RINGS`] rings.
pub fn report(servers: u32, keys: usize, skew: u32) -> String {
    let ks = keyspace(keys);
    let load = workload(keys as u32, skew, 100_000, 1);
    let mut t = format!(
        "{keys} keys, {}, then one joins; 100000 requests, skew {skew}; rings averaged over {RINGS} draws\n{:<22} {:>8} {:>9} {:>9} {:>9} {:>8} {:>9}\n",
        servers_text(servers), "strategy", "max", "mean", "std dev", "moved", "ideal", "busiest"
    );
    for (s, v) in VARIANTS {
        let name = match s {
            Strategy::ModN => "hash mod N".to_string(),
            Strategy::Ring => format!("ring, V = {v}"),
            Strategy::Range => "ranges".to_string(),
        };
        let f = figures(s, v, servers, &ks, &load);
        t.push_str(&format!(
            "{name:<22} {:>8.0} {:>9.1} {:>9.1} {:>8.1}% {:>7.1}% {:>8.1}%\n",
            f.max,
            f.mean,
            f.std_dev,
            f.moved * 100.0,
            f.ideal * 100.0,
            f.busiest * 100.0
        ));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lesson of the batch table: more virtual nodes spread keys more evenly. On every
    /// size the lab allows (2–8 servers, 100–10,000 keys), the averaged std dev falls from
    /// V = 1 to V = 10 to V = 100. One ring could show the opposite (V = 100 less even
    /// than V = 10, on the lab's defaults, before rings were averaged).
    #[test]
    fn more_virtual_nodes_spread_keys_more_evenly_in_the_batch() {
        for servers in [2, 4, 8] {
            for keys in [100, 1_000, 10_000] {
                let ks = keyspace(keys);
                let load = workload(keys as u32, 0, 10_000, 1);
                let sd = |v| figures(Strategy::Ring, v, servers, &ks, &load).std_dev;
                let (v1, v10, v100) = (sd(1), sd(10), sd(100));
                assert!(
                    v1 > v10 && v10 > v100,
                    "{servers} servers, {keys} keys: V=1 {v1:.1}, V=10 {v10:.1}, V=100 {v100:.1}"
                );
            }
        }
    }

    #[test]
    fn an_even_spread_has_a_std_dev_of_plus_zero() {
        assert_eq!(Spread::of(Vec::new()).std_dev.to_string(), "0");
        assert_eq!(format!("{:.1}", Spread::of(vec![5, 5]).std_dev), "0.0");
    }
}
