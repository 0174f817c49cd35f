//! The load balancer: it routes each request to a backend marked up with its algorithm,
//! checks backends' health actively (probes) and passively (errors), and retries under a
//! budget.

use super::algo::{Algorithm, Candidate, PeakEwma, Picker};
use super::msg::{Failure, Msg, Note, ReqId, Request, Timer, UpBecause};
use super::node::O;
use super::Config;
use crate::sim::NodeId;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

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

/// A balancer starting (or starting anew after a crash): every backend marked up.
pub(super) fn init(cfg: &Config, out: &mut O) -> Balancer {
    if cfg.probe_every > 0 {
        out.set_timer(Timer::Probe, cfg.probe_every..=cfg.probe_every);
    }
    Balancer {
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
    }
}

pub(super) fn on_timer(cfg: &Config, b: &mut Balancer, timer: Timer, out: &mut O) {
    match timer {
        Timer::Expire { id } => {
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
        Timer::Probe => {
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
        Timer::Revive { backend } => {
            let view = &mut b.backends[backend as usize];
            if !view.up {
                view.up = true;
                view.errors = 0;
                let why = UpBecause::FailTimeout;
                out.note(Note::MarkedUp { backend, why });
            }
        }
        _ => {}
    }
}

pub(super) fn on_request(b: &mut Balancer, req: Request, out: &mut O) {
    if let Request::UseAlgorithm { algorithm } = req {
        b.algorithm = algorithm;
        out.note(Note::AlgorithmSet { algorithm });
    }
}

pub(super) fn on_message(cfg: &Config, b: &mut Balancer, from: NodeId, msg: Msg, out: &mut O) {
    match msg {
        Msg::Request { id, key, cost } => {
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
        Msg::Response { id, attempt, ok } => {
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
        Msg::ProbeOk { seq } => {
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
