//! The dendrite: signed synapse requests to axons, with pooled connections, a bound on
//! requests in flight, timeouts, and strictly increasing nonces.

use crate::auth::request_message;
use crate::hash::body_hash;
use crate::synapse::{envelope, placeholder, Synapse, TerminalInfo, VERSION};
use base64::Engine as _;
use plexus_keys::Keypair;
use plexus_primitives::AccountId;
use serde_json::Value;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::Semaphore;

/// Where an axon is and whose it is (from the metagraph).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Its address.
    pub ip: IpAddr,
    /// Its port.
    pub port: u16,
    /// Its hotkey, which the request is signed for.
    pub hotkey: AccountId,
}

/// What came back from one axon.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer<S> {
    /// 200 on success; the axon's code on refusal; 408 on timeout, 503 when unreachable and
    /// 422 for an answer that does not parse, as Python's dendrite reports them.
    pub status: u16,
    /// The axon's (or the dendrite's) message.
    pub message: String,
    /// Seconds the axon reported spending, when it did.
    pub process_time: Option<f64>,
    /// Seconds the whole call took here.
    pub elapsed: f64,
    /// The synapse with its outputs, on success.
    pub synapse: Option<S>,
}

impl<S> Answer<S> {
    /// Whether the axon answered with 200.
    pub fn is_success(&self) -> bool {
        self.status == 200
    }
}

/// A client for axons, signing as one hotkey.
///
/// An axon accepts a caller's nonces only in strictly increasing order per (hotkey, uuid), and
/// concurrent requests can arrive out of order. So a dendrite has one lane per request it may
/// have in flight, each with its own uuid, and a lane carries one request at a time: within a
/// lane nonces arrive in order, and an axon remembers one nonce per lane, not per request.
#[derive(Clone)]
pub struct Dendrite {
    keypair: Arc<Keypair>,
    http: reqwest::Client,
    lanes: Arc<Vec<tokio::sync::Mutex<String>>>,
    next_lane: Arc<AtomicU64>,
    last_nonce: Arc<AtomicU64>,
    in_flight: Arc<Semaphore>,
}

fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

impl Dendrite {
    /// A dendrite signing with `keypair`, with at most `max_in_flight` requests at once.
    pub fn new(keypair: Keypair, max_in_flight: usize) -> Self {
        let seed = u128::from(now_ns()) ^ (u128::from(keypair.account().0[0]) << 64);
        let lanes = (0..max_in_flight.max(1) as u128)
            .map(|lane| {
                let id = format!("{:032x}", seed.wrapping_add(lane));
                tokio::sync::Mutex::new(format!(
                    "{}-{}-{}-{}-{}",
                    &id[0..8],
                    &id[8..12],
                    &id[12..16],
                    &id[16..20],
                    &id[20..32]
                ))
            })
            .collect();
        Self {
            keypair: Arc::new(keypair),
            // Connections are kept and reused per axon; no proxies (axons are reached directly).
            http: reqwest::Client::builder()
                .no_proxy()
                .pool_max_idle_per_host(64)
                .build()
                .unwrap_or_default(),
            lanes: Arc::new(lanes),
            next_lane: Arc::new(AtomicU64::new(0)),
            last_nonce: Arc::new(AtomicU64::new(0)),
            in_flight: Arc::new(Semaphore::new(max_in_flight.max(1))),
        }
    }

    /// This dendrite's hotkey.
    pub fn hotkey(&self) -> AccountId {
        self.keypair.account()
    }

    /// A nonce above every earlier one, so concurrent calls never reuse or reorder below one.
    fn nonce(&self) -> u64 {
        let now = now_ns();
        let mut last = self.last_nonce.load(Ordering::SeqCst);
        loop {
            let next = now.max(last + 1);
            match self
                .last_nonce
                .compare_exchange(last, next, Ordering::SeqCst, Ordering::SeqCst)
            {
                Ok(_) => return next,
                Err(actual) => last = actual,
            }
        }
    }

