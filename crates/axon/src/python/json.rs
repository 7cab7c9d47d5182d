//! JSON as Python's `json.loads` reads it, which is what the Python axon hashes: objects keep
//! their key order (a repeated key keeps its first place and takes its last value), integers
//! keep every digit, and `NaN`, `Infinity` and `-Infinity` are numbers. serde_json does none
//! of these, so bodies are read here when they are hashed.

/// A JSON value, as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer literal: an optional `-` and its digits, exactly as written.
    Int(String),
    /// A number with a fraction or an exponent, or `NaN`/`Infinity`/`-Infinity`.
    Float(f64),
    /// A string.
    Str(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, in the order its keys first appear.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The value of `key`, when this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// Why a text is not JSON Python would read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not JSON at byte {at}: {why}")]
pub struct JsonError {
    at: usize,
    why: &'static str,
}

/// Deeper nesting than this is refused rather than risk the stack.
const MAX_DEPTH: usize = 128;
/// Python refuses longer integer literals (`sys.get_int_max_str_digits`).
const MAX_INT_DIGITS: usize = 4300;

/// Reads one JSON value, with whitespace around it and nothing else.
pub fn parse(text: &[u8]) -> Result<Json, JsonError> {
    let mut reader = Reader { text, at: 0 };
    let value = reader.value(0)?;
    reader.space();
    if reader.at != text.len() {
        return Err(reader.error("extra data after the value"));
    }
    Ok(value)
}

struct Reader<'a> {
    text: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn error(&self, why: &'static str) -> JsonError {
        JsonError { at: self.at, why }
    }

    fn space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.text.get(self.at) {
            self.at += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn literal(&mut self, word: &str) -> bool {
        if self.text[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        self.space();
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Json::Str),
            Some(b'n') if self.literal("null") => Ok(Json::Null),
            Some(b't') if self.literal("true") => Ok(Json::Bool(true)),
            Some(b'f') if self.literal("false") => Ok(Json::Bool(false)),
            Some(b'N') if self.literal("NaN") => Ok(Json::Float(f64::NAN)),
            Some(b'I') if self.literal("Infinity") => Ok(Json::Float(f64::INFINITY)),
            Some(b'-') if self.literal("-Infinity") => Ok(Json::Float(f64::NEG_INFINITY)),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.error("expected a value")),
        }
    }

    fn object(&mut self, depth: usize) -> Result<Json, JsonError> {
        self.at += 1;
        let mut entries: Vec<(String, Json)> = Vec::new();
        self.space();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(Json::Object(entries));
        }
        loop {
            self.space();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a key in double quotes"));
            }
            let key = self.string()?;
            self.space();
            if self.peek() != Some(b':') {
                return Err(self.error("expected ':'"));
            }
            self.at += 1;
            let value = self.value(depth + 1)?;
            match entries.iter_mut().find(|(k, _)| *k == key) {
                Some(entry) => entry.1 = value,
                None => entries.push((key, value)),
            }
            self.space();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Json::Object(entries));
                }
                _ => return Err(self.error("expected ',' or '}'")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Json, JsonError> {
        self.at += 1;
        let mut items = Vec::new();
        self.space();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(Json::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.space();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(Json::Array(items));
                }
                _ => return Err(self.error("expected ',' or ']'")),
            }
        }
    }

    fn number(&mut self) -> Result<Json, JsonError> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error("expected a digit")),
        }
        let mut float = false;
        if self.peek() == Some(b'.') && matches!(self.text.get(self.at + 1), Some(b'0'..=b'9')) {
            float = true;
            self.at += 1;
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            let mark = self.at;
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            if matches!(self.peek(), Some(b'0'..=b'9')) {
                float = true;
                self.digits();
            } else {
                // Python stops the number before a bare `e`, which then is extra data.
                self.at = mark;
            }
        }
        let text =
            std::str::from_utf8(&self.text[start..self.at]).map_err(|_| self.error("not UTF-8"))?;
        if float {
            // Rust's parse is correctly rounded, as Python's `float()` is; `1e400` is infinite.
            let value = text.parse::<f64>().map_err(|_| self.error("bad number"))?;
            return Ok(Json::Float(value));
        }
        if text.trim_start_matches('-').len() > MAX_INT_DIGITS {
            return Err(self.error("an integer of more than 4300 digits"));
        }
        Ok(Json::Int(text.to_string()))
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let run = self.at;
            while let Some(&b) = self.text.get(self.at) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.at += 1;
            }
            out.push_str(
                std::str::from_utf8(&self.text[run..self.at])
                    .map_err(|_| self.error("not UTF-8"))?,
            );
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    self.escape(&mut out)?;
                }
                Some(_) => return Err(self.error("a control character in a string")),
                None => return Err(self.error("an unterminated string")),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), JsonError> {
        let Some(b) = self.peek() else {
            return Err(self.error("an unterminated string"));
        };
        self.at += 1;
        let c = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = self.hex4()?;
                let code = if (0xd800..0xdc00).contains(&unit) && self.literal("\\u") {
                    let low = self.hex4()?;
                    if !(0xdc00..0xe000).contains(&low) {
                        return Err(self.error("a lone surrogate"));
                    }
                    0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00)
                } else {
                    unit
                };
                // Python keeps a lone surrogate in the string; Rust strings cannot hold one, so
                // such a body is refused (Python's axon fails most of them too).
                char::from_u32(code).ok_or_else(|| self.error("a lone surrogate"))?
            }
            _ => return Err(self.error("an invalid escape")),
        };
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self
            .text
            .get(self.at..self.at + 4)
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|d| u32::from_str_radix(d, 16).ok())
            .ok_or_else(|| self.error("an invalid \\u escape"))?;
        self.at += 4;
        Ok(digits)
    }
}

