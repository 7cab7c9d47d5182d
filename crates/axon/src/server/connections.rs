//! The accept loop: connections up to the caps in all and per client address (refused with a
//! short HTTP answer beyond them), each served until it closes or the axon stops, with a limit
//! on how long its headers may take and how long it may sit idle between requests.

use super::AxonConfig;
use axum::extract::ConnectInfo;
use axum::Router;
use plexus_net::{Admission, Admitted};
use std::time::Duration;
use tracing::debug;

/// Accepts connections up to the cap and serves each until it closes or the axon stops.
pub(super) async fn accept(
    listener: tokio::net::TcpListener,
    router: Router,
    config: AxonConfig,
    alive: tokio::sync::watch::Receiver<()>,
) {
    let admission = Admission::new(
        config.max_connections.max(1),
        config.max_connections_per_address.max(1),
    );
    loop {
        let Ok((stream, peer)) = listener.accept().await else {
            // Out of file descriptors or similar: wait instead of spinning.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let ticket = match admission.admit(peer.ip()) {
            Ok(ticket) => ticket,
            Err(refusal) => {
                debug!(%peer, ?refusal, "connection refused");
                admission.turn_away(stream, refusal);
                continue;
            }
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
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(read_timeout)
                .serve_connection(
                    hyper_util::rt::TokioIo::new(Admitted::new(stream, ticket)),
                    hyper_util::service::TowerToHyperService::new(service),
                );
            tokio::select! {
                _ = connection => {}
                _ = async { while alive.changed().await.is_ok() {} } => {}
            }
        });
    }
}