    /// Sends `synapse` to `target` and waits at most `timeout` for the answer.
    pub async fn call<S: Synapse>(
        &self,
        target: &Target,
        synapse: &S,
        timeout: Duration,
    ) -> Answer<S> {
        let started = Instant::now();
        let failed = |status: u16, message: String| Answer {
            status,
            message,
            process_time: None,
            elapsed: started.elapsed().as_secs_f64(),
            synapse: None,
        };
        let Ok(_permit) = self.in_flight.acquire().await else {
            return failed(503, "Service unavailable: dendrite closed".into());
        };
        // With a permit, some lane is free; take the first one found from a rotating start.
        let start = self.next_lane.fetch_add(1, Ordering::Relaxed) as usize;
        let lane = loop {
            let found = (0..self.lanes.len())
                .find_map(|i| self.lanes[(start + i) % self.lanes.len()].try_lock().ok());
            match found {
                Some(lane) => break lane,
                None => tokio::task::yield_now().await,
            }
        };
        let uuid: &str = &lane;
        let fields = match serde_json::to_value(synapse) {
            Ok(fields) => fields,
            Err(e) => return failed(400, format!("synapse does not serialise: {e}")),
        };
        let nonce = self.nonce();
        let hash = body_hash(&fields, S::HASH_FIELDS);
        let me = self.keypair.account();
        let message = request_message(nonce, &me, &target.hotkey, uuid, &hash);
        let signature = format!("0x{}", hex::encode(self.keypair.sign(message.as_bytes()).0));
        let dendrite = TerminalInfo {
            ip: Some("127.0.0.1".into()),
            version: Some(VERSION),
            nonce: Some(nonce),
            uuid: Some(uuid.to_string()),
            hotkey: Some(me.to_string()),
            signature: Some(signature.clone()),
            ..TerminalInfo::default()
        };
        let axon = TerminalInfo {
            ip: Some(target.ip.to_string()),
            port: Some(target.port),
            hotkey: Some(target.hotkey.to_string()),
            ..TerminalInfo::default()
        };
        let seconds = timeout.as_secs_f64();
        let body = envelope(&fields, S::NAME, seconds, &dendrite, &axon);
        let url = format!(
            "http://{}/{}",
            std::net::SocketAddr::new(target.ip, target.port),
            S::NAME
        );
        let mut request = self
            .http
            .post(url)
            .timeout(timeout)
            .header("content-type", "application/json")
            .header("name", S::NAME)
            .header("timeout", crate::hash::py_float(seconds))
            .header("bt_header_axon_ip", target.ip.to_string())
            .header("bt_header_axon_port", target.port.to_string())
            .header("bt_header_axon_hotkey", target.hotkey.to_string())
            .header("bt_header_dendrite_ip", "127.0.0.1")
            .header("bt_header_dendrite_version", VERSION.to_string())
            .header("bt_header_dendrite_nonce", nonce.to_string())
            .header("bt_header_dendrite_uuid", uuid.to_string())
            .header("bt_header_dendrite_hotkey", me.to_string())
            .header("bt_header_dendrite_signature", signature)
            .header("computed_body_hash", hash);
        // Python's axon builds a synapse from headers first, so every input field needs a
        // placeholder of its type.
        if let Value::Object(map) = &fields {
            for (key, value) in map {
                if let Some(empty) = placeholder(value) {
                    let encoded =
                        base64::engine::general_purpose::STANDARD.encode(empty.to_string());
                    request = request.header(format!("bt_header_input_obj_{key}"), encoded);
                }
            }
        }
        let response = match request.body(body.to_string()).send().await {
            Ok(response) => response,
            Err(e) if e.is_timeout() => {
                return failed(408, format!("Request timeout after {seconds} seconds"));
            }
            Err(e) => return failed(503, format!("Service unavailable at {}: {e}", target.ip)),
        };
        let headers = response.headers().clone();
        let http_status = response.status().as_u16();
        let text = match response.text().await {
            Ok(text) => text,
            Err(e) if e.is_timeout() => {
                return failed(408, format!("Request timeout after {seconds} seconds"));
            }
            Err(e) => return failed(422, format!("Failed to parse response: {e}")),
        };
        let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let status = get("bt_header_axon_status_code")
            .and_then(|s| s.parse().ok())
            .unwrap_or(http_status);
        let process_time = get("bt_header_axon_process_time").and_then(|s| s.parse().ok());
        let json: Value = match serde_json::from_str(&text) {
            Ok(json) => json,
            Err(e) => return failed(422, format!("Failed to parse response: {e}")),
        };
        if status != 200 {
            let message = json
                .get("message")
                .and_then(Value::as_str)
                .or_else(|| get("bt_header_axon_status_message"))
                .unwrap_or("")
                .to_string();
            return Answer {
                status,
                message,
                process_time,
                elapsed: started.elapsed().as_secs_f64(),
                synapse: None,
            };
        }
        match serde_json::from_value::<S>(json) {
            Ok(synapse) => Answer {
                status,
                message: get("bt_header_axon_status_message")
                    .unwrap_or("Success")
                    .to_string(),
                process_time,
                elapsed: started.elapsed().as_secs_f64(),
                synapse: Some(synapse),
            },
            Err(e) => failed(422, format!("Failed to parse response: {e}")),
        }
    }
}
