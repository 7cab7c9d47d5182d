//! A field's value as the Python axon hashes it: read from JSON, validated as pydantic does in
//! its lax mode (a float field takes `3` as `3.0`, an int field takes `"7"` as `7`, dictionary
//! keys are converted and merged), then written as Python's `str()` writes it, with `repr()`
//! inside containers (quotes, escapes for what `str.isprintable` rejects, `(1,)`, `b'…'`,
//! `<E.A: 'a'>`).

use super::json::{self, Json};
use super::printable::NOT_PRINTABLE;
use super::types::{Field, PyType, StrEnum};
use std::fmt::Write as _;

/// Why pydantic would refuse a value (the Python axon answers 500).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

fn invalid<T>(why: impl Into<String>) -> Result<T, Invalid> {
    Err(Invalid(why.into()))
}

/// Python's `str()` of `field`'s validated value, `value` as received (`None` when the body
/// does not have the field, which then takes its default).
pub fn field_str(value: Option<&Json>, field: &Field) -> Result<String, Invalid> {
    let mut out = String::new();
    match (value, &field.default) {
        (Some(value), _) => write(value, &field.ty, &mut out, true)?,
        (None, Some(default)) => {
            let default = json::parse(default.as_bytes())
                .map_err(|e| Invalid(format!("{}: default: {e}", field.name)))?;
            write(&default, &field.ty, &mut out, true)?;
        }
        (None, None) => return invalid(format!("{}: Field required", field.name)),
    }
    Ok(out)
}

/// Writes `value` validated as `ty`: `str()` at the top level of a field, `repr()` within.
fn write(value: &Json, ty: &PyType, out: &mut String, top: bool) -> Result<(), Invalid> {
    match ty {
        PyType::Int => out.push_str(&int(value)?),
        PyType::Float => out.push_str(&py_float(float(value)?)),
        PyType::Bool => out.push_str(if boolean(value)? { "True" } else { "False" }),
        PyType::Str => match value {
            Json::Str(s) if top => out.push_str(s),
            Json::Str(s) => str_repr(s, out),
            _ => return invalid("Input should be a valid string"),
        },
        PyType::Bytes => match value {
            Json::Str(s) => bytes_repr(s.as_bytes(), out),
            _ => return invalid("Input should be a valid bytes"),
        },
        PyType::Optional(inner) => match value {
            Json::Null => out.push_str("None"),
            other => write(other, inner, out, top)?,
        },
        PyType::List(item) => {
            let Json::Array(items) = value else {
                return invalid("Input should be a valid list");
            };
            out.push('[');
            sequence(items, |_| item, out)?;
            out.push(']');
        }
        PyType::Tuple(types) => {
            let Json::Array(items) = value else {
                return invalid("Input should be a valid tuple");
            };
            if items.len() != types.len() {
                return invalid(format!(
                    "a tuple of {} items, not {}",
                    types.len(),
                    items.len()
                ));
            }
            tuple(items, |i| &types[i], out)?;
        }
        PyType::TupleOf(item) => {
            let Json::Array(items) = value else {
                return invalid("Input should be a valid tuple");
            };
            tuple(items, |_| item, out)?;
        }
        PyType::Dict(key, item) => dict(value, key, item, out)?,
        PyType::Model(model) => {
            let Json::Object(_) = value else {
                return invalid("Input should be a valid dictionary or instance of the model");
            };
            // Hashed through `model_dump()`: a dict of every field in declaration order.
            out.push('{');
            for (i, field) in model.fields.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                str_repr(&field.name, out);
                out.push_str(": ");
                match (value.get(&field.name), &field.default) {
                    (Some(v), _) => write(v, &field.ty, out, false)?,
                    (None, Some(default)) => {
                        let default = json::parse(default.as_bytes())
                            .map_err(|e| Invalid(format!("{}: default: {e}", field.name)))?;
                        write(&default, &field.ty, out, false)?;
                    }
                    (None, None) => return invalid(format!("{}: Field required", field.name)),
                }
            }
            out.push('}');
        }
        PyType::StrEnum(class) => {
            let (member, text) = enum_member(value, class)?;
            if top {
                let _ = write!(out, "{}.{member}", class.name);
            } else {
                let _ = write!(out, "<{}.{member}: ", class.name);
                str_repr(text, out);
                out.push('>');
            }
        }
        PyType::Any => any(value, out, top),
    }
    Ok(())
}

