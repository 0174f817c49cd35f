//! The load-balancing lab's requests, messages, timers and notes.

use super::algo::Algorithm;
use crate::sim::check_range;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};

/// A client request's identity: which client, which life of it (the time it started, so a
/// restarted client never reuses an id), and its sequence number in that life.
#[derive(
    Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct ReqId {
    pub client: u32,
    pub epoch: u64,
    pub seq: u64,
}

/// How a request ended, as the client sees it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Failure {
    /// Its last attempt found the backend's queue full, and the retry budget was empty.
    Rejected,
    /// Its last attempt got no answer in time (the backend crashed, was cut off or was too
    /// slow), and the retry budget was empty.
    Timeout,
    /// No backend was marked up.
    NoBackend,
    /// The client stopped waiting first: the balancer was unreachable, or attempts and
    /// retries outlasted the client's timeout.
    ClientTimeout,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Msg {
    /// Client → load balancer. `cost`: ticks of work on a backend of normal speed.
    Request {
        id: ReqId,
        key: Option<u32>,
        cost: u64,
    },
    /// Load balancer → backend (attempt 1, or a retry).
    Forward {
        id: ReqId,
        cost: u64,
        attempt: u32,
    },
    /// Backend → load balancer: done, or refused because the queue was full.
    Response {
        id: ReqId,
        attempt: u32,
        ok: bool,
    },
    /// Load balancer → client.
    Reply {
        id: ReqId,
        failure: Option<Failure>,
    },
    /// Active health check.
    Probe {
        seq: u64,
    },
    ProbeOk {
        seq: u64,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "timer", rename_all = "snake_case")]
pub enum Timer {
    /// Client: the next arrival.
    Arrive,
    /// Client: stop waiting for this request.
    GiveUp { seq: u64 },
    /// Load balancer: this forwarded attempt took too long.
    Expire { id: ReqId },
    /// Load balancer: send the next round of health probes.
    Probe,
    /// Load balancer, without active checks: a backend marked down passively is tried
    /// again after this (nginx's `fail_timeout`).
    Revive { backend: u32 },
    /// Backend: this request's work is done.
    Done { id: ReqId },
}

/// The slowest a backend can be made: its work takes at most 10,000% of its time (×100),
/// so one request (at most `cost_max` 100,000 ticks) takes at most 10^7 ticks.
pub const SLOW_PERCENT_MAX: u32 = 10_000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "request", rename_all = "snake_case", deny_unknown_fields)]
pub enum Request {
    /// Backend: work at `percent` of the time it should take (400 = four times slower),
    /// 1..=[`SLOW_PERCENT_MAX`]; a scenario with another value is refused.
    Slow {
        #[serde(deserialize_with = "slow_percent")]
        percent: u32,
    },
    /// Client: send one request now.
    SendNow,
    /// Balancer: switch algorithm, live.
    UseAlgorithm { algorithm: Algorithm },
}

/// Why the balancer marks a backend up again.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UpBecause {
    /// It answered `healthy_after` probe rounds in a row.
    ProbesAnswered,
    /// Probes are off, and `request_timeout` ticks have passed since errors marked it down
    /// (nginx's `fail_timeout`): it is given another chance, unchecked.
    FailTimeout,
}

/// Decodes a slowdown, refusing one out of range with the field's name and its range.
fn slow_percent<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let got = u64::deserialize(d)?;
    check_range("percent", got, 1, u64::from(SLOW_PERCENT_MAX)).map_err(D::Error::custom)?;
    Ok(got as u32)
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "note", rename_all = "snake_case")]
pub enum Note {
    // Clients.
    Issued {
        id: ReqId,
        key: Option<u32>,
        cost: u64,
    },
    Completed {
        id: ReqId,
        latency: u64,
        at: u64,
    },
    Failed {
        id: ReqId,
        failure: Failure,
        at: u64,
    },
    LateReply {
        id: ReqId,
    },
    // The load balancer.
    Routed {
        id: ReqId,
        backend: u32,
        attempt: u32,
    },
    Retrying {
        id: ReqId,
        attempt: u32,
    },
    NoRetryBudget {
        id: ReqId,
    },
    AttemptTimedOut {
        id: ReqId,
        backend: u32,
    },
    RejectedBy {
        id: ReqId,
        backend: u32,
    },
    MarkedDown {
        backend: u32,
        passive: bool,
    },
    MarkedUp {
        backend: u32,
        why: UpBecause,
    },
    ProbeMissed {
        backend: u32,
        misses: u32,
    },
    LateResponse {
        id: ReqId,
        backend: u32,
    },
    // Backends.
    Started {
        id: ReqId,
        running: u32,
        queued: u32,
    },
    Queued {
        id: ReqId,
        running: u32,
        queued: u32,
    },
    Refused {
        id: ReqId,
        queued: u32,
    },
    Finished {
        id: ReqId,
        busy: u64,
        at: u64,
        running: u32,
        queued: u32,
    },
    SpeedSet {
        percent: u32,
    },
    AlgorithmSet {
        algorithm: Algorithm,
    },
    Restarted,
    // Violation details.
    RequestLost {
        id: ReqId,
    },
    RoutedToDown {
        id: ReqId,
        backend: u32,
    },
}

/// A request id as the lab writes it: `c1#5`, or `c1@300#5` for a client restarted at
/// tick 300.
impl std::fmt::Display for ReqId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.epoch {
            0 => write!(f, "c{}#{}", self.client + 1, self.seq),
            e => write!(f, "c{}@{e}#{}", self.client + 1, self.seq),
        }
    }
}

/// One line per message, for transcripts: `Forward c1#5 cost=40 try=1`.
impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Msg::Request { id, key, cost } => {
                write!(f, "Request {id} cost={cost}")?;
                match key {
                    Some(k) => write!(f, " key={k}"),
                    None => Ok(()),
                }
            }
            Msg::Forward { id, cost, attempt } => {
                write!(f, "Forward {id} cost={cost} try={attempt}")
            }
            Msg::Response { id, attempt, ok } => {
                let r = if *ok { "ok" } else { "rejected" };
                write!(f, "Response {id} try={attempt} {r}")
            }
            Msg::Reply { id, failure } => match failure {
                None => write!(f, "Reply {id} ok"),
                Some(why) => write!(f, "Reply {id} failed={why:?}"),
            },
            Msg::Probe { seq } => write!(f, "Probe #{seq}"),
            Msg::ProbeOk { seq } => write!(f, "ProbeOk #{seq}"),
        }
    }
}
