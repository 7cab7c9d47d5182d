//! Subscriptions over WebSocket: heads, filtered events, and a transaction watched to its end.

use crate::harness::{Harness, TAO, account};
use plexus_rpc::types::{Event, EventFilter, TxProgress};
use plexus_rpc_server::Backend;
use plexus_runtime::Call;
use std::time::Duration;

/// The next notification, failing the test instead of hanging.
async fn next<T: serde::de::DeserializeOwned>(sub: &mut plexus_rpc::Subscription<T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), sub.next())
        .await
        .expect("a notification within 10 s")
        .expect("the subscription is open")
        .unwrap()
}

#[tokio::test]
async fn test_submit_and_watch_reports_pending_then_finalized() {
    let h = Harness::start().await;
    let tx = h.node.tx(
        1,
        Call::Transfer {
            dest: account(2),
            value: TAO,
        },
    );
    let mut watch = h.client.submit_and_watch(&tx).await.unwrap();
    assert_eq!(
        next(&mut watch).await,
        TxProgress::Pending { hash: tx.hash() }
    );
    assert!(h.node.is_pending(&tx.hash()));
    let (block, _) = h.node.produce_block();
    match next(&mut watch).await {
        TxProgress::Finalized { hash, inclusion } => {
            assert_eq!(hash, tx.hash());
            assert_eq!(inclusion.block_number, block.header.number);
            assert_eq!(inclusion.block_hash, block.header.hash());
            assert!(inclusion.success);
            assert!(inclusion.events.iter().any(|e| matches!(
                e,
                Event::Transfer { from, amount, .. } if *from == account(1) && *amount == TAO
            )));
        }
        other => panic!("expected finalized, got {other:?}"),
    }
}

#[tokio::test]
async fn test_head_subscriptions_deliver_every_block() {
    let h = Harness::start().await;
    let mut heads = h.client.subscribe_new_heads().await.unwrap();
    let mut finalized = h.client.subscribe_finalized_heads().await.unwrap();
    let (first, _) = h.node.produce_block();
    let (second, _) = h.node.produce_block();
    for block in [&first, &second] {
        let head = next(&mut heads).await;
        assert_eq!(
            (head.number, head.hash),
            (block.header.number, block.header.hash())
        );
        let fin = next(&mut finalized).await;
        assert_eq!(fin.hash, block.header.hash());
    }
}

#[tokio::test]
async fn test_event_subscription_filters_by_account_and_subnet() {
    let h = Harness::start().await;
    let mut by_account = h
        .client
        .subscribe_events(&EventFilter {
            accounts: vec![account(5)],
            netuids: vec![],
        })
        .await
        .unwrap();
    let mut by_subnet = h
        .client
        .subscribe_events(&EventFilter {
            accounts: vec![],
            netuids: vec![1],
        })
        .await
        .unwrap();
    // A block that concerns neither filter, then one for each.
    h.node.block_with(vec![h.node.tx(
        1,
        Call::Transfer {
            dest: account(2),
            value: TAO,
        },
    )]);
    h.node.block_with(vec![h.node.tx(
        5,
        Call::Transfer {
            dest: account(6),
            value: 2 * TAO,
        },
    )]);
    let netuid = h.node.subnet(7, 300);
    assert_eq!(netuid, 1);

    let got = next(&mut by_account).await;
    assert_eq!(got.block_number, 2, "block 1 does not name account 5");
    assert!(!got.events.is_empty());
    for record in &got.events {
        // Read from the JSON the client got, independently of the server's filter.
        let json = serde_json::to_string(&record.event).unwrap();
        assert!(json.contains(&account(5).to_ss58()), "{json}");
    }
    assert!(got.events.iter().any(|r| r.event
        == Event::Transfer {
            from: account(5),
            to: account(6),
            amount: 2 * TAO
        }));

    let got = next(&mut by_subnet).await;
    assert_eq!(got.block_number, 3, "the subnet is registered in block 3");
    assert!(
        got.events
            .iter()
            .any(|r| matches!(r.event, Event::NetworkAdded { netuid: 1, .. }))
    );
    for record in &got.events {
        let json = serde_json::to_value(&record.event).unwrap();
        let netuids: Vec<_> = ["netuid", "from_netuid", "to_netuid"]
            .iter()
            .filter_map(|field| json[field].as_u64())
            .collect();
        assert!(netuids.contains(&1), "{json}");
    }
}

#[tokio::test]
async fn test_submit_and_watch_reports_dropped() {
    let h = Harness::start().await;
    let netuid = h.node.subnet(1, 100);
    h.node.register_many(netuid, [101]);
    let serve = |port| Call::ServeAxon {
        netuid,
        version: 1,
        ip: u128::from(u32::from(std::net::Ipv4Addr::new(10, 0, 0, 1))),
        port,
        ip_type: 4,
        protocol: 4,
    };
    // Two axon updates in a row: the second waits for the first's nonce, then breaks the
    // serving rate limit once the first is in, so the pool drops it.
    let first = h.node.tx(101, serve(8091));
    h.client.submit(&first).await.unwrap();
    let second = h.node.tx(101, serve(8092));
    let mut watch = h.client.submit_and_watch(&second).await.unwrap();
    assert_eq!(
        next(&mut watch).await,
        TxProgress::Pending {
            hash: second.hash()
        }
    );
    let (block, _) = h.node.produce_block();
    assert_eq!(block.transactions, vec![first]);
    assert_eq!(
        next(&mut watch).await,
        TxProgress::Dropped {
            hash: second.hash()
        }
    );
    assert!(h.client.transaction(second.hash()).await.unwrap().is_none());
}
