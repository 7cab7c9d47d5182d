//! The node as a Substrate chain's JSON-RPC shows it, for the clients written against
//! Bittensor's chain (the Python `bittensor` SDK, `btcli`): the connection handshake, blocks
//! and headers, the runtime version, nonces and head subscriptions, in Substrate's method
//! names and JSON shapes (`docs/substrate-compat.md`).
//!
//! A Plexus block is shown as a Substrate block: its number, its parent's hash, its own hash as
//! the block hash, its state and transactions roots, no digest logs. Its transactions are not
//! Substrate extrinsics, so a block shows none.
//!
//! Not here yet: the metadata, the runtime APIs and the storage reads that the clients need
//! after the handshake.

use crate::backend::{Backend, Notification};
use crate::error::ApiError;
use crate::params::Args;
use crate::subscriptions::forward;
use jsonrpsee_core::server::{PendingSubscriptionSink, RpcModule};
use jsonrpsee_core::RegisterMethodError;
use jsonrpsee_types::ErrorObjectOwned;
use plexus_primitives::{AccountId, BlockNumber, H256};
use plexus_runtime::Header;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::sync::Arc;

/// The runtime's name as Bittensor's chain reports it: the clients pick their type decoders by
/// it.
const SPEC_NAME: &str = "node-subtensor";
/// Plexus's version of the Substrate-facing runtime description. The clients cache what they
/// learn per spec version, so it changes whenever that description does.
pub const SPEC_VERSION: u32 = 1;
/// Bumped whenever the shape of a signed transaction changes (it goes into what is signed).
pub const TRANSACTION_VERSION: u32 = 1;

/// A header in Substrate's JSON shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubstrateHeader {
    /// The parent's hash (zeros for genesis).
    pub parent_hash: H256,
    /// The height, as `0x`-hex.
    pub number: String,
    /// The state root after the block.
    pub state_root: H256,
    /// The root of the block's transactions.
    pub extrinsics_root: H256,
    /// Always empty: Plexus blocks carry no digest.
    pub digest: Digest,
}

/// A header's digest.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Digest {
    /// Its log items, `0x`-hex.
    pub logs: Vec<String>,
}

impl From<&Header> for SubstrateHeader {
    fn from(header: &Header) -> Self {
        Self {
            parent_hash: header.parent_hash,
            number: format!("{:#x}", header.number),
            state_root: header.state_root,
            extrinsics_root: header.transactions_root,
            digest: Digest::default(),
        }
    }
}

/// A block number as a client sends it: a number, or `0x`-hex text.
#[derive(Deserialize)]
#[serde(untagged)]
enum Number {
    Plain(BlockNumber),
    Hex(String),
}

impl Number {
    fn value(self) -> Result<BlockNumber, ErrorObjectOwned> {
        match self {
            Number::Plain(n) => Ok(n),
            Number::Hex(text) => text
                .strip_prefix("0x")
                .and_then(|digits| BlockNumber::from_str_radix(digits, 16).ok())
                .ok_or_else(|| invalid(format!("{text:?} is not a block number"))),
        }
    }
}

fn invalid(message: String) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(plexus_rpc::error::INVALID_PARAMS, message, None::<()>)
}

/// The header with `hash`, finalized or the best one; `None` when the node knows no such block.
fn header_by_hash<B: Backend>(backend: &B, hash: &H256) -> Result<Option<Header>, ApiError> {
    let best = backend.best_head();
    if best.hash() == *hash {
        return Ok(Some(best));
    }
    let store = backend.store();
    match store.height_of(hash)? {
        Some(height) => Ok(store.header(height)?),
        None => Ok(None),
    }
}

/// The header a method's optional block argument names: the best head when it is absent.
fn header_at<B: Backend>(backend: &B, at: Option<H256>) -> Result<Option<Header>, ApiError> {
    match at {
        None => Ok(Some(backend.best_head())),
        Some(hash) => header_by_hash(backend, &hash),
    }
}

