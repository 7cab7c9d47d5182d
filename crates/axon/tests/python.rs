//! Interop with Bittensor's own Synapse implementation, `bittensor==10.5.0` from PyPI, both
//! directions: its Dendrite against a Plexus axon, and a Plexus dendrite against its Axon.
//!
//! The package is installed into a virtualenv under the build directory on first use
//! (`PLEXUS_PYTHON` names the interpreter, default `python3`) and reused afterwards.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{
    doubled, free_port, key, now_ns, raw, request as double, Double, Refuse, Slow, Unserved, Words,
};
use plexus_axon::{Axon, Dendrite, Synapse, Target};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The driver, run with `bittensor==10.5.0`.
fn driver(home: &Path) -> Command {
    common::driver(
        &common::python("bittensor==10.5.0"),
        "synapse_driver.py",
        home,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_python_dendrite_against_plexus_axon() {
    let miner = key("//Miner");
    let hotkey = miner.account();
    let axon = Axon::new(miner, Refuse(key("//Stranger").account()))
        .route(doubled)
        .route(|s: Slow| async move {
            tokio::time::sleep(Duration::from_millis(s.millis)).await;
            s
        })
        .stream_route(|w: Words| async move { common::words(w) })
        .route(|mut t: common::Total| async move {
            t.total = Some(t.weights.values().sum());
            t
        })
        .serve("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let port = axon.local_addr().port();
    let home = tempfile::tempdir().unwrap();
    let results = tokio::task::spawn_blocking({
        let home = home.path().to_path_buf();
        move || {
            common::results(driver(&home).args([
                "dendrite",
                &port.to_string(),
                &hotkey.to_string(),
            ]))
        }
    })
    .await
    .unwrap();
    assert_eq!(results["ok"][0], 200, "{results}");
    assert_eq!(results["ok"][2], 42);
    assert_eq!(results["wrong_target"][0], 401, "{results}");
    assert_eq!(results["blacklisted"][0], 403, "{results}");
    assert_eq!(results["unknown"][0], 404, "{results}");
    assert_eq!(results["timeout"][0], 408, "{results}");
    assert_eq!(results["streamed"][0], 200, "{results}");
    assert_eq!(results["streamed"][1], "a b c ", "{results}");
    assert_eq!(results["dict"][0], 200, "{results}");
    assert_eq!(results["dict"][2], 6, "{results}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_plexus_dendrite_against_python_axon() {
    let port = free_port();
    let home = tempfile::tempdir().unwrap();
    let mut command = driver(home.path());
    command.args(["axon", &port.to_string()]);
    let (child, target) = common::python_axon(command, port).await;
    let t = Duration::from_secs(10);
    let validator = Dendrite::new(key("//Validator"), 4);
    let answer = validator.call(&target, &double(21), t).await;
    assert_eq!(answer.status, 200, "{}", answer.message);
    assert_eq!(answer.synapse.unwrap().output, Some(42));

    let elsewhere = Target {
        hotkey: key("//OtherMiner").account(),
        ..target.clone()
    };
    assert_eq!(validator.call(&elsewhere, &double(1), t).await.status, 401);
    let stranger = Dendrite::new(key("//Stranger"), 1);
    assert_eq!(stranger.call(&target, &double(1), t).await.status, 403);
    assert_eq!(
        validator.call(&target, &Unserved { x: 1 }, t).await.status,
        404
    );

    // A body changed after signing: the hash no longer matches, which Python answers with 500.
    let body = serde_json::to_value(double(5)).unwrap();
    let mut full = body.as_object().unwrap().clone();
    full.insert("name".into(), "Double".into());
    let full = serde_json::Value::Object(full);
    let mut tampered = full.clone();
    tampered["input"] = serde_json::json!(6);
    let signer = key("//Validator");
    let (_, mut headers) = raw(
        &signer,
        &target.hotkey,
        now_ns(),
        &full,
        &full,
        Double::HASH_FIELDS,
    );
    headers.push(("name".into(), "Double".into()));
    headers.push(("bt_header_dendrite_version".into(), "10005000".into()));
    headers.push(("bt_header_axon_hotkey".into(), target.hotkey.to_string()));
    for field in ["input", "label", "tags"] {
        let empty = match field {
            "input" => "MA==",
            "label" => "IiI=",
            _ => "W10=",
        };
        headers.push((format!("bt_header_input_obj_{field}"), empty.into()));
    }
    let (status, reply) = common::post(target_addr(&target), tampered.to_string(), &headers).await;
    assert_eq!(status, 500, "{reply}");
    drop(child);
}

fn target_addr(target: &Target) -> std::net::SocketAddr {
    std::net::SocketAddr::new(target.ip, target.port)
}
