//! The body hash against Python's own: random values of every field type the SDK supports,
//! valid and not, written as JSON the way any client might write them (a float field sent `3`,
//! an int field sent `" 1_0 "`, strings full of characters `repr` escapes), hashed here and by
//! `bittensor==10.5.0` itself (`tests/interop/hash_oracle.py` builds the pydantic class and asks
//! the `Synapse` for its `body_hash`). Both must agree on every value: the same hash, or both
//! refuse it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use plexus_axon::hash::body_hash;
use plexus_axon::python::{self, Field, Model, PyType, StrEnum};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

/// Values per type that are valid, so that both sides hash them; as many again, about, are
/// invalid ones both must refuse.
const CASES: usize = 10_000;

/// A reproducible stream of pseudo-random numbers (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The oracle's spelling of a type.
fn spec(ty: &PyType) -> Value {
    match ty {
        PyType::Int => json!("int"),
        PyType::Float => json!("float"),
        PyType::Bool => json!("bool"),
        PyType::Str => json!("str"),
        PyType::Bytes => json!("bytes"),
        PyType::Optional(t) => json!({ "optional": spec(t) }),
        PyType::List(t) => json!({ "list": spec(t) }),
        PyType::Tuple(ts) => json!({ "tuple": ts.iter().map(spec).collect::<Vec<_>>() }),
        PyType::TupleOf(t) => json!({ "tuple_of": spec(t) }),
        PyType::Dict(k, v) => json!({ "dict": [spec(k), spec(v)] }),
        PyType::Model(m) => json!({ "model": {
            "name": "M",
            "fields": m.fields.iter().map(|f| match &f.default {
                Some(default) => json!([f.name, spec(&f.ty), default]),
                None => json!([f.name, spec(&f.ty)]),
            }).collect::<Vec<_>>(),
        }}),
        PyType::StrEnum(e) => json!({ "enum": { "name": e.name, "values": e.members } }),
        PyType::Any => unreachable!("every field is typed here"),
    }
}

