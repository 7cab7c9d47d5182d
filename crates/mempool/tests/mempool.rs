//! The mempool against a real chain.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use plexus_mempool::{AdmitError, Limits, Mempool};
use plexus_primitives::{AccountId, H256, RAO_PER_TAO};
use plexus_runtime::{
    Call, Chain, ChainParams, CheckedTransaction, Genesis, InvalidTransaction, Transaction,
};

fn keypair(i: u8) -> schnorrkel::Keypair {
    schnorrkel::MiniSecretKey::from_bytes(&[i; 32])
        .unwrap()
        .expand_to_keypair(schnorrkel::ExpansionMode::Ed25519)
}

fn account(i: u8) -> AccountId {
    AccountId(keypair(i).public.to_bytes())
}

fn chain() -> Chain {
    Chain::from_genesis(&Genesis {
        chain_id: "mempool".into(),
        timestamp: 1,
        governance: None,
        balances: (1..=10)
            .map(|i| (account(i), 1_000 * RAO_PER_TAO))
            .collect(),
        params: ChainParams::default(),
        group_key: None,
        epoch_length: None,
        consensus: None,
    })
    .unwrap()
}

fn transfer(genesis_hash: H256, from: u8, nonce: u64, tip: u64) -> CheckedTransaction {
    let transaction = Transaction {
        signer: account(from),
        nonce,
        genesis_hash,
        valid_until: None,
        tip,
        call: Call::Transfer {
            dest: account(20),
            value: RAO_PER_TAO,
        },
    };
    let chain = chain();
    transaction
        .sign(&keypair(from))
        .check(&chain.check_context())
        .unwrap()
}

#[test]
fn test_admission_rules() {
    let mut chain = chain();
    let g = chain.genesis_hash();
    let mut pool = Mempool::new(Limits {
        max_nonce_gap: 3,
        max_per_account: 4,
        ..Limits::default()
    });
    let tx = transfer(g, 1, 0, 0);
    pool.admit(&mut chain, tx.clone()).unwrap();
    assert_eq!(pool.admit(&mut chain, tx), Err(AdmitError::Duplicate));
    // Waiting for earlier nonces is fine, within the gap.
    pool.admit(&mut chain, transfer(g, 1, 3, 0)).unwrap();
    assert_eq!(
        pool.admit(&mut chain, transfer(g, 1, 4, 0)),
        Err(AdmitError::NonceTooFarAhead {
            expected: 0,
            got: 4,
            max_gap: 3
        })
    );
    // Same nonce: only a better tip replaces.
    assert_eq!(
        pool.admit(&mut chain, transfer(g, 1, 0, 0)),
        Err(AdmitError::Underpriced)
    );
    pool.admit(&mut chain, transfer(g, 1, 0, 500)).unwrap();
    assert_eq!(pool.len(), 2);
    pool.admit(&mut chain, transfer(g, 1, 1, 0)).unwrap();
    pool.admit(&mut chain, transfer(g, 1, 2, 0)).unwrap();
    pool.admit(&mut chain, transfer(g, 2, 0, 0)).unwrap();
    // Invalid at the head: an account with no funds.
    assert!(matches!(
        pool.admit(&mut chain, transfer(g, 30, 0, 0)),
        Err(AdmitError::Invalid(InvalidTransaction::CannotPayFee { .. }))
    ));
}

#[test]
fn test_account_limit() {
    let mut chain = chain();
    let g = chain.genesis_hash();
    let mut pool = Mempool::new(Limits {
        max_per_account: 2,
        ..Limits::default()
    });
    pool.admit(&mut chain, transfer(g, 1, 0, 0)).unwrap();
    pool.admit(&mut chain, transfer(g, 1, 1, 0)).unwrap();
    assert_eq!(
        pool.admit(&mut chain, transfer(g, 1, 2, 0)),
        Err(AdmitError::AccountFull(2))
    );
}

