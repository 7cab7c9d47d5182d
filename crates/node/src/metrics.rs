//! Prometheus metrics about the chain, next to the runtime's and consensus's own.

use crate::core::Core;
use commonware_runtime::telemetry::metrics::{GaugeExt as _, MetricsExt as _};
use commonware_runtime::{Clock, Metrics, Spawner};
use plexus_rpc_server::{Backend as _, Notification};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

const LATENCY_BUCKETS: [f64; 12] = [
    0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0,
];

/// Registers the chain metrics on `context` and keeps them current from the core's notifications.
pub(crate) fn register<E: Spawner + Clock + Metrics>(context: &E, core: Arc<Core>) {
    let height = context.gauge("best_height", "Newest block proposed or verified");
    let finalized = context.gauge("finalized_height", "Newest block finalized and committed");
    let tip = context.gauge(
        "finalized_tip_height",
        "Newest finalization consensus announced (the store may lag it briefly)",
    );
    let mempool = context.gauge(
        "mempool_transactions",
        "Transactions waiting in the mempool",
    );
    let mempool_bytes = context.gauge("mempool_bytes", "Encoded bytes waiting in the mempool");
    let transactions = context.counter(
        "transactions_finalized",
        "Transactions in finalized blocks (rate() of it is tx/s)",
    );
    let block_time = context.histogram(
        "block_time_seconds",
        "Time between consecutive finalized blocks' timestamps",
        LATENCY_BUCKETS,
    );
    let finality = context.histogram(
        "finality_latency_seconds",
        "Time from first seeing a block to committing it",
        LATENCY_BUCKETS,
    );
    let mut notifications = core.subscribe();
    context
        .child("chain_metrics")
        .spawn(move |context| async move {
            let mut seen: BTreeMap<u64, SystemTime> = BTreeMap::new();
            let mut last_timestamp: Option<u64> = None;
            loop {
                let notification = match notifications.recv().await {
                    Ok(notification) => notification,
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                };
                let _ = tip.try_set_max(core.finalized_tip());
                let (count, bytes) = core.mempool_status();
                let _ = mempool.try_set(count);
                let _ = mempool_bytes.try_set(bytes);
                match notification {
                    Notification::NewHead(header) => {
                        let _ = height.try_set_max(header.number);
                        seen.entry(header.number)
                            .or_insert_with(|| context.current());
                    }
                    Notification::Finalized {
                        header,
                        transactions: included,
                        ..
                    } => {
                        let _ = finalized.try_set_max(header.number);
                        let _ = height.try_set_max(header.number);
                        transactions.inc_by(included.len() as u64);
                        if let Some(previous) = last_timestamp {
                            let ms = header.timestamp.saturating_sub(previous);
                            block_time.observe(Duration::from_millis(ms).as_secs_f64());
                        }
                        last_timestamp = Some(header.timestamp);
                        if let Some(first) = seen.remove(&header.number) {
                            let latency =
                                context.current().duration_since(first).unwrap_or_default();
                            finality.observe(latency.as_secs_f64());
                        }
                        seen.retain(|h, _| *h > header.number);
                    }
                    Notification::Dropped(_) => {}
                }
            }
        });
}

/// Serves every metric of `context`'s runtime at `GET /metrics` on `address`.
/// Open connections to the metrics listener at most: a scraper needs one or two.
pub(crate) const METRICS_MAX_CONNECTIONS: usize = 64;
/// Open connections to the metrics listener from one address.
const METRICS_MAX_PER_ADDRESS: usize = 8;

pub(crate) fn serve<E: Spawner + Metrics>(context: E, address: std::net::SocketAddr) {
    use ::tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    context.spawn(move |context| async move {
        let listener = match ::tokio::net::TcpListener::bind(address).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::error!(%address, %error, "cannot serve metrics");
                return;
            }
        };
        tracing::info!(%address, "serving metrics at /metrics");
        let admission = plexus_net::Admission::new(METRICS_MAX_CONNECTIONS, METRICS_MAX_PER_ADDRESS);
        loop {
            let (mut socket, _) = admission.accept(&listener).await;
            let body = context.encode();
            ::tokio::spawn(async move {
                // Only the request line matters; bound what a client can make us read.
                let mut request = [0u8; 1024];
                let read = ::tokio::time::timeout(Duration::from_secs(5), socket.read(&mut request)).await;
                let Ok(Ok(n)) = read else { return };
                let ok = request[..n].starts_with(b"GET /metrics ");
                let response = if ok {
                    format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: text/plain; version=0.0.4\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    )
                } else {
                    "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_string()
                };
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
}
