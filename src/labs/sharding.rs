//! The sharding lab: servers on a ring around the router, clients at the side; each
//! server's key count and table version; live migrations; keys per server as bars; what
//! the last membership change moved against the ideal.

use super::sim::LabProtocol;
use super::{Action, Chart, LabId, LogEntry, RingView, Row, Series, Setting, SettingKind};
use crate::i18n::{fill, Catalog};
use crate::view_model::layout::{self, Point};
use protocols::sharding::invariants::Ghost;
use protocols::sharding::placement::{hash_key, token};
use protocols::sharding::{Config, Kind, Msg, Node, Note, Op, Request, Sharding, Strategy, Timer};
use protocols::sim::{NodeId, Slot};

fn name(cfg: &Config, id: usize, cat: &Catalog) -> String {
    let n = |k: u32| (k + 1).to_string();
    match cfg.kind(NodeId(id as u32)) {
        Kind::Server(s) => fill(cat.shard.server, &[("n", &n(s))]),
        Kind::Router => cat.shard.router.to_string(),
        Kind::Client(c) => fill(cat.shard.client, &[("n", &n(c))]),
    }
}

fn server(s: u32, cat: &Catalog) -> String {
    fill(cat.shard.server, &[("n", &(s + 1).to_string())])
}

fn members(m: &[u32], cat: &Catalog) -> String {
    m.iter()
        .map(|s| server(*s, cat))
        .collect::<Vec<_>>()
        .join(", ")
}

fn key(k: u32) -> String {
    format!("key-{k}")
}

fn op_text(op: &Op, cat: &Catalog) -> String {
    match op {
        Op::Get => cat.shard.get.to_string(),
        Op::Put { value } => fill(cat.shard.put, &[("value", &value.to_string())]),
    }
}

/// The router's table as a ring: each member's tokens (consistent hashing), and up to 600
/// keys as dots coloured by their primary.
fn ring_chart(cfg: &Config, nodes: &[Slot<Sharding>], cat: &Catalog) -> Option<Chart> {
    let c = &cat.shard;
    let router = &nodes[cfg.router_node().index()];
    let t = match &router.state {
        Some(Node::Router { d, .. }) => d.table.clone(),
        _ => router.disk.table.clone(),
    }?;
    let frac = |h: u64| ((u128::from(h) * 1000) >> 64) as u32;
    let index = |s: u32| t.members.iter().position(|m| *m == s).unwrap_or(0);
    let tokens = match t.strategy {
        Strategy::Ring => t
            .members
            .iter()
            .flat_map(|s| (0..t.vnodes).map(move |v| (token(*s, v), *s)))
            .map(|(p, s)| (frac(p), index(s)))
            .collect(),
        Strategy::ModN => Vec::new(),
    };
    let step = (cfg.keys / 600).max(1);
    let keys = (0..cfg.keys)
        .step_by(step as usize)
        .filter_map(|k| {
            let h = hash_key(&key(k));
            t.replicas(h, 1).first().map(|s| (frac(h), index(*s)))
        })
        .collect();
    Some(Chart {
        title: c.c_ring,
        unit: if t.strategy == Strategy::Ring {
            c.u_ring
        } else {
            c.u_mod_n
        },
        x_label: "",
        series: t
            .members
            .iter()
            .enumerate()
            .map(|(i, s)| Series {
                label: server(*s, cat),
                class: RING_CLASSES[i % RING_CLASSES.len()],
                points: Vec::new(),
            })
            .collect(),
        bars: false,
        x_names: Vec::new(),
        note: fill(c.ring_note, &[("version", &t.version.to_string())]),
        ring: Some(RingView {
            tokens,
            keys,
            servers: t.members.iter().map(|s| server(*s, cat)).collect(),
        }),
    })
}

const RING_CLASSES: [&str; 8] = ["s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7"];

impl LabProtocol for Sharding {
    const LAB: LabId = LabId::Sharding;

    fn layout(cfg: &Config) -> Vec<Point> {
        layout::sharding(
            (cfg.servers + cfg.spare_servers) as usize,
            cfg.clients as usize,
        )
    }

    fn links(cfg: &Config) -> Vec<(usize, usize)> {
        let r = cfg.router_node().index();
        let s = (cfg.servers + cfg.spare_servers) as usize;
        let mut links: Vec<(usize, usize)> = (0..cfg.node_count())
            .filter(|n| *n != r)
            .map(|n| (n, r))
            .collect();
        for a in 0..s {
            links.push((a, (a + 1) % s));
        }
        links
    }

    fn node_name(cfg: &Config, id: usize, cat: &Catalog) -> String {
        name(cfg, id, cat)
    }

