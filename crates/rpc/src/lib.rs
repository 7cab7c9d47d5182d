//! Serve and call Plexus's JSON-RPC API.
//!
//! One API for every client of a node (the `plexus` CLI, the SDK's metagraph sync, the
//! explorer): JSON-RPC 2.0 over HTTP and WebSocket on one port. [`types`] holds the JSON
//! shapes, shared by both ends; [`RpcServer`] serves them over a [`Backend`], the seam the node
//! implements (a finalized [`Chain`](plexus_runtime::Chain) snapshot, the store, the mempool,
//! a notification channel); [`Client`] calls every method with typed results and subscribes
//! over WebSocket. `docs/rpc.md` documents each method with examples.
//!
//! Methods are grouped by prefix: `chain_` (heads, blocks, transactions, subscriptions),
//! `state_` (accounts, stake, subnets, the metagraph, pools), `tx_` (fees, nonces, submission)
//! and `system_`. Errors use JSON-RPC's codes plus the application codes in [`error`].
//!
//! The server lives here rather than in `node` so that it is tested end to end against the
//! real runtime, store and mempool without consensus; the node only implements [`Backend`].
//!
//! # What this is not
//! No chain rules (queries call `plexus-runtime`), no consensus, no mempool policy (the
//! [`Backend`] admits), no TLS on either end (put a TLS proxy in front of a public node).
//!
//! # Status
//! Alpha: method names and JSON shapes may still change; `docs/rpc.md` is the reference.
//!
//! # Example
//! ```no_run
//! # async fn run() -> Result<(), plexus_rpc::ClientError> {
//! let client = plexus_rpc::Client::new("http://127.0.0.1:9944")?;
//! let metagraph = client.metagraph(1, Default::default(), None).await?;
//! if let Some(metagraph) = metagraph {
//!     println!("{} neurons at block {}", metagraph.neurons.len(), metagraph.block);
//! }
//! # Ok(())
//! # }
//! ```

mod backend;
mod client;
mod config;
pub mod error;
mod server;
pub mod types;

pub use backend::{Backend, Notification};
pub use client::{Client, ClientBuilder, ClientError, Subscription};
pub use config::{ConfigError, RpcConfig};
pub use server::{RpcServer, ServerError};
