//! Typed values to and from [`Json`]: a synapse is read from a body as pydantic reads it (an
//! `i64` field takes `7.0` or `"7"`, an `f64` field takes `NaN`), and written with its
//! non-finite floats and large integers intact, which serde_json cannot do.

use super::json::Json;
use super::repr::{boolean, float, int, int_text, Invalid};
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};
use serde::ser::{self, Serialize};

/// Why a value could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SerdeError(String);

impl de::Error for SerdeError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

impl ser::Error for SerdeError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

impl From<Invalid> for SerdeError {
    fn from(e: Invalid) -> Self {
        Self(e.0)
    }
}

/// Reads a `T` from `json`, converting scalars as pydantic's lax mode does.
pub fn from_json<'de, T: serde::Deserialize<'de>>(json: &'de Json) -> Result<T, SerdeError> {
    T::deserialize(json)
}

/// Writes `value` as [`Json`].
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<Json, SerdeError> {
    value.serialize(Writer)
}

macro_rules! integer {
    ($($method:ident $visit:ident $ty:ty),*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
            let digits = int(self)?;
            let n: $ty = digits
                .parse()
                .map_err(|_| SerdeError(format!("{digits} does not fit in {}", stringify!($ty))))?;
            visitor.$visit(n)
        })*
    };
}

impl<'de> de::Deserializer<'de> for &'de Json {
    type Error = SerdeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
        match self {
            Json::Null => visitor.visit_unit(),
            Json::Bool(b) => visitor.visit_bool(*b),
            Json::Int(digits) => {
                if let Ok(n) = digits.parse::<i64>() {
                    visitor.visit_i64(n)
                } else if let Ok(n) = digits.parse::<u64>() {
                    visitor.visit_u64(n)
                } else if let Ok(n) = digits.parse::<i128>() {
                    visitor.visit_i128(n)
                } else if let Ok(n) = digits.parse::<u128>() {
                    visitor.visit_u128(n)
                } else {
                    visitor.visit_f64(digits.parse().unwrap_or(f64::NAN))
                }
            }
            Json::Float(x) => visitor.visit_f64(*x),
            Json::Str(s) => visitor.visit_borrowed_str(s),
            Json::Array(items) => visitor.visit_seq(Items(items.iter())),
            Json::Object(entries) => visitor.visit_map(Entries {
                entries: entries.iter(),
                value: None,
            }),
        }
    }

    integer!(
        deserialize_i8 visit_i8 i8, deserialize_i16 visit_i16 i16, deserialize_i32 visit_i32 i32,
        deserialize_i64 visit_i64 i64, deserialize_i128 visit_i128 i128,
        deserialize_u8 visit_u8 u8, deserialize_u16 visit_u16 u16, deserialize_u32 visit_u32 u32,
        deserialize_u64 visit_u64 u64, deserialize_u128 visit_u128 u128
    );

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
        #[allow(clippy::cast_possible_truncation)]
        visitor.visit_f32(float(self)? as f32)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
        visitor.visit_f64(float(self)?)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
        visitor.visit_bool(boolean(self)?)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
        match self {
            Json::Null => visitor.visit_none(),
            other => visitor.visit_some(other),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, SerdeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, SerdeError> {
        match self {
            Json::Str(s) => visitor.visit_enum(s.as_str().into_deserializer()),
            Json::Object(entries) if entries.len() == 1 => visitor.visit_enum(Variant(&entries[0])),
            _ => Err(SerdeError(
                "expected an enum: a string or an object of one key".into(),
            )),
        }
    }

    serde::forward_to_deserialize_any! {
        char str string bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
        identifier ignored_any
    }
}

struct Items<'de>(std::slice::Iter<'de, Json>);

impl<'de> de::SeqAccess<'de> for Items<'de> {
    type Error = SerdeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, SerdeError> {
        self.0.next().map(|item| seed.deserialize(item)).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Entries<'de> {
    entries: std::slice::Iter<'de, (String, Json)>,
    value: Option<&'de Json>,
}

