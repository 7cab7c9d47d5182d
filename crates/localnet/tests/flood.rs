//! A stranger without any key floods the honest miner's axon in a running localnet with
//! btauth/1 requests that claim the top validator's hotkey, carry a zeroed signature and never
//! send their body, from an address of its own. The axon checks signatures before it gives a
//! request a handler slot or a priority, so the honest miner's incentive stays within 10% of
//! what it earned before the attack.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::quick_args;
use plexus_axon::btauth::{
    HEADER_HOTKEY, HEADER_NONCE, HEADER_RECEIVER, HEADER_SIGNATURE, HEADER_VERSION,
};
use plexus_localnet::{Localnet, RunningSubnet};
use plexus_primitives::AccountId;
use plexus_rpc::types::MetagraphOptions;
use plexus_rpc::Client;
use plexus_subnet_kit::Kind;
use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::io::AsyncWriteExt;

/// Epochs averaged before the attack and during it.
const EPOCHS: usize = 8;

/// The attacker's own loopback address; the localnet's neurons use 127.0.0.1.
const ATTACKER: [u8; 4] = [127, 0, 0, 9];

/// The honest miner's incentive at each of the next `epochs` epochs.
async fn incentives(
    client: &Client,
    subnet: &RunningSubnet,
    miner: AccountId,
    epochs: usize,
) -> Vec<u16> {
    let mut seen = Vec::new();
    let mut last_epoch = None;
    let deadline = Instant::now() + Duration::from_secs(240);
    while seen.len() < epochs {
        assert!(Instant::now() < deadline, "epochs stopped coming: {seen:?}");
        tokio::time::sleep(Duration::from_millis(300)).await;
        let (Ok(Some(info)), Ok(Some(metagraph))) = (
            client.subnet(subnet.netuid, None).await,
            client
                .metagraph(subnet.netuid, MetagraphOptions::default(), None)
                .await,
        ) else {
            continue;
        };
        let epoch = info.summary.epoch_index;
        if last_epoch.is_some_and(|last| epoch > last) {
            let neuron = metagraph
                .neurons
                .iter()
                .find(|n| n.hotkey == miner)
                .unwrap();
            seen.push(neuron.incentive);
        }
        last_epoch = Some(epoch);
    }
    seen
}

/// Where `miner` serves, from the metagraph.
async fn axon_of(client: &Client, subnet: &RunningSubnet, miner: AccountId) -> SocketAddr {
    let metagraph = client
        .metagraph(subnet.netuid, MetagraphOptions::default(), None)
        .await
        .unwrap()
        .unwrap();
    let neuron = metagraph
        .neurons
        .iter()
        .find(|n| n.hotkey == miner)
        .unwrap();
    let axon = neuron.axon.as_ref().expect("the miner serves");
    SocketAddr::new(axon.ip.parse().unwrap(), axon.port)
}

/// Keeps connections open to `axon`, each with a fresh body-less request claiming `claimed`,
/// until `stop` is set; returns how many requests it sent.
async fn flood(
    axon: SocketAddr,
    claimed: AccountId,
    receiver: AccountId,
    stop: tokio::sync::watch::Receiver<bool>,
) -> usize {
    let mut held = Vec::new();
    let mut sent = 0;
    while !*stop.borrow() {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind(SocketAddr::from((ATTACKER, 0))).unwrap();
        let Ok(mut stream) = socket.connect(axon).await else {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        let nonce = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let head = format!(
            "POST /WeatherCommit HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n\
             content-length: 512\r\n{HEADER_VERSION}: 1\r\n{HEADER_HOTKEY}: {claimed}\r\n\
             {HEADER_RECEIVER}: {receiver}\r\n{HEADER_NONCE}: {nonce}\r\n\
             {HEADER_SIGNATURE}: 0x{}\r\n\r\n",
            "00".repeat(64)
        );
        if stream.write_all(head.as_bytes()).await.is_ok() {
            sent += 1;
            held.push(stream);
        }
        // Keep the newest connections: the axon closes the old ones at its body timeout.
        if held.len() > 256 {
            held.remove(0);
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    sent
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_a_keyless_flood_does_not_starve_the_honest_miner_slow() {
    let state = tempfile::tempdir().unwrap();
    let args = quick_args(state.path(), vec!["weather".into()], 5, 2);
    let localnet = Localnet::start(&args).await.unwrap();
    let client = Client::new(&localnet.rpc_url).unwrap();
    let subnet = localnet.subnets[0].clone();
    let honest = subnet
        .miners
        .iter()
        .find(|m| m.kind == Some(Kind::Honest))
        .unwrap()
        .hotkey;
    let claimed = subnet.validators[0].hotkey;

    // Rewards settle once every validator has set weights a few times.
    incentives(&client, &subnet, honest, EPOCHS).await;
    let before = incentives(&client, &subnet, honest, EPOCHS).await;

    let axon = axon_of(&client, &subnet, honest).await;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let flooding = tokio::spawn(flood(axon, claimed, honest, stopped));
    let during = incentives(&client, &subnet, honest, EPOCHS).await;
    stop.send(true).unwrap();
    let sent = flooding.await.unwrap();
    localnet.stop().await;

    let mean = |v: &[u16]| v.iter().map(|&i| f64::from(i)).sum::<f64>() / v.len() as f64;
    let (before_mean, during_mean) = (mean(&before), mean(&during));
    eprintln!("honest incentive before {before:?}, during {during:?}; {sent} flood requests");
    assert!(sent > 100, "the flood sent only {sent} requests");
    assert!(
        before_mean > 0.0,
        "the honest miner earned nothing before the attack"
    );
    assert!(
        (during_mean - before_mean).abs() <= before_mean / 10.0,
        "honest incentive before {before:?}, during {during:?}"
    );
}
