//! Bad input of every kind gets the right JSON-RPC error and changes nothing: the state root,
//! the head and the mempool are as before.

use crate::harness::{Harness, TAO, TestNode, account};
use parity_scale_codec::Encode;
use plexus_rpc::error::{
    INVALID_PARAMS, INVALID_REQUEST, INVALID_TRANSACTION, METHOD_NOT_FOUND, OVERSIZED_REQUEST,
    PARSE_ERROR, POOL_REJECTED, RATE_LIMITED, STATE_PRUNED, SWAP_REJECTED, TOO_BIG_BATCH,
    TOO_MANY_SUBSCRIPTIONS, UNKNOWN_BLOCK, UNKNOWN_SUBNET,
};
use plexus_rpc::types::{BlockId, SwapDirection};
use plexus_rpc_server::{Backend, RpcConfig};
use plexus_runtime::{Call, SignedTransaction};
use plexus_store::Retention;
use serde_json::{Value, json};

fn code(answer: &Value) -> i64 {
    answer["error"]["code"]
        .as_i64()
        .unwrap_or_else(|| panic!("not an error: {answer}"))
}

/// Runs `bad` and checks that the node is exactly as it was.
async fn unchanged<F: std::future::Future<Output = ()>>(h: &Harness, bad: F) {
    let root = h.node.state_root();
    let head = h.node.finalized().head().clone();
    let pending = h.node.mempool_len();
    bad.await;
    assert_eq!(h.node.state_root(), root);
    assert_eq!(h.node.finalized().head(), &head);
    assert_eq!(h.node.mempool_len(), pending);
}

fn transfer(h: &Harness) -> plexus_runtime::SignedTransaction {
    h.node.tx(
        1,
        Call::Transfer {
            dest: account(2),
            value: TAO,
        },
    )
}

