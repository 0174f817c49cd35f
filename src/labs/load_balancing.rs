//! The load-balancing lab: clients, the balancer and backends; requests, responses and
//! health probes on the canvas; latency, throughput, failures and utilisation plotted live;
//! and a batch table of every algorithm on the same workload.

use super::sim::{label_options, settings_from, LabProtocol};
use super::Tone;
use super::{Action, BatchTable, Chart, LabId, LogEntry, Row, Series, Setting, SettingKind};
use crate::i18n::{fill, Catalog};
use crate::view_model::layout::{self, Point};
use protocols::load_balancing::invariants::Ghost;
use protocols::load_balancing::node::Node;
use protocols::load_balancing::series::{Bucket, BUCKET_TICKS};
use protocols::load_balancing::{
    batch, Algorithm, Config, Failure, Kind, LoadBalancing, Msg, Note, ReqId, Request, Timer,
    UpBecause,
};
use protocols::sim::{NodeId, Slot};

fn algo_name(a: Algorithm, cat: &Catalog) -> &'static str {
    let l = &cat.lb;
    match a {
        Algorithm::RoundRobin => l.a_round_robin,
        Algorithm::WeightedRoundRobin => l.a_weighted_round_robin,
        Algorithm::Random => l.a_random,
        Algorithm::WeightedRandom => l.a_weighted_random,
        Algorithm::LeastConnections => l.a_least_connections,
        Algorithm::PowerOfTwo => l.a_power_of_two,
        Algorithm::PeakEwma => l.a_peak_ewma,
        Algorithm::ConsistentHash => l.a_consistent_hash,
    }
}

fn name(cfg: &Config, id: usize, cat: &Catalog) -> String {
    let n = |k: u32| (k + 1).to_string();
    match cfg.kind(NodeId(id as u32)) {
        Kind::Client(c) => fill(cat.lb.client, &[("n", &n(c))]),
        Kind::Balancer => cat.lb.balancer.to_string(),
        Kind::Backend(b) => fill(cat.lb.backend, &[("n", &n(b))]),
    }
}

/// "1 tick", "2 ticks": `forms` is [one, many], each with `{n}`.
fn counted(n: u64, forms: [&str; 2]) -> String {
    fill(forms[usize::from(n != 1)], &[("n", &n.to_string())])
}

/// "c1#5"; a request from a restarted client also says when that client started.
fn req(id: &ReqId) -> String {
    match id.epoch {
        0 => format!("c{}#{}", id.client + 1, id.seq),
        e => format!("c{}@{e}#{}", id.client + 1, id.seq),
    }
}

fn failure_text(f: &Failure, cat: &Catalog) -> &'static str {
    let l = &cat.lb;
    match f {
        Failure::Rejected => l.f_rejected,
        Failure::Timeout => l.f_timeout,
        Failure::NoBackend => l.f_no_backend,
        Failure::ClientTimeout => l.f_client_timeout,
    }
}

impl LabProtocol for LoadBalancing {
    const LAB: LabId = LabId::LoadBalancing;

    fn layout(cfg: &Config) -> Vec<Point> {
        layout::balancer(cfg.clients as usize, cfg.backends as usize)
    }

    fn links(cfg: &Config) -> Vec<(usize, usize)> {
        let lb = cfg.balancer_node().index();
        (0..cfg.node_count())
            .filter(|n| *n != lb)
            .map(|n| (n, lb))
            .collect()
    }

    fn node_name(cfg: &Config, id: usize, cat: &Catalog) -> String {
        name(cfg, id, cat)
    }

