//! JSON-RPC error codes and the server's errors, mapped to them in one place.
//!
//! Standard codes (JSON-RPC 2.0): [`PARSE_ERROR`], [`INVALID_REQUEST`], [`METHOD_NOT_FOUND`],
//! [`INVALID_PARAMS`], [`INTERNAL_ERROR`]. Limits enforced by the transport use jsonrpsee's
//! codes ([`OVERSIZED_REQUEST`], [`OVERSIZED_RESPONSE`], [`TOO_BIG_BATCH`],
//! [`TOO_MANY_SUBSCRIPTIONS`]) and ours ([`RATE_LIMITED`]). Application errors are positive,
//! from 1000. Every error carries a readable message; application errors also carry `data`
//! with the details (for an invalid transaction, the runtime's reason as JSON).

use jsonrpsee_types::ErrorObjectOwned;
use plexus_mempool::AdmitError;
use plexus_primitives::BlockNumber;
use plexus_runtime::{DispatchError, InvalidTransaction};
use plexus_store::StoreError;

/// The request is not JSON.
pub const PARSE_ERROR: i32 = jsonrpsee_types::error::PARSE_ERROR_CODE;
/// The JSON is not a JSON-RPC request.
pub const INVALID_REQUEST: i32 = jsonrpsee_types::error::INVALID_REQUEST_CODE;
/// No method of that name.
pub const METHOD_NOT_FOUND: i32 = jsonrpsee_types::error::METHOD_NOT_FOUND_CODE;
/// The parameters do not fit the method.
pub const INVALID_PARAMS: i32 = jsonrpsee_types::error::INVALID_PARAMS_CODE;
/// The server failed (its store, a task); not the caller's fault.
pub const INTERNAL_ERROR: i32 = jsonrpsee_types::error::INTERNAL_ERROR_CODE;
/// The request body is larger than the server accepts.
pub const OVERSIZED_REQUEST: i32 = jsonrpsee_types::error::OVERSIZED_REQUEST_CODE;
/// The response would be larger than the server sends.
pub const OVERSIZED_RESPONSE: i32 = jsonrpsee_types::error::OVERSIZED_RESPONSE_CODE;
/// The batch has more requests than the server accepts.
pub const TOO_BIG_BATCH: i32 = jsonrpsee_types::error::TOO_BIG_BATCH_REQUEST_CODE;
/// The connection already has as many subscriptions as the server allows.
pub const TOO_MANY_SUBSCRIPTIONS: i32 = jsonrpsee_types::error::TOO_MANY_SUBSCRIPTIONS_CODE;
/// The client's address sent more requests than its rate allows; retry later.
pub const RATE_LIMITED: i32 = -32029;

/// The transaction's bytes do not decode, its signature is bad, or it is invalid at the head
/// (wrong chain, stale nonce, cannot pay, expired, a free call that would fail, …).
pub const INVALID_TRANSACTION: i32 = 1000;
/// The mempool refused a valid transaction (duplicate, underpriced replacement, nonce too far
/// ahead, account or pool full).
pub const POOL_REJECTED: i32 = 1001;
/// The block named by height or hash does not exist.
pub const UNKNOWN_BLOCK: i32 = 1002;
/// The state at that block is no longer kept (the node prunes old state).
pub const STATE_PRUNED: i32 = 1003;
/// The subnet does not exist (for methods that need one).
pub const UNKNOWN_SUBNET: i32 = 1004;
/// The pool would refuse the simulated swap.
pub const SWAP_REJECTED: i32 = 1005;

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
            Self::InvalidTransaction(e) => Some(serde_json::to_value(e).unwrap_or_else(
                |_| serde_json::json!({ "error": crate::server::variant_name(e) }),
            )),
            Self::SwapRejected(e) => Some(serde_json::to_value(e).unwrap_or_else(
                |_| serde_json::json!({ "error": crate::server::variant_name(e) }),
            )),
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
