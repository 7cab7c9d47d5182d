//! Durable storage for a Plexus node: finalized blocks, their events, indexes of transactions
//! by hash and by the accounts they concern, and the chain state, on the embedded database redb.
//!
//! Every finalized block is committed in one database transaction together with the state
//! entries it wrote and the new head, so a crash at any moment leaves either the old head or the
//! new one, never a mix; reopening resumes from the last committed block and checks its state
//! root. The current state is kept as a flat table of entries; to answer questions about older
//! heights each block also records the values it overwrote ("undo" records). A pruned store
//! keeps those for a window of recent heights, an archive store for all of them.
//!
//! Why redb: pure Rust (no C++ toolchain, quick to build), single-file, ACID with crash-safe
//! commits and concurrent readers (RPC queries never block block commits). Commonware's storage
//! offers append-only journals and archives rather than a transactional key-value store, and
//! RocksDB would add a long C++ build for write volumes a chain of this size does not have.
//!
//! # What this is not
//! No chain rules (those are `plexus-runtime`'s), no networking, no consensus.

use parity_scale_codec::{Decode, Encode};
use plexus_primitives::{AccountId, BlockNumber, H256};
use plexus_runtime::{Block, BlockOutcome, Chain, Events, Header, Phase, SignedTransaction, State};
use redb::{Database, ReadableTable, TableDefinition};
use std::path::Path;

const META: TableDefinition<'_, &str, &[u8]> = TableDefinition::new("meta");
const HEADERS: TableDefinition<'_, u64, &[u8]> = TableDefinition::new("headers");
const BLOCKS: TableDefinition<'_, u64, &[u8]> = TableDefinition::new("blocks");
const EVENTS: TableDefinition<'_, u64, &[u8]> = TableDefinition::new("events");
const HASHES: TableDefinition<'_, &[u8; 32], u64> = TableDefinition::new("block_hashes");
const TRANSACTIONS: TableDefinition<'_, &[u8; 32], (u64, u32)> =
    TableDefinition::new("transactions");
/// Every transaction that concerns an account: it signed it, or one of its events names it.
const ACCOUNT_TXS: TableDefinition<'_, (&[u8; 32], u64, u32), ()> =
    TableDefinition::new("account_transactions");
const STATE: TableDefinition<'_, &[u8], &[u8]> = TableDefinition::new("state");
const UNDO: TableDefinition<'_, u64, &[u8]> = TableDefinition::new("undo");
/// Consensus's proof that the block at a height is final, opaque to the store.
const FINALITY: TableDefinition<'_, u64, &[u8]> = TableDefinition::new("finality");

const HEAD: &str = "head";
/// Present once every stored block's transactions are in the account index.
const ACCOUNT_INDEX: &str = "account_index";
const GENESIS_HASH: &str = "genesis_hash";

/// How much state history a store keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retention {
    /// The state at every height can be reconstructed.
    Archive,
    /// The state of the last `heights` heights can be reconstructed; older undo records are
    /// deleted as blocks are committed. Blocks and events are always kept.
    Recent {
        /// How many heights below the head stay reconstructible.
        heights: u64,
    },
}

/// Why the store cannot do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed (I/O, corruption detected by redb, another process holds it).
    #[error("database: {0}")]
    Database(Box<redb::Error>),
    /// Stored data that does not decode or does not add up.
    #[error("corrupt store: {0}")]
    Corrupt(String),
    /// The store holds another chain.
    #[error("the store holds chain {stored}, not {given}")]
    WrongChain {
        /// The genesis hash in the store.
        stored: H256,
        /// The one given.
        given: H256,
    },
    /// A block that does not follow the stored head.
    #[error("block {got} does not follow the stored head {head}")]
    NotNext {
        /// The stored head's height.
        head: BlockNumber,
        /// The block's height.
        got: BlockNumber,
    },
    /// A block at a committed height that differs from the committed one.
    #[error("a different block {hash} is already committed at height {height}")]
    Conflict {
        /// The height.
        height: BlockNumber,
        /// The committed block's hash.
        hash: H256,
    },
    /// The state at this height is no longer kept.
    #[error("state at height {height} was pruned; the oldest kept is {oldest}")]
    Pruned {
        /// The height asked for.
        height: BlockNumber,
        /// The oldest reconstructible height.
        oldest: BlockNumber,
    },
    /// A height above the head.
    #[error("height {height} is above the head {head}")]
    Future {
        /// The height asked for.
        height: BlockNumber,
        /// The head.
        head: BlockNumber,
    },
}

