//! Positional parameters, read one at a time with a message naming the one that is wrong.

use jsonrpsee_types::ErrorObjectOwned;
use jsonrpsee_types::Params;
use plexus_rpc::error::INVALID_PARAMS;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::VecDeque;

/// A method's parameters: a JSON array (or nothing), consumed left to right.
pub(crate) struct Args(VecDeque<Value>);

fn invalid(message: String) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(INVALID_PARAMS, message, None::<()>)
}

impl Args {
    /// Reads the parameters of a method that takes at most `max`.
    pub(crate) fn new(params: &Params<'_>, max: usize) -> Result<Self, ErrorObjectOwned> {
        let values: Vec<Value> = match params.as_str() {
            None => Vec::new(),
            Some(text) => serde_json::from_str(text).map_err(|e| {
                if text.trim_start().starts_with('[') {
                    // The array itself is there; one of its values is not JSON this server
                    // reads, e.g. a number beyond 64 bits.
                    invalid(format!("parameters: {e}"))
                } else {
                    invalid("parameters must be a JSON array (positional parameters)".into())
                }
            })?,
        };
        if values.len() > max {
            return Err(invalid(format!(
                "{} parameters given; this method takes at most {max}",
                values.len()
            )));
        }
        Ok(Self(values.into()))
    }

    /// The next parameter, which must be there.
    pub(crate) fn required<T: DeserializeOwned>(
        &mut self,
        name: &str,
    ) -> Result<T, ErrorObjectOwned> {
        match self.0.pop_front() {
            None | Some(Value::Null) => Err(invalid(format!("missing parameter `{name}`"))),
            Some(value) => serde_json::from_value(value)
                .map_err(|e| invalid(format!("invalid parameter `{name}`: {e}"))),
        }
    }

    /// The next parameter, if given and not `null`.
    pub(crate) fn optional<T: DeserializeOwned>(
        &mut self,
        name: &str,
    ) -> Result<Option<T>, ErrorObjectOwned> {
        match self.0.pop_front() {
            None | Some(Value::Null) => Ok(None),
            Some(value) => serde_json::from_value(value)
                .map(Some)
                .map_err(|e| invalid(format!("invalid parameter `{name}`: {e}"))),
        }
    }
}
