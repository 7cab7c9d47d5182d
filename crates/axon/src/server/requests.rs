//! A request from routing to answer: the Synapse protocol's and btauth/1's checks in their
//! orders, and the route's handler run within the caller's timeout.

use super::admission::{
    begin_unverified, caller_timeout, check_gate, check_rate, header, read_body, take_slot,
};
use super::response::{error, error_id, internal, reply, streamed, timed_out, unprocessable};
use super::{lock, now_ns, Chunks, Failed, Route, Serve, Shared};
use crate::auth::{request_message, signature_hex};
use crate::btauth;
use crate::hash;
use crate::python::{self, Json, Style};
use crate::synapse::{TerminalInfo, PROTOCOL_FIELDS};
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use plexus_net::Peer;
use plexus_primitives::AccountId;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::{debug, warn};

/// An object's entries, in order.
type Entries = Vec<(String, Json)>;

/// What a handler gave: the synapse with outputs, or a stream.
enum Served {
    Synapse(Entries),
    Stream(Chunks),
}

/// Runs the route's handler on the synapse's own fields within `timeout`.
async fn run(
    shared: &Shared,
    route: &Route,
    fields: Entries,
    timeout: Duration,
    hotkey: &AccountId,
) -> Result<Served, Response> {
    let fields = Json::Object(fields);
    let served = match &route.serve {
        Serve::Unary(handler) => tokio::time::timeout(timeout, handler(fields))
            .await
            .map(|r| {
                r.map(|answered| match answered {
                    Json::Object(outputs) => Served::Synapse(outputs),
                    _ => Served::Synapse(Vec::new()),
                })
            }),
        Serve::Stream(handler) => tokio::time::timeout(timeout, handler(fields))
            .await
            .map(|r| r.map(Served::Stream)),
    };
    match served {
        Err(_) => Err(timed_out(shared, timeout)),
        Ok(Err(Failed::Request(why))) => {
            let response = internal(shared);
            debug!(%hotkey, %why, error = %error_id(&response), "request does not fit the synapse");
            Err(response)
        }
        Ok(Err(Failed::Handler(why))) => {
            let response = internal(shared);
            warn!(%hotkey, %why, error = %error_id(&response), "handler failed");
            Err(response)
        }
        Ok(Ok(served)) => Ok(served),
    }
}

/// Every request: the whole request taken apart once (extracting headers, method and path
/// one by one would copy each).
pub(super) async fn handle(
    State(shared): State<Arc<Shared>>,
    request: axum::extract::Request,
) -> Response {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let (method, uri, headers) = (parts.method, parts.uri, parts.headers);
    let Some(Peer(peer)) = parts.extensions.get::<Peer>().copied() else {
        return internal(&shared);
    };
    // The route is the path's only segment (`/NAME`), as the router matched it.
    let name = uri.path().trim_start_matches('/');
    let Some(route) = shared.routes.get(name) else {
        let available: Vec<&str> = shared.routes.keys().copied().collect();
        return error(
            &shared,
            StatusCode::NOT_FOUND,
            format!("Synapse name '{name}' not found. Available synapses {available:?}"),
        );
    };
    let outcome = if headers.contains_key(btauth::HEADER_VERSION) {
        btauth_request(&shared, route, peer, &method, &uri, &headers, body, started).await
    } else {
        synapse_request(&shared, route, name, &headers, body, started).await
    };
    outcome.unwrap_or_else(|refusal| refusal)
}

