//! The validator loop against a real dev node run in this process: weights land on chain every
//! tempo, through commit-then-reveal while the subnet asks for it and directly once it does
//! not, and the better-scored miner gets the larger weight; and the example subnet end to end,
//! where real axons answer a real dendrite and the honest miner out-earns a wrong one.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use plexus_primitives::AccountId;
use plexus_rpc::types::MetagraphOptions;
use plexus_runtime::{Call, GovernanceCall, Hyperparameter};
use plexus_sdk::{
    run_validator, Metagraph, Round, Submitter, Validator, ValidatorError, ValidatorSettings,
};
use plexus_testkit::{create_subnet, key, register, stake, DevNode};
use std::net::{SocketAddr, TcpListener};

// The example subnet's own code, exercised here as its users would run it.
#[allow(dead_code)]
#[path = "../examples/double.rs"]
mod double;
use std::time::{Duration, Instant};

/// Rewards fixed per hotkey, changeable between phases of the test; counts its rounds and
/// keeps the kind of each weight failure it is told of.
struct Fixed {
    rewards: Vec<(AccountId, f64)>,
    rounds: usize,
    failures: Vec<String>,
}

impl Fixed {
    fn new(rewards: Vec<(AccountId, f64)>) -> Self {
        Self {
            rewards,
            rounds: 0,
            failures: Vec::new(),
        }
    }
}

impl Validator for Fixed {
    async fn forward(&mut self, round: Round<'_>) -> Vec<(u16, f64)> {
        self.rounds += 1;
        self.rewards
            .iter()
            .filter_map(|(hotkey, reward)| Some((round.snapshot.uid(hotkey)?, *reward)))
            .collect()
    }

    fn weights_failed(&mut self, error: &ValidatorError) {
        self.failures.push(match error {
            ValidatorError::NoPermit { .. } => "no_permit".into(),
            other => other.to_string(),
        });
    }
}

/// The validator's weight row on chain, as (hotkey, weight).
async fn weights_of(
    chain: &Submitter,
    netuid: u16,
    validator: &AccountId,
) -> Vec<(AccountId, u16)> {
    let options = MetagraphOptions {
        weights: true,
        bonds: false,
    };
    let metagraph = chain
        .client()
        .metagraph(netuid, options, None)
        .await
        .unwrap()
        .unwrap();
    let me = metagraph
        .neurons
        .iter()
        .find(|n| n.hotkey == *validator)
        .unwrap();
    me.weights
        .clone()
        .unwrap_or_default()
        .into_iter()
        .map(|(uid, w)| (metagraph.neurons[usize::from(uid)].hotkey, w))
        .collect()
}

fn weight(row: &[(AccountId, u16)], hotkey: &AccountId) -> u16 {
    row.iter().find(|(h, _)| h == hotkey).map_or(0, |(_, w)| *w)
}

/// Runs the validator loop until `watch` finishes, then stops it after its round; what
/// `watch` returned.
async fn run_while<T>(
    chain: &Submitter,
    validator: &plexus_sdk::keys::Keypair,
    metagraph: &Metagraph,
    settings: &ValidatorSettings,
    logic: &mut Fixed,
    watch: impl std::future::Future<Output = T>,
) -> T {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let run = run_validator(chain, validator, metagraph, settings, logic, async {
        let _ = stopped.await;
    });
    let (result, seen) = tokio::join!(run, async {
        let seen = watch.await;
        let _ = stop.send(());
        seen
    });
    result.unwrap();
    seen
}

/// A dev node with a subnet of tempo 8 (weights rate limit 4, reveal period 1, commit-reveal
/// on, and `timelocked` weights or not), Bob's validator hotkey staked on it and Charlie's good
/// and bad miners registered, followed by a metagraph; and the validator's settings.
struct Setup {
    node: DevNode,
    chain: Submitter,
    alice: plexus_sdk::keys::Keypair,
    netuid: u16,
    validator: plexus_sdk::keys::Keypair,
    good: plexus_sdk::keys::Keypair,
    bad: plexus_sdk::keys::Keypair,
    metagraph: Metagraph,
    settings: ValidatorSettings,
    _state: tempfile::TempDir,
}