    fn node_status(
        _cfg: &Config,
        id: usize,
        node: &Node,
        _slot: &Slot<Self>,
        _ghost: &Ghost,
        cat: &Catalog,
    ) -> (String, &'static str, Vec<String>) {
        let c = &cat.shard;
        match node {
            Node::Server { d, outgoing, .. } => {
                let version = d.table.as_ref().map_or(0, |t| t.version);
                let member = d
                    .table
                    .as_ref()
                    .is_some_and(|t| t.members.contains(&(id as u32)));
                let status = fill(
                    if outgoing.is_empty() {
                        c.st_server
                    } else {
                        c.st_server_moving
                    },
                    &[
                        ("keys", &d.store.len().to_string()),
                        ("version", &version.to_string()),
                        ("moving", &outgoing.len().to_string()),
                    ],
                );
                let badges = if member {
                    vec![]
                } else {
                    vec![c.badge_outside.to_string()]
                };
                let tone = if !member {
                    "tone-idle"
                } else if outgoing.is_empty() {
                    "tone-working"
                } else {
                    "tone-blocked"
                };
                (status, tone, badges)
            }
            Node::Router {
                d,
                migrating,
                pending,
            } => {
                let t = d.table.as_ref();
                let status = fill(
                    if migrating.is_some() {
                        c.st_router_migrating
                    } else {
                        c.st_router
                    },
                    &[
                        ("version", &t.map_or(0, |t| t.version).to_string()),
                        ("n", &t.map_or(0, |t| t.members.len()).to_string()),
                        ("pending", &pending.len().to_string()),
                    ],
                );
                (
                    status,
                    if migrating.is_some() {
                        "tone-blocked"
                    } else {
                        "tone-commit"
                    },
                    vec![],
                )
            }
            Node::Client { sent, waiting, .. } => (
                fill(
                    c.st_client,
                    &[
                        ("sent", &sent.to_string()),
                        ("waiting", &waiting.len().to_string()),
                    ],
                ),
                if waiting.is_empty() {
                    "tone-idle"
                } else {
                    "tone-working"
                },
                vec![],
            ),
        }
    }

    fn msg_label(msg: &Msg, cat: &Catalog) -> String {
        let c = &cat.shard;
        match msg {
            Msg::Request { key: k, op, .. } | Msg::Forward { key: k, op, .. } => {
                fill(c.m_op, &[("op", &op_text(op, cat)), ("key", &key(*k))])
            }
            Msg::Response { ok: true, .. } | Msg::Done { .. } => c.m_done.to_string(),
            Msg::Response { ok: false, .. } => c.m_failed.to_string(),
            Msg::Moved { version, .. } => fill(c.m_moved, &[("version", &version.to_string())]),
            Msg::Replicate { key: k, .. } => fill(c.m_replicate, &[("key", &key(*k))]),
            Msg::Replicated { .. } => c.m_replicated.to_string(),
            Msg::NewTable { table } => fill(c.m_table, &[("version", &table.version.to_string())]),
            Msg::Transfer { key: k, .. } => fill(c.m_transfer, &[("key", &key(*k))]),
            Msg::TransferAck { key: k, .. } => fill(c.m_transfer_ack, &[("key", &key(*k))]),
            Msg::MigrationDone { version } => {
                fill(c.m_migration_done, &[("version", &version.to_string())])
            }
        }
    }

