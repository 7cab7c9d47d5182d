//! The Substrate envelope: extrinsics signed as Bittensor's clients sign them are applied like
//! Plexus's own transactions, and every malformed, mis-signed, expired or replayed one is
//! refused before it changes anything.

use crate::harness::*;
use parity_scale_codec::{Compact, Encode};
use plexus_primitives::{blake2_256, H256};
use plexus_runtime::extrinsic::{self, Extrinsic};
use plexus_runtime::{Event, InvalidTransaction, SignedTransaction};

/// `seed`'s next transaction at `net`'s head: immortal, or mortal for `(period, birth, hash)`.
fn signed(net: &Net, seed: u8, mortal: Option<(u64, u64, H256)>, call: &[u8]) -> Vec<u8> {
    let nonce = u32::try_from(net.chain.next_nonce(&account(seed))).unwrap();
    extrinsic::sign(
        &keypair(seed),
        net.chain.genesis_hash(),
        mortal,
        nonce,
        call,
    )
}

/// Mortal for `period` blocks from the head, as the clients sign (birth: the head).
fn from_head(net: &Net, period: u64) -> Option<(u64, u64, H256)> {
    Some((period, net.chain.head().number, net.chain.head().hash()))
}

fn with_length(body: Vec<u8>) -> Vec<u8> {
    let mut bytes = Compact(u32::try_from(body.len()).unwrap()).encode();
    bytes.extend(body);
    bytes
}

/// `Balances.transfer_keep_alive(dest, value)`.
fn transfer_call(dest: u8, value: u64) -> Vec<u8> {
    let mut call = vec![5, 3, 0];
    call.extend_from_slice(&account(dest).0);
    Compact(value).encode_to(&mut call);
    call
}

fn decode(bytes: &[u8]) -> Result<SignedTransaction, InvalidTransaction> {
    Extrinsic::decode_bytes(bytes, 1 << 16).map(SignedTransaction::Substrate)
}

#[test]
fn test_a_signed_extrinsic_is_applied_and_stored_as_signed() {
    let mut net = Net::quick();
    net.advance_to(3);
    let before = net.chain.state().balance(&account(2));
    let bytes = signed(&net, 1, from_head(&net, 128), &transfer_call(2, 3 * TAO));
    let tx = decode(&bytes).unwrap();
    assert_eq!(tx.hash(), blake2_256(&bytes), "the clients' extrinsic hash");
    assert_eq!(
        tx.encode()[1..],
        bytes[..],
        "stored byte for byte after its envelope tag"
    );
    let events = net.submit(tx).unwrap();
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::TransactionSucceeded { hash } if *hash == blake2_256(&bytes))));
    assert_eq!(net.chain.state().balance(&account(2)), before + 3 * TAO);
    assert_eq!(net.chain.next_nonce(&account(1)), 1);
    // The same account's next one, immortal this time, shares the nonce sequence.
    let bytes = signed(&net, 1, None, &transfer_call(2, TAO));
    net.submit(decode(&bytes).unwrap()).unwrap();
    assert_eq!(net.chain.next_nonce(&account(1)), 2);
    net.assert_supply_conserved();
}

