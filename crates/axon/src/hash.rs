//! The Synapse protocol's body hash: `H(H(str(v1)) ‖ H(str(v2)) ‖ …)` over the synapse's hashed
//! fields, SHA3-256 in lowercase hex, where `str(v)` is Python's text of the field's value
//! after pydantic has validated it (see [`crate::python`]).

use crate::python::{field_str, Field, Invalid, Json};
use sha3::{Digest, Sha3_256};

/// Lowercase hex of SHA3-256 of `text`'s UTF-8.
pub fn sha3_hex(text: &str) -> String {
    crate::auth::hex_string(&Sha3_256::digest(text.as_bytes()))
}

/// The body hash of `body` (the synapse's fields as JSON) over `hashed`, in order; an error
/// where the Python axon's validation would refuse a value.
pub fn body_hash(body: &Json, hashed: &[Field]) -> Result<String, Invalid> {
    let mut joined = String::with_capacity(64 * hashed.len());
    for field in hashed {
        joined.push_str(&sha3_hex(&field_str(body.get(&field.name), field)?));
    }
    Ok(sha3_hex(&joined))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::{parse, PyType};

    fn untyped(name: &str) -> Field {
        Field {
            name: name.into(),
            ty: PyType::Any,
            default: Some("null".into()),
        }
    }

    #[test]
    fn test_the_specs_vectors() {
        let hash = |json: &str, fields: &[&str]| {
            let fields: Vec<Field> = fields.iter().map(|f| untyped(f)).collect();
            body_hash(&parse(json.as_bytes()).unwrap(), &fields).unwrap()
        };
        assert_eq!(
            hash(r#"{"dummy_input": 7}"#, &["dummy_input"]),
            "2792065dc8ce849c2fd6bac2c0189934746b514c4a2b273d8381b60a0dc253fb"
        );
        assert_eq!(
            hash(r#"{"dummy_input": 5}"#, &["dummy_input"]),
            "4fae6364bdbf7a0def40e782ea7656d4bc96dd42a6eaf71d62b977d74e733ecf"
        );
        assert_eq!(
            hash(
                r#"{"a": [1, 2, 3], "b": {"k": 1.5, "z": null}, "c": "hi"}"#,
                &["a", "b", "c"]
            ),
            "4c9f9de45077345321cf48f1df190380201c0af5108050f589778ff999aec143"
        );
        assert_eq!(
            hash("{}", &[]),
            "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"
        );
    }

    #[test]
    fn test_dicts_hash_in_arrival_order() {
        // Python's str(json.loads(...)) of the dict below, checked with CPython 3.11.
        let text = r#"{"d": {"b": 1, "a": [1.5, "x", null, true, {"z": 0, "y": "it's"}]}, "s": "plain", "n": -3}"#;
        let expected = sha3_hex(&format!(
            "{}{}{}{}",
            sha3_hex(r#"{'b': 1, 'a': [1.5, 'x', None, True, {'z': 0, 'y': "it's"}]}"#),
            sha3_hex("plain"),
            sha3_hex("-3"),
            sha3_hex("None"),
        ));
        let fields: Vec<Field> = ["d", "s", "n", "missing"].map(untyped).to_vec();
        assert_eq!(
            body_hash(&parse(text.as_bytes()).unwrap(), &fields).unwrap(),
            expected
        );
    }
}