    fn node_status(
        cfg: &Config,
        _id: usize,
        node: &Node,
        _slot: &Slot<Self>,
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

    fn msg_label(msg: &Msg, cat: &Catalog) -> String {
        let l = &cat.lb;
        match msg {
            Msg::Request { id, .. } => fill(l.m_request, &[("id", &req(id))]),
            Msg::Forward { id, attempt, .. } => fill(
                l.m_forward,
                &[("id", &req(id)), ("attempt", &attempt.to_string())],
            ),
            Msg::Response { id, ok: true, .. } => fill(l.m_done, &[("id", &req(id))]),
            Msg::Response { id, ok: false, .. } => fill(l.m_refused, &[("id", &req(id))]),
            Msg::Reply { id, failure: None } => fill(l.m_reply_ok, &[("id", &req(id))]),
            Msg::Reply {
                id,
                failure: Some(f),
            } => fill(
                l.m_reply_failed,
                &[("id", &req(id)), ("why", failure_text(f, cat))],
            ),
            Msg::Probe { .. } => l.m_probe.to_string(),
            Msg::ProbeOk { .. } => l.m_probe_ok.to_string(),
        }
    }

    fn msg_tone(msg: &Msg) -> Tone {
        match msg {
            Msg::Request { .. } | Msg::Forward { .. } => Tone::Working,
            Msg::Response { ok: true, .. } | Msg::Reply { failure: None, .. } => Tone::Good,
            Msg::Response { ok: false, .. } | Msg::Reply { .. } => Tone::Bad,
            Msg::Probe { .. } | Msg::ProbeOk { .. } => Tone::Blocked,
        }
    }

    fn msg_fields(msg: &Msg, cat: &Catalog) -> Vec<Row> {
        let l = &cat.lb;
        let s = |v: u64| v.to_string();
        match msg {
            Msg::Request { id, key, cost } => vec![
                Row::new(l.f_request, req(id)),
                Row::new(l.f_key, key.map_or(l.none.to_string(), |k| k.to_string())),
                Row::new(l.f_cost, s(*cost)),
            ],
            Msg::Forward { id, cost, attempt } => vec![
                Row::new(l.f_request, req(id)),
                Row::new(l.f_cost, s(*cost)),
                Row::new(l.f_attempt, s(u64::from(*attempt))),
            ],
            Msg::Response { id, attempt, ok } => vec![
                Row::new(l.f_request, req(id)),
                Row::new(l.f_attempt, s(u64::from(*attempt))),
                Row::new(l.f_outcome, if *ok { l.done } else { l.f_rejected }),
            ],
            Msg::Reply { id, failure } => vec![
                Row::new(l.f_request, req(id)),
                Row::new(
                    l.f_outcome,
                    failure.as_ref().map_or(l.done, |f| failure_text(f, cat)),
                ),
            ],
            Msg::Probe { seq } | Msg::ProbeOk { seq } => vec![Row::new(l.f_probe, s(*seq))],
        }
    }

    fn timer_label(timer: &Timer, cat: &Catalog) -> String {
        let l = &cat.lb;
        match timer {
            Timer::Arrive => l.t_arrive.to_string(),
            Timer::GiveUp { seq } => fill(l.t_give_up, &[("seq", &seq.to_string())]),
            Timer::Expire { id } => fill(l.t_expire, &[("id", &req(id))]),
            Timer::Probe => l.t_probe.to_string(),
            Timer::Revive { backend } => fill(
                l.t_revive,
                &[(
                    "backend",
                    &fill(l.backend, &[("n", &(backend + 1).to_string())]),
                )],
            ),
            Timer::Done { id } => fill(l.t_done, &[("id", &req(id))]),
        }
    }

    fn request_text(r: &Request, cat: &Catalog) -> String {
        let l = &cat.lb;
        match r {
            Request::Slow { percent: 100 } => l.r_normal.to_string(),
            Request::Slow { percent } => fill(l.r_slow, &[("percent", &percent.to_string())]),
            Request::SendNow => l.r_send_now.to_string(),
            Request::UseAlgorithm { algorithm } => {
                fill(l.r_use, &[("algorithm", algo_name(*algorithm, cat))])
            }
        }
    }

    fn note_text(cfg: &Config, node: usize, note: &Note, cat: &Catalog) -> String {
        let l = &cat.lb;
        let me = name(cfg, node, cat);
        let be = |b: &u32| fill(l.backend, &[("n", &(b + 1).to_string())]);
        let s = |v: u64| v.to_string();
        match note {
            Note::Issued { id, cost, .. } => fill(
                l.n_issued,
                &[
                    ("node", &me),
                    ("id", &req(id)),
                    ("cost", &counted(*cost, l.ticks)),
                ],
            ),
            Note::Completed { id, latency, .. } => fill(
                l.n_completed,
                &[
                    ("node", &me),
                    ("id", &req(id)),
                    ("latency", &counted(*latency, l.ticks)),
                ],
            ),
            Note::Failed { id, failure, .. } => fill(
                l.n_failed,
                &[
                    ("node", &me),
                    ("id", &req(id)),
                    ("why", failure_text(failure, cat)),
                ],
            ),
            Note::LateReply { id } => fill(l.n_late_reply, &[("node", &me), ("id", &req(id))]),
            Note::Routed {
                id,
                backend,
                attempt,
            } => fill(
                if *attempt > 1 {
                    l.n_routed_retry
                } else {
                    l.n_routed
                },
                &[("node", &me), ("id", &req(id)), ("backend", &be(backend))],
            ),
            Note::Retrying { id, attempt } => fill(
                l.n_retrying,
                &[
                    ("node", &me),
                    ("id", &req(id)),
                    ("attempt", &s(u64::from(*attempt))),
                ],
            ),
            Note::NoRetryBudget { id } => fill(l.n_no_budget, &[("node", &me), ("id", &req(id))]),
            Note::AttemptTimedOut { id, backend } => fill(
                l.n_attempt_timeout,
                &[("node", &me), ("id", &req(id)), ("backend", &be(backend))],
            ),
            Note::RejectedBy { id, backend } => fill(
                l.n_rejected_by,
                &[("node", &me), ("id", &req(id)), ("backend", &be(backend))],
            ),
            Note::MarkedDown {
                backend,
                passive: false,
            } => fill(l.n_down_active, &[("node", &me), ("backend", &be(backend))]),
            Note::MarkedDown {
                backend,
                passive: true,
            } => fill(
                l.n_down_passive,
                &[("node", &me), ("backend", &be(backend))],
            ),
            Note::MarkedUp {
                backend,
                why: UpBecause::ProbesAnswered,
            } => fill(
                l.n_up,
                &[
                    ("node", &me),
                    ("backend", &be(backend)),
                    ("probes", &counted(u64::from(cfg.healthy_after), l.probes)),
                ],
            ),
            Note::MarkedUp {
                backend,
                why: UpBecause::FailTimeout,
            } => fill(
                l.n_up_fail_timeout,
                &[
                    ("node", &me),
                    ("backend", &be(backend)),
                    ("ticks", &counted(cfg.request_timeout, l.ticks)),
                ],
            ),
            Note::ProbeMissed { backend, misses } => fill(
                l.n_probe_missed,
                &[
                    ("node", &me),
                    ("backend", &be(backend)),
                    ("n", &s(u64::from(*misses))),
                ],
            ),
            Note::LateResponse { id, backend } => fill(
                l.n_late_response,
                &[("node", &me), ("id", &req(id)), ("backend", &be(backend))],
            ),
            Note::Started {
                id,
                running,
                queued,
            } => fill(
                l.n_started,
                &[
                    ("node", &me),
                    ("id", &req(id)),
                    ("running", &s(u64::from(*running))),
                    ("queued", &s(u64::from(*queued))),
                ],
            ),
            Note::Queued { id, queued, .. } => fill(
                l.n_queued,
                &[
                    ("node", &me),
                    ("id", &req(id)),
                    ("queued", &s(u64::from(*queued))),
                ],
            ),
            Note::Refused { id, .. } => fill(l.n_refused, &[("node", &me), ("id", &req(id))]),
            Note::Finished { id, busy, .. } => fill(
                l.n_finished,
                &[
                    ("node", &me),
                    ("id", &req(id)),
                    ("busy", &counted(*busy, l.ticks)),
                ],
            ),
            Note::SpeedSet { percent } => fill(
                l.n_speed,
                &[("node", &me), ("percent", &s(u64::from(*percent)))],
            ),
            Note::AlgorithmSet { algorithm } => fill(
                l.n_algorithm,
                &[("node", &me), ("algorithm", algo_name(*algorithm, cat))],
            ),
            Note::Restarted => fill(l.n_restarted, &[("node", &me)]),
            Note::RequestLost { id } => fill(l.n_lost, &[("id", &req(id))]),
            Note::RoutedToDown { id, backend } => fill(
                l.n_routed_down,
                &[("id", &req(id)), ("backend", &be(backend))],
            ),
        }
    }

    fn invariant_text(index: usize, cat: &Catalog) -> (&'static str, &'static str) {
        let l = &cat.lb;
        match index {
            0 => (l.inv_none_lost, l.inv_none_lost_help),
            _ => (l.inv_no_route, l.inv_no_route_help),
        }
    }

    fn durable_rows(_cfg: &Config, _id: usize, _slot: &Slot<Self>, cat: &Catalog) -> Vec<Row> {
        vec![Row::new(cat.lb.disk, cat.lb.disk_nothing)]
    }

    fn volatile_rows(cfg: &Config, _id: usize, node: &Node, cat: &Catalog) -> Vec<Row> {
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
                        .join(", "),
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
                        c => counted(c / 1000, l.ticks),
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
                    k.running.keys().map(req).collect::<Vec<_>>().join(", "),
                ),
                Row::new(
                    l.queue,
                    k.queue
                        .iter()
                        .map(|j| req(&j.id))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ],
        }
    }

    /// Under a backend, its queue, oldest first.
    fn node_log(_cfg: &Config, _id: usize, slot: &Slot<Self>, _cat: &Catalog) -> Vec<LogEntry> {
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

    fn inspector_notes(
        _cfg: &Config,
        _id: usize,
        _slot: &Slot<Self>,
        _cat: &Catalog,
    ) -> Vec<String> {
        Vec::new()
    }

    fn actions(_cfg: &Config, _id: usize, node: &Node, cat: &Catalog) -> Vec<Action> {
        let l = &cat.lb;
        match node {
            Node::Client(_) => vec![Action {
                id: "send_now",
                label: l.send_now,
            }],
            Node::Backend(k) if k.slowdown == 100 => vec![Action {
                id: "slow",
                label: l.slow_down,
            }],
            Node::Backend(_) => vec![Action {
                id: "normal",
                label: l.normal_speed,
            }],
            Node::Balancer(b) => Algorithm::ALL
                .iter()
                .enumerate()
                .filter(|(_, a)| **a != b.algorithm)
                .map(|(i, _)| Action {
                    id: USE_IDS[i],
                    label: l.use_labels[i],
                })
                .collect(),
        }
    }

    fn action_request(
        _cfg: &Config,
        _nodes: &[Slot<Self>],
        id: usize,
        action: &str,
        _salt: u64,
    ) -> Option<(usize, Request)> {
        let request = match action {
            "send_now" => Request::SendNow,
            "slow" => Request::Slow { percent: 400 },
            "normal" => Request::Slow { percent: 100 },
            use_id => {
                let i = USE_IDS.iter().position(|u| *u == use_id)?;
                Request::UseAlgorithm {
                    algorithm: Algorithm::ALL[i],
                }
            }
        };
        Some((id, request))
    }

    fn charts(
        cfg: &Config,
        _nodes: &[Slot<Self>],
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

    fn compare_options(_cfg: &Config, cat: &Catalog) -> Vec<&'static str> {
        Algorithm::ALL.iter().map(|a| algo_name(*a, cat)).collect()
    }

    fn compare_variant(cfg: &Config, variant: usize) -> Config {
        Config {
            algorithm: Algorithm::ALL[variant % Algorithm::ALL.len()],
            ..cfg.clone()
        }
    }

    /// The comparison keeps the run's faults and slowdowns, not its algorithm switches.
    fn compare_keeps(input: &protocols::sim::Input<Self>) -> bool {
        !matches!(
            input,
            protocols::sim::Input::Request {
                request: Request::UseAlgorithm { .. },
                ..
            }
        )
    }

    fn batch_rows(_cfg: &Config) -> usize {
        Algorithm::ALL.len()
    }

    /// One algorithm on the lab's workload, without animation: BATCH_REQUESTS per client.
    fn batch_row(cfg: &Config, seed: u64, index: usize, cat: &Catalog) -> Vec<String> {
        let algorithm = Algorithm::ALL[index];
        let c = Config {
            algorithm,
            ..cfg.clone()
        };
        let r = batch::run(&c, BATCH_REQUESTS, seed, 5_000_000);
        let max = r.served.iter().copied().max().unwrap_or(0);
        let mean = r.served.iter().sum::<u64>() as f64 / r.served.len().max(1) as f64;
        vec![
            algo_name(algorithm, cat).to_string(),
            r.max_peak.to_string(),
            format!("{:.1}", r.mean_peak_x100 as f64 / 100.0),
            format!("{max} / {mean:.0}"),
            r.p50.to_string(),
            r.p95.to_string(),
            r.p99.to_string(),
            r.rejected.to_string(),
            r.failed.to_string(),
        ]
    }

    fn batch_table(cfg: &Config, rows: Vec<Vec<String>>, cat: &Catalog) -> Option<BatchTable> {
        let l = &cat.lb;
        Some(BatchTable {
            title: l.batch_title,
            run: l.batch_run,
            caption: fill(
                l.batch_caption,
                &[
                    ("n", &(BATCH_REQUESTS * u64::from(cfg.clients)).to_string()),
                    ("backends", &cfg.backends.to_string()),
                ],
            ),
            columns: vec![
                l.b_algorithm,
                l.b_max_load,
                l.b_mean_load,
                l.b_served,
                "p50",
                "p95",
                "p99",
                l.f_rejected,
                l.failed,
            ],
            rows,
        })
    }

    fn settings(cfg: &Config, cat: &Catalog) -> Vec<Setting> {
        let l = &cat.lb;
        let preset = (1..l.presets.len())
            .find(|i| preset(*i, cfg.algorithm).as_ref() == Some(cfg))
            .unwrap_or(0) as u64;
        let mut s = vec![Setting {
            key: "preset",
            label: l.s_preset,
            kind: SettingKind::Choice {
                options: l.presets.to_vec(),
                value: preset,
            },
        }];
        s.extend(settings_from(
            cfg,
            &[
                ("algorithm", l.s_algorithm, ""),
                ("clients", l.s_clients, ""),
                ("backends", l.s_backends, ""),
                ("large_backends", l.s_large, ""),
                ("slots", l.s_slots, ""),
                ("queue", l.s_queue, ""),
                ("rate", l.s_rate, ""),
                ("burst", l.s_burst, ""),
                ("cost_min", l.s_cost_min, ""),
                ("cost_max", l.s_cost_max, ""),
                ("keys", l.s_keys, ""),
                ("request_timeout", l.s_request_timeout, ""),
                ("client_timeout", l.s_client_timeout, ""),
                ("probe_every", l.s_probe_every, ""),
                ("unhealthy_after", l.s_unhealthy, ""),
                ("healthy_after", l.s_healthy, ""),
                ("passive_errors", l.s_passive, ""),
                ("retry_budget_pct", l.s_budget, ""),
            ],
        ));
        let names = Algorithm::ALL.iter().map(|a| algo_name(*a, cat)).collect();
        label_options(&mut s, "algorithm", names);
        s
    }

    /// A preset replaces every setting but the algorithm ("Your settings" keeps them);
    /// the rest go through the schema.
    fn set(cfg: &mut Config, key: &str, value: u64) -> bool {
        match (key, value) {
            ("preset", 0) => true,
            ("preset", v) => preset(v as usize, cfg.algorithm)
                .map(|p| *cfg = p)
                .is_some(),
            _ => <Config as protocols::sim::schema::Schema>::field(key)
                .is_some_and(|f| f.apply(cfg, value)),
        }
    }
}

