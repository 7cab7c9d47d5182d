//! The JSON-RPC server: HTTP and WebSocket on one port, over any [`Backend`].
//!
//! ```text
//! TCP accept ── records the client's IP ──▶ jsonrpsee (HTTP or WebSocket upgrade;
//!   size, batch, connection and subscription limits) ──▶ rate limit per IP ──▶ method
//!   ──▶ Backend (snapshot, store, mempool)
//! ```

use crate::backend::Backend;
use crate::config::{ConfigError, RpcConfig};
use crate::limit::{ClientIp, RateLimitLayer, RateLimiter};
use crate::methods::{self, Ctx};
use crate::subscriptions;
use jsonrpsee_core::middleware::RpcServiceBuilder;
use jsonrpsee_core::server::{Methods, RpcModule};
use jsonrpsee_core::RegisterMethodError;
use jsonrpsee_server::{
    serve_with_graceful_shutdown, stop_channel, BatchRequestConfig, ServerConfig, ServerHandle,
};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

/// Why the server did not start.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// A setting is unusable.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The listen address cannot be bound.
    #[error("cannot listen on {address}: {source}")]
    Bind {
        /// The address.
        address: SocketAddr,
        /// Why.
        source: std::io::Error,
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
}

impl RpcServer {
    /// Binds `config.listen` and serves `backend` on the current tokio runtime.
    pub async fn start<B: Backend>(
        config: &RpcConfig,
        backend: Arc<B>,
    ) -> Result<Self, ServerError> {
        config.validate()?;
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|source| ServerError::Bind {
                address: config.listen,
                source,
            })?;
        let local_addr = listener.local_addr().map_err(|source| ServerError::Bind {
            address: config.listen,
            source,
        })?;
        let methods = methods(backend)?;
        let limiter = Arc::new(RateLimiter::new(config.rate_per_second, config.rate_burst));
        let services = jsonrpsee_server::Server::builder()
            .set_config(
                ServerConfig::builder()
                    .max_request_body_size(config.max_request_bytes)
                    .max_response_body_size(config.max_response_bytes)
                    .max_connections(config.max_connections)
                    .max_subscriptions_per_connection(config.max_subscriptions_per_connection)
                    .set_batch_request_config(BatchRequestConfig::Limit(config.max_batch))
                    .build(),
            )
            .set_rpc_middleware(RpcServiceBuilder::new().layer(RateLimitLayer(limiter)))
            .to_service_builder();
        let (stop, handle) = stop_channel();
        tokio::spawn(async move {
            loop {
                let (socket, peer) = tokio::select! {
                    accepted = listener.accept() => match accepted {
                        Ok(accepted) => accepted,
                        Err(e) => {
                            // Out of file descriptors and the like: wait instead of spinning.
                            tracing::debug!(target: "plexus_rpc", error = %e, "rpc.accept");
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            continue;
                        }
                    },
                    () = stop.clone().shutdown() => break,
                };
                // Small JSON answers must not wait for Nagle's algorithm.
                let _ = socket.set_nodelay(true);
                let service = WithClientIp {
                    inner: services.clone().build(methods.clone(), stop.clone()),
                    ip: peer.ip(),
                };
                let stopped = stop.clone().shutdown();
                tokio::spawn(async move {
                    if let Err(e) = serve_with_graceful_shutdown(socket, service, stopped).await {
                        tracing::debug!(target: "plexus_rpc", error = %e, "rpc.connection");
                    }
                });
            }
        });
        tracing::info!(target: "plexus_rpc", address = %local_addr, "rpc.listening");
        Ok(Self { local_addr, handle })
    }

    /// The address it listens on (with the actual port when `listen` asked for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
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

/// Records the client's address on each request, for the rate limit.
#[derive(Clone)]
struct WithClientIp<S> {
    inner: S,
    ip: IpAddr,
}

impl<S, B> tower::Service<http::Request<B>> for WithClientIp<S>
where
    S: tower::Service<http::Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
        request.extensions_mut().insert(ClientIp(self.ip));
        self.inner.call(request)
    }
}
