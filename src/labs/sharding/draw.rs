use super::*;

impl Draw for Sharding {
    fn layout(cfg: &Config) -> Vec<Point> {
        layout::sharding(
            (cfg.servers + cfg.spare_servers) as usize,
            cfg.routers as usize,
            cfg.clients as usize,
        )
    }

    fn links(cfg: &Config) -> Vec<(NodeId, NodeId)> {
        // Servers to every router, routers to Router 1, each client to its router, and
        // the servers around their ring (transfers).
        let s = cfg.servers + cfg.spare_servers;
        let routers: Vec<NodeId> = cfg.routers().collect();
        let mut links: Vec<(NodeId, NodeId)> = (0..s)
            .flat_map(|a| routers.iter().map(move |r| (NodeId(a), *r)))
            .collect();
        links.extend(routers.iter().skip(1).map(|r| (*r, routers[0])));
        links.extend((0..cfg.clients).map(|c| {
            let node = NodeId(s + cfg.routers + c);
            (node, cfg.router_of_client(c))
        }));
        for a in 0..s {
            links.push((NodeId(a), NodeId((a + 1) % s)));
        }
        links
    }

    fn node_name(cfg: &Config, id: NodeId, cat: &Catalog) -> String {
        name(cfg, id, cat)
    }

    fn node_status(
        cfg: &Config,
        id: NodeId,
        node: &Node,
        _slot: &Slot<Sharding>,
        _ghost: &Ghost,
        metrics: &Metrics,
        cat: &Catalog,
    ) -> (String, Tone, Vec<String>) {
        let c = &cat.shard;
        // The key a user typed last: which servers (by their own table) hold it, and which
        // client waits for it.
        let followed = |t: Option<&Table>| -> Option<String> {
            let k = metrics.followed?;
            let replicas = t?.replicas(&k, cfg.replication as usize);
            let i = replicas.iter().position(|s| *s == id.0)?;
            Some(fill(
                if i == 0 {
                    c.badge_primary
                } else {
                    c.badge_replica
                },
                &[("key", k.name())],
            ))
        };
        match node {
            Node::Server(s) => {
                let (d, outgoing) = (&s.d, &s.outgoing);
                let version = d.version();
                let member = d
                    .table
                    .as_ref()
                    .is_some_and(|t| t.members.contains(&(id.0)));
                let status = fill(
                    if outgoing.is_empty() {
                        c.st_server
                    } else {
                        c.st_server_moving
                    },
                    &[
                        (
                            "keys",
                            &count(d.store.len() as u64, c.keys_one, c.keys_many),
                        ),
                        ("version", &version.to_string()),
                        ("moving", &outgoing.len().to_string()),
                    ],
                );
                let mut badges = if member {
                    vec![]
                } else {
                    vec![c.badge_outside.to_string()]
                };
                badges.extend(followed(d.table.as_ref()));
                let tone = if !member {
                    Tone::Idle
                } else if outgoing.is_empty() {
                    Tone::Working
                } else {
                    Tone::Blocked
                };
                (status, tone, badges)
            }
            Node::Router(r) => {
                let (index, migrating, pending) = (&r.index, &r.migrating, &r.pending);
                let t = &r.d.table;
                let status = fill(
                    if migrating.is_some() {
                        c.st_router_migrating
                    } else {
                        c.st_router
                    },
                    &[
                        ("version", &t.version.to_string()),
                        (
                            "servers",
                            &count(t.members.len() as u64, c.servers_one, c.servers_many),
                        ),
                        ("pending", &pending.len().to_string()),
                    ],
                );
                let routing = metrics
                    .followed
                    .filter(|k| pending.values().any(|p| p.key == *k))
                    .map(|k| fill(c.badge_routing, &[("key", k.name())]));
                (
                    status,
                    if migrating.is_some() {
                        Tone::Blocked
                    } else {
                        Tone::Good
                    },
                    (*index == 0 && cfg.routers > 1)
                        .then(|| c.badge_owner.to_string())
                        .into_iter()
                        .chain(routing)
                        .collect(),
                )
            }
            Node::Client(Client { sent, waiting, .. }) => (
                fill(
                    c.st_client,
                    &[
                        ("sent", &sent.to_string()),
                        ("waiting", &waiting.len().to_string()),
                    ],
                ),
                if waiting.is_empty() {
                    Tone::Idle
                } else {
                    Tone::Working
                },
                metrics
                    .followed
                    .filter(|k| waiting.values().any(|w| w == k))
                    .map(|k| fill(c.badge_asked, &[("key", k.name())]))
                    .into_iter()
                    .collect(),
            ),
        }
    }

    fn node_log(
        _cfg: &Config,
        _id: NodeId,
        _slot: &Slot<Sharding>,
        _newest: usize,
        _cat: &Catalog,
    ) -> (usize, Vec<LogEntry>) {
        (0, Vec::new())
    }
}
