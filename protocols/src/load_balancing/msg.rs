//! The load-balancing lab's requests, messages, timers and notes.

use super::algo::Algorithm;
use serde::{Deserialize, Serialize};

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

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "request", rename_all = "snake_case", deny_unknown_fields)]
pub enum Request {
    /// Backend: work at `percent` of the time it should take (400 = four times slower).
    Slow { percent: u32 },
    /// Client: send one request now.
    SendNow,
    /// Balancer: switch algorithm, live.
    UseAlgorithm { algorithm: Algorithm },
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
