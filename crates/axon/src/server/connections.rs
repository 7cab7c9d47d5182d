//! The accept loop: connections up to the caps in all and per client address (refused with a
//! short HTTP answer beyond them), each served until it closes or the axon stops, with a limit
//! on how long its headers may take and how long it may sit idle between requests.

use super::AxonConfig;
use axum::Router;
use plexus_net::{serve_http1, Limits};

/// Accepts connections up to the caps and serves each until it closes or the axon stops.
pub(super) async fn accept(
    listener: tokio::net::TcpListener,
    router: Router,
    config: AxonConfig,
    alive: tokio::sync::watch::Receiver<()>,
) {
    let limits = Limits {
        max_connections: config.max_connections,
        max_per_address: config.max_connections_per_address,
        header_timeout: config.read_timeout,
    };
    serve_http1(listener, limits, router, alive).await;
}