fn sequence<'t>(
    items: &[Json],
    ty: impl Fn(usize) -> &'t PyType,
    out: &mut String,
) -> Result<(), Invalid> {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write(item, ty(i), out, false)?;
    }
    Ok(())
}

fn tuple<'t>(
    items: &[Json],
    ty: impl Fn(usize) -> &'t PyType,
    out: &mut String,
) -> Result<(), Invalid> {
    out.push('(');
    sequence(items, ty, out)?;
    if items.len() == 1 {
        out.push(',');
    }
    out.push(')');
    Ok(())
}

fn dict(value: &Json, key: &PyType, item: &PyType, out: &mut String) -> Result<(), Invalid> {
    let Json::Object(entries) = value else {
        return invalid("Input should be a valid dictionary");
    };
    // Keys that become equal once converted (`"1"` and `"01"` as ints) merge as Python's dict
    // merges them: the first one's place, the last one's value.
    let mut merged: Vec<(String, String)> = Vec::with_capacity(entries.len());
    for (k, v) in entries {
        let key_repr = match key {
            PyType::Int => int(&Json::Str(k.clone()))?,
            _ => {
                let mut text = String::new();
                write(&Json::Str(k.clone()), key, &mut text, false)?;
                text
            }
        };
        let mut value_repr = String::new();
        write(v, item, &mut value_repr, false)?;
        match merged.iter_mut().find(|(k, _)| *k == key_repr) {
            Some(entry) => entry.1 = value_repr,
            None => merged.push((key_repr, value_repr)),
        }
    }
    out.push('{');
    for (i, (k, v)) in merged.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(k);
        out.push_str(": ");
        out.push_str(v);
    }
    out.push('}');
    Ok(())
}

fn enum_member<'c>(value: &Json, class: &'c StrEnum) -> Result<(&'c str, &'c str), Invalid> {
    let Json::Str(text) = value else {
        return invalid(format!("Input should be one of {:?}", class.members));
    };
    class
        .members
        .iter()
        .find(|(_, v)| v == text)
        .map(|(m, v)| (m.as_str(), v.as_str()))
        .ok_or_else(|| Invalid(format!("{text:?} is not a member of {}", class.name)))
}

/// An undeclared value as Python's `json.loads` makes it.
fn any(value: &Json, out: &mut String, top: bool) {
    match value {
        Json::Null => out.push_str("None"),
        Json::Bool(b) => out.push_str(if *b { "True" } else { "False" }),
        Json::Int(digits) => out.push_str(normal_int(digits)),
        Json::Float(x) => out.push_str(&py_float(*x)),
        Json::Str(s) if top => out.push_str(s),
        Json::Str(s) => str_repr(s, out),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                any(item, out, false);
            }
            out.push(']');
        }
        Json::Object(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                str_repr(k, out);
                out.push_str(": ");
                any(v, out, false);
            }
            out.push('}');
        }
    }
}

/// A JSON integer's digits as Python prints the int (`-0` is `0`).
fn normal_int(digits: &str) -> &str {
    if digits == "-0" {
        "0"
    } else {
        digits
    }
}

/// An `int` field's value, in decimal.
pub(super) fn int(value: &Json) -> Result<String, Invalid> {
    match value {
        Json::Int(digits) => Ok(normal_int(digits).to_string()),
        Json::Bool(b) => Ok(if *b { "1" } else { "0" }.to_string()),
        Json::Float(x) => {
            // pydantic converts a float only when it is whole and fits in 64 bits.
            const LIMIT: f64 = 9_223_372_036_854_775_808.0;
            if !x.is_finite() {
                return invalid("Input should be a finite number");
            }
            if x.fract() != 0.0 {
                return invalid(
                    "Input should be a valid integer, got a number with a fractional part",
                );
            }
            if x.abs() >= LIMIT {
                return invalid(
                    "Unable to parse input string as an integer, exceeded maximum size",
                );
            }
            #[allow(clippy::cast_possible_truncation)]
            Ok((*x as i64).to_string())
        }
        Json::Str(s) => int_text(s),
        _ => invalid("Input should be a valid integer"),
    }
}

