//! The axon and the dendrite over real sockets: answers, every refusal with its status, and
//! abuse (replayed, stale and forged requests, tampered bodies, oversized bodies, a client that
//! dribbles bytes, a flood from one hotkey) while other callers keep being served; btauth/1,
//! streamed answers, the priority queue and the connection limits; a dendrite that follows no
//! redirect.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::now_ns;
use common::{
    btauth_headers, doubled, key, post, post_from, post_to, raw, request, words, Double, Refuse,
    Slow, Unserved, Words,
};
use futures::StreamExt as _;
use plexus_axon::{Axon, AxonConfig, Dendrite, RunningAxon, Scheme, Synapse, Target};
use plexus_primitives::AccountId;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn start(config: AxonConfig) -> (RunningAxon, Target) {
    listen(
        Axon::new(key("//Miner"), Refuse(key("//Stranger").account()))
            .config(config)
            .route(doubled)
            .route(|s: Slow| async move {
                tokio::time::sleep(Duration::from_millis(s.millis)).await;
                s
            }),
    )
    .await
}

/// `axon` (signing as //Miner) serving on a free loopback port, and the target that calls it.
async fn listen(axon: Axon) -> (RunningAxon, Target) {
    let axon = axon.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let target = Target {
        ip: axon.local_addr().ip(),
        port: axon.local_addr().port(),
        hotkey: key("//Miner").account(),
    };
    (axon, target)
}

const T: Duration = Duration::from_secs(5);

#[tokio::test]
async fn test_answers_and_every_refusal() {
    let (_axon, target) = start(AxonConfig::default()).await;
    let validator = Dendrite::new(key("//Validator"), 16);

    let answer = validator.call(&target, &request(21), T).await;
    assert_eq!(answer.status, 200, "{}", answer.message);
    assert_eq!(answer.synapse.unwrap().output, Some(42));
    assert!(answer.process_time.is_some());

    let unknown = validator.call(&target, &Unserved { x: 1 }, T).await;
    assert_eq!(unknown.status, 404);
    assert!(
        unknown
            .message
            .contains("Synapse name 'Unserved' not found"),
        "{}",
        unknown.message
    );

    let stranger = Dendrite::new(key("//Stranger"), 4);
    let refused = stranger.call(&target, &request(1), T).await;
    assert_eq!(refused.status, 403);
    assert_eq!(
        refused.message,
        "Forbidden. Key is blacklisted: not registered on this subnet."
    );

    let elsewhere = Target {
        hotkey: key("//OtherMiner").account(),
        ..target.clone()
    };
    let misdirected = validator.call(&elsewhere, &request(1), T).await;
    assert_eq!(misdirected.status, 401);
    assert!(misdirected
        .message
        .starts_with("Not Verified with error: Signature mismatch"));

    let slow = validator
        .call(&target, &Slow { millis: 3_000 }, Duration::from_millis(500))
        .await;
    assert_eq!(slow.status, 408, "{}", slow.message);

    // Concurrent calls from one dendrite keep their nonces strictly increasing.
    let calls = (0..32).map(|i| {
        let validator = validator.clone();
        let target = target.clone();
        async move { validator.call(&target, &request(i), T).await }
    });
    for (i, answer) in futures::future::join_all(calls)
        .await
        .into_iter()
        .enumerate()
    {
        assert_eq!(answer.status, 200, "call {i}: {}", answer.message);
        assert_eq!(answer.synapse.unwrap().output, Some(2 * i as i64));
    }
}

