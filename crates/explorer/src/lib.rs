//! A web explorer for a Plexus network: blocks, transactions, accounts and the names they go
//! by, subnets, metagraphs, weights and rewards, child hotkeys and the root network, rendered as
//! HTML on the server from a node's RPC, with every asset embedded so it works offline and needs
//! no third party.
//!
//! Pages are plain HTML with a little script (sortable tables, live heads by server-sent
//! events); charts are SVG drawn here. All text from the chain or the user is escaped.
//!
//! # What this is not
//! Not an indexer: it keeps nothing, and everything it shows comes from the node it is
//! pointed at (history as far back as that node keeps state).

mod allowance;
mod html;
mod pages;
mod server;
mod svg;

pub use server::{Explorer, ExplorerError};
