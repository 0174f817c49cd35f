use super::*;

impl Inspect for LoadBalancing {
    fn durable_rows(
        _cfg: &Config,
        _id: NodeId,
        _slot: &Slot<LoadBalancing>,
        cat: &Catalog,
    ) -> Vec<Row> {
        vec![Row::new(cat.lb.disk, cat.lb.disk_nothing)]
    }

    fn volatile_rows(cfg: &Config, _id: NodeId, node: &Node, cat: &Catalog) -> Vec<Row> {
        let l = &cat.lb;
        let s = |v: u64| v.to_string();
        match node {
            Node::Client(c) => vec![
                Row::new(l.sent, s(c.issued)),
                Row::new(l.completed, s(c.completed)),
                Row::new(l.failed, s(c.failed)),
                Row::new(
                    l.waiting,
                    c.outstanding
                        .keys()
                        .map(|q| format!("#{q}"))
                        .collect::<Vec<_>>()
                        .join(cat.list_sep),
                ),
            ],
            Node::Balancer(b) => {
                let mut rows = vec![
                    Row::new(l.algorithm, algo_name(b.algorithm, cat)),
                    Row::new(l.in_flight, s(b.pending.len() as u64)),
                    Row::new(l.budget, format!("{:.1}", b.budget as f64 / 1000.0)),
                ];
                for (i, v) in b.backends.iter().enumerate() {
                    let ewma = match v.ewma.cost {
                        0 => l.not_measured.to_string(),
                        c => ticks(c / 1000, cat),
                    };
                    let mut row = Row::new(
                        fill(l.backend, &[("n", &(i + 1).to_string())]),
                        fill(
                            if v.up { l.view_up } else { l.view_down },
                            &[
                                ("active", &s(u64::from(v.active))),
                                ("ewma", &ewma),
                                ("served", &s(v.served)),
                                ("misses", &counted(u64::from(v.misses), l.probes)),
                            ],
                        ),
                    );
                    row.warn = !v.up;
                    rows.push(row);
                }
                rows
            }
            Node::Backend(k) => vec![
                Row::new(
                    l.capacity,
                    fill(
                        l.capacity_value,
                        &[
                            ("slots", &counted(u64::from(k.slots), l.slots)),
                            ("speed", &s(u64::from(k.speed))),
                            ("weight", &s(u64::from(cfg.weight(k.index)))),
                        ],
                    ),
                ),
                Row::new(
                    l.slowdown,
                    fill(l.percent, &[("n", &s(u64::from(k.slowdown)))]),
                ),
                Row::new(
                    l.running,
                    k.running
                        .keys()
                        .map(req)
                        .collect::<Vec<_>>()
                        .join(cat.list_sep),
                ),
                Row::new(
                    l.queue,
                    k.queue
                        .iter()
                        .map(|j| req(&j.id))
                        .collect::<Vec<_>>()
                        .join(cat.list_sep),
                ),
            ],
        }
    }

    fn inspector_notes(
        _cfg: &Config,
        _id: NodeId,
        _slot: &Slot<LoadBalancing>,
        _cat: &Catalog,
    ) -> Vec<String> {
        Vec::new()
    }
}
