//! A routing table: how keys map to servers (the strategy), its members and version.

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