    fn msg_tone(msg: &Msg) -> &'static str {
        match msg {
            Msg::Request { .. } | Msg::Forward { .. } | Msg::Replicate { .. } => "tone-working",
            Msg::Response { ok: true, .. }
            | Msg::Done { .. }
            | Msg::Replicated { .. }
            | Msg::TransferAck { .. }
            | Msg::MigrationDone { .. } => "tone-commit",
            Msg::Response { ok: false, .. } | Msg::Moved { .. } => "tone-abort",
            Msg::NewTable { .. } | Msg::Transfer { .. } => "tone-blocked",
        }
    }

    fn msg_fields(msg: &Msg, cat: &Catalog) -> Vec<Row> {
        let c = &cat.shard;
        let s = |v: u64| v.to_string();
        match msg {
            Msg::Request { id, key: k, op } => vec![
                Row::new(c.f_id, s(*id)),
                Row::new(c.f_key, key(*k)),
                Row::new(c.f_op, op_text(op, cat)),
            ],
            Msg::Forward {
                id,
                key: k,
                op,
                stamp,
                version,
            } => vec![
                Row::new(c.f_id, s(*id)),
                Row::new(c.f_key, key(*k)),
                Row::new(c.f_op, op_text(op, cat)),
                Row::new(c.f_stamp, s(*stamp)),
                Row::new(c.f_version, s(*version)),
            ],
            Msg::Response { id, value, .. } | Msg::Done { id, value } => vec![
                Row::new(c.f_id, s(*id)),
                Row::new(
                    c.f_value,
                    value.map_or(c.none.to_string(), |(v, st)| {
                        fill(c.value_at, &[("value", &s(v)), ("stamp", &s(st))])
                    }),
                ),
            ],
            Msg::Moved { id, version } => {
                vec![Row::new(c.f_id, s(*id)), Row::new(c.f_version, s(*version))]
            }
            Msg::Replicate {
                id,
                key: k,
                value,
                stamp,
            } => vec![
                Row::new(c.f_id, s(*id)),
                Row::new(c.f_key, key(*k)),
                Row::new(
                    c.f_value,
                    fill(c.value_at, &[("value", &s(*value)), ("stamp", &s(*stamp))]),
                ),
            ],
            Msg::Replicated { id } => vec![Row::new(c.f_id, s(*id))],
            Msg::NewTable { table } => vec![
                Row::new(c.f_version, s(table.version)),
                Row::new(c.f_members, members(&table.members, cat)),
            ],
            Msg::Transfer {
                version,
                key: k,
                value,
                stamp,
            } => vec![
                Row::new(c.f_version, s(*version)),
                Row::new(c.f_key, key(*k)),
                Row::new(
                    c.f_value,
                    fill(c.value_at, &[("value", &s(*value)), ("stamp", &s(*stamp))]),
                ),
            ],
            Msg::TransferAck { version, key: k } => vec![
                Row::new(c.f_version, s(*version)),
                Row::new(c.f_key, key(*k)),
            ],
            Msg::MigrationDone { version } => vec![Row::new(c.f_version, s(*version))],
        }
    }

    fn timer_label(timer: &Timer, cat: &Catalog) -> String {
        let c = &cat.shard;
        match timer {
            Timer::Arrive => c.t_arrive.to_string(),
            Timer::Expire { id } => fill(c.t_expire, &[("id", &id.to_string())]),
            Timer::ReplicaTimeout { id } => fill(c.t_replica, &[("id", &id.to_string())]),
            Timer::Resend => c.t_resend.to_string(),
            Timer::Nudge => c.t_nudge.to_string(),
        }
    }

    fn request_text(req: &Request, cat: &Catalog) -> String {
        match req {
            Request::AddServer { server: s } => {
                fill(cat.shard.r_add, &[("server", &server(*s, cat))])
            }
            Request::RemoveServer { server: s } => {
                fill(cat.shard.r_remove, &[("server", &server(*s, cat))])
            }
        }
    }

    fn note_text(cfg: &Config, node: usize, note: &Note, cat: &Catalog) -> String {
        let c = &cat.shard;
        let me = name(cfg, node, cat);
        let s = |v: u64| v.to_string();
        match note {
            Note::Sent { key: k, op, .. } => fill(
                c.n_sent,
                &[("node", &me), ("op", &op_text(op, cat)), ("key", &key(*k))],
            ),
            Note::Acknowledged { key: k, .. } => {
                fill(c.n_acked, &[("node", &me), ("key", &key(*k))])
            }
            Note::Failed { key: k, .. } => fill(c.n_failed, &[("node", &me), ("key", &key(*k))]),
            Note::Routed {
                key: k,
                server: sv,
                attempt,
                ..
            } => fill(
                if *attempt == 0 {
                    c.n_routed
                } else {
                    c.n_rerouted
                },
                &[
                    ("node", &me),
                    ("key", &key(*k)),
                    ("server", &server(*sv, cat)),
                ],
            ),
            Note::PutAcknowledged { key: k, stamp, .. } => fill(
                c.n_put_acked,
                &[("node", &me), ("key", &key(*k)), ("stamp", &s(*stamp))],
            ),
            Note::Retrying { attempt, .. } => fill(
                c.n_retrying,
                &[("node", &me), ("attempt", &s(u64::from(*attempt)))],
            ),
            Note::TableChanged {
                version,
                members: m,
            } => fill(
                c.n_table_changed,
                &[
                    ("node", &me),
                    ("version", &s(*version)),
                    ("members", &members(m, cat)),
                ],
            ),
            Note::MigrationOver { version } => fill(
                c.n_migration_over,
                &[("node", &me), ("version", &s(*version))],
            ),
            Note::ChangeRefused { busy: true } => fill(c.n_refused_busy, &[("node", &me)]),
            Note::ChangeRefused { busy: false } => fill(c.n_refused, &[("node", &me)]),
            Note::Stored {
                key: k,
                stamp,
                replicas,
            } => fill(
                c.n_stored,
                &[
                    ("node", &me),
                    ("key", &key(*k)),
                    ("stamp", &s(*stamp)),
                    ("r", &s(u64::from(*replicas))),
                ],
            ),
            Note::NotMine { key: k, version } => fill(
                c.n_not_mine,
                &[("node", &me), ("key", &key(*k)), ("version", &s(*version))],
            ),
            Note::Adopted { version, outgoing } => fill(
                c.n_adopted,
                &[
                    ("node", &me),
                    ("version", &s(*version)),
                    ("n", &s(u64::from(*outgoing))),
                ],
            ),
            Note::Received { key: k, .. } => {
                fill(c.n_received, &[("node", &me), ("key", &key(*k))])
            }
            Note::Handed { version } => {
                fill(c.n_handed, &[("node", &me), ("version", &s(*version))])
            }
            Note::Recovered { keys, version } => fill(
                c.n_recovered,
                &[
                    ("node", &me),
                    ("keys", &s(u64::from(*keys))),
                    ("version", &s(*version)),
                ],
            ),
            Note::WrongReplicaCount { key: k, got, want } => fill(
                c.n_wrong_r,
                &[
                    ("key", &key(*k)),
                    ("got", &s(u64::from(*got))),
                    ("want", &s(u64::from(*want))),
                ],
            ),
            Note::AcknowledgedWriteLost { key: k, stamp } => {
                fill(c.n_lost, &[("key", &key(*k)), ("stamp", &s(*stamp))])
            }
            Note::TableBehind {
                server: sv,
                version,
                newest,
            } => fill(
                c.n_behind,
                &[
                    ("server", &server(*sv, cat)),
                    ("version", &s(*version)),
                    ("newest", &s(*newest)),
                ],
            ),
        }
    }

    fn invariant_text(index: usize, cat: &Catalog) -> (&'static str, &'static str) {
        let c = &cat.shard;
        match index {
            0 => (c.inv_r, c.inv_r_help),
            1 => (c.inv_lost, c.inv_lost_help),
            _ => (c.inv_converge, c.inv_converge_help),
        }
    }

    fn durable_rows(_cfg: &Config, _id: usize, slot: &Slot<Self>, cat: &Catalog) -> Vec<Row> {
        let c = &cat.shard;
        let d = &slot.disk;
        vec![
            Row::new(
                c.table,
                d.table.as_ref().map_or(c.none.to_string(), |t| {
                    fill(
                        c.table_value,
                        &[
                            ("version", &t.version.to_string()),
                            ("members", &members(&t.members, cat)),
                        ],
                    )
                }),
            ),
            Row::new(c.keys_held, d.store.len().to_string()),
        ]
    }

    fn volatile_rows(_cfg: &Config, _id: usize, node: &Node, cat: &Catalog) -> Vec<Row> {
        let c = &cat.shard;
        match node {
            Node::Server { outgoing, puts, .. } => vec![
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
            ],
            Node::Router {
                pending, migrating, ..
            } => vec![
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
                                        .map(|s| server(*s, cat))
                                        .collect::<Vec<_>>()
                                        .join(", "),
                                ),
                            ],
                        )
                    }),
                ),
            ],
            Node::Client { waiting, .. } => vec![Row::new(
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

    fn node_log(_cfg: &Config, _id: usize, _slot: &Slot<Self>, _cat: &Catalog) -> Vec<LogEntry> {
        Vec::new()
    }

    fn inspector_notes(
        _cfg: &Config,
        _id: usize,
        _slot: &Slot<Self>,
        _cat: &Catalog,
    ) -> Vec<String> {
        Vec::new()
    }

    /// On a server: add it (if outside the table) or remove it; the request goes to the router.
    fn actions(_cfg: &Config, id: usize, node: &Node, cat: &Catalog) -> Vec<Action> {
        match node {
            Node::Server { d, .. } => {
                let member = d
                    .table
                    .as_ref()
                    .is_some_and(|t| t.members.contains(&(id as u32)));
                vec![if member {
                    Action {
                        id: "remove",
                        label: cat.shard.remove,
                    }
                } else {
                    Action {
                        id: "add",
                        label: cat.shard.add,
                    }
                }]
            }
            _ => Vec::new(),
        }
    }

    fn action_request(
        cfg: &Config,
        _nodes: &[Slot<Self>],
        id: usize,
        action: &str,
        _salt: u64,
    ) -> Option<(usize, Request)> {
        let server = id as u32;
        let request = match action {
            "add" => Request::AddServer { server },
            "remove" => Request::RemoveServer { server },
            _ => return None,
        };
        Some((cfg.router_node().index(), request))
    }

    /// Keys per server (from their disks), with max, mean and standard deviation; and what
    /// the last membership change moved against the ideal.
    fn charts(
        cfg: &Config,
        nodes: &[Slot<Self>],
        ghost: &Ghost,
        _now: u64,
        cat: &Catalog,
    ) -> Vec<Chart> {
        let c = &cat.shard;
        let n = cfg.servers + cfg.spare_servers;
        let counts: Vec<u64> = (0..n)
            .map(|s| nodes[cfg.server_node(s).index()].disk.store.len() as u64)
            .collect();
        let held: Vec<u64> = counts.iter().copied().filter(|c| *c > 0).collect();
        let mean = held.iter().sum::<u64>() as f64 / held.len().max(1) as f64;
        let sd = (held.iter().map(|c| (*c as f64 - mean).powi(2)).sum::<f64>()
            / held.len().max(1) as f64)
            .sqrt();
        let mut note = fill(
            c.spread_note,
            &[
                ("max", &held.iter().max().copied().unwrap_or(0).to_string()),
                ("mean", &format!("{mean:.1}")),
                ("sd", &format!("{sd:.1}")),
            ],
        );
        if let Some(m) = ghost.last_change {
            note.push(' ');
            note.push_str(&fill(
                c.moved_note,
                &[
                    ("version", &m.version.to_string()),
                    ("moved", &format!("{:.1}", m.moved_per_mille as f64 / 10.0)),
                    ("ideal", &format!("{:.1}", m.ideal_per_mille as f64 / 10.0)),
                ],
            ));
        }
        vec![Chart {
            title: c.c_keys,
            unit: c.u_keys,
            x_label: "",
            series: vec![Series {
                label: c.keys_held.to_string(),
                class: "s0",
                points: counts
                    .iter()
                    .enumerate()
                    .map(|(i, k)| (i as u64, *k))
                    .collect(),
            }],
            bars: true,
            x_names: (0..n).map(|s| format!("S{}", s + 1)).collect(),
            note,
            ring: None,
        }]
        .into_iter()
        .chain(ring_chart(cfg, nodes, cat))
        .collect()
    }

    fn settings(cfg: &Config, cat: &Catalog) -> Vec<Setting> {
        let c = &cat.shard;
        let number = |key, label, min, max, value| Setting {
            key,
            label,
            kind: SettingKind::Number { min, max, value },
        };
        vec![
            Setting {
                key: "strategy",
                label: c.s_strategy,
                kind: SettingKind::Choice {
                    options: vec![c.strategy_ring, c.strategy_mod_n],
                    value: u64::from(cfg.strategy == Strategy::ModN),
                },
            },
            number("servers", c.s_servers, 2, 8, u64::from(cfg.servers)),
            number(
                "spare_servers",
                c.s_spare,
                0,
                4,
                u64::from(cfg.spare_servers),
            ),
            number("clients", c.s_clients, 1, 4, u64::from(cfg.clients)),
            number("vnodes", c.s_vnodes, 1, 200, u64::from(cfg.vnodes)),
            number(
                "replication",
                c.s_replication,
                1,
                3,
                u64::from(cfg.replication),
            ),
            number("keys", c.s_keys, 100, 10_000, u64::from(cfg.keys)),
            number("skew", c.s_skew, 0, 4, u64::from(cfg.skew)),
            number("rate", c.s_rate, 1, 1_000, cfg.rate),
            number(
                "request_timeout",
                c.s_timeout,
                10,
                1_000_000,
                cfg.request_timeout,
            ),
        ]
    }

    fn set(cfg: &mut Config, key: &str, value: u64) -> bool {
        let small = |v: u64| v.min(u64::from(u32::MAX)) as u32;
        match key {
            "strategy" => {
                cfg.strategy = if value == 1 {
                    Strategy::ModN
                } else {
                    Strategy::Ring
                }
            }
            "servers" => cfg.servers = small(value),
            "spare_servers" => cfg.spare_servers = small(value),
            "clients" => cfg.clients = small(value),
            "vnodes" => cfg.vnodes = small(value),
            "replication" => cfg.replication = small(value),
            "keys" => cfg.keys = small(value),
            "skew" => cfg.skew = small(value),
            "rate" => cfg.rate = value,
            "request_timeout" => cfg.request_timeout = value,
            _ => return false,
        }
        true
    }
}