async fn setup(timelocked: bool) -> Setup {
    let (alice, bob, charlie) = (key("//Alice"), key("//Bob"), key("//Charlie"));
    let node = DevNode::start(&[alice.account(), bob.account(), charlie.account()]);
    let chain = node.connect().await;
    let (validator, good, bad) = (
        key("//Bob//validator"),
        key("//Charlie//good"),
        key("//Charlie//bad"),
    );
    let mut hyperparameters = vec![
        Hyperparameter::Tempo(8),
        Hyperparameter::WeightsRateLimit(4),
        Hyperparameter::CommitReveal(true),
        Hyperparameter::RevealPeriodEpochs(1),
    ];
    if timelocked {
        hyperparameters.push(Hyperparameter::TimelockedWeights(true));
    }
    let netuid = create_subnet(
        &chain,
        &alice,
        key("//Alice//owner").account(),
        &hyperparameters,
    )
    .await;
    register(&chain, &bob, netuid, &[validator.account()]).await;
    register(&chain, &charlie, netuid, &[good.account(), bad.account()]).await;
    stake(&chain, &bob, netuid, validator.account(), 1_000).await;
    let metagraph = Metagraph::follow(&node.url, netuid).await.unwrap();
    let state = tempfile::tempdir().unwrap();
    let settings = ValidatorSettings {
        netuid,
        moving_average_alpha: 0.5,
        state_path: state.path().join("validator.json"),
        version_key: 0,
        round_interval: Duration::from_millis(200),
    };
    Setup {
        node,
        chain,
        alice,
        netuid,
        validator,
        good,
        bad,
        metagraph,
        settings,
        _state: state,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_weights_land_every_tempo_through_commit_reveal_and_directly() {
    let Setup {
        node: _node,
        chain,
        alice,
        netuid,
        validator,
        good,
        bad,
        metagraph,
        settings,
        _state,
    } = setup(false).await;
    let mut logic = Fixed::new(vec![(good.account(), 1.0), (bad.account(), 0.1)]);

    // Phase 1, commit-reveal: the committed row appears only once revealed.
    let (v, g, b) = (validator.account(), good.account(), bad.account());
    let watch = async {
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            let row = weights_of(&chain, netuid, &v).await;
            if weight(&row, &g) > 0 {
                return row;
            }
            assert!(Instant::now() < deadline, "no weights revealed");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    let row = run_while(&chain, &validator, &metagraph, &settings, &mut logic, watch).await;
    assert_eq!(weight(&row, &g), u16::MAX);
    assert!(weight(&row, &b) < u16::MAX / 5, "{row:?}");
    let revealed = chain
        .client()
        .metagraph(netuid, MetagraphOptions::default(), None)
        .await
        .unwrap()
        .unwrap();
    let first_update = revealed
        .neurons
        .iter()
        .find(|n| n.hotkey == v)
        .unwrap()
        .last_update;

    // Phase 2, direct weights after the subnet turns commit-reveal off; the miners' fortunes
    // turn, and the scores saved by phase 1 carry over.
    let call = Call::Governance(GovernanceCall::SetHyperparameter {
        netuid,
        value: Hyperparameter::CommitReveal(false),
    });
    chain.submit(&alice, call).await.unwrap();
    logic.rewards = vec![(good.account(), 0.0), (bad.account(), 1.0)];
    let watch = async {
        let deadline = Instant::now() + Duration::from_secs(90);
        let mut updates = Vec::new();
        loop {
            let metagraph = chain
                .client()
                .metagraph(netuid, MetagraphOptions::default(), None)
                .await
                .unwrap()
                .unwrap();
            let last = metagraph
                .neurons
                .iter()
                .find(|n| n.hotkey == v)
                .unwrap()
                .last_update;
            if last != first_update && !updates.contains(&last) {
                updates.push(last);
            }
            let row = weights_of(&chain, netuid, &v).await;
            if updates.len() >= 2 && weight(&row, &b) == u16::MAX {
                return (updates, row);
            }
            assert!(
                Instant::now() < deadline,
                "direct weights: {updates:?} {row:?}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    let (updates, row) =
        run_while(&chain, &validator, &metagraph, &settings, &mut logic, watch).await;
    assert!(weight(&row, &g) < u16::MAX / 2, "{row:?}");
    // Once per tempo (8 blocks), never faster.
    for pair in updates.windows(2) {
        assert!(pair[1] >= pair[0] + 8, "{updates:?}");
    }
    assert_eq!(logic.failures, Vec::<String>::new());
}

/// On a subnet that timelocks weights, the loop seals them to a view a tempo ahead; the row is
/// invisible until the chain opens it with that view's seed, and the chain's randomness checks
/// against its group key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_timelocked_weights_are_sealed_by_the_loop_and_opened_by_the_chain() {
    let Setup {
        node: _node,
        chain,
        netuid,
        validator,
        good,
        bad,
        metagraph,
        settings,
        _state,
        ..
    } = setup(true).await;
    let mut logic = Fixed::new(vec![(good.account(), 1.0), (bad.account(), 0.1)]);
    let v = validator.account();
    let client = chain.client();
    let watch = async {
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut committed_at = None;
        let mut from = 1;
        loop {
            let head = client.finalized_head().await.unwrap().number;
            for height in from..=head {
                let block = client
                    .block(plexus_rpc::types::BlockId::Number(height))
                    .await
                    .unwrap()
                    .unwrap();
                for record in &block.events {
                    match &record.event {
                        plexus_rpc::types::Event::TimelockedWeightsCommitted { hotkey, .. }
                            if *hotkey == v =>
                        {
                            committed_at.get_or_insert(height);
                        }
                        plexus_rpc::types::Event::TimelockedWeightsRevealed { hotkey, .. }
                            if *hotkey == v =>
                        {
                            assert_eq!(record.phase, plexus_rpc::types::Phase::Finalization);
                            return (committed_at.expect("committed before revealed"), height);
                        }
                        _ => {}
                    }
                }
                if committed_at.is_some() && height < head {
                    // Sealed, not yet opened: nothing of the row is visible.
                    let row = weights_of(&chain, netuid, &v).await;
                    assert!(row.is_empty() || committed_at == Some(height), "{row:?}");
                }
            }
            from = head + 1;
            assert!(Instant::now() < deadline, "no timelocked weights opened");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    let (committed, revealed) =
        run_while(&chain, &validator, &metagraph, &settings, &mut logic, watch).await;
    assert!(revealed > committed, "{committed} {revealed}");
    let row = weights_of(&chain, netuid, &v).await;
    assert_eq!(weight(&row, &good.account()), u16::MAX);
    assert!(weight(&row, &bad.account()) < u16::MAX / 5, "{row:?}");
    // Before the first epoch hands out permits the loop may report it has none; nothing else.
    assert!(
        logic.failures.iter().all(|f| f == "no_permit"),
        "{:?}",
        logic.failures
    );

    // The beacon at the reveal's height verifies against the group key the chain reports, and
    // its value is the hash of the signature.
    let info = client.info().await.unwrap();
    let randomness = client.randomness(revealed).await.unwrap().unwrap();
    assert_eq!(Some(&randomness.group_key), info.group_key.as_ref());
    let round = plexus_timelock::Round {
        epoch: randomness.epoch,
        view: randomness.view,
    };
    assert!(plexus_timelock::verify_seed(
        &randomness.group_key,
        &randomness.namespace,
        round,
        &randomness.signature
    ));
    let other = plexus_timelock::Round {
        epoch: 0,
        view: randomness.view + 1,
    };
    assert!(!plexus_timelock::verify_seed(
        &randomness.group_key,
        &randomness.namespace,
        other,
        &randomness.signature
    ));
    let signature: [u8; 48] = randomness.signature.as_slice().try_into().unwrap();
    assert_eq!(randomness.randomness.0, plexus_timelock::beacon(&signature));
    assert_eq!(client.randomness(0).await.unwrap(), None);
    // The metagraph hands out the same value, checked, only when asked.
    assert_eq!(
        metagraph.randomness(revealed).await.unwrap(),
        Some(randomness.randomness)
    );
    assert_eq!(metagraph.randomness(0).await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_example_subnet_pays_the_honest_miner_more() {
    let (alice, bob, charlie) = (key("//Alice"), key("//Bob"), key("//Charlie"));
    let node = DevNode::start(&[alice.account(), bob.account(), charlie.account()]);
    let chain = node.connect().await;
    let (validator, honest, wrong) = (
        key("//Bob//validator"),
        key("//Charlie//honest"),
        key("//Charlie//wrong"),
    );
    let netuid = create_subnet(
        &chain,
        &alice,
        key("//Alice//owner").account(),
        &[
            Hyperparameter::CommitReveal(false),
            Hyperparameter::WeightsRateLimit(2),
            Hyperparameter::Tempo(6),
        ],
    )
    .await;
    register(&chain, &bob, netuid, &[validator.account()]).await;
    register(
        &chain,
        &charlie,
        netuid,
        &[honest.account(), wrong.account()],
    )
    .await;
    stake(&chain, &bob, netuid, validator.account(), 1_000).await;
    let metagraph = Metagraph::follow(&node.url, netuid).await.unwrap();

    // Two miners on 127.0.0.2 (the chain refuses 127.0.0.1 as an axon address, as Bittensor's
    // does; the whole 127/8 block is loopback).
    let mut axons = Vec::new();
    for (uri, is_honest) in [("//Charlie//honest", true), ("//Charlie//wrong", false)] {
        let port = TcpListener::bind("127.0.0.2:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let address: SocketAddr = format!("127.0.0.2:{port}").parse().unwrap();
        let mut settings = plexus_sdk::MinerSettings::new(netuid, address, 1);
        settings.external_ip = Some(address.ip());
        let miner = double::DoubleMiner { honest: is_honest };
        let miner_chain = Submitter::connect(&node.url).await.unwrap();
        let running =
            plexus_sdk::serve_miner(miner_chain, key(uri), metagraph.clone(), settings, miner)
                .await
                .unwrap();
        axons.push(running);
    }

    let state = tempfile::tempdir().unwrap();
    let settings = ValidatorSettings {
        netuid,
        moving_average_alpha: 0.5,
        state_path: state.path().join("double.json"),
        version_key: 0,
        round_interval: Duration::from_millis(200),
    };
    let mut logic = double::DoubleValidator {
        dendrite: plexus_axon::Dendrite::new(key("//Bob//validator"), 16),
    };
    let (v, h, w) = (validator.account(), honest.account(), wrong.account());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let watch = async {
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut updates = Vec::new();
        loop {
            let m = chain
                .client()
                .metagraph(netuid, MetagraphOptions::default(), None)
                .await
                .unwrap()
                .unwrap();
            let neuron = |k: &AccountId| m.neurons.iter().find(|n| n.hotkey == *k).unwrap().clone();
            let last = neuron(&v).last_update;
            if last != 0 && !updates.contains(&last) {
                updates.push(last);
            }
            if updates.len() >= 3 && neuron(&h).incentive > neuron(&w).incentive {
                let _ = stop.send(());
                return (updates, neuron(&h).incentive, neuron(&w).incentive);
            }
            assert!(Instant::now() < deadline, "weights {updates:?}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    let run = run_validator(
        &chain,
        &validator,
        &metagraph,
        &settings,
        &mut logic,
        async {
            let _ = stopped.await;
        },
    );
    let (result, (updates, honest_incentive, wrong_incentive)) = tokio::join!(run, watch);
    result.unwrap();
    // Weights every tempo (6 blocks), never faster; the honest miner earns, the wrong one not.
    for pair in updates.windows(2) {
        assert!(pair[1] >= pair[0] + 6, "{updates:?}");
    }
    assert!(honest_incentive > u16::MAX / 2, "{honest_incentive}");
    assert_eq!(wrong_incentive, 0);
    drop(axons);
}

/// The tempo of the subnet whose weights fail: long enough (8 s) for the test to act between
/// two epochs.
const TEMPO: u64 = 40;

/// Everything logged on this thread while the guard lives.
#[derive(Clone, Default)]
struct Logs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn capture(&self) -> tracing::subscriber::DefaultGuard {
        let logs = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(move || logs.clone())
            .finish();
        tracing::subscriber::set_default(subscriber)
    }

    /// The error lines that mention `text`.
    fn errors_with(&self, text: &str) -> usize {
        let logs = String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned();
        logs.lines()
            .filter(|l| l.contains("ERROR") && l.contains("setting weights failed"))
            .filter(|l| l.contains(text))
            .count()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_weights_refused_or_without_a_permit_are_logged_as_errors_and_reported() {
    let (alice, bob) = (key("//Alice"), key("//Bob"));
    let node = DevNode::start(&[alice.account(), bob.account()]);
    let chain = node.connect().await;
    let (refused, unpermitted, miner) = (
        key("//Bob//refused"),
        key("//Bob//unpermitted"),
        key("//Bob//miner"),
    );
    let netuid = create_subnet(
        &chain,
        &alice,
        key("//Alice//owner").account(),
        &[
            Hyperparameter::CommitReveal(false),
            Hyperparameter::Tempo(TEMPO as u16),
            Hyperparameter::WeightsRateLimit(0),
        ],
    )
    .await;
    let hotkeys = [refused.account(), unpermitted.account(), miner.account()];
    register(&chain, &bob, netuid, &hotkeys).await;
    stake(&chain, &bob, netuid, refused.account(), 1_000).await;
    let metagraph = Metagraph::follow(&node.url, netuid).await.unwrap();

    // The chain's stake threshold is raised above `refused`'s stake just after an epoch that
    // left it a permit, once its weights are due: the validator sees a permit and due weights,
    // and the chain refuses them, until the next epoch takes the permit away.
    let mut watched = metagraph.clone();
    let mut snapshot = watched.snapshot();
    let deadline = Instant::now() + Duration::from_secs(90);
    let epoch = loop {
        let me = snapshot
            .neuron(snapshot.uid(&refused.account()).unwrap())
            .unwrap();
        if me.validator_permit && snapshot.block() >= me.last_update + TEMPO {
            break snapshot.subnet.summary.epoch_index;
        }
        assert!(Instant::now() < deadline, "no permit");
        snapshot = watched.newer_than(snapshot.block()).await;
    };
    while snapshot.subnet.summary.epoch_index == epoch {
        assert!(Instant::now() < deadline, "no epoch");
        snapshot = watched.newer_than(snapshot.block()).await;
    }
    let mut params = chain.client().info().await.unwrap().params;
    params.stake_threshold = u64::MAX;
    let call = Call::Governance(GovernanceCall::SetChainParams(params));
    chain.submit(&alice, call).await.unwrap();

    let state = tempfile::tempdir().unwrap();
    let settings = |name: &str| ValidatorSettings {
        netuid,
        moving_average_alpha: 0.5,
        state_path: state.path().join(name),
        version_key: 0,
        round_interval: Duration::from_millis(100),
    };
    let (refused_settings, unpermitted_settings) = (settings("refused"), settings("unpermitted"));
    let mut refused_logic = Fixed::new(vec![(miner.account(), 1.0)]);
    let mut unpermitted_logic = Fixed::new(vec![(miner.account(), 1.0)]);
    let logs = Logs::default();
    let _capture = logs.capture();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let until_stopped = || {
        let mut stopped = stopped.clone();
        async move {
            let _ = stopped.wait_for(|s| *s).await;
        }
    };
    let watch = async {
        let deadline = Instant::now() + Duration::from_secs(60);
        while logs.errors_with("below the threshold") < 2
            || logs.errors_with("no validator permit") < 1
        {
            assert!(
                Instant::now() < deadline,
                "no errors logged: {}",
                String::from_utf8_lossy(&logs.0.lock().unwrap())
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // Long enough for many rounds, well within the tempo.
        tokio::time::sleep(Duration::from_secs(1)).await;
        let _ = stop.send(true);
    };
    let (refused_run, unpermitted_run, ()) = tokio::join!(
        run_validator(
            &chain,
            &refused,
            &metagraph,
            &refused_settings,
            &mut refused_logic,
            until_stopped(),
        ),
        run_validator(
            &chain,
            &unpermitted,
            &metagraph,
            &unpermitted_settings,
            &mut unpermitted_logic,
            until_stopped(),
        ),
        watch,
    );
    refused_run.unwrap();
    unpermitted_run.unwrap();

    // Each refusal was reported with the chain's reason, as often as it was logged; the loop
    // kept going.
    assert!(refused_logic.failures.len() >= 2);
    assert!(
        refused_logic
            .failures
            .iter()
            .all(|e| e.starts_with("setting weights: ") && e.contains("below the threshold")),
        "{:?}",
        refused_logic.failures
    );
    assert_eq!(
        logs.errors_with("below the threshold"),
        refused_logic.failures.len()
    );
    // Without a permit nothing is sent; the loop says so once per tempo, not every round.
    assert_eq!(unpermitted_logic.failures, vec!["no_permit".to_string()]);
    assert!(
        unpermitted_logic.rounds >= 10,
        "{}",
        unpermitted_logic.rounds
    );
    assert_eq!(logs.errors_with("no validator permit"), 1);
    for hotkey in [refused.account(), unpermitted.account()] {
        assert_eq!(weights_of(&chain, netuid, &hotkey).await, Vec::new());
    }
}
