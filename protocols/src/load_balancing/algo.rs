//! The balancing algorithms, as pure choices over the backends marked up.

use crate::sharding::placement::Ring;
use crate::sim::rng::{mix64, Rng};
use serde::{Deserialize, Serialize};

#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Algorithm {
    #[default]
    RoundRobin,
    /// nginx's smooth weighted round robin: weights 5:1:1 give a a b a c a a.
    WeightedRoundRobin,
    Random,
    WeightedRandom,
    /// The fewest requests in flight, relative to weight.
    LeastConnections,
    /// Two backends at random, the one with fewer in flight (Mitzenmacher).
    PowerOfTwo,
    /// The least expected latency: peak-EWMA latency × (in flight + 1) (Finagle).
    PeakEwma,
    /// The request's key on a hash ring with virtual nodes (sticky; Karger et al.).
    ConsistentHash,
}

impl Algorithm {
    pub const ALL: [Algorithm; 8] = [
        Algorithm::RoundRobin,
        Algorithm::WeightedRoundRobin,
        Algorithm::Random,
        Algorithm::WeightedRandom,
        Algorithm::LeastConnections,
        Algorithm::PowerOfTwo,
        Algorithm::PeakEwma,
        Algorithm::ConsistentHash,
    ];
}

/// What the balancer knows of one backend that is marked up.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub index: u32,
    pub weight: u32,
    /// Requests forwarded and not yet answered.
    pub active: u32,
    /// Peak-EWMA latency, in thousandths of a tick.
    pub ewma: u64,
}

/// The balancer's own memory for choosing: the round-robin cursor, the smooth weights,
/// its random generator, and the hash ring.
#[derive(Clone, Debug)]
pub struct Picker {
    next: u32,
    current: Vec<i64>,
    rng: Rng,
    /// The hash ring over every backend (the same consistent hashing the sharding lab uses).
    ring: Ring,
}

/// Virtual nodes per backend on the hash ring.
pub const VNODES: u32 = 64;

impl Picker {
    pub fn new(backends: u32, seed: u64) -> Self {
        let all: Vec<u32> = (0..backends).collect();
        Picker {
            next: 0,
            current: vec![0; backends as usize],
            rng: Rng::new(seed),
            ring: Ring::new(&all, VNODES),
        }
    }

    /// The backend for the next request among `up` (sorted by index), or none if empty.
    pub fn pick(&mut self, algo: Algorithm, up: &[Candidate], key: Option<u32>) -> Option<u32> {
        if up.is_empty() {
            return None;
        }
        let n = up.len() as u64;
        Some(match algo {
            Algorithm::RoundRobin => {
                // The first backend marked up at or after the cursor, cyclically.
                let c = up.iter().find(|c| c.index >= self.next).unwrap_or(&up[0]);
                self.next = c.index + 1;
                c.index
            }
            Algorithm::WeightedRoundRobin => {
                let total: i64 = up.iter().map(|c| i64::from(c.weight)).sum();
                let mut best: Option<u32> = None;
                for c in up {
                    self.current[c.index as usize] += i64::from(c.weight);
                    let w = self.current[c.index as usize];
                    if best.is_none_or(|b| w > self.current[b as usize]) {
                        best = Some(c.index);
                    }
                }
                let b = best.expect("non-empty");
                self.current[b as usize] -= total;
                b
            }
            Algorithm::Random => up[self.rng.below(n) as usize].index,
            Algorithm::WeightedRandom => {
                let total: u64 = up.iter().map(|c| u64::from(c.weight)).sum();
                let mut x = self.rng.below(total);
                up.iter()
                    .find(|c| {
                        let w = u64::from(c.weight);
                        if x < w {
                            true
                        } else {
                            x -= w;
                            false
                        }
                    })
                    .expect("x < total")
                    .index
            }
            Algorithm::LeastConnections => {
                up.iter()
                    .min_by_key(|c| (u64::from(c.active) * 1000 / u64::from(c.weight), c.index))
                    .expect("non-empty")
                    .index
            }
            Algorithm::PowerOfTwo => {
                if up.len() == 1 {
                    return Some(up[0].index);
                }
                let a = self.rng.below(n) as usize;
                let mut b = self.rng.below(n - 1) as usize;
                if b >= a {
                    b += 1;
                }
                let (a, b) = (&up[a], &up[b]);
                if b.active < a.active {
                    b.index
                } else {
                    a.index
                }
            }
            Algorithm::PeakEwma => {
                up.iter()
                    .min_by_key(|c| {
                        (
                            c.ewma.max(1) * u64::from(c.active + 1) / u64::from(c.weight),
                            c.index,
                        )
                    })
                    .expect("non-empty")
                    .index
            }
            Algorithm::ConsistentHash => {
                // The first backend clockwise from the key's hash that is marked up.
                let h = mix64(u64::from(key.unwrap_or(0)) ^ 0x5eed);
                self.ring
                    .preference_list(h, self.current.len())
                    .into_iter()
                    .find(|b| up.iter().any(|c| c.index == *b))
                    .expect("some backend is up")
            }
        })
    }
}
