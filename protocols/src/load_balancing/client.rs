//! A client: requests arrive on its own seeded schedule (rate and burst), each with a
//! timeout after which it gives up; replies end them.

use super::msg::{Failure, Msg, Note, ReqId, Request, Timer};
use super::node::O;
use super::Config;
use crate::sim::rng::Rng;
use serde::Serialize;
use std::collections::BTreeMap;

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

/// A client starting (or starting anew after a crash): a new epoch, its first arrival armed.
pub(super) fn init(cfg: &Config, index: u32, out: &mut O) -> Client {
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
    c
}

/// The next arrival: a mean gap of 1000/rate ticks, drawn uniformly around it by the
/// client itself, so its workload (arrivals, costs, keys) depends only on the seed, not on
/// what the balancer does: two algorithms can be compared on the same requests.
fn arm_arrival(cfg: &Config, c: &mut Client, out: &mut O) {
    let gap = c.rng.arrival_gap(cfg.rate);
    out.set_timer(Timer::Arrive, gap..=gap);
}

pub(super) fn on_timer(cfg: &Config, c: &mut Client, timer: Timer, out: &mut O) {
    match timer {
        Timer::Arrive => {
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
        Timer::GiveUp { seq } if c.outstanding.contains_key(&seq) => {
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

pub(super) fn on_request(cfg: &Config, c: &mut Client, req: Request, out: &mut O) {
    if let Request::SendNow = req {
        issue(cfg, c, out);
    }
}

pub(super) fn on_message(c: &mut Client, msg: Msg, out: &mut O) {
    if let Msg::Reply { id, failure } = msg {
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
}
