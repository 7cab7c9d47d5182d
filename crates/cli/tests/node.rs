//! Real `plexus node run` processes on loopback, observed through their RPC servers: a dev node
//! finalizing transactions submitted over RPC, a dev node with explicit consensus timeouts
//! stopped by SIGTERM and resumed, and four validators that keep agreeing while one
//! of them is killed with SIGKILL again and again, at random moments, and restarted.

use crate::util::{free_port, Env};
use plexus_keys::{CryptoType, Keypair};
use plexus_primitives::{AccountId, H256, RAO_PER_TAO};
use plexus_rpc::{types::BlockId, Client};
use plexus_runtime::{Call, SignedTransaction};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub(crate) fn dev(name: &str) -> Keypair {
    Keypair::from_uri(CryptoType::Sr25519, &format!("//{name}")).unwrap()
}

/// A transfer from `from`, signed with the keys crate (as the CLI and SDK sign).
fn transfer(from: &Keypair, nonce: u64, genesis_hash: H256, to: AccountId) -> SignedTransaction {
    let call = Call::Transfer {
        dest: to,
        value: RAO_PER_TAO,
    };
    plexus_rpc::sign_transaction(from, genesis_hash, nonce, call)
}

/// One `plexus node run` process; killed (SIGKILL) when dropped.
pub(crate) struct NodeProcess {
    child: Option<Child>,
    dir: PathBuf,
    rpc: SocketAddr,
    /// The Substrate-compatible JSON-RPC's address (a new free port at every start).
    substrate: SocketAddr,
    extra: Vec<String>,
    log: PathBuf,
}

impl NodeProcess {
    pub(crate) fn start(dir: &Path, rpc: SocketAddr, extra: &[&str]) -> Self {
        let mut node = Self {
            child: None,
            dir: dir.to_path_buf(),
            rpc,
            substrate: rpc,
            extra: extra.iter().map(|s| s.to_string()).collect(),
            log: dir.with_extension("log"),
        };
        node.spawn();
        node
    }

