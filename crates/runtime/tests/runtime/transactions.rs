//! Transaction validity, fees, nonces and transfers.

use crate::harness::*;
use parity_scale_codec::Encode;
use plexus_primitives::{Signature, H256};
use plexus_runtime::{
    Call, ChainParams, DispatchError, Event, GovernanceCall, InvalidTransaction, SignedTransaction,
};

fn transfer(to: u8, value: u64) -> Call {
    Call::Transfer {
        dest: account(to),
        value,
    }
}

fn fee_of(net: &Net, tx: &SignedTransaction) -> u64 {
    let p = net.chain.state().chain_params();
    let by_hand = p.base_fee + p.byte_fee * tx.encode().len() as u64;
    assert_eq!(p.fee(tx.call(), tx.encode().len() as u32, 0), by_hand);
    by_hand
}

#[test]
fn test_transfer_moves_balance_and_burns_fee() {
    let mut net = Net::quick();
    let tx = net.tx(1, transfer(2, 5 * TAO));
    let fee = fee_of(&net, &tx);
    let issuance = net.chain.state().total_issuance();
    let events = net.submit(tx).unwrap();
    assert!(events.contains(&Event::Transfer {
        from: account(1),
        to: account(2),
        amount: 5 * TAO
    }));
    let s = net.chain.state();
    assert_eq!(s.balance(&account(1)), 1_000_000 * TAO - 5 * TAO - fee);
    assert_eq!(s.balance(&account(2)), 1_000_000 * TAO + 5 * TAO);
    assert_eq!(s.total_issuance(), issuance - fee);
    assert_eq!(s.nonce(&account(1)), 1);
    net.assert_supply_conserved();
}

#[test]
fn test_new_account_needs_existential_deposit() {
    let mut net = Net::quick();
    let err = net.fails(1, transfer(50, 499));
    assert_eq!(
        err,
        DispatchError::BelowExistentialDeposit {
            amount: 499,
            minimum: 500
        }
    );
    // The failed transfer still paid its fee and used its nonce.
    assert_eq!(net.chain.state().nonce(&account(1)), 1);
    assert!(net.chain.state().balance(&account(1)) < 1_000_000 * TAO);
    net.ok(1, transfer(50, 500));
    assert_eq!(net.chain.state().balance(&account(50)), 500);
}

#[test]
fn test_insufficient_balance_and_keep_alive() {
    let mut net = Net::quick();
    let err = net.fails(1, transfer(2, 2_000_000 * TAO));
    assert!(matches!(err, DispatchError::InsufficientBalance { .. }));
    let all = net.chain.state().balance(&account(1));
    let tx = net.tx(
        1,
        Call::TransferKeepAlive {
            dest: account(2),
            value: all,
        },
    );
    let events = net.submit(tx).unwrap();
    assert!(matches!(
        events.last(),
        Some(Event::TransactionFailed {
            error: DispatchError::InsufficientBalance { .. },
            ..
        })
    ));
    // Everything but the fee and 100 rao: keep-alive must refuse, plain transfer must reap.
    let tx = net.tx(1, transfer(2, 0));
    let fee = fee_of(&net, &tx);
    let balance = net.chain.state().balance(&account(1));
    let keep = net.fails(
        1,
        Call::TransferKeepAlive {
            dest: account(2),
            value: balance - fee - 100,
        },
    );
    assert_eq!(keep, DispatchError::KeepAlive);
    let balance = net.chain.state().balance(&account(1));
    let events = net.ok(1, transfer(2, balance - fee - 100));
    assert!(events.contains(&Event::AccountReaped {
        account: account(1),
        dust: 100
    }));
    assert_eq!(net.chain.state().balance(&account(1)), 0);
    // The nonce survives the account, so old transactions can never be replayed.
    assert_eq!(net.chain.state().nonce(&account(1)), 4);
    net.assert_supply_conserved();
}

#[test]
fn test_transfer_all() {
    let mut net = Net::quick();
    net.ok(
        3,
        Call::TransferAll {
            dest: account(4),
            keep_alive: true,
        },
    );
    assert_eq!(net.chain.state().balance(&account(3)), 500);
    net.ok(
        5,
        Call::TransferAll {
            dest: account(4),
            keep_alive: false,
        },
    );
    assert_eq!(net.chain.state().balance(&account(5)), 0);
    net.assert_supply_conserved();
}