#[test]
fn test_bad_extrinsics_are_refused_and_change_nothing() {
    let mut net = Net::quick();
    net.advance_to(3);
    let call = transfer_call(2, TAO);

    // A bad signature: one bit of it flipped.
    let mut bytes = signed(&net, 1, None, &call);
    bytes[50] ^= 1; // in the signature (prefix 2, version 1, address 33, type 1)
    assert_eq!(
        net.submit(decode(&bytes).unwrap()),
        Err(InvalidTransaction::BadSignature)
    );
    // Signed for another chain.
    let bytes = extrinsic::sign(&keypair(1), H256([9; 32]), None, 0, &call);
    assert_eq!(
        net.submit(decode(&bytes).unwrap()),
        Err(InvalidTransaction::BadSignature)
    );
    // An expired era: signed at the head with a period of 4, applied 4 blocks later, when the
    // era names a later birth block than the one signed; the earlier one is recognised.
    let expiring = decode(&signed(&net, 1, from_head(&net, 4), &call)).unwrap();
    let signed_at = net.block_number();
    net.advance_to(net.block_number() + 4);
    assert_eq!(
        net.submit(expiring),
        Err(InvalidTransaction::Expired {
            valid_until: signed_at + 3,
            block: net.block_number() + 1,
        })
    );
    // A replayed nonce.
    let bytes = signed(&net, 1, None, &call);
    net.submit(decode(&bytes).unwrap()).unwrap();
    assert!(matches!(
        net.submit(decode(&bytes).unwrap()),
        Err(InvalidTransaction::StaleNonce { .. })
    ));

    // Malformed: trailing bytes, an unknown call, a wrong length prefix, an unsigned one,
    // another signature scheme, an oversize body.
    let good = signed(&net, 1, None, &call);
    let body = good[2..].to_vec();
    let mut trailing = body.clone();
    trailing.push(0);
    let unknown = signed(&net, 1, None, &[7, 250]);
    let mut short_prefix = good.clone();
    short_prefix.pop();
    let mut unsigned = vec![0x04];
    unsigned.extend_from_slice(&call);
    let mut ed25519 = body.clone();
    ed25519[34] = 0x00;
    for (what, bytes) in [
        ("trailing bytes", with_length(trailing)),
        ("an unknown call", unknown),
        ("a wrong length prefix", short_prefix),
        ("an unsigned extrinsic", with_length(unsigned)),
        ("an ed25519 signature", with_length(ed25519)),
    ] {
        assert!(
            matches!(decode(&bytes), Err(InvalidTransaction::Malformed(_))),
            "{what}: {:?}",
            decode(&bytes)
        );
    }
    assert!(matches!(
        Extrinsic::decode_bytes(&good, 10),
        Err(InvalidTransaction::TooBig { .. })
    ));
    assert_eq!(
        net.chain.next_nonce(&account(1)),
        1,
        "only the one good transfer counted"
    );
}

#[test]
fn test_an_unknown_birth_block_is_named() {
    let mut net = Net::quick();
    net.advance_to(2);
    // Period 16, phase 9: at block 3 the birth would be block 9, which has not happened.
    let bytes = signed(&net, 1, Some((16, 9, H256::ZERO)), &transfer_call(2, TAO));
    let tx = decode(&bytes).unwrap();
    assert_eq!(
        net.submit(tx),
        Err(InvalidTransaction::AncientBirthBlock { birth: 9 })
    );
}

/// `SubtensorModule.register_limit(netuid, hotkey, limit_price)`.
fn register_limit_call(netuid: u16, hotkey: u8, limit_price: u64) -> Vec<u8> {
    let mut call = vec![7, 134];
    netuid.encode_to(&mut call);
    call.extend_from_slice(&account(hotkey).0);
    limit_price.encode_to(&mut call);
    call
}

#[test]
fn test_register_limit_registers_at_or_below_its_price_and_refuses_above() {
    let mut net = Net::quick();
    let netuid = net.subnet(1, 2);
    // The price decays block by block, so half of it now is below it at the next block, and
    // all of it now is at or above.
    let price = net.chain.state().subnet(netuid).unwrap().burn;
    let before = net.chain.state().balance(&account(3));
    let below = signed(&net, 3, None, &register_limit_call(netuid, 4, price / 2));
    let events = net.submit(decode(&below).unwrap()).unwrap();
    assert!(
        events.iter().any(|e| matches!(
            e,
            Event::TransactionFailed {
                error: plexus_runtime::DispatchError::RegistrationPriceAboveLimit { price: p, limit },
                ..
            } if *p > price / 2 && *limit == price / 2
        )),
        "{events:?}"
    );
    assert_eq!(net.chain.state().uid(netuid, &account(4)), None);
    let fee = before - net.chain.state().balance(&account(3));
    assert!(fee < price, "only the fee was charged: {fee}");
    let at = signed(&net, 3, None, &register_limit_call(netuid, 4, price));
    net.submit(decode(&at).unwrap()).unwrap();
    assert!(net.chain.state().uid(netuid, &account(4)).is_some());
}

/// `AdminUtils.sudo_set_tempo(netuid, tempo)`.
fn set_tempo_call(netuid: u16, tempo: u16) -> Vec<u8> {
    let mut call = vec![19, 30];
    netuid.encode_to(&mut call);
    tempo.encode_to(&mut call);
    call
}

