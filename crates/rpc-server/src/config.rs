//! The server's settings and limits.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

/// How the RPC server listens and what it accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpcConfig {
    /// Address to listen on; HTTP and WebSocket share the port. Default `127.0.0.1:9944`.
    pub listen: SocketAddr,
    /// Largest request body (HTTP) or message (WebSocket), bytes. Default 1 MiB: a maximal
    /// transaction is 64 KiB, 128 KiB as hex.
    pub max_request_bytes: u32,
    /// Largest response, bytes. Default 64 MiB: a 4096-uid metagraph with every weight.
    pub max_response_bytes: u32,
    /// Most requests in one batch. Default 64.
    pub max_batch: u32,
    /// Most open connections (idle HTTP keep-alives and WebSockets included). A connection over
    /// the cap is answered `503` and closed. Default 256, far below the node's descriptor limit.
    pub max_connections: u32,
    /// Most open connections from one client address; one more is answered `429` and closed.
    /// Default 32.
    pub max_connections_per_address: u32,
    /// How long a client may take to send a request's headers, and how long an HTTP connection
    /// may sit idle between requests, before it is closed. Default 10 s.
    pub header_timeout: Duration,
    /// How long a client may take to send a request's body once its headers are in. Default
    /// 10 s.
    pub body_timeout: Duration,
    /// How often the server pings an open WebSocket; one that answers nothing for three
    /// intervals is closed. Default 30 s.
    pub ws_ping_interval: Duration,
    /// Most subscriptions on one WebSocket. Default 64.
    pub max_subscriptions_per_connection: u32,
    /// Requests per second each client address may make (a batch counts each of its
    /// requests); bursts up to [`rate_burst`](Self::rate_burst). Default 500.
    pub rate_per_second: u32,
    /// How many requests a client address may make at once before the rate applies.
    /// Default 1000.
    pub rate_burst: u32,
}

impl Default for RpcConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 9944)),
            max_request_bytes: 1024 * 1024,
            max_response_bytes: 64 * 1024 * 1024,
            max_batch: 64,
            max_connections: 256,
            max_connections_per_address: 32,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            ws_ping_interval: Duration::from_secs(30),
            max_subscriptions_per_connection: 64,
            rate_per_second: 500,
            rate_burst: 1000,
        }
    }
}

/// A setting the server cannot run with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid RPC setting {field}: {reason}")]
pub struct ConfigError {
    /// The field.
    pub field: &'static str,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl RpcConfig {
    /// Checks that every limit lets something through.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let positive = [
            ("max_request_bytes", self.max_request_bytes),
            ("max_response_bytes", self.max_response_bytes),
            ("max_batch", self.max_batch),
            ("max_connections", self.max_connections),
            (
                "max_connections_per_address",
                self.max_connections_per_address,
            ),
            (
                "max_subscriptions_per_connection",
                self.max_subscriptions_per_connection,
            ),
            ("rate_per_second", self.rate_per_second),
            ("rate_burst", self.rate_burst),
        ];
        for (field, value) in positive {
            if value == 0 {
                return Err(ConfigError {
                    field,
                    reason: "must be at least 1",
                });
            }
        }
        let durations = [
            ("header_timeout", self.header_timeout),
            ("body_timeout", self.body_timeout),
            ("ws_ping_interval", self.ws_ping_interval),
        ];
        for (field, value) in durations {
            if value.is_zero() {
                return Err(ConfigError {
                    field,
                    reason: "must be longer than zero",
                });
            }
        }
        Ok(())
    }
}
