//! The JSON-RPC server: HTTP and WebSocket on one port, over any [`Backend`].
//!
//! ```text
//! TCP accept ── connection caps (in all, per address) ──▶ hyper (header, idle and body
//!   timeouts) ──▶ jsonrpsee (HTTP or WebSocket upgrade; size, batch and subscription limits,
//!   WebSocket pings) ──▶ rate limit per IP ──▶ method ──▶ Backend (snapshot, store, mempool)
//! ```

use crate::backend::Backend;
use crate::config::{ConfigError, RpcConfig};
use crate::edge::HttpEdge;
use crate::limit::{RateLimitLayer, RateLimiter};
use crate::methods::{self, Ctx};
use crate::subscriptions;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use jsonrpsee_core::middleware::RpcServiceBuilder;
use jsonrpsee_core::server::{Methods, RpcModule};
use jsonrpsee_core::RegisterMethodError;
use jsonrpsee_server::{
    stop_channel, BatchRequestConfig, PingConfig, ServerConfig, ServerHandle, StopHandle,
};
use plexus_net::Admission;
use plexus_rpc::Connector;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

/// Why the server did not start.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// A setting is unusable.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The listen address cannot be bound. (The cause is in the message, not a source of its
    /// own, so that printing the chain of errors does not say it twice.)
    #[error("the RPC server cannot listen on {address}: {error}")]
    Bind {
        /// The address.
        address: SocketAddr,
        /// Why.
        error: std::io::Error,
    },
    /// Two methods share a name (a bug in this crate).
    #[error("method registration: {0}")]
    Register(#[from] RegisterMethodError),
}

/// A running RPC server; dropping it does not stop it, [`RpcServer::stop`] does.
#[derive(Debug)]
pub struct RpcServer {
    local_addr: SocketAddr,
    handle: ServerHandle,
    admission: Arc<Admission>,
}

impl RpcServer {
    /// Binds `config.listen` and serves `backend` on the current tokio runtime.
    pub async fn start<B: Backend>(
        config: &RpcConfig,
        backend: Arc<B>,
    ) -> Result<Self, ServerError> {
        Self::serve(config, methods(backend)?).await
    }

    /// Binds `config.listen` and serves `backend` as a Substrate node's JSON-RPC shows a chain
    /// whose blocks come every `block_time_ms`, for Bittensor's clients (see
    /// [`crate::substrate`]), with the same limits.
    pub async fn start_substrate<B: Backend>(
        config: &RpcConfig,
        backend: Arc<B>,
        block_time_ms: u64,
    ) -> Result<Self, ServerError> {
        Self::serve(
            config,
            crate::substrate::module(backend, block_time_ms)?.into(),
        )
        .await
    }

    async fn serve(config: &RpcConfig, methods: Methods) -> Result<Self, ServerError> {
        config.validate()?;
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|error| ServerError::Bind {
                address: config.listen,
                error,
            })?;
        let local_addr = listener.local_addr().map_err(|error| ServerError::Bind {
            address: config.listen,
            error,
        })?;
        let (serve, stop, handle) = connections(config, methods);
        let admission = Admission::new(
            config.max_connections as usize,
            config.max_connections_per_address as usize,
        );
        let accepting = Arc::clone(&admission);
        tokio::spawn(async move {
            let admission = accepting;
            loop {
                let (socket, peer) = tokio::select! {
                    admitted = admission.accept(&listener) => admitted,
                    () = stop.clone().shutdown() => break,
                };
                serve(Box::new(socket), peer.ip());
            }
        });
        tracing::info!(target: "plexus_rpc", address = %local_addr, "rpc.listening");
        Ok(Self {
            local_addr,
            handle,
            admission,
        })
    }

    /// The address it listens on (with the actual port when `listen` asked for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Connections open now (HTTP and WebSocket), for metrics and tests.
    pub fn open_connections(&self) -> usize {
        self.admission.open()
    }

    /// Stops accepting, closes connections and ends subscriptions.
    pub fn stop(&self) {
        // Already stopped is fine.
        let _ = self.handle.stop();
    }

    /// Waits until the server has stopped.
    pub async fn stopped(self) {
        self.handle.stopped().await;
    }
}

