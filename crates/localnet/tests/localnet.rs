//! A shortened localnet end to end: the real chain, the default subnets (weather, code and
//! embeddings, whose model is fetched first if it is not cached), real axons and dendrites on
//! loopback. After several epochs, read through RPC, every subnet pays its
//! honest miner more than its lazy, random and copying ones, and incentive follows the
//! miners' designed quality (Spearman correlation at least 0.8).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::quick_args;
use plexus_localnet::{Localnet, RunningSubnet, DEFAULT_SUBNETS};
use plexus_rpc::types::MetagraphOptions;
use plexus_rpc::Client;
use plexus_subnet_kit::Kind;
use std::time::{Duration, Instant};

/// Epochs, after every validator has set weights once, before rewards are judged.
const EPOCHS: u64 = 4;

fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        // Ties share the mean of the ranks they span.
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for k in i..=j {
            ranks[order[k]] = rank;
        }
        i = j + 1;
    }
    ranks
}

fn spearman(a: &[f64], b: &[f64]) -> f64 {
    let (ra, rb) = (ranks(a), ranks(b));
    let n = ra.len() as f64;
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = ra.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = rb.iter().map(|y| (y - mb).powi(2)).sum();
    if va == 0.0 || vb == 0.0 {
        return 0.0;
    }
    cov / (va * vb).sqrt()
}

#[test]
fn test_spearman_of_known_orders() {
    assert!((spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]) - 1.0).abs() < 1e-12);
    assert!((spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
    assert_eq!(ranks(&[5.0, 1.0, 5.0]), vec![2.5, 1.0, 2.5]);
}

/// Each miner's (kind, incentive) once the subnet has run `EPOCHS` epochs with weights.
async fn judged(
    client: &Client,
    subnet: &RunningSubnet,
    since: &mut Option<u64>,
) -> Option<Vec<(Kind, u16)>> {
    let metagraph = client
        .metagraph(subnet.netuid, MetagraphOptions::default(), None)
        .await
        .ok()??;
    let info = client.subnet(subnet.netuid, None).await.ok()??;
    let neuron = |hotkey| metagraph.neurons.iter().find(|n| n.hotkey == hotkey);
    let all_set = subnet
        .validators
        .iter()
        .all(|v| neuron(v.hotkey).is_some_and(|n| n.last_update != 0));
    let epoch = info.summary.epoch_index;
    match since {
        None if all_set => *since = Some(epoch),
        Some(first) if epoch >= *first + EPOCHS => {
            return Some(
                subnet
                    .miners
                    .iter()
                    .map(|m| (m.kind.unwrap(), neuron(m.hotkey).map_or(0, |n| n.incentive)))
                    .collect(),
            );
        }
        _ => {}
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_localnet_rewards_follow_quality_slow() {
    let state = tempfile::tempdir().unwrap();
    let args = quick_args(
        state.path(),
        DEFAULT_SUBNETS.map(String::from).to_vec(),
        5,
        2,
    );
    let localnet = Localnet::start(&args).await.unwrap();
    assert_eq!(localnet.skipped, Vec::<(String, String)>::new());
    assert_eq!(localnet.subnets.len(), DEFAULT_SUBNETS.len());
    let client = Client::new(&localnet.rpc_url).unwrap();
    let mut since = vec![None; localnet.subnets.len()];
    let mut results = vec![None; localnet.subnets.len()];
    let deadline = Instant::now() + Duration::from_secs(300);
    while results.iter().any(Option::is_none) {
        for (index, subnet) in localnet.subnets.iter().enumerate() {
            if results[index].is_none() {
                results[index] = judged(&client, subnet, &mut since[index]).await;
            }
        }
        assert!(Instant::now() < deadline, "epochs with weights: {since:?}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let names: Vec<String> = localnet.subnets.iter().map(|s| s.name.clone()).collect();
    localnet.stop().await;

    for (name, miners) in names.iter().zip(results) {
        let miners = miners.unwrap();
        let incentive = |kind| miners.iter().find(|(k, _)| *k == kind).unwrap().1;
        let honest = incentive(Kind::Honest);
        for other in [Kind::Lazy, Kind::Random, Kind::Copier] {
            assert!(honest > incentive(other), "{name}: {miners:?}");
        }
        let quality: Vec<f64> = miners.iter().map(|(k, _)| f64::from(k.quality())).collect();
        let paid: Vec<f64> = miners.iter().map(|(_, i)| f64::from(*i)).collect();
        let rho = spearman(&quality, &paid);
        eprintln!("{name}: spearman {rho} over {miners:?}");
        assert!(rho >= 0.8, "{name}: spearman {rho} over {miners:?}");
    }
}

/// The python subnet: miners and validators on Bittensor's own SDK, as processes, talking to
/// the chain only through its Substrate-compatible RPC. Its honest miner out-earns the others
/// and incentive follows quality, as for the Rust subnets.
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
    let mut since = None;
    let deadline = Instant::now() + Duration::from_secs(420);
    let miners = loop {
        if let Some(miners) = judged(&client, &subnet, &mut since).await {
            break miners;
        }
        if Instant::now() > deadline {
            panic!("epochs with weights: {since:?}; {}", logs(state.path()));
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
