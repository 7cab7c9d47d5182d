//! The miner's side against a real dev node run in this process: who the metagraph gate
//! admits and in what order, and the axon's address kept on chain.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use plexus_axon::{Dendrite, Gate, Scheme, Target};
use plexus_rpc::types::{AxonEndpoint, MetagraphOptions};
use plexus_runtime::{Call, Hyperparameter};
use plexus_sdk::{serve_miner, Metagraph, MetagraphGate, MinerError, Submitter};
use plexus_sdk::{MinerSettings, Snapshot};
use plexus_testkit::{create_subnet, key, register, stake, DevNode};
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::time::{Duration, Instant};

// The example subnet's miner, as its users would run it.
#[allow(dead_code)]
#[path = "../examples/double.rs"]
mod double;

/// A free port on 127.0.0.2, an address the chain accepts for an axon (it refuses 127.0.0.1,
/// as Bittensor's does).
fn free_address() -> SocketAddr {
    let port = TcpListener::bind("127.0.0.2:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    SocketAddr::from(([127, 0, 0, 2], port))
}

async fn wait_for(
    metagraph: &mut Metagraph,
    what: &str,
    done: impl Fn(&Snapshot) -> bool,
) -> std::sync::Arc<Snapshot> {
    let deadline = Instant::now() + Duration::from_secs(90);
    let mut snapshot = metagraph.snapshot();
    while !done(&snapshot) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        snapshot = tokio::time::timeout(
            Duration::from_secs(5),
            metagraph.newer_than(snapshot.block()),
        )
        .await
        .unwrap_or_else(|_| metagraph.snapshot());
    }
    snapshot
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_metagraph_gate_admits_by_permit_and_stake_and_ranks_by_stake() {
    let (alice, bob) = (key("//Alice"), key("//Bob"));
    let node = DevNode::start(&[alice.account(), bob.account()]);
    let chain = node.connect().await;
    let (big, small, unstaked, miner) = (
        key("//Bob//big"),
        key("//Bob//small"),
        key("//Bob//unstaked"),
        key("//Bob//miner"),
    );
    let netuid = create_subnet(
        &chain,
        &alice,
        key("//Alice//owner").account(),
        &[Hyperparameter::Tempo(6)],
    )
    .await;
    let hotkeys = [big.account(), small.account(), unstaked.account()];
    register(&chain, &bob, netuid, &hotkeys).await;
    register(&chain, &bob, netuid, &[miner.account()]).await;
    stake(&chain, &bob, netuid, big.account(), 1_000).await;
    stake(&chain, &bob, netuid, small.account(), 10).await;
    let mut metagraph = Metagraph::follow(&node.url, netuid).await.unwrap();

    // Permits go to the staked at the next epoch; an unstaked neuron gets none.
    let permit = |s: &Snapshot, k: &plexus_primitives::AccountId| {
        s.uid(k)
            .and_then(|uid| s.neuron(uid))
            .is_some_and(|n| n.validator_permit)
    };
    let snapshot = wait_for(&mut metagraph, "permits", |s| {
        permit(s, &big.account()) && permit(s, &small.account())
    })
    .await;
    assert!(!permit(&snapshot, &unstaked.account()));
    let stake_of = |k: &plexus_primitives::AccountId| {
        snapshot
            .neuron(snapshot.uid(k).unwrap())
            .unwrap()
            .total_stake
    };
    let (big_stake, small_stake) = (stake_of(&big.account()), stake_of(&small.account()));
    assert!(big_stake > small_stake && small_stake > 0);
    assert_eq!(stake_of(&unstaked.account()), 0);

    let stranger = key("//Bob//stranger").account();
    let registered = MetagraphGate::registered(metagraph.clone());
    for hotkey in &hotkeys {
        assert_eq!(registered.admit(hotkey), Ok(()));
    }
    assert_eq!(
        registered.admit(&stranger),
        Err("not registered on this subnet".into())
    );

    let mut permitted = registered.clone();
    permitted.require_permit = true;
    assert_eq!(permitted.admit(&big.account()), Ok(()));
    assert_eq!(permitted.admit(&small.account()), Ok(()));
    assert_eq!(
        permitted.admit(&unstaked.account()),
        Err("no validator permit".into())
    );

    let mut staked = registered.clone();
    staked.min_stake = small_stake + 1;
    assert_eq!(staked.admit(&big.account()), Ok(()));
    assert_eq!(
        staked.admit(&small.account()),
        Err(format!(
            "stake {small_stake} below the minimum {}",
            small_stake + 1
        ))
    );
    assert!(staked.admit(&unstaked.account()).is_err());

    assert_eq!(registered.priority(&big.account()), big_stake);
    assert_eq!(registered.priority(&small.account()), small_stake);
    assert_eq!(registered.priority(&unstaked.account()), 0);
    assert_eq!(registered.priority(&stranger), 0);

    // Root stake counts too, by the chain's tao_weight: the gate ranks callers by the stake
    // weight Yuma gives them, not by their alpha alone.
    stake(
        &chain,
        &bob,
        plexus_runtime::ROOT_NETUID,
        small.account(),
        100,
    )
    .await;
    let snapshot = wait_for(&mut metagraph, "root stake", |s| {
        s.neuron(s.uid(&small.account()).unwrap())
            .is_some_and(|n| n.root_stake > 0)
    })
    .await;
    let n = snapshot
        .neuron(snapshot.uid(&small.account()).unwrap())
        .unwrap();
    // ⌊tao_weight × 2³² / (2⁶⁴ − 1)⌋ = 226_245_882 at the chain's default.
    let weighted = u64::try_from((u128::from(n.root_stake) * 226_245_882) >> 32).unwrap();
    assert_eq!(n.root_stake, 100 * 1_000_000_000);
    assert_eq!(n.total_stake, n.stake + weighted);
    assert_eq!(registered.priority(&small.account()), n.total_stake);
    assert!(n.total_stake > small_stake);

    // The same rules on a served miner, over the wire: 403 for the caller without a permit.
    let address = free_address();
    let mut settings = MinerSettings::new(netuid, address, 1);
    settings.external_ip = Some(address.ip());
    settings.require_permit = true;
    let miner_chain = Submitter::connect(&node.url).await.unwrap();
    let miner_key = key("//Bob//miner");
    let _axon = serve_miner(
        miner_chain,
        miner_key,
        metagraph.clone(),
        settings,
        double::DoubleMiner { honest: true },
    )
    .await
    .unwrap();
    let target = Target {
        ip: address.ip(),
        port: address.port(),
        hotkey: miner.account(),
    };
    let task = double::Double {
        input: 21,
        output: None,
    };
    let timeout = Duration::from_secs(5);
    let answer = Dendrite::new(key("//Bob//big"), 1)
        .call(&target, &task, timeout)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.message);
    assert_eq!(answer.synapse.unwrap().output, Some(42));
    let answer = Dendrite::new(key("//Bob//unstaked"), 1)
        .call(&target, &task, timeout)
        .await;
    assert_eq!(answer.status, 403, "{}", answer.message);
    // A hotkey not registered on the subnet, in either scheme.
    for scheme in [Scheme::Synapse, Scheme::BtAuth] {
        let answer = Dendrite::new(key("//Bob//stranger"), 1)
            .with_scheme(scheme)
            .call(&target, &task, timeout)
            .await;
        assert_eq!(answer.status, 403, "{scheme:?}: {}", answer.message);
        assert!(
            answer.message.contains("not registered on this subnet"),
            "{}",
            answer.message
        );
    }
}

