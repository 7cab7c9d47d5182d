//! The axon: an HTTP server answering signed synapse requests, in the order and with the
//! status codes of Bittensor's Python axon, and with limits on everything a caller sends.
//!
//! Two schemes share the routes: the Synapse protocol (its `bt_header_*` headers and body hash)
//! and btauth/1 (an `X-Bittensor-Version` header marks it; the body is the synapse's own JSON).
//! Both go through the same gate, rate limit, priority queue, body limits and handlers.

// A refusal is the response itself, built once and returned through `?`; they are rare, and
// boxing them would only add an allocation.
#![allow(clippy::result_large_err)]

use crate::auth::{request_message, verify_hex, NonceTracker};
use crate::btauth::{self, ReplayGuard};
use crate::hash::{body_hash, received_body_hash};
use crate::synapse::{Synapse, TerminalInfo, PROTOCOL_FIELDS, VERSION};
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use futures::future::BoxFuture;
use futures::stream::{BoxStream, Stream, StreamExt as _};
use http_body_util::BodyExt as _;
use plexus_keys::Keypair;
use plexus_primitives::AccountId;
use serde_json::{Map, Value};
use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::{oneshot, Semaphore};
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
    /// Requests handled at once; more wait in a queue, highest [`Gate::priority`] first.
    /// Default 64.
    pub max_concurrent: usize,
    /// Requests waiting for a slot; beyond this, 503. Default 256.
    pub max_queued: usize,
    /// Open connections; more are closed as soon as they are accepted. Default 1,024.
    pub max_connections: usize,
    /// How long reading a request's headers, and then its body, may take: a caller that
    /// dribbles headers loses its connection, one that dribbles its body gets 408.
    /// Default 10 s.
    pub read_timeout: Duration,
    /// Callers whose last nonce is remembered (see [`NonceTracker`]), and btauth/1 requests
    /// remembered within their freshness window (see [`ReplayGuard`]). Default 100,000.
    pub nonce_capacity: usize,
    /// Requests per second one hotkey may make; beyond it, 429. Default 100.
    pub rate_per_hotkey: u32,
    /// Longest a handler may run (or a response stream last) whatever the caller's timeout
    /// says. Default 60 s.
    pub max_timeout: Duration,
    /// Whether btauth/1 requests must name this axon as their receiver, as the reference
    /// verifier requires by default. Default true.
    pub require_receiver: bool,
}

impl Default for AxonConfig {
    fn default() -> Self {
        Self {
            max_body_bytes: 4 * 1024 * 1024,
            max_concurrent: 64,
            max_queued: 256,
            max_connections: 1024,
            read_timeout: Duration::from_secs(10),
            nonce_capacity: 100_000,
            rate_per_hotkey: 100,
            max_timeout: Duration::from_secs(60),
            require_receiver: true,
        }
    }
}

type Handler = Arc<dyn Fn(Value) -> BoxFuture<'static, Result<Value, String>> + Send + Sync>;
type Chunks = BoxStream<'static, Bytes>;
type StreamHandler = Arc<dyn Fn(Value) -> BoxFuture<'static, Result<Chunks, String>> + Send + Sync>;

enum Serve {
    /// Answers with the synapse, outputs filled in.
    Unary(Handler),
    /// Answers with a stream of bytes.
    Stream(StreamHandler),
}

struct Route {
    serve: Serve,
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
    replays: Mutex<ReplayGuard>,
    rates: Mutex<Rates>,
    slots: Arc<Slots>,
    uuid: String,
}

