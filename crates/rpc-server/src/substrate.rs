//! The node as a Substrate chain's JSON-RPC shows it, for the clients written against
//! Bittensor's chain (the Python `bittensor` SDK, `btcli`): the connection handshake, blocks
//! and headers, the runtime version, nonces and head subscriptions, in Substrate's method
//! names and JSON shapes (`docs/substrate-compat.md`).
//!
//! A Plexus block is shown as a Substrate block: its number, its parent's hash, its own hash as
//! the block hash, its state and transactions roots, no digest logs, and its transactions'
//! bytes (a Substrate extrinsic's exactly as signed). Extrinsics are submitted and watched as
//! on a Substrate node (`author`).
//!
//! The metadata (built by `plexus-substrate` once, when the server starts) is answered through
//! `state_call` of `Metadata_metadata_at_version`; the other runtime APIs and the storage
//! items are answered by `plexus-substrate` from the state after the block asked for. These
//! clients see finalized blocks only (the head, new heads): every block they are told of has a
//! state to read.

mod author;

use crate::backend::{Backend, Notification};
use crate::error::ApiError;
use crate::params::Args;
use crate::subscriptions::forward;
use jsonrpsee_core::server::{PendingSubscriptionSink, RpcModule};
use jsonrpsee_core::RegisterMethodError;
use jsonrpsee_types::ErrorObjectOwned;
use parity_scale_codec::Encode;
use plexus_primitives::{AccountId, BlockNumber, H256};
use plexus_runtime::{Chain, Header, SignedTransaction, State};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

/// The runtime's name as Bittensor's chain reports it: the clients pick their type decoders by
/// it.
const SPEC_NAME: &str = "node-subtensor";

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

/// The finalized header with `hash`; `None` when the node knows no such block.
fn header_by_hash<B: Backend>(backend: &B, hash: &H256) -> Result<Option<Header>, ApiError> {
    let head = backend.finalized().head().clone();
    if head.hash() == *hash {
        return Ok(Some(head));
    }
    let store = backend.store();
    match store.height_of(hash)? {
        Some(height) => Ok(store.header(height)?),
        None => Ok(None),
    }
}

/// The header a method's optional block argument names: the finalized head when it is absent.
/// These clients see finalized blocks only, so every block they name has a state to read.
fn header_at<B: Backend>(backend: &B, at: Option<H256>) -> Result<Option<Header>, ApiError> {
    match at {
        None => Ok(Some(backend.finalized().head().clone())),
        Some(hash) => header_by_hash(backend, &hash),
    }
}

/// As [`header_at`], for methods that read state there: an unknown block is an error.
fn known_header<B: Backend>(backend: &B, at: Option<H256>) -> Result<Header, ErrorObjectOwned> {
    header_at(backend, at)?.ok_or_else(|| ApiError::UnknownBlock(format!("{at:?}")).into())
}

/// The state after a block: the node's snapshot at the head, or one rebuilt from the store.
enum StateAt {
    Head(Arc<Chain>),
    Past(Arc<State>),
}

impl std::ops::Deref for StateAt {
    type Target = State;
    fn deref(&self) -> &State {
        match self {
            StateAt::Head(chain) => chain.state(),
            StateAt::Past(state) => state,
        }
    }
}

/// How many rebuilt past states are kept: a client pins one block for a whole operation, and
/// a block finalized in between must not make it rebuild the state on every call.
const PAST_STATES: usize = 4;

/// What the methods share: the node, and the metadata it describes.
pub(crate) struct Substrate<B> {
    backend: Arc<B>,
    /// `Metadata_metadata_at_version(15)`'s answer, `0x`-hex.
    metadata: String,
    /// The last past states rebuilt, newest last.
    past: Mutex<Vec<(H256, Arc<State>)>>,
}

