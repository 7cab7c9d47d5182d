//! A request from routing to answer: the Synapse protocol's and btauth/1's checks in their
//! orders, and the route's handler run within the caller's timeout.

use super::admission::{
    begin_unverified, caller_timeout, check_gate, check_rate, header, read_body, take_slot,
};
use super::response::{error, internal, reply, streamed, timed_out};
use super::{lock, now_ns, Chunks, Route, Serve, Shared};
use crate::auth::{request_message, verify_hex};
use crate::btauth;
use crate::hash::{body_hash, received_body_hash};
use crate::synapse::{TerminalInfo, PROTOCOL_FIELDS, VERSION};
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use axum::Extension;
use plexus_net::Peer;
use plexus_primitives::AccountId;
use serde_json::{Map, Value};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::debug;

/// What a handler gave: the synapse with outputs, or a stream.
enum Served {
    Synapse(Map<String, Value>),
    Stream(Chunks),
}

/// Runs the route's handler on the synapse's own fields within `timeout`.
async fn run(
    shared: &Shared,
    route: &Route,
    fields: Map<String, Value>,
    timeout: Duration,
    hotkey: &AccountId,
) -> Result<Served, Response> {
    let fields = Value::Object(fields);
    let served = match &route.serve {
        Serve::Unary(handler) => tokio::time::timeout(timeout, handler(fields))
            .await
            .map(|r| {
                r.map(|answered| match answered {
                    Value::Object(outputs) => Served::Synapse(outputs),
                    _ => Served::Synapse(Map::new()),
                })
            }),
        Serve::Stream(handler) => tokio::time::timeout(timeout, handler(fields))
            .await
            .map(|r| r.map(Served::Stream)),
    };
    match served {
        Err(_) => Err(timed_out(shared, timeout)),
        Ok(Err(why)) => {
            debug!(%hotkey, %why, "request does not fit the synapse");
            Err(internal(shared))
        }
        Ok(Ok(served)) => Ok(served),
    }
}

pub(super) async fn handle(
    State(shared): State<Arc<Shared>>,
    Path(name): Path<String>,
    Extension(Peer(peer)): Extension<Peer>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = Instant::now();
    let Some(route) = shared.routes.get(name.as_str()) else {
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
        synapse_request(&shared, route, &name, peer, &headers, body, started).await
    };
    outcome.unwrap_or_else(|refusal| refusal)
}

/// The Synapse protocol, in the Python axon's order.
async fn synapse_request(
    shared: &Shared,
    route: &Route,
    name: &str,
    peer: SocketAddr,
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
    check_gate(shared, &hotkey)?;
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
    if !verify_hex(&verifier, &message, signature) {
        return Err(unverified(format!(
            "Signature mismatch with {message} and {signature}"
        )));
    }
    lock(&shared.nonces)
        .accept(
            hotkey,
            uuid,
            nonce,
            now_ns(),
            u64::try_from(timeout.as_nanos()).unwrap_or(u64::MAX),
        )
        .map_err(|e| unverified(e.to_string()))?;
    check_rate(shared, &hotkey)?;
    let slot = take_slot(shared, &hotkey, timeout).await?;
    let bytes = read_body(shared, body).await?;
    let Ok(Value::Object(mut request)) = serde_json::from_slice::<Value>(&bytes) else {
        return Err(internal(shared));
    };
    if received_body_hash(&bytes, route.hash_fields).as_deref() != Some(claimed_hash) {
        debug!(%hotkey, "body hash mismatch");
        return Err(internal(shared));
    }
    let fields: Map<String, Value> = request
        .iter()
        .filter(|(k, _)| !PROTOCOL_FIELDS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let outputs = match run(shared, route, fields, timeout, &hotkey).await? {
        Served::Stream(chunks) => {
            return Ok(streamed(shared, chunks, started + timeout, slot));
        }
        Served::Synapse(outputs) => outputs,
    };
    drop(slot);
    // The request echoed with outputs filled in and the axon's status.
    request.extend(outputs);
    let process_time = started.elapsed().as_secs_f64();
    let axon = TerminalInfo {
        status_code: Some(200),
        status_message: Some("Success".into()),
        process_time: Some(process_time),
        ip: Some(peer.ip().to_string()),
        hotkey: Some(shared.hotkey_ss58.clone()),
        version: Some(VERSION),
        uuid: Some(shared.uuid.clone()),
        ..TerminalInfo::default()
    };
    request.insert(
        "axon".into(),
        serde_json::to_value(&axon).unwrap_or(Value::Null),
    );
    let response = Value::Object(request);
    let hash = body_hash(&response, route.hash_fields);
    Ok(reply(
        shared,
        StatusCode::OK,
        "Success",
        response,
        &[
            ("bt_header_axon_process_time", process_time.to_string()),
            ("computed_body_hash", hash),
            ("name", name.to_string()),
        ],
    ))
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
    let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(&bytes) else {
        return Err(error(
            shared,
            StatusCode::BAD_REQUEST,
            "The body is not a JSON object of the synapse's fields".into(),
        ));
    };
    let mut answered = fields.clone();
    match run(shared, route, fields, timeout, &claims.hotkey).await? {
        Served::Stream(chunks) => Ok(streamed(shared, chunks, started + timeout, slot)),
        Served::Synapse(outputs) => {
            drop(slot);
            answered.extend(outputs);
            let process_time = started.elapsed().as_secs_f64();
            Ok(reply(
                shared,
                StatusCode::OK,
                "Success",
                Value::Object(answered),
                &[("bt_header_axon_process_time", process_time.to_string())],
            ))
        }
    }
}