#[test]
fn test_ready_orders_by_tip_and_keeps_nonces_in_sequence() {
    let mut chain = chain();
    let g = chain.genesis_hash();
    let mut pool = Mempool::new(Limits::default());
    // Account 1: nonce 0 tips little, nonce 1 tips a lot; account 2 tips in between.
    let a0 = transfer(g, 1, 0, 10);
    let a1 = transfer(g, 1, 1, 100_000);
    let b0 = transfer(g, 2, 0, 5_000);
    // Account 3 has a gap: nonce 1 without 0.
    let c1 = transfer(g, 3, 1, 1_000_000);
    for tx in [&a1, &a0, &b0, &c1] {
        pool.admit(&mut chain, tx.clone()).unwrap();
    }
    let order: Vec<_> = pool.ready(&chain, 10).iter().map(|t| t.hash()).collect();
    assert_eq!(order, vec![b0.hash(), a0.hash(), a1.hash()]);
    assert_eq!(pool.ready(&chain, 1).len(), 1);
    // The proposer's block applies cleanly in that order.
    let (block, _) = chain.build_block(2, pool.ready(&chain, 10)).unwrap();
    assert_eq!(block.transactions.len(), 3);
    let dropped = pool.prune(&mut chain);
    assert_eq!(dropped.len(), 3);
    assert_eq!(pool.len(), 1, "the gapped transaction still waits");
}

#[test]
fn test_full_pool_evicts_the_worst_for_a_better_one() {
    let mut chain = chain();
    let g = chain.genesis_hash();
    let one = transfer(g, 1, 0, 0);
    let size = one.encoded_len() as usize;
    let mut pool = Mempool::new(Limits {
        max_count: 3,
        max_bytes: 100 * size,
        ..Limits::default()
    });
    for from in 1..=3 {
        pool.admit(&mut chain, transfer(g, from, 0, 10 * u64::from(from)))
            .unwrap();
    }
    assert_eq!(
        pool.admit(&mut chain, transfer(g, 4, 0, 5)),
        Err(AdmitError::Full)
    );
    pool.admit(&mut chain, transfer(g, 4, 0, 50)).unwrap();
    assert_eq!(pool.len(), 3);
    let accounts: Vec<_> = pool
        .ready(&chain, 10)
        .iter()
        .map(|t| t.transaction().signer)
        .collect();
    assert!(
        !accounts.contains(&account(1)),
        "the lowest tip was evicted"
    );
    // Byte limit too.
    let mut small = Mempool::new(Limits {
        max_bytes: size + 1,
        ..Limits::default()
    });
    small.admit(&mut chain, transfer(g, 5, 0, 0)).unwrap();
    assert_eq!(
        small.admit(&mut chain, transfer(g, 6, 0, 0)),
        Err(AdmitError::Full)
    );
    assert!(small.bytes() <= size + 1);
}

#[test]
fn test_prune_drops_transactions_a_block_made_invalid() {
    let mut chain = chain();
    let g = chain.genesis_hash();
    let mut pool = Mempool::new(Limits::default());
    // Account 7 queues two transfers; then spends almost everything in a block the pool
    // did not see (another node's), so the queued ones can no longer pay.
    pool.admit(&mut chain, transfer(g, 7, 0, 0)).unwrap();
    pool.admit(&mut chain, transfer(g, 7, 1, 0)).unwrap();
    let drain = Transaction {
        signer: account(7),
        nonce: 0,
        genesis_hash: chain.genesis_hash(),
        valid_until: None,
        tip: 1,
        call: Call::TransferAll {
            dest: account(8),
            keep_alive: false,
        },
    };
    let drain = drain
        .sign(&keypair(7))
        .check(&chain.check_context())
        .unwrap();
    chain.build_block(2, vec![drain]).unwrap();
    let dropped = pool.prune(&mut chain);
    assert_eq!(dropped.len(), 2);
    assert!(pool.is_empty());
}

#[test]
fn test_next_nonce_skips_only_consecutive_pending_nonces() {
    let mut chain = chain();
    let g = chain.genesis_hash();
    let mut pool = Mempool::new(Limits::default());
    assert_eq!(pool.next_nonce(&account(1), 0), 0);
    pool.admit(&mut chain, transfer(g, 1, 0, 0)).unwrap();
    pool.admit(&mut chain, transfer(g, 1, 1, 0)).unwrap();
    pool.admit(&mut chain, transfer(g, 1, 3, 0)).unwrap();
    // 0 and 1 are taken; 2 is the gap a new transaction should fill.
    assert_eq!(pool.next_nonce(&account(1), 0), 2);
    assert_eq!(pool.next_nonce(&account(2), 0), 0);
}
