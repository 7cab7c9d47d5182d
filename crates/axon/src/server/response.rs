//! What the axon answers: the protocol's status headers on every response, its refusals, and
//! streamed responses.

use super::queue::Slot;
use super::{Chunks, Shared};
use crate::synapse::VERSION;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::stream::StreamExt as _;
use serde_json::Value;
use std::convert::Infallible;
use std::time::{Duration, Instant};

/// An answer in the protocol's shape: lowercase headers with the axon's status.
pub(super) fn reply(
    shared: &Shared,
    status: StatusCode,
    message: &str,
    body: Value,
    extra: &[(&str, String)],
) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    put_headers(shared, response.headers_mut(), status, message, extra);
    response
}

fn put_headers(
    shared: &Shared,
    headers: &mut HeaderMap,
    status: StatusCode,
    message: &str,
    extra: &[(&str, String)],
) {
    let mut put = |name: &str, value: String| {
        if let (Ok(name), Ok(value)) = (
            axum::http::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            headers.insert(name, value);
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
    let body = serde_json::json!({ "message": message });
    reply(shared, status, &message, body, &[])
}

pub(super) fn timed_out(shared: &Shared, timeout: Duration) -> Response {
    error(
        shared,
        StatusCode::REQUEST_TIMEOUT,
        format!("Response timeout after: {}s", timeout.as_secs_f64()),
    )
}

pub(super) fn internal(shared: &Shared) -> Response {
    error(
        shared,
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("Internal Server Error #{}", shared.uuid),
    )
}

/// A stream's response: 200 and the headers at once, then the chunks until the stream ends or
/// the deadline passes. The slot is held until then.
pub(super) fn streamed(shared: &Shared, chunks: Chunks, deadline: Instant, slot: Slot) -> Response {
    let cut = tokio::time::sleep_until(deadline.into());
    let body = chunks.take_until(cut).map(move |chunk| {
        let _held = &slot;
        Ok::<Bytes, Infallible>(chunk)
    });
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
