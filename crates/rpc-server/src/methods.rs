//! Every call method: parameters in, one backend read, the API's type out.
//!
//! Methods that read the store or rebuild older state run on tokio's blocking pool; the rest
//! (including submission, one signature check) answer on the connection's task.

use crate::backend::Backend;
use crate::cache::MetagraphCache;
use crate::convert::{call_name, record, tx_error};
use crate::error::ApiError;
use crate::params::Args;
use crate::queries;
use jsonrpsee_core::server::RpcModule;
use jsonrpsee_core::RegisterMethodError;
use jsonrpsee_types::ErrorObjectOwned;
use parity_scale_codec::Encode;
use plexus_primitives::{AccountId, BlockNumber, NetUid, H256};
use plexus_rpc::types::{
    AccountHistory, AccountTransaction, BlockId, BlockInfo, FeeEstimate, HeaderInfo, Health,
    HexBytes, Inclusion, MetagraphOptions, NextNonce, Randomness, Rao, SwapDirection, SyncBatch,
    SyncBlock, SystemInfo, TransactionDetails, TransactionInfo, TransactionSummary, TxPosition,
    TxStatus,
};
use plexus_runtime::{
    Chain, CheckedTransaction, Event, Events, Header, Phase, SignedTransaction, State,
};
use plexus_store::Store;
use serde::Serialize;
use std::sync::Arc;

/// What every handler gets.
pub(crate) struct Ctx<B> {
    pub(crate) backend: Arc<B>,
    pub(crate) metagraphs: MetagraphCache,
}

type Answer<T> = Result<T, ErrorObjectOwned>;

/// Registers a method answered on the connection's task (cheap snapshot reads).
fn inline<B, T, F>(
    module: &mut RpcModule<Ctx<B>>,
    name: &'static str,
    max_params: usize,
    handler: F,
) -> Result<(), RegisterMethodError>
where
    B: Backend,
    T: Serialize + Clone + Send + 'static,
    F: Fn(&Ctx<B>, Args) -> Answer<T> + Send + Sync + 'static,
{
    module.register_method(name, move |params, ctx, _| {
        handler(ctx, Args::new(&params, max_params)?)
    })?;
    Ok(())
}

/// Registers a method answered on the blocking pool (store reads, signature checks, state
/// walks).
fn blocking<B, T, F>(
    module: &mut RpcModule<Ctx<B>>,
    name: &'static str,
    max_params: usize,
    handler: F,
) -> Result<(), RegisterMethodError>
where
    B: Backend,
    T: Serialize + Clone + Send + 'static,
    F: Fn(&Ctx<B>, Args) -> Answer<T> + Clone + Send + Sync + 'static,
{
    module.register_blocking_method(name, move |params, ctx, _| {
        handler(&ctx, Args::new(&params, max_params)?)
    })?;
    Ok(())
}