#[tokio::test]
async fn test_abuse_is_refused_and_others_are_still_served() {
    let config = AxonConfig {
        max_body_bytes: 64 * 1024,
        read_timeout: Duration::from_millis(800),
        nonce_capacity: 8,
        rate_per_hotkey: 20,
        ..AxonConfig::default()
    };
    let (axon, target) = start(config).await;
    let addr = axon.local_addr();
    let attacker = key("//Attacker");
    let honest = Dendrite::new(key("//Honest"), 4);
    let body = serde_json::to_value(request(5)).unwrap();

    // Replayed: the same signed request twice.
    let nonce = now_ns();
    let (text, headers) = raw(
        &attacker,
        &target.hotkey,
        nonce,
        &body,
        &body,
        Double::HASH_FIELDS,
    );
    assert_eq!(post(addr, text.clone(), &headers).await.0, 200);
    let (status, reply) = post(addr, text, &headers).await;
    assert_eq!(status, 401);
    assert!(reply.contains("a newer one was last processed"), "{reply}");

    // Stale: a first request from a new caller signed a minute ago.
    let old = key("//Old");
    let (text, headers) = raw(
        &old,
        &target.hotkey,
        now_ns() - 60_000_000_000,
        &body,
        &body,
        Double::HASH_FIELDS,
    );
    let (status, reply) = post(addr, text, &headers).await;
    assert_eq!(status, 401);
    assert!(reply.contains("Nonce is too old"), "{reply}");

    // Tampered: the body changed after signing (the hash header still matches the signature).
    let mut tampered = body.clone();
    tampered["input"] = serde_json::json!(6);
    let (_, headers) = raw(
        &attacker,
        &target.hotkey,
        now_ns(),
        &body,
        &body,
        Double::HASH_FIELDS,
    );
    let (status, reply) = post(addr, tampered.to_string(), &headers).await;
    assert_eq!(status, 500, "{reply}");
    assert!(reply.contains("Internal Server Error"));

    // Oversized.
    let mut big = body.clone();
    big["label"] = serde_json::json!("x".repeat(100 * 1024));
    let (text, headers) = raw(
        &attacker,
        &target.hotkey,
        now_ns(),
        &big,
        &big,
        Double::HASH_FIELDS,
    );
    assert_eq!(post(addr, text, &headers).await.0, 413);

    // A client that sends its headers, then dribbles the body one byte at a time.
    let (text, headers) = raw(
        &attacker,
        &target.hotkey,
        now_ns(),
        &body,
        &body,
        Double::HASH_FIELDS,
    );
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut head = format!(
        "POST /Double HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
        text.len()
    );
    for (name, value) in &headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    let dribble = async {
        for byte in text.as_bytes() {
            if stream.write_all(&[*byte]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    // Meanwhile an honest caller is served at once.
    let served = async { honest.call(&target, &request(3), T).await };
    let (_, answer) = tokio::join!(
        tokio::time::timeout(Duration::from_secs(3), dribble),
        served
    );
    assert_eq!(answer.status, 200);
    let mut reply = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut reply))
        .await
        .unwrap()
        .unwrap_or(0);
    let reply = String::from_utf8_lossy(&reply[..n]);
    assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");

    // A flood from one hotkey is cut off by its rate; an honest caller still gets through.
    let flooder = Dendrite::new(key("//Flooder"), 64);
    let flood = (0..60).map(|i| {
        let flooder = flooder.clone();
        let target = target.clone();
        async move { flooder.call(&target, &request(i), T).await.status }
    });
    let statuses = futures::future::join_all(flood).await;
    assert!(statuses.contains(&429), "{statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 429),
        "{statuses:?}"
    );
    assert_eq!(honest.call(&target, &request(4), T).await.status, 200);

    // Many callers: the nonce memory stays within its bound.
    for i in 0..30 {
        let caller = Dendrite::new(key(&format!("//Caller{i}")), 1);
        assert_eq!(caller.call(&target, &request(i), T).await.status, 200);
    }
    assert!(
        axon.remembered_callers() <= 8,
        "{}",
        axon.remembered_callers()
    );
}

#[tokio::test]
async fn test_btauth_requests_are_answered_and_refused_like_synapse_ones() {
    let (axon, target) = start(AxonConfig::default()).await;
    let addr = axon.local_addr();
    let validator = Dendrite::new(key("//Validator"), 4).with_scheme(Scheme::BtAuth);
    let answer = validator.call(&target, &request(21), T).await;
    assert_eq!(answer.status, 200, "{}", answer.message);
    assert_eq!(answer.synapse.unwrap().output, Some(42));
    // Signed for another axon.
    let elsewhere = Target {
        hotkey: key("//OtherMiner").account(),
        ..target.clone()
    };
    let answer = validator.call(&elsewhere, &request(1), T).await;
    assert_eq!(answer.status, 401);
    assert!(
        answer.message.contains("WrongReceiver"),
        "{}",
        answer.message
    );
    let stranger = Dendrite::new(key("//Stranger"), 1).with_scheme(Scheme::BtAuth);
    assert_eq!(stranger.call(&target, &request(1), T).await.status, 403);
    assert_eq!(
        validator.call(&target, &Unserved { x: 1 }, T).await.status,
        404
    );

    let signer = key("//Validator");
    let body = serde_json::to_string(&request(5)).unwrap();
    let signed = |nonce: u64| {
        btauth_headers(
            &signer,
            "/Double",
            body.as_bytes(),
            Some(&target.hotkey),
            nonce,
        )
    };
    // Replayed: the same headers twice.
    let headers = signed(now_ns());
    assert_eq!(post(addr, body.clone(), &headers).await.0, 200);
    let (status, reply) = post(addr, body.clone(), &headers).await;
    assert_eq!(status, 401);
    assert!(reply.contains("ReplayedRequest"), "{reply}");
    // Stale.
    let (status, reply) = post(addr, body.clone(), &signed(now_ns() - 30_000_000_000)).await;
    assert_eq!(status, 401);
    assert!(reply.contains("StaleRequest"), "{reply}");
    // Tampered: one field changed after signing.
    let tampered = body.replace("\"input\":5", "\"input\":6");
    assert_ne!(tampered, body);
    let (status, reply) = post(addr, tampered, &signed(now_ns())).await;
    assert_eq!(status, 401);
    assert!(reply.contains("BadSignature"), "{reply}");
    // The target is signed with its query: another query is another request.
    let (status, reply) = post_to(addr, "/Double?x=1", body.clone(), &signed(now_ns())).await;
    assert_eq!(status, 401);
    assert!(reply.contains("BadSignature"), "{reply}");
    // Forged: the signature is not the claimed hotkey's.
    let mut forged = signed(now_ns());
    for (name, value) in &mut forged {
        if name == "x-bittensor-hotkey" {
            *value = key("//Honest").account().to_string();
        }
    }
    let (status, reply) = post(addr, body.clone(), &forged).await;
    assert_eq!(status, 401);
    assert!(reply.contains("BadSignature"), "{reply}");
    // Malformed.
    let mut malformed = signed(now_ns());
    malformed.retain(|(name, _)| name != "x-bittensor-signature");
    let (status, reply) = post(addr, body.clone(), &malformed).await;
    assert_eq!(status, 401);
    assert!(reply.contains("MalformedAuth"), "{reply}");
    // After all that, a good request still goes through.
    assert_eq!(post(addr, body.clone(), &signed(now_ns())).await.0, 200);
}

#[tokio::test]
async fn test_streamed_answers_arrive_in_chunks_with_both_schemes() {
    let (_axon, target) = listen(
        Axon::new(key("//Miner"), Refuse(key("//Stranger").account()))
            .stream_route(|w: Words| async move { words(w) }),
    )
    .await;
    for scheme in [Scheme::Synapse, Scheme::BtAuth] {
        let dendrite = Dendrite::new(key("//Validator"), 2).with_scheme(scheme);
        let text = Words {
            text: "a b c".into(),
        };
        let answer = dendrite.call_stream(&target, &text, T).await;
        assert_eq!(answer.status, 200, "{scheme:?}: {}", answer.message);
        let chunks: Vec<_> = answer.synapse.unwrap().collect().await;
        let body: Vec<u8> = chunks
            .into_iter()
            .flat_map(|c| c.unwrap().to_vec())
            .collect();
        assert_eq!(String::from_utf8(body).unwrap(), "a b c ");
        let stranger = Dendrite::new(key("//Stranger"), 1).with_scheme(scheme);
        assert_eq!(stranger.call_stream(&target, &text, T).await.status, 403);
    }
}

/// Callers ranked by the number in their name: //Caller9 before //Caller1.
struct Ranked;

impl plexus_axon::Gate for Ranked {
    fn admit(&self, _: &AccountId) -> Result<(), String> {
        Ok(())
    }

    fn priority(&self, hotkey: &AccountId) -> u64 {
        (1..10)
            .find(|i| key(&format!("//Caller{i}")).account() == *hotkey)
            .unwrap_or(0)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_waiting_requests_are_served_highest_priority_first() {
    // One slot, held by a request until the test lets it go.
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    let order = Arc::new(std::sync::Mutex::new(Vec::new()));
    let entered = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (axon, target) = listen(
        Axon::new(key("//Miner"), Ranked)
            .config(AxonConfig {
                max_concurrent: 1,
                max_queued: 3,
                ..AxonConfig::default()
            })
            .route({
                let gate = gate.clone();
                let order = order.clone();
                let entered = entered.clone();
                move |mut d: Double| {
                    let gate = gate.clone();
                    let order = order.clone();
                    let entered = entered.clone();
                    async move {
                        if d.input == 0 {
                            entered.store(true, std::sync::atomic::Ordering::SeqCst);
                            gate.acquire().await.unwrap().forget();
                        }
                        order.lock().unwrap().push(d.input);
                        d.output = Some(d.input * 2);
                        d
                    }
                }
            }),
    )
    .await;
    let call = |who: &str, input: i64| {
        let dendrite = Dendrite::new(key(who), 1);
        let target = target.clone();
        tokio::spawn(async move { dendrite.call(&target, &request(input), T).await.status })
    };
    let wait_for_queue = |n: usize| {
        let axon = &axon;
        async move {
            while axon.queued() != n {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
    };
    let holder = call("//Holder", 0);
    while !entered.load(std::sync::atomic::Ordering::SeqCst) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let low = call("//Caller1", 1);
    wait_for_queue(1).await;
    let middle = call("//Caller5", 5);
    wait_for_queue(2).await;
    let high = call("//Caller9", 9);
    wait_for_queue(3).await;
    // The queue is full: one more is refused at once.
    let refused = Dendrite::new(key("//Caller7"), 1)
        .call(&target, &request(7), T)
        .await;
    assert_eq!(refused.status, 503, "{}", refused.message);
    gate.add_permits(1);
    for task in [holder, low, middle, high] {
        assert_eq!(task.await.unwrap(), 200);
    }
    assert_eq!(*order.lock().unwrap(), vec![0, 9, 5, 1]);
}

#[tokio::test]
async fn test_slow_headers_and_too_many_connections_are_cut_off() {
    let (axon, target) = start(AxonConfig {
        read_timeout: Duration::from_millis(500),
        max_connections: 4,
        ..AxonConfig::default()
    })
    .await;
    let addr = axon.local_addr();
    // A client that sends its request line and then a header byte now and then.
    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"POST /Double HTTP/1.1\r\nhost: x\r\n")
        .await
        .unwrap();
    let dribble = async {
        for _ in 0..20 {
            if slow.write_all(b"x").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    let honest = Dendrite::new(key("//Honest"), 1);
    let two = request(2);
    let (_, answer) = tokio::join!(dribble, honest.call(&target, &two, T));
    assert_eq!(answer.status, 200, "{}", answer.message);
    // The dribbling connection was closed (the 20 bytes took 4 s, the limit is 0.5 s).
    let mut rest = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut rest)).await;
    assert!(read.is_ok(), "the slow connection is still open");

    // Idle connections beyond the cap are answered 503 and closed as soon as they are accepted.
    let mut idle = Vec::new();
    for _ in 0..8 {
        idle.push(tokio::net::TcpStream::connect(addr).await.unwrap());
    }
    let mut closed = 0;
    for stream in &mut idle {
        let mut answer = Vec::new();
        if let Ok(Ok(_)) =
            tokio::time::timeout(Duration::from_millis(300), stream.read_to_end(&mut answer)).await
        {
            // Refused at once with 503, or (an admitted one) closed by the header timeout.
            assert!(
                answer.is_empty() || answer.starts_with(b"HTTP/1.1 503"),
                "{}",
                String::from_utf8_lossy(&answer)
            );
            closed += 1;
        }
    }
    assert!(closed >= 4, "only {closed} of 8 connections were closed");
    drop(idle);
    // Once they are gone, callers are served again.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(honest.call(&target, &request(3), T).await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_a_keyless_flood_claiming_a_validator_starves_nobody() {
    let (axon, target) = listen(
        Axon::new(key("//Miner"), Ranked)
            .config(AxonConfig {
                max_concurrent: 1,
                max_queued: 2,
                max_unverified_per_address: 4,
                max_connections_per_address: 16,
                read_timeout: Duration::from_secs(3),
                ..AxonConfig::default()
            })
            .route(doubled),
    )
    .await;
    let addr = axon.local_addr();
    // The flood: btauth/1 headers claiming the top-ranked hotkey, a zeroed signature, and a
    // body that never comes, on as many connections as one address may open.
    let body = serde_json::to_string(&request(1)).unwrap();
    let mut headers = btauth_headers(
        &key("//Caller9"),
        "/Double",
        body.as_bytes(),
        Some(&target.hotkey),
        now_ns(),
    );
    for (name, value) in &mut headers {
        if name == plexus_axon::btauth::HEADER_SIGNATURE {
            *value = format!("0x{}", "00".repeat(64));
        }
    }
    let mut head = format!(
        "POST /Double HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in &headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut flood = Vec::new();
    for _ in 0..24 {
        let Ok(mut stream) = tokio::net::TcpStream::connect(addr).await else {
            continue;
        };
        if stream.write_all(head.as_bytes()).await.is_ok() {
            flood.push(stream);
        }
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        axon.queued(),
        0,
        "nothing unverified waits for a handler slot"
    );

    // Meanwhile a genuine caller on another address is served at once, whatever the flood
    // claims to be.
    let honest = Some(std::net::IpAddr::from([127, 0, 0, 2]));
    for input in 0..5 {
        let body = serde_json::to_string(&request(input)).unwrap();
        let headers = btauth_headers(
            &key("//Caller1"),
            "/Double",
            body.as_bytes(),
            Some(&target.hotkey),
            now_ns(),
        );
        let started = std::time::Instant::now();
        let (status, answer) = post_from(honest, addr, "/Double", body, &headers).await;
        assert_eq!(status, 200, "{answer}");
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
    }

    // The flood itself got 429 beyond its few unverified places (or its connections were
    // refused), and the rest end with the body timeout; none was served.
    let mut answers = Vec::new();
    for mut stream in flood {
        let mut answer = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
        answers.push(String::from_utf8_lossy(&answer).into_owned());
    }
    let status = |a: &String| a.split_whitespace().nth(1).unwrap_or("closed").to_string();
    let statuses: Vec<String> = answers.iter().map(status).collect();
    assert!(
        statuses.iter().filter(|s| *s == "429").count() >= 8,
        "{statuses:?}"
    );
    assert!(statuses.iter().all(|s| s != "200"), "{statuses:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_idle_connections_and_a_keyless_synapse_flood_starve_nobody() {
    let (axon, target) = listen(
        Axon::new(key("//Miner"), Ranked)
            .config(AxonConfig {
                max_concurrent: 1,
                max_queued: 2,
                ..AxonConfig::default()
            })
            .route(doubled),
    )
    .await;
    let addr = axon.local_addr();
    // As many idle connections as this process may open, up to 20,000, from the attacker's
    // address (an unbound loopback socket's), held while a genuine caller on another
    // address is served.
    let want = 20_000 + 4096;
    if rlimit::getrlimit(rlimit::Resource::NOFILE).is_ok_and(|(_, hard)| hard < want) {
        let _ = rlimit::setrlimit(rlimit::Resource::NOFILE, want, want);
    }
    let limit = rlimit::increase_nofile_limit(want).unwrap_or(1024) as usize;
    let count = 20_000.min(limit.saturating_sub(512));
    let mut idle = Vec::with_capacity(count);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while idle.len() < count && std::time::Instant::now() < deadline {
        match tokio::net::TcpStream::connect(addr).await {
            Ok(stream) => idle.push(stream),
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
    // Synapse requests claiming the top-ranked hotkey with a zeroed signature and no body:
    // refused from their headers, before any slot.
    let body = serde_json::to_value(request(1)).unwrap();
    let (_, mut headers) = raw(
        &key("//Caller9"),
        &target.hotkey,
        now_ns(),
        &body,
        &body,
        Double::HASH_FIELDS,
    );
    for (name, value) in &mut headers {
        if name == "bt_header_dendrite_signature" {
            *value = format!("0x{}", "00".repeat(64));
        }
    }
    let forger = Some(std::net::IpAddr::from([127, 0, 0, 3]));
    let forged = async {
        let mut statuses = Vec::new();
        for _ in 0..50 {
            let (status, _) = post_from(forger, addr, "/Double", String::new(), &headers).await;
            statuses.push(status);
        }
        statuses
    };
    let honest = Some(std::net::IpAddr::from([127, 0, 0, 2]));
    let genuine = async {
        let mut served = Vec::new();
        for input in 0..5 {
            let (text, headers) = raw(
                &key("//Caller1"),
                &target.hotkey,
                now_ns(),
                &serde_json::to_value(request(input)).unwrap(),
                &serde_json::to_value(request(input)).unwrap(),
                Double::HASH_FIELDS,
            );
            let started = std::time::Instant::now();
            let (status, answer) = post_from(honest, addr, "/Double", text, &headers).await;
            served.push((status, started.elapsed(), answer));
        }
        served
    };
    let (statuses, served) = tokio::join!(forged, genuine);
    assert!(idle.len() >= 1000, "only {} idle connections", idle.len());
    for (status, took, answer) in served {
        assert_eq!(status, 200, "{answer}");
        assert!(took < Duration::from_secs(1), "{took:?}");
    }
    // The forged ones were refused from their headers, and none waited for a slot.
    assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    assert_eq!(axon.queued(), 0);
    drop(idle);
}

#[tokio::test]
async fn test_the_dendrite_follows_no_redirect() {
    // Where a redirect would send the signed request: it must never be reached.
    let elsewhere = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let location = format!("http://{}/Double", elsewhere.local_addr().unwrap());
    let axon = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let target = Target {
        ip: axon.local_addr().unwrap().ip(),
        port: axon.local_addr().unwrap().port(),
        hotkey: key("//Miner").account(),
    };
    tokio::spawn(async move {
        let (mut socket, _) = axon.accept().await.unwrap();
        let mut buf = vec![0u8; 65536];
        let _ = socket.read(&mut buf).await;
        let answer = format!(
            "HTTP/1.1 307 Temporary Redirect\r\nlocation: {location}\r\ncontent-length: 0\r\n\r\n"
        );
        socket.write_all(answer.as_bytes()).await.unwrap();
    });
    let dendrite = Dendrite::new(key("//Validator"), 4);
    let answer = dendrite.call(&target, &request(2), T).await;
    assert_eq!(answer.status, 307, "{}", answer.message);
    let reached = tokio::time::timeout(Duration::from_millis(300), elsewhere.accept()).await;
    assert!(reached.is_err(), "the redirect was followed");
}
