//! Keys: short names kept inline, so a key is `Copy` and costs no allocation in messages,
//! stores and notes. Keys compare by their bytes, the order range partitioning uses.

use super::placement::hash_key;
use serde::{Serialize, Serializer};
use std::fmt;

/// The longest key name, in bytes.
pub const KEY_MAX: usize = 16;

/// A key name of 1 to [`KEY_MAX`] bytes of UTF-8, with no control characters. Generated
/// keys are `key-0000` … `key-9999` (zero-padded, so their byte order is their numeric
/// order); a user may type others.
#[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    /// The name's bytes, then zeros: comparing arrays compares names byte by byte, a name
    /// before any longer name it starts (no name contains a zero byte).
    bytes: [u8; KEY_MAX],
}

/// Why a typed key name is refused.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum KeyError {
    Empty,
    TooLong,
    ControlCharacter,
}

impl Key {
    /// Generated key `k` of the lab's keyspace (at most 10,000 keys): `key-0042`.
    pub fn generated(k: u32) -> Key {
        Key::generated_in(k, 10_000)
    }
    /// Generated key `k` of a keyspace of `keys` keys, zero-padded to the digits of the
    /// largest (at least 4), so the names order like their numbers: `key-00042` among
    /// 20,000 keys. Unpadded, `key-10000` would sort between `key-1000` and `key-1001`.
    pub fn generated_in(k: u32, keys: u32) -> Key {
        let width = keys.saturating_sub(1).max(1000).ilog10() as usize + 1;
        Key::parse(&format!("key-{k:0width$}")).expect("a generated key is valid")
    }
    /// A typed name, trimmed of surrounding spaces.
    pub fn parse(name: &str) -> Result<Key, KeyError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(KeyError::Empty);
        }
        if name.len() > KEY_MAX {
            return Err(KeyError::TooLong);
        }
        if name.chars().any(char::is_control) {
            return Err(KeyError::ControlCharacter);
        }
        let mut bytes = [0u8; KEY_MAX];
        bytes[..name.len()].copy_from_slice(name.as_bytes());
        Ok(Key { bytes })
    }
    pub fn name(&self) -> &str {
        let len = self.bytes.iter().position(|b| *b == 0).unwrap_or(KEY_MAX);
        std::str::from_utf8(&self.bytes[..len]).expect("parsed from a str")
    }
    /// Where hashing strategies place the key (FNV-1a and a finaliser over the name).
    pub fn hash(&self) -> u64 {
        hash_key(self.name())
    }
    /// Where range partitioning places the key: its bytes as one big-endian number, so
    /// positions order like names.
    pub fn position(&self) -> u128 {
        u128::from_be_bytes(self.bytes)
    }
    /// The generated key's number, if this is one.
    pub fn generated_index(&self) -> Option<u32> {
        let digits = self.name().strip_prefix("key-")?;
        (digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse().expect("digits"))
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.name())
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Key {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_order_like_their_numbers() {
        let keys: Vec<Key> = (0..10_000).map(Key::generated).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
        assert!(keys.windows(2).all(|w| w[0].position() < w[1].position()));
        assert_eq!(Key::generated(42).name(), "key-0042");
        assert_eq!(Key::generated(42).generated_index(), Some(42));
        assert_eq!(Key::parse("cart:7").unwrap().generated_index(), None);
    }

    /// Past 10,000 keys the names get a fifth digit (a sixth past 100,000), so they still
    /// order like their numbers: range partitioning cuts them into runs of numbers.
    #[test]
    fn generated_keys_of_a_larger_keyspace_are_padded_to_its_digits() {
        assert_eq!(Key::generated_in(42, 100).name(), "key-0042");
        assert_eq!(Key::generated_in(42, 10_000).name(), "key-0042");
        assert_eq!(Key::generated_in(42, 10_001).name(), "key-00042");
        assert_eq!(Key::generated_in(999_999, 1_000_000).name(), "key-999999");
        for n in [20_000u32, 1_000_000] {
            let keys: Vec<Key> = (0..n).map(|k| Key::generated_in(k, n)).collect();
            assert!(keys.windows(2).all(|w| w[0].position() < w[1].position()));
        }
    }

    #[test]
    fn typed_keys_order_by_their_bytes() {
        let k = |s| Key::parse(s).unwrap();
        assert!(k("apple") < k("key-0000"), "before the generated keys");
        assert!(k("key-0000") < k("key-00001"), "a prefix comes first");
        assert!(k("key-9999") < k("zebra"), "after them");
        assert_eq!(k("  user:1 ").name(), "user:1");
        assert_eq!(k("ünïcode").name(), "ünïcode");
        assert_eq!(Key::parse(""), Err(KeyError::Empty));
        assert_eq!(Key::parse("   "), Err(KeyError::Empty));
        assert_eq!(Key::parse("a-very-long-key-name"), Err(KeyError::TooLong));
        assert_eq!(Key::parse("a\tb"), Err(KeyError::ControlCharacter));
        assert_eq!(k("user:1").hash(), hash_key("user:1"));
    }
}
