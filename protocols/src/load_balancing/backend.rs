//! A backend: it runs as many requests at once as it has slots, queues a bounded number
//! more and refuses the rest; large backends are faster, and "slow down" makes one slower.

use super::msg::{Msg, Note, ReqId, Request, Timer, SLOW_PERCENT_MAX};
use super::node::O;
use super::Config;
use crate::sim::NodeId;
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};

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

/// A backend starting (or starting anew after a crash): empty, at its configured capacity.
pub(super) fn init(cfg: &Config, index: u32) -> Backend {
    let (slots, speed) = cfg.capacity(index);
    Backend {
        index,
        slots,
        speed,
        slowdown: 100,
        running: BTreeMap::new(),
        queue: VecDeque::new(),
    }
}

pub(super) fn on_timer(k: &mut Backend, timer: Timer, out: &mut O) {
    if let Timer::Done { id } = timer {
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

pub(super) fn on_request(k: &mut Backend, req: Request, out: &mut O) {
    if let Request::Slow { percent } = req {
        // Decoding refuses a slowdown out of range; one built in code is held to it.
        k.slowdown = percent.clamp(1, SLOW_PERCENT_MAX);
        out.note(Note::SpeedSet {
            percent: k.slowdown,
        });
    }
}

pub(super) fn on_message(cfg: &Config, k: &mut Backend, from: NodeId, msg: Msg, out: &mut O) {
    match msg {
        Msg::Forward { id, cost, attempt } => {
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
        Msg::Probe { seq } => out.send(from, Msg::ProbeOk { seq }),
        _ => {}
    }
}
