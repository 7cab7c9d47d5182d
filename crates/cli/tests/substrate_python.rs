//! Bittensor's own Python SDK (`bittensor==10.5.0`, sync and async, and `bittensor==11.3.0`)
//! reading a Plexus node through its Substrate-compatible JSON-RPC: each connects unchanged (the
//! handshake and the metadata), and the current block, balances and (with 10.5.0) a subnet's
//! existence, tempo, weights rate limit, registrations and last updates it reads are Plexus's.

use crate::node::{dev, NodeProcess};
use crate::util::{free_port, Env};
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
