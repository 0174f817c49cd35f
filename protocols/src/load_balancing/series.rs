//! The time series the lab plots, kept by the observer ([`super::metrics`]): one bucket per
//! simulated second.
//!
//! Memory is bounded whatever the run: a second in which nothing is noted has no bucket
//! (virtual time may jump by millions of ticks in one step), only the last
//! [`SERIES_SECONDS`] seconds are kept (the lab plots the last 120 complete ones), and a
//! second's latencies are counted in at most [`Histogram::MAX_BINS`] bins, not listed.

use std::collections::VecDeque;

/// Ticks per point of the time series (one simulated second).
pub const BUCKET_TICKS: u64 = 1_000;

/// Seconds kept: the 120 complete seconds the lab plots and the one under way.
pub const SERIES_SECONDS: u64 = 121;

/// Latencies counted per bin: exact below 64 ticks, then 32 bins per doubling, so a
/// percentile read from it is the true one rounded down by less than 1/32.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Histogram {
    /// (bin, count), sorted by bin; only bins that were hit.
    bins: Vec<(u32, u64)>,
    count: u64,
}

impl Histogram {
    /// Bins a latency below 2^64 can fall in (64 exact ones, 32 per doubling above).
    pub const MAX_BINS: u32 = 64 + 58 * 32;

    pub fn add(&mut self, value: u64) {
        let bin = bin_of(value);
        match self.bins.binary_search_by_key(&bin, |(b, _)| *b) {
            Ok(i) => self.bins[i].1 += 1,
            Err(i) => self.bins.insert(i, (bin, 1)),
        }
        self.count += 1;
    }

    /// Values counted.
    pub fn len(&self) -> u64 {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The `p`-th percentile (0–100), nearest rank: the lowest value of the bin that holds
    /// the rank-th smallest value.
    pub fn percentile(&self, p: u64) -> Option<u64> {
        if self.count == 0 {
            return None;
        }
        let rank = (p * self.count).div_ceil(100).clamp(1, self.count);
        let mut seen = 0;
        self.bins.iter().find_map(|(bin, n)| {
            seen += n;
            (seen >= rank).then(|| bin_low(*bin))
        })
    }
}

/// The bin of `v`: `v` itself below 64; above, 32 bins per power of two.
fn bin_of(v: u64) -> u32 {
    if v < 64 {
        return v as u32;
    }
    let e = 63 - v.leading_zeros(); // 6..=63
    let sub = ((v >> (e - 5)) & 31) as u32;
    64 + (e - 6) * 32 + sub
}

/// The lowest value that falls in `bin`.
fn bin_low(bin: u32) -> u64 {
    if bin < 64 {
        return u64::from(bin);
    }
    let e = (bin - 64) / 32 + 6;
    let sub = u64::from((bin - 64) % 32);
    (32 + sub) << (e - 5)
}

/// One second of the run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bucket {
    /// Which second (time / [`BUCKET_TICKS`]).
    pub second: u64,
    /// Latencies of the requests completed in it, in ticks.
    pub latencies: Histogram,
    pub rejected: u32,
    pub failed: u32,
    /// Work finished per backend, in slot-ticks.
    pub busy: Vec<u64>,
}

/// The last [`SERIES_SECONDS`] seconds that saw a note, oldest first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Series {
    buckets: VecDeque<Bucket>,
}

impl Series {
    /// The bucket of the second holding tick `at` (notes come in time order), created if
    /// needed; seconds too old to plot are dropped.
    pub fn at(&mut self, at: u64, backends: usize) -> &mut Bucket {
        let second = at / BUCKET_TICKS;
        let fresh = || Bucket {
            second,
            busy: vec![0; backends],
            ..Bucket::default()
        };
        if self.buckets.back().is_none_or(|b| b.second < second) {
            self.buckets.push_back(fresh());
            while self
                .buckets
                .front()
                .is_some_and(|b| b.second + SERIES_SECONDS <= second)
            {
                self.buckets.pop_front();
            }
        }
        // Notes come in time order, so this is nearly always the newest bucket.
        let i = match self.buckets.binary_search_by_key(&second, |b| b.second) {
            Ok(i) => i,
            Err(i) => {
                self.buckets.insert(i, fresh());
                i
            }
        };
        &mut self.buckets[i]
    }

    /// The bucket of `second`, if anything was noted in it and it is still kept.
    pub fn get(&self, second: u64) -> Option<&Bucket> {
        let i = self
            .buckets
            .binary_search_by_key(&second, |b| b.second)
            .ok()?;
        Some(&self.buckets[i])
    }

    /// Buckets kept (at most [`SERIES_SECONDS`]).
    pub fn len(&self) -> usize {
        self.buckets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buckets.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_bins_are_exact_below_64_and_within_a_32nd_above() {
        for v in (0..5_000u64).chain([1 << 20, 999_999, u64::MAX]) {
            let low = bin_low(bin_of(v));
            assert!(low <= v && v - low <= v / 32, "{v} binned at {low}");
            if v < 64 {
                assert_eq!(low, v);
            }
        }
        assert!(bin_of(u64::MAX) < Histogram::MAX_BINS);
    }

    #[test]
    fn histogram_percentiles_are_nearest_rank() {
        let mut h = Histogram::default();
        for v in 1..=40 {
            h.add(v);
        }
        assert_eq!(h.percentile(50), Some(20));
        assert_eq!(h.percentile(95), Some(38));
        assert_eq!(h.percentile(100), Some(40));
        assert_eq!(Histogram::default().percentile(50), None);
    }

    /// A note a billion seconds in costs one bucket, not a billion.
    #[test]
    fn the_series_is_sparse_and_keeps_the_last_seconds_only() {
        let mut s = Series::default();
        s.at(500, 4).failed += 1;
        s.at(1_000_000_000_000, 4).failed += 1;
        assert_eq!(s.len(), 1, "the first second is too old to plot");
        for t in 0..1_000u64 {
            s.at(2_000_000_000_000 + t * BUCKET_TICKS, 4).rejected += 1;
        }
        assert_eq!(s.len() as u64, SERIES_SECONDS);
        assert_eq!(s.get(2_000_000_000 + 999).map(|b| b.rejected), Some(1));
        assert!(s.get(2_000_000_000).is_none());
    }
}
