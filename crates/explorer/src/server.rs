//! The HTTP side: routes, error pages, embedded assets, and live updates (server-sent events
//! fed by one subscription to the node's finalized heads).

use crate::allowance::{Allowance, Refused, RATES};
use crate::html::{esc, page};
use crate::pages::{self, Frame, PageError};
use axum::extract::Request;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use futures::Stream;
use plexus_net::{serve_http1, Limits, Peer};
use plexus_rpc::{Client, Connector};
use serde::Deserialize;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;

const STYLE: &str = include_str!("../assets/style.css");
const SCRIPT: &str = include_str!("../assets/app.js");

struct Shared {
    client: Client,
    frame: Frame,
    heads: broadcast::Sender<String>,
    allowance: Allowance,
}

type App = State<Arc<Shared>>;

/// Why the explorer could not start.
#[derive(Debug, thiserror::Error)]
pub enum ExplorerError {
    /// The node's URL is not usable.
    #[error("node: {0}")]
    Rpc(#[from] plexus_rpc::ClientError),
    /// The listening address could not be bound.
    #[error("cannot listen on {address}: {source}")]
    Bind {
        /// The address.
        address: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// A running explorer; stops when dropped.
pub struct Explorer {
    address: SocketAddr,
    task: tokio::task::JoinHandle<()>,
    heads: tokio::task::JoinHandle<()>,
    /// Dropped with the explorer, which closes its open connections.
    _stop: tokio::sync::watch::Sender<()>,
}

/// The explorer's connection limits: an open page holds one connection for its live updates,
/// and a browser opens at most a few per site.
const LIMITS: Limits = Limits {
    max_connections: 256,
    max_per_address: 32,
    header_timeout: Duration::from_secs(10),
};

impl Explorer {
    /// Serves the explorer for the node at `rpc_url` on `listen` (port 0 picks a free one).
    pub async fn start(rpc_url: &str, listen: SocketAddr) -> Result<Self, ExplorerError> {
        Self::start_with(Client::new(rpc_url)?, Client::new(rpc_url)?, listen).await
    }

    /// Serves the explorer on `listen` for a node in this process, read through `connector`
    /// (see `plexus_rpc::Connector`) rather than a socket.
    pub async fn start_in_process(
        connector: Connector,
        listen: SocketAddr,
    ) -> Result<Self, ExplorerError> {
        let client = |connector| Client::builder().build_in_process(connector);
        Self::start_with(client(connector.clone()), client(connector), listen).await
    }

    /// Pages read the node through `client`; live updates follow it through `follower`.
    async fn start_with(
        client: Client,
        follower: Client,
        listen: SocketAddr,
    ) -> Result<Self, ExplorerError> {
        let chain = client.info().await?.chain_id;
        let (heads, _) = broadcast::channel(64);
        let shared = Arc::new(Shared {
            client,
            frame: Frame { chain },
            heads: heads.clone(),
            allowance: Allowance::new(RATES),
        });
        let heads_task = tokio::spawn(follow_heads(follower, heads));
        // Pages read the node; the live stream and the assets do not.
        let router = Router::new()
            .route("/", get(overview))
            .route("/blocks", get(blocks))
            .route("/block/{id}", get(block))
            .route("/tx/{hash}", get(transaction))
            .route("/account/{address}", get(account))
            .route("/subnets", get(subnets))
            .route("/subnet/{netuid}", get(subnet))
            .route("/neuron/{netuid}/{uid}", get(neuron))
            .route("/root", get(root))
            .route("/search", get(search))
            .route_layer(axum::middleware::from_fn_with_state(
                shared.clone(),
                within_allowance,
            ))
            .route("/events", get(events))
            .route("/assets/style.css", get(style))
            .route("/assets/app.js", get(script))
            .fallback(not_found)
            .with_state(shared);
        let cannot_bind = |source| ExplorerError::Bind {
            address: listen,
            source,
        };
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(cannot_bind)?;
        let address = listener.local_addr().map_err(cannot_bind)?;
        let (stop, stopped) = tokio::sync::watch::channel(());
        let task = tokio::spawn(serve_http1(listener, LIMITS, router, stopped));
        Ok(Self {
            address,
            task,
            heads: heads_task,
            _stop: stop,
        })
    }

    /// Where it listens.
    pub fn local_addr(&self) -> SocketAddr {
        self.address
    }
}

impl Drop for Explorer {
    fn drop(&mut self) {
        self.task.abort();
        self.heads.abort();
    }
}

/// Relays finalized heads to every open page, reconnecting when the node's stream breaks.
async fn follow_heads(client: Client, heads: broadcast::Sender<String>) {
    loop {
        if let Ok(mut subscription) = client.subscribe_finalized_heads().await {
            while let Some(Ok(head)) = subscription.next().await {
                let json = serde_json::json!({
                    "number": head.number,
                    "hash": head.hash,
                    "timestamp": head.timestamp,
                });
                let _ = heads.send(json.to_string());
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Renders a page only within the visitor's and the explorer's allowance (see
/// [`crate::allowance`]); otherwise 429 with a page that says so.
async fn within_allowance(State(s): App, request: Request, next: Next) -> Response {
    let visitor = request.extensions().get::<Peer>().map(|peer| peer.0.ip());
    let refused = match visitor.map(|v| s.allowance.take(v)) {
        Some(Err(refused)) => refused,
        _ => return next.run(request).await,
    };
    let why = match refused {
        Refused::Visitor => {
            "You are asking for pages faster than this explorer serves one visitor."
        }
        Refused::Explorer => "This explorer is serving as many pages as it can right now.",
    };
    (
        StatusCode::TOO_MANY_REQUESTS,
        [(header::RETRY_AFTER, "1")],
        Html(page(
            "Too many requests",
            &s.frame.chain,
            &format!("<p>{why} Try again in a moment.</p>"),
        )),
    )
        .into_response()
}

fn respond(result: Result<String, PageError>, frame: &Frame) -> Response {
    match result {
        Ok(html) => Html(html).into_response(),
        Err(PageError::NotFound(message)) => (
            StatusCode::NOT_FOUND,
            Html(page(
                "Not found",
                &frame.chain,
                &format!("<p>{}</p>", esc(&message)),
            )),
        )
            .into_response(),
        Err(error @ PageError::Rpc(_)) => (
            StatusCode::BAD_GATEWAY,
            Html(page(
                "Node unavailable",
                &frame.chain,
                &format!("<p>{}</p>", esc(&error.to_string())),
            )),
        )
            .into_response(),
    }
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<u64>,
}

#[derive(Deserialize)]
struct HistoryQuery {
    before: Option<String>,
}

#[derive(Deserialize)]
struct SearchQuery {
    q: Option<String>,
}

async fn overview(State(s): App) -> Response {
    respond(pages::overview(&s.client, &s.frame).await, &s.frame)
}

async fn blocks(State(s): App, Query(q): Query<PageQuery>) -> Response {
    respond(
        pages::blocks(&s.client, &s.frame, q.page.unwrap_or(0)).await,
        &s.frame,
    )
}

async fn block(State(s): App, Path(id): Path<String>) -> Response {
    respond(pages::block(&s.client, &s.frame, &id).await, &s.frame)
}

async fn transaction(State(s): App, Path(hash): Path<String>) -> Response {
    respond(
        pages::transaction(&s.client, &s.frame, &hash).await,
        &s.frame,
    )
}

async fn account(
    State(s): App,
    Path(address): Path<String>,
    Query(q): Query<HistoryQuery>,
) -> Response {
    respond(
        pages::account(&s.client, &s.frame, &address, q.before.as_deref()).await,
        &s.frame,
    )
}

async fn subnets(State(s): App) -> Response {
    respond(pages::subnets(&s.client, &s.frame).await, &s.frame)
}

async fn subnet(State(s): App, Path(netuid): Path<String>) -> Response {
    let result = match netuid.parse() {
        Ok(netuid) => pages::subnet(&s.client, &s.frame, netuid).await,
        Err(_) => Err(PageError::NotFound(format!("{netuid:?} is not a netuid"))),
    };
    respond(result, &s.frame)
}

async fn neuron(State(s): App, Path((netuid, uid)): Path<(String, String)>) -> Response {
    let result = match (netuid.parse(), uid.parse()) {
        (Ok(netuid), Ok(uid)) => pages::neuron(&s.client, &s.frame, netuid, uid).await,
        _ => Err(PageError::NotFound(format!(
            "{netuid:?}/{uid:?} is not a netuid and uid"
        ))),
    };
    respond(result, &s.frame)
}

async fn root(State(s): App) -> Response {
    respond(pages::root(&s.client, &s.frame).await, &s.frame)
}

async fn search(State(s): App, Query(q): Query<SearchQuery>) -> Response {
    match pages::search(&s.client, q.q.as_deref().unwrap_or("")).await {
        Ok(location) => Redirect::to(&location).into_response(),
        Err(error) => respond(Err(error), &s.frame),
    }
}

async fn not_found(State(s): App) -> Response {
    respond(Err(PageError::NotFound("no such page".into())), &s.frame)
}

async fn events(State(s): App) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = s.heads.subscribe();
    let stream = futures::stream::unfold(receiver, |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(json) => return Some((Ok(Event::default().event("head").data(json)), receiver)),
                // A slow page skips heads; the next one carries the newest height anyway.
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn style() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE)
}

async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
}
