//! Invariants as types: each protocol names its own in an enum ([`invariants!`]), and its
//! checkers report a broken one through a [`Reporter`], which keeps a violation that
//! persists from being reported again at every step.
//!
//! [`invariants!`]: crate::invariants

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::hash::Hash;

/// One of a protocol's invariants. The order of [`Invariant::ALL`] is the order the UI
/// lists them in, and a violation's serialized form is its index there.
pub trait Invariant: Copy + Debug + Eq + Ord + Hash + Send + Sync + 'static {
    /// Every invariant, in order.
    const ALL: &'static [Self];
    /// The stable identifier (`election_safety`): transcripts, the CLI and sweeps print it.
    fn name(self) -> &'static str;
    /// The position in [`Invariant::ALL`].
    fn index(self) -> usize {
        Self::ALL
            .iter()
            .position(|i| *i == self)
            .expect("every invariant is in ALL")
    }
}

/// Declares a protocol's invariants, in order, each with its stable identifier:
/// `invariants!(pub enum Invariant { ElectionSafety = "election_safety", ... })`.
#[macro_export]
macro_rules! invariants {
    ($(#[$meta:meta])* $vis:vis enum $name:ident {
        $($(#[$vmeta:meta])* $variant:ident = $id:literal),* $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        $vis enum $name {
            $($(#[$vmeta])* $variant),*
        }
        impl $crate::sim::Invariant for $name {
            const ALL: &'static [Self] = &[$($name::$variant),*];
            fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $id),*
                }
            }
        }
    };
}

/// What a checker has reported: a violation is reported the first time its invariant
/// breaks for a key (a term, a slot, a transaction), not again while it stays broken.
/// The ghost holds it, so it survives with the rest of the checkers' memory.
#[derive(Clone, Debug)]
pub struct Reporter<I, K> {
    reported: BTreeSet<(I, K)>,
}

impl<I, K> Default for Reporter<I, K> {
    fn default() -> Self {
        Reporter {
            reported: BTreeSet::new(),
        }
    }
}

impl<I: Invariant, K: Ord> Reporter<I, K> {
    /// Pushes `detail` onto `found` unless `invariant` was already reported for `key`.
    pub fn report<N>(&mut self, found: &mut Vec<(I, N)>, invariant: I, key: K, detail: N) {
        if self.reported.insert((invariant, key)) {
            found.push((invariant, detail));
        }
    }
}

/// Serializes an invariant as its index, as records always have (trace hashes hash them).
pub(super) fn serialize_index<I: Invariant, S: serde::Serializer>(
    invariant: &I,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_u64(invariant.index() as u64)
}
