//! Commitments: who may publish, the bounds on fields and space, and the bonds reset.

use crate::harness::*;
use plexus_primitives::H256;
use plexus_runtime::{
    Call, ChainParams, CommitmentField, DispatchError, Event, GovernanceCall, Hyperparameter,
};

fn commit(netuid: u16, fields: Vec<CommitmentField>) -> Call {
    Call::SetCommitment { netuid, fields }
}

fn gov_set(netuid: u16, value: Hyperparameter) -> Call {
    Call::Governance(GovernanceCall::SetHyperparameter { netuid, value })
}

/// A started subnet (tempo 20, weights in the clear) where validator 102 (staked) weights
/// miners 103 and 104 (uids 2 and 3), with two epochs run so that bonds exist.
fn bonded() -> (Net, u16) {
    let mut net = Net::new(ChainParams {
        network_rate_limit: 0,
        network_min_lock: 1000 * TAO,
        ..ChainParams::default()
    });
    let netuid = net.subnet(1, 101);
    net.ok(1, Call::StartCall { netuid });
    net.ok(GOV, gov_set(netuid, Hyperparameter::CommitReveal(false)));
    net.ok(GOV, gov_set(netuid, Hyperparameter::WeightsRateLimit(0)));
    net.ok(GOV, gov_set(netuid, Hyperparameter::Tempo(20)));
    for s in 2..=4 {
        net.register(s, netuid, 100 + s);
    }
    net.ok(
        2,
        Call::AddStake {
            hotkey: account(102),
            netuid,
            amount: 100 * TAO,
        },
    );
    let next = |net: &mut Net| {
        let at = net.chain.state().subnet(netuid).unwrap().last_epoch_block + 20;
        net.advance_to(at);
    };
    next(&mut net);
    net.ok(
        102,
        Call::SetWeights {
            netuid,
            dests: vec![2, 3],
            weights: vec![1, 1],
            version_key: 0,
        },
    );
    next(&mut net);
    next(&mut net);
    (net, netuid)
}

#[test]
fn test_commitments_are_bounded_and_replace_each_other() {
    let (mut net, netuid) = bonded();
    // An epoch long enough for every commitment below to fall in one.
    net.ok(GOV, gov_set(netuid, Hyperparameter::Tempo(100)));
    let raw = |n: usize| CommitmentField::Raw(vec![7; n]);
    assert_eq!(
        net.fails(105, commit(netuid, vec![raw(3)])),
        DispatchError::NotRegistered(netuid)
    );
    assert_eq!(
        net.fails(103, commit(netuid, vec![raw(1), raw(1), raw(1), raw(1)])),
        DispatchError::TooManyCommitmentFields { max: 3 }
    );
    assert_eq!(
        net.fails(103, commit(netuid, vec![raw(129)])),
        DispatchError::CommitmentFieldTooLong { max: 128 }
    );
    assert_eq!(
        net.fails(
            103,
            commit(netuid, vec![CommitmentField::BigRaw(vec![0; 513])])
        ),
        DispatchError::CommitmentFieldTooLong { max: 512 }
    );
    let model = CommitmentField::Sha256(H256([9; 32]));
    net.ok(103, commit(netuid, vec![raw(20), model.clone()]));
    let state = net.chain.state();
    let stored = state.commitment(netuid, &account(103)).unwrap();
    assert_eq!(stored.fields, vec![raw(20), model]);
    net.ok(103, commit(netuid, vec![raw(5)]));
    assert_eq!(
        net.chain
            .state()
            .commitment(netuid, &account(103))
            .unwrap()
            .fields,
        vec![raw(5)]
    );
    // 3,100 bytes an epoch, each commitment counting at least 100: two used, 29 more fit.
    for _ in 0..29 {
        net.ok(103, commit(netuid, vec![raw(1)]));
    }
    assert_eq!(
        net.fails(103, commit(netuid, vec![raw(1)])),
        DispatchError::CommitmentSpaceExceeded {
            used: 3_100,
            limit: 3_100
        }
    );
    // The next epoch starts afresh.
    let at = net.chain.state().subnet(netuid).unwrap().last_epoch_block + 100;
    net.advance_to(at);
    net.ok(103, commit(netuid, vec![raw(1)]));
    assert_eq!(net.chain.state().commitments(netuid).len(), 1);
}

#[test]
fn test_a_commitment_asking_for_it_resets_the_bonds_toward_its_hotkey_when_the_subnet_allows() {
    let (mut net, netuid) = bonded();
    let bonds_toward = |net: &Net, uid: u16| {
        net.chain
            .state()
            .bonds(netuid, 1)
            .iter()
            .any(|(dest, _)| *dest == uid)
    };
    assert!(bonds_toward(&net, 2) && bonds_toward(&net, 3));
    // Asked, but the subnet does not reset bonds: nothing changes.
    let events = net.ok(103, commit(netuid, vec![CommitmentField::ResetBonds]));
    assert!(events.iter().any(|e| matches!(
        e,
        Event::CommitmentSet {
            bonds_reset: false,
            ..
        }
    )));
    assert!(bonds_toward(&net, 2));
    net.ok(GOV, gov_set(netuid, Hyperparameter::BondsReset(true)));
    // Not asked: nothing changes either.
    net.ok(
        103,
        commit(netuid, vec![CommitmentField::Raw(b"v2".to_vec())]),
    );
    assert!(bonds_toward(&net, 2));
    let events = net.ok(103, commit(netuid, vec![CommitmentField::ResetBonds]));
    assert!(events.iter().any(|e| matches!(
        e,
        Event::CommitmentSet {
            bonds_reset: true,
            ..
        }
    )));
    assert!(!bonds_toward(&net, 2), "the bonds toward uid 2 are gone");
    assert!(bonds_toward(&net, 3), "the others stay");
}
