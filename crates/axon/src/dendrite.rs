//! The dendrite: signed synapse requests to axons, with pooled connections, a bound on
//! requests in flight, timeouts, and strictly increasing nonces.

use crate::auth::{hex_string, request_message};
use crate::btauth;
use crate::hash::body_hash;
use crate::python::{self, Json, Style};
use crate::synapse::{envelope, placeholder, Schema, Synapse, TerminalInfo, VERSION};
use axum::body::Bytes;
use base64::Engine as _;
use futures::stream::{BoxStream, StreamExt as _};
use plexus_keys::Keypair;
use plexus_primitives::AccountId;
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
    /// The hotkey's SS58 address, which every request carries.
    hotkey_ss58: Arc<str>,
    /// The axons' hotkeys' SS58 addresses, which every request carries too (their checksum is
    /// a BLAKE2b-512): made once per axon.
    axon_ss58: Arc<std::sync::Mutex<std::collections::BTreeMap<AccountId, Arc<str>>>>,
    http: reqwest::Client,
    lanes: Arc<Vec<tokio::sync::Mutex<String>>>,
    next_lane: Arc<AtomicU64>,
    last_nonce: Arc<AtomicU64>,
    in_flight: Arc<Semaphore>,
    scheme: Scheme,
}

/// How requests are authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scheme {
    /// The Synapse protocol of bittensor 10 and earlier (signed `bt_header_*` headers and the
    /// synapse envelope), which every Bittensor axon speaks.
    #[default]
    Synapse,
    /// btauth/1 of bittensor 11: the synapse's own fields as the body, signed with the
    /// `X-Bittensor-*` headers.
    BtAuth,
}

