//! Synapse shapes where Python and Plexus peers could stop understanding each other, with
//! `bittensor==10.5.0`: a `Dict[int, float]`, an `Optional[Tuple[int, int]]`, a str enum, an int
//! sent for a float and strings with characters `repr` escapes, all hashed; a field the axon's
//! class does not declare, one it requires but is missing; a handler that fails; the ping route;
//! a stream that outlives its timeout. The Python dendrite's results against the Plexus axon
//! must equal its results against a Python axon serving the same classes, and a Plexus dendrite
//! must see from that Python axon what a Python dendrite sees.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{free_port, key, Ping};
use futures::StreamExt as _;
use plexus_axon::python::{PyField, PyType, StrEnum};
use plexus_axon::{AllowAll, Axon, Dendrite, Field, Synapse};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

fn driver(home: &Path) -> Command {
    common::driver(
        &common::python("bittensor==10.5.0"),
        "shapes_driver.py",
        home,
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
enum Mode {
    #[serde(rename = "fast")]
    Fast,
    #[serde(rename = "it's slow")]
    Slow,
}

impl PyField for Mode {
    fn py_type() -> PyType {
        PyType::StrEnum(StrEnum {
            name: "Mode".into(),
            members: vec![
                ("FAST".into(), "fast".into()),
                ("SLOW".into(), "it's slow".into()),
            ],
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Shapes {
    weights: BTreeMap<i64, f64>,
    span: Option<(i64, i64)>,
    mode: Option<Mode>,
    scale: f64,
    names: Vec<String>,
    total: Option<f64>,
}

impl Synapse for Shapes {
    const NAME: &'static str = "Shapes";
    const HASH_FIELDS: &'static [&'static str] = &["weights", "span", "mode", "scale", "names"];

    fn fields() -> Vec<Field> {
        vec![
            Field::of::<BTreeMap<i64, f64>>("weights"),
            Field::of::<Option<(i64, i64)>>("span"),
            Field::of::<Option<Mode>>("mode"),
            Field::of::<f64>("scale"),
            Field::of::<Vec<String>>("names"),
            Field::of::<Option<f64>>("total"),
        ]
    }
}

/// `Shapes` with a field the Python class does not declare.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ShapesWide {
    weights: BTreeMap<i64, f64>,
    span: Option<(i64, i64)>,
    mode: Option<Mode>,
    scale: f64,
    names: Vec<String>,
    total: Option<f64>,
    big: u64,
}

impl Synapse for ShapesWide {
    const NAME: &'static str = "Shapes";
    const HASH_FIELDS: &'static [&'static str] = Shapes::HASH_FIELDS;

    fn fields() -> Vec<Field> {
        let mut fields = Shapes::fields();
        fields.push(Field::of::<u64>("big"));
        fields
    }
}

/// `Shapes` without the fields beyond two, which the Python class requires.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ShapesNarrow {
    weights: BTreeMap<i64, f64>,
    names: Vec<String>,
}

impl Synapse for ShapesNarrow {
    const NAME: &'static str = "Shapes";

    fn fields() -> Vec<Field> {
        vec![
            Field::of::<BTreeMap<i64, f64>>("weights"),
            Field::of::<Vec<String>>("names"),
        ]
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Echo {
    x: f64,
    y: Option<f64>,
}

impl Synapse for Echo {
    const NAME: &'static str = "Echo";
    const HASH_FIELDS: &'static [&'static str] = &["x"];

    fn fields() -> Vec<Field> {
        vec![Field::of::<f64>("x"), Field::of::<Option<f64>>("y")]
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Failing {
    x: i64,
}

impl Synapse for Failing {
    const NAME: &'static str = "Failing";

    fn fields() -> Vec<Field> {
        vec![Field::of::<i64>("x")]
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Drip {
    chunks: u32,
}

impl Synapse for Drip {
    const NAME: &'static str = "Drip";

    fn fields() -> Vec<Field> {
        vec![Field::of::<u32>("chunks")]
    }
}

fn shapes() -> Shapes {
    Shapes {
        weights: BTreeMap::from([(3, 0.5), (1, 2.0)]),
        span: Some((1, 2)),
        mode: Some(Mode::Slow),
        scale: 3.0,
        names: ["a\u{a0}b", "z\u{200d}w", "it's", "\u{2028}", "plain"]
            .map(String::from)
            .to_vec(),
        total: None,
    }
}

/// The Python dendrite's results against the axon at `port`.
async fn python_dendrite(port: u16, hotkey: String) -> serde_json::Value {
    let home = tempfile::tempdir().unwrap();
    tokio::task::spawn_blocking(move || {
        common::results(driver(home.path()).args(["dendrite", &port.to_string(), &hotkey]))
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_python_dendrite_sees_the_plexus_axon_as_a_python_one() {
    let miner = key("//Miner");
    let hotkey = miner.account();
    let axon = Axon::new(miner, AllowAll)
        .route(|mut s: Shapes| async move {
            s.total = Some(s.weights.values().sum::<f64>() * s.scale);
            s
        })
        .route(|mut e: Echo| async move {
            e.y = Some(e.x);
            e
        })
        .route(|_: Failing| async move { Err::<Failing, _>("the handler failed on purpose") })
        .stream_route(|d: Drip| async move {
            futures::stream::iter(0..d.chunks).then(|i| async move {
                tokio::time::sleep(Duration::from_millis(400)).await;
                format!("{i} ")
            })
        })
        .serve("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let plexus = python_dendrite(axon.local_addr().port(), hotkey.to_string()).await;

    let port = free_port();
    let home = tempfile::tempdir().unwrap();
    let (server, python_hotkey) = tokio::task::spawn_blocking({
        let home = home.path().to_path_buf();
        move || common::serve(driver(&home).args(["axon", &port.to_string()]))
    })
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let control = python_dendrite(port, python_hotkey.to_string()).await;
    drop(server);

    assert_eq!(control["shapes"][0], 200, "the control itself: {control}");
    assert_eq!(plexus["shapes"][2], 7.5, "{plexus}");
    assert_eq!(plexus["ping"][0], 200, "{plexus}");
    assert_eq!(plexus["stream_timeout"][0], 408, "{plexus}");
    assert_eq!(plexus["finite"][0], 200, "{plexus}");
    // A NaN goes in, but no Python axon can write one into its answer.
    assert_eq!(plexus["non_finite"][0], 500, "{plexus}");
    assert_eq!(
        plexus, control,
        "a Python dendrite sees the Plexus axon (left) as it sees a Python one (right)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_plexus_dendrite_sees_a_python_axon_as_a_python_dendrite_does() {
    let port = free_port();
    let home = tempfile::tempdir().unwrap();
    let mut command = driver(home.path());
    command.args(["axon", &port.to_string()]);
    let (server, target) = common::python_axon(command, port).await;
    let dendrite = Dendrite::new(key("//Validator"), 4);
    let t = Duration::from_secs(5);
    let answer = dendrite.call(&target, &shapes(), t).await;
    assert_eq!(answer.status, 200, "{}", answer.message);
    assert_eq!(answer.synapse.unwrap().total, Some(7.5));

    let s = shapes();
    let wide = ShapesWide {
        weights: s.weights,
        span: s.span,
        mode: s.mode,
        scale: s.scale,
        names: s.names,
        total: None,
        big: (1 << 60) + 1,
    };
    let answer = dendrite.call(&target, &wide, t).await;
    // Python's axon answers with its class's fields only; `big` keeps the value sent, as a
    // Python dendrite keeps it.
    assert_eq!(answer.status, 200, "{}", answer.message);
    let answered = answer.synapse.unwrap();
    assert_eq!(answered.big, (1 << 60) + 1);
    assert_eq!(answered.total, Some(7.5));

    let narrow = ShapesNarrow {
        weights: shapes().weights,
        names: shapes().names,
    };
    let answer = dendrite.call(&target, &narrow, t).await;
    assert_eq!(answer.status, 500, "{}", answer.message);
    assert!(answer.message.starts_with("Internal Server Error #"));

    let answer = dendrite.call(&target, &Failing { x: 1 }, t).await;
    assert_eq!(answer.status, 500, "{}", answer.message);
    assert!(answer.message.starts_with("Internal Server Error #"));
    assert_eq!(dendrite.call(&target, &shapes(), t).await.status, 200);

    assert_eq!(dendrite.call(&target, &Ping {}, t).await.status, 200);

    let echo = |x| Echo { x, y: None };
    let answer = dendrite.call(&target, &echo(2.5), t).await;
    assert_eq!(answer.synapse.and_then(|e| e.y), Some(2.5));
    // Sent as Python writes a NaN; its axon reads it, and fails to answer it, as against
    // a Python dendrite.
    assert_eq!(dendrite.call(&target, &echo(f64::NAN), t).await.status, 500);

    let answer = dendrite
        .call_stream(&target, &Drip { chunks: 10 }, Duration::from_millis(1500))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.message);
    let items: Vec<Result<_, String>> = answer.synapse.unwrap().collect().await;
    assert!(items.first().is_some_and(Result::is_ok), "{items:?}");
    assert_eq!(
        items.last().unwrap().as_ref().unwrap_err(),
        "Request timeout after 1.5 seconds"
    );
    drop(server);
}