impl<'de> de::MapAccess<'de> for Entries<'de> {
    type Error = SerdeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, SerdeError> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(Key(key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, SerdeError> {
        let value = self
            .value
            .take()
            .ok_or_else(|| SerdeError("a value without its key".into()))?;
        seed.deserialize(value)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// An object's key: text, or a number written as text (`Dict[int, …]`).
struct Key<'de>(&'de str);

macro_rules! key_integer {
    ($($method:ident $visit:ident $ty:ty),*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
            let digits = int_text(self.0)?;
            let n: $ty = digits
                .parse()
                .map_err(|_| SerdeError(format!("{digits} does not fit in {}", stringify!($ty))))?;
            visitor.$visit(n)
        })*
    };
}

impl<'de> de::Deserializer<'de> for Key<'de> {
    type Error = SerdeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
        visitor.visit_borrowed_str(self.0)
    }

    key_integer!(
        deserialize_i8 visit_i8 i8, deserialize_i16 visit_i16 i16, deserialize_i32 visit_i32 i32,
        deserialize_i64 visit_i64 i64, deserialize_i128 visit_i128 i128,
        deserialize_u8 visit_u8 u8, deserialize_u16 visit_u16 u16, deserialize_u32 visit_u32 u32,
        deserialize_u64 visit_u64 u64, deserialize_u128 visit_u128 u128
    );

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, SerdeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, SerdeError> {
        visitor.visit_enum(self.0.into_deserializer())
    }

    serde::forward_to_deserialize_any! {
        bool f32 f64 char str string bytes byte_buf option unit unit_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

/// An enum written as `{"Variant": value}`.
struct Variant<'de>(&'de (String, Json));

impl<'de> de::EnumAccess<'de> for Variant<'de> {
    type Error = SerdeError;
    type Variant = &'de Json;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, &'de Json), SerdeError> {
        let (name, value) = self.0;
        let name = seed.deserialize(Key(name))?;
        Ok((name, value))
    }
}

