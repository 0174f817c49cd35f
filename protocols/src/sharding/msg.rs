//! The sharding lab's messages, timers, requests and notes (its routing tables are in
//! `table.rs`).

use super::key::Key;
pub use super::table::{Strategy, Table};
use serde::{Deserialize, Serialize};

/// A write's place in the one total order the router gives writes.
pub type Stamp = u64;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    Get,
    Put { value: u64 },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Msg {
    /// Client → router.
    Request {
        id: u64,
        key: Key,
        op: Op,
    },
    /// Router → client.
    Response {
        id: u64,
        ok: bool,
        value: Option<(u64, Stamp)>,
    },
    /// Router → server: do `op` on `key`, routed under table `version`.
    Forward {
        id: u64,
        key: Key,
        op: Op,
        version: u64,
    },
    /// Server → router: a get's value, or a put's value and the stamp the primary gave it.
    Done {
        id: u64,
        value: Option<(u64, Stamp)>,
    },
    /// Server → router: not mine under table `version` (or my table is older), or (`wait`)
    /// mine, but still on its way to me in the migration to `version`.
    Moved {
        id: u64,
        version: u64,
        wait: bool,
    },
    /// Primary → replica, and replica → primary.
    Replicate {
        id: u64,
        key: Key,
        value: u64,
        stamp: Stamp,
    },
    Replicated {
        id: u64,
        stamp: Stamp,
    },
    /// Replica → the key's primary, before answering a get: which table do you hold?
    Confirm {
        id: u64,
        key: Key,
        /// The replica's table version.
        version: u64,
    },
    /// Primary → replica: its table version.
    ConfirmReply {
        id: u64,
        version: u64,
    },
    /// Router → servers and routers: the newest table.
    NewTable {
        table: Box<Table>,
        /// The table before it: what servers work out the move against.
        previous: Option<Box<Table>>,
    },
    /// Router → server: send me your table (it answered "moved" with a newer version).
    GetTable,
    /// Router 1 → servers and routers: the migration to `version` is over.
    Settled {
        version: u64,
    },
    /// Server → new replica: a key that moves, and its acknowledgement.
    Transfer {
        version: u64,
        key: Key,
        value: u64,
        stamp: Stamp,
    },
    TransferAck {
        version: u64,
        key: Key,
    },
    /// Server → router: every key it had to hand over under `version` is acknowledged; or
    /// router → Router 1: it has table `version`.
    MigrationDone {
        version: u64,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "timer", rename_all = "snake_case")]
pub enum Timer {
    /// Client: the next request.
    Arrive,
    /// Router: this attempt took too long.
    Expire { id: u64 },
    /// Router: try again after a "moved".
    Retry { id: u64 },
    /// Primary: replicas did not all answer in time.
    ReplicaTimeout { id: u64 },
    /// Server: send unacknowledged transfers again.
    Resend,
    /// Router: send the table again to servers that have not finished the migration.
    Nudge,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "request", rename_all = "snake_case", deny_unknown_fields)]
pub enum Request {
    /// Router: add a server to the cluster.
    AddServer { server: u32 },
    /// Router: remove a server.
    RemoveServer { server: u32 },
    /// Router, range partitioning: split the busiest range where it halves its requests,
    /// and move the upper part to the least busy server.
    SplitHot,
    /// Client: write the next value to a key the user typed.
    Put { key: String },
    /// Client: read a key the user typed.
    Get { key: String },
}

/// Why the router refuses a change.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// A migration is still running.
    Busy,
    /// Not a server, already a member (add), not one (remove), or too few would be left.
    Impossible,
    /// A split needs range partitioning, and a range with two keys it has seen requests for.
    NothingToSplit,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "note", rename_all = "snake_case")]
