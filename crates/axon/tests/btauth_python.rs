//! btauth/1 interop with `bittensor==11.3.0` from PyPI, both directions: requests signed by its
//! `http_auth.sign` against a Plexus axon, and a Plexus dendrite against a server verifying with
//! its `http_auth.verify`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{btauth_headers, doubled, free_port, key, now_ns, post, request as double, Refuse};
use plexus_axon::{Axon, Dendrite, Scheme, Synapse, Target};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The driver, run with `bittensor==11.3.0`.
fn driver(home: &Path) -> Command {
    common::driver(
        &common::python("bittensor==11.3.0"),
        "btauth_driver.py",
        home,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_python_signed_requests_against_plexus_axon() {
    let miner = key("//Miner");
    let hotkey = miner.account();
    let axon = Axon::new(miner, Refuse(key("//Stranger").account()))
        .route(doubled)
        .route(|mut s: Scores| async move {
            s.first = s.values.first().copied();
            s
        })
        .serve("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let port = axon.local_addr().port();
    let home = tempfile::tempdir().unwrap();
    let results = tokio::task::spawn_blocking({
        let home = home.path().to_path_buf();
        move || {
            common::results(driver(&home).args(["client", &port.to_string(), &hotkey.to_string()]))
        }
    })
    .await
    .unwrap();
    assert_eq!(results["ok"][0], 200, "{results}");
    assert_eq!(results["ok"][1]["output"], 42, "{results}");
    let refused = |case: &str, status: u16, reason: &str| {
        assert_eq!(results[case][0], status, "{case}: {results}");
        let message = results[case][1]["message"].as_str().unwrap_or_default();
        assert!(message.contains(reason), "{case}: {message}");
    };
    refused("replayed", 401, "ReplayedRequest");
    refused("wrong_receiver", 401, "WrongReceiver");
    refused("tampered", 401, "BadSignature");
    refused("stale", 401, "StaleRequest");
    refused("unknown", 404, "not found");
    // NaN and the infinities, which Python's json writes and reads, go in and come back out.
    assert_eq!(results["non_finite"][0], 200, "{results}");
    assert_eq!(
        results["non_finite"][1],
        serde_json::json!(["nan", "inf", "-inf", "1.5"])
    );
    assert_eq!(results["non_finite"][2], "nan");
}

/// A synapse of floats, for the values JSON has no words for.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Scores {
    values: Vec<f64>,
    first: Option<f64>,
}

impl Synapse for Scores {
    const NAME: &'static str = "Scores";
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_plexus_dendrite_against_python_verifier() {
    let port = free_port();
    let home = tempfile::tempdir().unwrap();
    let (server, hotkey) = tokio::task::spawn_blocking({
        let home = home.path().to_path_buf();
        move || common::serve(driver(&home).args(["server", &port.to_string()]))
    })
    .await
    .unwrap();
    assert_eq!(hotkey, key("//PythonMiner").account());
    let target = Target {
        ip: "127.0.0.1".parse().unwrap(),
        port,
        hotkey,
    };
    let t = Duration::from_secs(10);
    let validator = Dendrite::new(key("//Validator"), 4).with_scheme(Scheme::BtAuth);
    let answer = validator.call(&target, &double(21), t).await;
    assert_eq!(answer.status, 200, "{}", answer.message);
    assert_eq!(answer.synapse.unwrap().output, Some(42));
    // Non-finite floats are written as Python's json writes them, and read back.
    let scores = Scores {
        values: vec![f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1.5],
        first: None,
    };
    let answer = validator.call(&target, &scores, t).await;
    assert_eq!(answer.status, 200, "{}", answer.message);
    let scores = answer.synapse.unwrap();
    assert!(scores.first.is_some_and(f64::is_nan), "{scores:?}");
    assert_eq!(scores.values[1..], [f64::INFINITY, f64::NEG_INFINITY, 1.5]);
    // Several at once, each with its own nonce.
    let many = (0..8).map(|i| {
        let validator = validator.clone();
        let target = target.clone();
        async move { validator.call(&target, &double(i), t).await.status }
    });
    assert!(futures::future::join_all(many)
        .await
        .iter()
        .all(|s| *s == 200));

    let elsewhere = Target {
        hotkey: key("//OtherMiner").account(),
        ..target.clone()
    };
    let answer = validator.call(&elsewhere, &double(1), t).await;
    assert_eq!(answer.status, 401);
    assert!(
        answer.message.contains("WrongReceiver"),
        "{}",
        answer.message
    );

    // Hand-built: a replay and a body changed after signing.
    let addr = std::net::SocketAddr::new(target.ip, target.port);
    let body = serde_json::to_string(&double(5)).unwrap();
    let headers = btauth_headers(
        &key("//Validator"),
        "/Double",
        body.as_bytes(),
        Some(&target.hotkey),
        now_ns(),
    );
    assert_eq!(post(addr, body.clone(), &headers).await.0, 200);
    let (status, reply) = post(addr, body.clone(), &headers).await;
    assert_eq!(status, 401);
    assert!(reply.contains("ReplayedRequest"), "{reply}");
    let headers = btauth_headers(
        &key("//Validator"),
        "/Double",
        body.as_bytes(),
        Some(&target.hotkey),
        now_ns(),
    );
    let (status, reply) = post(addr, body.replace(":5", ":6"), &headers).await;
    assert_eq!(status, 401);
    assert!(reply.contains("BadSignature"), "{reply}");
    drop(server);
}
