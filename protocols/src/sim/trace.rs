//! Trace hashes: one number that changes if anything in a run changes.

use super::{Protocol, StepRecord};

/// 64-bit FNV-1a, written out so it can never change under us.
#[derive(Clone, Copy, Debug)]
pub struct Fnv64(u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv64 {
    pub fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= *b as u64;
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
    pub fn finish(self) -> u64 {
        self.0
    }
}

/// Hashes a run's records through their JSON form (field order is fixed by the types).
pub fn trace_hash<P: Protocol>(records: &[StepRecord<P>]) -> u64 {
    let mut h = Fnv64::default();
    for r in records {
        let line = serde_json::to_vec(r).expect("records serialize");
        h.write(&line);
        h.write(b"\n");
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_published_test_vector() {
        let mut h = Fnv64::default();
        h.write(b"a");
        assert_eq!(h.finish(), 0xaf63_dc4c_8601_ec8c);
    }
}
