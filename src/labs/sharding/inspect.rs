use super::*;

impl Inspect for Sharding {
    fn durable_rows(_cfg: &Config, _id: NodeId, slot: &Slot<Sharding>, cat: &Catalog) -> Vec<Row> {
        let c = &cat.shard;
        let d = &slot.disk;
        vec![
            Row::new(
                c.table,
                d.table().map_or(c.none.to_string(), |t| {
                    fill(
                        c.table_value,
                        &[
                            ("version", &t.version.to_string()),
                            ("members", &members(&t.members, cat)),
                        ],
                    )
                }),
            ),
            Row::new(c.keys_held, d.store().len().to_string()),
        ]
        .into_iter()
        .chain(
            d.table()
                .and_then(|t| ranges_text(t, cat))
                .map(|r| Row::new(c.f_ranges, r)),
        )
        .collect()
    }

    fn volatile_rows(cfg: &Config, _id: NodeId, node: &Node, cat: &Catalog) -> Vec<Row> {
        let c = &cat.shard;
        match node {
            Node::Server(Server {
                outgoing,
                puts,
                reads,
                ..
            }) => vec![
                Row::new(
                    c.moving,
                    outgoing
                        .iter()
                        .take(12)
                        .map(|(k, to)| format!("{} → {}", key(*k), server(*to, cat)))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                Row::new(c.replicating, puts.len().to_string()),
                Row::new(c.f_reads, reads.len().to_string()),
            ],
            Node::Router(Router {
                pending, migrating, ..
            }) => vec![
                Row::new(c.in_flight, pending.len().to_string()),
                Row::new(
                    c.migration,
                    migrating.as_ref().map_or(c.none.to_string(), |(v, w)| {
                        fill(
                            c.migration_value,
                            &[
                                ("version", &v.to_string()),
                                (
                                    "waiting",
                                    &w.iter()
                                        .map(|n| name(cfg, *n, cat))
                                        .collect::<Vec<_>>()
                                        .join(", "),
                                ),
                            ],
                        )
                    }),
                ),
            ],
            Node::Client(Client { waiting, .. }) => vec![Row::new(
                c.waiting,
                waiting
                    .values()
                    .take(12)
                    .map(|k| key(*k))
                    .collect::<Vec<_>>()
                    .join(", "),
            )],
        }
    }

    fn inspector_notes(
        _cfg: &Config,
        _id: NodeId,
        _slot: &Slot<Sharding>,
        _cat: &Catalog,
    ) -> Vec<String> {
        Vec::new()
    }
}
