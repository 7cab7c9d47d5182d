//! Requests per second and latency of the Plexus axon and of `bittensor==10.5.0`'s Python Axon,
//! side by side in one run, serving the same synapse, both driven by the Plexus dendrite at 1,
//! 16 and 64 requests in flight.
//!
//! `cargo bench -p plexus-axon --bench axon` (needs the virtualenv the interop tests create:
//! run `cargo test -p plexus-axon --test python` once first).
//!
//! `cargo bench -p plexus-axon --bench axon -- --plexus-only` drives the Plexus axon alone, at 64
//! in flight for 100,000 requests, for a profiler (`perf record -g` on the bench binary): in a
//! whole run the Python axon's half dominates any profile.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use plexus_axon::{AllowAll, Axon, AxonConfig, Dendrite, Target};
use std::path::Path;
use std::time::{Duration, Instant};

/// The allocator of the `plexus` binary, whose axons this measures.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "../tests/common/mod.rs"]
mod common;

use common::{doubled, free_port, key, request};

async fn drive(target: &Target, concurrency: usize, total: usize) -> (f64, f64, f64, usize) {
    let dendrite = Dendrite::new(key("//Bench"), concurrency);
    let task = request(21);
    // Warm the connections.
    for _ in 0..concurrency.min(8) {
        dendrite.call(target, &task, Duration::from_secs(10)).await;
    }
    let started = Instant::now();
    let calls = (0..total).map(|_| {
        let (dendrite, task) = (dendrite.clone(), task.clone());
        async move {
            let t = Instant::now();
            let answer = dendrite.call(target, &task, Duration::from_secs(30)).await;
            if answer.status != 200 && std::env::var_os("PLEXUS_BENCH_FAILURES").is_some() {
                eprintln!("{} {}", answer.status, answer.message);
            }
            (answer.status, t.elapsed().as_secs_f64() * 1000.0)
        }
    });
    use futures::StreamExt as _;
    let results: Vec<(u16, f64)> = futures::stream::iter(calls)
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let seconds = started.elapsed().as_secs_f64();
    let failures = results.iter().filter(|(s, _)| *s != 200).count();
    let mut latencies: Vec<f64> = results.iter().map(|(_, l)| *l).collect();
    latencies.sort_by(f64::total_cmp);
    let pick = |p: f64| latencies[((latencies.len() - 1) as f64 * p).round() as usize];
    (total as f64 / seconds, pick(0.5), pick(0.99), failures)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let plexus_only = std::env::args().any(|arg| arg == "--plexus-only");
    let python = Path::new(env!("CARGO_TARGET_TMPDIR")).join("venvs/bittensor-10.5.0/bin/python");
    assert!(
        plexus_only || python.exists(),
        "run `cargo test -p plexus-axon --test python` first"
    );
    // The whole bench runs as a task on the runtime's two workers: driven from the main thread
    // instead, the dendrite's futures would be a third thread competing for two cores.
    let bench = runtime.spawn(async move {
        let miner = key("//Miner");
        let hotkey = miner.account();
        // One caller sends everything here, so the per-hotkey rate is lifted for the benchmark.
        // Its pool may hold a few more connections than requests in flight while answered ones
        // return, so the per-address connection cap is lifted too.
        let config = AxonConfig {
            rate_per_hotkey: u32::MAX,
            max_connections_per_address: 1024,
            ..AxonConfig::default()
        };
        let axon = Axon::new(miner, AllowAll)
            .config(config)
            .route(doubled)
            .serve("127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let plexus = Target {
            ip: "127.0.0.1".parse().unwrap(),
            port: axon.local_addr().port(),
            hotkey,
        };

        if plexus_only {
            let total = 100_000;
            let (rps, p50, p99, failures) = drive(&plexus, 64, total).await;
            println!(
                "plexus axon, 64 in flight: {rps:.0} req/s, p50 {p50:.2} ms, p99 {p99:.2} ms, {failures} failed of {total}"
            );
            return;
        }
        let port = free_port();
        let home = tempfile::tempdir().unwrap();
        let (server, python_hotkey) = common::serve(
            common::driver(&python, "synapse_driver.py", home.path())
                .args(["axon", &port.to_string()]),
        );
        let python_target = Target {
            ip: "127.0.0.1".parse().unwrap(),
            port,
            hotkey: python_hotkey,
        };
        tokio::time::sleep(Duration::from_secs(2)).await;

        for concurrency in [1usize, 16, 64] {
            for (name, target, total) in [
                ("plexus axon", &plexus, 100_000usize),
                ("python axon (bittensor 10.5.0)", &python_target, 1_500),
            ] {
                let (rps, p50, p99, failures) = drive(target, concurrency, total).await;
                println!(
                    "{name}, {concurrency} in flight: {rps:.0} req/s, p50 {p50:.2} ms, p99 {p99:.2} ms, {failures} failed of {total}"
                );
            }
        }
        drop(server);
    });
    runtime.block_on(bench).unwrap();
}
