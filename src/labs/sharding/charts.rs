//! The sharding lab's charts: keys per server, requests per primary and the ring (or
//! the ranges) with the key a user typed.

use super::*;

/// The router's table as a circle: for hashing, each member's tokens and keys at their
/// hashes; for ranges, the keys in name order with a mark where each range starts. Up to
/// 600 keys are drawn as dots coloured by their primary; the key a user typed last is
/// ringed, with its replicas named.
fn ring_chart(
    cfg: &Config,
    nodes: &[Slot<Sharding>],
    metrics: &Metrics,
    cat: &Catalog,
) -> Option<Chart> {
    let c = &cat.shard;
    let t = router_table(cfg, nodes)?;
    let r = cfg.replication as usize;
    let index = |s: u32| t.members.iter().position(|m| *m == s).unwrap_or(0);
    let hashed = |h: u64| ((u128::from(h) * 1000) >> 64) as u32;
    // Ranges: a position's place among the generated keys, in thousandths of the circle.
    let positions = cfg.positions();
    let ordinal = |p: u128| {
        (positions.partition_point(|q| *q < p) as u64 * 1000 / u64::from(cfg.keys)) as u32
    };
    let place = |k: &Key| match t.strategy {
        Strategy::Range => ordinal(k.position()),
        _ => hashed(k.hash()),
    };
    let tokens = match (&t.strategy, &t.ranges) {
        (Strategy::Ring, _) => t
            .members
            .iter()
            .flat_map(|s| (0..t.vnodes).map(move |v| (token(*s, v), *s)))
            .map(|(p, s)| (hashed(p), index(s)))
            .collect(),
        (Strategy::Range, Some(g)) => (0..g.owners.len())
            .map(|i| {
                (
                    if i == 0 { 0 } else { ordinal(g.bounds[i - 1]) },
                    index(g.owners[i]),
                )
            })
            .collect(),
        _ => Vec::new(),
    };
    let step = (cfg.keys / 600).max(1);
    let keys = cfg
        .keyspace()
        .step_by(step as usize)
        .filter_map(|k| t.replicas(&k, 1).first().map(|s| (place(&k), index(*s))))
        .collect();
    let focus = metrics.followed.and_then(|k| {
        let replicas = t.replicas(&k, r);
        let primary = *replicas.first()?;
        let label = fill(
            c.focus_note,
            &[("key", k.name()), ("replicas", &members(&replicas, cat))],
        );
        Some((place(&k), index(primary), label))
    });
    let (title, unit, note) = match t.strategy {
        Strategy::Ring => (c.c_ring, c.u_ring, c.ring_note),
        Strategy::ModN => (c.c_ring, c.u_mod_n, c.ring_note),
        Strategy::Range => (c.c_ranges, c.u_ranges, c.ranges_note),
    };
    let mut note = fill(note, &[("version", &t.version.to_string())]);
    if let Some((_, _, label)) = &focus {
        push_sentence(&mut note, label);
    }
    if let Some(p) = &metrics.path {
        // The request path: client → router → each server it was routed to.
        let hops: Vec<String> = std::iter::once(name(cfg, p.client, cat))
            .chain(p.router.map(|r| name(cfg, r, cat)))
            .chain(p.servers.iter().map(|s| server(*s, cat)))
            .collect();
        let state = match p.answered {
            Some(true) => c.path_answered,
            Some(false) => c.path_failed,
            None => c.path_waiting,
        };
        push_sentence(
            &mut note,
            &fill(
                c.path_note,
                &[("path", &hops.join(" → ")), ("state", state)],
            ),
        );
    }
    Some(Chart::Ring(RingChart {
        head: ChartHead { title, unit, note },
        servers: t
            .members
            .iter()
            .enumerate()
            .map(|(i, s)| (server(*s, cat), series_class(i)))
            .collect(),
        tokens,
        keys,
        focus: focus.map(|(at, i, _)| (at, i)),
    }))
}

