//! Bittensor's own Python SDK (`bittensor==10.5.0`, sync and async, and `bittensor==11.3.0`)
//! against a Plexus node through its Substrate-compatible JSON-RPC: each connects unchanged
//! (the handshake and the metadata), and the current block, balances and (with 10.5.0) a
//! subnet's existence, tempo, weights rate limit, registrations and last updates it reads are
//! Plexus's. On a running localnet, the metagraph, neurons, hyperparameters, subnets, stakes and
//! delegates that bittensor 10.5.0 and 11.3.0 read, and what `btcli` shows, are Plexus's too.
//! Both SDKs and `btcli` sign and send calls (transfers, a subnet, registrations, axons, stake,
//! weights, an owner's hyperparameters) that the node applies as Plexus's own, and the SDKs read
//! back the chain's reasons for the failures they provoke.

use crate::node::{dev, NodeProcess};
use crate::util::{free_port, Env};
use plexus_rpc::types::{BlockId, MetagraphOptions};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::Duration;

#[test]
fn test_bittensor_reads_blocks_balances_and_subnets_of_a_plexus_node() {
    let env = Env::new();
    let rpc: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let listen = format!("127.0.0.1:{}", free_port());
    let node = NodeProcess::start(
        &env.dir.path().join("node"),
        rpc,
        &["--dev", "--listen", &listen],
    );
    let client = node.client();
    let alice = dev("Alice").account();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // A subnet with its owner's hotkey registered as uid 0, for the subnet reads.
    let owner_hotkey = dev("Alice//hot").account();
    let (before, balance, tempo) = runtime.block_on(async {
        crate::node::wait_finalized(&node, 1, Duration::from_secs(60)).await;
        let submitter = plexus_rpc::Submitter::connect(&format!("http://{rpc}"))
            .await
            .unwrap();
        let owner = dev("Alice");
        let hotkey = owner_hotkey;
        let added = submitter
            .submit(&owner, plexus_runtime::Call::RegisterNetwork { hotkey })
            .await
            .unwrap();
        assert!(added.success, "{added:?}");
        let started = submitter
            .submit(&owner, plexus_runtime::Call::StartCall { netuid: 1 })
            .await
            .unwrap();
        assert!(started.success, "{started:?}");
        let before = crate::node::wait_finalized(&node, 0, Duration::from_secs(5)).await;
        let tempo = client
            .subnet(1, None)
            .await
            .unwrap()
            .unwrap()
            .hyperparameters
            .tempo;
        (
            before,
            client.account(alice, None).await.unwrap().balance,
            tempo,
        )
    });

    let mut read = serde_json::Map::new();
    for python in [
        crate::python_interop::bittensor_10(),
        crate::python_interop::bittensor_11(),
    ] {
        let out = Command::new(python)
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/interop/substrate_driver.py"
            ))
            .arg(format!("ws://{}", node.substrate()))
            .arg(alice.to_ss58())
            .arg(owner_hotkey.to_ss58())
            .env("HOME", env.dir.path())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{stdout}{}\nnode log:\n{}",
            String::from_utf8_lossy(&out.stderr),
            node.log()
        );
        let last: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
        read.extend(last.as_object().unwrap().clone());
    }
    let after = runtime.block_on(crate::node::wait_finalized(
        &node,
        0,
        Duration::from_secs(5),
    ));

    for client in ["v10", "v10_async", "v11"] {
        let seen = &read[client];
        let block = seen["block"].as_u64().unwrap();
        assert!(
            (before..=after).contains(&block),
            "{client}: block {block} not in {before}..={after}"
        );
        assert_eq!(seen["balance"], balance, "{client}: {seen}");
        assert_eq!(seen["empty_balance"], 0, "{client}: {seen}");
    }
    // Subnet reads, as bittensor 10 makes them.
    let subnet = &read["v10"]["subnet"];
    assert_eq!(subnet["exists"], true, "{subnet}");
    assert_eq!(subnet["missing_exists"], false, "{subnet}");
    assert_eq!(subnet["owner_registered"], true, "{subnet}");
    assert_eq!(subnet["owner_uid"], 0, "{subnet}");
    assert_eq!(subnet["owner_registered_anywhere"], true, "{subnet}");
    assert_eq!(subnet["owner_netuids"], serde_json::json!([1]), "{subnet}");
    assert_eq!(subnet["stranger_registered"], false, "{subnet}");
    assert_eq!(subnet["tempo"], tempo, "{subnet}");
    assert!(subnet["weights_rate_limit"].is_u64(), "{subnet}");
    assert!(
        subnet["blocks_since_last_update"].as_u64().unwrap() <= after,
        "{subnet}"
    );
}

/// Runs `command`, which must succeed, and parses the last line it prints as JSON.
fn json_of(mut command: Command, what: &str) -> Value {
    let out = command.stdin(Stdio::null()).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{what}: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{what}: {e}: {stdout}"))
}

/// A u16 proportion as the SDK's metagraph holds it: a float32 of the proportion.
fn proportion(value: u16) -> f32 {
    (f64::from(value) / 65_535.0) as f32
}

/// Rao as the SDK's metagraph holds it: a float32 of TAO.
fn tao32(rao: u64) -> f32 {
    (rao as f64 / 1e9) as f32
}

