//! The accept loop: connections up to the caps in all and per client address (refused with a
//! short HTTP answer beyond them), each served until it closes or the axon stops, with a limit
//! on how long its headers may take and how long it may sit idle between requests.

use super::AxonConfig;
use axum::extract::ConnectInfo;
use axum::Router;
use plexus_net::{serve_http1, Limits};
use std::net::SocketAddr;

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
    let service = move |peer: SocketAddr| {
        tower::ServiceExt::map_request(
            router.clone(),
            move |mut request: axum::http::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            },
        )
    };
    serve_http1(listener, limits, service, alive).await;
}
