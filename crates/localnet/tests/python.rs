//! The python subnet on a shortened localnet: miners and validators written only with
//! Bittensor's SDK, as processes, reaching the chain only through its Substrate-compatible
//! RPC. Read through Plexus's RPC after several epochs, its honest miner out-earns its lazy,
//! random and copying ones and incentive follows the miners' designed quality (Spearman
//! correlation at least 0.8), as for the Rust subnets. Its own binary, so that it never shares
//! the machine with the Rust subnets' localnet test.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/judge.rs"]
mod judge;

use common::quick_args;
use judge::{spearman, Judge};
use plexus_localnet::Localnet;
use plexus_rpc::Client;
use plexus_subnet_kit::Kind;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_python_subnet_rewards_follow_quality_slow() {
    let state = tempfile::tempdir().unwrap();
    let mut args = quick_args(state.path(), vec!["python".to_string()], 5, 2);
    // The interop tests' virtualenv when it is there; else the localnet makes its own.
    let venv =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("venvs/bittensor-10.5.0/bin/python");
    args.python = venv.exists().then_some(venv);
    let localnet = Localnet::start(&args).await.unwrap();
    assert_eq!(localnet.skipped, Vec::<(String, String)>::new());
    let client = Client::new(&localnet.rpc_url).unwrap();
    let subnet = localnet.subnets[0].clone();
    assert_eq!(subnet.name, "python");
    let mut judge = Judge::default();
    let deadline = Instant::now() + Duration::from_secs(420);
    let miners = loop {
        if let Some(miners) = judge.judged(&client, &subnet).await {
            break miners;
        }
        if Instant::now() > deadline {
            panic!("epochs with weights: {judge:?}; {}", logs(state.path()));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    localnet.stop().await;
    let incentive = |kind| miners.iter().find(|(k, _)| *k == kind).unwrap().1;
    let honest = incentive(Kind::Honest);
    for other in [Kind::Lazy, Kind::Random, Kind::Copier] {
        assert!(
            honest > incentive(other),
            "{miners:?}; {}",
            logs(state.path())
        );
    }
    let quality: Vec<f64> = miners.iter().map(|(k, _)| f64::from(k.quality())).collect();
    let paid: Vec<f64> = miners.iter().map(|(_, i)| f64::from(*i)).collect();
    let rho = spearman(&quality, &paid);
    eprintln!("python: spearman {rho} over {miners:?}");
    assert!(rho >= 0.8, "spearman {rho} over {miners:?}");
}

/// The last lines of each python neuron's log.
fn logs(state: &std::path::Path) -> String {
    let mut out = String::from("the neurons' logs:");
    for entry in std::fs::read_dir(state.join("python/logs")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let tail = lines[lines.len().saturating_sub(40)..].join("\n");
        out.push_str(&format!("\n--- {}\n{tail}", path.display()));
    }
    out
}
