//! What a request must pass before its handler runs, whichever its scheme: the gate, the
//! per-hotkey rate, the bound on unverified requests per address, a handler slot, and the
//! limits on its headers' timeout and its body.

use super::queue::{NoSlot, Slot};
use super::response::{error, timed_out};
use super::{lock, now_ns, Shared};
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use http_body_util::BodyExt as _;
use plexus_primitives::AccountId;
use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Duration;

/// Per-hotkey request counts in the current second, bounded by the nonce tracker's capacity.
#[derive(Default)]
pub(super) struct Rates {
    second: u64,
    counts: HashMap<AccountId, u32>,
}

pub(super) fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The caller's timeout (the `timeout` header, seconds), within the axon's bound.
pub(super) fn caller_timeout(shared: &Shared, headers: &HeaderMap) -> Duration {
    header(headers, "timeout")
        .and_then(|t| t.parse::<f64>().ok())
        .filter(|t| t.is_finite() && *t > 0.0)
        .map_or(Duration::from_secs(12), |t| {
            Duration::from_secs_f64(t.min(shared.config.max_timeout.as_secs_f64()))
        })
        .min(shared.config.max_timeout)
}

/// The blacklist, before any expensive work.
pub(super) fn check_gate(shared: &Shared, hotkey: &AccountId) -> Result<(), Response> {
    shared.gate.admit(hotkey).map_err(|reason| {
        error(
            shared,
            StatusCode::FORBIDDEN,
            format!("Forbidden. Key is blacklisted: {reason}."),
        )
    })
}

/// The per-hotkey rate, counted only for verified requests so nobody can spend another
/// hotkey's allowance. The counts start again every second, so they stay small.
pub(super) fn check_rate(shared: &Shared, hotkey: &AccountId) -> Result<(), Response> {
    let second = now_ns() / 1_000_000_000;
    let mut rates = lock(&shared.rates);
    if rates.second != second {
        rates.second = second;
        rates.counts.clear();
    }
    let count = rates.counts.entry(*hotkey).or_insert(0);
    *count += 1;
    if *count > shared.config.rate_per_hotkey {
        drop(rates);
        return Err(error(
            shared,
            StatusCode::TOO_MANY_REQUESTS,
            format!("Too many requests from {hotkey}"),
        ));
    }
    Ok(())
}

/// A request being read and checked before anything vouches for its caller; dropping it ends
/// that.
pub(super) struct Unverified<'a> {
    shared: &'a Shared,
    address: IpAddr,
}

impl Drop for Unverified<'_> {
    fn drop(&mut self) {
        let mut unverified = lock(&self.shared.unverified);
        if let Some(count) = unverified.get_mut(&self.address) {
            *count -= 1;
            if *count == 0 {
                unverified.remove(&self.address);
            }
        }
    }
}

/// Counts a request from `address` as unverified, within the per-address bound, so a caller
/// without a key can keep only a few bodies in flight whatever hotkey it claims.
pub(super) fn begin_unverified(
    shared: &Shared,
    address: IpAddr,
) -> Result<Unverified<'_>, Response> {
    let mut unverified = lock(&shared.unverified);
    let count = unverified.entry(address).or_insert(0);
    if *count >= shared.config.max_unverified_per_address.max(1) {
        drop(unverified);
        return Err(error(
            shared,
            StatusCode::TOO_MANY_REQUESTS,
            "Too many unverified requests from your address".into(),
        ));
    }
    *count += 1;
    Ok(Unverified { shared, address })
}

/// A handler slot, waiting in the bounded priority queue.
pub(super) async fn take_slot(
    shared: &Shared,
    hotkey: &AccountId,
    timeout: Duration,
) -> Result<Slot, Response> {
    match shared
        .slots
        .acquire(shared.gate.priority(hotkey), timeout)
        .await
    {
        Ok(slot) => Ok(slot),
        Err(NoSlot::Busy) => Err(error(
            shared,
            StatusCode::SERVICE_UNAVAILABLE,
            "Axon is busy".into(),
        )),
        Err(NoSlot::TimedOut) => Err(timed_out(shared, timeout)),
    }
}

/// The body, size- and time-limited.
pub(super) async fn read_body(shared: &Shared, body: Body) -> Result<Bytes, Response> {
    let limited = http_body_util::Limited::new(body, shared.config.max_body_bytes);
    match tokio::time::timeout(shared.config.read_timeout, limited.collect()).await {
        Err(_) => Err(error(
            shared,
            StatusCode::REQUEST_TIMEOUT,
            "Request body was not received in time".into(),
        )),
        Ok(Err(e)) => {
            let status = if e.is::<http_body_util::LengthLimitError>() {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::BAD_REQUEST
            };
            Err(error(
                shared,
                status,
                format!("Could not read the request body: {e}"),
            ))
        }
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
    }
}
