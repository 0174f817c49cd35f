//! The sharding lab's routing tables, messages, timers, requests and notes.

use super::placement::{mod_n, Ring};
use serde::{Deserialize, Serialize};

/// How keys map to servers.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    ModN,
    #[default]
    Ring,
}

/// A versioned routing table: the members, in order, and how keys map to them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Table {
    pub version: u64,
    pub members: Vec<u32>,
    pub strategy: Strategy,
    pub vnodes: u32,
    #[serde(skip)]
    ring: Option<Ring>,
}

impl Table {
    pub fn new(version: u64, members: Vec<u32>, strategy: Strategy, vnodes: u32) -> Table {
        let ring = (strategy == Strategy::Ring).then(|| Ring::new(&members, vnodes));
        Table {
            version,
            members,
            strategy,
            vnodes,
            ring,
        }
    }
    /// The key's replicas, primary first: `r` distinct members (fewer if there are fewer).
    /// Mod N: the member at hash mod N, then the next ones in order; the ring: the next
    /// distinct members clockwise (a preference list).
    pub fn replicas(&self, hash: u64, r: usize) -> Vec<u32> {
        match self.strategy {
            Strategy::ModN => {
                let Some(first) = mod_n(hash, &self.members) else {
                    return Vec::new();
                };
                let i = self
                    .members
                    .iter()
                    .position(|m| *m == first)
                    .expect("member");
                (0..r.min(self.members.len()))
                    .map(|k| self.members[(i + k) % self.members.len()])
                    .collect()
            }
            Strategy::Ring => match &self.ring {
                Some(ring) => ring.preference_list(hash, r),
                None => Ring::new(&self.members, self.vnodes).preference_list(hash, r),
            },
        }
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
        key: u32,
        op: Op,
    },
    /// Router → client.
    Response {
        id: u64,
        ok: bool,
        value: Option<(u64, Stamp)>,
    },
    /// Router → server: do `op` on `key` (a put carries its stamp).
    Forward {
        id: u64,
        key: u32,
        op: Op,
        stamp: Stamp,
        version: u64,
    },
    /// Server → router.
    Done {
        id: u64,
        value: Option<(u64, Stamp)>,
    },
    /// Server → router: not mine under table `version` (or my table is older).
    Moved {
        id: u64,
        version: u64,
    },
    /// Primary → replica, and replica → primary.
    Replicate {
        id: u64,
        key: u32,
        value: u64,
        stamp: Stamp,
    },
    Replicated {
        id: u64,
    },
    /// Router → servers: the newest table.
    NewTable {
        table: Table,
    },
    /// Server → new replica: a key that moves, and its acknowledgement.
    Transfer {
        version: u64,
        key: u32,
        value: u64,
        stamp: Stamp,
    },
    TransferAck {
        version: u64,
        key: u32,
    },
    /// Server → router: every key it had to hand over under `version` is acknowledged.
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
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "note", rename_all = "snake_case")]
pub enum Note {
    // Clients.
    Sent {
        id: u64,
        key: u32,
        op: Op,
    },
    Acknowledged {
        id: u64,
        key: u32,
        value: Option<(u64, Stamp)>,
    },
    Failed {
        id: u64,
        key: u32,
    },
    // The router.
    Routed {
        id: u64,
        key: u32,
        server: u32,
        attempt: u32,
    },
    PutAcknowledged {
        key: u32,
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
        busy: bool,
    },
    // Servers.
    Stored {
        key: u32,
        stamp: Stamp,
        replicas: u32,
    },
    NotMine {
        key: u32,
        version: u64,
    },
    Adopted {
        version: u64,
        outgoing: u32,
    },
    Received {
        key: u32,
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
        key: u32,
        got: u32,
        want: u32,
    },
    AcknowledgedWriteLost {
        key: u32,
        stamp: Stamp,
    },
    TableBehind {
        server: u32,
        version: u64,
        newest: u64,
    },
}