/// A serving axon; stops when dropped, closing its connections.
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

    /// Requests waiting for a slot now.
    pub fn queued(&self) -> usize {
        self.shared.slots.waiting()
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

/// The handler slots and the queue in front of them: when every slot is busy, a request
/// waits, and a freed slot goes to the waiter with the highest priority (then the earliest).
struct Slots {
    state: Mutex<SlotState>,
    max_queued: usize,
}

struct SlotState {
    free: usize,
    arrivals: u64,
    waiters: BinaryHeap<Waiter>,
}

struct Waiter {
    priority: u64,
    arrival: Reverse<u64>,
    wake: oneshot::Sender<()>,
}

impl Waiter {
    fn key(&self) -> (u64, Reverse<u64>) {
        (self.priority, self.arrival)
    }
}

impl PartialEq for Waiter {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Waiter {}

impl PartialOrd for Waiter {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Waiter {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

/// A held slot, given back when dropped.
struct Slot(Arc<Slots>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.release();
    }
}

/// Why no slot was given.
enum NoSlot {
    Busy,
    TimedOut,
}

impl Slots {
    fn new(slots: usize, max_queued: usize) -> Arc<Self> {
        Arc::new(Self {
            state: Mutex::new(SlotState {
                free: slots.max(1),
                arrivals: 0,
                waiters: BinaryHeap::new(),
            }),
            max_queued,
        })
    }

    fn waiting(&self) -> usize {
        let mut state = lock(&self.state);
        state.waiters.retain(|w| !w.wake.is_closed());
        state.waiters.len()
    }

    fn release(&self) {
        let mut state = lock(&self.state);
        // A waiter that gave up has closed its end; the slot goes to the next one.
        while let Some(waiter) = state.waiters.pop() {
            if waiter.wake.send(()).is_ok() {
                return;
            }
        }
        state.free += 1;
    }

    async fn acquire(self: &Arc<Self>, priority: u64, timeout: Duration) -> Result<Slot, NoSlot> {
        let mut woken = {
            let mut state = lock(&self.state);
            if state.free > 0 && state.waiters.is_empty() {
                state.free -= 1;
                return Ok(Slot(self.clone()));
            }
            if state.waiters.len() >= self.max_queued {
                // Waiters that timed out stay in the heap until a release passes them.
                state.waiters.retain(|w| !w.wake.is_closed());
                if state.waiters.len() >= self.max_queued {
                    return Err(NoSlot::Busy);
                }
            }
            let (wake, woken) = oneshot::channel();
            state.arrivals += 1;
            let arrival = Reverse(state.arrivals);
            state.waiters.push(Waiter {
                priority,
                arrival,
                wake,
            });
            woken
        };
        match tokio::time::timeout(timeout, &mut woken).await {
            Ok(Ok(())) => Ok(Slot(self.clone())),
            _ => {
                woken.close();
                // A slot handed over between the timeout and the close is passed on.
                if woken.try_recv().is_ok() {
                    self.release();
                }
                Err(NoSlot::TimedOut)
            }
        }
    }
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
                serve: Serve::Unary(erased),
                hash_fields: S::HASH_FIELDS,
            },
        );
        self
    }

    /// Answers synapse `S` with a stream of bytes (Python's `StreamingSynapse`): the status
    /// and headers go out at once, then each chunk as `handler`'s stream yields it, with no
    /// framing added. The stream is cut off at the caller's timeout.
    pub fn stream_route<S, F, Fut, St>(mut self, handler: F) -> Self
    where
        S: Synapse,
        F: Fn(S) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = St> + Send + 'static,
        St: Stream + Send + 'static,
        St::Item: Into<Bytes>,
    {
        let handler = Arc::new(handler);
        let erased: StreamHandler = Arc::new(move |body: Value| {
            let handler = handler.clone();
            Box::pin(async move {
                let synapse: S = serde_json::from_value(body).map_err(|e| e.to_string())?;
                let chunks: Chunks = handler(synapse).await.map(Into::into).boxed();
                Ok(chunks)
            })
        });
        self.routes.insert(
            S::NAME,
            Route {
                serve: Serve::Stream(erased),
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
            slots: Slots::new(self.config.max_concurrent, self.config.max_queued),
            nonces: Mutex::new(NonceTracker::new(self.config.nonce_capacity)),
            replays: Mutex::new(ReplayGuard::new(self.config.nonce_capacity)),
            rates: Mutex::new(Rates::default()),
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
        let (alive, _) = tokio::sync::watch::channel(());
        let task = tokio::spawn(accept(
            listener,
            router,
            shared.config.clone(),
            alive.subscribe(),
        ));
        Ok(RunningAxon {
            address,
            shared,
            task,
            alive,
        })
    }
}

/// Accepts connections up to the cap and serves each until it closes or the axon stops.
async fn accept(
    listener: tokio::net::TcpListener,
    router: Router,
    config: AxonConfig,
    alive: tokio::sync::watch::Receiver<()>,
) {
    let connections = Arc::new(Semaphore::new(config.max_connections.max(1)));
    loop {
        let Ok((stream, peer)) = listener.accept().await else {
            // Out of file descriptors or similar: wait instead of spinning.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let Ok(permit) = connections.clone().try_acquire_owned() else {
            debug!(%peer, "connection refused: too many open");
            continue;
        };
        let service = tower::ServiceExt::map_request(
            router.clone(),
            move |mut request: axum::http::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            },
        );
        let mut alive = alive.clone();
        let read_timeout = config.read_timeout;
        tokio::spawn(async move {
            let _permit = permit;
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(read_timeout)
                .serve_connection(
                    hyper_util::rt::TokioIo::new(stream),
                    hyper_util::service::TowerToHyperService::new(service),
                );
            tokio::select! {
                _ = connection => {}
                _ = async { while alive.changed().await.is_ok() {} } => {}
            }
        });
    }
}

/// An answer in the protocol's shape: lowercase headers with the axon's status.
fn reply(
    shared: &Shared,
    status: StatusCode,
    message: &str,
    body: Value,
    extra: &[(&str, String)],
) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    put_headers(shared, response.headers_mut(), status, message, extra);
    response
}