/// A streamed answer's chunks, as they arrive.
pub type Chunks = BoxStream<'static, Result<Bytes, String>>;

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
            hotkey_ss58: keypair.account().to_ss58().into(),
            axon_ss58: Arc::default(),
            keypair: Arc::new(keypair),
            // Connections are kept and reused per axon; no proxies (axons are reached directly).
            http: reqwest::Client::builder()
                .no_proxy()
                .pool_max_idle_per_host(64)
                // Axons close connections idle longer than their header timeout (10 s here,
                // 5 s in Python's); give ours up first rather than race the close.
                .pool_idle_timeout(Duration::from_secs(4))
                // A signed request goes to the axon the metagraph names and nowhere else: an
                // axon's redirect is answered as it stands, not followed to a host of its choosing.
                .redirect(reqwest::redirect::Policy::none())
                .retry(reqwest::retry::never())
                .http1_only()
                .build()
                .unwrap_or_default(),
            lanes: Arc::new(lanes),
            next_lane: Arc::new(AtomicU64::new(0)),
            last_nonce: Arc::new(AtomicU64::new(0)),
            in_flight: Arc::new(Semaphore::new(max_in_flight.max(1))),
            scheme: Scheme::Synapse,
        }
    }

    /// The same dendrite authenticating with `scheme`.
    pub fn with_scheme(mut self, scheme: Scheme) -> Self {
        self.scheme = scheme;
        self
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
        let sent = match self.send(target, synapse, timeout, started).await {
            Ok(sent) => sent,
            Err(failed) => return failed,
        };
        let Sent {
            response,
            fields,
            status,
            process_time,
            message,
        } = sent;
        let seconds = timeout.as_secs_f64();
        let text = match response.text().await {
            Ok(text) => text,
            Err(e) if e.is_timeout() => {
                return failure(
                    started,
                    408,
                    format!(
                        "Request timeout after {} seconds",
                        crate::python::py_float(seconds)
                    ),
                );
            }
            Err(e) => return failure(started, 422, format!("Failed to parse response: {e}")),
        };
        let json = match python::parse(text.as_bytes()) {
            Ok(json) => json,
            // A refusal before any synapse was read (a connection cap's plain-text 429, say):
            // the axon's status and words, not a parse failure.
            Err(_) if status != 200 => {
                let message = message.unwrap_or_else(|| text.trim().to_string());
                return refused(started, status, None, Some(message), process_time);
            }
            Err(e) => return failure(started, 422, format!("Failed to parse response: {e}")),
        };
        if status != 200 {
            return refused(started, status, Some(&json), message, process_time);
        }
        // As Python's dendrite does, the answer's fields are laid over the synapse sent: a field
        // the axon's class does not declare (so does not answer) keeps the value sent.
        let merged = match (fields, json) {
            (Json::Object(mut sent), Json::Object(answered)) => {
                for (key, value) in answered {
                    match sent.iter_mut().find(|(k, _)| *k == key) {
                        Some(entry) => entry.1 = value,
                        None => sent.push((key, value)),
                    }
                }
                Json::Object(sent)
            }
            (_, json) => json,
        };
        match python::from_json::<S>(&merged) {
            Ok(synapse) => Answer {
                status,
                message: message.unwrap_or_else(|| "Success".into()),
                process_time,
                elapsed: started.elapsed().as_secs_f64(),
                synapse: Some(synapse),
            },
            Err(e) => failure(started, 422, format!("Failed to parse response: {e}")),
        }
    }

    /// Sends `synapse` to an axon that answers with a stream (Python's `StreamingSynapse`);
    /// on success the answer holds the chunks as they arrive, with no framing removed or
    /// added. The stream ends with an error if it is still running at `timeout`.
    pub async fn call_stream<S: Synapse>(
        &self,
        target: &Target,
        synapse: &S,
        timeout: Duration,
    ) -> Answer<Chunks> {
        let started = Instant::now();
        let sent = match self.send(target, synapse, timeout, started).await {
            Ok(sent) => sent,
            Err(failed) => {
                return Answer {
                    synapse: None,
                    ..failed
                }
            }
        };
        if sent.status != 200 {
            let text = sent.response.text().await.unwrap_or_default();
            let json = python::parse(text.as_bytes()).ok();
            return refused(
                started,
                sent.status,
                json.as_ref(),
                sent.message,
                sent.process_time,
            );
        }
        // A stream still running at the timeout ends there with Python's timeout words (its
        // dendrite reports 408 then), whether the axon cut it off or not: the deadline is kept
        // here, not left to the HTTP client, so an axon that keeps sending cannot stretch it.
        let expired = format!(
            "Request timeout after {} seconds",
            crate::python::py_float(timeout.as_secs_f64())
        );
        let deadline = tokio::time::Instant::from_std(started + timeout);
        let body = sent.response.bytes_stream();
        let chunks = futures::stream::unfold(Some(body), move |body| {
            let expired = expired.clone();
            async move {
                let mut body = body?;
                match tokio::time::timeout_at(deadline, body.next()).await {
                    Ok(Some(Ok(chunk))) => Some((Ok(chunk), Some(body))),
                    Ok(Some(Err(e))) if e.is_timeout() => Some((Err(expired), None)),
                    Ok(Some(Err(e))) => Some((Err(e.to_string()), None)),
                    Ok(None) => None,
                    Err(_) => Some((Err(expired), None)),
                }
            }
        })
        .boxed();
        Answer {
            status: 200,
            message: sent.message.unwrap_or_else(|| "Success".into()),
            process_time: sent.process_time,
            elapsed: started.elapsed().as_secs_f64(),
            synapse: Some(chunks),
        }
    }

    /// Signs and sends a request, returning the response once its headers are in.
    async fn send<S: Synapse, T>(
        &self,
        target: &Target,
        synapse: &S,
        timeout: Duration,
        started: Instant,
    ) -> Result<Sent, Answer<T>> {
        let Ok(_permit) = self.in_flight.acquire().await else {
            return Err(failure(
                started,
                503,
                "Service unavailable: dendrite closed".into(),
            ));
        };
        let fields = python::to_json(synapse)
            .map_err(|e| failure(started, 400, format!("synapse does not serialise: {e}")))?;
        let seconds = timeout.as_secs_f64();
        let url = format!(
            "http://{}/{}",
            std::net::SocketAddr::new(target.ip, target.port),
            S::NAME
        );
        let request = self
            .http
            .post(url)
            .timeout(timeout)
            .header("content-type", "application/json")
            .header("name", S::NAME)
            .header("timeout", crate::python::py_float(seconds));
        let request = match self.scheme {
            Scheme::Synapse => {
                let lane = self.lane().await;
                self.synapse_request(
                    request,
                    target,
                    &fields,
                    S::NAME,
                    &Schema::of::<S>(),
                    &lane,
                    seconds,
                )
                .send()
                .await
            }
            Scheme::BtAuth => {
                // As Python's `json.dumps` writes it, `NaN` and all.
                let body = fields.to_text(Style::Dumps).unwrap_or_default();
                let nonce = self.nonce();
                let path = format!("/{}", S::NAME);
                let mut request = request;
                for (name, value) in btauth::sign(
                    &self.keypair,
                    "POST",
                    &path,
                    body.as_bytes(),
                    Some(&target.hotkey),
                    nonce,
                ) {
                    request = request.header(name, value);
                }
                request.body(body).send().await
            }
        };
        let response = match request {
            Ok(response) => response,
            Err(e) if e.is_timeout() => {
                return Err(failure(
                    started,
                    408,
                    format!(
                        "Request timeout after {} seconds",
                        crate::python::py_float(seconds)
                    ),
                ));
            }
            Err(e) => {
                return Err(failure(
                    started,
                    503,
                    format!("Service unavailable at {}: {e}", target.ip),
                ))
            }
        };
        let get = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let status = get("bt_header_axon_status_code")
            .and_then(|s| s.parse().ok())
            .unwrap_or(response.status().as_u16());
        Ok(Sent {
            fields,
            status,
            process_time: get("bt_header_axon_process_time").and_then(|s| s.parse().ok()),
            message: get("bt_header_axon_status_message"),
            response,
        })
    }

    /// `hotkey`'s SS58 address, made once. The cache is bounded: past 4,096 axons it starts
    /// over.
    fn ss58_of(&self, hotkey: &AccountId) -> Arc<str> {
        let Ok(mut known) = self.axon_ss58.lock() else {
            return hotkey.to_ss58().into();
        };
        if let Some(address) = known.get(hotkey) {
            return address.clone();
        }
        if known.len() >= 4096 {
            known.clear();
        }
        let address: Arc<str> = hotkey.to_ss58().into();
        known.insert(*hotkey, address.clone());
        address
    }

    /// A free lane; with an in-flight permit held, one is.
    async fn lane(&self) -> tokio::sync::MutexGuard<'_, String> {
        let start = self.next_lane.fetch_add(1, Ordering::Relaxed) as usize;
        loop {
            let found = (0..self.lanes.len())
                .find_map(|i| self.lanes[(start + i) % self.lanes.len()].try_lock().ok());
            match found {
                Some(lane) => return lane,
                None => tokio::task::yield_now().await,
            }
        }
    }

    /// The Synapse protocol's signed headers and envelope.
    #[allow(clippy::too_many_arguments)]
    fn synapse_request(
        &self,
        request: reqwest::RequestBuilder,
        target: &Target,
        fields: &Json,
        name: &str,
        schema: &Schema,
        uuid: &str,
        seconds: f64,
    ) -> reqwest::RequestBuilder {
        let nonce = self.nonce();
        // Values the declared types refuse get no hash: a Python axon would refuse them anyway.
        let hash = body_hash(fields, &schema.hashed).unwrap_or_default();
        let me = &*self.hotkey_ss58;
        let axon_hotkey = self.ss58_of(&target.hotkey);
        let message = request_message(nonce, me, &axon_hotkey, uuid, &hash);
        let signature = format!("0x{}", hex_string(&self.keypair.sign(message.as_bytes()).0));
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
            hotkey: Some(axon_hotkey.to_string()),
            ..TerminalInfo::default()
        };
        let body = envelope(fields, name, seconds, &dendrite, &axon);
        // The names are this crate's constants, lowercase: made without parsing.
        let mut headers = reqwest::header::HeaderMap::with_capacity(16);
        let mut put = |name: &'static str, value: String| {
            if let Ok(value) = reqwest::header::HeaderValue::try_from(value) {
                headers.insert(reqwest::header::HeaderName::from_static(name), value);
            }
        };
        put("bt_header_axon_ip", target.ip.to_string());
        put("bt_header_axon_port", target.port.to_string());
        put("bt_header_axon_hotkey", axon_hotkey.to_string());
        put("bt_header_dendrite_ip", "127.0.0.1".into());
        put("bt_header_dendrite_version", VERSION.to_string());
        put("bt_header_dendrite_nonce", nonce.to_string());
        put("bt_header_dendrite_uuid", uuid.to_string());
        put("bt_header_dendrite_hotkey", me.to_string());
        put("bt_header_dendrite_signature", signature);
        put("computed_body_hash", hash);
        let mut request = request.headers(headers);
        // Python's axon builds a synapse from headers first, so every required field needs a
        // placeholder of its type (and no other may have one: an empty string is no enum).
        if let Json::Object(map) = fields {
            let required = |key: &str| {
                schema.fields.is_empty()
                    || schema
                        .fields
                        .iter()
                        .any(|f| f.name == key && f.default.is_none())
            };
            for (key, value) in map.iter().filter(|(key, _)| required(key)) {
                if let Some(empty) = placeholder(value) {
                    let encoded = base64::engine::general_purpose::STANDARD.encode(empty);
                    request = request.header(format!("bt_header_input_obj_{key}"), encoded);
                }
            }
        }
        request.body(body.to_text(Style::Dumps).unwrap_or_default())
    }
}

/// A response whose headers have arrived.
struct Sent {
    response: reqwest::Response,
    /// The synapse as it was sent, which the answer's fields are laid over.
    fields: Json,
    status: u16,
    process_time: Option<f64>,
    message: Option<String>,
}

/// An axon's refusal: its status, and its message as its body gives it, else as its headers do.
fn refused<T>(
    started: Instant,
    status: u16,
    body: Option<&Json>,
    header_message: Option<String>,
    process_time: Option<f64>,
) -> Answer<T> {
    let message = body
        .and_then(|json| match json.get("message") {
            Some(Json::Str(message)) => Some(message.clone()),
            _ => None,
        })
        .or(header_message)
        .unwrap_or_default();
    Answer {
        process_time,
        ..failure(started, status, message)
    }
}

fn failure<T>(started: Instant, status: u16, message: String) -> Answer<T> {
    Answer {
        status,
        message,
        process_time: None,
        elapsed: started.elapsed().as_secs_f64(),
        synapse: None,
    }
}
