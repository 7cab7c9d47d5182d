//! The consensus validator set: announcements proven by the validator's key, governance's
//! schedule, and each epoch's committee fixed two epochs ahead.

use crate::harness::*;
use ed25519_dalek::{Signer as _, SigningKey};
use plexus_runtime::{
    validator_proof_message, validator_proof_payload, Call, DispatchError, Event, GovernanceCall,
    InvalidTransaction, ValidatorId, ValidatorProof,
};

const L: u64 = 12;

fn validator(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn id(key: &SigningKey) -> ValidatorId {
    ValidatorId(key.verifying_key().to_bytes())
}

/// `owner`'s announcement of `key` at `address`, proven by `prover`.
fn announce(net: &Net, owner: u8, key: &SigningKey, prover: &SigningKey, address: &str) -> Call {
    let chain_id = net.chain.state().globals().chain_id;
    let message = validator_proof_message(&chain_id, &account(owner), &id(key), address);
    Call::AnnounceValidator {
        key: id(key),
        address: address.into(),
        proof: ValidatorProof(prover.sign(&validator_proof_payload(&message)).to_bytes()),
    }
}

fn schedule(keys: &[&SigningKey]) -> Call {
    Call::Governance(GovernanceCall::ScheduleValidators(
        keys.iter().map(|k| id(k)).collect(),
    ))
}

#[test]
fn test_an_announcement_must_be_proven_by_the_key_for_this_signer_and_address() {
    let mut net = Net::with_beacon_epochs(1, L);
    let (a, b) = (validator(1), validator(2));
    let events = net.ok(1, announce(&net, 1, &a, &a, "10.0.0.1:30400"));
    assert!(events.contains(&Event::ValidatorAnnounced {
        key: id(&a),
        owner: account(1),
        address: "10.0.0.1:30400".into(),
    }));
    let record = net.chain.state().validator(&id(&a)).unwrap().clone();
    assert_eq!(
        (record.owner, record.address.as_str()),
        (account(1), "10.0.0.1:30400")
    );

    // Signed by another key, for another signer, or for another address: not a proof.
    assert_eq!(
        net.fails(2, announce(&net, 2, &b, &a, "10.0.0.2:30400")),
        DispatchError::BadValidatorProof
    );
    let for_one = announce(&net, 1, &b, &b, "10.0.0.2:30400");
    assert_eq!(net.fails(2, for_one), DispatchError::BadValidatorProof);
    let Call::AnnounceValidator { key, proof, .. } = announce(&net, 2, &b, &b, "10.0.0.2:30400")
    else {
        unreachable!()
    };
    let moved = Call::AnnounceValidator {
        key,
        address: "10.6.6.6:30400".into(),
        proof,
    };
    assert_eq!(net.fails(2, moved), DispatchError::BadValidatorProof);
    // Not IP:port, or not in the one form the parser gives back.
    for address in [
        "nowhere",
        "10.0.0.2",
        "[::1]:99999",
        "10.0.0.2:030400",
        &"1".repeat(65),
    ] {
        assert_eq!(
            net.fails(2, announce(&net, 2, &b, &b, address)),
            DispatchError::BadValidatorAddress,
            "{address}"
        );
    }
    // Another account cannot take it over; its owner can move it, and retire it.
    assert_eq!(
        net.fails(2, announce(&net, 2, &a, &a, "10.0.0.9:30400")),
        DispatchError::ValidatorTaken
    );
    assert_eq!(
        net.fails(2, Call::RetireValidator { key: id(&a) }),
        DispatchError::ValidatorTaken
    );
    net.ok(1, announce(&net, 1, &a, &a, "10.0.0.3:30400"));
    assert_eq!(
        net.chain.state().validator(&id(&a)).unwrap().address,
        "10.0.0.3:30400"
    );
    net.ok(1, Call::RetireValidator { key: id(&a) });
    assert!(net.chain.state().validator(&id(&a)).is_none());
    assert_eq!(
        net.fails(1, Call::RetireValidator { key: id(&a) }),
        DispatchError::UnknownValidator
    );
}

#[test]
fn test_governance_schedules_announced_validators_only() {
    let mut net = Net::with_beacon_epochs(2, L);
    let (a, b) = (validator(1), validator(2));
    net.ok(1, announce(&net, 1, &a, &a, "10.0.0.1:30400"));
    assert_eq!(
        net.submit(net.tx(1, schedule(&[&a]))),
        Err(InvalidTransaction::NotGovernance)
    );
    for (keys, error) in [
        (vec![&a, &b], DispatchError::UnknownValidator),
        (vec![&a, &a], DispatchError::DuplicateValidator),
        (vec![], DispatchError::BadCommitteeSize { max: 3 }),
    ] {
        assert_eq!(
            net.submit(net.tx(GOV, schedule(&keys))),
            Err(InvalidTransaction::FreeCallFails(error))
        );
    }
    // Epochs of 12 blocks give at most three validators their turns to deal.
    let keys: Vec<SigningKey> = (3..=6).map(validator).collect();
    for (i, key) in keys.iter().enumerate() {
        let address = format!("10.0.1.{i}:30400");
        net.ok(1, announce(&net, 1, key, key, &address));
    }
    assert_eq!(
        net.submit(net.tx(GOV, schedule(&keys.iter().collect::<Vec<_>>()))),
        Err(InvalidTransaction::FreeCallFails(
            DispatchError::BadCommitteeSize { max: 3 }
        ))
    );
    // A chain that is one endless epoch has no committee to change.
    let mut endless = Net::with_beacon(3);
    endless.ok(1, announce(&endless, 1, &a, &a, "10.0.0.1:30400"));
    assert_eq!(
        endless.submit(endless.tx(GOV, schedule(&[&a]))),
        Err(InvalidTransaction::FreeCallFails(
            DispatchError::NoConsensusEpochs
        ))
    );
}

/// A schedule is fixed at the next epoch's first block as the committee of the epoch after
/// next, in key order with each one's address; a validator retired before that is left out;
/// an epoch without an entry keeps the one before.
#[test]
fn test_each_committee_is_fixed_two_epochs_ahead_at_an_epochs_first_block() {
    let mut net = Net::with_beacon_epochs(4, L);
    let keys: Vec<SigningKey> = (1..=3).map(validator).collect();
    for (i, key) in keys.iter().enumerate() {
        let owner = i as u8 + 1;
        let address = format!("10.0.0.{owner}:30400");
        net.ok(owner, announce(&net, owner, key, key, &address));
    }
    assert!(net.chain.head().number < L, "set up within epoch 0");
    net.ok(GOV, schedule(&[&keys[2], &keys[0], &keys[1]]));
    net.ok(3, Call::RetireValidator { key: id(&keys[2]) });
    assert!(net.chain.state().scheduled_validators().is_some());
    assert_eq!(net.chain.state().committee(100), None);

    let mut fixed = Vec::new();
    while net.chain.head().number < L {
        let (block, outcome) = net.block(vec![]);
        for (_, event) in outcome.events {
            if let Event::CommitteeFixed { epoch, validators } = event {
                fixed.push((block.header.number, epoch, validators));
            }
        }
    }
    assert_eq!(fixed, vec![(L, 3, 2)]);
    assert_eq!(net.chain.state().scheduled_validators(), None);
    let mut expected = vec![
        (id(&keys[0]), "10.0.0.1:30400".to_string()),
        (id(&keys[1]), "10.0.0.2:30400".to_string()),
    ];
    expected.sort();
    assert_eq!(
        net.chain.state().committee(2),
        None,
        "epoch 2 keeps genesis's"
    );
    assert_eq!(net.chain.state().committee(3), Some((3, expected.clone())));
    assert_eq!(net.chain.state().committee(9), Some((3, expected)));

    // Nothing scheduled: the next epochs' first blocks fix nothing.
    while net.chain.head().number < 3 * L {
        let (_, outcome) = net.block(vec![]);
        assert!(!outcome
            .events
            .iter()
            .any(|(_, e)| matches!(e, Event::CommitteeFixed { .. })));
    }
    // A serving validator that retires leaves: the committee without it is scheduled.
    net.ok(1, Call::RetireValidator { key: id(&keys[0]) });
    assert_eq!(
        net.chain.state().scheduled_validators(),
        Some(vec![id(&keys[1])])
    );
    while net.chain.head().number < 4 * L {
        net.block(vec![]);
    }
    assert_eq!(
        net.chain.state().committee(u64::MAX),
        Some((6, vec![(id(&keys[1]), "10.0.0.2:30400".to_string())]))
    );
    net.assert_supply_conserved();
}

/// A chain that chooses its validators by stake fixes, at each epoch's first block with nothing
/// scheduled, the announced validators whose hotkeys hold the most root stake, when they
/// differ from the newest committee; one without stake is never chosen.
#[test]
fn test_committees_follow_root_stake_when_the_chain_chooses_by_stake() {
    let mut net = Net::with_beacon_epochs(6, L);
    let netuid = net.subnet(1, 101);
    for s in 2..=3 {
        net.register(s, netuid, 100 + s);
    }
    let keys: Vec<SigningKey> = (1..=3).map(validator).collect();
    // Each hotkey announces its validator itself, paying the fee.
    for (i, hotkey) in [101u8, 102, 103].into_iter().enumerate() {
        net.ok(
            hotkey - 100,
            Call::Transfer {
                dest: account(hotkey),
                value: 10 * TAO,
            },
        );
        let address = format!("10.0.2.{i}:30400");
        net.ok(hotkey, announce(&net, hotkey, &keys[i], &keys[i], &address));
    }
    let stake = |hotkey: u8, amount| Call::AddStake {
        hotkey: account(hotkey),
        netuid: plexus_runtime::ROOT_NETUID,
        amount,
    };
    net.ok(6, stake(102, 1_000 * TAO));
    net.ok(6, stake(103, 500 * TAO));
    net.ok(
        GOV,
        Call::Governance(GovernanceCall::SetChainParam(
            plexus_runtime::ChainParam::ValidatorsByStake(2),
        )),
    );
    let next_boundary = |net: &mut Net| {
        let target = (net.chain.head().number / L + 1) * L;
        let mut fixed = Vec::new();
        while net.chain.head().number < target {
            let (_, outcome) = net.block(vec![]);
            fixed.extend(outcome.events.into_iter().filter_map(|(_, e)| match e {
                Event::CommitteeFixed { epoch, validators } => Some((epoch, validators)),
                _ => None,
            }));
        }
        fixed
    };
    let boundary = next_boundary(&mut net);
    let epoch = net.chain.head().number / L + 2;
    assert_eq!(boundary, vec![(epoch, 2)]);
    let mut expected = vec![
        (id(&keys[1]), "10.0.2.1:30400".to_string()),
        (id(&keys[2]), "10.0.2.2:30400".to_string()),
    ];
    expected.sort();
    assert_eq!(
        net.chain.state().committee(u64::MAX),
        Some((epoch, expected))
    );

    // Nothing changed: the next boundary fixes nothing. Then 101 outweighs 103.
    assert_eq!(next_boundary(&mut net), vec![]);
    net.ok(6, stake(101, 2_000 * TAO));
    let boundary = next_boundary(&mut net);
    let epoch = net.chain.head().number / L + 2;
    assert_eq!(boundary, vec![(epoch, 2)]);
    let mut expected = vec![
        (id(&keys[0]), "10.0.2.0:30400".to_string()),
        (id(&keys[1]), "10.0.2.1:30400".to_string()),
    ];
    expected.sort();
    assert_eq!(
        net.chain.state().committee(u64::MAX),
        Some((epoch, expected))
    );
    net.assert_supply_conserved();
}
