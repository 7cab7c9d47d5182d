//! Network benchmark: real `plexus node run` processes on loopback, driven over JSON-RPC.
//!
//! For a one-validator dev chain and for four validators it measures sustained throughput
//! (signed transfers submitted over RPC until every one is finalized), the block time, and the
//! finality latency (from a block's timestamp, set by its proposer, to the moment a client
//! subscribed to finalized heads hears of it; all processes share one clock here).
//!
//! The same transfers are sent three ways in one run: Plexus's own envelope one request each
//! and in JSON-RPC batches, and signed as Bittensor's clients sign them (Substrate extrinsics,
//! `author_submitExtrinsic` on the Substrate-compatible RPC).
//!
//! `cargo bench -p plexus-cli --bench network` (add `-- --transactions N` to change the load,
//! `-- --validators N` to measure one network size only).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use futures::StreamExt;
use jsonrpsee_core::client::ClientT;
use jsonrpsee_core::rpc_params;
use jsonrpsee_http_client::HttpClient;
use parity_scale_codec::{Compact, Encode};
use plexus_keys::{CryptoType, Keypair};
use plexus_primitives::{AccountId, H256, RAO_PER_TAO};
use plexus_rpc::{sign_transaction, Client};
use plexus_runtime::{extrinsic, Call};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const PER_ACCOUNT: u64 = 5;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn plexus(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_plexus"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

struct Killed(Vec<Child>);

impl Drop for Killed {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Funded senders: `//bench/<i>`.
fn senders(count: usize) -> Vec<Keypair> {
    (0..count)
        .map(|i| Keypair::from_uri(CryptoType::Sr25519, &format!("//bench/{i}")).unwrap())
        .collect()
}

/// Starts `validators` nodes of a fresh chain whose genesis funds `accounts`; returns their RPC
/// URLs and their Substrate-compatible RPC URLs.
fn start_network(
    root: &Path,
    validators: usize,
    accounts: &[AccountId],
) -> (Killed, Vec<String>, Vec<String>) {
    let dirs: Vec<PathBuf> = (0..validators)
        .map(|i| root.join(format!("v{i}")))
        .collect();
    let keys: Vec<String> = dirs
        .iter()
        .map(|d| {
            let out = plexus(&["--json", "node", "key", "--data-dir", d.to_str().unwrap()]);
            serde_json::from_str::<serde_json::Value>(&out).unwrap()["validator_key"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let spec_path = root.join("spec.json");
    let shares = root.join("shares");
    let mut args = vec![
        "node",
        "spec",
        "-o",
        spec_path.to_str().unwrap(),
        "--shares-dir",
        shares.to_str().unwrap(),
    ];
    for key in &keys {
        args.extend(["--validator", key.as_str()]);
    }
    plexus(&args);
    // Fund the senders in the spec's genesis.
    let mut spec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&spec_path).unwrap()).unwrap();
    let balances = spec["genesis"]["balances"].as_array_mut().unwrap();
    for account in accounts {
        balances.push(serde_json::json!([
            account.to_string(),
            1_000 * RAO_PER_TAO
        ]));
    }
    std::fs::write(&spec_path, spec.to_string()).unwrap();

    let p2p: Vec<String> = (0..validators)
        .map(|_| format!("127.0.0.1:{}", free_port()))
        .collect();
    let rpc: Vec<String> = (0..validators)
        .map(|_| format!("127.0.0.1:{}", free_port()))
        .collect();
    let substrate: Vec<String> = (0..validators)
        .map(|_| format!("127.0.0.1:{}", free_port()))
        .collect();
    let mut children = Vec::new();
    for i in 0..validators {
        let dir = dirs[i].to_str().unwrap();
        let mut args = vec![
            "node".to_string(),
            "init".into(),
            "--data-dir".into(),
            dir.into(),
            "--chain-spec".into(),
            spec_path.to_str().unwrap().into(),
            "--listen".into(),
            p2p[i].clone(),
            "--rpc".into(),
            rpc[i].clone(),
            "--share".into(),
            shares
                .join(format!("{}.share", keys[i]))
                .to_str()
                .unwrap()
                .into(),
        ];
        for j in (0..validators).filter(|&j| j != i) {
            args.push("--peer".into());
            args.push(format!("{}@{}", keys[j], p2p[j]));
        }
        plexus(&args.iter().map(String::as_str).collect::<Vec<_>>());
        let log = std::fs::File::create(dirs[i].with_extension("log")).unwrap();
        children.push(
            Command::new(env!("CARGO_BIN_EXE_plexus"))
                // One client sends everything: the per-address limits are lifted for it.
                .args(["node", "run", "--data-dir", dir, "--rpc-rate", "1000000"])
                .args(["--rpc-max-connections", "4096"])
                .args(["--rpc-max-connections-per-address", "4096"])
                .args(["--substrate-rpc", &substrate[i]])
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()
                .unwrap(),
        );
    }
    let urls = rpc.iter().map(|a| format!("http://{a}")).collect();
    let substrate = substrate.iter().map(|a| format!("http://{a}")).collect();
    (Killed(children), urls, substrate)
}

async fn wait_height(client: &Client, height: u64) {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Ok(h) = client.health().await {
            if h.finalized >= height {
                return;
            }
        }
        assert!(Instant::now() < deadline, "network did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[rank]
}

/// Block times and finality latencies of the finalized heads seen, in milliseconds.
#[derive(Default)]
struct Timings {
    block_time: Vec<u64>,
    finality: Vec<u64>,
    last: Option<u64>,
}

impl Timings {
    fn record(&mut self, timestamp: u64) {
        self.finality.push(now_ms().saturating_sub(timestamp));
        if let Some(previous) = self.last {
            self.block_time.push(timestamp - previous);
        }
        self.last = Some(timestamp);
    }

    fn sorted(mut self) -> (Vec<u64>, Vec<u64>) {
        self.block_time.sort_unstable();
        self.finality.sort_unstable();
        (self.block_time, self.finality)
    }
}

struct Report {
    transactions: usize,
    seconds: f64,
    blocks: usize,
    block_time_ms: Vec<u64>,
    finality_ms: Vec<u64>,
}

/// Observes finalized heads for `seconds` (no load): block time and finality latency.
async fn observe_idle(url: &str, seconds: u64) -> (Vec<u64>, Vec<u64>) {
    // The client derives the WebSocket address from the HTTP one.
    let client = Client::new(url).unwrap();
    let mut heads = client.subscribe_finalized_heads().await.unwrap();
    let mut timings = Timings::default();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while Instant::now() < deadline {
        let Ok(Some(Ok(head))) = tokio::time::timeout(Duration::from_secs(5), heads.next()).await
        else {
            break;
        };
        timings.record(head.timestamp);
    }
    timings.sorted()
}

/// How the load is submitted.
#[derive(Clone, Copy, Debug)]
enum Submit {
    /// One `tx_submit` request per transaction, 256 in flight.
    One,
    /// JSON-RPC batch requests of [`BATCH`] `tx_submit` calls, 8 in flight.
    Batches,
    /// Substrate extrinsics, one `author_submitExtrinsic` request each, 256 in flight.
    Substrate,
}

/// Transactions per JSON-RPC batch: the server's default batch limit.
const BATCH: usize = 64;

async fn run_load(
    urls: &[String],
    substrate_urls: &[String],
    signers: &[Keypair],
    genesis_hash: H256,
    nonce_base: u64,
    mode: Submit,
) -> Report {
    let clients: Vec<Client> = urls
        .iter()
        .map(|u| {
            Client::builder()
                .request_timeout(Duration::from_secs(60))
                .build(u)
                .unwrap()
        })
        .collect();
    let dest = Keypair::from_uri(CryptoType::Sr25519, "//Bob")
        .unwrap()
        .account();
    // Sign everything first: the benchmark measures the chain, not the client's signing.
    let mut txs = Vec::new();
    let mut extrinsics = Vec::new();
    for nonce in nonce_base..nonce_base + PER_ACCOUNT {
        for signer in signers {
            let value = RAO_PER_TAO / 1000;
            if let Submit::Substrate = mode {
                extrinsics.push(substrate_transfer(signer, genesis_hash, nonce, dest, value));
            } else {
                let call = Call::Transfer { dest, value };
                txs.push(sign_transaction(signer, genesis_hash, nonce, call));
            }
        }
    }
    let total = txs.len() + extrinsics.len();
    let substrate_clients: Vec<HttpClient> = substrate_urls
        .iter()
        .map(|u| {
            HttpClient::builder()
                .request_timeout(Duration::from_secs(60))
                .build(u)
                .unwrap()
        })
        .collect();
    let watcher = Client::new(&urls[0]).unwrap();
    let mut heads = watcher.subscribe_finalized_heads().await.unwrap();
    let start = Instant::now();
    let submit = async {
        match mode {
            Submit::One => {
                futures::stream::iter(txs.iter().enumerate())
                    .map(|(i, tx)| {
                        let client = &clients[i % clients.len()];
                        async move {
                            let sent = client.submit(tx).await;
                            if let Err(e) = &sent {
                                eprintln!("refused: {e}");
                            }
                            usize::from(sent.is_ok())
                        }
                    })
                    .buffer_unordered(256)
                    .fold(0, |sum, ok| futures::future::ready(sum + ok))
                    .await
            }
            Submit::Substrate => {
                futures::stream::iter(extrinsics.iter().enumerate())
                    .map(|(i, bytes)| {
                        let client = &substrate_clients[i % substrate_clients.len()];
                        async move {
                            let hex = format!("0x{}", hex::encode(bytes));
                            let sent: Result<String, _> = client
                                .request("author_submitExtrinsic", rpc_params![hex])
                                .await;
                            usize::from(sent.is_ok())
                        }
                    })
                    .buffer_unordered(256)
                    .fold(0, |sum, ok| futures::future::ready(sum + ok))
                    .await
            }
            Submit::Batches => {
                futures::stream::iter(txs.chunks(BATCH).enumerate())
                    .map(|(i, chunk)| {
                        let client = &clients[i % clients.len()];
                        async move {
                            match client.submit_batch(chunk).await {
                                Ok(answers) => answers.iter().filter(|a| a.is_ok()).count(),
                                Err(_) => 0,
                            }
                        }
                    })
                    .buffer_unordered(8)
                    .fold(0, |sum, ok| futures::future::ready(sum + ok))
                    .await
            }
        }
    };
    // Heads are read while transactions are still being submitted, so finality is measured
    // when it happens, not when the submitter gets round to it.
    let count_from = &clients[0];
    let watch = async {
        let (mut included, mut blocks) = (0usize, 0usize);
        let mut timings = Timings::default();
        while included < total {
            let Ok(Some(Ok(head))) =
                tokio::time::timeout(Duration::from_secs(30), heads.next()).await
            else {
                break;
            };
            timings.record(head.timestamp);
            if let Ok(Some(block)) = count_from
                .block(plexus_rpc::types::BlockId::Number(head.number))
                .await
            {
                included += block.transactions.len();
                blocks += 1;
            }
        }
        (included, blocks, timings)
    };
    let (submitted, (included, blocks, timings)) = futures::join!(submit, watch);
    let seconds = start.elapsed().as_secs_f64();
    let (block_time, finality) = timings.sorted();
    eprintln!("submitted {submitted} of {total}, finalized {included}");
    Report {
        transactions: included,
        seconds,
        blocks,
        block_time_ms: block_time,
        finality_ms: finality,
    }
}

/// A transfer of `value` rao to `dest` signed as Bittensor's clients sign it:
/// `Balances.transfer_allow_death` in an immortal Substrate extrinsic.
fn substrate_transfer(
    signer: &Keypair,
    genesis_hash: H256,
    nonce: u64,
    dest: AccountId,
    value: u64,
) -> Vec<u8> {
    let keypair = schnorrkel::SecretKey::from_bytes(&signer.private_key())
        .unwrap()
        .to_keypair();
    let mut call = vec![extrinsic::BALANCES, 0, 0];
    call.extend_from_slice(&dest.0);
    Compact(value).encode_to(&mut call);
    extrinsic::sign(
        &keypair,
        genesis_hash,
        None,
        u32::try_from(nonce).unwrap(),
        &call,
    )
}

fn print(name: &str, report: &Report) {
    println!(
        "{name}: {} transfers finalized in {:.2} s = {:.0} tx/s over {} blocks; block time p50 {} ms p99 {} ms; finality p50 {} ms p99 {} ms",
        report.transactions,
        report.seconds,
        report.transactions as f64 / report.seconds,
        report.blocks,
        percentile(&report.block_time_ms, 0.5),
        percentile(&report.block_time_ms, 0.99),
        percentile(&report.finality_ms, 0.5),
        percentile(&report.finality_ms, 0.99),
    );
}

fn main() {
    let mut transactions = 20_000usize;
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--transactions") {
        transactions = args[i + 1].parse().unwrap();
    }
    let mut networks = vec![1usize, 4];
    if let Some(i) = args.iter().position(|a| a == "--validators") {
        networks = vec![args[i + 1].parse().unwrap()];
    }
    let accounts = transactions.div_ceil(PER_ACCOUNT as usize);
    let signers = senders(accounts);
    let ids: Vec<AccountId> = signers.iter().map(Keypair::account).collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for validators in networks {
        let dir = tempfile::tempdir().unwrap();
        let (_nodes, urls, substrate) = start_network(dir.path(), validators, &ids);
        runtime.block_on(async {
            let first = Client::new(&urls[0]).unwrap();
            wait_height(&first, 2).await;
            let genesis_hash = first.info().await.unwrap().genesis_hash;
            let (block_time, finality) = observe_idle(&urls[0], 15).await;
            println!(
                "{validators} validator(s), idle: block time p50 {} ms p99 {} ms; finality p50 {} ms p99 {} ms ({} blocks)",
                percentile(&block_time, 0.5),
                percentile(&block_time, 0.99),
                percentile(&finality, 0.5),
                percentile(&finality, 0.99),
                finality.len()
            );
            for (round, mode) in [Submit::One, Submit::Batches, Submit::Substrate]
                .into_iter()
                .enumerate()
            {
                let nonce_base = round as u64 * PER_ACCOUNT;
                let report =
                    run_load(&urls, &substrate, &signers, genesis_hash, nonce_base, mode).await;
                print(
                    &format!("{validators} validator(s), under load, {mode:?}"),
                    &report,
                );
            }
        });
    }
}
