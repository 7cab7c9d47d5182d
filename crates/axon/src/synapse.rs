//! What travels: a synapse (a typed request that comes back with its outputs filled in), the
//! terminal info of both ends, and the headers of the Synapse protocol.

use crate::python::{field_str, Field, Invalid, Json, PyType};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
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

/// The whole request body: the protocol's fields around the synapse's own, in the order
/// Python's dendrite writes them.
pub(crate) fn envelope(
    synapse: &Json,
    name: &str,
    timeout: f64,
    dendrite: &TerminalInfo,
    axon: &TerminalInfo,
) -> Json {
    let terminal = |info: &TerminalInfo| crate::python::to_json(info).unwrap_or(Json::Null);
    let mut body = vec![
        ("name".to_string(), Json::Str(name.to_string())),
        ("timeout".to_string(), Json::Float(timeout)),
        ("total_size".to_string(), Json::Int("0".into())),
        ("header_size".to_string(), Json::Int("0".into())),
        ("dendrite".to_string(), terminal(dendrite)),
        ("axon".to_string(), terminal(axon)),
        ("computed_body_hash".to_string(), Json::Str(String::new())),
    ];
    if let Json::Object(fields) = synapse {
        for (key, value) in fields {
            match body.iter_mut().find(|(k, _)| k == key) {
                Some(entry) => entry.1 = value.clone(),
                None => body.push((key.clone(), value.clone())),
            }
        }
    }
    Json::Object(body)
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

/// The JSON text of an empty value of the same type (Python's `json.dumps(type(value)())`), as
/// Python's `bt_header_input_obj_*` headers carry for each required input field.
pub(crate) fn placeholder(value: &Json) -> Option<&'static str> {
    Some(match value {
        Json::Null => return None,
        Json::Bool(_) => "false",
        Json::Int(_) => "0",
        Json::Float(_) => "0.0",
        Json::Str(_) => "\"\"",
        Json::Array(_) => "[]",
        Json::Object(_) => "{}",
    })
}
