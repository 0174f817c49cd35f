//! Clients, the load balancer and backends.

use super::algo::{Algorithm, Candidate, PeakEwma, Picker};
use super::msg::{Failure, Msg, Note, ReqId, Request, Timer, UpBecause, SLOW_PERCENT_MAX};
use super::{Config, Kind, LoadBalancing};
use crate::sim::rng::Rng;
use crate::sim::{NodeId, Out};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

type O = Out<LoadBalancing>;

#[derive(Clone, Debug, Serialize)]
pub struct Client {
    pub index: u32,
    /// When this life of the client started: part of every request id.
    pub epoch: u64,
    /// Requests sent and not yet answered, with when they were sent.
    pub outstanding: BTreeMap<u64, u64>,
    pub issued: u64,
    pub completed: u64,
    pub failed: u64,
    #[serde(skip)]
    rng: Rng,
}

/// What the balancer knows of one backend.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BackendView {
    /// Marked up: new requests may go to it.
    pub up: bool,
    pub active: u32,
    /// Finagle's peak-EWMA metric of its round-trip times.
    pub ewma: PeakEwma,
    /// Health checking: probes unanswered in a row, answered in a row; errors in a row.
    pub misses: u32,
    pub answers: u32,
    pub errors: u32,
    /// The last probe sent, and whether it was answered.
    pub probe_answered: bool,
    pub served: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pending {
    pub client: NodeId,
    pub backend: u32,
    pub attempt: u32,
    pub key: Option<u32>,
    pub cost: u64,
    pub tried: BTreeSet<u32>,
    /// When the current attempt was forwarded.
    pub sent_at: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Balancer {
    /// The algorithm in use (the configured one, until switched live).
    pub algorithm: Algorithm,
    pub backends: Vec<BackendView>,
    pub pending: BTreeMap<ReqId, Pending>,
    /// Retry budget in thousandths of a retry.
    pub budget: u64,
    pub probe_seq: u64,
    #[serde(skip)]
    picker: Picker,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Job {
    pub id: ReqId,
    pub attempt: u32,
    pub cost: u64,
    pub from: NodeId,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Backend {
    pub index: u32,
    pub slots: u32,
    /// Speed in percent of a normal backend (a large one is 200).
    pub speed: u32,
    /// Work takes this percent of its time (100 normally; "slow down" sets more).
    pub slowdown: u32,
    pub running: BTreeMap<ReqId, Job>,
    pub queue: VecDeque<Job>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Node {
    Client(Client),
    Balancer(Balancer),
    Backend(Backend),
}

pub(super) fn init(cfg: &Config, me: NodeId, out: &mut O) -> Node {
    match cfg.kind(me) {
        Kind::Client(index) => {
            let mut c = Client {
                index,
                epoch: out.now(),
                outstanding: BTreeMap::new(),
                issued: 0,
                completed: 0,
                failed: 0,
                rng: Rng::new(out.seed()),
            };
            arm_arrival(cfg, &mut c, out);
            Node::Client(c)
        }
        Kind::Balancer => {
            if cfg.probe_every > 0 {
                out.set_timer(Timer::Probe, cfg.probe_every..=cfg.probe_every);
            }
            Node::Balancer(Balancer {
                algorithm: cfg.algorithm,
                backends: (0..cfg.backends)
                    .map(|_| BackendView {
                        up: true,
                        active: 0,
                        ewma: PeakEwma {
                            cost: 0,
                            stamp: out.now(),
                        },
                        misses: 0,
                        answers: 0,
                        errors: 0,
                        probe_answered: true,
                        served: 0,
                    })
                    .collect(),
                pending: BTreeMap::new(),
                budget: 0,
                probe_seq: 0,
                picker: Picker::new(cfg.backends, out.seed(), cfg.ewma_ticks),
            })
        }
        Kind::Backend(index) => {
            let (slots, speed) = cfg.capacity(index);
            Node::Backend(Backend {
                index,
                slots,
                speed,
                slowdown: 100,
                running: BTreeMap::new(),
                queue: VecDeque::new(),
            })
        }
    }
}

/// Everything is volatile: a restarted backend is empty, a restarted balancer forgets its
/// health view and its requests (their clients time out), a restarted client starts anew.
pub(super) fn restart(cfg: &Config, me: NodeId, out: &mut O) -> Node {
    out.note(Note::Restarted);
    init(cfg, me, out)
}

/// The next arrival: a mean gap of 1000/rate ticks, drawn uniformly around it by the
/// client itself, so its workload (arrivals, costs, keys) depends only on the seed, not on
/// what the balancer does: two algorithms can be compared on the same requests.
fn arm_arrival(cfg: &Config, c: &mut Client, out: &mut O) {
    let gap = c.rng.arrival_gap(cfg.rate);
    out.set_timer(Timer::Arrive, gap..=gap);
}

pub(super) fn on_timer(cfg: &Config, node: &mut Node, timer: Timer, out: &mut O) {
    match (node, timer) {
        (Node::Client(c), Timer::Arrive) => {
            let more = cfg.requests == 0 || c.issued < cfg.requests;
            if more {
                for _ in 0..cfg.burst {
                    if cfg.requests == 0 || c.issued < cfg.requests {
                        issue(cfg, c, out);
                    }
                }
            }
            if cfg.requests == 0 || c.issued < cfg.requests {
                arm_arrival(cfg, c, out);
            }
        }
        (Node::Client(c), Timer::GiveUp { seq }) if c.outstanding.contains_key(&seq) => {
            c.outstanding.remove(&seq);
            c.failed += 1;
            let id = ReqId {
                client: c.index,
                epoch: c.epoch,
                seq,
            };
            out.note(Note::Failed {
                id,
                failure: Failure::ClientTimeout,
                at: out.now(),
            });
        }
        (Node::Balancer(b), Timer::Expire { id }) => {
            let Some(p) = b.pending.get(&id) else {
                return;
            };
            let backend = p.backend;
            out.note(Note::AttemptTimedOut { id, backend });
            let view = &mut b.backends[backend as usize];
            view.active = view.active.saturating_sub(1);
            view.errors += 1;
            end_sample(cfg, view, p.sent_at, out.now());
            passive_check(cfg, b, backend, out);
            retry_or_fail(cfg, b, id, Failure::Timeout, out);
        }
        (Node::Balancer(b), Timer::Probe) => {
            b.probe_seq += 1;
            for i in 0..cfg.backends {
                let view = &mut b.backends[i as usize];
                if !view.probe_answered {
                    view.misses += 1;
                    view.answers = 0;
                    out.note(Note::ProbeMissed {
                        backend: i,
                        misses: view.misses,
                    });
                    if view.up && view.misses >= cfg.unhealthy_after {
                        view.up = false;
                        out.note(Note::MarkedDown {
                            backend: i,
                            passive: false,
                        });
                    }
                }
                view.probe_answered = false;
                out.send(cfg.backend_node(i), Msg::Probe { seq: b.probe_seq });
            }
            out.set_timer(Timer::Probe, cfg.probe_every..=cfg.probe_every);
        }
        (Node::Balancer(b), Timer::Revive { backend }) => {
            let view = &mut b.backends[backend as usize];
            if !view.up {
                view.up = true;
                view.errors = 0;
                let why = UpBecause::FailTimeout;
                out.note(Note::MarkedUp { backend, why });
            }
        }
        (Node::Backend(k), Timer::Done { id }) => {
            if let Some(job) = k.running.remove(&id) {
                out.send(
                    job.from,
                    Msg::Response {
                        id,
                        attempt: job.attempt,
                        ok: true,
                    },
                );
                let busy = work_ticks(k, job.cost);
                out.note(Note::Finished {
                    id,
                    busy,
                    at: out.now(),
                    running: k.running.len() as u32,
                    queued: k.queue.len() as u32,
                });
                if let Some(next) = k.queue.pop_front() {
                    start(k, next, out);
                }
            }
        }
        _ => {}
    }
}

fn issue(cfg: &Config, c: &mut Client, out: &mut O) {
    c.issued += 1;
    let seq = c.issued;
    let id = ReqId {
        client: c.index,
        epoch: c.epoch,
        seq,
    };
    let cost = c.rng.range(cfg.cost_min, cfg.cost_max);
    let key = (cfg.keys > 0).then(|| c.rng.below(u64::from(cfg.keys)) as u32);
    c.outstanding.insert(seq, out.now());
    out.note(Note::Issued { id, key, cost });
    out.send(cfg.balancer_node(), Msg::Request { id, key, cost });
    out.set_timer(
        Timer::GiveUp { seq },
        cfg.client_timeout..=cfg.client_timeout,
    );
}

/// How long a job takes on this backend: its cost, scaled by speed and slowdown.
fn work_ticks(k: &Backend, cost: u64) -> u64 {
    (cost * u64::from(k.slowdown) / u64::from(k.speed)).max(1)
}

fn start(k: &mut Backend, job: Job, out: &mut O) {
    let ticks = work_ticks(k, job.cost);
    let id = job.id;
    k.running.insert(id, job);
    out.set_timer(Timer::Done { id }, ticks..=ticks);
    out.note(Note::Started {
        id,
        running: k.running.len() as u32,
        queued: k.queue.len() as u32,
    });
}

pub(super) fn on_request(cfg: &Config, node: &mut Node, req: Request, out: &mut O) {
    match (node, req) {
        (Node::Backend(k), Request::Slow { percent }) => {
            // Decoding refuses a slowdown out of range; one built in code is held to it.
            k.slowdown = percent.clamp(1, SLOW_PERCENT_MAX);
            out.note(Note::SpeedSet {
                percent: k.slowdown,
            });
        }
        (Node::Client(c), Request::SendNow) => issue(cfg, c, out),
        (Node::Balancer(b), Request::UseAlgorithm { algorithm }) => {
            b.algorithm = algorithm;
            out.note(Note::AlgorithmSet { algorithm });
        }
        _ => {}
    }
}

pub(super) fn on_message(cfg: &Config, node: &mut Node, from: NodeId, msg: Msg, out: &mut O) {
    match (node, msg) {
        (Node::Balancer(b), Msg::Request { id, key, cost }) => {
            // The retry budget earns a fraction of a retry per new request (capped).
            b.budget = (b.budget + u64::from(cfg.retry_budget_pct) * 10).min(10_000);
            let p = Pending {
                client: from,
                backend: 0,
                attempt: 0,
                key,
                cost,
                tried: BTreeSet::new(),
                sent_at: 0,
            };
            b.pending.insert(id, p);
            route(cfg, b, id, out);
        }
        (Node::Balancer(b), Msg::Response { id, attempt, ok }) => {
            let backend = cfg.backend_index(from);
            let current = b
                .pending
                .get(&id)
                .is_some_and(|p| p.backend == backend && p.attempt == attempt);
            if !current {
                return out.note(Note::LateResponse { id, backend });
            }
            out.cancel_timer(Timer::Expire { id });
            let view = &mut b.backends[backend as usize];
            view.active = view.active.saturating_sub(1);
            end_sample(cfg, view, b.pending[&id].sent_at, out.now());
            if ok {
                view.errors = 0;
                view.served += 1;
                let p = b.pending.remove(&id).expect("current");
                out.send(p.client, Msg::Reply { id, failure: None });
            } else {
                out.note(Note::RejectedBy { id, backend });
                retry_or_fail(cfg, b, id, Failure::Rejected, out);
            }
        }
        (Node::Balancer(b), Msg::ProbeOk { seq }) => {
            let backend = cfg.backend_index(from);
            let view = &mut b.backends[backend as usize];
            if seq != b.probe_seq || view.probe_answered {
                return;
            }
            view.probe_answered = true;
            view.misses = 0;
            view.answers += 1;
            if !view.up && view.answers >= cfg.healthy_after {
                view.up = true;
                view.errors = 0;
                let why = UpBecause::ProbesAnswered;
                out.note(Note::MarkedUp { backend, why });
            }
        }
        (Node::Backend(k), Msg::Forward { id, cost, attempt }) => {
            let job = Job {
                id,
                attempt,
                cost,
                from,
            };
            if (k.running.len() as u32) < k.slots {
                start(k, job, out);
            } else if (k.queue.len() as u32) < cfg.queue {
                k.queue.push_back(job);
                out.note(Note::Queued {
                    id,
                    running: k.running.len() as u32,
                    queued: k.queue.len() as u32,
                });
            } else {
                out.note(Note::Refused {
                    id,
                    queued: k.queue.len() as u32,
                });
                out.send(
                    from,
                    Msg::Response {
                        id,
                        attempt,
                        ok: false,
                    },
                );
            }
        }
        (Node::Backend(_), Msg::Probe { seq }) => out.send(from, Msg::ProbeOk { seq }),
        (Node::Client(c), Msg::Reply { id, failure }) => {
            // A reply to a request from before this client's restart is not for it.
            let sent = match id.epoch == c.epoch {
                true => c.outstanding.remove(&id.seq),
                false => None,
            };
            let Some(sent) = sent else {
                return out.note(Note::LateReply { id });
            };
            out.cancel_timer(Timer::GiveUp { seq: id.seq });
            let at = out.now();
            match failure {
                None => {
                    c.completed += 1;
                    out.note(Note::Completed {
                        id,
                        latency: at - sent,
                        at,
                    });
                }
                Some(failure) => {
                    c.failed += 1;
                    out.note(Note::Failed { id, failure, at });
                }
            }
        }
        _ => {}
    }
}

/// An attempt ended (answered, refused or timed out): its round-trip time is a peak-EWMA
/// sample, in thousandths of a tick. Finagle's `Metric.end` runs on success and on
/// failure alike.
fn end_sample(cfg: &Config, view: &mut BackendView, sent_at: u64, now: u64) {
    let rtt = now.saturating_sub(sent_at);
    view.ewma
        .observe(rtt.saturating_mul(1000), now, cfg.ewma_ticks);
}

/// Passive health checking: enough errors in a row mark a backend down until probes see it
/// answer again, or, with probes off, until `request_timeout` has passed (nginx's
/// `fail_timeout`).
fn passive_check(cfg: &Config, b: &mut Balancer, backend: u32, out: &mut O) {
    let view = &mut b.backends[backend as usize];
    if cfg.passive_errors > 0 && view.up && view.errors >= cfg.passive_errors {
        view.up = false;
        view.answers = 0;
        out.note(Note::MarkedDown {
            backend,
            passive: true,
        });
        if cfg.probe_every == 0 {
            // No probe will see it come back: give it another chance later.
            let wait = cfg.request_timeout;
            out.set_timer(Timer::Revive { backend }, wait..=wait);
        }
    }
}

/// Picks a backend among those marked up (preferring ones this request has not tried) and
/// forwards the request, or fails it when none is up.
fn route(cfg: &Config, b: &mut Balancer, id: ReqId, out: &mut O) {
    let p = b.pending.get(&id).expect("pending");
    let candidates: Vec<Candidate> = b
        .backends
        .iter()
        .enumerate()
        .filter(|(_, v)| v.up)
        .map(|(i, v)| Candidate {
            index: i as u32,
            weight: cfg.weight(i as u32),
            active: v.active,
            ewma: v.ewma,
        })
        .collect();
    let fresh: Vec<Candidate> = candidates
        .iter()
        .filter(|c| !p.tried.contains(&c.index))
        .copied()
        .collect();
    let mut pool = if fresh.is_empty() { candidates } else { fresh };
    let key = p.key;
    let picked = b.picker.pick(b.algorithm, &mut pool, key, out.now());
    // Reading a peak-EWMA load decays it (Finagle's `get` observes 0): keep what was read.
    for c in &pool {
        b.backends[c.index as usize].ewma = c.ewma;
    }
    let Some(backend) = picked else {
        let p = b.pending.remove(&id).expect("pending");
        out.send(
            p.client,
            Msg::Reply {
                id,
                failure: Some(Failure::NoBackend),
            },
        );
        return;
    };
    let p = b.pending.get_mut(&id).expect("pending");
    p.backend = backend;
    p.sent_at = out.now();
    p.attempt += 1;
    p.tried.insert(backend);
    b.backends[backend as usize].active += 1;
    out.note(Note::Routed {
        id,
        backend,
        attempt: p.attempt,
    });
    out.send(
        cfg.backend_node(backend),
        Msg::Forward {
            id,
            cost: p.cost,
            attempt: p.attempt,
        },
    );
    out.set_timer(
        Timer::Expire { id },
        cfg.request_timeout..=cfg.request_timeout,
    );
}

/// A failed attempt: retry on another backend if the retry budget allows, else tell the
/// client why it failed.
fn retry_or_fail(cfg: &Config, b: &mut Balancer, id: ReqId, failure: Failure, out: &mut O) {
    if b.budget >= 1000 {
        b.budget -= 1000;
        let attempt = b.pending[&id].attempt + 1;
        out.note(Note::Retrying { id, attempt });
        return route(cfg, b, id, out);
    }
    out.note(Note::NoRetryBudget { id });
    let p = b.pending.remove(&id).expect("pending");
    out.send(
        p.client,
        Msg::Reply {
            id,
            failure: Some(failure),
        },
    );
}
