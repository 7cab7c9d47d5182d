//! The node as a Substrate chain's JSON-RPC shows it, for the clients written against
//! Bittensor's chain (the Python `bittensor` SDK, `btcli`): the connection handshake, blocks
//! and headers, the runtime version, nonces and head subscriptions, in Substrate's method
//! names and JSON shapes (`docs/substrate-compat.md`).
//!
//! A Plexus block is shown as a Substrate block: its number, its parent's hash, its own hash as
//! the block hash, its state and transactions roots, no digest logs. Its transactions are not
//! Substrate extrinsics, so a block shows none.
//!
//! The metadata (built by `plexus-substrate` once, when the server starts) is answered through
//! `state_call` of `Metadata_metadata_at_version`; storage reads answer `System.Account`. Not
//! here yet: the other runtime APIs and storage items the clients read.

use crate::backend::{Backend, Notification};
use crate::error::ApiError;
use crate::params::Args;
use crate::subscriptions::forward;
use jsonrpsee_core::server::{PendingSubscriptionSink, RpcModule};
use jsonrpsee_core::RegisterMethodError;
use jsonrpsee_types::ErrorObjectOwned;
use parity_scale_codec::Encode;
use plexus_primitives::{AccountId, BlockNumber, H256};
use plexus_runtime::Header;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::sync::Arc;

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

/// As [`header_at`], for methods that read state there: an unknown block is an error.
fn known_header<B: Backend>(backend: &B, at: Option<H256>) -> Result<Header, ErrorObjectOwned> {
    header_at(backend, at)?.ok_or_else(|| ApiError::UnknownBlock(format!("{at:?}")).into())
}

/// The id under which `state_getRuntimeVersion` lists the `Metadata` runtime API: the first 8
/// bytes of BLAKE2b-256 of its name.
const METADATA_API_ID: &str = "0x37e397fc7c91f5e4";

/// What the methods share: the node, and the metadata it describes.
pub(crate) struct Substrate<B> {
    backend: Arc<B>,
    /// `Metadata_metadata_at_version(15)`'s answer, `0x`-hex.
    metadata: String,
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

/// What Substrate answers for a runtime API it does not have: clients look for these words.
fn no_such_api(method: &str) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(
        plexus_rpc::error::INVALID_PARAMS,
        format!("Client error: Execution failed: Other: Exported method {method} is not found"),
        None::<()>,
    )
}

/// The value stored under `key` at the head, SCALE, if any.
fn storage<B: Backend>(backend: &B, key: &[u8]) -> Option<Vec<u8>> {
    use plexus_substrate::StorageKey;
    let chain = backend.finalized();
    let state = chain.state();
    match StorageKey::parse(key)? {
        StorageKey::NetworksAdded(netuid) => state.subnet(netuid).map(|_| true.encode()),
        StorageKey::Tempo(netuid) => state.hyperparameters(netuid).map(|h| h.tempo.encode()),
        StorageKey::WeightsSetRateLimit(netuid) => state
            .hyperparameters(netuid)
            .map(|h| h.weights_rate_limit.encode()),
        StorageKey::LastUpdate(netuid) => state.subnet(netuid).map(|subnet| {
            (0..subnet.n)
                .map(|uid| state.neuron(netuid, uid).map_or(0, |n| n.last_update))
                .collect::<Vec<u64>>()
                .encode()
        }),
        StorageKey::Uids(netuid, hotkey) => state.uid(netuid, &hotkey).map(|uid| uid.encode()),
        StorageKey::IsNetworkMember(hotkey, netuid) => {
            state.uid(netuid, &hotkey).map(|_| true.encode())
        }
        StorageKey::SystemAccount(account) => {
            let (free, nonce) = (state.balance(&account), state.nonce(&account));
            let exists = free > 0 || nonce > 0;
            exists.then(|| {
                plexus_substrate::AccountInfo {
                    nonce: u32::try_from(nonce).unwrap_or(u32::MAX),
                    providers: 1,
                    data: plexus_substrate::AccountData {
                        free,
                        ..Default::default()
                    },
                    ..Default::default()
                }
                .encode()
            })
        }
    }
}

