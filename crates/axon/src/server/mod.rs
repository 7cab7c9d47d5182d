//! The axon: an HTTP server answering signed synapse requests, in the order and with the
//! status codes of Bittensor's Python axon, and with limits on everything a caller sends.
//!
//! Two schemes share the routes: the Synapse protocol (its `bt_header_*` headers and body hash)
//! and btauth/1 (an `X-Bittensor-Version` header marks it; the body is the synapse's own JSON).
//! Both go through the same gate, rate limit, priority queue, body limits and handlers.
//!
//! This module holds the public side (the [`Axon`] builder, its [`AxonConfig`] and [`Gate`], the
//! [`RunningAxon`]) and the state the request path shares; the request path itself is split by
//! stage: accepting connections, the checks a request passes, the queue for handler slots, the
//! two schemes' requests, and the responses.

// A refusal is the response itself, built once and returned through `?`; they are rare, and
// boxing them would only add an allocation.
#![allow(clippy::result_large_err)]

mod admission;
mod connections;
mod queue;
mod requests;
mod response;

use crate::auth::{Batcher, NonceTracker, Verifiers};
use crate::btauth::ReplayGuard;
use crate::python::{self, Json};
use crate::synapse::{Schema, Synapse};
use admission::Rates;
use axum::body::Bytes;
use axum::routing::post;
use axum::Router;
use connections::accept;
use futures::future::BoxFuture;
use futures::stream::{BoxStream, Stream, StreamExt as _};
use plexus_keys::Keypair;
use plexus_primitives::AccountId;
use queue::Slots;
use requests::handle;
use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
    /// Open connections; more are answered 503 and closed as soon as they are accepted.
    /// Default 1,024.
    pub max_connections: usize,
    /// Open connections from one client address; more are answered 429 and closed. Default 64.
    pub max_connections_per_address: usize,
    /// btauth/1 requests from one client address whose body is still being read and checked;
    /// more get 429. Nothing unverified takes a handler slot, so this bounds what a caller
    /// without a key can hold. Default 8.
    pub max_unverified_per_address: usize,
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
            max_connections_per_address: 64,
            max_unverified_per_address: 8,
            read_timeout: Duration::from_secs(10),
            nonce_capacity: 100_000,
            rate_per_hotkey: 100,
            max_timeout: Duration::from_secs(60),
            require_receiver: true,
        }
    }
}

/// Why a route gave no answer: both are answered 500 `Internal Server Error #<id>`, as the Python
/// axon answers, and the reason is logged under the same id.
enum Failed {
    /// The request's fields are not the synapse's.
    Request(String),
    /// The handler returned an error, or panicked.
    Handler(String),
}

type Handler = Arc<dyn Fn(Json) -> BoxFuture<'static, Result<Json, Failed>> + Send + Sync>;
/// A streamed answer; an error cuts the response off without its end, so the caller cannot
/// take it for complete.
type Chunks = BoxStream<'static, Result<Bytes, std::io::Error>>;
type StreamHandler = Arc<dyn Fn(Json) -> BoxFuture<'static, Result<Chunks, Failed>> + Send + Sync>;

/// What a handler may return: the synapse, or a `Result` whose error becomes a 500 answer (the
/// caller sees `Internal Server Error #<id>`, the log has the error under that id), as a Python
/// forward function that raises.
pub trait Answered<S>: Send + 'static {
    /// The synapse, or the error's text.
    fn into_result(self) -> Result<S, String>;
}

impl<S: Synapse> Answered<S> for S {
    fn into_result(self) -> Result<S, String> {
        Ok(self)
    }
}

impl<S: Synapse, E: std::fmt::Display + Send + 'static> Answered<S> for Result<S, E> {
    fn into_result(self) -> Result<S, String> {
        self.map_err(|e| e.to_string())
    }
}

/// A handler's stream, cut off with an error where producing a chunk panics.
fn guarded_stream(
    chunks: impl Stream<Item = Bytes> + Send + 'static,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
    std::panic::AssertUnwindSafe(chunks)
        .catch_unwind()
        .map(|item| item.map_err(|_| std::io::Error::other("the stream's handler panicked")))
}

/// Runs a handler's future; a panic in it becomes an error, so one bad request cannot take
/// its connection (or anything else) down with it.
async fn guarded<T>(future: impl std::future::Future<Output = T> + Send) -> Result<T, Failed> {
    use futures::FutureExt as _;
    std::panic::AssertUnwindSafe(future)
        .catch_unwind()
        .await
        .map_err(|panic| {
            let text = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_string()))
                .unwrap_or_default();
            Failed::Handler(format!("handler panicked: {text}"))
        })
}