fn dberr(e: impl Into<redb::Error>) -> StoreError {
    StoreError::Database(Box::new(e.into()))
}

fn decode<T: Decode>(bytes: &[u8], what: &str) -> Result<T, StoreError> {
    T::decode(&mut &bytes[..]).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

fn state_key(item: &str, key: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(item.len() + 1 + key.len());
    out.extend_from_slice(item.as_bytes());
    out.push(b':');
    out.extend_from_slice(key);
    out
}

fn split_state_key(bytes: &[u8]) -> Result<(&str, &[u8]), StoreError> {
    let colon = bytes
        .iter()
        .position(|b| *b == b':')
        .ok_or_else(|| StoreError::Corrupt("state key without an item".into()))?;
    let item = std::str::from_utf8(&bytes[..colon])
        .map_err(|_| StoreError::Corrupt("state item is not text".into()))?;
    Ok((item, &bytes[colon + 1..]))
}

/// Adds a block's transactions to the account index: each under its signer and every account
/// its events name.
fn index_accounts(
    table: &mut redb::Table<'_, (&[u8; 32], u64, u32), ()>,
    height: BlockNumber,
    block: &Block,
    events: &Events,
) -> Result<(), StoreError> {
    let mut accounts: Vec<std::collections::BTreeSet<AccountId>> = block
        .transactions
        .iter()
        .map(|tx| [tx.signer()].into())
        .collect();
    for (phase, event) in events {
        if let Phase::Transaction(index) = phase {
            if let Some(set) = accounts.get_mut(*index as usize) {
                set.extend(event.accounts());
            }
        }
    }
    for (index, set) in accounts.iter().enumerate() {
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        for account in set {
            table
                .insert((&account.0, height, index), ())
                .map_err(dberr)?;
        }
    }
    Ok(())
}

/// What one block overwrote: `(state key, previous value)`.
type Undo = Vec<(Vec<u8>, Option<Vec<u8>>)>;

/// A node's database.
pub struct Store {
    db: Database,
    retention: Retention,
}

impl Store {
    /// Opens (or creates) the store at `path`.
    pub fn open(path: &Path, retention: Retention) -> Result<Self, StoreError> {
        let db = Database::create(path).map_err(dberr)?;
        let txn = db.begin_write().map_err(dberr)?;
        for table in [HEADERS, BLOCKS, EVENTS, UNDO, FINALITY] {
            txn.open_table(table).map_err(dberr)?;
        }
        txn.open_table(META).map_err(dberr)?;
        txn.open_table(HASHES).map_err(dberr)?;
        txn.open_table(TRANSACTIONS).map_err(dberr)?;
        txn.open_table(ACCOUNT_TXS).map_err(dberr)?;
        txn.open_table(STATE).map_err(dberr)?;
        txn.commit().map_err(dberr)?;
        let store = Self { db, retention };
        store.index_accounts_of_old_blocks()?;
        Ok(store)
    }

    /// Stores written before the account index existed get it built once, from their blocks.
    fn index_accounts_of_old_blocks(&self) -> Result<(), StoreError> {
        let indexed = {
            let txn = self.db.begin_read().map_err(dberr)?;
            let meta = txn.open_table(META).map_err(dberr)?;
            meta.get(ACCOUNT_INDEX).map_err(dberr)?.is_some()
        };
        if indexed {
            return Ok(());
        }
        let head = self.head_height()?.unwrap_or(0);
        let txn = self.db.begin_write().map_err(dberr)?;
        {
            let mut concerned = txn.open_table(ACCOUNT_TXS).map_err(dberr)?;
            for height in 1..=head {
                let block = self
                    .block(height)?
                    .ok_or_else(|| StoreError::Corrupt(format!("block {height} missing")))?;
                let events = self.events(height)?.unwrap_or_default();
                index_accounts(&mut concerned, height, &block, &events)?;
            }
            txn.open_table(META)
                .map_err(dberr)?
                .insert(ACCOUNT_INDEX, [].as_slice())
                .map_err(dberr)?;
        }
        txn.commit().map_err(dberr)
    }

    /// The committed head's height, or `None` for an empty store.
    pub fn head_height(&self) -> Result<Option<BlockNumber>, StoreError> {
        let txn = self.db.begin_read().map_err(dberr)?;
        let meta = txn.open_table(META).map_err(dberr)?;
        let Some(head) = meta.get(HEAD).map_err(dberr)? else {
            return Ok(None);
        };
        Ok(Some(decode(head.value(), "head")?))
    }

    /// The header at `height`.
    pub fn header(&self, height: BlockNumber) -> Result<Option<Header>, StoreError> {
        self.get_decoded(HEADERS, height, "header")
    }

    /// The block at `height` (genesis, height 0, has no block, only a header).
    pub fn block(&self, height: BlockNumber) -> Result<Option<Block>, StoreError> {
        self.get_decoded(BLOCKS, height, "block")
    }

    /// The events of the block at `height`.
    pub fn events(&self, height: BlockNumber) -> Result<Option<Events>, StoreError> {
        self.get_decoded(EVENTS, height, "events")
    }

    /// The height of the block with this hash.
    pub fn height_of(&self, hash: &H256) -> Result<Option<BlockNumber>, StoreError> {
        let txn = self.db.begin_read().map_err(dberr)?;
        let table = txn.open_table(HASHES).map_err(dberr)?;
        Ok(table.get(&hash.0).map_err(dberr)?.map(|v| v.value()))
    }

    /// A committed transaction by hash: its height, position and body.
    pub fn transaction(
        &self,
        hash: &H256,
    ) -> Result<Option<(BlockNumber, u32, SignedTransaction)>, StoreError> {
        let location = {
            let txn = self.db.begin_read().map_err(dberr)?;
            let table = txn.open_table(TRANSACTIONS).map_err(dberr)?;
            table.get(&hash.0).map_err(dberr)?.map(|v| v.value())
        };
        let Some((height, index)) = location else {
            return Ok(None);
        };
        let block = self
            .block(height)?
            .ok_or_else(|| StoreError::Corrupt(format!("indexed block {height} missing")))?;
        let tx = block
            .transactions
            .get(index as usize)
            .cloned()
            .ok_or_else(|| {
                StoreError::Corrupt(format!("indexed transaction missing in {height}"))
            })?;
        Ok(Some((height, index, tx)))
    }

    /// Where the transactions concerning `account` are (height, position), newest first: at
    /// most `limit` of them, starting below `before` when it is given.
    pub fn account_transactions(
        &self,
        account: &AccountId,
        before: Option<(BlockNumber, u32)>,
        limit: usize,
    ) -> Result<Vec<(BlockNumber, u32)>, StoreError> {
        let txn = self.db.begin_read().map_err(dberr)?;
        let table = txn.open_table(ACCOUNT_TXS).map_err(dberr)?;
        let start = (&account.0, 0u64, 0u32);
        let range = match before {
            Some((height, index)) => table.range(start..(&account.0, height, index)),
            None => table.range(start..=(&account.0, u64::MAX, u32::MAX)),
        }
        .map_err(dberr)?;
        let mut out = Vec::with_capacity(limit.min(1024));
        for entry in range.rev().take(limit) {
            let (key, _) = entry.map_err(dberr)?;
            let (_, height, index) = key.value();
            out.push((height, index));
        }
        Ok(out)
    }

    /// The finality proof stored with the block at `height`, if consensus gave one for it
    /// (a block finalized only as the ancestor of a later one has none).
    pub fn finality(&self, height: BlockNumber) -> Result<Option<Vec<u8>>, StoreError> {
        let txn = self.db.begin_read().map_err(dberr)?;
        let table = txn.open_table(FINALITY).map_err(dberr)?;
        let value = table.get(height).map_err(dberr)?;
        Ok(value.map(|v| v.value().to_vec()))
    }

    fn get_decoded<T: Decode>(
        &self,
        table: TableDefinition<'_, u64, &[u8]>,
        height: BlockNumber,
        what: &str,
    ) -> Result<Option<T>, StoreError> {
        let txn = self.db.begin_read().map_err(dberr)?;
        let table = txn.open_table(table).map_err(dberr)?;
        let value = table.get(height).map_err(dberr)?;
        value.map(|v| decode(v.value(), what)).transpose()
    }

    /// Writes genesis (block 0) into an empty store; on a store that already holds this chain,
    /// does nothing.
    pub fn init(&self, chain: &Chain) -> Result<(), StoreError> {
        if self.head_height()?.is_some() {
            return self.check_genesis(chain.genesis_hash());
        }
        let txn = self.db.begin_write().map_err(dberr)?;
        {
            let mut state = txn.open_table(STATE).map_err(dberr)?;
            for (item, key, value) in chain.state().entries() {
                state
                    .insert(state_key(item, &key).as_slice(), value.as_slice())
                    .map_err(dberr)?;
            }
            let head = chain.head();
            txn.open_table(HEADERS)
                .map_err(dberr)?
                .insert(0, head.encode().as_slice())
                .map_err(dberr)?;
            txn.open_table(HASHES)
                .map_err(dberr)?
                .insert(&head.hash().0, 0)
                .map_err(dberr)?;
            let mut meta = txn.open_table(META).map_err(dberr)?;
            meta.insert(GENESIS_HASH, chain.genesis_hash().0.as_slice())
                .map_err(dberr)?;
            meta.insert(HEAD, 0u64.encode().as_slice()).map_err(dberr)?;
        }
        txn.commit().map_err(dberr)
    }

    fn check_genesis(&self, given: H256) -> Result<(), StoreError> {
        let stored = self.genesis_hash()?;
        if stored != given {
            return Err(StoreError::WrongChain { stored, given });
        }
        Ok(())
    }

    /// The genesis hash of the chain the store holds.
    pub fn genesis_hash(&self) -> Result<H256, StoreError> {
        let txn = self.db.begin_read().map_err(dberr)?;
        let meta = txn.open_table(META).map_err(dberr)?;
        let value = meta
            .get(GENESIS_HASH)
            .map_err(dberr)?
            .ok_or_else(|| StoreError::Corrupt("no genesis hash".into()))?;
        let bytes: [u8; 32] = value
            .value()
            .try_into()
            .map_err(|_| StoreError::Corrupt("genesis hash is not 32 bytes".into()))?;
        Ok(H256(bytes))
    }

    /// Commits a finalized block with what applying it produced and, when consensus has one
    /// for this very block, the proof that it is final, atomically. Committing the block
    /// already stored at its height again does nothing, so redelivery is harmless.
    pub fn commit(
        &self,
        block: &Block,
        outcome: &BlockOutcome,
        finality: Option<&[u8]>,
    ) -> Result<(), StoreError> {
        let height = block.header.number;
        let head = self
            .head_height()?
            .ok_or_else(|| StoreError::Corrupt("commit before genesis".into()))?;
        if height <= head {
            let stored = self
                .header(height)?
                .ok_or_else(|| StoreError::Corrupt(format!("header {height} missing")))?;
            if stored.hash() != block.header.hash() {
                return Err(StoreError::Conflict {
                    height,
                    hash: stored.hash(),
                });
            }
            return Ok(());
        }
        if height != head + 1 {
            return Err(StoreError::NotNext { head, got: height });
        }
        let hash = block.header.hash();
        let txn = self.db.begin_write().map_err(dberr)?;
        {
            let mut state = txn.open_table(STATE).map_err(dberr)?;
            let mut undo: Undo = Vec::with_capacity(outcome.changes.len());
            for change in &outcome.changes {
                let key = state_key(change.item, &change.key);
                let previous = match &change.value {
                    Some(value) => state.insert(key.as_slice(), value.as_slice()),
                    None => state.remove(key.as_slice()),
                }
                .map_err(dberr)?
                .map(|old| old.value().to_vec());
                undo.push((key, previous));
            }
            let mut undo_table = txn.open_table(UNDO).map_err(dberr)?;
            undo_table
                .insert(height, undo.encode().as_slice())
                .map_err(dberr)?;
            if let Retention::Recent { heights } = self.retention {
                if let Some(expired) = height.checked_sub(heights) {
                    undo_table.remove(expired).map_err(dberr)?;
                }
            }
            txn.open_table(HEADERS)
                .map_err(dberr)?
                .insert(height, block.header.encode().as_slice())
                .map_err(dberr)?;
            txn.open_table(BLOCKS)
                .map_err(dberr)?
                .insert(height, block.encode().as_slice())
                .map_err(dberr)?;
            txn.open_table(EVENTS)
                .map_err(dberr)?
                .insert(height, outcome.events.encode().as_slice())
                .map_err(dberr)?;
            txn.open_table(HASHES)
                .map_err(dberr)?
                .insert(&hash.0, height)
                .map_err(dberr)?;
            if let Some(proof) = finality {
                txn.open_table(FINALITY)
                    .map_err(dberr)?
                    .insert(height, proof)
                    .map_err(dberr)?;
            }
            let mut txs = txn.open_table(TRANSACTIONS).map_err(dberr)?;
            for (index, tx) in block.transactions.iter().enumerate() {
                txs.insert(&tx.hash().0, (height, index as u32))
                    .map_err(dberr)?;
            }
            let mut concerned = txn.open_table(ACCOUNT_TXS).map_err(dberr)?;
            index_accounts(&mut concerned, height, block, &outcome.events)?;
            txn.open_table(META)
                .map_err(dberr)?
                .insert(HEAD, height.encode().as_slice())
                .map_err(dberr)?;
        }
        txn.commit().map_err(dberr)
    }

    /// The chain at the committed head, read back and checked against the head's state root.
    pub fn load(&self) -> Result<Option<Chain>, StoreError> {
        let Some(head_height) = self.head_height()? else {
            return Ok(None);
        };
        let head = self
            .header(head_height)?
            .ok_or_else(|| StoreError::Corrupt(format!("head header {head_height} missing")))?;
        let (state, root) = self.read_state(|_| Ok(()))?;
        Chain::resume(state, root, head, self.genesis_hash()?)
            .map(Some)
            .map_err(|e| StoreError::Corrupt(format!("state does not match the head: {e}")))
    }

    /// The state as it was after block `height`, rebuilt from the current state and the undo
    /// records above it, with its root (which equals that block's header's).
    pub fn state_at(&self, height: BlockNumber) -> Result<(State, H256), StoreError> {
        let head = self
            .head_height()?
            .ok_or_else(|| StoreError::Corrupt("empty store".into()))?;
        if height > head {
            return Err(StoreError::Future { height, head });
        }
        let undos: Vec<Undo> = {
            let txn = self.db.begin_read().map_err(dberr)?;
            let table = txn.open_table(UNDO).map_err(dberr)?;
            let mut undos = Vec::new();
            for h in (height + 1..=head).rev() {
                let Some(bytes) = table.get(h).map_err(dberr)? else {
                    let oldest = table
                        .first()
                        .map_err(dberr)?
                        .map_or(head, |(k, _)| k.value().saturating_sub(1));
                    return Err(StoreError::Pruned { height, oldest });
                };
                undos.push(decode(bytes.value(), "undo record")?);
            }
            undos
        };
        self.read_state(|entries| {
            for undo in &undos {
                for (key, previous) in undo.iter().rev() {
                    match previous {
                        Some(value) => entries.insert(key.clone(), value.clone()),
                        None => entries.remove(key),
                    };
                }
            }
            Ok(())
        })
    }

    /// Reads the current state entries, lets `adjust` rewrite them, and builds the state.
    fn read_state(
        &self,
        adjust: impl FnOnce(&mut std::collections::BTreeMap<Vec<u8>, Vec<u8>>) -> Result<(), StoreError>,
    ) -> Result<(State, H256), StoreError> {
        let mut entries = std::collections::BTreeMap::new();
        {
            let txn = self.db.begin_read().map_err(dberr)?;
            let table = txn.open_table(STATE).map_err(dberr)?;
            for entry in table.iter().map_err(dberr)? {
                let (key, value) = entry.map_err(dberr)?;
                entries.insert(key.value().to_vec(), value.value().to_vec());
            }
        }
        adjust(&mut entries)?;
        let mut decoded = Vec::with_capacity(entries.len());
        for (key, value) in &entries {
            let (item, key) = split_state_key(key)?;
            decoded.push((item, key, value.as_slice()));
        }
        State::from_entries(decoded).map_err(|e| StoreError::Corrupt(e.to_string()))
    }
}
