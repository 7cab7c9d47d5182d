//! The server's settings and limits.

use std::net::{Ipv4Addr, SocketAddr};

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
    /// Most concurrent connections (HTTP requests in flight and open WebSockets). Default 256.
    pub max_connections: u32,
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
        Ok(())
    }
}
