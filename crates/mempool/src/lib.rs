//! The pool of transactions a node has accepted but not yet seen in a finalized block.
//!
//! Admission checks each transaction against the head state (signature already checked by the
//! caller, then genesis, expiry, fee and — for free calls — that the call would succeed).
//! Transactions whose nonce is ahead of the account's wait as "future" ones, up to a small gap,
//! until the nonces before them arrive. A proposer takes transactions in priority order (tip
//! per byte, then arrival) while keeping each account's nonces in sequence. After every block
//! the pool drops what the block included and re-checks what is left against the new state.
//! Everything is bounded: total count, total bytes, and per account; when full, a better-paying
//! transaction evicts the worst one.
//!
//! # What this is not
//! No networking or gossip, no signature checks (callers pass [`CheckedTransaction`]s, checked
//! in batches off the critical path), no clock.

use plexus_primitives::{AccountId, H256};
use plexus_runtime::{Chain, CheckedTransaction, InvalidTransaction};
use std::collections::BTreeMap;

/// Bounds on what the pool holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most transactions in the pool.
    pub max_count: usize,
    /// Most encoded bytes in the pool.
    pub max_bytes: usize,
    /// Most transactions of one account.
    pub max_per_account: usize,
    /// How far ahead of the account's nonce a transaction may be and still wait in the pool.
    pub max_nonce_gap: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_count: 50_000,
            max_bytes: 64 * 1024 * 1024,
            max_per_account: 64,
            max_nonce_gap: 16,
        }
    }
}

/// Why the pool refused a transaction.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdmitError {
    /// The same transaction is already in the pool.
    #[error("transaction already in the pool")]
    Duplicate,
    /// Another transaction with the same account and nonce pays as much or more.
    #[error("a transaction with this nonce and at least this tip is already in the pool")]
    Underpriced,
    /// Invalid against the head state.
    #[error("invalid: {0}")]
    Invalid(InvalidTransaction),
    /// Its nonce is further ahead than the pool keeps.
    #[error("nonce {got} is more than {max_gap} ahead of the account's next nonce {expected}")]
    NonceTooFarAhead {
        /// The account's next nonce.
        expected: u64,
        /// The transaction's.
        got: u64,
        /// The pool's limit.
        max_gap: u64,
    },
    /// The account already has the most transactions the pool keeps per account.
    #[error("the account already has {0} transactions in the pool")]
    AccountFull(usize),
    /// The pool is full of transactions that pay at least as well.
    #[error("the pool is full")]
    Full,
}

/// Priority: tip per byte (scaled), then earlier arrival first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Priority {
    tip_per_kib: u64,
    /// Negated arrival order, so that earlier is greater.
    earlier: std::cmp::Reverse<u64>,
}

struct Entry {
    tx: CheckedTransaction,
    priority: Priority,
}

/// The pending transactions.
#[derive(Default)]
pub struct Mempool {
    limits: Limits,
    by_hash: BTreeMap<H256, (AccountId, u64)>,
    by_account: BTreeMap<AccountId, BTreeMap<u64, Entry>>,
    bytes: usize,
    arrivals: u64,
}

fn priority_of(tx: &CheckedTransaction, arrival: u64) -> Priority {
    let tip = u128::from(tx.transaction().tip);
    let len = u128::from(tx.encoded_len().max(1));
    Priority {
        tip_per_kib: u64::try_from(tip * 1024 / len).unwrap_or(u64::MAX),
        earlier: std::cmp::Reverse(arrival),
    }
}

