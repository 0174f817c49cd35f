//! One description of a protocol's configuration fields (stateright's "one value per
//! model"): each field's key, what it holds and its range, with a getter and a setter.
//! `validate` checks the ranges from it, the labs build their settings panels and apply
//! edits through it, and a test compares each protocol's documented table with it, so a
//! range is written once.

use super::{check_range, ConfigError};

/// What a field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// A whole number in `min..=max`.
    Number { min: u64, max: u64 },
    /// On or off (1 or 0).
    Toggle,
    /// One of several options, by index; the names are the scenario's.
    Choice { options: &'static [&'static str] },
}

/// A whole number in `min..=max`.
pub const fn number(min: u64, max: u64) -> FieldKind {
    FieldKind::Number { min, max }
}

/// On or off.
pub const TOGGLE: FieldKind = FieldKind::Toggle;

/// One configuration field, read and written as a number (a toggle as 0 or 1, a choice
/// as its option's index).
pub struct Field<C: 'static> {
    pub key: &'static str,
    pub kind: FieldKind,
    pub get: fn(&C) -> u64,
    pub set: fn(&mut C, u64),
}

impl<C> Field<C> {
    /// Sets the field, unless `value` is not one of a choice's options (numbers are
    /// checked by `validate`, so that the page can say why).
    pub fn apply(&self, cfg: &mut C, value: u64) -> bool {
        if let FieldKind::Choice { options } = self.kind {
            if value >= options.len() as u64 {
                return false;
            }
        }
        (self.set)(cfg, value);
        true
    }
}

/// A configuration described field by field (use the [`schema!`](crate::schema) macro).
pub trait Schema: Sized + 'static {
    const FIELDS: &'static [Field<Self>];

    fn field(key: &str) -> Option<&'static Field<Self>> {
        Self::FIELDS.iter().find(|f| f.key == key)
    }

    /// Every number within its range (a protocol's `validate` adds the rules that
    /// relate fields to each other).
    fn check_ranges(&self) -> Result<(), ConfigError> {
        for f in Self::FIELDS {
            if let FieldKind::Number { min, max } = f.kind {
                check_range(f.key, (f.get)(self), min, max)?;
            }
        }
        Ok(())
    }
}

/// A field's Rust type, seen as the number the schema reads and writes (saturating).
pub trait Num: Copy {
    fn to_u64(self) -> u64;
    fn from_u64(v: u64) -> Self;
}

impl Num for u64 {
    fn to_u64(self) -> u64 {
        self
    }
    fn from_u64(v: u64) -> Self {
        v
    }
}

impl Num for u32 {
    fn to_u64(self) -> u64 {
        u64::from(self)
    }
    fn from_u64(v: u64) -> Self {
        u32::try_from(v).unwrap_or(u32::MAX)
    }
}

impl Num for u16 {
    fn to_u64(self) -> u64 {
        u64::from(self)
    }
    fn from_u64(v: u64) -> Self {
        u16::try_from(v).unwrap_or(u16::MAX)
    }
}

impl Num for bool {
    fn to_u64(self) -> u64 {
        u64::from(self)
    }
    fn from_u64(v: u64) -> Self {
        v != 0
    }
}

/// Describes a configuration struct's fields, in the order the settings panel lists
/// them: `schema!(Config { servers: number(3, 7), pre_vote: TOGGLE })`.
#[macro_export]
macro_rules! schema {
    ($cfg:ty { $($key:ident : $kind:expr),* $(,)? }) => {
        impl $crate::sim::schema::Schema for $cfg {
            const FIELDS: &'static [$crate::sim::schema::Field<$cfg>] = &[
                $($crate::sim::schema::Field {
                    key: stringify!($key),
                    kind: $kind,
                    get: |c: &$cfg| $crate::sim::schema::Num::to_u64(c.$key),
                    set: |c: &mut $cfg, v: u64| c.$key = $crate::sim::schema::Num::from_u64(v),
                }),*
            ];
        }
    };
}
