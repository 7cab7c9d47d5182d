//! Python's view of a synapse, reproduced where the wire depends on it: JSON as `json.loads`
//! reads it, the field types a pydantic synapse class declares, and the `str()` of a validated
//! value that the Synapse protocol's body hash covers.

mod json;
mod printable;
mod repr;
mod serde;
mod types;

pub use self::serde::{from_json, to_json, SerdeError};
pub use json::{parse, Json, JsonError, Style};
pub use repr::{field_str, py_float, str_repr, Invalid};
pub use types::{Field, Model, PyBytes, PyField, PyType, StrEnum};

impl Json {
    /// A serde_json value as the same JSON (serde_json keeps integers within 64 bits exact).
    pub fn from_value(value: &serde_json::Value) -> Self {
        use serde_json::Value;
        match value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) if n.is_f64() => Json::Float(n.as_f64().unwrap_or(f64::NAN)),
            Value::Number(n) => Json::Int(n.to_string()),
            Value::String(s) => Json::Str(s.clone()),
            Value::Array(items) => Json::Array(items.iter().map(Json::from_value).collect()),
            Value::Object(map) => Json::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), Json::from_value(v)))
                    .collect(),
            ),
        }
    }
}
