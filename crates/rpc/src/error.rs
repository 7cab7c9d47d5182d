//! The JSON-RPC error codes a Plexus node answers with.
//!
//! Standard codes (JSON-RPC 2.0): [`PARSE_ERROR`], [`INVALID_REQUEST`], [`METHOD_NOT_FOUND`],
//! [`INVALID_PARAMS`], [`INTERNAL_ERROR`]. Limits enforced by the transport use jsonrpsee's
//! codes ([`OVERSIZED_REQUEST`], [`OVERSIZED_RESPONSE`], [`TOO_BIG_BATCH`],
//! [`TOO_MANY_SUBSCRIPTIONS`]) and ours ([`RATE_LIMITED`]). Application errors are positive,
//! from 1000. Every error carries a readable message; application errors also carry `data`
//! with the details (for an invalid transaction, the runtime's reason as JSON).

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