pub enum Note {
    // Clients.
    Sent {
        id: u64,
        key: Key,
        op: Op,
        /// Typed by the user (not drawn from the workload).
        typed: bool,
    },
    Acknowledged {
        id: u64,
        key: Key,
        value: Option<(u64, Stamp)>,
    },
    Failed {
        id: u64,
        key: Key,
    },
    // The router.
    Routed {
        id: u64,
        key: Key,
        server: u32,
        attempt: u32,
    },
    PutAcknowledged {
        key: Key,
        value: u64,
        stamp: Stamp,
    },
    Retrying {
        id: u64,
        attempt: u32,
    },
    TableChanged {
        version: u64,
        members: Vec<u32>,
    },
    MigrationOver {
        version: u64,
    },
    ChangeRefused {
        why: Refusal,
    },
    RangeSplit {
        range: u32,
        at: Key,
        to: u32,
    },
    /// A client refused a typed key.
    BadKey {
        name: String,
    },
    // Servers.
    Stored {
        key: Key,
        stamp: Stamp,
        replicas: u32,
    },
    NotMine {
        key: Key,
        version: u64,
    },
    /// A key moving to this server that has not arrived from its previous primary; or
    /// (`primary`) a put on a key it has just become primary of, before the previous
    /// primary handed it over (the fence).
    NotYet {
        key: Key,
        version: u64,
        primary: bool,
    },
    /// A replica does not answer a get: the key's primary holds table `newer`, newer than
    /// its own `version` (the fence for reads).
    Fenced {
        key: Key,
        version: u64,
        newer: u64,
    },
    /// The bug switch: a new primary takes a put before the previous primary handed the
    /// key over (`put`), or a replica answers a get without asking the primary.
    Unfenced {
        key: Key,
        version: u64,
        put: bool,
    },
    SettledAt {
        version: u64,
    },
    Adopted {
        version: u64,
        outgoing: u32,
    },
    Received {
        key: Key,
        stamp: Stamp,
    },
    Handed {
        version: u64,
    },
    Recovered {
        keys: u32,
        version: u64,
    },
    // Violation details.
    WrongReplicaCount {
        key: Key,
        got: u32,
        want: u32,
    },
    AcknowledgedWriteLost {
        key: Key,
        stamp: Stamp,
    },
    TableBehind {
        node: u32,
        version: u64,
        newest: u64,
    },
    /// Two different values acknowledged for `key` with one stamp: one of them is lost.
    TwoValuesOneStamp {
        key: Key,
        stamp: Stamp,
        first: u64,
        second: u64,
    },
    /// A get answered with a write older than `acked`, acknowledged before it was sent
    /// (value, stamp).
    StaleRead {
        key: Key,
        got: Option<(u64, Stamp)>,
        acked: (u64, Stamp),
    },
}

impl std::fmt::Display for Op {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Op::Get => f.write_str("get"),
            Op::Put { value } => write!(f, "put={value}"),
        }
    }
}

/// One line per message, for transcripts: `Forward #3 key-0007 put=5 v2` (a request id,
/// a key, a table version `v`, a stamp `@`).
impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let value = |v: &Option<(u64, Stamp)>| match v {
            Some((v, s)) => format!("{v}@{s}"),
            None => "none".into(),
        };
        let members = |t: &Table| {
            let m: Vec<String> = t.members.iter().map(|s| format!("S{}", s + 1)).collect();
            format!("v{} {{{}}}", t.version, m.join(","))
        };
        match self {
            Msg::Request { id, key, op } => write!(f, "Request #{id} {} {op}", key.name()),
            Msg::Response { id, ok, value: v } => {
                let r = if *ok { "ok" } else { "failed" };
                write!(f, "Response #{id} {r} {}", value(v))
            }
            Msg::Forward {
                id,
                key,
                op,
                version,
            } => write!(f, "Forward #{id} {} {op} v{version}", key.name()),
            Msg::Done { id, value: v } => write!(f, "Done #{id} {}", value(v)),
            Msg::Moved { id, version, wait } => {
                let w = if *wait { " wait" } else { "" };
                write!(f, "Moved #{id} v{version}{w}")
            }
            Msg::Replicate {
                id,
                key,
                value,
                stamp,
            } => write!(f, "Replicate #{id} {}={value}@{stamp}", key.name()),
            Msg::Replicated { id, stamp } => write!(f, "Replicated #{id} @{stamp}"),
            Msg::Confirm { id, key, version } => {
                write!(f, "Confirm #{id} {} v{version}", key.name())
            }
            Msg::ConfirmReply { id, version } => write!(f, "ConfirmReply #{id} v{version}"),
            Msg::NewTable { table, previous } => match previous {
                Some(p) => write!(f, "NewTable {} from {}", members(table), members(p)),
                None => write!(f, "NewTable {}", members(table)),
            },
            Msg::GetTable => f.write_str("GetTable"),
            Msg::Settled { version } => write!(f, "Settled v{version}"),
            Msg::Transfer {
                version,
                key,
                value,
                stamp,
            } => write!(f, "Transfer v{version} {}={value}@{stamp}", key.name()),
            Msg::TransferAck { version, key } => {
                write!(f, "TransferAck v{version} {}", key.name())
            }
            Msg::MigrationDone { version } => write!(f, "MigrationDone v{version}"),
        }
    }
}