/// Registers every method of the Substrate-compatible interface over `backend`.
pub(crate) fn module<B: Backend>(
    backend: Arc<B>,
) -> Result<RpcModule<Arc<B>>, RegisterMethodError> {
    let mut module = RpcModule::new(backend);
    let methods: &[&str] = &[
        "rpc_methods",
        "system_chain",
        "system_name",
        "system_version",
        "system_properties",
        "system_health",
        "system_chainType",
        "chain_getHead",
        "chain_getFinalizedHead",
        "chain_getBlockHash",
        "chain_getHeader",
        "chain_getBlock",
        "chain_subscribeNewHeads",
        "chain_unsubscribeNewHeads",
        "chain_subscribeFinalizedHeads",
        "chain_unsubscribeFinalizedHeads",
        "state_getRuntimeVersion",
        "account_nextIndex",
    ];
    let names: Vec<&str> = methods.to_vec();
    module.register_method("rpc_methods", move |_, _, _| json!({ "methods": names }))?;
    module.register_method("system_chain", |_, backend, _| {
        backend.finalized().state().globals().chain_id
    })?;
    module.register_method("system_name", |_, _, _| "Plexus")?;
    module.register_method("system_version", |_, _, _| env!("CARGO_PKG_VERSION"))?;
    module.register_method("system_properties", |_, _, _| {
        json!({
            "ss58Format": plexus_primitives::SS58_PREFIX,
            "tokenDecimals": 9,
            "tokenSymbol": "TAO",
        })
    })?;
    module.register_method(
        "system_health",
        |_, _, _| json!({ "peers": 0, "isSyncing": false, "shouldHavePeers": false }),
    )?;
    module.register_method("system_chainType", |_, _, _| "Live")?;
    module.register_method("chain_getHead", |_, backend, _| {
        Ok::<_, ErrorObjectOwned>(backend.best_head().hash())
    })?;
    module.register_method("chain_getFinalizedHead", |_, backend, _| {
        Ok::<_, ErrorObjectOwned>(backend.finalized().head().hash())
    })?;
    module.register_blocking_method("chain_getBlockHash", |params, backend, _| {
        let mut args = Args::new(&params, 1)?;
        let Some(number) = args.optional::<Number>("number")? else {
            return Ok::<_, ErrorObjectOwned>(Some(backend.best_head().hash()));
        };
        let number = number.value()?;
        let best = backend.best_head();
        if number == best.number {
            return Ok(Some(best.hash()));
        }
        let header = backend.store().header(number).map_err(ApiError::from)?;
        Ok(header.map(|h| h.hash()))
    })?;
    module.register_blocking_method("chain_getHeader", |params, backend, _| {
        let mut args = Args::new(&params, 1)?;
        let at = args.optional::<H256>("hash")?;
        let header = header_at(&**backend, at)?;
        Ok::<_, ErrorObjectOwned>(header.as_ref().map(SubstrateHeader::from))
    })?;
    module.register_blocking_method("chain_getBlock", |params, backend, _| {
        let mut args = Args::new(&params, 1)?;
        let at = args.optional::<H256>("hash")?;
        let header = header_at(&**backend, at)?;
        Ok::<_, ErrorObjectOwned>(header.map(|header| {
            json!({
                "block": { "header": SubstrateHeader::from(&header), "extrinsics": [] },
                "justifications": Value::Null,
            })
        }))
    })?;
    module.register_blocking_method("state_getRuntimeVersion", |params, backend, _| {
        let mut args = Args::new(&params, 1)?;
        let at = args.optional::<H256>("hash")?;
        if header_at(&**backend, at)?.is_none() {
            return Err(ApiError::UnknownBlock(format!("{:?}", at)).into());
        }
        Ok::<_, ErrorObjectOwned>(json!({
            "specName": SPEC_NAME,
            "implName": SPEC_NAME,
            "authoringVersion": 1,
            "specVersion": SPEC_VERSION,
            "implVersion": 1,
            "apis": [],
            "transactionVersion": TRANSACTION_VERSION,
            "systemVersion": 1,
            "stateVersion": 1,
        }))
    })?;
    module.register_method("account_nextIndex", |params, backend, _| {
        let mut args = Args::new(&params, 1)?;
        let address: String = args.required("account")?;
        let account = AccountId::from_ss58(&address)
            .map_err(|e| invalid(format!("invalid parameter `account`: {e}")))?;
        Ok::<_, ErrorObjectOwned>(backend.pending_nonce(&account))
    })?;
    module.register_subscription(
        "chain_subscribeNewHeads",
        "chain_newHead",
        "chain_unsubscribeNewHeads",
        |_, pending, backend, _| async move {
            heads(&**backend, pending, |n| match n {
                Notification::NewHead(header) => Some(header),
                _ => None,
            })
            .await;
        },
    )?;
    module.register_subscription(
        "chain_subscribeFinalizedHeads",
        "chain_finalizedHead",
        "chain_unsubscribeFinalizedHeads",
        |_, pending, backend, _| async move {
            heads(&**backend, pending, |n| match n {
                Notification::Finalized { header, .. } => Some(header),
                _ => None,
            })
            .await;
        },
    )?;
    Ok(module)
}

/// Sends the headers `pick` takes from the node's notifications, in Substrate's shape, until
/// the client leaves.
async fn heads<B: Backend>(
    backend: &B,
    pending: PendingSubscriptionSink,
    pick: impl Fn(Notification) -> Option<Header>,
) {
    forward(backend, pending, |n| {
        pick(n).map(|h| SubstrateHeader::from(&h))
    })
    .await;
}
