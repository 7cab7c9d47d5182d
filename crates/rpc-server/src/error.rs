//! The server's errors, mapped to the API's codes ([`plexus_rpc::error`]) in one place.

use jsonrpsee_types::ErrorObjectOwned;
use plexus_mempool::AdmitError;
use plexus_primitives::BlockNumber;
use plexus_rpc::error::{
    INTERNAL_ERROR, INVALID_PARAMS, INVALID_TRANSACTION, POOL_REJECTED, STATE_PRUNED,
    SWAP_REJECTED, UNKNOWN_BLOCK, UNKNOWN_SUBNET,
};
use plexus_runtime::{DispatchError, InvalidTransaction};
use plexus_store::StoreError;

/// Why the server could not answer a request.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The transaction is invalid.
    #[error("invalid transaction: {0}")]
    InvalidTransaction(InvalidTransaction),
    /// The mempool refused it.
    #[error("transaction pool rejected the transaction: {0}")]
    PoolRejected(AdmitError),
    /// No such block.
    #[error("unknown block {0}")]
    UnknownBlock(String),
    /// The state at the block is pruned.
    #[error("state at block {height} is pruned; the oldest kept is {oldest}")]
    StatePruned {
        /// The block asked for.
        height: BlockNumber,
        /// The oldest kept.
        oldest: BlockNumber,
    },
    /// No such subnet.
    #[error("unknown subnet {0}")]
    UnknownSubnet(u16),
    /// The pool refuses the swap.
    #[error("swap rejected: {0}")]
    SwapRejected(DispatchError),
    /// A parameter is out of its range (its shape is checked when it is read).
    #[error("{0}")]
    InvalidParams(String),
    /// The store failed.
    #[error("store: {0}")]
    Store(StoreError),
    /// Something the server relies on failed (a blocking task panicked, …).
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Pruned { height, oldest } => Self::StatePruned { height, oldest },
            StoreError::Future { height, .. } => Self::UnknownBlock(height.to_string()),
            other => Self::Store(other),
        }
    }
}

impl From<AdmitError> for ApiError {
    fn from(e: AdmitError) -> Self {
        match e {
            AdmitError::Invalid(invalid) => Self::InvalidTransaction(invalid),
            other => Self::PoolRejected(other),
        }
    }
}

impl ApiError {
    /// The JSON-RPC error code.
    pub fn code(&self) -> i32 {
        match self {
            Self::InvalidTransaction(_) => INVALID_TRANSACTION,
            Self::PoolRejected(_) => POOL_REJECTED,
            Self::UnknownBlock(_) => UNKNOWN_BLOCK,
            Self::StatePruned { .. } => STATE_PRUNED,
            Self::UnknownSubnet(_) => UNKNOWN_SUBNET,
            Self::SwapRejected(_) => SWAP_REJECTED,
            Self::InvalidParams(_) => INVALID_PARAMS,
            Self::Store(_) | Self::Internal(_) => INTERNAL_ERROR,
        }
    }

    fn data(&self) -> Option<serde_json::Value> {
        match self {
            // The runtime's own JSON when serde can write it; otherwise just the reason's name.
            Self::InvalidTransaction(e) => Some(
                serde_json::to_value(e)
                    .unwrap_or_else(|_| serde_json::json!({ "error": e.kind().name() })),
            ),
            Self::SwapRejected(e) => Some(
                serde_json::to_value(e)
                    .unwrap_or_else(|_| serde_json::json!({ "error": e.kind().name() })),
            ),
            Self::StatePruned { oldest, .. } => Some(serde_json::json!({ "oldest": oldest })),
            Self::PoolRejected(_)
            | Self::InvalidParams(_)
            | Self::UnknownBlock(_)
            | Self::UnknownSubnet(_)
            | Self::Store(_)
            | Self::Internal(_) => None,
        }
    }
}

impl From<ApiError> for ErrorObjectOwned {
    fn from(e: ApiError) -> Self {
        if matches!(e, ApiError::Store(_) | ApiError::Internal(_)) {
            tracing::warn!(target: "plexus_rpc", error = %e, "rpc.internal_error");
        }
        ErrorObjectOwned::owned(e.code(), e.to_string(), e.data())
    }
}