#[test]
fn test_invalid_transactions_are_named() {
    let mut net = Net::quick();
    // Bad signature: signed by another key.
    let mut tx = net.tx(1, transfer(2, TAO));
    *parts(&mut tx).1 = *parts(&mut net.tx(3, transfer(2, TAO))).1;
    assert_eq!(
        tx.check(&net.chain.check_context()).unwrap_err(),
        InvalidTransaction::BadSignature
    );
    let mut tx = net.tx(1, transfer(2, TAO));
    *parts(&mut tx).1 = Signature([7; 64]);
    assert_eq!(net.submit(tx), Err(InvalidTransaction::BadSignature));

    // Wrong genesis.
    let mut tx = net.tx(1, transfer(2, TAO));
    parts(&mut tx).0.genesis_hash = H256([9; 32]);
    let tx = resign(tx, 1);
    assert!(matches!(
        net.submit(tx),
        Err(InvalidTransaction::WrongGenesis { .. })
    ));

    // Nonces: future, then stale.
    let tx = net.tx_with(1, 5, None, transfer(2, TAO));
    assert_eq!(
        net.submit(tx),
        Err(InvalidTransaction::FutureNonce {
            expected: 0,
            got: 5
        })
    );
    let tx = net.tx(1, transfer(2, TAO));
    let replay = tx.clone();
    net.submit(tx).unwrap();
    assert_eq!(
        net.submit(replay),
        Err(InvalidTransaction::StaleNonce {
            expected: 1,
            got: 0
        })
    );

    // Expired.
    let head = net.block_number();
    let tx = net.tx_with(1, 1, Some(head), transfer(2, TAO));
    assert_eq!(
        net.submit(tx),
        Err(InvalidTransaction::Expired {
            valid_until: head,
            block: head + 1
        })
    );
    let tx = net.tx_with(1, 1, Some(head + 1), transfer(2, TAO));
    net.submit(tx).unwrap();

    // Cannot pay the fee: a fresh account with 600 rao.
    net.ok(1, transfer(60, 600));
    let err = net.submit(net.tx(60, transfer(1, 1))).unwrap_err();
    assert!(matches!(
        err,
        InvalidTransaction::CannotPayFee { balance: 600, .. }
    ));

    // Governance calls from anyone else.
    let call = Call::Governance(GovernanceCall::SetKey(None));
    assert_eq!(
        net.submit(net.tx(1, call)),
        Err(InvalidTransaction::NotGovernance)
    );
}

fn resign(mut tx: SignedTransaction, seed: u8) -> SignedTransaction {
    let (transaction, signature) = parts(&mut tx);
    *signature = plexus_primitives::sign(&keypair(seed), &transaction.signing_payload());
    tx
}

#[test]
fn test_decoding_is_strict_and_bounded() {
    let net = Net::quick();
    let tx = net.tx(1, transfer(2, TAO));
    let bytes = tx.encode();
    let max = net.chain.state().chain_params().max_transaction_bytes;
    assert_eq!(SignedTransaction::decode_bytes(&bytes, max).unwrap(), tx);
    // Trailing bytes.
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(matches!(
        SignedTransaction::decode_bytes(&longer, max),
        Err(InvalidTransaction::Malformed(_))
    ));
    // Truncated, and every prefix of it.
    for cut in 0..bytes.len() {
        assert!(SignedTransaction::decode_bytes(&bytes[..cut], max).is_err());
    }
    // Too big, before any decoding.
    let big = vec![0u8; max as usize + 1];
    assert_eq!(
        SignedTransaction::decode_bytes(&big, max),
        Err(InvalidTransaction::TooBig {
            size: max as usize + 1,
            max
        })
    );
    // A weights call whose length prefix claims a billion entries.
    let mut lying = net
        .tx(
            1,
            Call::SetWeights {
                netuid: 1,
                dests: vec![],
                weights: vec![],
                version_key: 0,
            },
        )
        .encode();
    let at = lying.len() - 64 - 8 - 2; // ...dests' compact length (0) sits before weights'
    lying[at] = 0xff;
    assert!(SignedTransaction::decode_bytes(&lying, max).is_err());
}

#[test]
fn test_oversized_transaction_is_invalid_in_a_block() {
    let mut net = Net::new(ChainParams {
        max_transaction_bytes: 1024,
        ..ChainParams::default()
    });
    let tx = net.tx(
        1,
        Call::SetWeights {
            netuid: 1,
            dests: vec![0; 600],
            weights: vec![0; 600],
            version_key: 0,
        },
    );
    assert!(matches!(
        net.submit(tx),
        Err(InvalidTransaction::TooBig { max: 1024, .. })
    ));
}

#[test]
fn test_governance_changes_params_and_key() {
    let mut net = Net::quick();
    let params = ChainParams {
        base_fee: 7,
        ..net.chain.state().chain_params()
    };
    net.ok(
        GOV,
        Call::Governance(GovernanceCall::SetChainParams(params.clone())),
    );
    assert_eq!(net.chain.state().chain_params().base_fee, 7);
    let bad = ChainParams {
        existential_deposit: 0,
        ..params
    };
    assert!(matches!(
        net.fails(GOV, Call::Governance(GovernanceCall::SetChainParams(bad))),
        DispatchError::InvalidChainParams(_)
    ));
    net.ok(
        GOV,
        Call::Governance(GovernanceCall::SetKey(Some(account(7)))),
    );
    assert_eq!(net.chain.state().governance(), Some(account(7)));
    assert_eq!(
        net.submit(net.tx(GOV, Call::Governance(GovernanceCall::SetKey(None)))),
        Err(InvalidTransaction::NotGovernance)
    );
}

#[test]
fn test_tips_are_paid_on_top_and_free_calls_may_tip() {
    let mut net = Net::quick();
    let mut tx = net.tx(1, transfer(2, TAO));
    parts(&mut tx).0.tip = 12_345;
    let tx = resign(tx, 1);
    let fee = fee_of(&net, &tx) + 12_345;
    let events = net.submit(tx).unwrap();
    assert!(events.contains(&Event::FeePaid {
        who: account(1),
        fee
    }));
    // A governance call is free; with a tip it pays just the tip.
    let mut tx = net.tx(
        GOV,
        Call::Governance(GovernanceCall::SetKey(Some(account(GOV)))),
    );
    parts(&mut tx).0.tip = 7;
    let tx = resign(tx, GOV);
    let events = net.submit(tx).unwrap();
    assert!(events.contains(&Event::FeePaid {
        who: account(GOV),
        fee: 7
    }));
    net.assert_supply_conserved();
}
