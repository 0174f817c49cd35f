use super::*;

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
        _metrics: &Metrics,
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
        newest: usize,
        _cat: &Catalog,
    ) -> (usize, Vec<LogEntry>) {
        match &slot.state {
            Some(Node::Backend(k)) => {
                log_tail(k.queue.iter(), k.queue.len(), newest, |j| LogEntry {
                    text: req(&j.id),
                    on_disk: false,
                })
            }
            _ => (0, Vec::new()),
        }
    }
}
