//! The axon and the dendrite over real sockets: answers, every refusal with its status, and
//! abuse (replayed, stale and forged requests, tampered bodies, oversized bodies, a client that
//! dribbles bytes, a flood from one hotkey) while other callers keep being served.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::now_ns;
use common::{key, post, raw, request, Double, Refuse, Slow, Unserved};
use plexus_axon::{Axon, AxonConfig, Dendrite, Synapse, Target};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn start(config: AxonConfig) -> (plexus_axon::RunningAxon, Target) {
    let miner = key("//Miner");
    let target_hotkey = miner.account();
    let axon = Axon::new(miner, Refuse(key("//Stranger").account()))
        .config(config)
        .route(|mut d: Double| async move {
            d.output = Some(d.input * 2);
            d
        })
        .route(|s: Slow| async move {
            tokio::time::sleep(Duration::from_millis(s.millis)).await;
            s
        })
        .serve("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let target = Target {
        ip: axon.local_addr().ip(),
        port: axon.local_addr().port(),
        hotkey: target_hotkey,
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