/// The miner's axon as the chain records it.
async fn published(
    chain: &Submitter,
    netuid: u16,
    hotkey: &plexus_primitives::AccountId,
) -> Option<AxonEndpoint> {
    let metagraph = chain
        .client()
        .metagraph(netuid, MetagraphOptions::default(), None)
        .await
        .unwrap()
        .unwrap();
    metagraph
        .neurons
        .into_iter()
        .find(|n| n.hotkey == *hotkey)
        .and_then(|n| n.axon)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_miner_keeps_its_address_on_chain_and_finds_it_from_the_route_to_the_node() {
    let (alice, bob) = (key("//Alice"), key("//Bob"));
    let node = DevNode::start(&[alice.account(), bob.account()]);
    let chain = node.connect().await;
    let miner = key("//Bob//miner");
    let netuid = create_subnet(
        &chain,
        &alice,
        key("//Alice//owner").account(),
        &[Hyperparameter::ServingRateLimit(0)],
    )
    .await;
    register(&chain, &bob, netuid, &[miner.account()]).await;
    let metagraph = Metagraph::follow(&node.url, netuid).await.unwrap();

    // No external IP: the address towards the node, here loopback's 127.0.0.1, which the
    // chain refuses; the error says which address and why.
    let listen = SocketAddr::from(([127, 0, 0, 2], 0));
    let error = serve_miner(
        Submitter::connect(&node.url).await.unwrap(),
        key("//Bob//miner"),
        metagraph.clone(),
        MinerSettings::new(netuid, listen, 1),
        double::DoubleMiner { honest: true },
    )
    .await
    .map(|_| ())
    .unwrap_err();
    // The node refuses it before it reaches a block.
    let MinerError::Serve { address, .. } = &error else {
        panic!("{error}");
    };
    assert_eq!(address.ip(), IpAddr::from([127, 0, 0, 1]));
    assert_ne!(address.port(), 0, "the port the axon got");
    assert!(error.to_string().contains("invalid ip address"), "{error}");
    assert!(error.to_string().contains("127.0.0.1:"), "{error}");

    // An external IP is published as given, with the port the axon listens on.
    let address = free_address();
    let mut settings = MinerSettings::new(netuid, address, 1);
    settings.external_ip = Some(address.ip());
    settings.check_interval = Duration::from_millis(300);
    let _axon = serve_miner(
        Submitter::connect(&node.url).await.unwrap(),
        key("//Bob//miner"),
        metagraph.clone(),
        settings,
        double::DoubleMiner { honest: true },
    )
    .await
    .unwrap();
    let axon = published(&chain, netuid, &miner.account()).await.unwrap();
    assert_eq!((axon.ip.as_str(), axon.port), ("127.0.0.2", address.port()));

    // When the chain's record changes behind the miner's back, the miner puts it right.
    let call = Call::ServeAxon {
        netuid,
        version: 1,
        ip: u128::from(u32::from(std::net::Ipv4Addr::new(127, 0, 0, 3))),
        port: 1234,
        ip_type: 4,
        protocol: 4,
    };
    let tampered = chain.submit(&miner, call).await.unwrap().block_number;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let axon = published(&chain, netuid, &miner.account()).await.unwrap();
        if axon.block > tampered {
            assert_eq!((axon.ip.as_str(), axon.port), ("127.0.0.2", address.port()));
            break;
        }
        assert!(Instant::now() < deadline, "not restored: {axon:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
