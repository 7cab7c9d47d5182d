//! The chain commands of `plexus` (balance, transfer, subnets, register, axon, stake, weights)
//! run as a user runs them, against a real `plexus node run --dev` process on loopback; every
//! effect is checked through the node's RPC, and `--json` output is parsed.

use crate::util::{free_port, Env, Run};
use plexus_primitives::{AccountId, RAO_PER_TAO};
use plexus_rpc::types::MetagraphOptions;
use plexus_rpc::Client;
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A one-validator dev chain (`plexus node run --dev`); killed when dropped.
pub(crate) struct DevChain {
    child: Child,
    pub(crate) url: String,
    log: PathBuf,
}

impl DevChain {
    pub(crate) fn start(env: &Env) -> Self {
        let dir = env.dir.path().join("node");
        let log = env.dir.path().join("node.log");
        let rpc = format!("127.0.0.1:{}", free_port());
        let child = Command::new(env!("CARGO_BIN_EXE_plexus"))
            .args(["node", "run", "--dev", "--data-dir"])
            .arg(&dir)
            .args([
                "--rpc",
                &rpc,
                "--block-time-ms",
                "200",
                "--no-substrate-rpc",
            ])
            .args(["--listen", &format!("127.0.0.1:{}", free_port())])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let chain = Self {
            child,
            url: format!("http://{rpc}"),
            log,
        };
        // Waiting for the node to come up, not timing anything: the deadline only turns a
        // node that never starts into a failure with its log.
        let deadline = Instant::now() + Duration::from_secs(60);
        rt().block_on(async {
            let client = chain.client();
            loop {
                if client.health().await.is_ok_and(|h| h.finalized >= 1) {
                    return;
                }
                assert!(
                    Instant::now() < deadline,
                    "the dev node did not start:\n{}",
                    std::fs::read_to_string(&chain.log).unwrap_or_default()
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        });
        chain
    }

    pub(crate) fn client(&self) -> Client {
        Client::new(&self.url).unwrap()
    }
}

impl Drop for DevChain {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Runs `plexus` against the chain as wallet `wallet`, never prompting.
pub(crate) fn plexus(env: &Env, chain: &DevChain, wallet: &str, args: &[&str]) -> Run {
    let mut full = vec!["--network", &chain.url, "--wallet-name", wallet, "-y"];
    full.extend_from_slice(args);
    env.run(&full)
}

pub(crate) fn ok_json(env: &Env, chain: &DevChain, wallet: &str, args: &[&str]) -> Value {
    let mut full = vec!["--json"];
    full.extend_from_slice(args);
    let run = plexus(env, chain, wallet, &full);
    assert_eq!(
        run.code, 0,
        "{args:?} failed:\n{}{}",
        run.stdout, run.stderr
    );
    run.json()
}

/// Fails with exit code 2 and an error message containing `expected`.
fn fails_with(env: &Env, chain: &DevChain, wallet: &str, args: &[&str], expected: &str) -> Run {
    let run = plexus(env, chain, wallet, args);
    assert_eq!(run.code, 2, "{args:?}:\n{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains(expected),
        "{args:?}: expected {expected:?} in:\n{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

/// Waits until the chain has finalized `height` (the chain's clock, not the test's).
fn wait_for_block(rt: &tokio::runtime::Runtime, client: &Client, height: u64) {
    rt.block_on(async {
        while client.health().await.unwrap().finalized < height {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
}

fn rao(value: &Value) -> u64 {
    value
        .as_str()
        .unwrap_or_else(|| panic!("not a string amount: {value}"))
        .parse()
        .unwrap()
}

/// Restores a dev key as wallet `name` (coldkey `//Name`, hotkey `//Name//hot`), unencrypted.
pub(crate) fn dev_wallet(env: &Env, name: &str, uri: &str) -> AccountId {
    env.ok(&[
        "--wallet-name",
        name,
        "wallet",
        "regen-hotkey",
        "--uri",
        &format!("{uri}//hot"),
    ]);
    let run = env.ok(&[
        "--json",
        "--wallet-name",
        name,
        "wallet",
        "regen-coldkey",
        "--uri",
        uri,
        "--no-password",
    ]);
    run.json()["ss58Address"].as_str().unwrap().parse().unwrap()
}

/// Creates a new wallet with random keys; returns its coldkey and hotkey addresses.
pub(crate) fn new_wallet(env: &Env, name: &str) -> (AccountId, AccountId) {
    let run = env.ok(&[
        "--json",
        "--wallet-name",
        name,
        "wallet",
        "create",
        "--no-password",
    ]);
    let keys = run.json();
    let address = |role: &str| -> AccountId {
        keys["keys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["role"] == role)
            .unwrap()["ss58Address"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap()
    };
    (address("coldkey"), address("hotkey"))
}

#[test]
fn test_subnet_lifecycle_through_the_binary() {
    let env = Env::new();
    let chain = DevChain::start(&env);
    let client = chain.client();
    let rt = rt();
    let balance = |a: AccountId| rt.block_on(client.account(a, None)).unwrap().balance;

    // A funded dev account pays a newly created wallet.
    let alice = dev_wallet(&env, "alice", "//Alice");
    let (owner, owner_hot) = new_wallet(&env, "owner");
    let alice_before = balance(alice);
    let sent = ok_json(
        &env,
        &chain,
        "alice",
        &["transfer", "--dest", &owner.to_ss58(), "--amount", "5000"],
    );
    assert_eq!(rao(&sent["amount"]), 5_000 * RAO_PER_TAO);
    assert_eq!(balance(owner), 5_000 * RAO_PER_TAO);
    let fee = rao(&sent["fee"]);
    assert!(fee > 0);
    assert_eq!(balance(alice), alice_before - 5_000 * RAO_PER_TAO - fee);
    assert_eq!(rao(&sent["new_balance"]), balance(alice));
    let shown = ok_json(&env, &chain, "owner", &["balance"]);
    assert_eq!(rao(&shown["accounts"][0]["free"]), 5_000 * RAO_PER_TAO);

    // The owner creates a subnet at the quoted lock and starts it.
    let quoted = rao(&ok_json(&env, &chain, "owner", &["subnets", "burn-cost"])["lock_cost"]);
    let created = ok_json(
        &env,
        &chain,
        "owner",
        &["subnets", "create", "--subnet-name", "sn-test"],
    );
    let netuid = u16::try_from(created["netuid"].as_u64().unwrap()).unwrap();
    let netuid_arg = netuid.to_string();
    let subnet = rt.block_on(client.subnet(netuid, None)).unwrap().unwrap();
    assert_eq!(subnet.summary.owner_coldkey, owner);
    assert_eq!(subnet.summary.owner_hotkey, owner_hot);
    assert_eq!(subnet.summary.name, "sn-test");
    assert_eq!(subnet.locked, quoted);
    assert_eq!(rao(&created["lock"]), quoted);
    let started = ok_json(
        &env,
        &chain,
        "owner",
        &["subnets", "start", "--netuid", &netuid_arg],
    );
    let subnet = rt.block_on(client.subnet(netuid, None)).unwrap().unwrap();
    assert_eq!(
        subnet.summary.first_emission_block,
        started["first_emission_block"].as_u64()
    );
    fails_with(
        &env,
        &chain,
        "owner",
        &["subnets", "start", "--netuid", &netuid_arg],
        "has already started",
    );
    ok_json(
        &env,
        &chain,
        "owner",
        &[
            "subnets",
            "set",
            "--netuid",
            &netuid_arg,
            "--param",
            "commit_reveal",
            "--value",
            "false",
        ],
    );
    // Registration starts the weights rate limit; a short one lets the test wait for it.
    ok_json(
        &env,
        &chain,
        "owner",
        &[
            "subnets",
            "set",
            "--netuid",
            &netuid_arg,
            "--param",
            "weights_rate_limit",
            "--value",
            "40",
        ],
    );
    let subnet = rt.block_on(client.subnet(netuid, None)).unwrap().unwrap();
    assert!(!subnet.hyperparameters.commit_reveal);
    assert_eq!(subnet.hyperparameters.weights_rate_limit, 40);
    let hyper = ok_json(
        &env,
        &chain,
        "owner",
        &["subnets", "hyperparameters", "--netuid", &netuid_arg],
    );
    assert_eq!(hyper["commit_reveal"], false);

    // A miner registers, within its --max-cost and not above it.
    let (miner, miner_hot) = new_wallet(&env, "miner");
    ok_json(
        &env,
        &chain,
        "alice",
        &["transfer", "--dest", &miner.to_ss58(), "--amount", "100"],
    );
    fails_with(
        &env,
        &chain,
        "miner",
        &[
            "register",
            "--netuid",
            &netuid_arg,
            "--max-cost",
            "0.000000001",
        ],
        "above --max-cost",
    );
    let burn = subnet.summary.burn;
    let registered = ok_json(
        &env,
        &chain,
        "miner",
        &["register", "--netuid", &netuid_arg, "--max-cost", "100"],
    );
    assert_eq!(registered["uid"], 1);
    // The price decays block by block between the quote and the registration.
    let burned = rao(&registered["burned"]);
    assert!(burned > 0 && burned <= burn, "{burned} vs {burn}");
    let metagraph = rt
        .block_on(client.metagraph(netuid, MetagraphOptions::default(), None))
        .unwrap()
        .unwrap();
    assert_eq!(metagraph.neurons[1].hotkey, miner_hot);
    assert_eq!(metagraph.neurons[1].coldkey, Some(miner));
    assert_eq!(
        balance(miner),
        100 * RAO_PER_TAO - burned - rao(&registered["fee"])
    );
    fails_with(
        &env,
        &chain,
        "miner",
        &["register", "--netuid", &netuid_arg],
        &format!("hotkey {miner_hot} is already registered on subnet {netuid} as uid 1"),
    );

    // The miner publishes its axon.
    ok_json(
        &env,
        &chain,
        "miner",
        &[
            "axon",
            "serve",
            "--netuid",
            &netuid_arg,
            "--ip",
            "203.0.113.7",
            "--port",
            "8091",
        ],
    );
    let metagraph = rt
        .block_on(client.metagraph(netuid, MetagraphOptions::default(), None))
        .unwrap()
        .unwrap();
    let axon = metagraph.neurons[1].axon.as_ref().unwrap();
    assert_eq!((axon.ip.as_str(), axon.port), ("203.0.113.7", 8091));

    // The owner stakes through its hotkey, then unstakes part of it.
    // A young pool is shallow: 10 TAO moves its price past the default tolerance of 0.5%.
    fails_with(
        &env,
        &chain,
        "owner",
        &["stake", "add", "--netuid", &netuid_arg, "--amount", "10"],
        "beyond the tolerance of 0.50%",
    );
    let staked = ok_json(
        &env,
        &chain,
        "owner",
        &[
            "stake",
            "add",
            "--netuid",
            &netuid_arg,
            "--amount",
            "10",
            "--tolerance",
            "5%",
        ],
    );
    assert_eq!(rao(&staked["tao"]), 10 * RAO_PER_TAO);
    let alpha = rao(&staked["alpha"]);
    let stakes = rt.block_on(client.stake(owner, None)).unwrap();
    let held = stakes
        .stakes
        .iter()
        .find(|s| s.hotkey == owner_hot && s.netuid == netuid)
        .unwrap()
        .alpha;
    // Emission may have added to the stake since; it never takes from it.
    assert!(held >= alpha, "{held} < {alpha}");
    let listed = ok_json(&env, &chain, "owner", &["stake", "list"]);
    let entry = listed["stakes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["netuid"] == netuid && s["hotkey"] == owner_hot.to_ss58())
        .unwrap()
        .clone();
    assert!(rao(&entry["alpha"]) >= alpha);
    assert!(rao(&listed["total_value"]) > 0);
    let shown = ok_json(&env, &chain, "owner", &["balance"]);
    assert!(rao(&shown["staked_value"]) > 0);

    let half = format!("{}.{:09}", alpha / 2 / RAO_PER_TAO, alpha / 2 % RAO_PER_TAO);
    let before = rt.block_on(client.stake(owner, None)).unwrap();
    let removed = ok_json(
        &env,
        &chain,
        "owner",
        &[
            "stake",
            "remove",
            "--netuid",
            &netuid_arg,
            "--amount",
            &half,
            "--unsafe",
        ],
    );
    assert_eq!(rao(&removed["alpha"]), alpha / 2);
    assert!(rao(&removed["tao"]) > 0);
    let after = rt.block_on(client.stake(owner, None)).unwrap();
    let of = |info: &plexus_rpc::types::StakeInfo| {
        info.stakes
            .iter()
            .find(|s| s.hotkey == owner_hot && s.netuid == netuid)
            .unwrap()
            .alpha
    };
    // Exactly half left, plus whatever emission paid in between.
    assert!(of(&after) >= of(&before) - alpha / 2);
    assert!(of(&after) < of(&before));

    // The owner (uid 0) sets weights once its rate limit since registering has passed; a
    // second try within the limit is refused.
    let metagraph = rt
        .block_on(client.metagraph(netuid, MetagraphOptions::default(), None))
        .unwrap()
        .unwrap();
    wait_for_block(&rt, &client, metagraph.neurons[0].last_update + 40);
    let set = ok_json(
        &env,
        &chain,
        "owner",
        &[
            "weights",
            "set",
            "--netuid",
            &netuid_arg,
            "--uids",
            "0,1",
            "--weights",
            "1,3",
        ],
    );
    assert_eq!(set["weights"], serde_json::json!([21845, 65535]));
    let options = MetagraphOptions {
        weights: true,
        bonds: false,
    };
    let metagraph = rt
        .block_on(client.metagraph(netuid, options, None))
        .unwrap()
        .unwrap();
    assert_eq!(
        metagraph.neurons[0].weights.as_deref(),
        Some(&[(0, 21845), (1, 65535)][..])
    );
    let allowed_at = metagraph.neurons[0].last_update + subnet.hyperparameters.weights_rate_limit;
    fails_with(
        &env,
        &chain,
        "owner",
        &[
            "weights", "set", "--netuid", &netuid_arg, "--uids", "1", "--weights", "1",
        ],
        &format!(
            "too soon to set weights: the rate limit is {} blocks, next allowed at block {allowed_at}",
            subnet.hyperparameters.weights_rate_limit
        ),
    );
    let shown = ok_json(
        &env,
        &chain,
        "owner",
        &["weights", "show", "--netuid", &netuid_arg],
    );
    assert_eq!(shown["weights"][0]["uid"], 0);
    assert_eq!(
        shown["weights"][0]["weights"],
        serde_json::json!([[0, 21845], [1, 65535]])
    );

    // The metagraph and subnet list as the user reads them.
    let graph = ok_json(
        &env,
        &chain,
        "owner",
        &[
            "subnets",
            "show",
            "--netuid",
            &netuid_arg,
            "--sort",
            "stake",
        ],
    );
    let neurons = graph["neurons"].as_array().unwrap();
    assert_eq!(neurons.len(), 2);
    assert_eq!(
        neurons[0]["hotkey"],
        owner_hot.to_ss58(),
        "most stake first"
    );
    let filtered = ok_json(
        &env,
        &chain,
        "owner",
        &[
            "subnets",
            "metagraph",
            "--netuid",
            &netuid_arg,
            "--hotkey-ss58",
            &miner_hot.to_ss58(),
        ],
    );
    assert_eq!(filtered["neurons"].as_array().unwrap().len(), 1);
    assert_eq!(filtered["neurons"][0]["uid"], 1);
    let list = ok_json(&env, &chain, "owner", &["subnets", "list"]);
    let listed = list["subnets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["netuid"] == netuid)
        .unwrap();
    assert_eq!(listed["name"], "sn-test");
    assert_eq!(listed["n"], 2);
    let price = ok_json(
        &env,
        &chain,
        "owner",
        &["subnets", "price", "--netuid", &netuid_arg, "--buy", "1"],
    );
    assert!(rao(&price["simulation"]["amount_out"]) > 0);
    assert_eq!(price["pool"]["netuid"], netuid);
}

#[test]
fn test_errors_say_what_to_do() {
    let env = Env::new();
    let chain = DevChain::start(&env);
    let (stranger, _) = new_wallet(&env, "stranger");
    dev_wallet(&env, "alice", "//Alice");
    let client = chain.client();
    let rt = rt();

    fails_with(
        &env,
        &chain,
        "stranger",
        &[
            "transfer",
            "--dest",
            "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty",
            "--amount",
            "1.2",
        ],
        "insufficient balance: 1.200",
    );
    fails_with(
        &env,
        &chain,
        "stranger",
        &["subnets", "show", "--netuid", "77"],
        "subnet 77 does not exist",
    );
    ok_json(
        &env,
        &chain,
        "alice",
        &[
            "transfer",
            "--dest",
            &stranger.to_ss58(),
            "--amount",
            "3000",
        ],
    );
    let created = ok_json(&env, &chain, "alice", &["subnets", "create"]);
    let netuid = created["netuid"].as_u64().unwrap().to_string();
    fails_with(
        &env,
        &chain,
        "stranger",
        &["subnets", "start", "--netuid", &netuid],
        "only the owner of subnet",
    );
    fails_with(
        &env,
        &chain,
        "stranger",
        &["stake", "add", "--netuid", &netuid, "--amount", "1"],
        "has not started",
    );
    fails_with(
        &env,
        &chain,
        "stranger",
        &[
            "weights",
            "set",
            "--netuid",
            &netuid,
            "--uids",
            "0",
            "--weights",
            "1",
        ],
        "uses commit-reveal: commit with `plexus weights commit`",
    );
    ok_json(
        &env,
        &chain,
        "alice",
        &[
            "subnets",
            "set",
            "--netuid",
            &netuid,
            "--param",
            "commit_reveal",
            "--value",
            "false",
        ],
    );
    fails_with(
        &env,
        &chain,
        "stranger",
        &[
            "weights",
            "set",
            "--netuid",
            &netuid,
            "--uids",
            "0",
            "--weights",
            "1",
        ],
        &format!("is not registered on subnet {netuid}"),
    );
    // Nothing above reached the chain from the stranger's account.
    assert_eq!(rt.block_on(client.next_nonce(stranger)).unwrap().pending, 0);
    // Bad arguments are usage errors, not panics.
    fails_with(
        &env,
        &chain,
        "stranger",
        &["transfer", "--dest", "nobody", "--amount", "1"],
        "not an SS58 address",
    );
    fails_with(
        &env,
        &chain,
        "stranger",
        &["transfer", "--dest", "x", "--amount", "1.2.3"],
        "not an amount",
    );
    fails_with(
        &env,
        &chain,
        "stranger",
        &[
            "subnets", "set", "--netuid", &netuid, "--param", "tempo", "--value", "fast",
        ],
        "is not a value for tempo",
    );
    // Without -y and without a terminal, spending commands stop and say how to proceed.
    let run = env.run(&[
        "--network",
        &chain.url,
        "--wallet-name",
        "alice",
        "transfer",
        "--dest",
        &stranger.to_ss58(),
        "--amount",
        "1",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("pass -y"), "{}", run.stderr);
}

#[test]
fn test_unreachable_node_is_reported_with_the_fix() {
    let env = Env::new();
    new_wallet(&env, "w");
    let port = free_port();
    let run = env.run(&[
        "--network",
        &format!("http://127.0.0.1:{port}"),
        "--wallet-name",
        "w",
        "balance",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("cannot reach a node"), "{}", run.stderr);
    assert!(
        run.stderr.contains("plexus node run --dev"),
        "{}",
        run.stderr
    );
}

#[test]
fn test_settings_file_supplies_the_network_and_wallet() {
    let env = Env::new();
    let chain = DevChain::start(&env);
    let alice = dev_wallet(&env, "alice", "//Alice");
    env.ok(&["config", "set", "network", &chain.url]);
    env.ok(&["config", "set", "wallet_name", "alice"]);
    let run = env.ok(&["--json", "balance"]);
    let shown = run.json();
    assert_eq!(shown["accounts"][0]["address"], alice.to_ss58());
    let expected = rt()
        .block_on(chain.client().account(alice, None))
        .unwrap()
        .balance;
    assert_eq!(rao(&shown["accounts"][0]["free"]), expected);
    // A flag overrides the file.
    let run = env.run(&["--network", "http://127.0.0.1:1", "balance"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("127.0.0.1:1"), "{}", run.stderr);
}

/// Signs `call` as the dev chain's governance account (`//Alice`) and waits until it is final:
/// the CLI has no governance commands, and the test needs short epochs.
fn governance(rt: &tokio::runtime::Runtime, client: &Client, call: plexus_runtime::Call) {
    use plexus_keys::{CryptoType, Keypair};
    let alice = Keypair::from_uri(CryptoType::Sr25519, "//Alice").unwrap();
    rt.block_on(async {
        let genesis_hash = client.info().await.unwrap().genesis_hash;
        let nonce = client.next_nonce(alice.account()).await.unwrap().pending;
        let tx = plexus_rpc::sign_transaction(&alice, genesis_hash, nonce, call);
        let progress = client.submit_and_watch(&tx).await.unwrap();
        let inclusion = plexus_rpc::finality(tx.hash(), progress).await;
        assert!(
            inclusion.is_ok(),
            "the governance call failed: {inclusion:?}"
        );
    });
}

#[test]
fn test_stake_moves_take_and_commit_reveal_through_the_binary() {
    use plexus_runtime::{Call, GovernanceCall, Hyperparameter};
    let env = Env::new();
    let chain = DevChain::start(&env);
    let client = chain.client();
    let rt = rt();
    let alice = dev_wallet(&env, "alice", "//Alice");
    let bob = dev_wallet(&env, "bob", "//Bob");
    let alice_hot: AccountId = env
        .ok(&["--json", "--wallet-name", "alice", "wallet", "show"])
        .json()["hotkeys"][0]["ss58Address"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let mut netuids = Vec::new();
    for _ in 0..2 {
        let created = ok_json(&env, &chain, "alice", &["subnets", "create"]);
        let netuid = created["netuid"].as_u64().unwrap().to_string();
        ok_json(
            &env,
            &chain,
            "alice",
            &["subnets", "start", "--netuid", &netuid],
        );
        netuids.push(netuid);
        if netuids.len() == 1 {
            // A second subnet is refused before paying, then allowed once governance lifts the
            // registration rate limit.
            fails_with(
                &env,
                &chain,
                "alice",
                &["subnets", "create"],
                "too soon to create a subnet: one may be registered every 7200 blocks",
            );
            let mut params = rt.block_on(client.info()).unwrap().params;
            params.network_rate_limit = 0;
            governance(
                &rt,
                &client,
                Call::Governance(GovernanceCall::SetChainParams(params)),
            );
        }
    }
    let (one, two) = (netuids[0].as_str(), netuids[1].as_str());
    let n_one: u16 = one.parse().unwrap();
    let n_two: u16 = two.parse().unwrap();
    let registered = ok_json(&env, &chain, "bob", &["register", "--netuid", one]);
    let bob_hot: AccountId = registered["hotkey"].as_str().unwrap().parse().unwrap();
    let stake_of = |coldkey: AccountId, hotkey: AccountId, netuid: u16| {
        rt.block_on(client.stake(coldkey, None))
            .unwrap()
            .stakes
            .iter()
            .find(|s| s.hotkey == hotkey && s.netuid == netuid)
            .map_or(0, |s| s.alpha)
    };

    let staked = ok_json(
        &env,
        &chain,
        "alice",
        &[
            "stake", "add", "--netuid", one, "--amount", "10", "--unsafe",
        ],
    );
    let alpha = rao(&staked["alpha"]);
    let quarter = format!("{}.{:09}", alpha / 4 / RAO_PER_TAO, alpha / 4 % RAO_PER_TAO);

    // Move a quarter to Bob's hotkey on the same subnet: the same alpha arrives.
    let moved = ok_json(
        &env,
        &chain,
        "alice",
        &[
            "stake",
            "move",
            "--origin-netuid",
            one,
            "--dest-netuid",
            one,
            "--dest-hotkey",
            &bob_hot.to_ss58(),
            "--amount",
            &quarter,
        ],
    );
    assert_eq!(rao(&moved["amount"]), alpha / 4);
    assert!(stake_of(alice, bob_hot, n_one) >= alpha / 4);

    // Give that stake to Bob's coldkey.
    ok_json(
        &env,
        &chain,
        "alice",
        &[
            "stake",
            "transfer",
            "--origin-netuid",
            one,
            "--hotkey-ss58",
            &bob_hot.to_ss58(),
            "--dest",
            &bob.to_ss58(),
            "--all",
        ],
    );
    assert_eq!(stake_of(alice, bob_hot, n_one), 0);
    assert!(stake_of(bob, bob_hot, n_one) >= alpha / 4);

    // Swap the rest of Alice's stake to the second subnet.
    ok_json(
        &env,
        &chain,
        "alice",
        &[
            "stake",
            "swap",
            "--origin-netuid",
            one,
            "--dest-netuid",
            two,
            "--all",
        ],
    );
    assert_eq!(stake_of(alice, alice_hot, n_one), 0);
    assert!(stake_of(alice, alice_hot, n_two) > 0);
    fails_with(
        &env,
        &chain,
        "alice",
        &["stake", "remove", "--netuid", one, "--all"],
        "no stake through",
    );

    // The delegate take goes down from the chain's maximum.
    let shown = ok_json(&env, &chain, "alice", &["delegate", "take"]);
    let before = shown["take"].as_u64().unwrap();
    ok_json(
        &env,
        &chain,
        "alice",
        &["delegate", "take", "--take", "10%"],
    );
    let take = rt
        .block_on(client.delegate_take(alice_hot, None))
        .unwrap()
        .take;
    assert_eq!(take, 6553);
    assert!(u64::from(take) < before);

    // Alice names herself; the delegate list shows it beside her hotkey and its take.
    ok_json(
        &env,
        &chain,
        "alice",
        &[
            "wallet",
            "set-identity",
            "--id-name",
            "Alice Validates",
            "--github",
            "alice/v",
        ],
    );
    let shown = ok_json(&env, &chain, "alice", &["wallet", "get-identity"]);
    assert_eq!(shown["identity"]["name"], "Alice Validates");
    assert_eq!(shown["identity"]["github_repo"], "alice/v");
    let listed = ok_json(&env, &chain, "alice", &["delegates", "list"]);
    let mine = listed["delegates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["hotkey"] == alice_hot.to_ss58())
        .unwrap()
        .clone();
    assert_eq!(mine["identity"]["name"], "Alice Validates");
    assert_eq!(mine["take"], 6553);

    // TAO on root, 1:1 both ways, shown as TAO.
    let staked = ok_json(
        &env,
        &chain,
        "alice",
        &["stake", "add", "--netuid", "0", "--amount", "5"],
    );
    assert_eq!(staked["alpha"], "5000000000");
    assert_eq!(stake_of(alice, alice_hot, 0), 5 * 1_000_000_000);
    let listed = ok_json(&env, &chain, "alice", &["stake", "list"]);
    let root = listed["stakes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["netuid"] == 0)
        .unwrap()
        .clone();
    assert_eq!(root["tao_value"], "5000000000");
    ok_json(
        &env,
        &chain,
        "alice",
        &["stake", "remove", "--netuid", "0", "--amount", "2"],
    );
    assert_eq!(stake_of(alice, alice_hot, 0), 3 * 1_000_000_000);

    // Commit-reveal on the second subnet, with epochs short enough to wait for.
    let mut params = rt.block_on(client.info()).unwrap().params;
    params.admin_freeze_window = 0;
    governance(
        &rt,
        &client,
        Call::Governance(GovernanceCall::SetChainParams(params)),
    );
    for value in [
        Hyperparameter::Tempo(30),
        Hyperparameter::WeightsRateLimit(0),
    ] {
        governance(
            &rt,
            &client,
            Call::Governance(GovernanceCall::SetHyperparameter {
                netuid: n_two,
                value,
            }),
        );
    }
    let weights = ["--netuid", two, "--uids", "0", "--weights", "1"];
    fails_with(
        &env,
        &chain,
        "alice",
        &[&["weights", "set"][..], &weights[..]].concat(),
        "uses commit-reveal",
    );
    let committed = ok_json(
        &env,
        &chain,
        "alice",
        &[
            &["weights", "commit"][..],
            &weights[..],
            &["--salt", "7,8,9"][..],
        ]
        .concat(),
    );
    let expected = plexus_runtime::commit_hash(&alice_hot, n_two, &[0], &[65535], &[7, 8, 9], 0);
    assert_eq!(committed["commit_hash"], serde_json::json!(expected));
    let epoch = rt
        .block_on(client.subnet(n_two, None))
        .unwrap()
        .unwrap()
        .summary
        .epoch_index;
    let reveal = [
        &["weights", "reveal"][..],
        &weights[..],
        &["--salt", "7,8,9"][..],
    ]
    .concat();
    fails_with(&env, &chain, "alice", &reveal, "reveal too early");
    rt.block_on(async {
        while client
            .subnet(n_two, None)
            .await
            .unwrap()
            .unwrap()
            .summary
            .epoch_index
            <= epoch
        {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    ok_json(&env, &chain, "alice", &reveal);
    let options = MetagraphOptions {
        weights: true,
        bonds: false,
    };
    let metagraph = rt
        .block_on(client.metagraph(n_two, options, None))
        .unwrap()
        .unwrap();
    assert_eq!(
        metagraph.neurons[0].weights.as_deref(),
        Some(&[(0, 65535)][..])
    );

    // Timelocked weights: sealed by the binary to a view a tempo ahead, opened by the chain.
    governance(
        &rt,
        &client,
        Call::Governance(GovernanceCall::SetHyperparameter {
            netuid: n_two,
            value: Hyperparameter::TimelockedWeights(true),
        }),
    );
    fails_with(
        &env,
        &chain,
        "alice",
        &[&["weights", "set"][..], &weights[..]].concat(),
        "timelocks weights",
    );
    fails_with(&env, &chain, "alice", &reveal, "nothing to reveal");
    let last_update = |rt: &tokio::runtime::Runtime| {
        rt.block_on(client.metagraph(n_two, options, None))
            .unwrap()
            .unwrap()
            .neurons[0]
            .last_update
    };
    let before = last_update(&rt);
    let committed = ok_json(
        &env,
        &chain,
        "alice",
        &[&["weights", "commit"][..], &weights[..]].concat(),
    );
    let reveal = (
        committed["reveal_epoch"].as_u64().unwrap(),
        committed["reveal_view"].as_u64().unwrap(),
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    loop {
        // Read the round first: an update seen after it is at most that block's.
        let head = rt.block_on(client.finalized_head()).unwrap();
        let updated = last_update(&rt);
        if (head.epoch, head.view) < reveal {
            // Sealed: the neuron shows no new weights before the reveal round's seed.
            assert_eq!(updated, before, "opened before round {reveal:?}");
        } else if updated != before {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "never opened");
        std::thread::sleep(Duration::from_millis(100));
    }

    // The beacon at the head checks against the chain's group key, and not against another.
    let beacon = ok_json(&env, &chain, "alice", &["randomness"]);
    assert_eq!(beacon["verified"], true, "{beacon}");
    let height = beacon["height"].as_u64().unwrap().to_string();
    let group_key = beacon["group_key"].as_str().unwrap().to_string();
    let pinned = ok_json(
        &env,
        &chain,
        "alice",
        &["randomness", "--height", &height, "--group-key", &group_key],
    );
    assert_eq!(pinned["randomness"], beacon["randomness"]);
    assert_eq!(pinned["against"], "given group key");
    let other = plexus_timelock::testing::TestGroup::from_seed(9).identity();
    let other = format!("0x{}", hex::encode(other));
    let run = plexus(
        &env,
        &chain,
        "alice",
        &["randomness", "--height", &height, "--group-key", &other],
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("DOES NOT VERIFY"), "{}", run.stdout);
    fails_with(
        &env,
        &chain,
        "alice",
        &["randomness", "--height", "0"],
        "records no randomness",
    );
}

/// The hotkey address of a wallet made by [`dev_wallet`].
fn hotkey_of(env: &Env, wallet: &str) -> AccountId {
    env.ok(&["--json", "--wallet-name", wallet, "wallet", "show"])
        .json()["hotkeys"][0]["ss58Address"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// Waits until `netuid` has run `epochs` more epochs.
fn wait_epochs(rt: &tokio::runtime::Runtime, client: &Client, netuid: u16, epochs: u64) {
    let index = |rt: &tokio::runtime::Runtime| {
        rt.block_on(client.subnet(netuid, None))
            .unwrap()
            .unwrap()
            .summary
            .epoch_index
    };
    let target = index(rt) + epochs;
    while index(rt) < target {
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Root stake and child hotkeys as a staker and a validator use them: Dave stakes TAO on root
/// through Bob's validator hotkey and claims the root dividends it earns; Bob lends half his
/// stake weight to Eve's hotkey, which validates with it, and Bob earns through her.
#[test]
fn test_root_dividends_and_child_hotkeys_through_the_binary() {
    use plexus_runtime::{Call, GovernanceCall, Hyperparameter};
    let env = Env::new();
    let chain = DevChain::start(&env);
    let client = chain.client();
    let rt = rt();
    dev_wallet(&env, "alice", "//Alice");
    dev_wallet(&env, "bob", "//Bob");
    let charlie = dev_wallet(&env, "charlie", "//Charlie");
    let dave = dev_wallet(&env, "dave", "//Dave");
    dev_wallet(&env, "eve", "//Eve");
    let (bob_hot, eve_hot) = (hotkey_of(&env, "bob"), hotkey_of(&env, "eve"));
    // Moving prices follow spot prices at once (so, with two subnets, root is paid its share),
    // children wait 10 blocks, and claims are made by hand.
    let mut params = rt.block_on(client.info()).unwrap().params;
    params.network_rate_limit = 0;
    params.admin_freeze_window = 0;
    params.moving_alpha_ppb = 1_000_000_000;
    params.ema_price_halving_blocks = 0;
    params.pending_childkey_cooldown = 10;
    params.num_root_claims = 0;
    governance(
        &rt,
        &client,
        Call::Governance(GovernanceCall::SetChainParams(params)),
    );
    let mut netuids = Vec::new();
    for _ in 0..2 {
        let created = ok_json(&env, &chain, "alice", &["subnets", "create"]);
        let netuid = created["netuid"].as_u64().unwrap() as u16;
        ok_json(
            &env,
            &chain,
            "alice",
            &["subnets", "start", "--netuid", &netuid.to_string()],
        );
        netuids.push(netuid);
    }
    let netuid = netuids[0];
    let one = netuid.to_string();
    for value in [
        Hyperparameter::Tempo(10),
        Hyperparameter::WeightsRateLimit(0),
        Hyperparameter::CommitReveal(false),
    ] {
        governance(
            &rt,
            &client,
            Call::Governance(GovernanceCall::SetHyperparameter { netuid, value }),
        );
    }
    for wallet in ["bob", "charlie", "eve"] {
        ok_json(&env, &chain, wallet, &["register", "--netuid", &one]);
    }
    ok_json(
        &env,
        &chain,
        "bob",
        &[
            "stake", "add", "--netuid", &one, "--amount", "200", "--unsafe",
        ],
    );
    let bob_hot_text = bob_hot.to_string();
    ok_json(
        &env,
        &chain,
        "dave",
        &[
            "stake",
            "add",
            "--netuid",
            "0",
            "--amount",
            "2000",
            "--hotkey-ss58",
            &bob_hot_text,
        ],
    );

    // Bob lends half his weight to Eve, who takes 10% of what she earns for him.
    let eve_hot_text = eve_hot.to_string();
    let set = ok_json(
        &env,
        &chain,
        "bob",
        &[
            "stake",
            "child",
            "set",
            "--netuid",
            &one,
            "--children",
            &eve_hot_text,
            "--proportions",
            "0.5",
        ],
    );
    assert!(set["cooldown_block"].as_u64().is_some(), "{set}");
    ok_json(
        &env,
        &chain,
        "eve",
        &["stake", "child", "take", "--netuid", &one, "--take", "10%"],
    );
    let pending = ok_json(
        &env,
        &chain,
        "bob",
        &["stake", "child", "get", "--netuid", &one],
    );
    assert_eq!(
        pending["pending"]["children"][0]["hotkey"],
        serde_json::json!(eve_hot)
    );
    assert!(pending["children"].as_array().unwrap().is_empty());

    // After the cooldown and an epoch, Eve's weight is her own plus half of Bob's alpha and
    // half of his root stake times tao_weight.
    let cooldown = set["cooldown_block"].as_u64().unwrap();
    wait_for_block(&rt, &client, cooldown + 1);
    wait_epochs(&rt, &client, netuid, 1);
    let links = ok_json(
        &env,
        &chain,
        "eve",
        &["stake", "child", "get", "--netuid", &one],
    );
    assert_eq!(links["parents"][0]["hotkey"], serde_json::json!(bob_hot));
    assert_eq!(links["childkey_take"], 6553);
    let state = rt
        .block_on(client.hotkey_links(bob_hot, netuid, None))
        .unwrap();
    let block = Some(plexus_rpc::types::BlockId::Number(state.block));
    let staked = |hotkey: AccountId, n: u16| -> u64 {
        let delegates = rt.block_on(client.delegates(block)).unwrap();
        delegates
            .delegates
            .iter()
            .find(|d| d.hotkey == hotkey)
            .and_then(|d| d.stakes.iter().find(|s| s.netuid == n))
            .map_or(0, |s| s.total_alpha)
    };
    let eve_links = rt
        .block_on(client.hotkey_links(eve_hot, netuid, block))
        .unwrap();
    let half = (u128::from(u64::MAX / 2) << 32) / u128::from(u64::MAX);
    let lent = |stake: u64| ((u128::from(stake) * half) >> 32) as u64;
    let tao_weight = (u128::from(rt.block_on(client.info()).unwrap().params.tao_weight) << 32)
        / u128::from(u64::MAX);
    let (bob_alpha, bob_root) = (staked(bob_hot, netuid), staked(bob_hot, 0));
    assert_eq!(bob_root, 2000 * RAO_PER_TAO);
    assert_eq!(
        eve_links.inherited_alpha,
        staked(eve_hot, netuid) + lent(bob_alpha)
    );
    assert_eq!(eve_links.inherited_root, lent(bob_root));
    let weight = (u128::from(eve_links.inherited_alpha) << 32)
        + u128::from(eve_links.inherited_root) * tao_weight;
    assert_eq!(u128::from(eve_links.stake_weight), weight >> 32);

    // Eve validates (her permit comes with the weight), voting for Charlie; Bob does not vote,
    // so all he earns comes through her.
    wait_epochs(&rt, &client, netuid, 1);
    let metagraph = rt
        .block_on(client.metagraph(netuid, MetagraphOptions::default(), None))
        .unwrap()
        .unwrap();
    let charlie_uid = metagraph
        .neurons
        .iter()
        .find(|n| n.coldkey == Some(charlie))
        .unwrap()
        .uid
        .to_string();
    let eve = metagraph
        .neurons
        .iter()
        .find(|n| n.hotkey == eve_hot)
        .unwrap();
    assert_eq!(eve.parents.len(), 1);
    ok_json(
        &env,
        &chain,
        "eve",
        &[
            "weights",
            "set",
            "--netuid",
            &one,
            "--uids",
            &charlie_uid,
            "--weights",
            "1",
        ],
    );
    let bob_before = staked(bob_hot, netuid);
    wait_epochs(&rt, &client, netuid, 3);
    let bob_after = rt
        .block_on(client.delegates(None))
        .unwrap()
        .delegates
        .iter()
        .find(|d| d.hotkey == bob_hot)
        .and_then(|d| d.stakes.iter().find(|s| s.netuid == netuid))
        .map_or(0, |s| s.total_alpha);
    assert!(bob_after > bob_before, "Bob earned nothing through Eve");

    // Dave's root stake through Bob earned root dividends; a claim sells them for TAO on root.
    let claimable = ok_json(&env, &chain, "dave", &["root", "claimable"]);
    let owed: u64 = claimable["owed"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["netuid"] == netuid)
        .map(|o| rao(&o["alpha"]))
        .sum();
    assert!(owed > 0, "{claimable}");
    let before = rao(&claimable["stakes"][0]["tao"]);
    let claimed = ok_json(&env, &chain, "dave", &["root", "claim", "--netuids", &one]);
    let tao = rao(&claimed["claims"][0]["tao"]);
    assert!(tao > 0, "{claimed}");
    let after = rt.block_on(client.root_claims(dave, None)).unwrap();
    assert_eq!(after.stakes[0].tao, before + tao);
    let info = ok_json(&env, &chain, "dave", &["root", "info"]);
    assert_eq!(rao(&info["total_tao"]), before + tao);

    // Dave's own hotkey, registered on nothing, becomes his by registering on root, and he
    // stakes on root through it.
    let dave_hot = hotkey_of(&env, "dave");
    let registered = ok_json(&env, &chain, "dave", &["root", "register"]);
    assert_eq!(registered["hotkey"], serde_json::json!(dave_hot));
    ok_json(
        &env,
        &chain,
        "dave",
        &["stake", "add", "--netuid", "0", "--amount", "10"],
    );
    let info = ok_json(&env, &chain, "dave", &["root", "info"]);
    let member = info["validators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["hotkey"] == serde_json::json!(dave_hot))
        .cloned()
        .unwrap();
    assert_eq!(rao(&member["tao"]), 10 * RAO_PER_TAO);
    fails_with(
        &env,
        &chain,
        "dave",
        &["root", "register"],
        "already registered",
    );

    // The owner describes the subnet and renames its token; a taken or unknown symbol is
    // refused with the reason.
    ok_json(
        &env,
        &chain,
        "alice",
        &[
            "subnets",
            "set-identity",
            "--netuid",
            &one,
            "--subnet-name",
            "Root test",
            "--github-repo",
            "https://example.org/root-test",
        ],
    );
    let symbol = plexus_runtime::SYMBOLS[100];
    ok_json(
        &env,
        &chain,
        "alice",
        &["subnets", "set-symbol", "--netuid", &one, symbol],
    );
    let identity = ok_json(
        &env,
        &chain,
        "bob",
        &["subnets", "get-identity", "--netuid", &one],
    );
    assert_eq!(identity["identity"]["name"], "Root test");
    assert_eq!(identity["symbol"], symbol);
    let two = netuids[1].to_string();
    fails_with(
        &env,
        &chain,
        "alice",
        &["subnets", "set-symbol", "--netuid", &two, symbol],
        &format!("subnet {netuid} already uses this symbol"),
    );
    fails_with(
        &env,
        &chain,
        "alice",
        &["subnets", "set-symbol", "--netuid", &two, "XYZ"],
        "is not a subnet token symbol",
    );
}

/// Proxies and batches as users run them: a staking proxy stakes for a cold wallet that never
/// signs (and may do nothing else), a delayed proxy's transfer waits for its announcement, and
/// a batch is all or nothing.
#[test]
fn test_proxies_and_batches_through_the_binary() {
    let env = Env::new();
    let chain = DevChain::start(&env);
    let client = chain.client();
    let rt = rt();
    let alice = dev_wallet(&env, "alice", "//Alice");
    let charlie = dev_wallet(&env, "charlie", "//Charlie");
    let dave = dev_wallet(&env, "dave", "//Dave");
    let alice_hot = hotkey_of(&env, "alice");
    let created = ok_json(&env, &chain, "alice", &["subnets", "create"]);
    let netuid = created["netuid"].as_u64().unwrap().to_string();
    ok_json(
        &env,
        &chain,
        "alice",
        &["subnets", "start", "--netuid", &netuid],
    );

    // Alice's cold wallet lets Charlie stake for her.
    ok_json(
        &env,
        &chain,
        "alice",
        &[
            "proxy",
            "add",
            "--delegate",
            &charlie.to_string(),
            "--type",
            "staking",
        ],
    );
    let listed = ok_json(&env, &chain, "charlie", &["proxy", "list"]);
    assert_eq!(listed["proxy_for"][0]["real"], serde_json::json!(alice));
    assert_eq!(listed["proxy_for"][0]["proxy_type"], "staking");
    let before = rt.block_on(client.account(alice, None)).unwrap().balance;
    let alice_text = alice.to_string();
    let hot_text = alice_hot.to_string();
    ok_json(
        &env,
        &chain,
        "charlie",
        &[
            "--proxy-for",
            &alice_text,
            "stake",
            "add",
            "--netuid",
            &netuid,
            "--amount",
            "5",
            "--hotkey-ss58",
            &hot_text,
            "--unsafe",
        ],
    );
    let stakes = rt.block_on(client.stake(alice, None)).unwrap();
    assert!(stakes
        .stakes
        .iter()
        .any(|s| s.hotkey == alice_hot && s.alpha > 0));
    let after = rt.block_on(client.account(alice, None)).unwrap().balance;
    assert_eq!(
        before - after,
        5 * RAO_PER_TAO,
        "Alice paid the stake, not the fee"
    );
    // A staking proxy cannot move Alice's TAO.
    fails_with(
        &env,
        &chain,
        "charlie",
        &[
            "--proxy-for",
            &alice_text,
            "transfer",
            "--dest",
            &charlie.to_string(),
            "--amount",
            "1",
        ],
        "the proxied call failed",
    );

    // A delayed transfer proxy: announced, too early, then made.
    ok_json(
        &env,
        &chain,
        "alice",
        &[
            "proxy",
            "add",
            "--delegate",
            &dave.to_string(),
            "--type",
            "transfer",
            "--delay",
            "3",
        ],
    );
    let call_file = env.dir.path().join("pay.json");
    std::fs::write(
        &call_file,
        serde_json::json!({"call": "transfer_keep_alive", "dest": dave.to_string(), "value": 2 * RAO_PER_TAO})
            .to_string(),
    )
    .unwrap();
    let call_path = call_file.to_str().unwrap();
    ok_json(
        &env,
        &chain,
        "dave",
        &[
            "proxy",
            "announce",
            "--real",
            &alice_text,
            "--call-file",
            call_path,
        ],
    );
    let announced = rt.block_on(client.proxies(dave, None)).unwrap();
    assert_eq!(announced.announcements.len(), 1);
    let execute = [
        "proxy",
        "execute",
        "--delegate",
        &dave.to_string(),
        "--real",
        &alice_text,
        "--call-file",
        call_path,
    ];
    let height = announced.announcements[0].height;
    if rt.block_on(client.health()).unwrap().finalized + 1 < height + 3 {
        fails_with(&env, &chain, "charlie", &execute, "the proxy is delayed");
    }
    wait_for_block(&rt, &client, height + 3);
    let dave_before = rt.block_on(client.account(dave, None)).unwrap().balance;
    ok_json(&env, &chain, "charlie", &execute);
    let dave_after = rt.block_on(client.account(dave, None)).unwrap().balance;
    // The transfer, and the announcement's deposit back.
    let deposit =
        plexus_runtime::ANNOUNCEMENT_DEPOSIT_BASE + plexus_runtime::ANNOUNCEMENT_DEPOSIT_FACTOR;
    assert_eq!(dave_after - dave_before, 2 * RAO_PER_TAO + deposit);

    // A batch is all or nothing: two transfers and one that cannot be paid.
    let batch = env.dir.path().join("batch.json");
    let pay = |value: u64| serde_json::json!({"call": "transfer_keep_alive", "dest": charlie.to_string(), "value": value});
    std::fs::write(
        &batch,
        serde_json::json!([pay(RAO_PER_TAO), pay(RAO_PER_TAO), pay(u64::MAX / 2)]).to_string(),
    )
    .unwrap();
    let charlie_before = rt.block_on(client.account(charlie, None)).unwrap().balance;
    fails_with(
        &env,
        &chain,
        "alice",
        &["batch", "--file", batch.to_str().unwrap()],
        "insufficient",
    );
    assert_eq!(
        rt.block_on(client.account(charlie, None)).unwrap().balance,
        charlie_before
    );
    std::fs::write(
        &batch,
        serde_json::json!([pay(RAO_PER_TAO), pay(RAO_PER_TAO)]).to_string(),
    )
    .unwrap();
    let sent = ok_json(
        &env,
        &chain,
        "alice",
        &["batch", "--file", batch.to_str().unwrap()],
    );
    assert_eq!(sent["calls"], 2);
    assert_eq!(
        rt.block_on(client.account(charlie, None)).unwrap().balance,
        charlie_before + 2 * RAO_PER_TAO
    );
    ok_json(&env, &chain, "alice", &["proxy", "remove", "--all"]);
    let info = rt.block_on(client.proxies(alice, None)).unwrap();
    assert!(info.proxies.is_empty());
    assert_eq!(info.reserved, 0);

    // Alice's hotkey (uid 0) publishes a commitment; anyone reads it back.
    let digest = "ab".repeat(32);
    ok_json(
        &env,
        &chain,
        "alice",
        &[
            "commitments",
            "set",
            "--netuid",
            &netuid,
            "--data",
            "hf://plexus/model-v1",
            "--sha256",
            &digest,
        ],
    );
    let read = ok_json(
        &env,
        &chain,
        "charlie",
        &["commitments", "get", "--netuid", &netuid],
    );
    let entry = &read["commitments"][0];
    assert_eq!(entry["hotkey"], serde_json::json!(alice_hot));
    assert_eq!(entry["uid"], 0);
    let stored = rt
        .block_on(client.commitments(netuid.parse().unwrap(), Some(alice_hot), None))
        .unwrap();
    assert_eq!(
        stored.commitments[0].fields,
        vec![
            plexus_runtime::CommitmentField::Raw(b"hf://plexus/model-v1".to_vec()),
            plexus_runtime::CommitmentField::Sha256(plexus_primitives::H256([0xab; 32])),
        ]
    );
    // A hotkey not on the subnet is refused, and nothing is charged: commitments are free.
    fails_with(
        &env,
        &chain,
        "charlie",
        &["commitments", "set", "--netuid", &netuid, "--data", "x"],
        "not registered",
    );

    // Alice rotates her hotkey: the new one sits at uid 0 with her stake and commitment.
    env.ok(&[
        "--wallet-name",
        "alice",
        "--hotkey",
        "next",
        "wallet",
        "regen-hotkey",
        "--uri",
        "//Alice//next",
    ]);
    let n: u16 = netuid.parse().unwrap();
    let staked = |hotkey| {
        rt.block_on(client.stake(alice, None))
            .unwrap()
            .stakes
            .iter()
            .find(|s| s.hotkey == hotkey && s.netuid == n)
            .map_or(0, |s| s.alpha)
    };
    let stake_before = staked(alice_hot);
    assert!(stake_before > 0);
    let swapped = ok_json(&env, &chain, "alice", &["wallet", "swap-hotkey", "next"]);
    let next: AccountId = swapped["new_hotkey"].as_str().unwrap().parse().unwrap();
    let metagraph = rt
        .block_on(client.metagraph(n, MetagraphOptions::default(), None))
        .unwrap()
        .unwrap();
    assert_eq!(metagraph.neurons[0].hotkey, next);
    assert_eq!(staked(next), stake_before);
    assert_eq!(staked(alice_hot), 0);
    let moved = rt
        .block_on(client.commitments(n, Some(next), None))
        .unwrap();
    assert_eq!(moved.commitments.len(), 1);
    // The retired hotkey is nobody's now: swapping it again is refused.
    fails_with(
        &env,
        &chain,
        "alice",
        &["wallet", "swap-hotkey", "next"],
        "the signer does not own this hotkey",
    );

    // A keyless account that Alice alone acts for, funded, spent from, and removed.
    let created = ok_json(&env, &chain, "alice", &["proxy", "create-pure"]);
    let pure: AccountId = created["pure"].as_str().unwrap().parse().unwrap();
    let pure_text = pure.to_string();
    ok_json(
        &env,
        &chain,
        "charlie",
        &["transfer", "--dest", &pure_text, "--amount", "3"],
    );
    let dave_before = rt.block_on(client.account(dave, None)).unwrap().balance;
    ok_json(
        &env,
        &chain,
        "alice",
        &[
            "--proxy-for",
            &pure_text,
            "transfer",
            "--dest",
            &dave.to_string(),
            "--amount",
            "1",
        ],
    );
    assert_eq!(
        rt.block_on(client.account(dave, None)).unwrap().balance,
        dave_before + RAO_PER_TAO
    );
    fails_with(
        &env,
        &chain,
        "charlie",
        &[
            "--proxy-for",
            &pure_text,
            "transfer",
            "--dest",
            &dave.to_string(),
            "--amount",
            "1",
        ],
        "not a proxy",
    );
    let height = created["height"].as_u64().unwrap().to_string();
    let ext_index = created["ext_index"].as_u64().unwrap().to_string();
    ok_json(
        &env,
        &chain,
        "alice",
        &[
            "proxy",
            "kill-pure",
            "--pure",
            &pure_text,
            "--height",
            &height,
            "--ext-index",
            &ext_index,
        ],
    );
    assert!(rt
        .block_on(client.proxies(pure, None))
        .unwrap()
        .proxies
        .is_empty());
    assert_eq!(
        rt.block_on(client.proxies(alice, None)).unwrap().reserved,
        0
    );
}

/// Coldkey swaps as users run them: one announced, refused everything else, and executed after
/// the delay; another disputed, which freezes its coldkey.
#[test]
fn test_coldkey_swaps_through_the_binary() {
    use plexus_runtime::{Call, ChainParam, GovernanceCall};
    let env = Env::new();
    let chain = DevChain::start(&env);
    let client = chain.client();
    let rt = rt();
    let eve = dev_wallet(&env, "eve", "//Eve");
    let ferdie = dev_wallet(&env, "ferdie", "//Ferdie");
    let (fresh, _) = new_wallet(&env, "fresh");
    for change in [
        ChainParam::ColdkeySwapAnnouncementDelay(3),
        ChainParam::ColdkeySwapReannouncementDelay(2),
    ] {
        governance(
            &rt,
            &client,
            Call::Governance(GovernanceCall::SetChainParam(change)),
        );
    }
    let fresh_text = fresh.to_string();
    ok_json(
        &env,
        &chain,
        "eve",
        &[
            "wallet",
            "swap-coldkey",
            "announce",
            "--new-coldkey-ss58",
            &fresh_text,
        ],
    );
    let status = ok_json(&env, &chain, "eve", &["wallet", "swap-coldkey", "status"]);
    let when = status["when"].as_u64().unwrap();
    fails_with(
        &env,
        &chain,
        "eve",
        &["transfer", "--dest", &ferdie.to_string(), "--amount", "1"],
        "this coldkey has a swap announced",
    );
    // Ferdie's key, announced by someone else: he disputes, and it is frozen.
    ok_json(
        &env,
        &chain,
        "ferdie",
        &[
            "wallet",
            "swap-coldkey",
            "announce",
            "--new-coldkey-ss58",
            &eve.to_string(),
        ],
    );
    ok_json(
        &env,
        &chain,
        "ferdie",
        &["wallet", "swap-coldkey", "dispute"],
    );
    let frozen = ok_json(
        &env,
        &chain,
        "ferdie",
        &["wallet", "swap-coldkey", "status"],
    );
    assert!(frozen["disputed"].as_u64().is_some(), "{frozen}");
    fails_with(
        &env,
        &chain,
        "ferdie",
        &["wallet", "swap-coldkey", "clear"],
        "disputed",
    );
    // Eve's swap, once the delay has passed.
    wait_for_block(&rt, &client, when);
    let balance = rt.block_on(client.account(eve, None)).unwrap().balance;
    ok_json(
        &env,
        &chain,
        "eve",
        &[
            "wallet",
            "swap-coldkey",
            "execute",
            "--new-coldkey-ss58",
            &fresh_text,
        ],
    );
    let moved = rt.block_on(client.account(fresh, None)).unwrap().balance;
    assert!(
        moved > balance - RAO_PER_TAO / 100 && moved < balance,
        "{moved} of {balance}"
    );
    assert_eq!(rt.block_on(client.account(eve, None)).unwrap().balance, 0);
    let none = ok_json(&env, &chain, "fresh", &["wallet", "swap-coldkey", "status"]);
    assert!(none["when"].is_null());
}

/// A node joins the validator set and leaves it through the binary: `node join` announces its
/// key (with the key's proof) signed by the wallet's coldkey, `node validators` shows it,
/// governance (`//Alice` on a dev chain) schedules it with `node schedule`, and `node leave`
/// withdraws it. Bad input is refused with the reason.
#[test]
fn test_validators_join_and_leave_through_the_binary() {
    let env = Env::new();
    let chain = DevChain::start(&env);
    let alice = dev_wallet(&env, "alice", "//Alice");
    let joiner = env.dir.path().join("joiner");
    let key = env.ok(&[
        "--json",
        "node",
        "key",
        "--data-dir",
        joiner.to_str().unwrap(),
    ]);
    let key = key.json()["validator_key"].as_str().unwrap().to_string();
    let address = format!("127.0.0.1:{}", free_port());

    let before = ok_json(&env, &chain, "alice", &["node", "validators"]);
    assert_eq!(before["epoch_length"], 3600);
    assert!(before["committee"].is_null(), "{before}");
    assert_eq!(before["announced"], serde_json::json!([]));

    let joined = ok_json(
        &env,
        &chain,
        "alice",
        &[
            "node",
            "join",
            "--data-dir",
            joiner.to_str().unwrap(),
            "--address",
            &address,
        ],
    );
    assert_eq!(joined["validator"], format!("0x{key}"));
    let listed = ok_json(&env, &chain, "alice", &["node", "validators"]);
    assert_eq!(
        listed["announced"],
        serde_json::json!([{"key": format!("0x{key}"), "owner": alice.to_string(), "address": address}])
    );

    let scheduled = ok_json(
        &env,
        &chain,
        "alice",
        &["node", "schedule", "--validator", &key],
    );
    assert_eq!(scheduled["validators"], 1);
    let listed = ok_json(&env, &chain, "alice", &["node", "validators"]);
    assert_eq!(listed["scheduled"], serde_json::json!([format!("0x{key}")]));

    // Refused, each with its reason: a schedule of a key nobody announced, a key that is not
    // hex, a data directory with no node key, and an address that is not IP:port.
    let stranger = "11".repeat(32);
    fails_with(
        &env,
        &chain,
        "alice",
        &["node", "schedule", "--validator", &stranger],
        "no validator with this key was announced",
    );
    fails_with(
        &env,
        &chain,
        "alice",
        &["node", "schedule", "--validator", "xyz"],
        "not 32 bytes of hex",
    );
    let empty = env.dir.path().join("empty");
    fails_with(
        &env,
        &chain,
        "alice",
        &["node", "leave", "--data-dir", empty.to_str().unwrap()],
        "has no node key",
    );
    let bad_address = plexus(
        &env,
        &chain,
        "alice",
        &[
            "node",
            "join",
            "--data-dir",
            joiner.to_str().unwrap(),
            "--address",
            "somewhere",
        ],
    );
    assert_ne!(bad_address.code, 0);
    assert!(
        bad_address.stderr.contains("--address"),
        "{}",
        bad_address.stderr
    );

    ok_json(
        &env,
        &chain,
        "alice",
        &["node", "leave", "--data-dir", joiner.to_str().unwrap()],
    );
    let after = ok_json(&env, &chain, "alice", &["node", "validators"]);
    assert_eq!(after["announced"], serde_json::json!([]));
}
