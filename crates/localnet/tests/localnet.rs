//! A shortened localnet end to end: the real chain, the default subnets (weather, code and
//! embeddings, whose model is fetched first if it is not cached), real axons and dendrites on
//! loopback. After several epochs, read through RPC, every subnet pays its
//! honest miner more than its lazy, random and copying ones, and incentive follows the
//! miners' designed quality (Spearman correlation at least 0.8).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/judge.rs"]
mod judge;

use common::quick_args;
use judge::{spearman, Judge};
use plexus_localnet::{Localnet, DEFAULT_SUBNETS};
use plexus_rpc::Client;
use plexus_subnet_kit::Kind;
use std::time::{Duration, Instant};

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
    let mut judges: Vec<Judge> = localnet.subnets.iter().map(|_| Judge::default()).collect();
    let mut results = vec![None; localnet.subnets.len()];
    let deadline = Instant::now() + Duration::from_secs(300);
    while results.iter().any(Option::is_none) {
        for (index, subnet) in localnet.subnets.iter().enumerate() {
            if results[index].is_none() {
                results[index] = judges[index].judged(&client, subnet).await;
            }
        }
        assert!(Instant::now() < deadline, "epochs with weights: {judges:?}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // Each subnet's second validator validated with weight lent by its first (a child
    // hotkey), and the first also staked TAO on root, whose dividends the block step claims
    // and stakes on root.
    for subnet in &localnet.subnets {
        let metagraph = client
            .metagraph(subnet.netuid, Default::default(), None)
            .await
            .unwrap()
            .unwrap();
        let neuron = |hotkey| {
            metagraph
                .neurons
                .iter()
                .find(|n| n.hotkey == hotkey)
                .unwrap()
        };
        let (first, second) = (subnet.validators[0].hotkey, subnet.validators[1].hotkey);
        assert_eq!(neuron(second).stake, 0, "{}", subnet.name);
        assert_eq!(neuron(second).parents[0].hotkey, first, "{}", subnet.name);
        assert!(neuron(second).validator_permit, "{}", subnet.name);
        assert!(neuron(first).root_stake > 0, "{}", subnet.name);
    }
    let root = client.root(None).await.unwrap();
    let initial = 1_000 * 1_000_000_000 * localnet.subnets.len() as u64;
    eprintln!(
        "root: {} rao staked, {} at setup; {:?}",
        root.total_tao, initial, root.subnets
    );
    assert!(
        root.total_tao > initial,
        "no root dividends were claimed: {root:?}"
    );
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