/// `[+-]?[0-9](_?[0-9])*(\.0+)?` after trimming Unicode white space, as pydantic reads an int
/// from a string (and a `Dict[int, …]` key).
pub(super) fn int_text(s: &str) -> Result<String, Invalid> {
    let bad =
        || Invalid("Input should be a valid integer, unable to parse string as an integer".into());
    let t = s.trim();
    let (negative, rest) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let whole = match rest.find('.') {
        Some(point) => {
            let zeros = &rest[point + 1..];
            if zeros.is_empty() || !zeros.bytes().all(|b| b == b'0') {
                return Err(bad());
            }
            &rest[..point]
        }
        None => rest,
    };
    let bytes = whole.as_bytes();
    let well_formed = bytes.first().is_some_and(u8::is_ascii_digit)
        && bytes.last().is_some_and(u8::is_ascii_digit)
        && bytes.iter().all(|b| b.is_ascii_digit() || *b == b'_')
        && !whole.contains("__");
    if !well_formed {
        return Err(bad());
    }
    let digits: String = whole.chars().filter(char::is_ascii_digit).collect();
    let significant = digits.trim_start_matches('0');
    if significant.len() > 4300 {
        return invalid("Unable to parse input string as an integer, exceeded maximum size");
    }
    Ok(match (significant.is_empty(), negative) {
        (true, _) => "0".to_string(),
        (false, true) => format!("-{significant}"),
        (false, false) => significant.to_string(),
    })
}

/// A `float` field's value.
pub(super) fn float(value: &Json) -> Result<f64, Invalid> {
    match value {
        Json::Float(x) => Ok(*x),
        Json::Int(digits) => {
            let x: f64 = digits.parse().map_err(|_| Invalid("not a number".into()))?;
            if x.is_finite() {
                Ok(x)
            } else {
                invalid("Input should be a valid number")
            }
        }
        Json::Bool(b) => Ok(if *b { 1.0 } else { 0.0 }),
        Json::Str(s) => float_text(s),
        _ => invalid("Input should be a valid number"),
    }
}

/// A float from a string as pydantic reads one: Rust's grammar after trimming, else once more
/// with single underscores between characters removed.
fn float_text(s: &str) -> Result<f64, Invalid> {
    if let Ok(x) = s.trim().parse::<f64>() {
        return Ok(x);
    }
    let underscored =
        s.contains('_') && !s.starts_with('_') && !s.ends_with('_') && !s.contains("__");
    if underscored {
        if let Ok(x) = s.replace('_', "").parse::<f64>() {
            return Ok(x);
        }
    }
    invalid("Input should be a valid number, unable to parse string as a number")
}

/// A `bool` field's value.
pub(super) fn boolean(value: &Json) -> Result<bool, Invalid> {
    match value {
        Json::Bool(b) => Ok(*b),
        Json::Int(digits) => match normal_int(digits) {
            "0" => Ok(false),
            "1" => Ok(true),
            _ => invalid("Input should be a valid boolean"),
        },
        Json::Float(x) if *x == 0.0 => Ok(false),
        Json::Float(x) if *x == 1.0 => Ok(true),
        Json::Str(s) => match s.to_ascii_lowercase().as_str() {
            "0" | "off" | "f" | "false" | "n" | "no" => Ok(false),
            "1" | "on" | "t" | "true" | "y" | "yes" => Ok(true),
            _ => invalid("Input should be a valid boolean, unable to interpret input"),
        },
        _ => invalid("Input should be a valid boolean"),
    }
}

/// Python's `repr(float)`: the shortest digits that read back as the same float, in
/// positional notation for decimal exponents from -4 to 15 and scientific (`1e-05`, `1e+16`)
/// otherwise.
pub fn py_float(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    // Rust's `{:e}` gives the fewest digits that read back as `x`; where several strings of
    // that length do, Python prints the one nearest to `x`, which formatting to that many
    // digits gives (it rounds the exact value). Up to 15 digits no two strings can: decimals
    // of 15 significant digits lie further apart than the values that read back as one float,
    // so the costlier exact formatting is needed for 16 and 17 digits only.
    let shortest = format!("{x:e}");
    let digits = shortest
        .split_once('e')
        .map_or(0, |(m, _)| m.bytes().filter(u8::is_ascii_digit).count());
    let sci = if digits <= 15 {
        shortest
    } else {
        let precision = digits - 1;
        format!("{x:.precision$e}")
    };
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if x < 0.0 { "-" } else { "" };
    if (-4..16).contains(&exponent) {
        let point = exponent + 1;
        let text = if point <= 0 {
            format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
        } else if point as usize >= digits.len() {
            format!("{digits}{}.0", "0".repeat(point as usize - digits.len()))
        } else {
            let (whole, fraction) = digits.split_at(point as usize);
            format!("{whole}.{fraction}")
        };
        format!("{sign}{text}")
    } else {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() { "" } else { "." };
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        format!("{sign}{first}{dot}{rest}e{exp_sign}{:02}", exponent.abs())
    }
}