#[tokio::test]
async fn test_protocol_errors_have_standard_codes() {
    let h = Harness::start().await;
    unchanged(&h, async {
        let (_, answer) = h.post("{\"jsonrpc\": \"2.0\", \"method\": ").await;
        assert_eq!(code(&answer), i64::from(PARSE_ERROR));
        let (_, answer) = h.post(r#"{"jsonrpc": "2.0", "id": 1}"#).await;
        assert_eq!(code(&answer), i64::from(INVALID_REQUEST));
        // Valid JSON that is no request is an invalid request, not a parse error, and an id
        // that is neither a string, a number nor null does not make it a notification.
        for body in [
            "{}",
            r#"{"jsonrpc": "2.0", "id": {}, "method": "system_health"}"#,
            r#"{"jsonrpc": "2.0", "id": [1], "method": "system_health"}"#,
            r#"{"jsonrpc": "1.0", "id": 1, "method": "system_health"}"#,
        ] {
            let (status, answer) = h.post(body).await;
            assert_eq!(
                (status, code(&answer)),
                (200, i64::from(INVALID_REQUEST)),
                "{body}: {answer}"
            );
            assert_eq!(answer["id"], serde_json::Value::Null, "{body}: {answer}");
        }
        // A number beyond 64 bits is named as such, not as a missing array.
        let (_, answer) = h
            .post(r#"{"jsonrpc": "2.0", "id": 1, "method": "chain_block", "params": [1e400]}"#)
            .await;
        assert_eq!(code(&answer), i64::from(INVALID_PARAMS));
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(message.contains("number out of range"), "{message}");
        // A bad block names what is expected, not the type's internals.
        let answer = h.call_raw("chain_block", json!([{"x": 1}])).await;
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("expected a block number or a 0x-prefixed 32-byte block hash")
                && !message.contains("untagged"),
            "{message}"
        );
        let answer = h.call_raw("state_nothing", json!([])).await;
        assert_eq!(code(&answer), i64::from(METHOD_NOT_FOUND));
        assert!(answer["error"]["message"].as_str().is_some());
    })
    .await;
}

#[tokio::test]
async fn test_wrong_params_are_invalid_params() {
    let h = Harness::start().await;
    unchanged(&h, async {
        let cases = [
            ("state_account", json!([42])),
            ("state_account", json!(["5Grwva"])),
            ("state_account", json!([])),
            ("state_account", json!({"address": account(1)})),
            ("state_account", json!([account(1), null, "extra"])),
            ("state_metagraph", json!(["one"])),
            ("state_metagraph", json!([1, {"weights": "yes"}])),
            ("state_simulateSwap", json!([1, "buy", 5])),
            ("state_simulateSwap", json!([1, "sideways", "5"])),
            ("chain_block", json!(["0x1234"])),
            ("tx_submit", json!(["0xzz"])),
            ("tx_submit", json!(["1234"])),
        ];
        for (method, params) in cases {
            let answer = h.call_raw(method, params.clone()).await;
            assert_eq!(
                code(&answer),
                i64::from(INVALID_PARAMS),
                "{method} {params}: {answer}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn test_bad_transactions_are_rejected_before_the_pool() {
    let h = Harness::start().await;
    unchanged(&h, async {
        // Bytes that are not a transaction.
        let err = h.client.submit_bytes(&[1, 2, 3]).await.unwrap_err();
        assert_eq!(err.code(), Some(INVALID_TRANSACTION));
        let answer = h.call_raw("tx_submit", json!(["0x010203"])).await;
        assert_eq!(answer["error"]["data"]["error"], "malformed");
        // Trailing garbage after a valid transaction.
        let mut bytes = transfer(&h).encode();
        bytes.push(0);
        let err = h.client.submit_bytes(&bytes).await.unwrap_err();
        assert_eq!(err.code(), Some(INVALID_TRANSACTION));
        // A forged signature.
        let mut forged = transfer(&h);
        if let SignedTransaction::Plexus { signature, .. } = &mut forged {
            signature.0[5] ^= 1;
        }
        let answer = h
            .call_raw(
                "tx_submit",
                json!([format!("0x{}", hex::encode(forged.encode()))]),
            )
            .await;
        assert_eq!(code(&answer), i64::from(INVALID_TRANSACTION));
        assert_eq!(answer["error"]["data"]["error"], "bad_signature");
        // Signed by a key with no balance: invalid against the state.
        let poor = h.node.tx(
            999,
            Call::Transfer {
                dest: account(2),
                value: TAO,
            },
        );
        let answer = h
            .call_raw(
                "tx_submit",
                json!([format!("0x{}", hex::encode(poor.encode()))]),
            )
            .await;
        assert_eq!(code(&answer), i64::from(INVALID_TRANSACTION));
        assert_eq!(answer["error"]["data"]["error"], "cannot_pay_fee");
        // Watching a bad transaction fails the subscription itself.
        let err = h.client.submit_and_watch(&forged).await.unwrap_err();
        assert_eq!(err.code(), Some(INVALID_TRANSACTION));
        // Fee estimates decode too.
        let answer = h.call_raw("tx_estimateFee", json!(["0x00"])).await;
        assert_eq!(code(&answer), i64::from(INVALID_TRANSACTION));
    })
    .await;
}

#[tokio::test]
async fn test_duplicate_is_rejected_by_the_pool() {
    let h = Harness::start().await;
    let tx = transfer(&h);
    h.client.submit(&tx).await.unwrap();
    unchanged(&h, async {
        let err = h.client.submit(&tx).await.unwrap_err();
        assert_eq!(err.code(), Some(POOL_REJECTED));
    })
    .await;
}

#[tokio::test]
async fn test_unknown_block_subnet_and_refused_swap() {
    let h = Harness::start().await;
    unchanged(&h, async {
        let err = h
            .client
            .account(account(1), Some(BlockId::Number(5)))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Some(UNKNOWN_BLOCK));
        let err = h
            .client
            .simulate_swap(7, SwapDirection::Buy, TAO, None)
            .await
            .unwrap_err();
        assert_eq!(err.code(), Some(UNKNOWN_SUBNET));
    })
    .await;
    let netuid = h.node.subnet(1, 100);
    unchanged(&h, async {
        let err = h
            .client
            .simulate_swap(netuid, SwapDirection::Sell, 0, None)
            .await
            .unwrap_err();
        assert_eq!(err.code(), Some(SWAP_REJECTED));
        let answer = h
            .call_raw("state_simulateSwap", json!([netuid, "buy", "0"]))
            .await;
        assert_eq!(answer["error"]["data"]["error"], "swap");
        assert!(
            answer["error"]["message"]
                .as_str()
                .unwrap()
                .contains("amount is zero")
        );
    })
    .await;
}

#[tokio::test]
async fn test_oversized_request_and_batch_are_refused() {
    let h = Harness::with_config(RpcConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        max_request_bytes: 4096,
        max_batch: 4,
        ..RpcConfig::default()
    })
    .await;
    unchanged(&h, async {
        let huge = format!("0x{}", "00".repeat(4096));
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tx_submit", "params": [huge]});
        let (status, answer) = h.post(body.to_string()).await;
        assert_eq!(status, 413);
        assert_eq!(code(&answer), i64::from(OVERSIZED_REQUEST));

        let call = json!({"jsonrpc": "2.0", "id": 1, "method": "system_health"});
        let (_, answer) = h
            .post(json!([call, call, call, call, call]).to_string())
            .await;
        assert_eq!(code(&answer), i64::from(TOO_BIG_BATCH), "{answer}");
        let (_, answer) = h.post(json!([call, call]).to_string()).await;
        assert_eq!(answer.as_array().map(Vec::len), Some(2), "{answer}");
    })
    .await;
}

#[tokio::test]
async fn test_rate_limit_per_client() {
    let h = Harness::with_config(RpcConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        rate_per_second: 1,
        rate_burst: 3,
        ..RpcConfig::default()
    })
    .await;
    unchanged(&h, async {
        for _ in 0..3 {
            h.client.health().await.unwrap();
        }
        let err = h.client.health().await.unwrap_err();
        assert_eq!(err.code(), Some(RATE_LIMITED));
        let tx = transfer(&h);
        let err = h.client.submit(&tx).await.unwrap_err();
        assert_eq!(err.code(), Some(RATE_LIMITED));
    })
    .await;
}

#[tokio::test]
async fn test_pruned_state_is_reported_with_the_oldest_kept() {
    let node = TestNode::with_retention(Retention::Recent { heights: 2 });
    let h = Harness::with_node(
        RpcConfig {
            listen: "127.0.0.1:0".parse().unwrap(),
            ..RpcConfig::default()
        },
        node,
    )
    .await;
    for _ in 0..5 {
        h.node.produce_block();
    }
    unchanged(&h, async {
        let answer = h.call_raw("state_account", json!([account(1), 1])).await;
        assert_eq!(code(&answer), i64::from(STATE_PRUNED), "{answer}");
        assert_eq!(answer["error"]["data"]["oldest"], 3);
        let kept = h
            .client
            .account(account(1), Some(BlockId::Number(3)))
            .await
            .unwrap();
        assert_eq!(kept.block, 3);
    })
    .await;
}

#[tokio::test]
async fn test_subscriptions_per_connection_are_limited() {
    let h = Harness::with_config(RpcConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        max_subscriptions_per_connection: 2,
        ..RpcConfig::default()
    })
    .await;
    // The client shares one WebSocket between its subscriptions.
    let _heads = h.client.subscribe_new_heads().await.unwrap();
    let _finalized = h.client.subscribe_finalized_heads().await.unwrap();
    let err = h.client.subscribe_new_heads().await.unwrap_err();
    assert_eq!(err.code(), Some(TOO_MANY_SUBSCRIPTIONS));
}

#[tokio::test]
async fn test_connections_are_limited() {
    let h = Harness::with_config(RpcConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        max_connections: 1,
        ..RpcConfig::default()
    })
    .await;
    // An idle socket holds the one slot; another connection is turned away with 503
    // meanwhile, and served once the slot is free again.
    let idle = tokio::net::TcpStream::connect(h.server.local_addr())
        .await
        .unwrap();
    let (status, _) = h
        .post(json!({"jsonrpc": "2.0", "id": 1, "method": "system_health"}).to_string())
        .await;
    assert_eq!(status, 503);
    drop(idle);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let (status, _) = h
            .post(json!({"jsonrpc": "2.0", "id": 1, "method": "system_health"}).to_string())
            .await;
        if status == 200 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the slot was not freed: {status}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // Every connection, served or refused, gave its slot back.
    while h.server.open_connections() != 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "{} connections still held",
            h.server.open_connections()
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
