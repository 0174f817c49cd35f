//! The sharding lab's routing tables, messages, timers, requests and notes.

use super::key::Key;
use super::placement::{mod_n, Ranges, Ring};
use serde::{Deserialize, Serialize};

/// How keys map to servers.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    ModN,
    #[default]
    Ring,
    /// Range partitioning: runs of keys in name order, split and moved whole.
    Range,
}

/// A versioned routing table: the members, in order, and how keys map to them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Table {
    pub version: u64,
    pub members: Vec<u32>,
    pub strategy: Strategy,
    pub vnodes: u32,
    /// Range partitioning's split points and owners.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ranges: Option<Ranges>,
    #[serde(skip)]
    ring: Option<Ring>,
}

impl Table {
    /// A table for a hashing strategy (mod N or the ring).
    pub fn new(version: u64, members: Vec<u32>, strategy: Strategy, vnodes: u32) -> Table {
        let ring = (strategy == Strategy::Ring).then(|| Ring::new(&members, vnodes));
        Table {
            version,
            members,
            strategy,
            vnodes,
            ranges: None,
            ring,
        }
    }
    /// A range-partitioned table.
    pub fn ranged(version: u64, members: Vec<u32>, vnodes: u32, ranges: Ranges) -> Table {
        Table {
            version,
            members,
            strategy: Strategy::Range,
            vnodes,
            ranges: Some(ranges),
            ring: None,
        }
    }
    /// The next version with `server` added. Hashing strategies rebuild their map; with
    /// ranges the newcomer takes the upper half (by keys of `positions`, the generated
    /// keyspace) of the range with the most keys.
    pub fn with_member(&self, server: u32, positions: &[u128]) -> Table {
        let mut members = self.members.clone();
        members.push(server);
        let Some(mut ranges) = self.ranges.clone() else {
            return Table::new(self.version + 1, members, self.strategy, self.vnodes);
        };
        let counts = ranges.counts(positions);
        let i = (0..counts.len())
            .max_by_key(|i| (counts[*i], usize::MAX - i))
            .expect("a range");
        let inside: Vec<u128> = positions
            .iter()
            .copied()
            .filter(|p| ranges.range_of(*p) == i)
            .collect();
        if inside.len() >= 2 {
            ranges.split(i, inside[inside.len() / 2], server);
        }
        Table::ranged(self.version + 1, members, self.vnodes, ranges)
    }
    /// The next version without `server`. With ranges, each of its ranges goes to the
    /// member then holding the fewest keys of `positions`.
    pub fn without_member(&self, server: u32, positions: &[u128]) -> Table {
        let mut members = self.members.clone();
        members.retain(|m| *m != server);
        let Some(mut ranges) = self.ranges.clone() else {
            return Table::new(self.version + 1, members, self.strategy, self.vnodes);
        };
        while let Some(i) = ranges.owners.iter().position(|o| *o == server) {
            let counts = ranges.counts(positions);
            let load = |m: u32| -> usize {
                (0..counts.len())
                    .filter(|j| ranges.owners[*j] == m)
                    .map(|j| counts[j])
                    .sum()
            };
            let to = *members
                .iter()
                .min_by_key(|m| (load(**m), **m))
                .expect("members");
            ranges.reassign(i, to);
        }
        Table::ranged(self.version + 1, members, self.vnodes, ranges)
    }
    /// The key's replicas, primary first: `r` distinct members (fewer if there are fewer).
    /// Mod N: the member at hash mod N, then the next ones in order; the ring: the next
    /// distinct members clockwise (a preference list); ranges: the owner of the key's
    /// range, then the next members in order.
    pub fn replicas(&self, key: &Key, r: usize) -> Vec<u32> {
        self.replicas_at(key.hash(), key.position(), r)
    }
    /// [`Table::replicas`] from a key's hash and position (placement experiments hash
    /// once).
    pub fn replicas_at(&self, hash: u64, position: u128, r: usize) -> Vec<u32> {
        let first = match self.strategy {
            Strategy::ModN => mod_n(hash, &self.members),
            Strategy::Range => self.ranges.as_ref().and_then(|g| g.owner(position)),
            Strategy::Ring => {
                return match &self.ring {
                    Some(ring) => ring.preference_list(hash, r),
                    None => Ring::new(&self.members, self.vnodes).preference_list(hash, r),
                }
            }
        };
        let Some(i) = first.and_then(|f| self.members.iter().position(|m| *m == f)) else {
            return Vec::new();
        };
        (0..r.min(self.members.len()))
            .map(|k| self.members[(i + k) % self.members.len()])
            .collect()
    }
}

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