/// Whether Python's `str.isprintable()` is true of `c`.
fn printable(c: char) -> bool {
    let code = c as u32;
    if code < 0x80 {
        return (0x20..0x7f).contains(&code);
    }
    NOT_PRINTABLE
        .binary_search_by(|&(start, end)| {
            if end < code {
                std::cmp::Ordering::Less
            } else if start > code {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_err()
}

/// Python's `repr(str)`: single quotes unless the text has a single quote and no double quote.
pub fn str_repr(s: &str, out: &mut String) {
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
            c if printable(c) => out.push(c),
            c if (c as u32) <= 0xff => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) <= 0xffff => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push(quote);
}

/// Python's `repr(bytes)`.
fn bytes_repr(bytes: &[u8], out: &mut String) {
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    out.push('b');
    out.push(quote as char);
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b if b == quote => {
                out.push('\\');
                out.push(b as char);
            }
            0x20..=0x7e => out.push(b as char),
            b => {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
    }
    out.push(quote as char);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::types::Model;

    fn str_of(json: &str, ty: PyType) -> Result<String, Invalid> {
        let field = Field {
            name: "x".into(),
            ty,
            default: None,
        };
        field_str(Some(&json::parse(json.as_bytes()).unwrap()), &field)
    }

    #[test]
    fn test_pydantic_coercion_and_python_str() {
        // Rows of the research against CPython 3.11 and pydantic 2.14 (see docs/axon.md).
        assert_eq!(str_of("3", PyType::Float).unwrap(), "3.0");
        assert_eq!(str_of("\" 7 \"", PyType::Int).unwrap(), "7");
        assert_eq!(str_of("\"1_000.0\"", PyType::Int).unwrap(), "1000");
        assert_eq!(str_of("true", PyType::Int).unwrap(), "1");
        assert!(str_of("3.5", PyType::Int).is_err());
        assert!(str_of("\"7.\"", PyType::Int).is_err());
        assert_eq!(str_of("\"yEs\"", PyType::Bool).unwrap(), "True");
        assert_eq!(
            str_of("\"a'\u{e9}\\n\"", PyType::Bytes).unwrap(),
            "b\"a'\\xc3\\xa9\\n\""
        );
        let tuple = PyType::Tuple(vec![PyType::Int]);
        assert_eq!(str_of("[5]", tuple).unwrap(), "(5,)");
        let dict = PyType::Dict(Box::new(PyType::Int), Box::new(PyType::Str));
        assert_eq!(
            str_of(r#"{"2":"b","01":"a"," 1 ":"c"}"#, dict).unwrap(),
            "{2: 'b', 1: 'c'}"
        );
        let strings = PyType::List(Box::new(PyType::Str));
        assert_eq!(
            str_of(r#"["\u00a0", "\u200d", "it's", "\ud83d\ude00"]"#, strings).unwrap(),
            "['\\xa0', '\\u200d', \"it's\", '\u{1f600}']"
        );
        let class = StrEnum {
            name: "E".into(),
            members: vec![("A".into(), "a".into())],
        };
        assert_eq!(
            str_of("\"a\"", PyType::StrEnum(class.clone())).unwrap(),
            "E.A"
        );
        let model = PyType::Model(Model {
            fields: vec![
                Field::of::<i64>("a"),
                Field {
                    name: "e".into(),
                    ty: PyType::StrEnum(class),
                    default: None,
                },
                Field::of::<Option<String>>("c"),
            ],
        });
        assert_eq!(
            str_of(r#"{"e": "a", "a": "1", "extra": 0}"#, model).unwrap(),
            "{'a': 1, 'e': <E.A: 'a'>, 'c': None}"
        );
    }

    #[test]
    fn test_python_float_repr() {
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
            (-0.0, "-0.0"),
            (5e-324, "5e-324"),
            // Two 17-digit strings read back as this float; Python prints the nearer.
            (-256174855303350.62, "-256174855303350.62"),
            (688187403238517.2, "688187403238517.2"),
        ];
        for (x, repr) in cases {
            assert_eq!(py_float(x), repr, "{x}");
        }
    }
}
