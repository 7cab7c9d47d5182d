//! The axon: an HTTP server answering signed synapse requests, in the order and with the
//! status codes of Bittensor's Python axon, and with limits on everything a caller sends.

use crate::auth::{request_message, verify_hex, NonceTracker};
use crate::hash::body_hash;
use crate::synapse::{Synapse, TerminalInfo, PROTOCOL_FIELDS, VERSION};
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use futures::future::BoxFuture;
use http_body_util::BodyExt as _;
use plexus_keys::Keypair;
use plexus_primitives::AccountId;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::Semaphore;
use tracing::debug;

/// Who may call (the blacklist). The SDK implements it over the metagraph.
pub trait Gate: Send + Sync + 'static {
    /// `Ok(())` to serve the caller, `Err(reason)` to refuse it with 403.
    fn admit(&self, hotkey: &AccountId) -> Result<(), String>;

    /// Where the caller stands in the queue when every slot is busy: higher is served first
    /// (the SDK uses the caller's stake). Equal priorities are served in arrival order.
    fn priority(&self, _hotkey: &AccountId) -> u64 {
        0
    }
}

/// Admits every hotkey (development and tests).
pub struct AllowAll;

impl Gate for AllowAll {
    fn admit(&self, _: &AccountId) -> Result<(), String> {
        Ok(())
    }
}

/// Limits and timeouts.
#[derive(Debug, Clone)]
pub struct AxonConfig {
    /// Largest request body, bytes (413 above). Default 4 MiB.
    pub max_body_bytes: usize,
    /// Requests handled at once; more wait in a queue. Default 64.
    pub max_concurrent: usize,
    /// Requests waiting for a slot; beyond this, 503. Default 256.
    pub max_queued: usize,
    /// How long reading a request body may take (a caller that dribbles bytes is cut off with
    /// 408). Default 10 s.
    pub read_timeout: Duration,
    /// Callers whose last nonce is remembered (see [`NonceTracker`]). Default 100,000.
    pub nonce_capacity: usize,
    /// Requests per second one hotkey may make; beyond it, 429. Default 100.
    pub rate_per_hotkey: u32,
    /// Longest a handler may run whatever the caller's timeout says. Default 60 s.
    pub max_timeout: Duration,
}

impl Default for AxonConfig {
    fn default() -> Self {
        Self {
            max_body_bytes: 4 * 1024 * 1024,
            max_concurrent: 64,
            max_queued: 256,
            read_timeout: Duration::from_secs(10),
            nonce_capacity: 100_000,
            rate_per_hotkey: 100,
            max_timeout: Duration::from_secs(60),
        }
    }
}

type Handler = Arc<dyn Fn(Value) -> BoxFuture<'static, Result<Value, String>> + Send + Sync>;

struct Route {
    handler: Handler,
    hash_fields: &'static [&'static str],
}

/// An axon being configured: its hotkey, its routes, who may call.
pub struct Axon {
    keypair: Keypair,
    config: AxonConfig,
    gate: Arc<dyn Gate>,
    routes: BTreeMap<&'static str, Route>,
}

/// Per-hotkey request counts in the current second, bounded by the nonce tracker's capacity.
#[derive(Default)]
struct Rates {
    second: u64,
    counts: HashMap<AccountId, u32>,
}

struct Shared {
    hotkey: AccountId,
    config: AxonConfig,
    gate: Arc<dyn Gate>,
    routes: BTreeMap<&'static str, Route>,
    nonces: Mutex<NonceTracker>,
    rates: Mutex<Rates>,
    slots: Semaphore,
    queued: std::sync::atomic::AtomicUsize,
    uuid: String,
}

/// A serving axon; stops when dropped.
pub struct RunningAxon {
    address: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
    alive: tokio::sync::watch::Sender<()>,
}

impl RunningAxon {
    /// Where it listens.
    pub fn local_addr(&self) -> SocketAddr {
        self.address
    }

    /// Completes once this axon has stopped (been dropped), for tasks that live beside it.
    pub fn stopped(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut alive = self.alive.subscribe();
        async move { while alive.changed().await.is_ok() {} }
    }

    /// Callers whose nonces are remembered now (bounded by the configured capacity).
    pub fn remembered_callers(&self) -> usize {
        lock(&self.shared.nonces).len()
    }
}

impl Drop for RunningAxon {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

impl Axon {
    /// An axon signing as `keypair`, admitting callers through `gate`.
    pub fn new(keypair: Keypair, gate: impl Gate) -> Self {
        Self {
            keypair,
            config: AxonConfig::default(),
            gate: Arc::new(gate),
            routes: BTreeMap::new(),
        }
    }

    /// Replaces the limits.
    pub fn config(mut self, config: AxonConfig) -> Self {
        self.config = config;
        self
    }