#[test]
fn test_sudo_is_governance_and_an_owner_stays_within_bounds() {
    let mut net = Net::quick();
    let netuid = net.subnet(1, 2);
    let tempo = |net: &Net| net.chain.state().hyperparameters(netuid).unwrap().tempo;
    // The owner's own call: tempo 10 is below the owners' bound.
    let direct = signed(&net, 1, None, &set_tempo_call(netuid, 10));
    let events = net.submit(decode(&direct).unwrap()).unwrap();
    assert!(
        matches!(events.last(), Some(Event::TransactionFailed { .. })),
        "{events:?}"
    );
    assert_eq!(tempo(&net), 360);
    // Sudo-wrapped by anyone but governance: refused before the pool.
    let mut wrapped = vec![12, 0];
    wrapped.extend(set_tempo_call(netuid, 10));
    let by_owner = signed(&net, 1, None, &wrapped);
    assert_eq!(
        net.submit(decode(&by_owner).unwrap()),
        Err(InvalidTransaction::NotGovernance)
    );
    // By governance: applied without the owners' bounds.
    let by_governance = signed(&net, GOV, None, &wrapped);
    net.submit(decode(&by_governance).unwrap()).unwrap();
    assert_eq!(tempo(&net), 10);

    // Root's chain-wide calls, direct or wrapped: governance's alone.
    let freeze_window = vec![19, 74, 0, 0];
    let by_owner = signed(&net, 1, None, &freeze_window);
    assert_eq!(
        net.submit(decode(&by_owner).unwrap()),
        Err(InvalidTransaction::NotGovernance)
    );
    let by_governance = signed(&net, GOV, None, &freeze_window);
    net.submit(decode(&by_governance).unwrap()).unwrap();
    assert_eq!(net.chain.state().chain_params().admin_freeze_window, 0);
    let mut rate_limit = vec![12, 0, 19, 29];
    rate_limit.extend(5u64.encode());
    let by_governance = signed(&net, GOV, None, &rate_limit);
    net.submit(decode(&by_governance).unwrap()).unwrap();
    assert_eq!(net.chain.state().chain_params().network_rate_limit, 5);

    // Sudo wraps hyperparameter and chain-parameter calls only, one level deep.
    let mut transfer = vec![12, 0];
    transfer.extend(transfer_call(2, TAO));
    let mut nested = vec![12, 0];
    nested.extend(&wrapped);
    for (what, call) in [("a transfer", transfer), ("a nested sudo", nested)] {
        let bytes = signed(&net, GOV, None, &call);
        assert!(
            matches!(decode(&bytes), Err(InvalidTransaction::Malformed(_))),
            "{what}: {:?}",
            decode(&bytes)
        );
    }
}

/// `SubtensorModule.set_identity(name, url, github_repo, image, discord, description,
/// additional)` with `name` and the rest empty.
fn set_identity_call(name: &str) -> Vec<u8> {
    let mut call = vec![7, 68];
    name.as_bytes().to_vec().encode_to(&mut call);
    for _ in 0..6 {
        Vec::<u8>::new().encode_to(&mut call);
    }
    call
}

#[test]
fn test_a_coldkey_sets_its_identity_within_the_limits_and_removes_it() {
    let mut net = Net::quick();
    let identity = |net: &Net| net.chain.state().identity(&account(1)).cloned();
    let bytes = signed(&net, 1, None, &set_identity_call("Plexus validator"));
    let events = net.submit(decode(&bytes).unwrap()).unwrap();
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::IdentitySet { coldkey } if *coldkey == account(1))));
    assert_eq!(identity(&net).unwrap().name, "Plexus validator");
    // A name over 256 bytes: the call fails, the identity stays.
    let bytes = signed(&net, 1, None, &set_identity_call(&"n".repeat(257)));
    let events = net.submit(decode(&bytes).unwrap()).unwrap();
    assert!(
        events.iter().any(|e| matches!(
            e,
            Event::TransactionFailed {
                error: plexus_runtime::DispatchError::InvalidIdentity { max: 256, .. },
                ..
            }
        )),
        "{events:?}"
    );
    assert_eq!(identity(&net).unwrap().name, "Plexus validator");
    // Text that is not UTF-8 does not decode.
    let mut call = vec![7, 68];
    vec![0xffu8, 0xfe].encode_to(&mut call);
    for _ in 0..6 {
        Vec::<u8>::new().encode_to(&mut call);
    }
    assert!(matches!(
        decode(&signed(&net, 1, None, &call)),
        Err(InvalidTransaction::Malformed(_))
    ));
    // Every field empty: removed.
    let bytes = signed(&net, 1, None, &set_identity_call(""));
    net.submit(decode(&bytes).unwrap()).unwrap();
    assert_eq!(identity(&net), None);
}