/// The Synapse protocol, in the Python axon's order.
async fn synapse_request(
    shared: &Shared,
    route: &Route,
    name: &str,
    headers: &HeaderMap,
    body: Body,
    started: Instant,
) -> Result<Response, Response> {
    let unverified = |why: String| {
        error(
            shared,
            StatusCode::UNAUTHORIZED,
            format!("Not Verified with error: {why}"),
        )
    };
    let hotkey_ss58 = header(headers, "bt_header_dendrite_hotkey").unwrap_or_default();
    let hotkey = AccountId::from_ss58(hotkey_ss58)
        .map_err(|_| unverified("missing or invalid dendrite hotkey".into()))?;
    if route.gated {
        check_gate(shared, &hotkey)?;
    }
    let timeout = caller_timeout(shared, headers);
    let nonce = header(headers, "bt_header_dendrite_nonce")
        .and_then(|n| n.parse::<u64>().ok())
        .ok_or_else(|| unverified("Missing Nonce".into()))?;
    let uuid = header(headers, "bt_header_dendrite_uuid").unwrap_or_default();
    let claimed_hash = header(headers, "computed_body_hash").unwrap_or_default();
    let signature = header(headers, "bt_header_dendrite_signature")
        .ok_or_else(|| unverified("Missing Signature".into()))?;
    let message = request_message(nonce, hotkey_ss58, &shared.hotkey_ss58, uuid, claimed_hash);
    let verifier = lock(&shared.verifiers)
        .get(&hotkey)
        .ok_or_else(|| unverified("missing or invalid dendrite hotkey".into()))?;
    let mismatch = || unverified(format!("Signature mismatch with {message} and {signature}"));
    let Some(signed) = signature_hex(signature) else {
        return Err(mismatch());
    };
    if !shared
        .signatures
        .verify(verifier, message.clone(), signed)
        .await
    {
        return Err(mismatch());
    }
    // The freshness window stretches by the timeout the request states, as Python's does (by
    // none when it states none), capped like the timeout itself.
    let stated = if header(headers, "timeout").is_some() {
        timeout
    } else {
        Duration::ZERO
    };
    lock(&shared.nonces)
        .accept(
            hotkey,
            uuid,
            nonce,
            now_ns(),
            u64::try_from(stated.as_nanos()).unwrap_or(u64::MAX),
        )
        .map_err(|e| unverified(e.to_string()))?;
    check_rate(shared, &hotkey)?;
    // The ping route, like Python's, has no priority: it waits for no handler slot.
    let slot = if route.gated {
        Some(take_slot(shared, &hotkey, timeout).await?)
    } else {
        None
    };
    let bytes = read_body(shared, body).await?;
    // What the Python axon does with the body, in its order: JSON (malformed: FastAPI's 422),
    // the body hash over the validated values, then the fields as the class validates them.
    let json = python::parse(&bytes).map_err(|e| {
        debug!(%hotkey, error = %e, "body is not JSON");
        unprocessable(shared, &e.to_string())
    })?;
    let hash = hash::body_hash(&json, &route.schema.hashed);
    if hash.as_deref().ok() != Some(claimed_hash) {
        let response = internal(shared);
        debug!(%hotkey, error = %error_id(&response), "body hash mismatch: {hash:?}");
        return Err(response);
    }
    if let Err(why) = route.schema.validate(&json) {
        let response = internal(shared);
        debug!(%hotkey, %why, error = %error_id(&response), "the request's fields are not the synapse's");
        return Err(response);
    }
    let Json::Object(request) = json else {
        let response = internal(shared);
        debug!(%hotkey, error = %error_id(&response), "the body is not a JSON object");
        return Err(response);
    };
    let fields: Entries = request
        .iter()
        .filter(|(k, _)| !PROTOCOL_FIELDS.contains(&k.as_str()))
        .cloned()
        .collect();
    let outputs = match run(shared, route, fields, timeout, &hotkey).await? {
        Served::Stream(chunks) => {
            let slot = slot.ok_or_else(|| internal(shared))?;
            return Ok(streamed(shared, chunks, started + timeout, slot));
        }
        Served::Synapse(outputs) => outputs,
    };
    drop(slot);
    let process_time = started.elapsed().as_secs_f64();
    let (response, headers) = synapse_answer(name, &request, outputs, process_time);
    let hash = hash::body_hash(&response, &route.schema.hashed);
    let mut extra = headers;
    extra.push(("computed_body_hash", hash.unwrap_or_default()));
    // Python's axon cannot write a non-finite float into its answer and fails instead.
    let Some(text) = response.to_text(Style::Response) else {
        let response = internal(shared);
        debug!(%hotkey, error = %error_id(&response), "the answer holds a non-finite float");
        return Err(response);
    };
    Ok(reply(shared, StatusCode::OK, "Success", text, &extra))
}

