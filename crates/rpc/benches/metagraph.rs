//! `state_metagraph` of a 256-uid subnet through the real server and client over loopback,
//! with `system_health` (a trivial call) as the round-trip floor.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion};
use jsonrpsee_core::client::ClientT;
use plexus_rpc::types::MetagraphOptions;
use plexus_rpc::RpcConfig;

// The test harness: the same node, server and client as the tests; the bench uses part of it.
#[allow(dead_code)]
#[path = "../tests/rpc/harness.rs"]
mod harness;

fn metagraph(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    // The rate limit would measure itself: lift it.
    let h = runtime.block_on(harness::Harness::with_config(RpcConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        rate_per_second: u32::MAX,
        rate_burst: u32::MAX,
        ..RpcConfig::default()
    }));
    let netuid = h.node.subnet(1, 10_000);
    h.node.register_many(netuid, 10_001..10_256);
    let uids = runtime
        .block_on(
            h.client
                .metagraph(netuid, MetagraphOptions::default(), None),
        )
        .unwrap()
        .unwrap()
        .neurons
        .len();
    assert_eq!(uids, 256);

    let mut group = c.benchmark_group("rpc");
    group.bench_function("system_health (round-trip floor)", |b| {
        b.to_async(&runtime)
            .iter(|| async { h.client.health().await.unwrap() });
    });
    group.bench_function("state_metagraph/uids=256", |b| {
        b.to_async(&runtime).iter(|| async {
            h.client
                .metagraph(netuid, MetagraphOptions::default(), None)
                .await
                .unwrap()
        });
    });
    // The same call read as untyped JSON: the difference is the client's typed decoding
    // (SS58 addresses with their checksums, amounts).
    let raw = jsonrpsee_http_client::HttpClient::builder()
        .max_response_size(64 * 1024 * 1024)
        .build(format!("http://{}", h.server.local_addr()))
        .unwrap();
    group.bench_function("state_metagraph/uids=256 untyped", |b| {
        b.to_async(&runtime).iter(|| async {
            let mut params = jsonrpsee_core::params::ArrayParams::new();
            params.insert(netuid).unwrap();
            let json: serde_json::Value = raw.request("state_metagraph", params).await.unwrap();
            json
        });
    });
    group.bench_function("state_metagraph/uids=256 weights+bonds", |b| {
        b.to_async(&runtime).iter(|| async {
            h.client
                .metagraph(
                    netuid,
                    MetagraphOptions {
                        weights: true,
                        bonds: true,
                    },
                    None,
                )
                .await
                .unwrap()
        });
    });
    group.finish();
}

criterion_group!(benches, metagraph);
criterion_main!(benches);