/// How Python writes JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `json.dumps` with its defaults, as Python clients send bodies: `", "` and `": "`
    /// between items, non-ASCII escaped, `NaN` and `Infinity` written.
    Dumps,
    /// Starlette's `JSONResponse`, as the Python axon answers: no spaces, UTF-8 as it is, and
    /// no non-finite floats (it fails on one).
    Response,
}

impl Json {
    /// This value as Python writes it in `style`; `None` for a non-finite float in
    /// [`Style::Response`].
    pub fn to_text(&self, style: Style) -> Option<String> {
        let mut out = String::new();
        self.write(style, &mut out).then_some(out)
    }

    fn write(&self, style: Style, out: &mut String) -> bool {
        let (comma, colon) = match style {
            Style::Dumps => (", ", ": "),
            Style::Response => (",", ":"),
        };
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Int(digits) => out.push_str(digits),
            Json::Float(x) if x.is_finite() => out.push_str(&super::py_float(*x)),
            Json::Float(_) if style == Style::Response => return false,
            Json::Float(x) if x.is_nan() => out.push_str("NaN"),
            Json::Float(x) => out.push_str(if *x > 0.0 { "Infinity" } else { "-Infinity" }),
            Json::Str(s) => write_str(s, style, out),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(comma);
                    }
                    if !item.write(style, out) {
                        return false;
                    }
                }
                out.push(']');
            }
            Json::Object(entries) => {
                out.push('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(comma);
                    }
                    write_str(key, style, out);
                    out.push_str(colon);
                    if !value.write(style, out) {
                        return false;
                    }
                }
                out.push('}');
            }
        }
        true
    }
}

fn write_str(s: &str, style: Style, out: &mut String) {
    use std::fmt::Write as _;
    let plain = |b: u8| b >= 0x20 && b != b'"' && b != b'\\' && (b < 0x80 || style != Style::Dumps);
    out.push('"');
    // Runs of characters that need no escape are copied whole; they are most of any text.
    let (bytes, mut i, mut run) = (s.as_bytes(), 0, 0);
    while i < bytes.len() {
        if plain(bytes[i]) {
            i += 1;
            continue;
        }
        out.push_str(&s[run..i]);
        let c = s[i..].chars().next().unwrap_or_default();
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
        i += c.len_utf8();
        run = i;
    }
    out.push_str(&s[run..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_python_json_reading() {
        let value = parse(br#" {"b": 1, "a": [1.5, NaN, -Infinity, "x\u00e9\ud83d\ude00"], "b": 123456789012345678901234567890} "#)
            .unwrap();
        let Json::Object(entries) = &value else {
            panic!("an object")
        };
        // A repeated key keeps its first place and takes its last value.
        assert_eq!(entries[0].0, "b");
        assert_eq!(
            entries[0].1,
            Json::Int("123456789012345678901234567890".into())
        );
        let Some(Json::Array(items)) = value.get("a") else {
            panic!("an array")
        };
        assert!(matches!(items[1], Json::Float(x) if x.is_nan()));
        assert_eq!(items[2], Json::Float(f64::NEG_INFINITY));
        assert_eq!(items[3], Json::Str("xé😀".into()));
        assert_eq!(parse(b"1e400").unwrap(), Json::Float(f64::INFINITY));
        assert_eq!(parse(b"-0").unwrap(), Json::Int("-0".into()));
        // Written back as Python's json.dumps and Starlette write it.
        let value =
            parse(br#"{"a": [1.0, NaN, -Infinity, 1e+16], "s": "\u00e9\"\n\u0001\ud83d\ude00"}"#)
                .unwrap();
        assert_eq!(
            value.to_text(Style::Dumps).unwrap(),
            r#"{"a": [1.0, NaN, -Infinity, 1e+16], "s": "\u00e9\"\n\u0001\ud83d\ude00"}"#
        );
        assert_eq!(value.to_text(Style::Response), None);
        assert_eq!(
            parse(br#"{"s": "\u00e9", "n": 12345678901234567890123}"#)
                .unwrap()
                .to_text(Style::Response)
                .unwrap(),
            "{\"s\":\"\u{e9}\",\"n\":12345678901234567890123}"
        );
        for bad in [
            &b"01"[..],
            b"+1",
            b".5",
            b"1.",
            b"[1,]",
            b"{\"a\" 1}",
            b"\"\\ud800\"",
            b"1 2",
        ] {
            assert!(parse(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }
}