/// The answer to a Synapse-protocol request, as the Python axon builds it: the protocol's
/// fields (`dendrite` and `computed_body_hash` echoed from the request, `axon` too with the
/// status filled in), then the synapse the handler returned, whose fields are the class's
/// only: what the caller sent and the class does not declare is not echoed. And the headers
/// Python writes from it.
fn synapse_answer(
    name: &str,
    request: &[(String, Json)],
    outputs: Entries,
    process_time: f64,
) -> (Json, Vec<(&'static str, String)>) {
    let echoed = |key: &str, default: fn() -> Json| {
        request
            .iter()
            .find(|(k, _)| k == key)
            .map_or_else(default, |(_, v)| v.clone())
    };
    let blank = || python::to_json(&TerminalInfo::default()).unwrap_or(Json::Null);
    let mut axon = echoed("axon", blank);
    if let Json::Object(fields) = &mut axon {
        set(fields, "status_code", Json::Int("200".into()), true);
        set(fields, "status_message", Json::Str("Success".into()), true);
        set(fields, "process_time", Json::Float(process_time), false);
    }
    let dendrite = echoed("dendrite", blank);
    let timeout = echoed("timeout", || Json::Float(12.0));
    let total_size = echoed("total_size", || Json::Int("0".into()));
    let header_size = echoed("header_size", || Json::Int("0".into()));
    let text = |value: &Json| match value {
        Json::Str(s) => s.clone(),
        Json::Float(x) => python::py_float(*x),
        other => other.to_text(python::Style::Dumps).unwrap_or_default(),
    };
    let mut headers = vec![
        ("name", name.to_string()),
        ("timeout", text(&timeout)),
        (
            "bt_header_axon_process_time",
            python::py_float(process_time),
        ),
    ];
    let terminals: [(&Json, &[(&str, &'static str)]); 2] = [
        (
            &axon,
            &[
                ("ip", "bt_header_axon_ip"),
                ("port", "bt_header_axon_port"),
                ("hotkey", "bt_header_axon_hotkey"),
            ],
        ),
        (
            &dendrite,
            &[
                ("ip", "bt_header_dendrite_ip"),
                ("port", "bt_header_dendrite_port"),
                ("version", "bt_header_dendrite_version"),
                ("nonce", "bt_header_dendrite_nonce"),
                ("uuid", "bt_header_dendrite_uuid"),
                ("hotkey", "bt_header_dendrite_hotkey"),
                ("signature", "bt_header_dendrite_signature"),
            ],
        ),
    ];
    for (terminal, names) in terminals {
        for (field, header) in names {
            if let Some(value) = terminal.get(field).filter(|v| **v != Json::Null) {
                headers.push((header, text(value)));
            }
        }
    }
    headers.push(("header_size", text(&header_size)));
    headers.push(("total_size", text(&total_size)));
    let mut body = vec![
        ("name".to_string(), Json::Str(name.to_string())),
        ("timeout".to_string(), timeout),
        ("total_size".to_string(), total_size),
        ("header_size".to_string(), header_size),
        ("dendrite".to_string(), dendrite),
        ("axon".to_string(), axon),
        (
            "computed_body_hash".to_string(),
            echoed("computed_body_hash", || Json::Str(String::new())),
        ),
    ];
    body.extend(outputs);
    (Json::Object(body), headers)
}

/// Sets `key` in an object's entries (only where it is missing or null, if `unless_set`).
fn set(fields: &mut Entries, key: &str, value: Json, unless_set: bool) {
    match fields.iter_mut().find(|(k, _)| k == key) {
        Some(entry) if !unless_set || entry.1 == Json::Null => entry.1 = value,
        Some(_) => {}
        None => fields.push((key.to_string(), value)),
    }
}

/// btauth/1: the headers are checked before the body is read, the signature and replay after;
/// only then does the request wait for a handler slot, ranked by its now proven caller.
#[allow(clippy::too_many_arguments)]
async fn btauth_request(
    shared: &Shared,
    route: &Route,
    peer: SocketAddr,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Body,
    started: Instant,
) -> Result<Response, Response> {
    let unverified = |e: btauth::BtAuthError| {
        error(
            shared,
            StatusCode::UNAUTHORIZED,
            format!("Not Verified with error: {e}"),
        )
    };
    let claims = btauth::claims(
        |name| header(headers, name),
        &shared.hotkey,
        shared.config.require_receiver,
        now_ns(),
    )
    .map_err(unverified)?;
    check_gate(shared, &claims.hotkey)?;
    let timeout = caller_timeout(shared, headers);
    // The signature covers the body, so the body comes first; until it is verified the request
    // holds no handler slot and no priority, only one of its address's few unverified places.
    let checking = begin_unverified(shared, peer.ip())?;
    let bytes = read_body(shared, body).await?;
    // The target exactly as sent: the path and, when there is one, the query.
    let target = uri.path_and_query().map_or("/", |p| p.as_str());
    claims
        .verify(method.as_str(), target, &bytes)
        .map_err(unverified)?;
    lock(&shared.replays)
        .accept(&claims, now_ns())
        .map_err(unverified)?;
    drop(checking);
    check_rate(shared, &claims.hotkey)?;
    let slot = take_slot(shared, &claims.hotkey, timeout).await?;
    // Read as Python's `json` reads it: `NaN` and `Infinity` are numbers.
    let Ok(Json::Object(fields)) = python::parse(&bytes) else {
        return Err(error(
            shared,
            StatusCode::BAD_REQUEST,
            "The body is not a JSON object of the synapse's fields".into(),
        ));
    };
    match run(shared, route, fields, timeout, &claims.hotkey).await? {
        Served::Stream(chunks) => Ok(streamed(shared, chunks, started + timeout, slot)),
        Served::Synapse(answered) => {
            drop(slot);
            let process_time = started.elapsed().as_secs_f64();
            // Written as Python's `json.dumps` writes it, non-finite floats included.
            let text = Json::Object(answered)
                .to_text(Style::Dumps)
                .unwrap_or_default();
            Ok(reply(
                shared,
                StatusCode::OK,
                "Success",
                text,
                &[(
                    "bt_header_axon_process_time",
                    python::py_float(process_time),
                )],
            ))
        }
    }
}
