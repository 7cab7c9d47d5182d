//! The API served in process to a tool beside the node: the same methods and subscriptions
//! over an in-memory connection, from another runtime, with an allowance of its own and no
//! share of the public listener.

use crate::harness::{Harness, TAO, TestNode, account};
use plexus_rpc::Client;
use plexus_rpc::error::RATE_LIMITED;
use plexus_rpc_server::{InProcessRpc, RpcConfig};
use plexus_runtime::Call;
use std::time::Duration;

/// Runs `work` on a runtime of its own, as the CLI runs the explorer beside a node.
async fn on_another_runtime<T: Send + 'static>(
    work: impl std::future::Future<Output = T> + Send + 'static,
) -> T {
    tokio::task::spawn_blocking(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(work)
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_in_process_client_calls_subscribes_and_submits_without_a_socket() {
    let h = Harness::start().await;
    let local = InProcessRpc::start(&RpcConfig::default(), h.node.core()).unwrap();
    let client = Client::builder().build_in_process(local.connector());
    let info = on_another_runtime({
        let connector = local.connector();
        async move {
            let client = Client::builder().build_in_process(connector);
            client.info().await.unwrap()
        }
    })
    .await;
    assert_eq!(info.chain_id, "rpc-test");

    let mut finalized = client.subscribe_finalized_heads().await.unwrap();
    let tx = h.node.tx(
        1,
        Call::Transfer {
            dest: account(2),
            value: TAO,
        },
    );
    let hashes = client
        .submit_batch(std::slice::from_ref(&tx))
        .await
        .unwrap();
    assert_eq!(hashes.len(), 1);
    assert_eq!(*hashes[0].as_ref().unwrap(), tx.hash());
    let (block, _) = h.node.produce_block();
    let head = tokio::time::timeout(Duration::from_secs(10), finalized.next())
        .await
        .expect("a head within 10 s")
        .expect("the subscription is open")
        .unwrap();
    assert_eq!(head.hash, block.header.hash());
    assert_eq!(block.transactions.len(), 1);
    assert_eq!(
        client.account(account(2), None).await.unwrap().balance,
        1_000_001 * TAO
    );
    assert_eq!(
        h.server.open_connections(),
        0,
        "the public listener holds none of the in-process connections"
    );
    local.stop();
}

#[tokio::test]
async fn test_in_process_allowance_is_its_own() {
    // The public listener is nearly closed to everyone; the tool beside the node is not.
    let h = Harness::with_node(
        RpcConfig {
            listen: "127.0.0.1:0".parse().unwrap(),
            rate_per_second: 1,
            rate_burst: 1,
            ..RpcConfig::default()
        },
        TestNode::new(),
    )
    .await;
    h.client.health().await.unwrap();
    assert_eq!(
        h.client.health().await.unwrap_err().code(),
        Some(RATE_LIMITED)
    );
    let local = InProcessRpc::start(
        &RpcConfig {
            rate_per_second: 1,
            rate_burst: 20,
            ..RpcConfig::default()
        },
        h.node.core(),
    )
    .unwrap();
    let client = Client::builder().build_in_process(local.connector());
    for _ in 0..20 {
        client.health().await.unwrap();
    }
    // And it is bounded: the 21st call within the second is refused.
    assert_eq!(
        client.health().await.unwrap_err().code(),
        Some(RATE_LIMITED)
    );
}