impl Mempool {
    /// An empty pool with these limits.
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            ..Self::default()
        }
    }

    /// Number of transactions held.
    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    /// Whether the pool is empty.
    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }

    /// Encoded bytes held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Whether the pool holds this transaction.
    pub fn contains(&self, hash: &H256) -> bool {
        self.by_hash.contains_key(hash)
    }

    /// The nonce an account's next transaction should use: `chain_next` (the account's next
    /// nonce on chain) moved past the consecutive nonces this pool already holds for it.
    pub fn next_nonce(&self, account: &AccountId, chain_next: u64) -> u64 {
        let mut next = chain_next;
        if let Some(queue) = self.by_account.get(account) {
            for nonce in queue.range(chain_next..).map(|(nonce, _)| *nonce) {
                if nonce != next {
                    break;
                }
                next += 1;
            }
        }
        next
    }

    /// Admits `tx` if it is valid at `chain`'s head (or only waiting for earlier nonces).
    pub fn admit(&mut self, chain: &mut Chain, tx: CheckedTransaction) -> Result<H256, AdmitError> {
        let hash = tx.hash();
        if self.by_hash.contains_key(&hash) {
            return Err(AdmitError::Duplicate);
        }
        let signer = tx.transaction().signer;
        let nonce = tx.transaction().nonce;
        let expected = chain.next_nonce(&signer);
        match chain.validate_transaction(&tx) {
            Ok(()) => {}
            Err(InvalidTransaction::FutureNonce { .. }) => {
                if nonce - expected > self.limits.max_nonce_gap {
                    return Err(AdmitError::NonceTooFarAhead {
                        expected,
                        got: nonce,
                        max_gap: self.limits.max_nonce_gap,
                    });
                }
            }
            Err(e) => return Err(AdmitError::Invalid(e)),
        }
        let priority = priority_of(&tx, self.arrivals);
        let queue = self.by_account.get(&signer);
        let replaces = queue.and_then(|q| q.get(&nonce)).map(|e| e.priority);
        if let Some(old) = replaces {
            if old.tip_per_kib >= priority.tip_per_kib {
                return Err(AdmitError::Underpriced);
            }
        } else if queue.map_or(0, BTreeMap::len) >= self.limits.max_per_account {
            return Err(AdmitError::AccountFull(self.limits.max_per_account));
        }
        let size = tx.encoded_len() as usize;
        if replaces.is_some() {
            self.remove(&signer, nonce);
        }
        while self.by_hash.len() >= self.limits.max_count
            || self.bytes + size > self.limits.max_bytes
        {
            let Some((account, worst_nonce, worst)) = self.worst() else {
                return Err(AdmitError::Full);
            };
            if worst >= priority {
                return Err(AdmitError::Full);
            }
            self.remove(&account, worst_nonce);
        }
        self.arrivals += 1;
        self.bytes += size;
        self.by_hash.insert(hash, (signer, nonce));
        self.by_account
            .entry(signer)
            .or_default()
            .insert(nonce, Entry { tx, priority });
        Ok(hash)
    }

    /// The least valuable transaction that can go without stranding others: the last nonce of
    /// some account, lowest priority first.
    fn worst(&self) -> Option<(AccountId, u64, Priority)> {
        self.by_account
            .iter()
            .filter_map(|(account, queue)| {
                let (nonce, entry) = queue.last_key_value()?;
                Some((*account, *nonce, entry.priority))
            })
            .min_by_key(|(_, _, p)| *p)
    }

    fn remove(&mut self, account: &AccountId, nonce: u64) -> Option<CheckedTransaction> {
        let queue = self.by_account.get_mut(account)?;
        let entry = queue.remove(&nonce)?;
        if queue.is_empty() {
            self.by_account.remove(account);
        }
        self.by_hash.remove(&entry.tx.hash());
        self.bytes -= entry.tx.encoded_len() as usize;
        Some(entry.tx)
    }

    /// Up to `max` transactions for the next block, best first, each account's in nonce order
    /// starting from its next nonce at `chain`'s head; waiting ones after a gap are left out.
    pub fn ready(&self, chain: &Chain, max: usize) -> Vec<CheckedTransaction> {
        // Per account, the run of consecutive nonces from the account's next one.
        let mut runs: Vec<std::collections::VecDeque<&Entry>> = self
            .by_account
            .iter()
            .map(|(account, queue)| {
                let first = chain.next_nonce(account);
                (first..)
                    .zip(queue.range(first..))
                    .take_while(|(expected, (nonce, _))| expected == *nonce)
                    .map(|(_, (_, entry))| entry)
                    .collect::<std::collections::VecDeque<_>>()
            })
            .filter(|run| !run.is_empty())
            .collect();
        let mut heap: std::collections::BinaryHeap<(Priority, usize)> = runs
            .iter()
            .enumerate()
            .filter_map(|(i, run)| run.front().map(|e| (e.priority, i)))
            .collect();
        let mut out = Vec::new();
        while out.len() < max {
            let Some((_, i)) = heap.pop() else { break };
            let Some(entry) = runs[i].pop_front() else {
                continue;
            };
            out.push(entry.tx.clone());
            if let Some(next) = runs[i].front() {
                heap.push((next.priority, i));
            }
        }
        out
    }

    /// After a block: drops what the chain now has (used nonces) and re-checks each account's
    /// next transaction against the new head, dropping the invalid ones (and what depends on
    /// them). Returns the hashes dropped.
    pub fn prune(&mut self, chain: &mut Chain) -> Vec<H256> {
        let mut dropped = Vec::new();
        let accounts: Vec<AccountId> = self.by_account.keys().copied().collect();
        for account in accounts {
            let next = chain.next_nonce(&account);
            let stale: Vec<u64> = self
                .by_account
                .get(&account)
                .map(|q| q.range(..next).map(|(n, _)| *n).collect())
                .unwrap_or_default();
            for nonce in stale {
                if let Some(tx) = self.remove(&account, nonce) {
                    dropped.push(tx.hash());
                }
            }
            let Some(first) = self
                .by_account
                .get(&account)
                .and_then(|q| q.get(&next))
                .map(|e| e.tx.clone())
            else {
                continue;
            };
            if chain.validate_transaction(&first).is_err() {
                let all: Vec<u64> = self
                    .by_account
                    .get(&account)
                    .map(|q| q.keys().copied().collect())
                    .unwrap_or_default();
                for nonce in all {
                    if let Some(tx) = self.remove(&account, nonce) {
                        dropped.push(tx.hash());
                    }
                }
            }
        }
        dropped
    }
}