/// A float32 the SDK printed (compared as float32: JSON's decimal text may not parse back to
/// the very same double).
fn f32_of(value: &Value) -> f32 {
    value.as_f64().unwrap() as f32
}

#[test]
fn test_bittensor_and_btcli_read_a_localnet_as_plexus_shows_it() {
    let env = Env::new();
    let state = env.dir.path().join("localnet");
    let rpc = format!("127.0.0.1:{}", free_port());
    let substrate = format!("127.0.0.1:{}", free_port());
    let url = format!("ws://{substrate}");
    let log = env.dir.path().join("stderr");
    let mut localnet = env
        .command(&[
            "localnet",
            "--plain",
            "--fresh",
            "--subnets",
            "weather",
            "--miners",
            "2",
            "--subnet-validators",
            "2",
            "--no-explorer",
            "--rpc",
            &rpc,
            "--substrate-rpc",
            &substrate,
            "--state-dir",
            state.to_str().unwrap(),
        ])
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    // Six epochs: weights (timelocked a tempo ahead, so counted from the third or fourth
    // epoch), bonds, incentives and dividends are set.
    let mut lines = BufReader::new(localnet.stdout.take().unwrap()).lines();
    let epochs = lines
        .by_ref()
        .map_while(Result::ok)
        .filter(|line| line.contains(" weather epoch "))
        .take(6)
        .count();
    assert_eq!(
        epochs,
        6,
        "{}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    // Keep reading so the localnet never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));

    let alice = dev("Alice").account();
    let driver = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/interop/metagraph_driver.py"
    );
    let read = |python: std::path::PathBuf, what: &str| {
        let mut command = Command::new(python);
        command
            .arg(driver)
            .arg(&url)
            .arg("1")
            .arg(alice.to_ss58())
            .env("HOME", env.dir.path());
        json_of(command, what)
    };
    let read_10 = read(crate::python_interop::bittensor_10(), "bittensor 10.5.0");
    let (v10, v10_async) = (read_10["v10"].clone(), read_10["v10_async"].clone());
    let v11 = read(crate::python_interop::bittensor_11(), "bittensor 11.3.0")["v11"].clone();
    // btcli reads Alice's wallet: its public key is all `wallet balance` and `stake list` need.
    let wallets = env.dir.path().join("btcli-wallets");
    std::fs::create_dir_all(wallets.join("alice")).unwrap();
    let public = format!("0x{}", hex::encode(alice.0));
    std::fs::write(
        wallets.join("alice/coldkeypub.txt"),
        json!({
            "accountId": public, "publicKey": public, "privateKey": null, "secretPhrase": null,
            "secretSeed": null, "ss58Address": alice.to_ss58(),
        })
        .to_string(),
    )
    .unwrap();
    let btcli = crate::python_interop::btcli();
    let shown = |args: &[&str]| {
        let mut command = Command::new(&btcli);
        command
            .args(args)
            .args(["--network", &url, "--json-output"])
            .env("HOME", env.dir.path());
        json_of(command, &format!("btcli {args:?}"))
    };
    let first = runtime_head(&rpc);
    let btcli_list = shown(&["subnets", "list"]);
    let btcli_show = shown(&["subnets", "show", "--netuid", "1", "--no-prompt"]);
    let btcli_hyperparameters = shown(&["subnets", "hyperparameters", "--netuid", "1"]);
    let wallet = [
        "--wallet-path",
        wallets.to_str().unwrap(),
        "--wallet-name",
        "alice",
    ];
    let btcli_balance = shown(&[&["wallet", "balance"], &wallet[..]].concat());
    let btcli_stakes = shown(&[&["stake", "list"], &wallet[..]].concat());
    let last = runtime_head(&rpc);

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = plexus_rpc::ClientBuilder::default()
        .build(&format!("http://{rpc}"))
        .unwrap();
    let block = v10["block"].as_u64().unwrap();
    let at = Some(BlockId::Number(block));
    let (metagraph, subnet, stakes) = runtime.block_on(async {
        let options = MetagraphOptions {
            weights: true,
            bonds: true,
        };
        (
            client.metagraph(1, options, at).await.unwrap().unwrap(),
            client.subnet(1, at).await.unwrap().unwrap(),
            client.stake(alice, at).await.unwrap(),
        )
    });

    // bittensor 10.5.0's metagraph, lite and full, every number at the block it read.
    let m = &v10["metagraph"];
    let neurons = &metagraph.neurons;
    assert_eq!(m["n"], neurons.len(), "{m}");
    for (i, neuron) in neurons.iter().enumerate() {
        let at = |field: &str| f32_of(&m[field][i]);
        assert_eq!(m["uids"][i], neuron.uid);
        assert_eq!(m["hotkeys"][i], neuron.hotkey.to_ss58());
        assert_eq!(m["coldkeys"][i], neuron.coldkey.unwrap().to_ss58());
        // As the epoch weighs them: alpha after what the neuron lends its children and
        // inherits from its parents (the localnet's second validator is a child of its
        // first), and in all, with root stake × tao_weight.
        let links = runtime
            .block_on(client.hotkey_links(neuron.hotkey, 1, Some(BlockId::Number(block))))
            .unwrap();
        assert_eq!(at("alpha_stake"), tao32(links.inherited_alpha), "uid {i}");
        assert_eq!(at("total_stake"), tao32(neuron.total_stake), "uid {i}");
        assert_eq!(at("incentive"), proportion(neuron.incentive), "uid {i}");
        assert_eq!(at("dividends"), proportion(neuron.dividends), "uid {i}");
        assert_eq!(at("consensus"), proportion(neuron.consensus), "uid {i}");
        assert_eq!(at("validator_trust"), proportion(neuron.validator_trust));
        assert_eq!(at("emission"), tao32(neuron.emission), "uid {i}");
        assert_eq!(m["last_update"][i], neuron.last_update);
        assert_eq!(m["active"][i], u8::from(neuron.active));
        assert_eq!(m["validator_permit"][i], neuron.validator_permit);
        let (ip, port) = neuron
            .axon
            .as_ref()
            .map_or(("0.0.0.0".to_string(), 0), |a| (a.ip.clone(), a.port));
        assert_eq!(m["axons"][i], json!([ip, port]), "uid {i}");
        // Full: the weights and bonds as stored, and the matrices the SDK makes of them.
        let full = &v10["neurons"][i];
        let weights = neuron.weights.clone().unwrap();
        let bonds = neuron.bonds.clone().unwrap();
        assert_eq!(full["hotkey"], neuron.hotkey.to_ss58());
        assert_eq!(full["stake"], neuron.stake);
        assert_eq!(full["weights"], json!(weights));
        assert_eq!(full["bonds"], json!(bonds));
        let sum: f32 = weights.iter().map(|(_, w)| f32::from(*w)).sum();
        for (uid, weight) in &weights {
            let expected = f32::from(*weight) / sum;
            let seen = f32_of(&v10["full"]["weights"][i][usize::from(*uid)]);
            assert_eq!(seen, expected, "W[{i}][{uid}]");
        }
        for (uid, bond) in &bonds {
            let seen = f32_of(&v10["full"]["bonds"][i][usize::from(*uid)]);
            assert_eq!(seen, f32::from(*bond), "B[{i}][{uid}]");
        }
        assert_eq!(v10["neurons_lite"][i]["stake"], neuron.stake);
    }
    assert!(
        neurons.iter().any(|n| n.incentive > 0) && neurons.iter().any(|n| n.dividends > 0),
        "six epochs in, some neuron has incentive and some dividends"
    );
    let hotkeys: Vec<String> = neurons.iter().map(|n| n.hotkey.to_ss58()).collect();
    assert_eq!(v10["synced"]["n"], neurons.len());
    assert_eq!(v10["synced"]["hotkeys"], json!(hotkeys));

    // Hyperparameters, subnets, stakes and delegates.
    let h = &subnet.hyperparameters;
    assert_eq!(
        v10["hyperparameters"],
        json!({
            "tempo": h.tempo, "kappa": h.kappa, "immunity_period": h.immunity_period,
            "min_allowed_weights": h.min_allowed_weights, "max_weight_limit": h.max_weight_limit,
            "weights_rate_limit": h.weights_rate_limit, "weights_version": h.weights_version_key,
            "commit_reveal_weights_enabled": h.commit_reveal,
            "max_validators": h.max_allowed_validators, "min_burn": h.min_burn, "max_burn": h.max_burn,
        })
    );
    assert_eq!(v10["tempo"], h.tempo);
    assert_eq!(v10["weights_rate_limit"], h.weights_rate_limit);
    let summary = &subnet.summary;
    assert_eq!(
        v10["subnet"],
        json!({
            "netuid": 1, "tempo": h.tempo, "owner_coldkey": summary.owner_coldkey.to_ss58(),
            "owner_hotkey": summary.owner_hotkey.to_ss58(), "tao_in": summary.tao_reserve,
            "alpha_in": summary.alpha_reserve, "emission": summary.tao_emission,
            "price": summary.price,
        })
    );
    assert_eq!(v10["subnets"]["info"], json!([1]));
    assert_eq!(
        v10["subnets"]["all"],
        json!({"0": 1_000_000_000u64, "1": summary.price})
    );
    let expected: Vec<Value> = stakes
        .stakes
        .iter()
        .filter(|s| s.alpha > 0)
        .map(|s| json!([s.hotkey.to_ss58(), s.netuid, s.alpha]))
        .collect();
    assert_eq!(v10["stakes"], json!(expected));
    let delegates = v10["delegates"].as_array().unwrap();
    for neuron in neurons {
        let hotkey = neuron.hotkey.to_ss58();
        let entry = delegates.iter().find(|d| d[0] == hotkey).unwrap();
        assert_eq!(entry[1], neuron.coldkey.unwrap().to_ss58());
        assert_eq!(entry[2], json!([1]));
    }

    // bittensor 11.3.0, through its namespaces: the same neurons, subnet and settings.
    assert_eq!(v11["metagraph"]["hotkeys"], json!(hotkeys));
    let v11_hotkeys: Vec<Value> = v11["neurons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["hotkey"].clone())
        .collect();
    assert_eq!(json!(v11_hotkeys), json!(hotkeys));
    assert_eq!(v11["subnets"], json!([1]));
    assert_eq!(v11["tempo"], h.tempo);
    assert_eq!(v11["weights_rate_limit"], h.weights_rate_limit);
    // Uid 0 (the owner's hotkey) sets no weights: its last update stays where it registered.
    let (at_block, since) = (
        v11["since_update"][0].as_u64().unwrap(),
        v11["since_update"][1].as_u64().unwrap(),
    );
    let last_update = neurons[0].last_update;
    assert!(
        (at_block - last_update..=at_block - last_update + 10).contains(&since),
        "{since} blocks since uid 0's update at {last_update}, read near block {at_block}"
    );
    assert_eq!(
        v11["hyperparameters"],
        json!({"tempo": h.tempo, "kappa": h.kappa})
    );
    assert!(v11["positions"]
        .as_array()
        .unwrap()
        .contains(&json!([summary.owner_hotkey.to_ss58(), 1])));
    for hotkey in &hotkeys {
        assert!(v11["delegates"]
            .as_array()
            .unwrap()
            .contains(&json!(hotkey)));
    }

    // btcli: the subnets listing, the subnet's neurons and its hyperparameters.
    let listed = &btcli_list["subnets"]["1"];
    assert_eq!(listed["netuid"], 1, "{btcli_list}");
    assert_eq!(listed["tempo"]["sn_tempo"], h.tempo, "{btcli_list}");
    assert_eq!(btcli_list["subnets"]["0"]["subnet_name"], "root");
    assert_eq!(btcli_show["netuid"], 1, "{btcli_show}");
    let shown_hotkeys: Vec<&str> = btcli_show["uids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["hotkey"].as_str().unwrap())
        .collect();
    for hotkey in &hotkeys {
        assert!(shown_hotkeys.contains(&hotkey.as_str()), "{btcli_show}");
    }
    let value = |name: &str| {
        btcli_hyperparameters
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["hyperparameter"] == name)
            .unwrap_or_else(|| panic!("{name} in {btcli_hyperparameters}"))["value"]
            .clone()
    };
    assert_eq!(value("tempo"), h.tempo);
    assert_eq!(value("kappa"), h.kappa);
    assert_eq!(value("commit_reveal_weights_enabled"), h.commit_reveal);

    // btcli's wallet balance and stake list: Alice's free balance and her stake, in TAO and
    // alpha, as Plexus had them at some block while btcli ran.
    let shown_free = btcli_balance["balances"]["alice"]["free"].as_f64().unwrap();
    let positions = &btcli_stakes["stake_info"][summary.owner_hotkey.to_ss58()];
    let shown_alpha = positions[0]["stake_value"].as_f64().unwrap();
    assert_eq!(positions[0]["netuid"], 1, "{btcli_stakes}");
    let close =
        |shown: f64, rao: u64| (shown - rao as f64 / 1e9).abs() <= 1e-9 * shown.abs().max(1.0);
    let seen = runtime.block_on(async {
        let mut seen = (false, false);
        for block in first..=last {
            let at = Some(BlockId::Number(block));
            let balance = client.account(alice, at).await.unwrap().balance;
            let stake = client.stake(alice, at).await.unwrap();
            let alpha = stake
                .stakes
                .iter()
                .find(|s| s.hotkey == summary.owner_hotkey && s.netuid == 1)
                .map_or(0, |s| s.alpha);
            seen.0 |= close(shown_free, balance);
            seen.1 |= close(shown_alpha, alpha);
        }
        seen
    });
    assert_eq!(seen, (true, true), "{btcli_balance} {btcli_stakes}");

    // Every block's System.Events, as bittensor decodes them: Plexus's events of each block
    // that have a Substrate counterpart, in order, with their fees and amounts.
    let expected_events = runtime.block_on(async {
        let mut all = Vec::new();
        for number in 1..=block {
            let info = client
                .block(BlockId::Number(number))
                .await
                .unwrap()
                .unwrap();
            let mapped: Vec<Value> = info
                .events
                .iter()
                .filter_map(|record| {
                    use plexus_rpc::types::{Event as E, Phase};
                    let phase = match record.phase {
                        Phase::Initialization | Phase::Finalization => -1,
                        Phase::Transaction(i) => i64::from(i),
                    };
                    let (pallet, name, amount) = match &record.event {
                        E::FeePaid { fee, .. } => {
                            ("TransactionPayment", "TransactionFeePaid", json!(fee))
                        }
                        E::TransactionSucceeded { .. } => {
                            ("System", "ExtrinsicSuccess", json!(null))
                        }
                        E::TransactionFailed { .. } => ("System", "ExtrinsicFailed", json!(null)),
                        E::Transfer { amount, .. } => ("Balances", "Transfer", json!(amount)),
                        E::NeuronRegistered { .. } => {
                            ("SubtensorModule", "NeuronRegistered", json!(null))
                        }
                        E::AxonServed { .. } => ("SubtensorModule", "AxonServed", json!(null)),
                        E::WeightsSet { .. } => ("SubtensorModule", "WeightsSet", json!(null)),
                        E::WeightsCommitted { .. } => {
                            ("SubtensorModule", "WeightsCommitted", json!(null))
                        }
                        E::WeightsRevealed { .. } => {
                            ("SubtensorModule", "WeightsRevealed", json!(null))
                        }
                        E::StakeAdded { alpha, .. } => {
                            ("SubtensorModule", "StakeAdded", json!(alpha))
                        }
                        E::StakeRemoved { alpha, .. } => {
                            ("SubtensorModule", "StakeRemoved", json!(alpha))
                        }
                        _ => return None,
                    };
                    Some(json!([phase, pallet, name, amount]))
                })
                .collect();
            all.push(Value::Array(mapped));
        }
        all
    });
    assert_eq!(v10["events"], json!(expected_events));
    let names: Vec<&str> = expected_events
        .iter()
        .flat_map(|b| b.as_array().unwrap())
        .map(|e| e[2].as_str().unwrap())
        .collect();
    for name in [
        "NeuronRegistered",
        "StakeAdded",
        "WeightsSet",
        "ExtrinsicSuccess",
        "TransactionFeePaid",
    ] {
        assert!(names.contains(&name), "{name} among {names:?}");
    }

    // AsyncSubtensor reads the same as Subtensor.
    assert_eq!(v10_async["hotkeys"], json!(hotkeys));
    assert_eq!(v10_async["incentive"], v10["metagraph"]["incentive"]);
    assert_eq!(v10_async["dividends"], v10["metagraph"]["dividends"]);
    let stakes: Vec<u64> = neurons.iter().map(|n| n.stake).collect();
    assert_eq!(v10_async["stakes"], json!(stakes));
    assert_eq!(v10_async["tempo"], h.tempo);

    let _ = localnet.kill();
    let _ = localnet.wait();
}

/// The finalized height Plexus's own RPC at `rpc` reports.
fn runtime_head(rpc: &str) -> u64 {
    let client = plexus_rpc::ClientBuilder::default()
        .build(&format!("http://{rpc}"))
        .unwrap();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(client.finalized_head())
        .unwrap()
        .number
}

#[test]
fn test_bittensor_10_11_and_btcli_sign_calls_a_plexus_node_applies() {
    let env = Env::new();
    let rpc: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let listen = format!("127.0.0.1:{}", free_port());
    let node = NodeProcess::start(
        &env.dir.path().join("node"),
        rpc,
        &["--dev", "--listen", &listen],
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(crate::node::wait_finalized(
        &node,
        1,
        Duration::from_secs(60),
    ));
    let mut driver = Command::new(crate::python_interop::bittensor_10());
    driver
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/interop/extrinsics_driver.py"
        ))
        .arg(format!("ws://{}", node.substrate()))
        .arg(env.dir.path().join("wallets"))
        .env("HOME", env.dir.path());
    let out = json_of(driver, "bittensor 10.5.0");
    let steps = &out["steps"];
    // Every call sent through the SDK's own functions succeeded, as the SDK read it back.
    for step in [
        "transfer",
        "register_subnet",
        "start_call",
        "sudo_freeze_window",
        "sudo_tempo",
        "sudo_network_rate_limit",
        "sudo_take_rate_limit",
        "weights_rate_limit",
        "burned_register",
        "commit_weights",
        "reveal_weights",
        "commit_reveal_off",
        "serve_axon",
        "add_stake",
        "add_stake_limit",
        "unstake",
        "unstake_limit",
        "root_stake",
        "root_stake_limit",
        "root_unstake",
        "register_subnet_2",
        "start_call_2",
        "move_stake",
        "transfer_stake",
        "swap_stake",
        "decrease_take",
        "increase_take",
        "fund_spender",
        "transfer_allow_death",
        "transfer_all",
        "set_weights",
        "sudo_owner_rate_limit",
        "sudo_tempo_30",
        "set_identity",
        "set_children",
        "set_childkey_take",
        "set_root_claim_type",
        "update_symbol",
        "add_proxy",
        "proxy_add_stake",
        "batch_all",
    ] {
        assert_eq!(steps[step]["success"], true, "{step}: {}", steps[step]);
    }
    // Each failure reached the SDK with its reason: refused before the pool in Substrate's
    // words, or included and failed with Bittensor's module error.
    for (step, reason) in [
        ("weights_too_soon", "Custom error: 6"),
        ("not_registered", "Custom error: 10"),
        ("insufficient_balance", "NotEnoughBalanceToStake"),
        ("bad_nonce", "Transaction is outdated"),
        ("price_limit", "SlippageTooHigh"),
        ("registration_price_limit", "RegistrationPriceLimitExceeded"),
        ("too_many_children", "TooManyChildren"),
        ("childkey_take_too_high", "InvalidChildkeyTake"),
        ("claim_root_nothing", "AmountTooLow"),
        ("claim_root_no_subnets", "InvalidSubnetNumber"),
        ("symbol_unknown", "SymbolDoesNotExist"),
    ] {
        assert_eq!(steps[step]["success"], false, "{step}: {}", steps[step]);
        let message = steps[step]["message"].as_str().unwrap();
        assert!(message.contains(reason), "{step}: {message}");
    }

    // What the SDK did, as Plexus's own RPC shows it.
    let read = &out["read"];
    assert_eq!(
        read["identity"],
        json!(["Alice's validator", "https://plexus.example", "alice"])
    );
    let netuid = u16::try_from(read["netuid"].as_u64().unwrap()).unwrap();
    let bob = dev("Bob").account();
    let bob_hotkey = dev("Bob//hot").account();
    let client = node.client();
    let (balance, metagraph, stakes) = runtime.block_on(async {
        let options = MetagraphOptions {
            weights: true,
            bonds: false,
        };
        (
            client.account(bob, None).await.unwrap().balance,
            client
                .metagraph(netuid, options, None)
                .await
                .unwrap()
                .unwrap(),
            client.stake(bob, None).await.unwrap(),
        )
    });
    assert_eq!(json!(balance), read["bob"]);
    let uid = read["uid"].as_u64().unwrap();
    let neuron = &metagraph.neurons[uid as usize];
    assert_eq!(neuron.hotkey, bob_hotkey);
    assert_eq!(neuron.axon.as_ref().map(|a| a.port), Some(8091));
    let staked = alpha(&stakes, bob_hotkey, netuid);
    assert_eq!(json!(staked), read["stake"]);
    assert!(staked > 0);
    let owner = &metagraph.neurons[0];
    assert_eq!(owner.hotkey, dev("Alice//hot").account());
    assert!(
        !owner.weights.as_ref().unwrap().is_empty(),
        "the owner's weights: {:?}",
        owner.weights
    );
    // Governance's tempo, the hash commit and its reveal, the stake moved to Alice's hotkey,
    // to Dave's coldkey and to the second subnet, Bob's take and the emptied account.
    let netuid_2 = u16::try_from(read["netuid_2"].as_u64().unwrap()).unwrap();
    let dave = dev("Dave").account();
    let (subnet, owner_history, bob_stakes, dave_stakes, take, spender) = runtime.block_on(async {
        (
            client.subnet(netuid, None).await.unwrap().unwrap(),
            client
                .account_transactions(owner.hotkey, None, None)
                .await
                .unwrap(),
            client.stake(bob, None).await.unwrap(),
            client.stake(dave, None).await.unwrap(),
            client.delegate_take(bob_hotkey, None).await.unwrap(),
            client
                .account(dev("Spender").account(), None)
                .await
                .unwrap(),
        )
    });
    assert_eq!(subnet.hyperparameters.tempo, 30);
    for call in ["commit_weights", "reveal_weights"] {
        assert!(
            owner_history
                .transactions
                .iter()
                .any(|t| t.call == call && t.success),
            "{call} among {:?}",
            owner_history.transactions
        );
    }
    assert!(alpha(&bob_stakes, owner.hotkey, netuid) > 0, "moved");
    assert!(alpha(&dave_stakes, bob_hotkey, netuid) > 0, "transferred");
    assert!(alpha(&bob_stakes, bob_hotkey, netuid_2) > 0, "swapped");
    assert_eq!(
        alpha(&bob_stakes, bob_hotkey, 0),
        8_000_000_000,
        "5 + 5 - 2 TAO on root"
    );
    assert_eq!(read["root_stake"], 8_000_000_000u64);
    // The children wait for their cooldown, as the SDK reads them and as Plexus keeps them.
    let alice_hotkey = dev("Alice//hot").account();
    let links = runtime
        .block_on(client.hotkey_links(alice_hotkey, netuid, None))
        .unwrap();
    let pending = links.pending.expect("pending children");
    assert_eq!(
        read["pending_children"],
        json!([[[0.5, bob_hotkey.to_string()]], pending.cooldown_block])
    );
    assert_eq!(read["children"], json!([true, [], ""]));
    assert_eq!(pending.children[0].proportion, 1 << 63);
    let bob_links = runtime
        .block_on(client.hotkey_links(bob_hotkey, netuid, None))
        .unwrap();
    assert_eq!(bob_links.childkey_take, 1000);
    let claims = runtime.block_on(client.root_claims(bob, None)).unwrap();
    assert_eq!(
        claims.claim_type,
        plexus_runtime::RootClaimType::KeepSubnets {
            subnets: vec![netuid]
        }
    );
    assert!(
        read["root_claim_type"]
            .as_str()
            .unwrap()
            .contains("KeepSubnets"),
        "{}",
        read["root_claim_type"]
    );
    assert_eq!(read["symbol"], "ω");
    // Dave's proxy call staked for Bob, and Bob's proxy is on chain as Plexus keeps it.
    let by_proxy = read["stake_by_proxy"].as_array().unwrap();
    assert!(
        by_proxy[1].as_u64().unwrap() > by_proxy[0].as_u64().unwrap(),
        "{by_proxy:?}"
    );
    let proxies = runtime.block_on(client.proxies(bob, None)).unwrap();
    assert_eq!(proxies.proxies.len(), 1);
    assert_eq!(proxies.proxies[0].delegate, dev("Dave").account());
    assert_eq!(
        proxies.proxies[0].proxy_type,
        plexus_runtime::ProxyType::Staking
    );
    assert_eq!(take.take, 9830, "15% of 65535");
    assert_eq!(json!(spender.balance), read["spender"]);
    assert_eq!(
        spender.balance, 500,
        "transfer_all keeps the existential deposit"
    );

    // bittensor 11's intents and raw calls on the same subnet.
    let mut driver = Command::new(crate::python_interop::bittensor_11());
    driver
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/interop/extrinsics_v11_driver.py"
        ))
        .arg(format!("ws://{}", node.substrate()))
        .arg(netuid.to_string())
        .arg(netuid_2.to_string())
        .env("HOME", env.dir.path());
    let out = json_of(driver, "bittensor 11.3.0");
    let steps = &out["steps"];
    for step in [
        "fund",
        "transfer",
        "burned_register",
        "serve_axon",
        "add_stake",
        "remove_stake",
        "set_weights",
        "move_stake",
        "move_stake_safe",
        "transfer_stake",
        "swap_stake",
        "swap_stake_limit",
        "decrease_take",
        "increase_take",
        "fund_spender",
        "transfer_all",
        "commit_reveal_on",
        "commit_weights",
        "reveal_weights",
        "register_subnet",
        "start_call",
        "set_hyperparameter",
    ] {
        assert_eq!(steps[step]["success"], true, "v11 {step}: {}", steps[step]);
    }
    for (step, reason) in [
        ("insufficient_balance", "more stake than there exists"),
        ("not_registered", "not registered"),
        ("weights_too_soon", "rate limit"),
        ("price_limit", "Slippage is too high"),
        ("bad_nonce", "nonce is below"),
    ] {
        assert_eq!(steps[step]["success"], false, "v11 {step}: {}", steps[step]);
        let message = steps[step]["message"].as_str().unwrap();
        assert!(message.contains(reason), "v11 {step}: {message}");
    }
    let read = &out["read"];
    assert_eq!(read["dave_gain"], 1_000_000_000);
    let carol = dev("Carol").account();
    let carol_hotkey = dev("Carol//hot").account();
    let (metagraph, stakes) = runtime.block_on(async {
        (
            client
                .metagraph(netuid, MetagraphOptions::default(), None)
                .await
                .unwrap()
                .unwrap(),
            client.stake(carol, None).await.unwrap(),
        )
    });
    let uid = read["uid"].as_u64().unwrap() as usize;
    assert_eq!(metagraph.neurons[uid].hotkey, carol_hotkey);
    assert_eq!(
        metagraph.neurons[uid].axon.as_ref().map(|a| a.port),
        Some(8092)
    );
    let staked = alpha(&stakes, carol_hotkey, netuid);
    assert_eq!(json!(staked), read["stake"]);
    let swapped = alpha(&stakes, carol_hotkey, netuid_2);
    assert_eq!(json!(swapped), read["swapped"]);
    assert!(swapped > 0);
    let (dave_stakes, take, spender) = runtime.block_on(async {
        (
            client.stake(dave, None).await.unwrap(),
            client.delegate_take(carol_hotkey, None).await.unwrap(),
            client
                .account(dev("Spender11").account(), None)
                .await
                .unwrap(),
        )
    });
    assert!(alpha(&dave_stakes, carol_hotkey, netuid) > 0, "transferred");
    assert_eq!(take.take, 7864, "12% of 65535");
    assert_eq!((spender.balance, read["spender"].clone()), (0, json!(0)));
    let owner_reveals = runtime
        .block_on(client.account_transactions(dev("Alice//hot").account(), None, None))
        .unwrap()
        .transactions
        .into_iter()
        .filter(|t| t.call == "reveal_weights" && t.success)
        .count();
    assert_eq!(owner_reveals, 2, "bittensor 10's and 11's");
    let netuid_3 = u16::try_from(read["netuid_3"].as_u64().unwrap()).unwrap();
    let third = runtime
        .block_on(client.subnet(netuid_3, None))
        .unwrap()
        .unwrap();
    assert_eq!(third.summary.owner_coldkey, dev("Alice").account());
    assert!(third.summary.first_emission_block.is_some(), "started");
    assert_eq!(third.hyperparameters.immunity_period, 4000);

    // btcli's everyday writes, signed by Alice's wallet the driver wrote.
    let btcli_command = |args: &[&str]| {
        let mut command = Command::new(crate::python_interop::btcli());
        command
            .args(args)
            .args(["--network", &format!("ws://{}", node.substrate())])
            .arg("--wallet-path")
            .arg(env.dir.path().join("wallets"))
            .args(["--wallet-name", "alice", "--no-prompt"])
            .env("HOME", env.dir.path())
            .current_dir(env.dir.path())
            .stdin(Stdio::null());
        command
    };
    let btcli_output = |args: &[&str]| {
        let out = btcli_command(args).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.success(), text)
    };
    let btcli = |args: &[&str], expect: &str| {
        let (success, text) = btcli_output(args);
        assert!(success && text.contains(expect), "btcli {args:?}: {text}");
    };
    let dave = dev("Dave").account();
    let before = runtime
        .block_on(client.account(dave, None))
        .unwrap()
        .balance;
    btcli(
        &[
            "wallet",
            "transfer",
            "--dest",
            &dave.to_ss58(),
            "--amount",
            "1",
        ],
        "Finalized",
    );
    let after = runtime
        .block_on(client.account(dave, None))
        .unwrap()
        .balance;
    assert_eq!(after, before + 1_000_000_000);
    let net = netuid.to_string();
    let miner = dev("Alice//miner").account();
    btcli(
        &[
            "subnets", "register", "--hotkey", "miner", "--netuid", &net, "--unsafe",
        ],
        "Registered on netuid",
    );
    let stake_of = || {
        let stakes = runtime.block_on(client.stake(dev("Alice").account(), None));
        alpha(&stakes.unwrap(), miner, netuid)
    };
    let staking = [
        "--hotkey",
        "miner",
        "--netuid",
        &net,
        "--unsafe",
        "--no-mev-protection",
    ];
    btcli(
        &[&["stake", "add", "--amount", "1"][..], &staking].concat(),
        "Stake",
    );
    let added = stake_of();
    assert!(added > 0);
    btcli(
        &[&["stake", "remove", "--amount", "0.5"][..], &staking].concat(),
        "Stake",
    );
    assert!(stake_of() < added);

    // TAO on root through Alice's owner hotkey, and the stake list that shows it.
    btcli(
        &[
            "stake",
            "add",
            "--netuid",
            "0",
            "--amount",
            "3",
            "--hotkey",
            "default",
            "--unsafe",
            "--no-mev-protection",
        ],
        "Stake added to netuid: 0",
    );
    let root = runtime
        .block_on(client.stake(dev("Alice").account(), None))
        .unwrap();
    assert_eq!(alpha(&root, dev("Alice//hot").account(), 0), 3_000_000_000);
    btcli(&["stake", "list"], "root");

    // The safe forms: a registration with a price limit (`register_limit`), stake added with a
    // slippage tolerance (`add_stake_limit`), and refused beyond it.
    btcli(
        &[
            "subnets", "register", "--hotkey", "miner2", "--netuid", &net,
        ],
        "Registered on netuid",
    );
    let miner2 = dev("Alice//miner2").account();
    assert!(runtime
        .block_on(client.metagraph(netuid, MetagraphOptions::default(), None))
        .unwrap()
        .unwrap()
        .neurons
        .iter()
        .any(|n| n.hotkey == miner2));
    let safe = [
        "--hotkey",
        "miner",
        "--netuid",
        &net,
        "--no-mev-protection",
        "--safe",
    ];
    let before = stake_of();
    btcli(
        &[
            &["stake", "add", "--amount", "1", "--tolerance", "0.05"][..],
            &safe,
        ]
        .concat(),
        "Stake",
    );
    let added = stake_of();
    assert!(added > before);
    let (_, text) = btcli_output(
        &[
            &["stake", "add", "--amount", "10000", "--tolerance", "0.0001"][..],
            &safe,
        ]
        .concat(),
    );
    assert!(text.to_lowercase().contains("slippage"), "{text}");
    assert_eq!(stake_of(), added);

    // Commit-reveal through btcli: the owner turns it back on (`btcli sudo set`), `weights
    // commit` commits a hash (and would sleep until the reveal epoch: it is stopped once the
    // commit is in), and `weights reveal` reveals it in the next epoch.
    btcli(
        &[
            "sudo",
            "set",
            "--netuid",
            &net,
            "--param",
            "commit_reveal_weights_enabled",
            "--value",
            "true",
        ],
        "changed",
    );
    let owner_hotkey = dev("Alice//hot").account();
    let calls_of = |name: &str| {
        runtime
            .block_on(client.account_transactions(owner_hotkey, None, None))
            .unwrap()
            .transactions
            .into_iter()
            .filter(|t| t.call == name && t.success)
            .collect::<Vec<_>>()
    };
    let (commits, reveals) = (
        calls_of("commit_weights").len(),
        calls_of("reveal_weights").len(),
    );
    let log = env.dir.path().join("btcli-commit.log");
    let weights = [
        "--wallet-hotkey",
        "default",
        "--uids",
        "0,1",
        "--weights",
        "0.5,0.25",
        "--salt",
        "7,8,9",
    ];
    let mut commit =
        btcli_command(&[&["weights", "commit", "--netuid", &net][..], &weights].concat())
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    let committed = loop {
        let found = calls_of("commit_weights");
        if found.len() > commits {
            // Newest first.
            break found[0].position.block_number;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no commit from btcli: {}",
            std::fs::read_to_string(&log).unwrap()
        );
        std::thread::sleep(Duration::from_millis(500));
    };
    let epoch_at = |block: Option<u64>| {
        runtime
            .block_on(client.subnet(netuid, block.map(BlockId::Number)))
            .unwrap()
            .unwrap()
            .summary
            .epoch_index
    };
    let commit_epoch = epoch_at(Some(committed));
    while !std::fs::read_to_string(&log)
        .unwrap()
        .contains("Weights hash committed")
    {
        assert!(
            std::time::Instant::now() < deadline,
            "btcli printed no commit"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = commit.kill();
    let _ = commit.wait();
    while epoch_at(None) <= commit_epoch {
        assert!(
            std::time::Instant::now() < deadline,
            "no epoch after the commit"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let (_, revealed) =
        btcli_output(&[&["weights", "reveal", "--netuid", &net][..], &weights].concat());
    assert!(
        revealed.contains("Weights revealed successfully"),
        "{revealed}"
    );
    while calls_of("reveal_weights").len() == reveals {
        assert!(
            std::time::Instant::now() < deadline,
            "the reveal was not applied: commit at {committed} in epoch {commit_epoch}, now \
             epoch {}; {revealed}; {:?}",
            epoch_at(None),
            runtime
                .block_on(client.account_transactions(owner_hotkey, None, Some(5)))
                .unwrap()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// The alpha a coldkey's `stakes` hold through `hotkey` on `netuid`.
fn alpha(
    stakes: &plexus_rpc::types::StakeInfo,
    hotkey: plexus_primitives::AccountId,
    netuid: u16,
) -> u64 {
    stakes
        .stakes
        .iter()
        .filter(|s| s.hotkey == hotkey && s.netuid == netuid)
        .map(|s| s.alpha)
        .sum()
}