    fn spawn(&mut self) {
        self.substrate = format!("127.0.0.1:{}", free_port()).parse().unwrap();
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_plexus"))
            .arg("node")
            .arg("run")
            .arg("--data-dir")
            .arg(&self.dir)
            .arg("--rpc")
            .arg(self.rpc.to_string())
            .arg("--substrate-rpc")
            .arg(self.substrate.to_string())
            .args(&self.extra)
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        self.child = Some(child);
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Sends SIGTERM and waits up to `within` for the process to exit.
    fn terminate(&mut self, within: Duration) -> ExitStatus {
        let mut child = self.child.take().expect("the node is running");
        let sent = Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status()
            .unwrap();
        assert!(sent.success(), "kill -TERM failed");
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "still running {within:?} after SIGTERM; log:\n{}",
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub(crate) fn client(&self) -> Client {
        Client::new(&format!("http://{}", self.rpc)).unwrap()
    }

    /// Where its Substrate-compatible JSON-RPC listens.
    pub(crate) fn substrate(&self) -> SocketAddr {
        self.substrate
    }

    /// The running process's id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.as_ref().expect("the node is running").id()
    }

    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A JSON-RPC request over plain HTTP; the parsed answer.
fn post_json(address: SocketAddr, request: &serde_json::Value) -> serde_json::Value {
    use std::io::{Read, Write};
    let body = request.to_string();
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(
        stream,
        "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (_, json) = response.split_once("\r\n\r\n").unwrap();
    serde_json::from_str(json).unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Waits until `node` has finalized at least `height`.
pub(crate) async fn wait_finalized(node: &NodeProcess, height: u64, within: Duration) -> u64 {
    let client = node.client();
    let deadline = Instant::now() + within;
    loop {
        if let Ok(health) = client.health().await {
            if health.finalized >= height {
                return health.finalized;
            }
        }
        assert!(
            Instant::now() < deadline,
            "node at {} did not reach height {height}; its log:\n{}",
            node.rpc,
            node.log()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[test]
fn test_dev_node_finalizes_transactions_submitted_over_rpc() {
    let env = Env::new();
    let dir = env.dir.path().join("dev");
    let rpc: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let listen = format!("127.0.0.1:{}", free_port());
    let node = NodeProcess::start(&dir, rpc, &["--dev", "--listen", &listen]);
    runtime().block_on(async {
        wait_finalized(&node, 1, Duration::from_secs(60)).await;
        let client = node.client();
        let genesis_hash = client.info().await.unwrap().genesis_hash;
        let (alice, bob) = (dev("Alice"), dev("Bob"));
        let before = client.account(bob.account(), None).await.unwrap().balance;
        let nonce = client.next_nonce(alice.account()).await.unwrap().pending;
        let tx = transfer(&alice, nonce, genesis_hash, bob.account());
        let hash = client.submit(&tx).await.unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        let included = loop {
            if let Some(inclusion) = client
                .transaction(hash)
                .await
                .unwrap()
                .and_then(|info| info.inclusion)
            {
                assert!(inclusion.success, "{inclusion:?}");
                break inclusion.block_number;
            }
            assert!(Instant::now() < deadline, "not finalized: {}", node.log());
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let after = client
            .account(bob.account(), Some(BlockId::Number(included)))
            .await
            .unwrap()
            .balance;
        assert_eq!(after, before + RAO_PER_TAO);
        // The same transaction again is a replay: rejected, nothing changes.
        assert!(client.submit(&tx).await.is_err());

        // Beside it, the Substrate-compatible interface shows the same chain.
        let head = post_json(
            node.substrate,
            &serde_json::json!({
                "jsonrpc": "2.0", "id": 1, "method": "chain_getBlockHash", "params": [included]
            }),
        );
        let block = client
            .block(BlockId::Number(included))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(head["result"], serde_json::json!(block.header.hash));
    });
}

#[test]
fn test_dev_node_with_explicit_timeouts_stops_on_sigterm_and_resumes_where_it_stopped() {
    let env = Env::new();
    let dir = env.dir.path().join("dev");
    let rpc: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let listen = format!("127.0.0.1:{}", free_port());
    let timeouts = [
        "--leader-timeout-ms",
        "1300",
        "--certification-timeout-ms",
        "2500",
        "--timeout-retry-ms",
        "700",
    ];
    let mut args = vec!["--dev", "--listen", &listen, "--block-time-ms", "300"];
    args.extend(timeouts);
    let mut node = NodeProcess::start(&dir, rpc, &args);

    let (height, hash) = runtime().block_on(async {
        wait_finalized(&node, 3, Duration::from_secs(60)).await;
        let height = wait_finalized(&node, 0, Duration::from_secs(1)).await;
        let block = node.client().block(BlockId::Number(height)).await.unwrap();
        (height, block.unwrap().header.hash)
    });

    // The first run initialised the data directory with the timeouts it was given.
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("node.json")).unwrap()).unwrap();
    assert_eq!(config["leader_timeout_ms"], 1300);
    assert_eq!(config["certification_timeout_ms"], 2500);
    assert_eq!(config["timeout_retry_ms"], 700);

    let status = node.terminate(Duration::from_secs(10));
    assert!(status.success(), "{status}; log:\n{}", node.log());
    assert!(node.log().contains("shutting down"), "{}", node.log());

    // Restarted without flags: the timeouts come from node.json, the chain from the store.
    node.extra = vec!["--listen".into(), listen.clone()];
    node.spawn();
    runtime().block_on(async {
        // Its first answer already has the height it stopped at: nothing was lost or redone.
        let resumed = wait_finalized(&node, 0, Duration::from_secs(60)).await;
        assert!(resumed >= height, "resumed at {resumed}, below {height}");
        let block = node.client().block(BlockId::Number(height)).await.unwrap();
        assert_eq!(block.map(|b| b.header.hash), Some(hash));
        wait_finalized(&node, height + 2, Duration::from_secs(60)).await;
    });
}

#[test]
fn test_nonsensical_timeouts_are_refused_before_anything_is_written_or_run() {
    let env = Env::new();
    let dir = env.dir.path().join("node");
    let dir_arg = dir.to_str().unwrap();
    let init = ["node", "init", "--dev", "--data-dir", dir_arg];
    for (flags, message) in [
        (
            &["--leader-timeout-ms", "1000"][..],
            "the leader timeout (1000 ms) must be greater than the block time (1000 ms)",
        ),
        (
            &[
                "--leader-timeout-ms",
                "5000",
                "--certification-timeout-ms",
                "4000",
            ][..],
            "the certification timeout (4000 ms) must be greater than the leader timeout (5000 ms)",
        ),
        (
            &["--certification-timeout-ms", "2000"][..],
            "the certification timeout (2000 ms) must be greater than the leader timeout (2000 ms)",
        ),
        (
            &["--timeout-retry-ms", "0"][..],
            "the timeout retry must be greater than zero",
        ),
        (
            &["--block-time-ms", "0"][..],
            "the block time must be greater than zero",
        ),
    ] {
        let args: Vec<&str> = init.iter().chain(flags).copied().collect();
        let run = env.fails(&args, 2);
        assert!(run.stderr.contains(message), "{flags:?}: {}", run.stderr);
        assert!(run.stderr.contains("--leader-timeout-ms"), "{}", run.stderr);
        assert!(!dir.exists(), "{flags:?} created {}", dir.display());
    }
    // `node run --dev` initialises through the same check.
    let run = env.fails(
        &[
            "node",
            "run",
            "--dev",
            "--no-substrate-rpc",
            "--data-dir",
            dir_arg,
            "--leader-timeout-ms",
            "500",
        ],
        2,
    );
    assert!(
        run.stderr.contains("leader timeout (500 ms)"),
        "{}",
        run.stderr
    );
    assert!(!dir.exists());

    // A data directory initialised without timeouts stores none (as before they existed), and
    // an override on `node run` is checked against the block time stored there.
    env.ok(&init);
    let config = std::fs::read_to_string(dir.join("node.json")).unwrap();
    assert!(!config.contains("timeout"), "{config}");
    let run = env.fails(
        &[
            "node",
            "run",
            "--no-substrate-rpc",
            "--data-dir",
            dir_arg,
            "--certification-timeout-ms",
            "1500",
        ],
        2,
    );
    assert!(
        run.stderr.contains("certification timeout (1500 ms)"),
        "{}",
        run.stderr
    );
}

#[test]
fn test_four_validators_survive_kills_and_agree_on_every_state_root() {
    let env = Env::new();
    let root = env.dir.path();
    let dirs: Vec<PathBuf> = (0..4).map(|i| root.join(format!("v{i}"))).collect();
    let keys: Vec<String> = dirs
        .iter()
        .map(|dir| {
            let run = env.ok(&["--json", "node", "key", "--data-dir", dir.to_str().unwrap()]);
            run.json()["validator_key"].as_str().unwrap().to_string()
        })
        .collect();
    let spec = root.join("spec.json");
    let shares = root.join("shares");
    let p2p: Vec<String> = (0..4)
        .map(|_| format!("127.0.0.1:{}", free_port()))
        .collect();
    let validators: Vec<String> = keys
        .iter()
        .zip(&p2p)
        .map(|(key, address)| format!("{key}@{address}"))
        .collect();
    let mut args = vec![
        "node",
        "spec",
        "-o",
        spec.to_str().unwrap(),
        "--shares-dir",
        shares.to_str().unwrap(),
    ];
    for validator in &validators {
        args.extend(["--validator", validator.as_str()]);
    }
    env.ok(&args);
    let rpc: Vec<SocketAddr> = (0..4)
        .map(|_| format!("127.0.0.1:{}", free_port()).parse().unwrap())
        .collect();
    for i in 0..4 {
        let dir = dirs[i].to_str().unwrap().to_string();
        let mut args = vec![
            "node".to_string(),
            "init".into(),
            "--data-dir".into(),
            dir,
            "--chain-spec".into(),
            spec.to_str().unwrap().into(),
            "--listen".into(),
            p2p[i].clone(),
            "--share".into(),
            shares
                .join(format!("{}.share", keys[i]))
                .to_str()
                .unwrap()
                .into(),
        ];
        for j in (0..4).filter(|&j| j != i) {
            args.push("--peer".into());
            args.push(format!("{}@{}", keys[j], p2p[j]));
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        env.ok(&args);
    }
    let mut nodes: Vec<NodeProcess> = (0..4)
        .map(|i| NodeProcess::start(&dirs[i], rpc[i], &[]))
        .collect();

    runtime().block_on(async {
        for node in &nodes {
            wait_finalized(node, 3, Duration::from_secs(120)).await;
        }
        let genesis_hash = nodes[0].client().info().await.unwrap().genesis_hash;

        // Load: transfers from //Alice submitted to validator 0 for as long as the test runs.
        let stop = Arc::new(AtomicBool::new(false));
        let load = std::thread::spawn({
            let submitter = nodes[0].client();
            let stop = stop.clone();
            move || {
                runtime().block_on(async {
                    let alice = dev("Alice");
                    let bob = dev("Bob").account();
                    while !stop.load(Ordering::Relaxed) {
                        if let Ok(nonce) = submitter.next_nonce(alice.account()).await {
                            let _ = submitter
                                .submit(&transfer(&alice, nonce.pending, genesis_hash, bob))
                                .await;
                        }
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                })
            }
        });

        // One clean SIGKILL and restart: the others go on, the restarted one catches up.
        nodes[2].kill();
        let before = wait_finalized(&nodes[0], 0, Duration::from_secs(1)).await;
        wait_finalized(&nodes[0], before + 5, Duration::from_secs(60)).await;
        nodes[2].spawn();
        let target = wait_finalized(&nodes[0], 0, Duration::from_secs(1)).await;
        wait_finalized(&nodes[2], target, Duration::from_secs(120)).await;

        // Twenty kills at pseudo-random moments, mostly mid-block under load.
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20 {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let delay = Duration::from_millis(200 + (seed >> 33) % 1_300);
            tokio::time::sleep(delay).await;
            nodes[3].kill();
            nodes[3].spawn();
        }
        let target = wait_finalized(&nodes[0], 0, Duration::from_secs(1)).await;
        for node in &nodes {
            wait_finalized(node, target, Duration::from_secs(180)).await;
        }
        stop.store(true, Ordering::Relaxed);
        load.join().unwrap();

        // Every validator has the same block and state root at every height.
        let mut reference = Vec::new();
        for height in 1..=target {
            let info = nodes[0]
                .client()
                .block(BlockId::Number(height))
                .await
                .unwrap()
                .unwrap();
            reference.push((info.header.hash, info.header.state_root));
        }
        let mut transactions = 0;
        for node in &nodes[1..] {
            for height in 1..=target {
                let info = node
                    .client()
                    .block(BlockId::Number(height))
                    .await
                    .unwrap()
                    .unwrap();
                transactions += info.transactions.len();
                assert_eq!(
                    (info.header.hash, info.header.state_root),
                    reference[height as usize - 1],
                    "node {} at height {height}",
                    node.rpc
                );
            }
        }
        assert!(transactions > 0, "the load never reached a block");
    });
}

/// The hash and state root of every block from 1 to `to`, as `node` serves them.
async fn roots(node: &NodeProcess, to: u64) -> Vec<(H256, H256)> {
    let client = node.client();
    let mut roots = Vec::new();
    for height in 1..=to {
        let info = client
            .block(BlockId::Number(height))
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{} has no block {height}", node.rpc));
        roots.push((info.header.hash, info.header.state_root));
    }
    roots
}

#[test]
fn test_follower_checks_serves_and_relays_and_refuses_another_group_key() {
    let env = Env::new();
    let root = env.dir.path();
    let rpc = |_| -> SocketAddr { format!("127.0.0.1:{}", free_port()).parse().unwrap() };
    let (dev_rpc, follower_rpc, impostor_rpc) = (rpc(0), rpc(1), rpc(2));
    let listen = format!("127.0.0.1:{}", free_port());
    let validator = NodeProcess::start(&root.join("dev"), dev_rpc, &["--dev", "--listen", &listen]);
    let upstream = format!("http://{dev_rpc}");
    let spec = root.join("dev/chain-spec.json");
    runtime().block_on(wait_finalized(&validator, 1, Duration::from_secs(60)));

    let follower_dir = root.join("follower");
    env.ok(&[
        "node",
        "init",
        "--data-dir",
        follower_dir.to_str().unwrap(),
        "--chain-spec",
        spec.to_str().unwrap(),
        "--follow",
        &upstream,
    ]);
    let mut follower = NodeProcess::start(&follower_dir, follower_rpc, &[]);

    // The same genesis but for another validator and its group key: nothing the real validators
    // finalized is accepted.
    let impostor_dir = root.join("impostor");
    let stranger = env.ok(&[
        "--json",
        "node",
        "key",
        "--data-dir",
        root.join("x").to_str().unwrap(),
    ]);
    let stranger_key = stranger.json()["validator_key"]
        .as_str()
        .unwrap()
        .to_string();
    let stranger_spec = root.join("stranger.json");
    env.ok(&[
        "node",
        "spec",
        "--validator",
        &format!("{stranger_key}@127.0.0.1:{}", free_port()),
        "-o",
        stranger_spec.to_str().unwrap(),
        "--shares-dir",
        root.join("x").to_str().unwrap(),
    ]);
    let stranger_spec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&stranger_spec).unwrap()).unwrap();
    let mut forged: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&spec).unwrap()).unwrap();
    forged["validators"] = serde_json::json!([stranger_key]);
    forged["addresses"] = stranger_spec["addresses"].clone();
    forged["genesis"]["group_key"] = stranger_spec["genesis"]["group_key"].clone();
    forged["genesis"]["consensus"] = stranger_spec["genesis"]["consensus"].clone();
    let forged_spec = root.join("forged.json");
    std::fs::write(&forged_spec, forged.to_string()).unwrap();
    env.ok(&[
        "node",
        "init",
        "--data-dir",
        impostor_dir.to_str().unwrap(),
        "--chain-spec",
        forged_spec.to_str().unwrap(),
        "--follow",
        &upstream,
    ]);
    let impostor = NodeProcess::start(&impostor_dir, impostor_rpc, &[]);

    runtime().block_on(async {
        // A transfer submitted to the follower is relayed, finalized, and served by it.
        wait_finalized(&follower, 1, Duration::from_secs(60)).await;
        let client = follower.client();
        let genesis_hash = client.info().await.unwrap().genesis_hash;
        let (alice, bob) = (dev("Alice"), dev("Bob"));
        let nonce = client.next_nonce(alice.account()).await.unwrap().pending;
        let hash = client
            .submit(&transfer(&alice, nonce, genesis_hash, bob.account()))
            .await
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        let included = loop {
            let info = client.transaction(hash).await.unwrap();
            if let Some(inclusion) = info.and_then(|info| info.inclusion) {
                assert!(inclusion.success, "{inclusion:?}");
                break inclusion.block_number;
            }
            assert!(
                Instant::now() < deadline,
                "not included: {}",
                follower.log()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let on_validator = validator.client().transaction(hash).await.unwrap();
        assert_eq!(
            on_validator
                .and_then(|i| i.inclusion)
                .map(|i| i.block_number),
            Some(included)
        );

        // Killed and restarted, the follower catches up from where its store stopped.
        follower.kill();
        let before = wait_finalized(&validator, 0, Duration::from_secs(1)).await;
        let target = wait_finalized(&validator, before + 3, Duration::from_secs(30)).await;
        follower.spawn();
        wait_finalized(&follower, target, Duration::from_secs(60)).await;
        assert_eq!(
            roots(&follower, target).await,
            roots(&validator, target).await
        );

        // The impostor committed nothing, and says why: the group key is part of the genesis,
        // so another key is another chain, whose block 1 the upstream's does not follow. (A
        // proof checked against another group key fails too: the simulation's proof test.)
        let health = impostor.client().health().await.unwrap();
        assert_eq!(health.finalized, 0);
        assert!(
            impostor.log().contains("does not link to its parent"),
            "{}",
            impostor.log()
        );
    });
}

/// A node killed at any moment of its first start (creating its key, chain spec,
/// configuration, store and consensus journals) starts from that data directory next time.
#[test]
fn test_a_node_killed_during_its_first_start_starts_again() {
    let env = Env::new();
    // A reproducible spread of moments, from before the first file is written to after the
    // node serves.
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let free_address = || format!("127.0.0.1:{}", free_port());
    let mut dirs = Vec::new();
    for i in 0..50 {
        let dir = env.dir.path().join(format!("first-start-{i}"));
        let rpc = free_address().parse().unwrap();
        let listen = free_address();
        let mut node = NodeProcess::start(&dir, rpc, &["--dev", "--listen", &listen]);
        std::thread::sleep(Duration::from_millis(next() % 200));
        node.kill();
        dirs.push(dir);
    }
    runtime().block_on(async {
        for dir in &dirs {
            let rpc = free_address().parse().unwrap();
            let listen = free_address();
            let node = NodeProcess::start(dir, rpc, &["--dev", "--listen", &listen]);
            // Serving its RPC means the store, the key and consensus all opened.
            wait_finalized(&node, 0, Duration::from_secs(30)).await;
        }
    });
}

/// A small filesystem of its own, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    /// `None` where this process may not mount one (not root, or no tmpfs).
    fn mount(at: &Path, megabytes: u32) -> Option<Self> {
        std::fs::create_dir_all(at).unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(at)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        mounted.then(|| Self(at.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[test]
fn test_a_node_whose_disk_fills_stops_with_the_reason_and_starts_again_once_freed() {
    let env = Env::new();
    // The data directory is a disk of its own; the log is beside it, on another.
    let dir = env.dir.path().join("dev");
    let Some(disk) = Tmpfs::mount(&dir, 64) else {
        eprintln!("skipped: this process cannot mount a tmpfs to fill");
        return;
    };
    let rpc: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let listen = format!("127.0.0.1:{}", free_port());
    let mut node = NodeProcess::start(
        &dir,
        rpc,
        &["--dev", "--listen", &listen, "--block-time-ms", "200"],
    );
    let (height, hash) = runtime().block_on(async {
        let height = wait_finalized(&node, 3, Duration::from_secs(60)).await;
        let block = node.client().block(BlockId::Number(height)).await.unwrap();
        (height, block.unwrap().header.hash)
    });

    // Every byte left goes to another file: the node's next write fails.
    let filler = disk.0.join("filler");
    let mut file = std::fs::File::create(&filler).unwrap();
    let chunk = vec![0u8; 1 << 20];
    while std::io::Write::write_all(&mut file, &chunk).is_ok() {}
    drop(file);

    let mut child = node.child.take().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "still running on a full disk; log:\n{}",
            node.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let log = node.log();
    assert_eq!(
        status.code(),
        Some(2),
        "a clean exit with an error; log:\n{log}"
    );
    assert!(
        log.contains("error: stopped"),
        "the reason is the last word; log:\n{log}"
    );

    // Space again: the same directory starts, with every block it had finalized.
    std::fs::remove_file(&filler).unwrap();
    node.extra = vec!["--listen".into(), listen];
    node.spawn();
    runtime().block_on(async {
        let resumed = wait_finalized(&node, height, Duration::from_secs(60)).await;
        let block = node.client().block(BlockId::Number(height)).await.unwrap();
        assert_eq!(block.map(|b| b.header.hash), Some(hash));
        wait_finalized(&node, resumed + 2, Duration::from_secs(60)).await;
    });
}
