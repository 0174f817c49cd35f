//! Sharding's placement on whole runs: hash mod N's replica lists, range splits under a
//! hot-key workload, joins under ranges, and the batch figures against theory.

mod common;
use common::sharding::*;
use common::{first_violation, violations};
use protocols::sharding::{Config, Key, Note, Request, Strategy};
use protocols::sim::Input;

/// Hash mod N's replica lists against their naive definition: the member at hash mod N, then
/// the next ones in order, wrapping.
#[test]
fn mod_n_replica_lists_match_the_naive_definition() {
    use protocols::sharding::Table;
    for n in 1..=8u32 {
        let members: Vec<u32> = (0..n).map(|i| i * 2 + 1).collect();
        let t = Table::new(1, members.clone(), Strategy::ModN, 1);
        for k in 0..500u32 {
            let key = Key::generated(k);
            let h = key.hash();
            for r in 1..=3usize {
                let naive: Vec<u32> = (0..r.min(n as usize))
                    .map(|j| members[((h % u64::from(n)) as usize + j) % n as usize])
                    .collect();
                assert_eq!(t.replicas(&key, r), naive);
            }
        }
    }
}

/// Requests the router sent to each server (first attempts) in steps `from..to`.
fn routed_per_server(h: &H, cfg: &Config, from: u64, to: u64) -> Vec<u64> {
    let mut n = vec![0u64; (cfg.servers + cfg.spare_servers) as usize];
    for r in &common::records(h)[from as usize..to as usize] {
        for (_, note) in &r.notes {
            if let Note::Routed {
                server, attempt: 0, ..
            } = note
            {
                n[*server as usize] += 1;
            }
        }
    }
    n
}

/// Range partitioning with a hot-key workload: the first range (the low-numbered keys)
/// takes most requests. A hot-range split cuts it where its requests halve and moves the
/// upper part to the least busy server: the busiest server's share of requests falls, the
/// migration ends, and nothing is lost.
#[test]
fn a_hot_key_workload_then_a_range_split() {
    let cfg = Config {
        strategy: Strategy::Range,
        replication: 1,
        skew: 2,
        rate: 200,
        ..Config::default()
    };
    let mut h = history(cfg.clone(), 11);
    h.run_to(4_000);
    let before = routed_per_server(&h, &cfg, 0, 4_000);
    let total: u64 = before.iter().sum();
    assert!(
        before[0] * 2 > total,
        "server 1 holds the hot keys: {before:?}"
    );
    h.inject(Input::Request {
        node: cfg.router_node(),
        request: Request::SplitHot,
    })
    .unwrap();
    let split = h
        .record(h.len() - 1)
        .unwrap()
        .notes
        .iter()
        .find_map(|(_, n)| match n {
            Note::RangeSplit { range, at, to } => Some((*range, *at, *to)),
            _ => None,
        });
    let (range, at, to) = split.expect("the router splits");
    assert_eq!(range, 0, "the first range is the hot one");
    assert_ne!(to, 0, "its upper part moves to another server");
    assert!(at > Key::generated(0), "the cut is inside the range");
    assert!(h.run_until(10_000, over), "the migration ends");
    let from = h.len();
    h.run_to(from + 4_000);
    let after = routed_per_server(&h, &cfg, from, from + 4_000);
    let total_after: u64 = after.iter().sum();
    let share = |v: &[u64], t: u64| *v.iter().max().unwrap() as f64 / t as f64;
    assert!(
        share(&after, total_after) < share(&before, total) * 0.8,
        "the busiest server's share falls: {before:?} then {after:?}"
    );
    assert!(
        after[to as usize] > before[to as usize],
        "the new owner gets requests"
    );
    assert_eq!(violations(&h), 0, "{:?}", first_violation(&h));
}

/// With ranges, a join splits the range with the most keys at its median key: the
/// newcomer gets half of one range, about 1/(2N) of the keys, not 1/(N+1).
#[test]
fn a_join_under_ranges_takes_half_of_the_largest_range() {
    let cfg = Config {
        strategy: Strategy::Range,
        replication: 1,
        ..Config::default()
    };
    let t = cfg.initial_table();
    let positions = cfg.positions();
    let joined = t.with_member(4, &positions);
    let on = |t: &protocols::sharding::Table, s: u32| {
        cfg.keyspace().filter(|k| t.replicas(k, 1)[0] == s).count()
    };
    assert_eq!((0..4).map(|s| on(&t, s)).collect::<Vec<_>>(), vec![250; 4]);
    assert_eq!(on(&joined, 4), 125, "half of one range of 250");
    assert_eq!(on(&joined, 0), 125, "taken from the first of the largest");
    let left = joined.without_member(4, &positions);
    assert_eq!(on(&left, 4), 0);
    assert_eq!(
        (0..4).map(|s| on(&left, s)).sum::<usize>(),
        1_000,
        "every key has an owner again"
    );
}

/// The batch figures for ranges against theory: balanced ranges spread keys exactly
/// evenly; a join moves half of one range, 1/(2N) of the keys; and hot keys (skew 2) land
/// in the first range, so its server takes far more than its share of requests, while
/// hashing spreads them.
#[test]
fn batch_figures_for_ranges_against_hashing() {
    use protocols::sharding::experiments::{figures, keyspace, workload};
    let keys = keyspace(10_000);
    let load = workload(10_000, 2, 100_000, 1);
    let ranges = figures(Strategy::Range, 1, 10, &keys, &load);
    assert_eq!(ranges.std_dev, 0.0, "1,000 keys each");
    assert!(
        (ranges.moved - 0.05).abs() < 1e-9,
        "half of one range: {}",
        ranges.moved
    );
    let ring = figures(Strategy::Ring, 100, 10, &keys, &load);
    // Skew 2: a key is about N × U0 × U1 × U2 (three uniform draws), so the first tenth's
    // share is P(U0 U1 U2 < 0.1) = 0.1 × (1 + ln 10 + (ln 10)² / 2) ≈ 0.595.
    assert!((ranges.busiest - 0.595).abs() < 0.02, "{}", ranges.busiest);
    assert!(
        ring.busiest < 0.2,
        "hashing spreads the hot keys: {}",
        ring.busiest
    );
}
