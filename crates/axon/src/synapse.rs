//! What travels: a synapse (a typed request that comes back with its outputs filled in), the
//! terminal info of both ends, and the headers of the Synapse protocol.

use crate::python::{field_str, Field, Invalid, Json, PyType};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use serde_json::{Map, Value};
use std::any::TypeId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// A kind of request a miner answers. Its JSON fields are the subnet's inputs and outputs; the
/// protocol's own fields (`name`, `timeout`, `dendrite`, `axon`, …) are added around them.
///
/// [`Synapse::fields`] declares the Python types of the fields, as the subnet's pydantic class
/// does: the body hash covers each hashed field's value as pydantic validates it (a `float`
/// field sent as `3` is hashed as `3.0`), and an axon refuses a request whose fields pydantic
/// would refuse, as the Python axon does.
pub trait Synapse: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The Python class name; the route is `/NAME`.
    const NAME: &'static str;
    /// The fields the body hash covers, in order (Python's `required_hash_fields`).
    const HASH_FIELDS: &'static [&'static str] = &[];

    /// The declared fields with their Python types, e.g.
    /// `vec![Field::of::<i64>("input"), Field::of::<Option<Vec<f64>>>("output")]`. Without
    /// them (the default) each hashed field is hashed as its JSON reads, which matches Python
    /// only where pydantic changes nothing.
    fn fields() -> Vec<Field> {
        Vec::new()
    }
}

/// What the wire needs of a synapse type, worked out once per type.
#[derive(Debug)]
pub(crate) struct Schema {
    /// The declared fields (empty when the type declares none).
    pub(crate) fields: Vec<Field>,
    /// The hashed fields, in hash order.
    pub(crate) hashed: Vec<Field>,
}

impl Schema {
    pub(crate) fn of<S: Synapse>() -> Arc<Schema> {
        static SCHEMAS: OnceLock<Mutex<HashMap<TypeId, Arc<Schema>>>> = OnceLock::new();
        let mut schemas = SCHEMAS
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        schemas
            .entry(TypeId::of::<S>())
            .or_insert_with(|| {
                let fields = S::fields();
                let hashed = S::HASH_FIELDS
                    .iter()
                    .map(|name| {
                        fields
                            .iter()
                            .find(|f| f.name == *name)
                            .cloned()
                            .unwrap_or(Field {
                                name: (*name).to_string(),
                                ty: PyType::Any,
                                default: Some("null".into()),
                            })
                    })
                    .collect();
                Arc::new(Schema { fields, hashed })
            })
            .clone()
    }

    /// Checks every declared field of `body` as pydantic would, so that a request the Python
    /// class refuses is refused here too.
    pub(crate) fn validate(&self, body: &Json) -> Result<(), Invalid> {
        for field in &self.fields {
            field_str(body.get(&field.name), field)?;
        }
        Ok(())
    }
}

/// One end of a call as the protocol describes it (Python's `TerminalInfo`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TerminalInfo {
    /// HTTP-like status of the call.
    pub status_code: Option<u16>,
    /// Readable status.
    pub status_message: Option<String>,
    /// Seconds the axon spent.
    pub process_time: Option<f64>,
    /// Address.
    pub ip: Option<String>,
    /// Port.
    pub port: Option<u16>,
    /// SDK version as major·10⁶ + minor·10³ + patch.
    pub version: Option<u64>,
    /// Nanoseconds since the Unix epoch when the request was built.
    pub nonce: Option<u64>,
    /// The sender's instance id.
    pub uuid: Option<String>,
    /// SS58 hotkey.
    pub hotkey: Option<String>,
    /// `0x`-hex signature.
    pub signature: Option<String>,
}

/// The protocol version this crate speaks, as Python's dendrite reports it (10.5.0).
pub const VERSION: u64 = 10_005_000;

/// The whole request body: the protocol's fields around the synapse's own.
pub(crate) fn envelope(
    synapse: &Value,
    name: &str,
    timeout: f64,
    dendrite: &TerminalInfo,
    axon: &TerminalInfo,
) -> Value {
    let mut body = Map::new();
    body.insert("name".into(), Value::from(name));
    body.insert("timeout".into(), Value::from(timeout));
    body.insert("total_size".into(), Value::from(0));
    body.insert("header_size".into(), Value::from(0));
    body.insert(
        "dendrite".into(),
        serde_json::to_value(dendrite).unwrap_or(Value::Null),
    );
    body.insert(
        "axon".into(),
        serde_json::to_value(axon).unwrap_or(Value::Null),
    );
    body.insert("computed_body_hash".into(), Value::from(""));
    if let Value::Object(fields) = synapse {
        for (key, value) in fields {
            body.insert(key.clone(), value.clone());
        }
    }
    Value::Object(body)
}

/// The protocol's own top-level fields, which are not the synapse's.
pub(crate) const PROTOCOL_FIELDS: [&str; 7] = [
    "name",
    "timeout",
    "total_size",
    "header_size",
    "dendrite",
    "axon",
    "computed_body_hash",
];

/// A placeholder JSON value of the same type, as Python's `bt_header_input_obj_*` headers
/// carry for each input field.
pub(crate) fn placeholder(value: &Value) -> Option<Value> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(_) => Value::Bool(false),
        Value::Number(n) if n.is_f64() => Value::from(0.0),
        Value::Number(_) => Value::from(0),
        Value::String(_) => Value::from(""),
        Value::Array(_) => Value::Array(Vec::new()),
        Value::Object(_) => Value::Object(Map::new()),
    })
}
