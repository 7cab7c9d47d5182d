//! What an HTTP request goes through before jsonrpsee reads it: the client's address recorded
//! for the rate limit, the body read whole within its deadline and size limit, and a check that
//! a single request is a JSON-RPC 2.0 request object, so that valid JSON which is no request
//! (`{}`, an object as `id`) is answered `-32600` as the specification says, not taken for a
//! parse error or a notification.

use crate::limit::ClientIp;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Bytes, Incoming};
use jsonrpsee_server::{HttpBody, HttpResponse};
use plexus_net::DeadlineBody;
use plexus_rpc::error::{INVALID_REQUEST, OVERSIZED_REQUEST};
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The HTTP side of one connection, in front of jsonrpsee's service `S`.
#[derive(Clone)]
pub(crate) struct HttpEdge<S> {
    pub(crate) inner: S,
    pub(crate) ip: IpAddr,
    pub(crate) body_timeout: Duration,
    pub(crate) max_body: usize,
}

impl<S> tower::Service<http::Request<Incoming>> for HttpEdge<S>
where
    S: tower::Service<http::Request<Full<Bytes>>, Response = HttpResponse>
        + tower::Service<http::Request<DeadlineBody<Incoming>>, Response = HttpResponse>
        + Clone
        + Send
        + 'static,
    <S as tower::Service<http::Request<Full<Bytes>>>>::Future: Send,
    <S as tower::Service<http::Request<Full<Bytes>>>>::Error: Into<BoxError>,
    <S as tower::Service<http::Request<DeadlineBody<Incoming>>>>::Future: Send,
    <S as tower::Service<http::Request<DeadlineBody<Incoming>>>>::Error: Into<BoxError>,
{
    type Response = HttpResponse;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, BoxError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        // jsonrpsee's per-connection service is always ready; each call clones it.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Incoming>) -> Self::Future {
        let mut inner = self.inner.clone();
        let (ip, body_timeout, max_body) = (self.ip, self.body_timeout, self.max_body);
        Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            parts.extensions.insert(ClientIp(ip));
            let body = DeadlineBody::new(body, body_timeout);
            if parts.method != http::Method::POST {
                // WebSocket upgrades and the like: nothing to read here.
                let request = http::Request::from_parts(parts, body);
                return tower::Service::call(&mut inner, request)
                    .await
                    .map_err(Into::into);
            }
            let bytes = match Limited::new(body, max_body).collect().await {
                Ok(collected) => collected.to_bytes(),
                Err(e) if e.is::<LengthLimitError>() => {
                    return Ok(refusal(
                        http::StatusCode::PAYLOAD_TOO_LARGE,
                        OVERSIZED_REQUEST,
                        "Request is too big",
                    ));
                }
                Err(e) => {
                    return Ok(refusal(
                        http::StatusCode::REQUEST_TIMEOUT,
                        INVALID_REQUEST,
                        &e.to_string(),
                    ));
                }
            };
            if !is_request_or_other(&bytes) {
                return Ok(refusal(
                    http::StatusCode::OK,
                    INVALID_REQUEST,
                    "Invalid request: a JSON-RPC 2.0 request has \"jsonrpc\": \"2.0\", a string \"method\" and an \"id\" that is a string, a number or null",
                ));
            }
            let request = http::Request::from_parts(parts, Full::new(bytes));
            tower::Service::call(&mut inner, request)
                .await
                .map_err(Into::into)
        })
    }
}

/// False for a JSON object that is no JSON-RPC 2.0 request; true for a request and for
/// anything else (batches, text that is not JSON), which jsonrpsee answers itself.
fn is_request_or_other(body: &[u8]) -> bool {
    let Ok(fields) = serde_json::from_slice::<BTreeMap<&str, &RawValue>>(body) else {
        return true;
    };
    let raw = |name: &str| fields.get(name).map(|v| v.get());
    let version_ok = raw("jsonrpc") == Some("\"2.0\"");
    let method_ok = raw("method").is_some_and(|m| m.starts_with('"'));
    let id_ok = raw("id").is_none_or(|id| {
        id == "null"
            || id.starts_with('"')
            || id.starts_with('-')
            || id.starts_with(|c: char| c.is_ascii_digit())
    });
    version_ok && method_ok && id_ok
}

/// A JSON-RPC error answered here, with no id (the request's could not be trusted).
fn refusal(status: http::StatusCode, code: i32, message: &str) -> HttpResponse {
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": {"code": code, "message": message},
    });
    let mut response = HttpResponse::new(HttpBody::from(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_requests_and_what_is_no_request() {
        let request = |text: &str| is_request_or_other(text.as_bytes());
        assert!(request(
            r#"{"jsonrpc":"2.0","id":1,"method":"system_health"}"#
        ));
        assert!(request(
            r#"{"jsonrpc":"2.0","id":"a","method":"m","params":[]}"#
        ));
        assert!(request(r#"{"jsonrpc":"2.0","id":null,"method":"m"}"#));
        assert!(request(r#"{"jsonrpc":"2.0","id":-1.5,"method":"m"}"#));
        assert!(request(r#"{"jsonrpc":"2.0","method":"notification"}"#));
        // Left to jsonrpsee: batches and text that is not JSON.
        assert!(request(r#"[{}]"#));
        assert!(request("not json"));

        assert!(!request("{}"));
        assert!(!request(
            r#"{"jsonrpc":"2.0","id":{},"method":"system_health"}"#
        ));
        assert!(!request(r#"{"jsonrpc":"2.0","id":[1],"method":"m"}"#));
        assert!(!request(r#"{"jsonrpc":"2.0","id":true,"method":"m"}"#));
        assert!(!request(r#"{"jsonrpc":"1.0","id":1,"method":"m"}"#));
        assert!(!request(r#"{"jsonrpc":"2.0","id":1,"method":7}"#));
        assert!(!request(r#"{"jsonrpc":"2.0","id":1}"#));
    }
}
