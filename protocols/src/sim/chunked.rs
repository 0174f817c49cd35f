//! A map from small dense integer keys (log indexes) to values, kept in shared chunks: a
//! clone copies only the list of chunks, and a write afterwards copies at most the one
//! chunk it touches. A checker's memory of every committed entry of a long run is cloned
//! at every checkpoint; this keeps each clone small, so recording stays linear.

use std::sync::Arc;

/// Slots per chunk.
const CHUNK: usize = 256;

#[derive(Clone, Debug)]
pub struct ChunkedMap<T> {
    chunks: Vec<Arc<Vec<Option<T>>>>,
    /// The largest key present, if any.
    last: Option<u64>,
}

impl<T> Default for ChunkedMap<T> {
    fn default() -> Self {
        ChunkedMap {
            chunks: Vec::new(),
            last: None,
        }
    }
}

impl<T: Clone> ChunkedMap<T> {
    fn slot(key: u64) -> (usize, usize) {
        let k = usize::try_from(key).expect("a key fits in memory");
        (k / CHUNK, k % CHUNK)
    }

    pub fn get(&self, key: u64) -> Option<&T> {
        let (c, i) = Self::slot(key);
        self.chunks.get(c)?[i].as_ref()
    }

    /// Sets `key` to `value`, replacing what it held.
    pub fn insert(&mut self, key: u64, value: T) {
        let (c, i) = Self::slot(key);
        while self.chunks.len() <= c {
            self.chunks.push(Arc::new(vec![None; CHUNK]));
        }
        Arc::make_mut(&mut self.chunks[c])[i] = Some(value);
        self.last = self.last.max(Some(key));
    }

    /// The largest key present.
    pub fn last_key(&self) -> Option<u64> {
        self.last
    }

    /// The keys from `from` on, with their values, in order.
    pub fn range_from(&self, from: u64) -> impl Iterator<Item = (u64, &T)> {
        let (c, i) = Self::slot(from);
        self.chunks
            .iter()
            .enumerate()
            .skip(c)
            .flat_map(move |(n, chunk)| {
                let skip = if n == c { i } else { 0 };
                let base = (n * CHUNK) as u64;
                chunk
                    .iter()
                    .enumerate()
                    .skip(skip)
                    .filter_map(move |(j, v)| Some((base + j as u64, v.as_ref()?)))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// The same answers as a BTreeMap for the same writes, across chunks and clones.
    #[test]
    fn it_answers_as_a_btree_map_does_and_clones_share() {
        let (mut m, mut b) = (ChunkedMap::default(), BTreeMap::new());
        let keys = [1u64, 2, 3, 700, 255, 256, 257, 5, 1000, 3];
        for (n, k) in keys.into_iter().enumerate() {
            m.insert(k, n);
            b.insert(k, n);
        }
        let before = m.clone();
        m.insert(2, 99);
        assert_eq!(before.get(2), Some(&1), "a clone keeps what it had");
        b.insert(2, 99);
        for k in 0..1100 {
            assert_eq!(m.get(k), b.get(&k), "key {k}");
        }
        for from in [0, 4, 256, 258, 1001, 5000] {
            let got: Vec<_> = m.range_from(from).map(|(k, v)| (k, *v)).collect();
            let want: Vec<_> = b.range(from..).map(|(k, v)| (*k, *v)).collect();
            assert_eq!(got, want, "from {from}");
        }
        assert_eq!(m.last_key(), b.keys().next_back().copied());
        assert!(
            Arc::ptr_eq(&before.chunks[3], &m.chunks[3]),
            "an untouched chunk is shared"
        );
    }
}
