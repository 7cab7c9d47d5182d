//! The language-model subnets end to end: the real chain, the text-generation subnet (SmolLM2
//! fetched first if it is not cached) and the training subnet, real axons and dendrites on
//! loopback. After several epochs, read through RPC, each subnet's honest miner out-earns its
//! mediocre one, which out-earns the lazy, random and copying ones (Spearman correlation of
//! incentive with designed quality at least 0.8), and the training subnet's shared model, as
//! its validators publish it on chain, loses held-out loss over at least ten rounds.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/judge.rs"]
mod judge;

use common::quick_args;
use judge::{spearman, Judge};
use plexus_localnet::Localnet;
use plexus_rpc::series::Series;
use plexus_rpc::Client;
use plexus_subnet_kit::Kind;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_language_model_subnets_pay_for_quality_slow() {
    let state = tempfile::tempdir().unwrap();
    let args = quick_args(
        state.path(),
        vec!["textgen".into(), "training".into()],
        5,
        2,
    );
    let localnet = Localnet::start(&args).await.unwrap();
    assert_eq!(localnet.skipped, Vec::<(String, String)>::new());
    let client = Client::new(&localnet.rpc_url).unwrap();
    let started = Instant::now();
    // Ten rounds of training first: judged only once the validators' scores have seen them.
    let training = localnet
        .subnets
        .iter()
        .find(|s| s.name == "training")
        .unwrap();
    let curve = loop {
        let commitments = client
            .commitments(training.netuid, Some(training.validators[0].hotkey), None)
            .await
            .unwrap();
        let series = commitments
            .commitments
            .first()
            .and_then(|c| c.fields.iter().find_map(Series::from_field));
        if let Some(series) = series.as_ref().filter(|s| s.points.len() > 10) {
            break series.values();
        }
        assert!(
            started.elapsed() < Duration::from_secs(900),
            "ten training rounds: {series:?}"
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
    };
    eprintln!("held-out loss by round: {curve:?}");
    let mut judges: Vec<Judge> = localnet.subnets.iter().map(|_| Judge::default()).collect();
    let mut results = vec![None; localnet.subnets.len()];
    while results.iter().any(Option::is_none) {
        for (index, subnet) in localnet.subnets.iter().enumerate() {
            if results[index].is_none() {
                results[index] = judges[index].judged(&client, subnet).await;
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(900),
            "epochs with weights: {judges:?}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    eprintln!("judged after {:?}", started.elapsed());
    let names: Vec<String> = localnet.subnets.iter().map(|s| s.name.clone()).collect();
    localnet.stop().await;

    // Falling over ten rounds: lower at the end than at the start, and lower after every
    // five rounds than before them.
    let (first, last) = (curve[0].1, curve[curve.len() - 1].1);
    assert!(last < first - 0.5, "{curve:?}");
    assert!(curve.windows(6).all(|w| w[5].1 < w[0].1), "{curve:?}");
    for (name, miners) in names.iter().zip(results) {
        let miners = miners.unwrap();
        let incentive = |kind| miners.iter().find(|(k, _)| *k == kind).unwrap().1;
        let honest = incentive(Kind::Honest);
        for other in [Kind::Mediocre, Kind::Lazy, Kind::Random, Kind::Copier] {
            assert!(honest > incentive(other), "{name}: {miners:?}");
        }
        let quality: Vec<f64> = miners.iter().map(|(k, _)| f64::from(k.quality())).collect();
        let paid: Vec<f64> = miners.iter().map(|(_, i)| f64::from(*i)).collect();
        let rho = spearman(&quality, &paid);
        eprintln!("{name}: spearman {rho} over {miners:?}");
        assert!(rho >= 0.8, "{name}: spearman {rho} over {miners:?}");
    }
}