impl<B: Backend> Substrate<B> {
    /// The value under `key` after the block `header`, whose state is `state`: the block's
    /// events for `System.Events` (kept in the store beside the state), else the state's.
    fn value(
        &self,
        header: &Header,
        state: &State,
        key: &[u8],
    ) -> Result<Option<Vec<u8>>, ErrorObjectOwned> {
        if plexus_substrate::StorageKey::parse(key)
            == Some(plexus_substrate::StorageKey::SystemEvents)
        {
            let events = self
                .backend
                .store()
                .events(header.number)
                .map_err(ApiError::from)?
                .unwrap_or_default();
            let transactions = self
                .backend
                .store()
                .block(header.number)
                .map_err(ApiError::from)?
                .map(|block| block.transactions)
                .unwrap_or_default();
            return Ok(Some(plexus_substrate::events(&events, &transactions)));
        }
        Ok(plexus_substrate::read(state, key))
    }

    /// The state after the block `at` names (the finalized head when absent).
    fn state_at(&self, at: Option<H256>) -> Result<StateAt, ErrorObjectOwned> {
        let chain = self.backend.finalized();
        let Some(hash) = at.filter(|hash| *hash != chain.head().hash()) else {
            return Ok(StateAt::Head(chain));
        };
        if let Some((_, state)) = self
            .past
            .lock()
            .ok()
            .and_then(|past| past.iter().find(|(h, _)| *h == hash).cloned())
        {
            return Ok(StateAt::Past(state));
        }
        let store = self.backend.store();
        let height = store
            .height_of(&hash)
            .map_err(ApiError::from)?
            .ok_or_else(|| ApiError::UnknownBlock(hash.to_string()))?;
        let (state, _) = store.state_at(height).map_err(ApiError::from)?;
        let state = Arc::new(state);
        if let Ok(mut past) = self.past.lock() {
            if past.len() == PAST_STATES {
                past.remove(0);
            }
            past.push((hash, state.clone()));
        }
        Ok(StateAt::Past(state))
    }
}

impl<B> std::ops::Deref for Substrate<B> {
    type Target = B;
    fn deref(&self) -> &B {
        &self.backend
    }
}

/// Reads `0x`-hex, or hex without its prefix (the clients send runtime-API arguments so).
fn hex_param(text: &str, name: &str) -> Result<Vec<u8>, ErrorObjectOwned> {
    hex::decode(text.strip_prefix("0x").unwrap_or(text))
        .map_err(|e| invalid(format!("invalid parameter `{name}`: {e}")))
}

/// A runtime-API call's failure in the words Substrate uses (clients look for "is not found").
fn call_error(error: plexus_substrate::CallError) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(
        plexus_rpc::error::INVALID_PARAMS,
        format!("Client error: Execution failed: Other: {error}"),
        None::<()>,
    )
}