    /// Answers synapse `S` with `handler`, which gets the request and returns it with its
    /// outputs filled in.
    pub fn route<S, F, Fut>(mut self, handler: F) -> Self
    where
        S: Synapse,
        F: Fn(S) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = S> + Send + 'static,
    {
        let handler = Arc::new(handler);
        let erased: Handler = Arc::new(move |body: Value| {
            let handler = handler.clone();
            Box::pin(async move {
                let synapse: S = serde_json::from_value(body).map_err(|e| e.to_string())?;
                let answered = handler(synapse).await;
                serde_json::to_value(answered).map_err(|e| e.to_string())
            })
        });
        self.routes.insert(
            S::NAME,
            Route {
                handler: erased,
                hash_fields: S::HASH_FIELDS,
            },
        );
        self
    }

    /// Starts serving on `listen` (port 0 picks a free one).
    pub async fn serve(self, listen: SocketAddr) -> std::io::Result<RunningAxon> {
        let listener = tokio::net::TcpListener::bind(listen).await?;
        let address = listener.local_addr()?;
        let shared = Arc::new(Shared {
            hotkey: self.keypair.account(),
            slots: Semaphore::new(self.config.max_concurrent.max(1)),
            nonces: Mutex::new(NonceTracker::new(self.config.nonce_capacity)),
            rates: Mutex::new(Rates::default()),
            queued: std::sync::atomic::AtomicUsize::new(0),
            config: self.config,
            gate: self.gate,
            routes: self.routes,
            uuid: format!(
                "{:032x}",
                now_ns() as u128 ^ (u128::from(address.port()) << 64)
            ),
        });
        let router = Router::new()
            .route("/{name}", post(handle).get(handle))
            .with_state(shared.clone());
        let task = tokio::spawn(async move {
            let service = router.into_make_service_with_connect_info::<SocketAddr>();
            let _ = axum::serve(listener, service).await;
        });
        Ok(RunningAxon {
            address,
            shared,
            task,
            alive: tokio::sync::watch::channel(()).0,
        })
    }
}

/// An answer in the protocol's shape: JSON, lowercase headers, the axon's status in headers.
fn reply(
    shared: &Shared,
    status: StatusCode,
    message: &str,
    body: Value,
    extra: &[(&str, String)],
) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    let headers = response.headers_mut();
    let mut put = |name: &str, value: String| {
        if let (Ok(name), Ok(value)) = (
            axum::http::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            headers.insert(name, value);
        }
    };
    put("bt_header_axon_status_code", status.as_u16().to_string());
    put("bt_header_axon_status_message", message.to_string());
    put("bt_header_axon_hotkey", shared.hotkey.to_string());
    put("bt_header_axon_version", VERSION.to_string());
    put("bt_header_axon_uuid", shared.uuid.clone());
    for (name, value) in extra {
        put(name, value.clone());
    }
    response
}