/// The API served within the process, without a socket, to a tool run beside the node: its
/// connections come from [`InProcessRpc::connector`], and its own `config` (rate, sizes,
/// connection count; `listen` and the per-address cap are unused) keeps that tool from
/// taking more than its share of the node.
#[derive(Debug)]
pub struct InProcessRpc {
    connector: Connector,
    handle: ServerHandle,
}

impl InProcessRpc {
    /// Serves `backend` on the current tokio runtime; connections may be opened from any.
    pub fn start<B: Backend>(config: &RpcConfig, backend: Arc<B>) -> Result<Self, ServerError> {
        config.validate()?;
        let (serve, _, handle) = connections(config, methods(backend)?);
        let runtime = tokio::runtime::Handle::current();
        let connector = Connector::new(move || {
            let (client, server) = tokio::io::duplex(IN_PROCESS_BUFFER);
            let _serving_runtime = runtime.enter();
            serve(Box::new(server), IpAddr::V4(Ipv4Addr::LOCALHOST));
            client
        });
        Ok(Self { connector, handle })
    }

    /// Opens connections for a [`plexus_rpc::Client`] (`ClientBuilder::build_in_process`).
    pub fn connector(&self) -> Connector {
        self.connector.clone()
    }

    /// Closes connections and ends subscriptions.
    pub fn stop(&self) {
        // Already stopped is fine.
        let _ = self.handle.stop();
    }
}

/// Bytes buffered each way on an in-process connection.
const IN_PROCESS_BUFFER: usize = 256 * 1024;

/// A connection's byte stream, from a socket or in process.
trait Io: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static> Io for T {}

/// Serves one admitted connection from a client at an address, on the current runtime.
type Serve = Arc<dyn Fn(Box<dyn Io>, IpAddr) + Send + Sync>;

/// What every connection goes through once admitted (hyper's timeouts, the HTTP edge,
/// jsonrpsee's limits, the rate limit), with the handles that stop them all.
fn connections(config: &RpcConfig, methods: Methods) -> (Serve, StopHandle, ServerHandle) {
    let limiter = Arc::new(RateLimiter::new(config.rate_per_second, config.rate_burst));
    let services = jsonrpsee_server::Server::builder()
        .set_config(
            ServerConfig::builder()
                .max_request_body_size(config.max_request_bytes)
                .max_response_body_size(config.max_response_bytes)
                .max_connections(config.max_connections)
                .max_subscriptions_per_connection(config.max_subscriptions_per_connection)
                .set_batch_request_config(BatchRequestConfig::Limit(config.max_batch))
                .enable_ws_ping(
                    PingConfig::new()
                        .ping_interval(config.ws_ping_interval)
                        .inactive_limit(config.ws_ping_interval * 3)
                        .max_failures(3),
                )
                .build(),
        )
        .set_rpc_middleware(RpcServiceBuilder::new().layer(RateLimitLayer(limiter)))
        .to_service_builder();
    let mut http = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    // Also closes keep-alive connections idle for as long between requests.
    http.http1()
        .timer(TokioTimer::new())
        .header_read_timeout(config.header_timeout);
    let body_timeout = config.body_timeout;
    let max_body = config.max_request_bytes as usize;
    let (stop, handle) = stop_channel();
    let stopping = stop.clone();
    let serve: Serve = Arc::new(move |io, ip| {
        let service = HttpEdge {
            inner: services.clone().build(methods.clone(), stop.clone()),
            ip,
            body_timeout,
            max_body,
        };
        let connection = http
            .serve_connection_with_upgrades(TokioIo::new(io), TowerToHyperService::new(service))
            .into_owned();
        let stopped = stop.clone().shutdown();
        tokio::spawn(async move {
            tokio::pin!(connection, stopped);
            let served = tokio::select! {
                served = &mut connection => served,
                () = &mut stopped => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(e) = served {
                tracing::debug!(target: "plexus_rpc", error = %e, "rpc.connection");
            }
        });
    });
    (serve, stopping, handle)
}

/// Every method and subscription over `backend`.
fn methods<B: Backend>(backend: Arc<B>) -> Result<Methods, RegisterMethodError> {
    let mut module = RpcModule::new(Ctx {
        backend,
        metagraphs: Default::default(),
    });
    methods::register(&mut module)?;
    subscriptions::register(&mut module)?;
    Ok(module.into())
}
