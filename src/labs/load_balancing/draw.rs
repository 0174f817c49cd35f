use super::*;

/// Line styles for per-backend series (colour and dash, so each is told apart without
/// colour too).
pub(super) const SERIES_CLASSES: [&str; 8] = ["s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7"];

impl Draw for LoadBalancing {
    fn layout(cfg: &Config) -> Vec<Point> {
        layout::balancer(cfg.clients as usize, cfg.backends as usize)
    }

    fn links(cfg: &Config) -> Vec<(NodeId, NodeId)> {
        let lb = cfg.balancer_node();
        (0..cfg.node_count() as u32)
            .map(NodeId)
            .filter(|n| *n != lb)
            .map(|n| (n, lb))
            .collect()
    }

    fn node_name(cfg: &Config, id: NodeId, cat: &Catalog) -> String {
        name(cfg, id, cat)
    }

    fn node_status(
        cfg: &Config,
        _id: NodeId,
        node: &Node,
        _slot: &Slot<LoadBalancing>,
        _ghost: &Ghost,
        cat: &Catalog,
    ) -> (String, Tone, Vec<String>) {
        let l = &cat.lb;
        let s = |v: u64| v.to_string();
        match node {
            Node::Client(c) => (
                fill(
                    l.st_client,
                    &[
                        ("sent", &s(c.issued)),
                        ("done", &s(c.completed)),
                        ("failed", &s(c.failed)),
                        ("waiting", &s(c.outstanding.len() as u64)),
                    ],
                ),
                if c.outstanding.is_empty() {
                    Tone::Idle
                } else {
                    Tone::Working
                },
                vec![],
            ),
            Node::Balancer(b) => {
                let up = b.backends.iter().filter(|v| v.up).count();
                (
                    fill(
                        l.st_balancer,
                        &[
                            ("algorithm", algo_name(b.algorithm, cat)),
                            ("pending", &s(b.pending.len() as u64)),
                            ("up", &s(up as u64)),
                            ("all", &s(cfg.backends as u64)),
                        ],
                    ),
                    if up < cfg.backends as usize {
                        Tone::Blocked
                    } else {
                        Tone::Good
                    },
                    vec![],
                )
            }
            Node::Backend(k) => {
                let mut badges = Vec::new();
                if k.slowdown != 100 {
                    badges.push(fill(
                        l.badge_slow,
                        &[("x", &format!("{:.1}", k.slowdown as f64 / 100.0))],
                    ));
                }
                if k.speed != 100 {
                    badges.push(l.badge_large.to_string());
                }
                let full = k.running.len() as u32 >= k.slots;
                (
                    fill(
                        l.st_backend,
                        &[
                            ("running", &s(k.running.len() as u64)),
                            ("slots", &s(k.slots as u64)),
                            ("queued", &s(k.queue.len() as u64)),
                            ("limit", &s(cfg.queue as u64)),
                        ],
                    ),
                    if k.queue.len() as u32 >= cfg.queue {
                        Tone::Bad
                    } else if full {
                        Tone::Blocked
                    } else {
                        Tone::Working
                    },
                    badges,
                )
            }
        }
    }

    /// Under a backend, its queue, oldest first.
    fn node_log(
        _cfg: &Config,
        _id: NodeId,
        slot: &Slot<LoadBalancing>,
        _cat: &Catalog,
    ) -> Vec<LogEntry> {
        match &slot.state {
            Some(Node::Backend(k)) => k
                .queue
                .iter()
                .map(|j| LogEntry {
                    text: req(&j.id),
                    on_disk: false,
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

impl Charts<LoadBalancing> for LoadBalancing {
    fn charts(
        &self,
        cfg: &Config,
        _nodes: &[Slot<LoadBalancing>],
        ghost: &Ghost,
        now: u64,
        cat: &Catalog,
    ) -> Vec<Chart> {
        let l = &cat.lb;
        // The last two minutes of the run, one point per complete simulated second; a
        // second in which nothing was noted counts zero.
        let upto = now / BUCKET_TICKS;
        let seconds = upto.saturating_sub(120)..upto;
        let lat = |p: u64| -> Vec<(u64, u64)> {
            seconds
                .clone()
                .filter_map(|s| {
                    let b = ghost.series.get(s)?;
                    b.latencies.percentile(p).map(|y| (s, y))
                })
                .collect()
        };
        let per = |f: &dyn Fn(&Bucket) -> u64| -> Vec<(u64, u64)> {
            seconds
                .clone()
                .map(|s| (s, ghost.series.get(s).map_or(0, f)))
                .collect()
        };
        let utilisation = (0..cfg.backends)
            .map(|k| {
                let (slots, _) = cfg.capacity(k);
                Series {
                    label: fill(l.backend, &[("n", &(k + 1).to_string())]),
                    class: SERIES_CLASSES[k as usize % SERIES_CLASSES.len()],
                    points: per(&|b| {
                        let busy = b.busy.get(k as usize).copied().unwrap_or(0);
                        (busy * 100 / (u64::from(slots) * BUCKET_TICKS)).min(100)
                    }),
                }
            })
            .collect();
        vec![
            Chart {
                title: l.c_latency,
                unit: l.u_ticks,
                x_label: l.u_seconds,
                bars: false,
                x_names: Vec::new(),
                note: String::new(),
                ring: None,
                series: vec![
                    Series {
                        label: "p50".into(),
                        class: "s0",
                        points: lat(50),
                    },
                    Series {
                        label: "p95".into(),
                        class: "s1",
                        points: lat(95),
                    },
                    Series {
                        label: "p99".into(),
                        class: "s2",
                        points: lat(99),
                    },
                ],
            },
            Chart {
                title: l.c_throughput,
                unit: l.u_per_second,
                x_label: l.u_seconds,
                bars: false,
                x_names: Vec::new(),
                note: String::new(),
                ring: None,
                series: vec![Series {
                    label: l.completed.to_string(),
                    class: "s0",
                    points: per(&|b| b.latencies.len()),
                }],
            },
            Chart {
                title: l.c_failures,
                unit: l.u_per_second,
                x_label: l.u_seconds,
                bars: false,
                x_names: Vec::new(),
                note: String::new(),
                ring: None,
                series: vec![
                    Series {
                        label: l.f_rejected.to_string(),
                        class: "s3",
                        points: per(&|b| u64::from(b.rejected)),
                    },
                    Series {
                        label: l.failed.to_string(),
                        class: "s2",
                        points: per(&|b| u64::from(b.failed)),
                    },
                ],
            },
            Chart {
                title: l.c_utilisation,
                unit: l.u_percent,
                x_label: l.u_seconds,
                bars: false,
                x_names: Vec::new(),
                note: String::new(),
                ring: None,
                series: utilisation,
            },
        ]
    }
}