pub(crate) fn register<B: Backend>(
    module: &mut RpcModule<Ctx<B>>,
) -> Result<(), RegisterMethodError> {
    inline(module, "system_health", 0, |ctx, _| {
        Ok(health(&*ctx.backend))
    })?;
    inline(module, "system_info", 0, |ctx, _| {
        Ok(info(&ctx.backend.finalized()))
    })?;
    inline(module, "chain_head", 0, |ctx, _| {
        Ok(HeaderInfo::from(&ctx.backend.best_head()))
    })?;
    inline(module, "chain_finalizedHead", 0, |ctx, _| {
        Ok(HeaderInfo::from(ctx.backend.finalized().head()))
    })?;
    blocking(module, "chain_block", 1, |ctx, mut args| {
        let id: BlockId = args.required("block")?;
        Ok(block(ctx.backend.store(), id)?)
    })?;
    blocking(module, "chain_randomness", 1, |ctx, mut args| {
        let height: BlockNumber = args.required("height")?;
        let finalized = ctx.backend.finalized();
        Ok(randomness(ctx.backend.store(), &finalized, height)?)
    })?;
    blocking(module, "chain_syncBlocks", 2, |ctx, mut args| {
        let from: BlockNumber = args.required("from")?;
        let max: Option<u32> = args.optional("max")?;
        Ok(sync_blocks(ctx.backend.store(), from, max)?)
    })?;
    blocking(module, "chain_transaction", 1, |ctx, mut args| {
        let hash: H256 = args.required("hash")?;
        Ok(transaction(&*ctx.backend, hash)?)
    })?;
    blocking(module, "chain_accountTransactions", 3, |ctx, mut args| {
        let address: AccountId = args.required("address")?;
        let before: Option<TxPosition> = args.optional("before")?;
        let limit: Option<u32> = args.optional("limit")?;
        Ok(account_transactions(
            ctx.backend.store(),
            address,
            before,
            limit,
        )?)
    })?;
    blocking(module, "state_account", 2, |ctx, mut args| {
        let address: AccountId = args.required("address")?;
        let at = args.optional("at")?;
        Ok(view(&*ctx.backend, at)?.with(|state, _| queries::account(state, address)))
    })?;
    blocking(module, "state_validators", 1, |ctx, mut args| {
        let at = args.optional("at")?;
        Ok(view(&*ctx.backend, at)?.with(queries::validators))
    })?;
    blocking(module, "state_stake", 2, |ctx, mut args| {
        let coldkey: AccountId = args.required("coldkey")?;
        let at = args.optional("at")?;
        Ok(view(&*ctx.backend, at)?.with(|state, _| queries::stake(state, coldkey)))
    })?;
    blocking(module, "state_subnets", 1, |ctx, mut args| {
        let at = args.optional("at")?;
        Ok(view(&*ctx.backend, at)?.with(|state, _| queries::subnets(state)))
    })?;
    blocking(module, "state_subnet", 2, |ctx, mut args| {
        let netuid: NetUid = args.required("netuid")?;
        let at = args.optional("at")?;
        Ok(view(&*ctx.backend, at)?.with(|state, _| queries::subnet(state, netuid)))
    })?;
    blocking(module, "state_metagraph", 3, |ctx, mut args| {
        let netuid: NetUid = args.required("netuid")?;
        let options: MetagraphOptions = args.optional("options")?.unwrap_or_default();
        let at = args.optional("at")?;
        let view = view(&*ctx.backend, at)?;
        let json = view.with(|state, header| {
            let hash = header.hash();
            ctx.metagraphs.get_or_build(hash, netuid, options, || {
                queries::metagraph(state, hash, netuid, options)
                    .map(|m| serde_json::value::to_raw_value(&m))
                    .transpose()
            })
        });
        json.map_err(|e| ApiError::Internal(e.to_string()).into())
    })?;
    blocking(module, "state_pool", 2, |ctx, mut args| {
        let netuid: NetUid = args.required("netuid")?;
        let at = args.optional("at")?;
        Ok(view(&*ctx.backend, at)?.with(|state, _| queries::pool(state, netuid)))
    })?;
    blocking(module, "state_simulateSwap", 4, |ctx, mut args| {
        let netuid: NetUid = args.required("netuid")?;
        let direction: SwapDirection = args.required("direction")?;
        let amount: Rao = args.required("amount")?;
        let at = args.optional("at")?;
        Ok(view(&*ctx.backend, at)?
            .with(|state, _| queries::simulate_swap(state, netuid, direction, amount.0))?)
    })?;
    blocking(module, "state_networkLockCost", 1, |ctx, mut args| {
        let at = args.optional("at")?;
        Ok(view(&*ctx.backend, at)?.with(|state, _| queries::network_lock_cost(state)))
    })?;
    blocking(module, "state_delegateTake", 2, |ctx, mut args| {
        let hotkey: AccountId = args.required("hotkey")?;
        let at = args.optional("at")?;
        Ok(view(&*ctx.backend, at)?.with(|state, _| queries::delegate_take(state, hotkey)))
    })?;
    blocking(module, "state_identity", 2, |ctx, mut args| {
        let coldkey: AccountId = args.required("coldkey")?;
        let at = args.optional("at")?;
        Ok(view(&*ctx.backend, at)?.with(|state, _| queries::identity(state, coldkey)))
    })?;
    blocking(module, "state_delegates", 1, |ctx, mut args| {
        let at = args.optional("at")?;
        Ok(view(&*ctx.backend, at)?.with(|state, _| queries::delegates(state)))
    })?;
    blocking(module, "state_delegatedBy", 2, |ctx, mut args| {
        let coldkey: AccountId = args.required("coldkey")?;
        let at = args.optional("at")?;
        Ok(view(&*ctx.backend, at)?.with(|state, _| queries::delegated(state, coldkey)))
    })?;
    blocking(module, "state_commitments", 3, |ctx, mut args| {
        let netuid: NetUid = args.required("netuid")?;
        let hotkey: Option<AccountId> = args.optional("hotkey")?;
        let at = args.optional("at")?;
        Ok(view(&*ctx.backend, at)?.with(|state, _| queries::commitments(state, netuid, hotkey)))
    })?;
    blocking(module, "state_coldkeySwap", 2, |ctx, mut args| {
        let coldkey: AccountId = args.required("coldkey")?;
        let at = args.optional("at")?;
        Ok(view(&*ctx.backend, at)?.with(|state, _| queries::coldkey_swap(state, coldkey)))
    })?;
    blocking(module, "state_proxies", 2, |ctx, mut args| {
        let account: AccountId = args.required("account")?;
        let at = args.optional("at")?;
        Ok(view(&*ctx.backend, at)?.with(|state, _| queries::proxies(state, account)))
    })?;
    blocking(module, "state_root", 1, |ctx, mut args| {
        let at = args.optional("at")?;
        Ok(view(&*ctx.backend, at)?.with(|state, _| queries::root(state)))
    })?;
    blocking(module, "state_rootClaims", 2, |ctx, mut args| {
        let coldkey: AccountId = args.required("coldkey")?;
        let at = args.optional("at")?;
        Ok(view(&*ctx.backend, at)?.with(|state, _| queries::root_claims(state, coldkey)))
    })?;
    blocking(module, "state_hotkeyLinks", 3, |ctx, mut args| {
        let hotkey: AccountId = args.required("hotkey")?;
        let netuid: NetUid = args.required("netuid")?;
        let at = args.optional("at")?;
        Ok(view(&*ctx.backend, at)?.with(|state, _| queries::hotkey_links(state, hotkey, netuid)))
    })?;
    blocking(module, "tx_estimateFee", 1, |ctx, mut args| {
        let bytes: HexBytes = args.required("transaction")?;
        Ok(estimate_fee(&ctx.backend.finalized(), &bytes.0)?)
    })?;
    inline(module, "tx_nextNonce", 1, |ctx, mut args| {
        let address: AccountId = args.required("address")?;
        Ok(NextNonce {
            address,
            finalized: ctx.backend.finalized().next_nonce(&address),
            pending: ctx.backend.pending_nonce(&address),
        })
    })?;
    // Inline, not on the blocking pool: one signature check (tens of microseconds) costs less
    // than handing every submission to another thread, which dominated under load.
    inline(module, "tx_submit", 1, |ctx, mut args| {
        let bytes: HexBytes = args.required("transaction")?;
        let tx = decode_and_check(&ctx.backend.finalized(), &bytes.0)?;
        Ok(ctx.backend.submit(tx).map_err(ApiError::from)?)
    })?;
    Ok(())
}

