//! Hostile clients against a running `plexus node run --dev` with its explorer, metrics and
//! Substrate-compatible JSON-RPC, all on loopback and each bounded in time: floods of idle
//! connections to every listener, slow clients, amplifying batches and a flood of explorer
//! pages from one address. During each, a well-behaved client on another loopback address must
//! be served within a second and blocks must keep being finalized; afterwards the node's
//! sockets and memory must come back to where they were.

use crate::node::NodeProcess;
use crate::util::{free_port, Env};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// The attacker's address (the one an unbound loopback socket gets); the well-behaved client
/// uses another.
const ATTACKER: [u8; 4] = [127, 0, 0, 1];
const HONEST: [u8; 4] = [127, 0, 0, 2];
/// A visitor of the explorer who asks for pages as fast as it can.
const VISITOR: [u8; 4] = [127, 0, 0, 3];

/// Idle connections each flood opens (or as many as this process may open, less a margin).
const FLOOD: usize = 20_000;

fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

async fn connect_from(local: [u8; 4], to: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::from((IpAddr::from(local), 0)))?;
    socket.connect(to).await
}

/// One HTTP/1.1 exchange from `local`: the status and the body.
async fn exchange(local: [u8; 4], to: SocketAddr, request: &str) -> (u16, String) {
    let Ok(mut stream) = connect_from(local, to).await else {
        return (0, String::new());
    };
    if stream.write_all(request.as_bytes()).await.is_err() {
        return (0, String::new());
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map_or(String::new(), |(_, b)| b.to_string());
    (status, body)
}

fn rpc_request(body: &str) -> String {
    format!(
        "POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn get_request(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
}

/// The node's finalized height, asked as the well-behaved client.
async fn finalized(rpc: SocketAddr) -> u64 {
    let (_, body) = exchange(
        HONEST,
        rpc,
        &rpc_request(r#"{"jsonrpc":"2.0","id":1,"method":"system_health","params":[]}"#),
    )
    .await;
    serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["result"]["finalized"].as_u64())
        .unwrap_or(0)
}

/// Open sockets and resident memory (KiB) of a process. Sockets, not all descriptors: the
/// store and consensus open files of their own as the chain grows.
fn usage(pid: u32) -> (usize, u64) {
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |dir| {
        dir.filter_map(Result::ok)
            .filter_map(|fd| std::fs::read_link(fd.path()).ok())
            .filter(|target| target.to_string_lossy().starts_with("socket:"))
            .count()
    });
    let rss = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    (fds, rss)
}

/// Repeats `request` to `to` from the well-behaved address until `done`, and returns every
/// answer's status and time.
async fn probe(
    from: [u8; 4],
    to: SocketAddr,
    request: String,
    done: tokio::sync::watch::Receiver<bool>,
) -> Vec<(u16, Duration)> {
    let mut answers = Vec::new();
    while !*done.borrow() {
        let started = Instant::now();
        let (status, _) = exchange(from, to, &request).await;
        answers.push((status, started.elapsed()));
        // A person's pace, within the explorer's allowance for one visitor.
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    answers
}

/// Checks the well-behaved client's answers: all 200, the 99th percentile under a second.
fn served(what: &str, answers: &[(u16, Duration)]) {
    assert!(answers.len() >= 5, "{what}: only {} probes", answers.len());
    let failed: Vec<_> = answers.iter().filter(|(s, _)| *s != 200).collect();
    assert!(failed.is_empty(), "{what}: refused {failed:?}");
    let mut times: Vec<Duration> = answers.iter().map(|(_, t)| *t).collect();
    times.sort();
    let p99 = times[(times.len() * 99 / 100).min(times.len() - 1)];
    assert!(p99 < Duration::from_secs(1), "{what}: p99 {p99:?}");
}

/// Runs `attack` while a well-behaved client at `from` probes `to`; checks it was served and
/// that blocks were finalized meanwhile.
async fn during<F: std::future::Future<Output = ()>>(
    what: &str,
    rpc: SocketAddr,
    (from, to, request): ([u8; 4], SocketAddr, String),
    attack: F,
) {
    let before = finalized(rpc).await;
    let (done, watching) = tokio::sync::watch::channel(false);
    let probing = tokio::spawn(probe(from, to, request, watching));
    attack.await;
    done.send(true).unwrap();
    served(what, &probing.await.unwrap());
    let deadline = Instant::now() + Duration::from_secs(10);
    while finalized(rpc).await <= before {
        assert!(Instant::now() < deadline, "{what}: no block was finalized");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Opens up to `count` connections from the attacker's address to `to` and holds them for
/// `hold`, then closes them.
async fn idle_flood(to: SocketAddr, count: usize, hold: Duration) {
    let mut held = Vec::with_capacity(count);
    let deadline = Instant::now() + Duration::from_secs(20);
    while held.len() < count && Instant::now() < deadline {
        // Not bound first, so the kernel may reuse each local port towards other destinations:
        // the flood does not take the ports the other tests running beside it need.
        match TcpStream::connect(to).await {
            Ok(stream) => held.push(stream),
            // Out of local ports or descriptors for a moment: the flood is as large as it gets.
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
    tokio::time::sleep(hold).await;
    drop(held);
}

/// Clients that send an RPC request's headers and then its body a byte at a time.
async fn slow_clients(to: SocketAddr, count: usize, run_for: Duration) {
    let mut streams = Vec::new();
    for _ in 0..count {
        if let Ok(mut stream) = connect_from(ATTACKER, to).await {
            let head = "POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n";
            if stream.write_all(head.as_bytes()).await.is_ok() {
                streams.push(stream);
            }
        }
    }
    let deadline = Instant::now() + run_for;
    while Instant::now() < deadline {
        for stream in &mut streams {
            let _ = stream.write_all(b" ").await;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Batches of the largest answers the API gives, and of beacon values (each a stored header
/// read), as fast as one address can send them; returns how many bytes came back and whether
/// the rate limit answered.
async fn amplifying_batches(to: SocketAddr, run_for: Duration) -> (usize, bool) {
    let sync = r#"{"jsonrpc":"2.0","id":1,"method":"chain_syncBlocks","params":[0]}"#;
    let beacon = r#"{"jsonrpc":"2.0","id":2,"method":"chain_randomness","params":[1]}"#;
    let mut calls = vec![sync; 48];
    calls.extend(vec![beacon; 16]);
    let batch = format!("[{}]", calls.join(","));
    let request = rpc_request(&batch);
    let (mut bytes, mut limited) = (0, false);
    let deadline = Instant::now() + run_for;
    while Instant::now() < deadline {
        let (_, body) = exchange(ATTACKER, to, &request).await;
        bytes += body.len();
        limited |= body.contains("-32029");
    }
    (bytes, limited)
}

/// Raises this process's open files limit as far as it goes; returns it.
fn raise_own_limit() -> usize {
    let want = (FLOOD as u64) + 4096;
    if rlimit::getrlimit(rlimit::Resource::NOFILE).is_ok_and(|(_, hard)| hard < want) {
        // Root may raise the hard limit too; elsewhere the hard limit is what there is.
        let _ = rlimit::setrlimit(rlimit::Resource::NOFILE, want, want);
    }
    rlimit::increase_nofile_limit(want).map_or(1024, |l| l as usize)
}

#[test]
fn test_hostile_clients_do_not_take_down_the_node_or_starve_others() {
    let limit = raise_own_limit();
    let flood = FLOOD.min(limit.saturating_sub(512));
    let env = Env::new();
    let (rpc, explorer, metrics) = (
        loopback(free_port()),
        loopback(free_port()),
        loopback(free_port()),
    );
    let listen = loopback(free_port()).to_string();
    let node = NodeProcess::start(
        &env.dir.path().join("node"),
        rpc,
        &[
            "--dev",
            "--listen",
            &listen,
            "--block-time-ms",
            "200",
            "--explorer",
            &explorer.to_string(),
            "--metrics",
            &metrics.to_string(),
        ],
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let deadline = Instant::now() + Duration::from_secs(60);
        while finalized(rpc).await < 2 {
            assert!(Instant::now() < deadline, "the node did not start:\n{}", node.log());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // Warm every listener once, so the baseline counts what serving normally holds.
        let health = rpc_request(r#"{"jsonrpc":"2.0","id":1,"method":"system_health","params":[]}"#);
        assert_eq!(exchange(HONEST, explorer, &get_request("/")).await.0, 200);
        assert_eq!(exchange(HONEST, metrics, &get_request("/metrics")).await.0, 200);
        let substrate = node.substrate();
        let head = rpc_request(r#"{"jsonrpc":"2.0","id":1,"method":"chain_getHead","params":[]}"#);
        assert_eq!(exchange(HONEST, substrate, &head).await.0, 200);
        tokio::time::sleep(Duration::from_millis(500)).await;
        let (fds, rss) = usage(node.pid());

        let listeners = [
            ("rpc", rpc, health.clone()),
            ("substrate-compatible rpc", substrate, head),
            ("explorer", explorer, get_request("/")),
            ("metrics", metrics, get_request("/metrics")),
        ];
        for (name, to, request) in &listeners {
            let what = format!("{flood} idle connections to the {name}");
            let probe = (HONEST, *to, request.clone());
            during(&what, rpc, probe, idle_flood(*to, flood, Duration::from_secs(1))).await;
        }
        during(
            "256 slow clients to the rpc",
            rpc,
            (HONEST, rpc, health.clone()),
            slow_clients(rpc, 256, Duration::from_secs(3)),
        )
        .await;
        let mut amplified = (0, false);
        during(
            "amplifying batches to the rpc",
            rpc,
            (HONEST, rpc, health.clone()),
            async {
                amplified = amplifying_batches(rpc, Duration::from_secs(3)).await;
            },
        )
        .await;
        assert!(amplified.1, "the batches were never rate limited ({} bytes)", amplified.0);

        // A visitor flooding the explorer's pages is slowed down by the explorer itself, so the
        // node's RPC keeps serving the operator's tools at the explorer's own address, and other
        // visitors still get pages.
        let mut refused = 0;
        during(
            "a flood of explorer pages",
            rpc,
            (ATTACKER, rpc, health.clone()),
            async {
                let floods = (0..8).map(|_| async {
                    let mut refused = 0;
                    let deadline = Instant::now() + Duration::from_secs(3);
                    while Instant::now() < deadline {
                        let (status, _) = exchange(VISITOR, explorer, &get_request("/")).await;
                        refused += usize::from(status == 429);
                    }
                    refused
                });
                refused = futures::future::join_all(floods).await.into_iter().sum();
            },
        )
        .await;
        assert!(refused > 0, "the explorer never slowed the flood down");
        assert_eq!(exchange(HONEST, explorer, &get_request("/")).await.0, 200);

        // Everything the attacks held is given back.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let (now_fds, now_rss) = usage(node.pid());
            if now_fds <= fds + 16 && now_rss <= rss + 128 * 1024 {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the node holds {now_fds} sockets and {now_rss} KiB, against {fds} and {rss} KiB before"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });
}