/// Registers every method of the Substrate-compatible interface over `backend`, for a chain
/// whose blocks come every `block_time_ms`.
pub(crate) fn module<B: Backend>(
    backend: Arc<B>,
    block_time_ms: u64,
) -> Result<RpcModule<Substrate<B>>, RegisterMethodError> {
    let constants = plexus_substrate::Constants {
        existential_deposit: backend
            .finalized()
            .state()
            .chain_params()
            .existential_deposit,
        block_time_ms,
    };
    let metadata = format!(
        "0x{}",
        hex::encode(plexus_substrate::metadata_at_version(15, constants))
    );
    let mut module = RpcModule::new(Substrate {
        backend,
        metadata,
        past: Mutex::new(Vec::new()),
    });
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
        "state_call",
        "state_getStorage",
        "state_getStorageAt",
        "state_queryStorageAt",
        "state_getKeysPaged",
        "state_getKeys",
        "account_nextIndex",
        "system_accountNextIndex",
        "author_submitExtrinsic",
        "author_submitAndWatchExtrinsic",
        "author_unwatchExtrinsic",
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
        Ok::<_, ErrorObjectOwned>(backend.finalized().head().hash())
    })?;
    module.register_method("chain_getFinalizedHead", |_, backend, _| {
        Ok::<_, ErrorObjectOwned>(backend.finalized().head().hash())
    })?;
    module.register_blocking_method("chain_getBlockHash", |params, backend, _| {
        let mut args = Args::new(&params, 1)?;
        let head = backend.finalized().head().clone();
        let Some(number) = args.optional::<Number>("number")? else {
            return Ok::<_, ErrorObjectOwned>(Some(head.hash()));
        };
        let number = number.value()?;
        if number == head.number {
            return Ok(Some(head.hash()));
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
        let Some(header) = header_at(&**backend, at)? else {
            return Ok::<_, ErrorObjectOwned>(None);
        };
        let block = backend
            .store()
            .block(header.number)
            .map_err(ApiError::from)?;
        // Each transaction's bytes: a Substrate extrinsic's as signed (its hash is the clients'
        // receipt key), a Plexus transaction's encoding.
        let extrinsics: Vec<String> = block
            .map(|b| b.transactions)
            .unwrap_or_default()
            .iter()
            .map(|tx| match tx {
                SignedTransaction::Substrate(extrinsic) => hex::encode(extrinsic.bytes()),
                plexus => hex::encode(plexus.encode()),
            })
            .map(|hex| format!("0x{hex}"))
            .collect();
        Ok(Some(json!({
            "block": { "header": SubstrateHeader::from(&header), "extrinsics": extrinsics },
            "justifications": Value::Null,
        })))
    })?;
    let api_ids: Vec<(String, u32)> = plexus_substrate::runtime_api_ids()
        .into_iter()
        .map(|(id, version)| (format!("0x{}", hex::encode(id)), version))
        .collect();
    module.register_blocking_method("state_getRuntimeVersion", move |params, backend, _| {
        let mut args = Args::new(&params, 1)?;
        let at = args.optional::<H256>("hash")?;
        known_header(&**backend, at)?;
        Ok::<_, ErrorObjectOwned>(json!({
            "specName": SPEC_NAME,
            "implName": SPEC_NAME,
            "authoringVersion": 1,
            "specVersion": plexus_substrate::SPEC_VERSION,
            "implVersion": 1,
            "apis": api_ids,
            "transactionVersion": plexus_substrate::TRANSACTION_VERSION,
            "systemVersion": 1,
            "stateVersion": 1,
        }))
    })?;
    module.register_blocking_method("state_call", |params, substrate, _| {
        let mut args = Args::new(&params, 3)?;
        let method: String = args.required("method")?;
        let data: String = args.optional("data")?.unwrap_or_default();
        let at = args.optional::<H256>("at")?;
        let data = hex_param(&data, "data")?;
        let answer = match method.as_str() {
            "Metadata_metadata_at_version" => {
                known_header(&**substrate, at)?;
                let version = <[u8; 4]>::try_from(data.as_slice())
                    .map(u32::from_le_bytes)
                    .map_err(|_| invalid("`data` must be a u32, 4 bytes".into()))?;
                if version == 15 {
                    return Ok(substrate.metadata.clone());
                }
                None::<Vec<u8>>.encode()
            }
            "Metadata_metadata_versions" => {
                known_header(&**substrate, at)?;
                vec![15u32].encode()
            }
            other => {
                let state = substrate.state_at(at)?;
                plexus_substrate::call(&state, other, &data).map_err(call_error)?
            }
        };
        Ok::<_, ErrorObjectOwned>(format!("0x{}", hex::encode(answer)))
    })?;
    for name in ["state_getStorage", "state_getStorageAt"] {
        module.register_blocking_method(name, |params, substrate, _| {
            let mut args = Args::new(&params, 2)?;
            let key: String = args.required("key")?;
            let at = args.optional::<H256>("at")?;
            let key = hex_param(&key, "key")?;
            let header = known_header(&**substrate, at)?;
            let state = substrate.state_at(Some(header.hash()))?;
            Ok::<_, ErrorObjectOwned>(
                substrate
                    .value(&header, &state, &key)?
                    .map(|value| format!("0x{}", hex::encode(value))),
            )
        })?;
    }
    module.register_blocking_method("state_queryStorageAt", |params, substrate, _| {
        let mut args = Args::new(&params, 2)?;
        let keys: Vec<String> = args.required("keys")?;
        let at = args.optional::<H256>("at")?;
        let header = known_header(&**substrate, at)?;
        let state = substrate.state_at(Some(header.hash()))?;
        let changes = keys
            .iter()
            .map(|key| {
                let bytes = hex_param(key, "keys")?;
                let value = substrate
                    .value(&header, &state, &bytes)?
                    .map(|v| format!("0x{}", hex::encode(v)));
                Ok(json!([key, value]))
            })
            .collect::<Result<Vec<Value>, ErrorObjectOwned>>()?;
        Ok::<_, ErrorObjectOwned>(json!([{ "block": header.hash(), "changes": changes }]))
    })?;
    module.register_blocking_method("state_getKeysPaged", |params, substrate, _| {
        let mut args = Args::new(&params, 4)?;
        let prefix: String = args.required("prefix")?;
        let prefix = hex_param(&prefix, "prefix")?;
        let count: u32 = args.required("count")?;
        let start: Option<String> = args.optional("start_key")?;
        let start = start.map(|s| hex_param(&s, "start_key")).transpose()?;
        let at = args.optional::<H256>("at")?;
        let state = substrate.state_at(at)?;
        let keys: Vec<String> = plexus_substrate::keys(&state)
            .into_iter()
            .filter(|key| key.starts_with(&prefix))
            .filter(|key| start.as_ref().is_none_or(|start| key > start))
            .take(count as usize)
            .map(|key| format!("0x{}", hex::encode(key)))
            .collect();
        Ok::<_, ErrorObjectOwned>(keys)
    })?;
    // The unpaged listing btcli uses.
    module.register_blocking_method("state_getKeys", |params, substrate, _| {
        let mut args = Args::new(&params, 2)?;
        let prefix: String = args.required("prefix")?;
        let prefix = hex_param(&prefix, "prefix")?;
        let at = args.optional::<H256>("at")?;
        let state = substrate.state_at(at)?;
        let keys: Vec<String> = plexus_substrate::keys(&state)
            .into_iter()
            .filter(|key| key.starts_with(&prefix))
            .map(|key| format!("0x{}", hex::encode(key)))
            .collect();
        Ok::<_, ErrorObjectOwned>(keys)
    })?;
    module.register_method("account_nextIndex", |params, backend, _| {
        let mut args = Args::new(&params, 1)?;
        let address: String = args.required("account")?;
        let account = AccountId::from_ss58(&address)
            .map_err(|e| invalid(format!("invalid parameter `account`: {e}")))?;
        Ok::<_, ErrorObjectOwned>(backend.pending_nonce(&account))
    })?;
    // Substrate's older name for the same answer.
    module.register_alias("system_accountNextIndex", "account_nextIndex")?;
    author::register(&mut module)?;
    module.register_subscription(
        "chain_subscribeNewHeads",
        "chain_newHead",
        "chain_unsubscribeNewHeads",
        |_, pending, backend, _| async move {
            heads(&**backend, pending).await;
        },
    )?;
    module.register_subscription(
        "chain_subscribeFinalizedHeads",
        "chain_finalizedHead",
        "chain_unsubscribeFinalizedHeads",
        |_, pending, backend, _| async move {
            heads(&**backend, pending).await;
        },
    )?;
    Ok(module)
}

/// Sends each finalized header, in Substrate's shape, until the client leaves. New heads are
/// finalized heads here: these clients read state at the heads they are told of.
async fn heads<B: Backend>(backend: &B, pending: PendingSubscriptionSink) {
    forward(backend, pending, |n| match n {
        Notification::Finalized { header, .. } => Some(SubstrateHeader::from(&header)),
        _ => None,
    })
    .await;
}
