//! The per-client rate limit: a token bucket per client IP address, checked for every call,
//! notification and batch (which takes one token per request in it) before it runs. A request
//! costs by what it sends back too: after it runs, every [`BYTES_PER_TOKEN`] of its response
//! take one more token, down to a debt of one burst, so a client pulling large answers (a run
//! of blocks, a whole metagraph) slows to its share of bytes, not only of requests.
//!
//! jsonrpsee builds the RPC middleware per HTTP request and per WebSocket, so the buckets live
//! in one shared [`RateLimiter`] keyed by the address the accept loop records on each request.

use jsonrpsee_core::middleware::{Batch, Notification, RpcServiceT};
use jsonrpsee_core::server::MethodResponse;
use jsonrpsee_types::{ErrorObjectOwned, Id, Request};
use plexus_rpc::error::RATE_LIMITED;
use std::collections::BTreeMap;
use std::future::Future;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The client address of a request, put in its extensions by the accept loop.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClientIp(pub(crate) IpAddr);

struct Bucket {
    tokens: f64,
    refilled: Instant,
}

/// Token buckets by client address.
pub(crate) struct RateLimiter {
    per_second: f64,
    burst: f64,
    buckets: Mutex<BTreeMap<IpAddr, Bucket>>,
}

/// Response bytes that cost one token beyond the request's own.
pub(crate) const BYTES_PER_TOKEN: usize = 16 * 1024;

/// Above this many addresses, full buckets (clients idle for a while) are forgotten.
const MAX_TRACKED: usize = 4096;

impl RateLimiter {
    pub(crate) fn new(per_second: u32, burst: u32) -> Self {
        Self {
            per_second: f64::from(per_second),
            burst: f64::from(burst),
            buckets: Mutex::new(BTreeMap::new()),
        }
    }

    /// Takes `n` tokens from `ip`'s bucket if it has them.
    pub(crate) fn allow(&self, ip: Option<IpAddr>, n: usize) -> bool {
        // Requests without an address come from in-process callers, not the network.
        let Some(ip) = ip else { return true };
        let now = Instant::now();
        let Ok(mut buckets) = self.buckets.lock() else {
            return true;
        };
        if buckets.len() > MAX_TRACKED {
            let (per_second, burst) = (self.per_second, self.burst);
            buckets.retain(|_, b| {
                b.tokens + now.duration_since(b.refilled).as_secs_f64() * per_second < burst
            });
        }
        let bucket = buckets.entry(ip).or_insert(Bucket {
            tokens: self.burst,
            refilled: now,
        });
        let elapsed = now.duration_since(bucket.refilled).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.per_second).min(self.burst);
        bucket.refilled = now;
        let cost = n as f64;
        if bucket.tokens >= cost {
            bucket.tokens -= cost;
            true
        } else {
            false
        }
    }

    /// Takes `n` more tokens from `ip`'s bucket for what a request sent back, into a debt of at
    /// most one burst: its next requests wait until the bucket refills.
    pub(crate) fn charge(&self, ip: Option<IpAddr>, n: usize) {
        let (Some(ip), true) = (ip, n > 0) else {
            return;
        };
        let Ok(mut buckets) = self.buckets.lock() else {
            return;
        };
        if let Some(bucket) = buckets.get_mut(&ip) {
            bucket.tokens = (bucket.tokens - n as f64).max(-self.burst);
        }
    }

    fn error(&self) -> ErrorObjectOwned {
        ErrorObjectOwned::owned(
            RATE_LIMITED,
            format!(
                "rate limit exceeded: {} requests per second per client address",
                self.per_second
            ),
            None::<()>,
        )
    }
}

/// Layer that puts [`RateLimit`] in front of the RPC service.
#[derive(Clone)]
pub(crate) struct RateLimitLayer(pub(crate) Arc<RateLimiter>);

impl<S> tower::Layer<S> for RateLimitLayer {
    type Service = RateLimit<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RateLimit {
            inner,
            limiter: self.0.clone(),
        }
    }
}

