//! The balancing algorithms, as choices over the backends marked up, and Finagle's
//! peak-EWMA load metric in integer arithmetic.

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
    /// Finagle's `P2CPeakEwma`: two backends at random, the one with the lower peak-EWMA
    /// load, latency × (in flight + 1); a backend not measured yet is penalised while it
    /// has a request in flight.
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
    /// Their names in scenarios, in the order of [`Algorithm::ALL`].
    pub const NAMES: [&'static str; 8] = [
        "round_robin",
        "weighted_round_robin",
        "random",
        "weighted_random",
        "least_connections",
        "power_of_two",
        "peak_ewma",
        "consistent_hash",
    ];
}

/// In the configuration schema, an algorithm is its index in [`Algorithm::ALL`].
impl crate::sim::schema::Num for Algorithm {
    fn to_u64(self) -> u64 {
        Algorithm::ALL.iter().position(|a| *a == self).unwrap_or(0) as u64
    }
    fn from_u64(v: u64) -> Self {
        Algorithm::ALL[(v as usize).min(Algorithm::ALL.len() - 1)]
    }
}

/// What the balancer knows of one backend that is marked up.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub index: u32,
    pub weight: u32,
    /// Requests forwarded and not yet answered.
    pub active: u32,
    /// Its peak-EWMA metric; reading its load decays it to now, as Finagle's does.
    pub ewma: PeakEwma,
}

/// The balancer's own memory for choosing: the round-robin cursor, the smooth weights,
/// its random generator, the hash ring, and the peak-EWMA decay time.
#[derive(Clone, Debug)]
pub struct Picker {
    next: u32,
    current: Vec<i64>,
    rng: Rng,
    /// The hash ring over every backend (the same consistent hashing the sharding lab uses).
    ring: Ring,
    /// Peak-EWMA decay time τ, in ticks.
    tau: u64,
}

/// Virtual nodes per backend on the hash ring.
pub const VNODES: u32 = 64;

impl Picker {
    pub fn new(backends: u32, seed: u64, tau: u64) -> Self {
        let all: Vec<u32> = (0..backends).collect();
        Picker {
            next: 0,
            current: vec![0; backends as usize],
            rng: Rng::new(seed),
            ring: Ring::new(&all, VNODES),
            tau,
        }
    }

    /// Two distinct positions below `n` (n ≥ 2), uniformly: Finagle's `P2CPick`, which
    /// draws the second from one fewer and steps over the first.
    fn two(&mut self, n: u64) -> (usize, usize) {
        let a = self.rng.below(n) as usize;
        let mut b = self.rng.below(n - 1) as usize;
        if b >= a {
            b += 1;
        }
        (a, b)
    }

    /// The backend for the next request among `up` (sorted by index) at tick `now`, or none
    /// if empty. Peak EWMA reads (and so decays) the metrics of the two it compares.
    pub fn pick(
        &mut self,
        algo: Algorithm,
        up: &mut [Candidate],
        key: Option<u32>,
        now: u64,
    ) -> Option<u32> {
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
                let (a, b) = self.two(n);
                let (a, b) = (&up[a], &up[b]);
                if b.active < a.active {
                    b.index
                } else {
                    a.index
                }
            }
            Algorithm::PeakEwma => {
                // finagle-core P2CPick: the first if its load is lower, else the second.
                if up.len() == 1 {
                    return Some(up[0].index);
                }
                let (a, b) = self.two(n);
                let load_a = up[a].ewma.load(up[a].active, now, self.tau);
                let load_b = up[b].ewma.load(up[b].active, now, self.tau);
                if load_a < load_b {
                    up[a].index
                } else {
                    up[b].index
                }
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

/// The load of a backend that has no latency sample yet but a request in flight, plus its
/// requests in flight: Finagle's `Penalty` (`Long.MaxValue >> 16`), here beyond any real
/// load (a cost below 10^9 thousandths of a tick times fewer than 10^9 in flight).
pub const PENALTY: u64 = u64::MAX >> 2;

/// Finagle's peak-EWMA load metric for one backend (finagle-core, `PeakEwma.Metric`):
/// `cost` is an average of round-trip times that a slower sample replaces at once (the
/// peak) and that decays towards faster samples, and towards 0 as time passes, with time
/// constant τ. In thousandths of a tick; `stamp` is the tick it was last updated.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PeakEwma {
    pub cost: u64,
    pub stamp: u64,
}

impl PeakEwma {
    /// `observe(rtt)`: w = e^(−Δt/τ), Δt the ticks since the last update; a sample above
    /// the cost replaces it, any other gives cost × w + sample × (1 − w). A cost above 0
    /// stays at least 1 (Finagle's double underflows to 0 only after some 760 τ).
    pub fn observe(&mut self, sample: u64, now: u64, tau: u64) {
        let w = u128::from(decay_q32(now.saturating_sub(self.stamp), tau));
        if sample > self.cost {
            self.cost = sample;
        } else {
            let mixed = (u128::from(self.cost) * w + u128::from(sample) * (ONE_Q32 - w)) >> 32;
            self.cost = (mixed as u64).max(u64::from(self.cost > 0));
        }
        self.stamp = self.stamp.max(now);
    }

    /// `get()`: decays the cost to `now` (an observation of 0), then the load: a backend
    /// never measured with requests in flight is penalised, any other costs
    /// cost × (in flight + 1).
    pub fn load(&mut self, pending: u32, now: u64, tau: u64) -> u64 {
        self.observe(0, now, tau);
        if self.cost == 0 && pending != 0 {
            PENALTY + u64::from(pending)
        } else {
            self.cost.saturating_mul(u64::from(pending) + 1)
        }
    }
}

/// 1.0 in 32-bit fixed point.
const ONE_Q32: u128 = 1 << 32;

/// log2(e) in 32-bit fixed point.
const LOG2E_Q32: u128 = 6_196_328_019;

/// 2^(−2^−i) in 32-bit fixed point, for i = 1..=24.
const HALVINGS_Q32: [u64; 24] = [
    3_037_000_500,
    3_611_622_603,
    3_938_502_376,
    4_112_874_773,
    4_202_935_003,
    4_248_701_965,
    4_271_771_996,
    4_283_353_945,
    4_289_156_690,
    4_292_061_010,
    4_293_513_907,
    4_294_240_540,
    4_294_603_903,
    4_294_785_595,
    4_294_876_445,
    4_294_921_870,
    4_294_944_583,
    4_294_955_939,
    4_294_961_618,
    4_294_964_457,
    4_294_965_876,
    4_294_966_586,
    4_294_966_941,
    4_294_967_119,
];

/// e^(−dt/τ) in 32-bit fixed point, in integers only: e^(−x) = 2^(−x·log2 e); the whole
/// part of the exponent is a shift, its fraction a product of the factors 2^(−2^−i) for
/// its first 24 bits (relative error under 10^−6).
pub fn decay_q32(dt: u64, tau: u64) -> u64 {
    let y = u128::from(dt) * LOG2E_Q32 / u128::from(tau.max(1));
    let whole = y >> 32;
    if whole >= 32 {
        return 0;
    }
    let fraction = y as u64 & 0xffff_ffff;
    let mut w = ONE_Q32 as u64;
    for (i, factor) in HALVINGS_Q32.iter().enumerate() {
        if fraction & (1 << (31 - i)) != 0 {
            w = ((u128::from(w) * u128::from(*factor) + (1 << 31)) >> 32) as u64;
        }
    }
    w >> whole
}
