//! Call Plexus's JSON-RPC API.
//!
//! One API for every client of a node (the `plexus` CLI, the SDK's metagraph sync, the
//! explorer, the subnets): JSON-RPC 2.0 over HTTP and WebSocket on one port. [`types`] holds
//! the JSON shapes, shared with the server (the `plexus-rpc-server` crate, which serializes
//! them); [`error`] the codes; [`Client`] calls every method with typed results and subscribes
//! over WebSocket; [`Submitter`] is the one way to act: sign a call at the signer's next
//! nonce, submit it and follow it to finality; [`series`] is the form in which neurons publish
//! measurements in their commitments. `docs/rpc.md` documents each method with examples.
//!
//! Methods are grouped by prefix: `chain_` (heads, blocks, transactions, subscriptions),
//! `state_` (accounts, stake, subnets, the metagraph, pools), `tx_` (fees, nonces, submission)
//! and `system_`. Errors use JSON-RPC's codes plus the application codes in [`error`].
//!
//! # What this is not
//! Not the server: this crate builds no database, mempool or server code, so a client pays
//! only for the client. No chain rules (a transaction is built and signed with
//! `plexus-runtime`'s types, and the node decides), no TLS (put a TLS proxy in front of a
//! public node).
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

mod client;
pub mod error;
pub mod series;
mod submit;
mod timelock;
pub mod types;

pub use client::{Client, ClientBuilder, ClientError, Connector, Subscription};
pub use submit::{finality, sign_transaction, SubmitError, Submitter};
pub use timelock::{timelocked_weights_call, TimelockError};
