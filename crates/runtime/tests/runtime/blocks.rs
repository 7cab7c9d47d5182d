//! Blocks: all or nothing, checked against their header.

use crate::harness::*;
use plexus_primitives::{Signature, H256};
use plexus_runtime::{
    consensus_root, transactions_root, Block, BlockError, Call, ChainParams, ConsensusRound,
    InvalidTransaction, ValidatorId, MAX_CONSENSUS_BYTES,
};

fn transfer(to: u8, value: u64) -> Call {
    Call::Transfer {
        dest: account(to),
        value,
    }
}

/// Two nodes from one genesis: `a` proposes, `b` verifies.
fn pair() -> (Net, Net) {
    (Net::quick(), Net::quick())
}

#[test]
fn test_a_second_node_reaches_the_same_root() {
    let (mut a, mut b) = pair();
    for round in 0..5u64 {
        let txs = (1..=4u8)
            .map(|s| a.tx(s, transfer(s + 1, TAO + round)))
            .collect();
        let (block, _) = a.block(txs);
        assert_eq!(block.transactions.len(), 4);
        b.chain.apply_block(&block).unwrap();
        assert_eq!(b.chain.head(), a.chain.head());
    }
    assert_ne!(a.chain.head().state_root, H256::ZERO);
}

/// The consensus layer's record rides in a block opaquely: the header commits to it, with the
/// round's leader and the parent's view, and a block whose record is not the one committed to,
/// is too long, or whose parent's view is not the one its round started from is refused.
#[test]
fn test_the_header_commits_to_the_consensus_record_and_context() {
    let (a, b) = pair();
    let round = |consensus: Vec<u8>| ConsensusRound {
        epoch: 0,
        view: 1,
        leader: ValidatorId([7; 32]),
        seeds: Vec::new(),
        consensus,
    };
    let (block, _) = a
        .chain
        .clone()
        .build_block_in(round(b"dealer log".to_vec()), 2_000, Vec::new())
        .unwrap();
    let header = &block.header;
    assert_eq!(header.consensus_root, consensus_root(b"dealer log"));
    assert_eq!(
        (header.parent_view, header.leader),
        (0, ValidatorId([7; 32]))
    );
    let apply = |block: &Block| b.chain.clone().apply_block(block).map(|_| ());
    assert_eq!(apply(&block), Ok(()));

    let mut swapped = block.clone();
    swapped.consensus = b"another log".to_vec();
    assert_eq!(apply(&swapped), Err(BlockError::ConsensusRootMismatch));
    let mut dropped = block.clone();
    dropped.consensus.clear();
    assert_eq!(apply(&dropped), Err(BlockError::ConsensusRootMismatch));
    let mut huge = block.clone();
    huge.consensus = vec![0; MAX_CONSENSUS_BYTES + 1];
    huge.header.consensus_root = consensus_root(&huge.consensus);
    assert!(matches!(
        apply(&huge),
        Err(BlockError::ConsensusTooLarge { .. })
    ));
    assert!(matches!(
        a.chain
            .clone()
            .build_block_in(round(vec![0; MAX_CONSENSUS_BYTES + 1]), 2_000, Vec::new()),
        Err(BlockError::ConsensusTooLarge { .. })
    ));
    let mut parent = block.clone();
    parent.header.parent_view = 3;
    assert_eq!(
        apply(&parent),
        Err(BlockError::WrongParentView {
            expected: 0,
            got: 3
        })
    );
}

#[test]
fn test_rejected_blocks_leave_the_state_untouched() {
    let (mut a, mut b) = pair();
    let (block, _) = a.block(vec![a.tx(1, transfer(2, TAO))]);
    let before = (b.chain.head().clone(), b.chain.state().balance(&account(1)));

    let mut wrong = block.clone();
    wrong.header.state_root = H256([1; 32]);
    assert!(matches!(
        b.chain.apply_block(&wrong),
        Err(BlockError::StateRootMismatch { .. })
    ));
    let mut wrong = block.clone();
    wrong.header.number = 2;
    assert!(matches!(
        b.chain.apply_block(&wrong),
        Err(BlockError::WrongHeight { head: 0, got: 2 })
    ));
    let mut wrong = block.clone();
    wrong.header.parent_hash = H256([2; 32]);
    assert!(matches!(
        b.chain.apply_block(&wrong),
        Err(BlockError::WrongParent { .. })
    ));
    let mut wrong = block.clone();
    wrong.header.timestamp = b.chain.head().timestamp;
    assert!(matches!(
        b.chain.apply_block(&wrong),
        Err(BlockError::TimestampNotIncreasing { .. })
    ));
    let mut wrong = block.clone();
    *parts(&mut wrong.transactions[0]).1 = Signature([3; 64]);
    wrong.header.transactions_root = transactions_root(&wrong.transactions);
    assert!(matches!(
        b.chain.apply_block(&wrong),
        Err(BlockError::InvalidTransaction {
            index: 0,
            error: InvalidTransaction::BadSignature
        })
    ));
    let mut wrong = block.clone();
    wrong.transactions.push(block.transactions[0].clone());
    assert_eq!(
        b.chain.apply_block(&wrong),
        Err(BlockError::TransactionsRootMismatch)
    );
    // The same transaction twice: the second is a stale nonce, so the whole block goes.
    wrong.header.transactions_root = transactions_root(&wrong.transactions);
    assert!(matches!(
        b.chain.apply_block(&wrong),
        Err(BlockError::InvalidTransaction {
            index: 1,
            error: InvalidTransaction::StaleNonce { .. }
        })
    ));

    assert_eq!(
        (b.chain.head().clone(), b.chain.state().balance(&account(1))),
        before
    );
    // After all that, the honest block still applies and matches.
    b.chain.apply_block(&block).unwrap();
    assert_eq!(b.chain.head(), a.chain.head());
}