pub(crate) fn health<B: Backend>(backend: &B) -> Health {
    let (pending_transactions, pending_bytes) = backend.mempool_status();
    Health {
        finalized: backend.finalized().head().number,
        best: backend.best_head().number,
        pending_transactions,
        pending_bytes,
    }
}

fn info(chain: &Chain) -> SystemInfo {
    let state = chain.state();
    SystemInfo {
        chain_id: state.globals().chain_id,
        genesis_hash: chain.genesis_hash(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        params: state.chain_params(),
        total_issuance: state.total_issuance(),
        total_burned: state.total_burned(),
        ss58_prefix: plexus_primitives::SS58_PREFIX,
        group_key: state.globals().group_key,
        epoch: chain.head().epoch,
        view: chain.head().view,
        epoch_length: state.globals().epoch_length,
    }
}

/// The state a query reads: the finalized snapshot, or an older state rebuilt from the store.
pub(crate) enum View {
    Snapshot(Arc<Chain>),
    Historical(Box<(State, Header)>),
}

impl View {
    pub(crate) fn with<R>(&self, f: impl FnOnce(&State, &Header) -> R) -> R {
        match self {
            Self::Snapshot(chain) => f(chain.state(), chain.head()),
            Self::Historical(historical) => f(&historical.0, &historical.1),
        }
    }
}

fn height_of(store: &Store, id: BlockId) -> Result<Option<BlockNumber>, ApiError> {
    match id {
        BlockId::Number(n) => Ok(Some(n)),
        BlockId::Hash(hash) => Ok(store.height_of(&hash)?),
    }
}

fn unknown(id: BlockId) -> ApiError {
    ApiError::UnknownBlock(match id {
        BlockId::Number(n) => n.to_string(),
        BlockId::Hash(h) => h.to_string(),
    })
}

pub(crate) fn view<B: Backend>(backend: &B, at: Option<BlockId>) -> Result<View, ApiError> {
    let chain = backend.finalized();
    let Some(at) = at else {
        return Ok(View::Snapshot(chain));
    };
    let height = height_of(backend.store(), at)?.ok_or_else(|| unknown(at))?;
    if height == chain.head().number {
        return Ok(View::Snapshot(chain));
    }
    if height > chain.head().number {
        return Err(unknown(at));
    }
    let header = backend.store().header(height)?.ok_or_else(|| unknown(at))?;
    let (state, _) = backend.store().state_at(height)?;
    Ok(View::Historical(Box::new((state, header))))
}

fn block(store: &Store, id: BlockId) -> Result<Option<BlockInfo>, ApiError> {
    let Some(height) = height_of(store, id)? else {
        return Ok(None);
    };
    let Some(header) = store.header(height)? else {
        return Ok(None);
    };
    // Genesis has a header and no block.
    let transactions = store
        .block(height)?
        .map(|b| b.transactions)
        .unwrap_or_default()
        .iter()
        .map(|tx| TransactionSummary {
            hash: tx.hash(),
            signer: tx.signer(),
            nonce: tx.nonce(),
            call: call_name(tx.call()),
        })
        .collect();
    let events = store.events(height)?.unwrap_or_default();
    Ok(Some(BlockInfo {
        header: HeaderInfo::from(&header),
        transactions,
        events: events.iter().map(|(p, e)| record(*p, e)).collect(),
    }))
}

/// The last seed the finalized block at `height` carries, with what checks it.
fn randomness(
    store: &Store,
    finalized: &Chain,
    height: BlockNumber,
) -> Result<Option<Randomness>, ApiError> {
    let Some(group_key) = finalized.state().globals().group_key else {
        return Ok(None);
    };
    if height > finalized.head().number {
        return Ok(None);
    }
    let Some(header) = store.header(height)? else {
        return Ok(None);
    };
    let Some(seed) = header.seeds.last() else {
        return Ok(None);
    };
    Ok(Some(Randomness {
        height,
        block_hash: header.hash(),
        epoch: 0,
        view: seed.view,
        signature: seed.signature.0.to_vec(),
        randomness: seed.signature.randomness(),
        group_key,
        namespace: plexus_runtime::consensus_namespace(finalized.genesis_hash()),
    }))
}

/// Most blocks one `chain_syncBlocks` answer holds, and the block bytes after which it stops
/// (well inside the default response limit, hex doubling them).
const SYNC_MAX_BLOCKS: u32 = 256;
const SYNC_MAX_BYTES: usize = 16 * 1024 * 1024;

fn sync_blocks(store: &Store, from: BlockNumber, max: Option<u32>) -> Result<SyncBatch, ApiError> {
    let finalized = store.head_height()?.unwrap_or(0);
    let max = max.unwrap_or(SYNC_MAX_BLOCKS).clamp(1, SYNC_MAX_BLOCKS) as usize;
    let mut blocks = Vec::new();
    let mut bytes = 0;
    // Genesis has no block: every node builds it from the chain spec.
    for height in from.max(1)..=finalized {
        if blocks.len() == max || bytes >= SYNC_MAX_BYTES {
            break;
        }
        let block = store
            .block(height)?
            .ok_or_else(|| ApiError::Internal(format!("finalized block {height} is missing")))?
            .encode();
        bytes += block.len();
        blocks.push(SyncBlock {
            height,
            block: HexBytes(block),
            finality: store.finality(height)?.map(HexBytes),
        });
    }
    Ok(SyncBatch { finalized, blocks })
}

/// How the transaction at `index` of a block went, from the block's events.
pub(crate) fn inclusion(header: &Header, index: u32, events: &Events) -> Inclusion {
    let mine: Vec<&Event> = events
        .iter()
        .filter(|(phase, _)| *phase == Phase::Transaction(index))
        .map(|(_, e)| e)
        .collect();
    let error = mine.iter().find_map(|e| match e {
        Event::TransactionFailed { error, .. } => Some(tx_error(error)),
        _ => None,
    });
    Inclusion {
        block_number: header.number,
        block_hash: header.hash(),
        index,
        success: error.is_none(),
        error,
        events: mine.into_iter().map(crate::convert::event).collect(),
    }
}

/// What a transaction included at block `height` says.
fn details(tx: &SignedTransaction, height: BlockNumber) -> TransactionDetails {
    TransactionDetails {
        signer: tx.signer(),
        nonce: tx.nonce(),
        tip: tx.tip(),
        valid_until: match tx {
            SignedTransaction::Plexus { transaction, .. } => transaction.valid_until,
            SignedTransaction::Substrate(extrinsic) => extrinsic.era().valid_until(height),
        },
        call: call_name(tx.call()),
        bytes: HexBytes(tx.encode()),
    }
}

pub(crate) fn transaction<B: Backend>(
    backend: &B,
    hash: H256,
) -> Result<Option<TransactionInfo>, ApiError> {
    let store = backend.store();
    if let Some((height, index, tx)) = store.transaction(&hash)? {
        let header = store
            .header(height)?
            .ok_or_else(|| ApiError::Internal(format!("header {height} missing")))?;
        let events = store.events(height)?.unwrap_or_default();
        return Ok(Some(TransactionInfo {
            hash,
            status: TxStatus::Finalized,
            transaction: Some(details(&tx, height)),
            inclusion: Some(inclusion(&header, index, &events)),
        }));
    }
    Ok(backend.is_pending(&hash).then_some(TransactionInfo {
        hash,
        status: TxStatus::Pending,
        transaction: None,
        inclusion: None,
    }))
}

/// Transactions per page of an account's history: the default and the most one may ask for.
const HISTORY_PAGE: u32 = 25;
const HISTORY_MAX: u32 = 100;

fn account_transactions(
    store: &Store,
    address: AccountId,
    before: Option<TxPosition>,
    limit: Option<u32>,
) -> Result<AccountHistory, ApiError> {
    let limit = limit.unwrap_or(HISTORY_PAGE);
    if !(1..=HISTORY_MAX).contains(&limit) {
        return Err(ApiError::InvalidParams(format!(
            "limit must be from 1 to {HISTORY_MAX}, not {limit}"
        )));
    }
    let found = store.account_transactions(
        &address,
        before.map(|p| (p.block_number, p.index)),
        limit as usize,
    )?;
    let mut transactions = Vec::with_capacity(found.len());
    // Positions come newest first, so one block's transactions are next to each other.
    let mut loaded: Option<(BlockNumber, plexus_runtime::Block, Events)> = None;
    for (height, index) in found {
        if loaded.as_ref().is_none_or(|(h, _, _)| *h != height) {
            let block = store
                .block(height)?
                .ok_or_else(|| ApiError::Internal(format!("indexed block {height} missing")))?;
            let events = store.events(height)?.unwrap_or_default();
            loaded = Some((height, block, events));
        }
        let Some((_, block, events)) = &loaded else {
            continue;
        };
        let tx = block.transactions.get(index as usize).ok_or_else(|| {
            ApiError::Internal(format!("indexed transaction {index} missing in {height}"))
        })?;
        transactions.push(AccountTransaction {
            hash: tx.hash(),
            position: TxPosition {
                block_number: height,
                index,
            },
            timestamp: block.header.timestamp,
            signer: tx.signer(),
            nonce: tx.nonce(),
            call: call_name(tx.call()),
            success: inclusion(&block.header, index, events).success,
        });
    }
    let next = (transactions.len() == limit as usize)
        .then(|| transactions.last().map(|t| t.position))
        .flatten();
    Ok(AccountHistory { transactions, next })
}

fn max_tx_bytes(chain: &Chain) -> u32 {
    chain.state().chain_params().max_transaction_bytes
}

/// Decodes wire bytes and checks the signature: CPU work, done before the mempool sees it.
pub(crate) fn decode_and_check(
    chain: &Chain,
    bytes: &[u8],
) -> Result<CheckedTransaction, ApiError> {
    SignedTransaction::decode_bytes(bytes, max_tx_bytes(chain))
        .and_then(|tx| tx.check(&chain.check_context()))
        .map_err(ApiError::InvalidTransaction)
}

fn estimate_fee(chain: &Chain, bytes: &[u8]) -> Result<FeeEstimate, ApiError> {
    // No signature check: a wallet may estimate before signing, with any signature bytes.
    let tx = SignedTransaction::decode_bytes(bytes, max_tx_bytes(chain))
        .map_err(ApiError::InvalidTransaction)?;
    let params = chain.state().chain_params();
    let encoded_len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    let fee = params.fee(tx.call(), encoded_len, 0);
    Ok(FeeEstimate {
        fee,
        tip: tx.tip(),
        total: fee.saturating_add(tx.tip()),
        encoded_len,
    })
}