/// Every key of the maps that can be listed, ascending: the subnets' items and their
/// registrations. (Accounts are read one by one; Plexus subnets have no token symbols.)
fn listed_keys<B: Backend>(backend: &B) -> Vec<Vec<u8>> {
    use plexus_substrate::StorageKey;
    let chain = backend.finalized();
    let state = chain.state();
    let mut keys = Vec::new();
    for (netuid, subnet) in state.subnets() {
        for key in [
            StorageKey::NetworksAdded(netuid),
            StorageKey::Tempo(netuid),
            StorageKey::WeightsSetRateLimit(netuid),
            StorageKey::LastUpdate(netuid),
        ] {
            keys.push(key.encode());
        }
        for uid in 0..subnet.n {
            if let Some(neuron) = state.neuron(netuid, uid) {
                keys.push(StorageKey::Uids(netuid, neuron.hotkey).encode());
                keys.push(StorageKey::IsNetworkMember(neuron.hotkey, netuid).encode());
            }
        }
    }
    keys.sort_unstable();
    keys
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
    let mut module = RpcModule::new(Substrate { backend, metadata });
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
        known_header(&**backend, at)?;
        Ok::<_, ErrorObjectOwned>(json!({
            "specName": SPEC_NAME,
            "implName": SPEC_NAME,
            "authoringVersion": 1,
            "specVersion": plexus_substrate::SPEC_VERSION,
            "implVersion": 1,
            "apis": [[METADATA_API_ID, 2]],
            "transactionVersion": plexus_substrate::TRANSACTION_VERSION,
            "systemVersion": 1,
            "stateVersion": 1,
        }))
    })?;
    module.register_method("state_call", |params, substrate, _| {
        let mut args = Args::new(&params, 3)?;
        let method: String = args.required("method")?;
        let data: String = args.optional("data")?.unwrap_or_default();
        let at = args.optional::<H256>("at")?;
        known_header(&**substrate, at)?;
        let data = hex_param(&data, "data")?;
        match method.as_str() {
            "Metadata_metadata_at_version" => {
                let version = <[u8; 4]>::try_from(data.as_slice())
                    .map(u32::from_le_bytes)
                    .map_err(|_| invalid("`data` must be a u32, 4 bytes".into()))?;
                Ok(if version == 15 {
                    substrate.metadata.clone()
                } else {
                    format!("0x{}", hex::encode(None::<Vec<u8>>.encode()))
                })
            }
            "Metadata_metadata_versions" => Ok(format!("0x{}", hex::encode(vec![15u32].encode()))),
            other => Err(no_such_api(other)),
        }
    })?;
    for name in ["state_getStorage", "state_getStorageAt"] {
        module.register_method(name, |params, substrate, _| {
            let mut args = Args::new(&params, 2)?;
            let key: String = args.required("key")?;
            let at = args.optional::<H256>("at")?;
            known_header(&**substrate, at)?;
            let key = hex_param(&key, "key")?;
            Ok::<_, ErrorObjectOwned>(
                storage(&**substrate, &key).map(|value| format!("0x{}", hex::encode(value))),
            )
        })?;
    }
    module.register_method("state_queryStorageAt", |params, substrate, _| {
        let mut args = Args::new(&params, 2)?;
        let keys: Vec<String> = args.required("keys")?;
        let at = args.optional::<H256>("at")?;
        let header = known_header(&**substrate, at)?;
        let changes = keys
            .iter()
            .map(|key| {
                let bytes = hex_param(key, "keys")?;
                let value = storage(&**substrate, &bytes).map(|v| format!("0x{}", hex::encode(v)));
                Ok(json!([key, value]))
            })
            .collect::<Result<Vec<Value>, ErrorObjectOwned>>()?;
        Ok::<_, ErrorObjectOwned>(json!([{ "block": header.hash(), "changes": changes }]))
    })?;
    module.register_method("state_getKeysPaged", |params, substrate, _| {
        let mut args = Args::new(&params, 4)?;
        let prefix: String = args.required("prefix")?;
        let prefix = hex_param(&prefix, "prefix")?;
        let count: u32 = args.required("count")?;
        let start: Option<String> = args.optional("start_key")?;
        let start = start.map(|s| hex_param(&s, "start_key")).transpose()?;
        let at = args.optional::<H256>("at")?;
        known_header(&**substrate, at)?;
        let keys: Vec<String> = listed_keys(&**substrate)
            .into_iter()
            .filter(|key| key.starts_with(&prefix))
            .filter(|key| start.as_ref().is_none_or(|start| key > start))
            .take(count as usize)
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
