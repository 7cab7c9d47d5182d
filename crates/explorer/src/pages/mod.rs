//! One function per page: read what it needs over RPC, render it with [`crate::html`].
//!
//! Each module holds one group of pages and what only they use; this one holds what every page
//! shares: the error a page fails with, the frame around it, and the block it reads at.

mod accounts;
mod blocks;
mod neurons;
mod overview;
mod root;
mod search;
mod subnets;

pub(crate) use accounts::account;
pub(crate) use blocks::{block, blocks, transaction};
pub(crate) use neurons::neuron;
pub(crate) use overview::overview;
pub(crate) use root::root;
pub(crate) use search::search;
pub(crate) use subnets::{subnet, subnets};

use crate::html::Names;
use plexus_rpc::types::BlockId;
use plexus_rpc::{Client, ClientError};

/// The finalized head, at which a page reads all its state so that its numbers agree with each
/// other even while blocks go on being finalized.
async fn finalized(client: &Client) -> Result<(u64, Option<BlockId>), PageError> {
    let height = client.health().await?.finalized;
    Ok((height, Some(BlockId::Number(height))))
}

/// The names of the accounts a page shows, as of block `at`: one call however many there are.
async fn names(client: &Client, at: Option<BlockId>) -> Result<Names, PageError> {
    Ok(Names::new(&client.delegates(at).await?))
}

/// Why a page could not be shown.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PageError {
    /// The node failed.
    #[error("the node did not answer: {0}")]
    Rpc(#[from] ClientError),
    /// Nothing has that name.
    #[error("{0}")]
    NotFound(String),
}

/// What every page shows in its header.
pub(crate) struct Frame {
    pub(crate) chain: String,
}