fn put_headers(
    shared: &Shared,
    headers: &mut HeaderMap,
    status: StatusCode,
    message: &str,
    extra: &[(&str, String)],
) {
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
}

fn error(shared: &Shared, status: StatusCode, message: String) -> Response {
    let body = serde_json::json!({ "message": message });
    reply(shared, status, &message, body, &[])
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn timed_out(shared: &Shared, timeout: Duration) -> Response {
    error(
        shared,
        StatusCode::REQUEST_TIMEOUT,
        format!("Response timeout after: {}s", timeout.as_secs_f64()),
    )
}

fn internal(shared: &Shared) -> Response {
    error(
        shared,
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("Internal Server Error #{}", shared.uuid),
    )
}

/// The caller's timeout (the `timeout` header, seconds), within the axon's bound.
fn caller_timeout(shared: &Shared, headers: &HeaderMap) -> Duration {
    header(headers, "timeout")
        .and_then(|t| t.parse::<f64>().ok())
        .filter(|t| t.is_finite() && *t > 0.0)
        .map_or(Duration::from_secs(12), |t| {
            Duration::from_secs_f64(t.min(shared.config.max_timeout.as_secs_f64()))
        })
        .min(shared.config.max_timeout)
}

/// The blacklist, before any expensive work.
fn check_gate(shared: &Shared, hotkey: &AccountId) -> Result<(), Response> {
    shared.gate.admit(hotkey).map_err(|reason| {
        error(
            shared,
            StatusCode::FORBIDDEN,
            format!("Forbidden. Key is blacklisted: {reason}."),
        )
    })
}

/// The per-hotkey rate, counted only for verified requests so nobody can spend another
/// hotkey's allowance. The counts start again every second, so they stay small.
fn check_rate(shared: &Shared, hotkey: &AccountId) -> Result<(), Response> {
    let second = now_ns() / 1_000_000_000;
    let mut rates = lock(&shared.rates);
    if rates.second != second {
        rates.second = second;
        rates.counts.clear();
    }
    let count = rates.counts.entry(*hotkey).or_insert(0);
    *count += 1;
    if *count > shared.config.rate_per_hotkey {
        drop(rates);
        return Err(error(
            shared,
            StatusCode::TOO_MANY_REQUESTS,
            format!("Too many requests from {hotkey}"),
        ));
    }
    Ok(())
}

/// A handler slot, waiting in the bounded priority queue.
async fn take_slot(
    shared: &Shared,
    hotkey: &AccountId,
    timeout: Duration,
) -> Result<Slot, Response> {
    match shared
        .slots
        .acquire(shared.gate.priority(hotkey), timeout)
        .await
    {
        Ok(slot) => Ok(slot),
        Err(NoSlot::Busy) => Err(error(
            shared,
            StatusCode::SERVICE_UNAVAILABLE,
            "Axon is busy".into(),
        )),
        Err(NoSlot::TimedOut) => Err(timed_out(shared, timeout)),
    }
}

/// The body, size- and time-limited.
async fn read_body(shared: &Shared, body: Body) -> Result<Bytes, Response> {
    let limited = http_body_util::Limited::new(body, shared.config.max_body_bytes);
    match tokio::time::timeout(shared.config.read_timeout, limited.collect()).await {
        Err(_) => Err(error(
            shared,
            StatusCode::REQUEST_TIMEOUT,
            "Request body was not received in time".into(),
        )),
        Ok(Err(e)) => {
            let status = if e.is::<http_body_util::LengthLimitError>() {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::BAD_REQUEST
            };
            Err(error(
                shared,
                status,
                format!("Could not read the request body: {e}"),
            ))
        }
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
    }
}

/// A stream's response: 200 and the headers at once, then the chunks until the stream ends or
/// the deadline passes. The slot is held until then.
fn streamed(shared: &Shared, chunks: Chunks, deadline: Instant, slot: Slot) -> Response {
    let cut = tokio::time::sleep_until(deadline.into());
    let body = chunks.take_until(cut).map(move |chunk| {
        let _held = &slot;
        Ok::<Bytes, Infallible>(chunk)
    });
    let mut response = Response::new(Body::from_stream(body));
    put_headers(
        shared,
        response.headers_mut(),
        StatusCode::OK,
        "Success",
        &[("content-type", "text/event-stream".into())],
    );
    response
}

/// What a handler gave: the synapse with outputs, or a stream.
enum Served {
    Synapse(Map<String, Value>),
    Stream(Chunks),
}

/// Runs the route's handler on the synapse's own fields within `timeout`.
async fn run(
    shared: &Shared,
    route: &Route,
    fields: Map<String, Value>,
    timeout: Duration,
    hotkey: &AccountId,
) -> Result<Served, Response> {
    let fields = Value::Object(fields);
    let served = match &route.serve {
        Serve::Unary(handler) => tokio::time::timeout(timeout, handler(fields))
            .await
            .map(|r| {
                r.map(|answered| match answered {
                    Value::Object(outputs) => Served::Synapse(outputs),
                    _ => Served::Synapse(Map::new()),
                })
            }),
        Serve::Stream(handler) => tokio::time::timeout(timeout, handler(fields))
            .await
            .map(|r| r.map(Served::Stream)),
    };
    match served {
        Err(_) => Err(timed_out(shared, timeout)),
        Ok(Err(why)) => {
            debug!(%hotkey, %why, "request does not fit the synapse");
            Err(internal(shared))
        }
        Ok(Ok(served)) => Ok(served),
    }
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    Path(name): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = Instant::now();
    let Some(route) = shared.routes.get(name.as_str()) else {
        let available: Vec<&str> = shared.routes.keys().copied().collect();
        return error(
            &shared,
            StatusCode::NOT_FOUND,
            format!("Synapse name '{name}' not found. Available synapses {available:?}"),
        );
    };
    let outcome = if headers.contains_key(btauth::HEADER_VERSION) {
        btauth_request(&shared, route, &method, &uri, &headers, body, started).await
    } else {
        synapse_request(&shared, route, &name, peer, &headers, body, started).await
    };
    outcome.unwrap_or_else(|refusal| refusal)
}

/// The Synapse protocol, in the Python axon's order.
async fn synapse_request(
    shared: &Shared,
    route: &Route,
    name: &str,
    peer: SocketAddr,
    headers: &HeaderMap,
    body: Body,
    started: Instant,
) -> Result<Response, Response> {
    let unverified = |why: String| {
        error(
            shared,
            StatusCode::UNAUTHORIZED,
            format!("Not Verified with error: {why}"),
        )
    };
    let hotkey = header(headers, "bt_header_dendrite_hotkey")
        .and_then(|h| AccountId::from_ss58(h).ok())
        .ok_or_else(|| unverified("missing or invalid dendrite hotkey".into()))?;
    check_gate(shared, &hotkey)?;
    let timeout = caller_timeout(shared, headers);
    let nonce = header(headers, "bt_header_dendrite_nonce")
        .and_then(|n| n.parse::<u64>().ok())
        .ok_or_else(|| unverified("Missing Nonce".into()))?;
    let uuid = header(headers, "bt_header_dendrite_uuid").unwrap_or_default();
    let claimed_hash = header(headers, "computed_body_hash").unwrap_or_default();
    let signature = header(headers, "bt_header_dendrite_signature")
        .ok_or_else(|| unverified("Missing Signature".into()))?;
    let message = request_message(nonce, &hotkey, &shared.hotkey, uuid, claimed_hash);
    if !verify_hex(&hotkey, &message, signature) {
        return Err(unverified(format!(
            "Signature mismatch with {message} and {signature}"
        )));
    }
    lock(&shared.nonces)
        .accept(
            hotkey,
            uuid,
            nonce,
            now_ns(),
            u64::try_from(timeout.as_nanos()).unwrap_or(u64::MAX),
        )
        .map_err(|e| unverified(e.to_string()))?;
    check_rate(shared, &hotkey)?;
    let slot = take_slot(shared, &hotkey, timeout).await?;
    let bytes = read_body(shared, body).await?;
    let Ok(Value::Object(mut request)) = serde_json::from_slice::<Value>(&bytes) else {
        return Err(internal(shared));
    };
    if received_body_hash(&bytes, route.hash_fields).as_deref() != Some(claimed_hash) {
        debug!(%hotkey, "body hash mismatch");
        return Err(internal(shared));
    }
    let fields: Map<String, Value> = request
        .iter()
        .filter(|(k, _)| !PROTOCOL_FIELDS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let outputs = match run(shared, route, fields, timeout, &hotkey).await? {
        Served::Stream(chunks) => {
            return Ok(streamed(shared, chunks, started + timeout, slot));
        }
        Served::Synapse(outputs) => outputs,
    };
    drop(slot);
    // The request echoed with outputs filled in and the axon's status.
    request.extend(outputs);
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
    Ok(reply(
        shared,
        StatusCode::OK,
        "Success",
        response,
        &[
            ("bt_header_axon_process_time", process_time.to_string()),
            ("computed_body_hash", hash),
            ("name", name.to_string()),
        ],
    ))
}

/// btauth/1: the headers are checked before the body is read, the signature and replay after.
async fn btauth_request(
    shared: &Shared,
    route: &Route,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Body,
    started: Instant,
) -> Result<Response, Response> {
    let unverified = |e: btauth::BtAuthError| {
        error(
            shared,
            StatusCode::UNAUTHORIZED,
            format!("Not Verified with error: {e}"),
        )
    };
    let claims = btauth::claims(
        |name| header(headers, name),
        &shared.hotkey,
        shared.config.require_receiver,
        now_ns(),
    )
    .map_err(unverified)?;
    check_gate(shared, &claims.hotkey)?;
    let timeout = caller_timeout(shared, headers);
    let slot = take_slot(shared, &claims.hotkey, timeout).await?;
    let bytes = read_body(shared, body).await?;
    // The target exactly as sent: the path and, when there is one, the query.
    let target = uri.path_and_query().map_or("/", |p| p.as_str());
    claims
        .verify(method.as_str(), target, &bytes)
        .map_err(unverified)?;
    lock(&shared.replays)
        .accept(&claims, now_ns())
        .map_err(unverified)?;
    check_rate(shared, &claims.hotkey)?;
    let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(&bytes) else {
        return Err(error(
            shared,
            StatusCode::BAD_REQUEST,
            "The body is not a JSON object of the synapse's fields".into(),
        ));
    };
    let mut answered = fields.clone();
    match run(shared, route, fields, timeout, &claims.hotkey).await? {
        Served::Stream(chunks) => Ok(streamed(shared, chunks, started + timeout, slot)),
        Served::Synapse(outputs) => {
            drop(slot);
            answered.extend(outputs);
            let process_time = started.elapsed().as_secs_f64();
            Ok(reply(
                shared,
                StatusCode::OK,
                "Success",
                Value::Object(answered),
                &[("bt_header_axon_process_time", process_time.to_string())],
            ))
        }
    }
}
