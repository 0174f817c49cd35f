//! The tag of an internally tagged enum (`#[serde(tag = "note")]`): the variant's name
//! as serialized, read by a serializer that stops as soon as it has seen it. Matching a
//! note by name this way costs far less code than building the whole value.

use serde::ser::{self, Impossible, Serialize, SerializeMap, SerializeStruct};
use std::fmt;

/// How the search ends: the tag, or nothing (not a tagged struct or map).
#[derive(Debug)]
struct Done(Option<String>);

impl fmt::Display for Done {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}
impl std::error::Error for Done {}
impl ser::Error for Done {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Done(None)
    }
}

/// The value of `key` in `value` serialized as a struct or a map, if it is a string.
pub fn tag_of<T: Serialize + ?Sized>(value: &T, key: &str) -> Option<String> {
    match value.serialize(Finder { key, last: None }) {
        Ok(()) => None,
        Err(Done(found)) => found,
    }
}

struct Finder<'a> {
    key: &'a str,
    /// The key a map entry's value belongs to.
    last: Option<String>,
}

/// Everything but a struct or a map ends the search empty-handed.
macro_rules! nothing {
    ($($name:ident($($arg:ty),*)),* $(,)?) => {
        $(fn $name(self, $(_: $arg),*) -> Result<Self::Ok, Self::Error> { Err(Done(None)) })*
    };
}

/// Every other scalar, and every compound but a struct or a map, ends it too.
macro_rules! nothing_else {
    () => {
        nothing!(
            serialize_bool(bool),
            serialize_i8(i8),
            serialize_i16(i16),
            serialize_i32(i32),
            serialize_i64(i64),
            serialize_u8(u8),
            serialize_u16(u16),
            serialize_u32(u32),
            serialize_u64(u64),
            serialize_f32(f32),
            serialize_f64(f64),
            serialize_char(char),
            serialize_bytes(&[u8]),
            serialize_none(),
            serialize_unit(),
            serialize_unit_struct(&'static str),
            serialize_unit_variant(&'static str, u32, &'static str),
        );
        fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<Self::Ok, Done> {
            Err(Done(None))
        }
        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<Self::Ok, Done> {
            Err(Done(None))
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Done> {
            Err(Done(None))
        }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Done> {
            Err(Done(None))
        }
        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleStruct, Done> {
            Err(Done(None))
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, Done> {
            Err(Done(None))
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, Done> {
            Err(Done(None))
        }
    };
}

impl<'a> ser::Serializer for Finder<'a> {
    type Ok = ();
    type Error = Done;
    type SerializeSeq = Impossible<(), Done>;
    type SerializeTuple = Impossible<(), Done>;
    type SerializeTupleStruct = Impossible<(), Done>;
    type SerializeTupleVariant = Impossible<(), Done>;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), Done>;
    nothing!(serialize_str(&str));
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), Done> {
        v.serialize(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, Done> {
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Done> {
        Ok(self)
    }
    nothing_else!();
}

impl SerializeStruct for Finder<'_> {
    type Ok = ();
    type Error = Done;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Done> {
        if key == self.key {
            return Err(Done(v.serialize(Text).ok()));
        }
        Ok(())
    }
    fn end(self) -> Result<(), Done> {
        Err(Done(None))
    }
}

impl SerializeMap for Finder<'_> {
    type Ok = ();
    type Error = Done;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Result<(), Done> {
        self.last = k.serialize(Text).ok();
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Done> {
        if self.last.as_deref() == Some(self.key) {
            return Err(Done(v.serialize(Text).ok()));
        }
        Ok(())
    }
    fn end(self) -> Result<(), Done> {
        Err(Done(None))
    }
}

/// A string, or nothing.
struct Text;

impl ser::Serializer for Text {
    type Ok = String;
    type Error = Done;
    type SerializeSeq = Impossible<String, Done>;
    type SerializeTuple = Impossible<String, Done>;
    type SerializeTupleStruct = Impossible<String, Done>;
    type SerializeTupleVariant = Impossible<String, Done>;
    type SerializeMap = Impossible<String, Done>;
    type SerializeStruct = Impossible<String, Done>;
    type SerializeStructVariant = Impossible<String, Done>;
    fn serialize_str(self, v: &str) -> Result<String, Done> {
        Ok(v.to_string())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<String, Done> {
        v.serialize(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Done> {
        Err(Done(None))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Done> {
        Err(Done(None))
    }
    nothing_else!();
}

#[cfg(test)]
mod tests {
    use super::tag_of;
    use serde::Serialize;

    #[derive(Serialize)]
    struct Inner {
        n: u32,
    }
    #[derive(Serialize)]
    #[serde(tag = "note", rename_all = "snake_case")]
    enum Note {
        Quiet,
        DecidedCommit { txn: u32, logged: bool },
        Wrapped(Inner),
    }

    #[test]
    fn the_tag_of_every_kind_of_variant_is_read() {
        assert_eq!(tag_of(&Note::Quiet, "note").as_deref(), Some("quiet"));
        let d = Note::DecidedCommit {
            txn: 1,
            logged: true,
        };
        assert_eq!(tag_of(&d, "note").as_deref(), Some("decided_commit"));
        assert_eq!(
            tag_of(&Note::Wrapped(Inner { n: 2 }), "note").as_deref(),
            Some("wrapped")
        );
        assert_eq!(tag_of(&d, "kind"), None);
        assert_eq!(tag_of(&3u32, "note"), None);
    }
}