#[test]
fn test_root_mismatch_after_state_changes_is_fully_undone() {
    // A block whose transactions change a lot of state, then is rejected at the root check:
    // the state's root must be back to the parent's, as a following honest block proves.
    let (mut a, mut b) = pair();
    let txs = (1..=10u8)
        .map(|s| a.tx(s, transfer(s + 100, TAO)))
        .collect();
    let (block, _) = a.block(txs);
    let mut wrong = block.clone();
    wrong.header.state_root = H256([5; 32]);
    assert!(b.chain.apply_block(&wrong).is_err());
    assert_eq!(b.chain.state().balance(&account(101)), 0);
    b.chain.apply_block(&block).unwrap();
    let (next, _) = a.block(vec![a.tx(1, transfer(2, 1000))]);
    b.chain.apply_block(&next).unwrap();
    assert_eq!(b.chain.head(), a.chain.head());
}

#[test]
fn test_block_transaction_limit() {
    let params = ChainParams {
        max_block_transactions: 2,
        ..ChainParams::default()
    };
    let mut a = Net::new(params.clone());
    let mut b = Net::new(params);
    let txs: Vec<_> = (1..=3u8).map(|s| a.tx(s, transfer(4, TAO))).collect();
    // The proposer stops at the limit...
    let (block, _) = a.block(txs.clone());
    assert_eq!(block.transactions.len(), 2);
    // ...and a verifier refuses a block over it.
    let mut big = block.clone();
    big.transactions = txs;
    assert!(matches!(
        b.chain.apply_block(&big),
        Err(BlockError::TooManyTransactions { got: 3, max: 2 })
    ));
}

#[test]
fn test_proposer_leaves_out_invalid_transactions() {
    let mut a = Net::quick();
    let good = a.tx(1, transfer(2, TAO));
    let future = a.tx_with(3, 9, None, transfer(2, TAO));
    let (block, _) = a.block(vec![future, good.clone()]);
    assert_eq!(block.transactions, vec![good]);
}

#[test]
fn test_state_round_trips_through_its_entries() {
    let mut a = Net::quick();
    a.subnet(1, 101);
    a.register(2, 1, 102);
    a.block(vec![a.tx(3, transfer(4, TAO))]);
    let entries: Vec<_> = a.chain.state().entries().collect();
    assert_eq!(entries.len(), a.chain.state().entry_count());
    let (state, root) = plexus_runtime::State::from_entries(
        entries
            .iter()
            .map(|(i, k, v)| (*i, k.as_slice(), v.as_slice())),
    )
    .unwrap();
    assert_eq!(root, a.chain.head().state_root);
    // The resumed chain goes on exactly like the original.
    let mut b = Net::quick();
    b.chain =
        plexus_runtime::Chain::resume(state, root, a.chain.head().clone(), a.chain.genesis_hash())
            .unwrap();
    b.timestamp = a.timestamp;
    let (block, _) = a.block(vec![a.tx(5, transfer(6, TAO))]);
    b.chain.apply_block(&block).unwrap();
    assert_eq!(b.chain.head(), a.chain.head());
    // Garbage entries are refused with a reason.
    let bad = plexus_runtime::State::from_entries([("balances", &[1u8][..], &[2u8][..])]);
    assert!(matches!(
        bad,
        Err(plexus_runtime::StateDecodeError::Entry { .. })
    ));
    let bad = plexus_runtime::State::from_entries([("nonsense", &[][..], &[][..])]);
    assert!(matches!(
        bad,
        Err(plexus_runtime::StateDecodeError::UnknownItem(_))
    ));
}

#[test]
fn test_block_changes_turn_the_parent_state_into_the_child() {
    use std::collections::BTreeMap;
    let mut net = Net::quick();
    let netuid = net.subnet(1, 101);
    let entries = |net: &Net| -> BTreeMap<(&'static str, Vec<u8>), Vec<u8>> {
        net.chain
            .state()
            .entries()
            .map(|(i, k, v)| ((i, k), v))
            .collect()
    };
    let mut parent = entries(&net);
    let txs = vec![
        net.tx(2, transfer(3, TAO)),
        net.tx(
            4,
            Call::BurnedRegister {
                netuid,
                hotkey: account(104),
            },
        ),
    ];
    let (_, outcome) = net.block(txs);
    assert!(!outcome.changes.is_empty());
    for change in outcome.changes {
        match change.value {
            Some(value) => parent.insert((change.item, change.key), value),
            None => parent.remove(&(change.item, change.key)),
        };
    }
    assert_eq!(parent, entries(&net));
}