/// Preset `index` (1: the defaults, 2: heavy load) with `algorithm`.
fn preset(index: usize, algorithm: Algorithm) -> Option<Config> {
    let cfg = match index {
        1 => Config::default(),
        2 => Config::heavy_load(),
        _ => return None,
    };
    Some(Config { algorithm, ..cfg })
}

/// Requests per client in one batch row.
const BATCH_REQUESTS: u64 = 500;

const USE_IDS: [&str; 8] = [
    "use_round_robin",
    "use_weighted_round_robin",
    "use_random",
    "use_weighted_random",
    "use_least_connections",
    "use_power_of_two",
    "use_peak_ewma",
    "use_consistent_hash",
];

/// Line styles for per-backend series (colour and dash, so each is told apart without
/// colour too).
const SERIES_CLASSES: [&str; 8] = ["s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7"];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::EN;
    use crate::labs::{LabId, LabSim, SettingKind};

    /// The algorithm is a choice setting: its options are the algorithms' names, and
    /// choosing one starts a run that uses it; an index past the end is refused.
    #[test]
    fn the_algorithm_is_chosen_by_name() {
        let sim = LabId::LoadBalancing.fresh(1);
        let setting = sim
            .settings(&EN)
            .into_iter()
            .find(|s| s.key == "algorithm")
            .unwrap();
        let SettingKind::Choice { options, value } = setting.kind else {
            panic!("a choice");
        };
        assert_eq!((options.len(), value), (8, 0));
        let i = options
            .iter()
            .position(|o| *o == "power of two choices")
            .unwrap();
        let two = sim.with_setting("algorithm", i as u64, &EN).unwrap();
        assert!(
            two.export().contains(r#""algorithm": "power_of_two""#),
            "{}",
            two.export()
        );
        assert!(sim.with_setting("algorithm", 8, &EN).is_err());
    }

    fn sentence(note: Note) -> String {
        LoadBalancing::note_text(&Config::default(), 2, &note, &EN)
    }

    /// Issue 11, item 18: "1 tick", not "1 ticks".
    #[test]
    fn counts_in_sentences_agree_with_their_nouns() {
        let id = ReqId::default();
        let one = sentence(Note::Issued {
            id,
            key: None,
            cost: 1,
        });
        assert!(one.contains("(1 tick of work)"), "{one}");
        let many = sentence(Note::Completed {
            id,
            latency: 35,
            at: 0,
        });
        assert!(many.contains("after 35 ticks."), "{many}");
    }

    /// Issue 11, item 10: with probes off a backend comes back on nginx's fail_timeout, and
    /// the sentence says so instead of claiming it answered probes.
    #[test]
    fn marked_up_says_why() {
        let timer = sentence(Note::MarkedUp {
            backend: 1,
            why: UpBecause::FailTimeout,
        });
        assert!(
            timer.contains("1,000") || timer.contains("1000 ticks"),
            "{timer}"
        );
        assert!(
            timer.contains("fail_timeout") && !timer.contains("answered"),
            "{timer}"
        );
        let probes = sentence(Note::MarkedUp {
            backend: 1,
            why: UpBecause::ProbesAnswered,
        });
        assert!(probes.contains("answered 2 probes in a row"), "{probes}");
    }

    /// Issue 11, item 11: the heavy-load preset replaces the settings but keeps the
    /// algorithm, and the preset choice shows which preset the settings match.
    #[test]
    fn the_heavy_load_preset_keeps_the_algorithm() {
        let preset = |sim: &dyn LabSim| match sim
            .settings(&EN)
            .into_iter()
            .find(|s| s.key == "preset")
            .map(|s| s.kind)
        {
            Some(SettingKind::Choice { value, .. }) => value,
            other => panic!("{other:?}"),
        };
        let sim = LabId::LoadBalancing.fresh(1);
        assert_eq!(preset(&*sim), 1, "the defaults");
        let two = sim.with_setting("algorithm", 5, &EN).unwrap();
        let heavy = two.with_setting("preset", 2, &EN).unwrap();
        assert_eq!(preset(&*heavy), 2);
        let json = heavy.export();
        assert!(json.contains(r#""algorithm": "power_of_two""#), "{json}");
        assert!(json.contains(r#""rate": 19"#), "{json}");
        let custom = heavy.with_setting("rate", 18, &EN).unwrap();
        assert_eq!(preset(&*custom), 0, "your settings");
    }
}