fn error(shared: &Shared, status: StatusCode, message: String) -> Response {
    let body = serde_json::json!({ "message": message });
    reply(shared, status, &message, body, &[])
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    Path(name): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = Instant::now();
    // 1. The route.
    let Some(route) = shared.routes.get(name.as_str()) else {
        let available: Vec<&str> = shared.routes.keys().copied().collect();
        return error(
            &shared,
            StatusCode::NOT_FOUND,
            format!("Synapse name '{name}' not found. Available synapses {available:?}"),
        );
    };
    // 2. Who is calling, from the headers.
    let Some(hotkey) =
        header(&headers, "bt_header_dendrite_hotkey").and_then(|h| AccountId::from_ss58(h).ok())
    else {
        return error(
            &shared,
            StatusCode::UNAUTHORIZED,
            "Not Verified with error: missing or invalid dendrite hotkey".into(),
        );
    };
    // 3. The gate (blacklist) before any expensive work.
    if let Err(reason) = shared.gate.admit(&hotkey) {
        return error(
            &shared,
            StatusCode::FORBIDDEN,
            format!("Forbidden. Key is blacklisted: {reason}."),
        );
    }
    // 4. Freshness and signature.
    let timeout = header(&headers, "timeout")
        .and_then(|t| t.parse::<f64>().ok())
        .filter(|t| t.is_finite() && *t > 0.0)
        .map_or(Duration::from_secs(12), Duration::from_secs_f64)
        .min(shared.config.max_timeout);
    let unverified = |why: String| {
        error(
            &shared,
            StatusCode::UNAUTHORIZED,
            format!("Not Verified with error: {why}"),
        )
    };
    let Some(nonce) =
        header(&headers, "bt_header_dendrite_nonce").and_then(|n| n.parse::<u64>().ok())
    else {
        return unverified("Missing Nonce".into());
    };
    let uuid = header(&headers, "bt_header_dendrite_uuid").unwrap_or_default();
    let claimed_hash = header(&headers, "computed_body_hash").unwrap_or_default();
    let Some(signature) = header(&headers, "bt_header_dendrite_signature") else {
        return unverified("Missing Signature".into());
    };
    let message = request_message(nonce, &hotkey, &shared.hotkey, uuid, claimed_hash);
    if !verify_hex(&hotkey, &message, signature) {
        return unverified(format!("Signature mismatch with {message} and {signature}"));
    }
    if let Err(e) = lock(&shared.nonces).accept(
        hotkey,
        uuid,
        nonce,
        now_ns(),
        u64::try_from(timeout.as_nanos()).unwrap_or(u64::MAX),
    ) {
        return unverified(e.to_string());
    }
    // The per-hotkey rate, counted only for signed requests so nobody can spend another
    // hotkey's allowance. The counts start again every second, so they stay small.
    {
        let second = now_ns() / 1_000_000_000;
        let mut rates = lock(&shared.rates);
        if rates.second != second {
            rates.second = second;
            rates.counts.clear();
        }
        let count = rates.counts.entry(hotkey).or_insert(0);
        *count += 1;
        if *count > shared.config.rate_per_hotkey {
            drop(rates);
            return error(
                &shared,
                StatusCode::TOO_MANY_REQUESTS,
                format!("Too many requests from {hotkey}"),
            );
        }
    }
    // 5. A slot, waiting in a bounded queue.
    use std::sync::atomic::Ordering;
    if shared.queued.fetch_add(1, Ordering::SeqCst) >= shared.config.max_queued {
        shared.queued.fetch_sub(1, Ordering::SeqCst);
        return error(
            &shared,
            StatusCode::SERVICE_UNAVAILABLE,
            "Axon is busy".into(),
        );
    }
    let permit = tokio::time::timeout(timeout, shared.slots.acquire()).await;
    shared.queued.fetch_sub(1, Ordering::SeqCst);
    let Ok(Ok(_permit)) = permit else {
        return error(
            &shared,
            StatusCode::REQUEST_TIMEOUT,
            format!("Response timeout after: {}s", timeout.as_secs_f64()),
        );
    };
    // 6. The body, size- and time-limited, and its hash.
    let limited = http_body_util::Limited::new(body, shared.config.max_body_bytes);
    let bytes: Bytes =
        match tokio::time::timeout(shared.config.read_timeout, limited.collect()).await {
            Err(_) => {
                return error(
                    &shared,
                    StatusCode::REQUEST_TIMEOUT,
                    "Request body was not received in time".into(),
                );
            }
            Ok(Err(e)) => {
                let status = if e.is::<http_body_util::LengthLimitError>() {
                    StatusCode::PAYLOAD_TOO_LARGE
                } else {
                    StatusCode::BAD_REQUEST
                };
                return error(
                    &shared,
                    status,
                    format!("Could not read the request body: {e}"),
                );
            }
            Ok(Ok(collected)) => collected.to_bytes(),
        };
    let internal = || {
        error(
            &shared,
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("Internal Server Error #{}", shared.uuid),
        )
    };
    let Ok(Value::Object(mut request)) = serde_json::from_slice::<Value>(&bytes) else {
        return internal();
    };
    let request_value = Value::Object(request.clone());
    if body_hash(&request_value, route.hash_fields) != claimed_hash {
        debug!(%hotkey, "body hash mismatch");
        return internal();
    }
    // 7. The handler, within the caller's timeout.
    let fields: Map<String, Value> = request
        .iter()
        .filter(|(k, _)| !PROTOCOL_FIELDS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let answered = match tokio::time::timeout(timeout, (route.handler)(Value::Object(fields))).await
    {
        Err(_) => {
            return error(
                &shared,
                StatusCode::REQUEST_TIMEOUT,
                format!("Response timeout after: {}s", timeout.as_secs_f64()),
            );
        }
        Ok(Err(why)) => {
            debug!(%hotkey, %why, "request does not fit the synapse");
            return internal();
        }
        Ok(Ok(answered)) => answered,
    };
    // 8. The request echoed with outputs filled in and the axon's status.
    if let Value::Object(outputs) = &answered {
        for (key, value) in outputs {
            request.insert(key.clone(), value.clone());
        }
    }
    let process_time = started.elapsed().as_secs_f64();
    let axon = TerminalInfo {
        status_code: Some(200),
        status_message: Some("Success".into()),
        process_time: Some(process_time),
        ip: Some(peer.ip().to_string()),
        hotkey: Some(shared.hotkey.to_string()),
        version: Some(VERSION),
        uuid: Some(shared.uuid.clone()),
        ..TerminalInfo::default()
    };
    request.insert(
        "axon".into(),
        serde_json::to_value(&axon).unwrap_or(Value::Null),
    );
    let response = Value::Object(request);
    let hash = body_hash(&response, route.hash_fields);
    reply(
        &shared,
        StatusCode::OK,
        "Success",
        response,
        &[
            ("bt_header_axon_process_time", process_time.to_string()),
            ("computed_body_hash", hash),
            ("name", name),
        ],
    )
}
