//! Requests built by hand, as a dendrite would build them, for tests that send what a real
//! dendrite never would (replays, stale nonces, tampered bodies).

#![allow(clippy::unwrap_used, dead_code, unreachable_pub)]

use plexus_axon::auth::request_message;
use plexus_axon::hash::body_hash;
use plexus_keys::Keypair;
use plexus_primitives::AccountId;
use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};

pub fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
}

/// A hand-built request: the body and headers a dendrite would send, signed by `signer`.
pub fn raw(
    signer: &Keypair,
    axon_hotkey: &AccountId,
    nonce: u64,
    body: &serde_json::Value,
    hashed_body: &serde_json::Value,
    hash_fields: &[&str],
) -> (String, Vec<(String, String)>) {
    let hash = body_hash(hashed_body, hash_fields);
    let message = request_message(nonce, &signer.account(), axon_hotkey, "uuid-1", &hash);
    let signature = format!("0x{}", hex::encode(signer.sign(message.as_bytes()).0));
    let headers = vec![
        ("timeout".into(), "5.0".into()),
        ("bt_header_dendrite_nonce".into(), nonce.to_string()),
        ("bt_header_dendrite_uuid".into(), "uuid-1".into()),
        (
            "bt_header_dendrite_hotkey".into(),
            signer.account().to_string(),
        ),
        ("bt_header_dendrite_signature".into(), signature),
        ("computed_body_hash".into(), hash),
    ];
    (body.to_string(), headers)
}

pub async fn post(addr: SocketAddr, body: String, headers: &[(String, String)]) -> (u16, String) {
    let client = reqwest::Client::new();
    let mut request = client
        .post(format!("http://{addr}/Double"))
        .header("content-type", "application/json");
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let response = request.body(body).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}
