//! The Synapse protocol's body hash, which hashes Python's `str()` of each field, so Python's
//! formatting rules are reproduced here exactly for JSON values: `None`, `True`, single-quoted
//! strings inside containers, `', '` and `': '` separators, and float `repr`.

use serde_json::Value;
use sha3::{Digest, Sha3_256};

/// Lowercase hex of SHA3-256 of `text`'s UTF-8.
pub fn sha3_hex(text: &str) -> String {
    hex::encode(Sha3_256::digest(text.as_bytes()))
}

/// The body hash of `body` (a synapse as JSON) over `fields`, in order:
/// `H(H(str(v1)) ‖ H(str(v2)) ‖ …)`; a missing field counts as `None`.
pub fn body_hash(body: &Value, fields: &[&str]) -> String {
    let mut joined = String::with_capacity(64 * fields.len());
    for field in fields {
        let value = body.get(field).unwrap_or(&Value::Null);
        joined.push_str(&sha3_hex(&py_str(value)));
    }
    sha3_hex(&joined)
}

/// The body hash of a request body exactly as received, over `fields`: dictionaries are
/// written in the order their keys arrive, as Python's `str()` writes a dict parsed from the
/// same text (a parsed [`Value`] has sorted keys). `None` when the body is not a JSON object.
///
/// Integers beyond 64 bits are read as floats, so a field holding one hashes differently from
/// Python's; such a request fails verification rather than being misread.
pub fn received_body_hash(body: &[u8], fields: &[&str]) -> Option<String> {
    let Fields(received) = serde_json::from_slice(body).ok()?;
    let mut joined = String::with_capacity(64 * fields.len());
    for field in fields {
        let text = received.get(*field).map_or("None", String::as_str);
        joined.push_str(&sha3_hex(text));
    }
    Some(sha3_hex(&joined))
}

/// A body's top-level fields with Python's `str()` of each value.
struct Fields(std::collections::HashMap<String, String>);

impl<'de> serde::Deserialize<'de> for Fields {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Fields;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Fields, A::Error> {
                let mut fields = std::collections::HashMap::new();
                // At the top level `str()` of a string is the string itself, and of anything
                // else its `repr()`: the text either way.
                while let Some((key, Repr { text, .. })) = map.next_entry::<String, Repr>()? {
                    fields.insert(key, text);
                }
                Ok(Fields(fields))
            }
        }
        d.deserialize_map(Visit)
    }
}

/// Python's `repr()` of a JSON value, written as it is parsed; for a string, also the raw text.
struct Repr {
    text: String,
    is_str: bool,
}

impl<'de> serde::Deserialize<'de> for Repr {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ReprVisitor)
    }
}

struct ReprVisitor;

fn other(text: String) -> Repr {
    Repr {
        text,
        is_str: false,
    }
}

