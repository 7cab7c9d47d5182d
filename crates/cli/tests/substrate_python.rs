//! Bittensor's own Python SDK (`bittensor==10.5.0`, sync and async, and `bittensor==11.3.0`)
//! reading a Plexus node through its Substrate-compatible JSON-RPC: each connects unchanged (the
//! handshake and the metadata), and the current block and balances it reads are Plexus's.

use crate::node::{dev, NodeProcess};
use crate::util::{free_port, Env};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::Duration;

#[test]
fn test_bittensor_reads_the_block_and_balances_of_a_plexus_node() {
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
    let (before, balance) = runtime.block_on(async {
        let before = crate::node::wait_finalized(&node, 1, Duration::from_secs(60)).await;
        (before, client.account(alice, None).await.unwrap().balance)
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
}
