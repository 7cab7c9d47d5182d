//! What the axon answers: the protocol's status headers on every response, its refusals, and
//! streamed responses.

use super::queue::Slot;
use super::{Chunks, Shared};
use crate::synapse::VERSION;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::stream::StreamExt as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// An answer in the protocol's shape: lowercase headers with the axon's status.
pub(super) fn reply(
    shared: &Shared,
    status: StatusCode,
    message: &str,
    body: String,
    extra: &[(&'static str, String)],
) -> Response {
    let mut response = (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response();
    put_headers(shared, response.headers_mut(), status, message, extra);
    response
}

fn put_headers(
    shared: &Shared,
    headers: &mut HeaderMap,
    status: StatusCode,
    message: &str,
    extra: &[(&'static str, String)],
) {
    // The names are this crate's constants, lowercase: no parsing, no allocation.
    let mut put = |name: &'static str, value: String| {
        if let Ok(value) = HeaderValue::try_from(value) {
            headers.insert(axum::http::HeaderName::from_static(name), value);
        }
    };
    put("bt_header_axon_status_code", status.as_u16().to_string());
    put("bt_header_axon_status_message", message.to_string());
    put("bt_header_axon_hotkey", shared.hotkey_ss58.clone());
    put("bt_header_axon_version", VERSION.to_string());
    put("bt_header_axon_uuid", shared.uuid.clone());
    for (name, value) in extra {
        put(name, value.clone());
    }
}

pub(super) fn error(shared: &Shared, status: StatusCode, message: String) -> Response {
    let body = serde_json::json!({ "message": message }).to_string();
    reply(shared, status, &message, body, &[])
}

pub(super) fn timed_out(shared: &Shared, timeout: Duration) -> Response {
    error(
        shared,
        StatusCode::REQUEST_TIMEOUT,
        format!(
            "Response timeout after: {}s",
            crate::python::py_float(timeout.as_secs_f64())
        ),
    )
}

/// 500 `Internal Server Error #<id>` with a fresh id per error, as Python's axon answers anything
/// that fails inside it: the caller learns nothing of the cause, the log has it under the id.
pub(super) fn internal(shared: &Shared) -> Response {
    error(
        shared,
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("Internal Server Error #{}", fresh_uuid()),
    )
}

/// 422 for a body that is not JSON, as FastAPI answers before the Python axon reads it.
pub(super) fn unprocessable(shared: &Shared, why: &str) -> Response {
    let body = serde_json::json!({
        "detail": [{ "type": "json_invalid", "loc": ["body"], "msg": "JSON decode error", "ctx": { "error": why } }]
    });
    reply(
        shared,
        StatusCode::UNPROCESSABLE_ENTITY,
        "JSON decode error",
        body.to_string(),
        &[],
    )
}

/// The id in an [`internal`] answer, for the log line that explains it.
pub(super) fn error_id(response: &Response) -> &str {
    response
        .headers()
        .get("bt_header_axon_status_message")
        .and_then(|v| v.to_str().ok())
        .and_then(|m| m.strip_prefix("Internal Server Error #"))
        .unwrap_or_default()
}

/// A random (version 4) UUID in its usual text form.
fn fresh_uuid() -> String {
    let mut bytes = [0u8; 16];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex::encode(bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// How long a stream cut off at its deadline keeps its connection, silent, before it is
/// closed: the caller's own timer, started a little earlier, fires within it, so the caller
/// reports a timeout (Python's dendrite: 408) rather than a broken or a complete answer.
const CUT_GRACE: Duration = Duration::from_secs(1);

/// A stream's response: 200 and the headers at once, then the chunks until the stream ends or
/// the deadline passes; the slot is held until then. A stream still going at the deadline is
/// cut off without its end (see [`CUT_GRACE`]), never ended as if it were complete.
pub(super) fn streamed(shared: &Shared, chunks: Chunks, deadline: Instant, slot: Slot) -> Response {
    let ended = Arc::new(AtomicBool::new(false));
    let marked = Arc::clone(&ended);
    // `None` marks the handler's own end, which the deadline may pre-empt.
    let chunks = chunks
        .map(Some)
        .chain(futures::stream::once(async { None }))
        .take_until(tokio::time::sleep_until(deadline.into()))
        .filter_map(move |chunk| {
            let _held = &slot;
            if chunk.is_none() {
                marked.store(true, Ordering::Relaxed);
            }
            std::future::ready(chunk)
        });
    let cut = futures::stream::once(async move {
        if ended.load(Ordering::Relaxed) {
            return None;
        }
        tokio::time::sleep(CUT_GRACE).await;
        Some(Err(std::io::Error::other(
            "the stream outlived its timeout",
        )))
    })
    .filter_map(std::future::ready);
    let body = chunks.chain(cut);
    let mut response = Response::new(Body::from_stream(body));
    put_headers(
        shared,
        response.headers_mut(),
        StatusCode::OK,
        "Success",
        &[("content-type", "text/event-stream".into())],
    );
    response
}