impl<'de> serde::de::Visitor<'de> for ReprVisitor {
    type Value = Repr;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Repr, E> {
        Ok(other("None".into()))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Repr, E> {
        Ok(other(if v { "True" } else { "False" }.into()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Repr, E> {
        Ok(other(v.to_string()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Repr, E> {
        Ok(other(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Repr, E> {
        Ok(other(py_float(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Repr, E> {
        Ok(Repr {
            text: v.to_string(),
            is_str: true,
        })
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Repr, A::Error> {
        let mut out = String::from("[");
        let mut first = true;
        while let Some(item) = seq.next_element::<Repr>()? {
            if !first {
                out.push_str(", ");
            }
            first = false;
            item.write_repr(&mut out);
        }
        out.push(']');
        Ok(other(out))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Repr, A::Error> {
        let mut out = String::from("{");
        let mut first = true;
        while let Some((key, item)) = map.next_entry::<String, Repr>()? {
            if !first {
                out.push_str(", ");
            }
            first = false;
            py_str_repr(&key, &mut out);
            out.push_str(": ");
            item.write_repr(&mut out);
        }
        out.push('}');
        Ok(other(out))
    }
}

impl Repr {
    /// `repr()` inside a container: strings quoted, everything else as written.
    fn write_repr(&self, out: &mut String) {
        if self.is_str {
            py_str_repr(&self.text, out);
        } else {
            out.push_str(&self.text);
        }
    }
}

/// Python's `str(value)` for a value parsed from JSON.
pub fn py_str(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => {
            let mut out = String::new();
            py_repr(other, &mut out);
            out
        }
    }
}

fn py_repr(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("None"),
        Value::Bool(true) => out.push_str("True"),
        Value::Bool(false) => out.push_str("False"),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                out.push_str(&i.to_string());
            } else if let Some(u) = n.as_u64() {
                out.push_str(&u.to_string());
            } else {
                out.push_str(&py_float(n.as_f64().unwrap_or(f64::NAN)));
            }
        }
        Value::String(s) => py_str_repr(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                py_repr(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                py_str_repr(key, out);
                out.push_str(": ");
                py_repr(item, out);
            }
            out.push('}');
        }
    }
}

/// Python's `repr(float)`: the shortest digits that round-trip, in positional notation for
/// exponents from -4 to 15 and scientific notation (`1e-05`, `1e+16`) otherwise.
pub fn py_float(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if x == 0.0 {
        return if x.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "d.ddde±x".
    let sci = format!("{x:e}");
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if negative { "-" } else { "" };
    if (-4..16).contains(&exponent) {
        let point = exponent + 1;
        let text = if point <= 0 {
            format!("0.{}{}", "0".repeat((-point) as usize), digits)
        } else if point as usize >= digits.len() {
            format!("{}{}.0", digits, "0".repeat(point as usize - digits.len()))
        } else {
            let (whole, frac) = digits.split_at(point as usize);
            format!("{whole}.{frac}")
        };
        format!("{sign}{text}")
    } else {
        let (first, rest) = digits.split_at(1);
        let mantissa = if rest.is_empty() {
            first.to_string()
        } else {
            format!("{first}.{rest}")
        };
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        format!("{sign}{mantissa}e{exp_sign}{:02}", exponent.abs())
    }
}

/// Python's `repr(str)`: single quotes unless the text has a single quote and no double quote.
fn py_str_repr(s: &str, out: &mut String) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if (0x80..0xa0).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn test_the_specs_vectors() {
        assert_eq!(
            body_hash(&json!({"dummy_input": 7}), &["dummy_input"]),
            "2792065dc8ce849c2fd6bac2c0189934746b514c4a2b273d8381b60a0dc253fb"
        );
        assert_eq!(
            body_hash(&json!({"dummy_input": 5}), &["dummy_input"]),
            "4fae6364bdbf7a0def40e782ea7656d4bc96dd42a6eaf71d62b977d74e733ecf"
        );
        let body = json!({"a": [1, 2, 3], "b": {"k": 1.5, "z": null}, "c": "hi"});
        assert_eq!(py_str(&body["b"]), "{'k': 1.5, 'z': None}");
        assert_eq!(
            body_hash(&body, &["a", "b", "c"]),
            "4c9f9de45077345321cf48f1df190380201c0af5108050f589778ff999aec143"
        );
        assert_eq!(
            body_hash(&json!({}), &[]),
            "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"
        );
    }

    #[test]
    fn test_python_float_repr() {
        // python3 -c 'print([repr(x) for x in (1.0, 0.1, 1e-05, 0.0001, 1e16, 123456789012345.6, -2.5, 1.5e300, 3.0e-7)])'
        let cases = [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (1e-05, "1e-05"),
            (0.0001, "0.0001"),
            (1e16, "1e+16"),
            (123456789012345.6, "123456789012345.6"),
            (-2.5, "-2.5"),
            (1.5e300, "1.5e+300"),
            (3.0e-7, "3e-07"),
            (1e15, "1000000000000000.0"),
        ];
        for (x, repr) in cases {
            assert_eq!(py_float(x), repr, "{x}");
        }
    }

    #[test]
    fn test_python_str_repr_quotes_and_escapes() {
        // python3 -c "print(str(['a', \"it's\", 'say \"hi\"', 'tab\t', True, None]))"
        let value = json!(["a", "it's", "say \"hi\"", "tab\t", true, null]);
        assert_eq!(
            py_str(&value),
            r#"['a', "it's", 'say "hi"', 'tab\t', True, None]"#
        );
        assert_eq!(py_str(&json!("top level")), "top level");
    }

    #[test]
    fn test_received_bodies_hash_their_dicts_in_arrival_order() {
        // Python's str(json.loads(...)) of the dict below, checked with CPython 3.11.
        let text = r#"{"d": {"b": 1, "a": [1.5, "x", null, true, {"z": 0, "y": "it's"}]}, "s": "plain", "n": -3}"#;
        let expected = sha3_hex(&format!(
            "{}{}{}{}",
            sha3_hex(r#"{'b': 1, 'a': [1.5, 'x', None, True, {'z': 0, 'y': "it's"}]}"#),
            sha3_hex("plain"),
            sha3_hex("-3"),
            sha3_hex("None"),
        ));
        assert_eq!(
            received_body_hash(text.as_bytes(), &["d", "s", "n", "missing"]).as_deref(),
            Some(expected.as_str())
        );
        // Without dicts the order cannot matter: the same as hashing the parsed value.
        let body = json!({"a": [1, 2, 3], "c": "hi", "f": 0.1, "t": [true, null, "q'"]});
        let fields = ["a", "c", "f", "t"];
        assert_eq!(
            received_body_hash(body.to_string().as_bytes(), &fields),
            Some(body_hash(&body, &fields))
        );
        assert_eq!(received_body_hash(b"[1, 2]", &fields), None);
        assert_eq!(received_body_hash(b"{\"a\": ", &fields), None);
    }
}