enum Serve {
    /// Answers with the synapse, outputs filled in.
    Unary(Handler),
    /// Answers with a stream of bytes.
    Stream(StreamHandler),
}

struct Route {
    serve: Serve,
    schema: Arc<Schema>,
    /// Whether the gate (blacklist) and the priority queue apply: every route but the
    /// built-in ping.
    gated: bool,
}

/// Python's base `Synapse`, which every axon answers at `/Synapse` so callers can check it is
/// up: signed like any request, but not gated or queued.
#[derive(serde::Serialize, serde::Deserialize)]
struct Ping {}

impl Synapse for Ping {
    const NAME: &'static str = "Synapse";
}

/// An axon being configured: its hotkey, its routes, who may call.
pub struct Axon {
    keypair: Keypair,
    config: AxonConfig,
    gate: Arc<dyn Gate>,
    routes: BTreeMap<&'static str, Route>,
}

struct Shared {
    hotkey: AccountId,
    /// The hotkey's SS58 address, written into every answer and signed message.
    hotkey_ss58: String,
    verifiers: Mutex<Verifiers>,
    signatures: Batcher,
    config: AxonConfig,
    gate: Arc<dyn Gate>,
    routes: BTreeMap<&'static str, Route>,
    nonces: Mutex<NonceTracker>,
    replays: Mutex<ReplayGuard>,
    rates: Mutex<Rates>,
    unverified: Mutex<BTreeMap<IpAddr, usize>>,
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
    /// outputs filled in, or an error (see [`Answered`]).
    pub fn route<S, F, Fut, R>(self, handler: F) -> Self
    where
        S: Synapse,
        F: Fn(S) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = R> + Send + 'static,
        R: Answered<S>,
    {
        let handler = Arc::new(handler);
        let erased: Handler = Arc::new(move |body: Json| {
            let handler = handler.clone();
            Box::pin(async move {
                let synapse: S =
                    python::from_json(&body).map_err(|e| Failed::Request(e.to_string()))?;
                let answered = guarded(async move { handler(synapse).await.into_result() })
                    .await?
                    .map_err(Failed::Handler)?;
                python::to_json(&answered).map_err(|e| Failed::Handler(e.to_string()))
            })
        });
        self.serving::<S>(Serve::Unary(erased))
    }

    /// Answers synapse `S` with a stream of bytes (Python's `StreamingSynapse`): the status
    /// and headers go out at once, then each chunk as `handler`'s stream yields it, with no
    /// framing added. The stream is cut off at the caller's timeout.
    pub fn stream_route<S, F, Fut, St>(self, handler: F) -> Self
    where
        S: Synapse,
        F: Fn(S) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = St> + Send + 'static,
        St: Stream + Send + 'static,
        St::Item: Into<Bytes>,
    {
        let handler = Arc::new(handler);
        let erased: StreamHandler = Arc::new(move |body: Json| {
            let handler = handler.clone();
            Box::pin(async move {
                let synapse: S =
                    python::from_json(&body).map_err(|e| Failed::Request(e.to_string()))?;
                let chunks = guarded(handler(synapse)).await?;
                let chunks: Chunks = guarded_stream(chunks.map(Into::into)).boxed();
                Ok(chunks)
            })
        });
        self.serving::<S>(Serve::Stream(erased))
    }

    /// Answers synapse `S` with `serve`, replacing any earlier route for it.
    fn serving<S: Synapse>(mut self, serve: Serve) -> Self {
        self.routes.insert(
            S::NAME,
            Route {
                serve,
                schema: Schema::of::<S>(),
                gated: true,
            },
        );
        self
    }

    /// Starts serving on `listen` (port 0 picks a free one).
    pub async fn serve(mut self, listen: SocketAddr) -> std::io::Result<RunningAxon> {
        if !self.routes.contains_key(Ping::NAME) {
            self = self.route(|ping: Ping| async move { ping });
            if let Some(ping) = self.routes.get_mut(Ping::NAME) {
                ping.gated = false;
            }
        }
        let listener = tokio::net::TcpListener::bind(listen).await?;
        let address = listener.local_addr()?;
        let shared = Arc::new(Shared {
            hotkey: self.keypair.account(),
            hotkey_ss58: self.keypair.account().to_ss58(),
            verifiers: Mutex::new(Verifiers::default()),
            signatures: Batcher::start(),
            slots: Slots::new(self.config.max_concurrent, self.config.max_queued),
            nonces: Mutex::new(NonceTracker::new(self.config.nonce_capacity)),
            replays: Mutex::new(ReplayGuard::new(self.config.nonce_capacity)),
            rates: Mutex::new(Rates::default()),
            unverified: Mutex::new(BTreeMap::new()),
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
