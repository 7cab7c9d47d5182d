//! `state_metagraph` of a 256-uid subnet (64 validators weighting every uid, with bonds) through
//! the real server and client over loopback, with `system_health` (a trivial call) as the
//! round-trip floor. The node is the production core, with blocks produced without consensus.
//!
//! Then, in the same run and over the same node, `bittensor==10.5.0`'s `Subtensor.metagraph`
//! through the Substrate-compatible interface, next to the same Python process calling
//! `state_metagraph` on Plexus's own RPC (`tests/interop/metagraph_bench.py`; the virtualenv is
//! the one `cargo test -p plexus-cli --test tests substrate_python` creates).

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use plexus_rpc::types::MetagraphOptions;
use plexus_rpc_server::{Backend, RpcConfig, RpcServer};
use plexus_runtime::{Call, GovernanceCall, Hyperparameter};
use std::path::Path;
use std::process::Command;

// The test harness: the same node core, server and client as the tests; the bench uses part
// of it.
#[allow(dead_code)]
#[path = "../tests/rpc/harness.rs"]
mod harness;

/// Makes the subnet look like a live one: 64 staked validators with permits, each weighting
/// all 256 uids, and bonds from an epoch over those weights.
fn validators_with_weights(node: &harness::TestNode, netuid: u16) {
    let governance = |value| Call::Governance(GovernanceCall::SetHyperparameter { netuid, value });
    // Commit-reveal off, no weights rate limit, and a short tempo so epochs come quickly.
    node.queue(
        harness::GOV,
        governance(Hyperparameter::CommitReveal(false)),
    );
    node.queue(
        harness::GOV,
        governance(Hyperparameter::WeightsRateLimit(0)),
    );
    node.queue(harness::GOV, governance(Hyperparameter::Tempo(10)));
    node.produce_block();
    let validators: Vec<u32> = (10_001..=10_064).collect();
    for (i, hotkey) in validators.iter().enumerate() {
        node.queue(
            1 + (i as u32 % 20),
            Call::AddStake {
                hotkey: harness::account(*hotkey),
                netuid,
                amount: harness::TAO,
            },
        );
    }
    let (_, events) = node.produce_block();
    let staked = events
        .iter()
        .filter(|(_, e)| matches!(e, plexus_runtime::Event::StakeAdded { .. }))
        .count();
    assert_eq!(staked, 64);
    let permit = |uid| {
        node.finalized()
            .state()
            .neuron(netuid, uid)
            .unwrap()
            .validator_permit
    };
    for _ in 0..100 {
        if permit(1) {
            break;
        }
        node.produce_block();
    }
    assert!(permit(1), "an epoch gave the staked validators permits");
    for (i, hotkey) in validators.iter().enumerate() {
        let dests: Vec<u16> = (0..256).collect();
        let weights = dests
            .iter()
            .map(|d| 1 + ((u32::from(*d) * 7919 + i as u32 * 104_729) % 65_000) as u16)
            .collect();
        node.queue(
            *hotkey,
            Call::SetWeights {
                netuid,
                dests,
                weights,
                version_key: 0,
            },
        );
    }
    let (block, _) = node.produce_block();
    assert_eq!(block.transactions.len(), 64, "every validator set weights");
    let bonds = || node.finalized().state().bonds(netuid, 1).len();
    for _ in 0..100 {
        if bonds() > 0 {
            break;
        }
        node.produce_block();
    }
    assert!(bonds() > 0, "an epoch formed bonds");
}

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
    validators_with_weights(&h.node, netuid);
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
    let all = MetagraphOptions {
        weights: true,
        bonds: true,
    };
    for (name, options) in [("", MetagraphOptions::default()), (" weights+bonds", all)] {
        // A new block before each call, so the server builds the metagraph (the first call
        // after a block); the block is not timed.
        group.bench_function(format!("state_metagraph/uids=256{name} new block"), |b| {
            b.to_async(&runtime).iter_batched(
                || h.node.produce_block(),
                |_| async {
                    h.client
                        .metagraph(netuid, options, None)
                        .await
                        .unwrap()
                        .unwrap()
                },
                BatchSize::PerIteration,
            );
        });
        // Every further call in the same block is served from the per-block cache.
        group.bench_function(format!("state_metagraph/uids=256{name} cached"), |b| {
            b.to_async(&runtime).iter(|| async {
                h.client
                    .metagraph(netuid, options, None)
                    .await
                    .unwrap()
                    .unwrap()
            });
        });
    }
    group.finish();
    python_clients(&runtime, &h);
}

/// Bittensor's SDK against the Substrate-compatible interface, and the same Python process
/// against Plexus's own RPC, each timing its own calls; prints their figures.
fn python_clients(runtime: &tokio::runtime::Runtime, h: &harness::Harness) {
    let python = Path::new(env!("CARGO_TARGET_TMPDIR")).join("venvs/bittensor-10.5.0/bin/python");
    let python = python.exists().then_some(python);
    let Some(python) = python else {
        println!(
            "python clients: skipped, no bittensor 10.5.0 virtualenv (run `cargo test -p \
             plexus-cli --test tests substrate_python` first)"
        );
        return;
    };
    let substrate = runtime
        .block_on(RpcServer::start_substrate(
            &RpcConfig {
                listen: "127.0.0.1:0".parse().unwrap(),
                rate_per_second: u32::MAX,
                rate_burst: u32::MAX,
                ..RpcConfig::default()
            },
            h.node.core(),
            12_000,
        ))
        .unwrap();
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../cli/tests/interop/metagraph_bench.py"
    );
    let out = Command::new(python)
        .arg(script)
        .arg(format!("ws://{}", substrate.local_addr()))
        .arg(format!("http://{}", h.server.local_addr()))
        .arg("1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    print!("{}", String::from_utf8_lossy(&out.stdout));
}

criterion_group!(benches, metagraph);
criterion_main!(benches);