/// A random string, heavy in what Python's `repr` treats specially.
fn text(rng: &mut Rng) -> String {
    const SPECIAL: &[char] = &[
        '\'',
        '"',
        '\\',
        '\n',
        '\r',
        '\t',
        '\u{0}',
        '\u{1f}',
        '\u{7f}',
        '\u{80}',
        '\u{85}',
        '\u{a0}',
        '\u{ad}',
        '\u{e9}',
        '\u{378}',
        '\u{1680}',
        '\u{200b}',
        '\u{200d}',
        '\u{200f}',
        '\u{2028}',
        '\u{2029}',
        '\u{202f}',
        '\u{3000}',
        '\u{e000}',
        '\u{feff}',
        '\u{fffd}',
        '\u{1f600}',
        '\u{1f6dc}',
        '\u{e0001}',
        '\u{f0000}',
        '\u{10ffff}',
        ' ',
    ];
    let len = rng.below(12);
    (0..len)
        .map(|_| match rng.below(4) {
            0 => *rng.pick(SPECIAL),
            1 => char::from(b' ' + rng.below(95) as u8),
            // Anywhere in Unicode but the surrogates.
            _ => loop {
                let code = match rng.below(3) {
                    0 => rng.below(0x800) as u32,
                    1 => rng.below(0x10000) as u32,
                    _ => rng.below(0x11_0000) as u32,
                };
                if let Some(c) = char::from_u32(code) {
                    break c;
                }
            },
        })
        .collect()
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// A string an int might be read from: mostly the grammar pydantic accepts, some not.
fn int_text(rng: &mut Rng) -> String {
    let digits: String = (0..1 + rng.below(6))
        .map(|i| {
            let d = char::from(b'0' + rng.below(10) as u8);
            // Underscores between digits, never doubled; none after a leading zero, where
            // pydantic-core has quirks no one relies on.
            if i > 0 && rng.chance(15) {
                format!("_{d}")
            } else {
                d.to_string()
            }
        })
        .collect();
    let digits = if digits.starts_with('0') && digits.len() > 1 {
        format!("1{digits}")
    } else {
        digits
    };
    let sign = *rng.pick(&["", "", "-", "+"]);
    let fraction = *rng.pick(&["", "", "", ".0", ".000"]);
    let space = *rng.pick(&["", "", " ", "\u{a0}", "\n"]);
    if rng.chance(10) {
        return rng
            .pick(&[
                "7.",
                ".0",
                "7.5",
                "1e3",
                "0x10",
                "1__0",
                "_1",
                "1_",
                "",
                "abc",
                "\u{200b}7",
            ])
            .to_string();
    }
    format!("{space}{sign}{digits}{fraction}{space}")
}

fn float_literal(rng: &mut Rng) -> String {
    let x = match rng.below(4) {
        0 => f64::from_bits(rng.next()),
        1 => (rng.next() as f64 / u64::MAX as f64 - 0.5) * 1e6,
        2 => rng.below(1000) as f64 * 10f64.powi(rng.below(40) as i32 - 20),
        _ => rng.below(100) as f64 / 8.0,
    };
    if !x.is_finite() {
        return "1.5".into();
    }
    let text = format!("{x:?}");
    if text.contains('.') || text.contains('e') {
        text
    } else {
        format!("{text}.0")
    }
}

fn int_value(rng: &mut Rng) -> String {
    match rng.below(10) {
        0 => quoted(&int_text(rng)),
        1 => rng
            .pick(&[
                "true", "false", "3.0", "-0.0", "1e3", "3.5", "1e19", "NaN", "null", "[1]",
            ])
            .to_string(),
        2 => "9".repeat(1 + rng.below(40)),
        3 => "-0".into(),
        _ => (rng.next() as i64 >> rng.below(64)).to_string(),
    }
}

fn float_value(rng: &mut Rng) -> String {
    match rng.below(10) {
        0 => quoted(rng.pick::<&str>(&[
            " 1.5 ", "inf", "-nan", "INFINITY", "1_000.5", ".5", "1.", "1e400", "abc", "1,5",
            " 1_0", "+_1", "1._5",
        ])),
        1 => rng
            .pick(&[
                "NaN",
                "Infinity",
                "-Infinity",
                "1e400",
                "true",
                "-0.0",
                "null",
                "\"x\"",
            ])
            .to_string(),
        2 => (rng.next() as i64 >> rng.below(64)).to_string(),
        3 => "1".repeat(1 + rng.below(25)),
        _ => float_literal(rng),
    }
}

fn bool_value(rng: &mut Rng) -> String {
    rng.pick(&[
        "true",
        "false",
        "0",
        "1",
        "2",
        "0.0",
        "1.0",
        "1.5",
        "-0.0",
        "\"yEs\"",
        "\"off\"",
        "\"T\"",
        "\" true\"",
        "\"\"",
        "\"1.0\"",
        "null",
        "NaN",
    ])
    .to_string()
}

fn str_value(rng: &mut Rng) -> String {
    if rng.chance(5) {
        return rng.pick(&["3", "true", "null", "[\"a\"]"]).to_string();
    }
    quoted(&text(rng))
}

/// A value of `ty` as JSON text: mostly valid, sometimes not.
fn value(rng: &mut Rng, ty: &PyType, depth: usize) -> String {
    match ty {
        PyType::Int => int_value(rng),
        PyType::Float => float_value(rng),
        PyType::Bool => bool_value(rng),
        PyType::Str | PyType::Bytes => str_value(rng),
        PyType::Optional(t) => {
            if rng.chance(30) {
                "null".into()
            } else {
                value(rng, t, depth)
            }
        }
        PyType::List(t) | PyType::TupleOf(t) => {
            if rng.chance(3) {
                return quoted("ab");
            }
            let n = rng.below(if depth > 1 { 3 } else { 6 });
            let items: Vec<String> = (0..n).map(|_| value(rng, t, depth + 1)).collect();
            format!("[{}]", items.join(", "))
        }
        PyType::Tuple(ts) => {
            let mut items: Vec<String> = ts.iter().map(|t| value(rng, t, depth + 1)).collect();
            if rng.chance(5) {
                items.pop();
            } else if rng.chance(5) {
                items.push("1".into());
            }
            format!("[{}]", items.join(", "))
        }
        PyType::Dict(k, v) => {
            let n = rng.below(5);
            let entries: Vec<String> = (0..n)
                .map(|_| {
                    let key = match **k {
                        PyType::Int => quoted(&int_text(rng)),
                        _ => quoted(&text(rng)),
                    };
                    format!("{key}: {}", value(rng, v, depth + 1))
                })
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        PyType::Model(m) => {
            let mut entries = Vec::new();
            for f in &m.fields {
                // Fields with defaults are often left out; a required one sometimes is.
                let present = (f.default.is_none() || rng.chance(70)) && !rng.chance(3);
                if present {
                    let v = value(rng, &f.ty, depth + 1);
                    entries.push(format!("{}: {v}", quoted(&f.name)));
                }
            }
            if rng.chance(30) {
                entries.push("\"extra\": 0".into());
            }
            // Arrival order is not declaration order.
            if rng.chance(50) {
                entries.reverse();
            }
            format!("{{{}}}", entries.join(", "))
        }
        PyType::StrEnum(e) => {
            if rng.chance(10) {
                quoted(rng.pick::<&str>(&["RED", "blue", ""]))
            } else {
                quoted(&rng.pick(&e.members).1)
            }
        }
        PyType::Any => unreachable!("every field is typed here"),
    }
}

fn types() -> Vec<(&'static str, Vec<PyType>)> {
    let color = PyType::StrEnum(StrEnum {
        name: "Color".into(),
        members: vec![
            ("RED".into(), "red".into()),
            ("DARK".into(), "it's".into()),
            ("ZWJ".into(), "\u{e9}\u{200d}'".into()),
        ],
    });
    let model = PyType::Model(Model {
        fields: vec![
            Field::of::<i64>("a"),
            Field::of::<String>("b"),
            Field::of::<Option<Vec<f64>>>("c"),
            Field::of::<bool>("d").default("false"),
        ],
    });
    let list = |t: PyType| PyType::List(Box::new(t));
    let optional = |t: PyType| PyType::Optional(Box::new(t));
    let dict = |k: PyType, v: PyType| PyType::Dict(Box::new(k), Box::new(v));
    vec![
        ("int", vec![PyType::Int]),
        ("float", vec![PyType::Float]),
        ("bool", vec![PyType::Bool]),
        ("str", vec![PyType::Str]),
        ("bytes", vec![PyType::Bytes]),
        (
            "optional",
            vec![optional(PyType::Int), optional(PyType::Str)],
        ),
        (
            "list",
            vec![list(PyType::Float), list(PyType::Str), list(PyType::Int)],
        ),
        (
            "tuple",
            vec![
                PyType::Tuple(vec![PyType::Int, PyType::Str]),
                PyType::Tuple(vec![PyType::Float]),
                PyType::TupleOf(Box::new(PyType::Float)),
            ],
        ),
        ("dict with int keys", vec![dict(PyType::Int, PyType::Float)]),
        (
            "dict with str keys",
            vec![dict(PyType::Str, list(PyType::Int))],
        ),
        ("nested model", vec![model.clone(), list(model)]),
        (
            "str enum",
            vec![color.clone(), list(color.clone()), dict(PyType::Str, color)],
        ),
    ]
}

/// Our hash of `body` over `field`, or why not.
fn hash(field: &Field, body: &str) -> Result<String, String> {
    python::parse(body.as_bytes())
        .map_err(|e| e.to_string())
        .and_then(|json| body_hash(&json, std::slice::from_ref(field)).map_err(|e| e.0))
}

#[test]
fn test_body_hash_matches_python_for_every_type() {
    let python = common::python("bittensor==10.5.0");
    let home = tempfile::tempdir().unwrap();
    let mut oracle = common::driver(&python, "hash_oracle.py", home.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();

    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut cases: Vec<(&str, Field, String)> = Vec::new();
    for (kind, variants) in types() {
        let mut valid = 0;
        let mut i = 0;
        while valid < CASES {
            i += 1;
            let ty = variants[i % variants.len()].clone();
            let field = Field {
                name: "x".into(),
                default: matches!(ty, PyType::Optional(_)).then(|| "null".into()),
                ty,
            };
            // An optional field may be left out, and then takes its default.
            let body = if field.default.is_some() && rng.chance(10) {
                "{}".to_string()
            } else {
                format!("{{\"x\": {}}}", value(&mut rng, &field.ty, 0))
            };
            if hash(&field, &body).is_ok() {
                valid += 1;
            }
            cases.push((kind, field, body));
        }
    }

    let lines: Vec<String> = cases
        .iter()
        .map(|(_, field, body)| {
            format!(
                "{{\"fields\": [[\"x\", {}]], \"hash\": [\"x\"], \"body\": {body}}}\n",
                spec(&field.ty)
            )
        })
        .collect();
    let mut stdin = oracle.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        for line in lines {
            stdin.write_all(line.as_bytes()).unwrap();
        }
    });
    let answers: Vec<Value> = BufReader::new(oracle.stdout.take().unwrap())
        .lines()
        .map(|line| serde_json::from_str(&line.unwrap()).unwrap())
        .collect();
    writer.join().unwrap();
    assert!(oracle.wait().unwrap().success(), "the oracle failed");
    assert_eq!(answers.len(), cases.len(), "one answer per case");

    let mut mismatches = Vec::new();
    let mut agreed: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    for ((kind, field, body), answer) in cases.iter().zip(&answers) {
        let ours = hash(field, body);
        let theirs = answer["ok"]
            .as_bool()
            .unwrap()
            .then(|| answer["hash"].as_str().unwrap().to_string());
        match (&ours, &theirs) {
            (Ok(a), Some(b)) if a == b => agreed.entry(kind).or_default().0 += 1,
            (Err(_), None) => agreed.entry(kind).or_default().1 += 1,
            _ => mismatches.push(format!(
                "{kind}: {body}\n  plexus: {:?}\n  python: {answer}",
                ours.map(|_| python::field_str(
                    python::parse(body.as_bytes()).unwrap().get("x"),
                    field
                ))
            )),
        }
    }
    for (kind, (hashed, refused)) in &agreed {
        println!("{kind}: {hashed} hashed alike, {refused} refused by both");
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} values differ from Python; the first:\n{}",
        mismatches.len(),
        cases.len(),
        mismatches
            .iter()
            .take(12)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    for (kind, _) in types() {
        let (hashed, _) = agreed[kind];
        assert!(hashed >= CASES, "{kind}: only {hashed} hashes compared");
    }
}