/// The RPC middleware that refuses requests over the client's rate.
#[derive(Clone)]
pub(crate) struct RateLimit<S> {
    inner: S,
    limiter: Arc<RateLimiter>,
}

fn ip_of(extensions: &jsonrpsee_core::middleware::Extensions) -> Option<IpAddr> {
    extensions.get::<ClientIp>().map(|c| c.0)
}

impl<S> RpcServiceT for RateLimit<S>
where
    S: RpcServiceT<
            MethodResponse = MethodResponse,
            BatchResponse = MethodResponse,
            NotificationResponse = MethodResponse,
        > + Send
        + Sync
        + Clone
        + 'static,
{
    type MethodResponse = MethodResponse;
    type NotificationResponse = MethodResponse;
    type BatchResponse = MethodResponse;

    fn call<'a>(&self, request: Request<'a>) -> impl Future<Output = MethodResponse> + Send + 'a {
        let ip = ip_of(request.extensions());
        let allowed = self.limiter.allow(ip, 1);
        let error = (!allowed).then(|| self.limiter.error());
        let inner = self.inner.clone();
        let limiter = self.limiter.clone();
        async move {
            match error {
                Some(error) => MethodResponse::error(request.id, error),
                None => {
                    let response = inner.call(request).await;
                    limiter.charge(ip, response.as_json().get().len() / BYTES_PER_TOKEN);
                    response
                }
            }
        }
    }

    fn batch<'a>(&self, mut batch: Batch<'a>) -> impl Future<Output = MethodResponse> + Send + 'a {
        let ip = ip_of(batch.extensions());
        let allowed = self.limiter.allow(ip, batch.len().max(1));
        let error = (!allowed).then(|| self.limiter.error());
        let inner = self.inner.clone();
        let limiter = self.limiter.clone();
        async move {
            match error {
                Some(error) => MethodResponse::error(Id::Null, error),
                None => {
                    let response = inner.batch(batch).await;
                    limiter.charge(ip, response.as_json().get().len() / BYTES_PER_TOKEN);
                    response
                }
            }
        }
    }

    fn notification<'a>(
        &self,
        n: Notification<'a>,
    ) -> impl Future<Output = MethodResponse> + Send + 'a {
        let allowed = self.limiter.allow(ip_of(n.extensions()), 1);
        let inner = self.inner.clone();
        async move {
            if allowed {
                inner.notification(n).await
            } else {
                MethodResponse::notification()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_bucket_allows_burst_then_refuses() {
        let limiter = RateLimiter::new(1, 3);
        let ip = Some(IpAddr::from([10, 0, 0, 1]));
        assert!(limiter.allow(ip, 2));
        assert!(limiter.allow(ip, 1));
        assert!(!limiter.allow(ip, 1));
        // Another client has its own bucket; a batch larger than the burst never passes.
        let other = Some(IpAddr::from([10, 0, 0, 2]));
        assert!(!limiter.allow(other, 4));
        assert!(limiter.allow(other, 3));
        assert!(limiter.allow(None, 1_000));
    }

    #[test]
    fn test_large_answers_cost_more_down_to_one_burst_of_debt() {
        let limiter = RateLimiter::new(1, 10);
        let ip = Some(IpAddr::from([10, 0, 0, 3]));
        assert!(limiter.allow(ip, 1));
        // A 1 MiB answer costs 64 tokens: the bucket goes into debt, but no deeper than a burst.
        limiter.charge(ip, (1 << 20) / BYTES_PER_TOKEN);
        assert!(!limiter.allow(ip, 1));
        let tokens = limiter.buckets.lock().unwrap()[&IpAddr::from([10, 0, 0, 3])].tokens;
        assert!((-10.0..-9.0).contains(&tokens), "{tokens}");
        // Charging an address never seen, or nothing, changes nothing.
        limiter.charge(Some(IpAddr::from([10, 0, 0, 4])), 5);
        assert!(limiter.allow(Some(IpAddr::from([10, 0, 0, 4])), 10));
    }
}