/// Requests per primary since the last change (the routers' counts of each key's requests,
/// by the key's primary under Router 1's table): where a hot range shows.
fn requests_chart(cfg: &Config, nodes: &[Slot<Sharding>], cat: &Catalog) -> Option<Chart> {
    let c = &cat.shard;
    let t = router_table(cfg, nodes)?;
    let n = cfg.servers + cfg.spare_servers;
    let mut per = vec![0u64; n as usize];
    let mut any = false;
    for r in cfg.routers() {
        if let Some(Node::Router(router)) = &nodes[r.index()].state {
            any = true;
            for (k, h) in &router.hits {
                if let Some(p) = t.replicas(k, 1).first() {
                    per[*p as usize] += h;
                }
            }
        }
    }
    if !any {
        return None;
    }
    let total: u64 = per.iter().sum();
    let note = if total == 0 {
        c.requests_none.to_string()
    } else {
        let max = per.iter().copied().max().unwrap_or(0);
        fill(
            c.requests_note,
            &[
                (
                    "share",
                    &format!("{:.0}", max as f64 * 100.0 / total as f64),
                ),
                ("requests", &count(total, c.requests_one, c.requests_many)),
                (
                    "even",
                    &format!("{:.0}", 100.0 / t.members.len().max(1) as f64),
                ),
            ],
        )
    };
    Some(bars(
        c.c_requests,
        c.u_requests,
        c.requests_series,
        per,
        note,
    ))
}

/// A bar chart with one bar per server, "S1"...
fn bars(
    title: &'static str,
    unit: &'static str,
    label: &str,
    values: Vec<u64>,
    note: String,
) -> Chart {
    Chart::Bar(BarChart {
        head: ChartHead { title, unit, note },
        label: label.to_string(),
        class: series_class(0),
        bars: values
            .into_iter()
            .enumerate()
            .map(|(s, k)| (format!("S{}", s + 1), k))
            .collect(),
    })
}

/// Keys with a replica that is down under the router's table (generated keys, and typed
/// keys once written).
fn under_replicated(cfg: &Config, nodes: &[Slot<Sharding>], metrics: &Metrics) -> Option<usize> {
    let t = router_table(cfg, nodes)?;
    let down = |s: &u32| nodes[cfg.server_node(*s).index()].state.is_none();
    if !t.members.iter().any(down) {
        return Some(0);
    }
    let typed = metrics.typed_written.iter().copied();
    Some(
        cfg.keyspace()
            .chain(typed)
            .filter(|k| t.replicas(k, cfg.replication as usize).iter().any(down))
            .count(),
    )
}

impl Charts<Sharding> for Sharding {
    /// Keys per server (from their disks), with max, mean and standard deviation, what the
    /// last change moved against the ideal, and the keys under-replicated; requests per
    /// primary since the last change; the ring or the ranges.
    fn charts(
        &self,
        cfg: &Config,
        nodes: &[Slot<Sharding>],
        metrics: &Metrics,
        _now: u64,
        cat: &Catalog,
    ) -> Vec<Chart> {
        let c = &cat.shard;
        let n = cfg.servers + cfg.spare_servers;
        let counts: Vec<u64> = (0..n)
            .map(|s| nodes[cfg.server_node(s).index()].disk.store().len() as u64)
            .collect();
        let held = experiments::Spread::of(counts.iter().copied().filter(|c| *c > 0).collect());
        let mut note = fill(
            c.spread_note,
            &[
                ("max", &held.max.to_string()),
                ("mean", &format!("{:.1}", held.mean)),
                ("sd", &format!("{:.1}", held.std_dev)),
            ],
        );
        if let Some(m) = metrics.last_change {
            let moved = format!("{:.1}", m.moved_per_mille as f64 / 10.0);
            let version = m.version.to_string();
            push_sentence(
                &mut note,
                &match m.ideal_per_mille {
                    Some(ideal) => fill(
                        c.moved_note,
                        &[
                            ("version", &version),
                            ("moved", &moved),
                            ("ideal", &format!("{:.1}", ideal as f64 / 10.0)),
                        ],
                    ),
                    None => fill(
                        c.moved_split_note,
                        &[("version", &version), ("moved", &moved)],
                    ),
                },
            );
        }
        if let Some(under) = under_replicated(cfg, nodes, metrics) {
            push_sentence(
                &mut note,
                &if under == 0 {
                    c.under_none.to_string()
                } else {
                    let keys = count(under as u64, c.keys_one, c.keys_many);
                    fill(c.under_note, &[("keys", &keys)])
                },
            );
        }
        std::iter::once(bars(c.c_keys, c.u_keys, c.keys_held, counts, note))
            .chain(requests_chart(cfg, nodes, cat))
            .chain(ring_chart(cfg, nodes, metrics, cat))
            .collect()
    }
}