impl<'de> de::VariantAccess<'de> for &'de Json {
    type Error = SerdeError;

    fn unit_variant(self) -> Result<(), SerdeError> {
        match self {
            Json::Null => Ok(()),
            _ => Err(SerdeError("expected a unit variant".into())),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, SerdeError> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, SerdeError> {
        de::Deserializer::deserialize_seq(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, SerdeError> {
        de::Deserializer::deserialize_map(self, visitor)
    }
}

/// Serializes into [`Json`], shaped as serde_json shapes values (maps' keys as text, enums as
/// their name or `{"Variant": value}`), but keeping every float and integer as it is.
struct Writer;

/// Integers keep every digit.
macro_rules! integers {
    ($($method:ident $ty:ty),*) => {
        $(fn $method(self, v: $ty) -> Result<Json, SerdeError> {
            Ok(Json::Int(v.to_string()))
        })*
    };
}

impl ser::Serializer for Writer {
    type Ok = Json;
    type Error = SerdeError;
    type SerializeSeq = Seq;
    type SerializeTuple = Seq;
    type SerializeTupleStruct = Seq;
    type SerializeTupleVariant = Tagged<Seq>;
    type SerializeMap = Map;
    type SerializeStruct = Map;
    type SerializeStructVariant = Tagged<Map>;

    fn serialize_bool(self, v: bool) -> Result<Json, SerdeError> {
        Ok(Json::Bool(v))
    }
    integers!(
        serialize_i8 i8, serialize_i16 i16, serialize_i32 i32, serialize_i64 i64,
        serialize_i128 i128, serialize_u8 u8, serialize_u16 u16, serialize_u32 u32,
        serialize_u64 u64, serialize_u128 u128
    );
    fn serialize_f32(self, v: f32) -> Result<Json, SerdeError> {
        // The f32's own shortest digits, as serde_json writes it, read as the float Python gets.
        Ok(Json::Float(if v.is_finite() {
            v.to_string().parse().unwrap_or(f64::from(v))
        } else {
            f64::from(v)
        }))
    }
    fn serialize_f64(self, v: f64) -> Result<Json, SerdeError> {
        Ok(Json::Float(v))
    }
    fn serialize_char(self, v: char) -> Result<Json, SerdeError> {
        Ok(Json::Str(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Json, SerdeError> {
        Ok(Json::Str(v.to_string()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Json, SerdeError> {
        Ok(Json::Array(
            v.iter().map(|b| Json::Int(b.to_string())).collect(),
        ))
    }
    fn serialize_none(self) -> Result<Json, SerdeError> {
        Ok(Json::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Json, SerdeError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Json, SerdeError> {
        Ok(Json::Null)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Json, SerdeError> {
        Ok(Json::Null)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Json, SerdeError> {
        Ok(Json::Str(variant.to_string()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Json, SerdeError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Json, SerdeError> {
        Ok(Json::Object(vec![(
            variant.to_string(),
            value.serialize(Writer)?,
        )]))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Seq, SerdeError> {
        Ok(Seq(Vec::with_capacity(len.unwrap_or(0))))
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq, SerdeError> {
        Ok(Seq(Vec::with_capacity(len)))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Seq, SerdeError> {
        Ok(Seq(Vec::with_capacity(len)))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Tagged<Seq>, SerdeError> {
        Ok(Tagged(variant, Seq(Vec::with_capacity(len))))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Map, SerdeError> {
        Ok(Map::new(len.unwrap_or(0)))
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Map, SerdeError> {
        Ok(Map::new(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Tagged<Map>, SerdeError> {
        Ok(Tagged(variant, Map::new(len)))
    }
}

struct Seq(Vec<Json>);

impl Seq {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerdeError> {
        self.0.push(value.serialize(Writer)?);
        Ok(())
    }
}

/// Sequences, tuples and tuple structs are all written as arrays.
macro_rules! seq {
    ($($trait:ident $method:ident),*) => {
        $(impl ser::$trait for Seq {
            type Ok = Json;
            type Error = SerdeError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerdeError> {
                self.push(value)
            }
            fn end(self) -> Result<Json, SerdeError> {
                Ok(Json::Array(self.0))
            }
        })*
    };
}

seq!(
    SerializeSeq serialize_element,
    SerializeTuple serialize_element,
    SerializeTupleStruct serialize_field
);

struct Map {
    entries: Vec<(String, Json)>,
    key: Option<String>,
}

impl Map {
    fn new(len: usize) -> Self {
        Self {
            entries: Vec::with_capacity(len),
            key: None,
        }
    }

    fn insert(&mut self, key: String, value: Json) {
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => self.entries.push((key, value)),
        }
    }
}

impl ser::SerializeMap for Map {
    type Ok = Json;
    type Error = SerdeError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), SerdeError> {
        self.key = Some(match key.serialize(Writer)? {
            Json::Str(s) | Json::Int(s) => s,
            Json::Bool(b) => b.to_string(),
            _ => return Err(SerdeError("a map key must be text or an integer".into())),
        });
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerdeError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| SerdeError("a value without its key".into()))?;
        let value = value.serialize(Writer)?;
        self.insert(key, value);
        Ok(())
    }
    fn end(self) -> Result<Json, SerdeError> {
        Ok(Json::Object(self.entries))
    }
}

impl ser::SerializeStruct for Map {
    type Ok = Json;
    type Error = SerdeError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), SerdeError> {
        let value = value.serialize(Writer)?;
        self.insert(key.to_string(), value);
        Ok(())
    }
    fn end(self) -> Result<Json, SerdeError> {
        Ok(Json::Object(self.entries))
    }
}

/// A variant's contents, wrapped as `{"Variant": …}` at the end.
struct Tagged<T>(&'static str, T);

impl ser::SerializeTupleVariant for Tagged<Seq> {
    type Ok = Json;
    type Error = SerdeError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerdeError> {
        self.1.push(value)
    }
    fn end(self) -> Result<Json, SerdeError> {
        Ok(Json::Object(vec![(
            self.0.to_string(),
            Json::Array(self.1 .0),
        )]))
    }
}

impl ser::SerializeStructVariant for Tagged<Map> {
    type Ok = Json;
    type Error = SerdeError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), SerdeError> {
        ser::SerializeStruct::serialize_field(&mut self.1, key, value)
    }
    fn end(self) -> Result<Json, SerdeError> {
        Ok(Json::Object(vec![(
            self.0.to_string(),
            Json::Object(self.1.entries),
        )]))
    }
}
