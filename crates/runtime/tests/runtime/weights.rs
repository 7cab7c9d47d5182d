//! Weights: every check of set_weights, and hash commit-reveal.

use crate::harness::*;
use plexus_runtime::{
    commit_hash, Call, DispatchError, GovernanceCall, Hyperparameter, InvalidTransaction,
    MAX_UNREVEALED_COMMITS,
};

fn gov_set(netuid: u16, value: Hyperparameter) -> Call {
    Call::Governance(GovernanceCall::SetHyperparameter { netuid, value })
}

fn weights(netuid: u16, dests: &[u16], values: &[u16]) -> Call {
    Call::SetWeights {
        netuid,
        dests: dests.to_vec(),
        weights: values.to_vec(),
        version_key: 0,
    }
}

/// A subnet owned by coldkey 1 (hotkey 101, uid 0) with miners 102, 103, 104 at uids 1..=3.
fn subnet(commit_reveal: bool) -> (Net, u16) {
    let mut net = Net::quick();
    let netuid = net.subnet(1, 101);
    net.ok(
        GOV,
        gov_set(netuid, Hyperparameter::CommitReveal(commit_reveal)),
    );
    for s in 2..=4 {
        net.register(s, netuid, 100 + s);
    }
    (net, netuid)
}

#[test]
fn test_set_weights_checks_in_order() {
    let (mut net, netuid) = subnet(false);
    // Registration counts as the last update: the rate limit applies from it.
    let err = net.fails(101, weights(netuid, &[1, 2], &[1, 1]));
    assert!(matches!(err, DispatchError::RateLimited { .. }));
    net.ok(GOV, gov_set(netuid, Hyperparameter::WeightsRateLimit(0)));

    assert_eq!(
        net.fails(101, weights(netuid, &[1, 2], &[1])),
        DispatchError::WeightsLengthMismatch {
            uids: 2,
            weights: 1
        }
    );
    assert_eq!(
        net.fails(101, weights(netuid, &[0, 1, 2, 3, 3], &[1; 5])),
        DispatchError::TooManyWeights { got: 5, n: 4 }
    );
    assert_eq!(
        net.fails(150, weights(netuid, &[1], &[1])),
        DispatchError::NotRegistered(netuid)
    );
    net.ok(GOV, gov_set(netuid, Hyperparameter::WeightsVersionKey(5)));
    assert_eq!(
        net.fails(
            101,
            Call::SetWeights {
                netuid,
                dests: vec![1],
                weights: vec![1],
                version_key: 4
            }
        ),
        DispatchError::IncorrectWeightsVersion {
            expected: 5,
            got: 4
        }
    );
    net.ok(GOV, gov_set(netuid, Hyperparameter::WeightsVersionKey(0)));
    // A miner without a permit may only weight itself.
    assert_eq!(
        net.fails(102, weights(netuid, &[2], &[1])),
        DispatchError::NoValidatorPermit
    );
    net.ok(102, weights(netuid, &[1], &[9]));
    assert_eq!(net.chain.state().weights(netuid, 1), &[(1, 65535)]);
    assert_eq!(
        net.fails(101, weights(netuid, &[1, 1], &[1, 1])),
        DispatchError::DuplicateUids(1)
    );
    assert_eq!(
        net.fails(101, weights(netuid, &[1, 9], &[1, 1])),
        DispatchError::UidNotFound(9)
    );
    net.ok(GOV, gov_set(netuid, Hyperparameter::MinAllowedWeights(3)));
    assert_eq!(
        net.fails(101, weights(netuid, &[1, 2], &[1, 1])),
        DispatchError::NotEnoughWeights { got: 2, min: 3 }
    );
    net.ok(GOV, gov_set(netuid, Hyperparameter::MinAllowedWeights(1)));
    net.ok(GOV, gov_set(netuid, Hyperparameter::MaxWeightLimit(40_000)));
    assert_eq!(
        net.fails(101, weights(netuid, &[1, 2], &[3, 1])),
        DispatchError::MaxWeightExceeded(40_000)
    );
    // The owner needs no permit; weights are stored max-upscaled in the caller's order.
    net.ok(101, weights(netuid, &[3, 1, 2], &[1, 1, 1]));
    assert_eq!(
        net.chain.state().weights(netuid, 0),
        &[(3, 65535), (1, 65535), (2, 65535)]
    );
    assert_eq!(
        net.chain.state().neuron(netuid, 0).unwrap().last_update,
        net.block_number()
    );
}

#[test]
fn test_weights_calls_are_free_and_failures_never_enter_blocks() {
    let (mut net, netuid) = subnet(false);
    net.ok(GOV, gov_set(netuid, Hyperparameter::WeightsRateLimit(0)));
    let tx = net.tx(102, weights(netuid, &[2], &[1]));
    assert_eq!(
        net.submit(tx.clone()),
        Err(InvalidTransaction::FreeCallFails(
            DispatchError::NoValidatorPermit
        ))
    );
    // A proposer leaves it out; the nonce stays unused.
    let (block, _) = net.block(vec![tx]);
    assert!(block.transactions.is_empty());
    assert_eq!(net.chain.state().nonce(&account(102)), 0);
}

#[test]
fn test_commit_reveal_round_trip() {
    let (mut net, netuid) = subnet(true);
    net.ok(GOV, gov_set(netuid, Hyperparameter::WeightsRateLimit(0)));
    net.ok(GOV, gov_set(netuid, Hyperparameter::Tempo(20)));
    assert_eq!(
        net.fails(101, weights(netuid, &[1], &[1])),
        DispatchError::CommitRevealMismatch(true)
    );
    let (uids, values, salt) = (vec![1u16, 2], vec![10u16, 20], vec![7u16, 8, 9]);
    let hash = commit_hash(&account(101), netuid, &uids, &values, &salt, 0);
    net.ok(
        101,
        Call::CommitWeights {
            netuid,
            commit_hash: hash,
        },
    );
    let committed_at = net.block_number();
    let epoch = net.chain.state().subnet(netuid).unwrap().epoch_index;
    assert_eq!(net.chain.state().commit_mask(netuid)[0], committed_at);
    assert_eq!(net.chain.state().commit_mask(netuid)[1], u64::MAX);
    let reveal = |salt: Vec<u16>| Call::RevealWeights {
        netuid,
        uids: uids.clone(),
        values: values.clone(),
        salt,
        version_key: 0,
    };
    assert_eq!(
        net.fails(101, reveal(salt.clone())),
        DispatchError::RevealTooEarly { epoch: epoch + 1 }
    );
    assert_eq!(
        net.fails(101, reveal(vec![1])),
        DispatchError::NoMatchingCommit
    );
    // Into the next epoch: the reveal lands and the commit is gone.
    let last = net.chain.state().subnet(netuid).unwrap().last_epoch_block;
    net.advance_to(last + 20);
    net.ok(101, reveal(salt.clone()));
    let s = net.chain.state();
    assert_eq!(s.weights(netuid, 0), &[(1, 32768), (2, 65535)]);
    assert!(s.weight_commits(netuid, &account(101)).is_empty());
    // Reveals do not move last_update; the commit did.
    assert_eq!(s.neuron(netuid, 0).unwrap().last_update, committed_at);
}

#[test]
fn test_commits_expire_and_queue_is_bounded() {
    let (mut net, netuid) = subnet(true);
    net.ok(GOV, gov_set(netuid, Hyperparameter::WeightsRateLimit(0)));
    net.ok(GOV, gov_set(netuid, Hyperparameter::Tempo(20)));
    let hash = commit_hash(&account(101), netuid, &[1], &[1], &[1], 0);
    net.ok(
        101,
        Call::CommitWeights {
            netuid,
            commit_hash: hash,
        },
    );
    let last = net.chain.state().subnet(netuid).unwrap().last_epoch_block;
    net.advance_to(last + 40);
    assert_eq!(
        net.fails(
            101,
            Call::RevealWeights {
                netuid,
                uids: vec![1],
                values: vec![1],
                salt: vec![1],
                version_key: 0
            }
        ),
        DispatchError::CommitExpired
    );
    // Expired commits no longer mask, and are dropped from the queue by the next commit.
    assert_eq!(net.chain.state().commit_mask(netuid)[0], u64::MAX);
    let hashes: Vec<_> = (0..MAX_UNREVEALED_COMMITS as u16)
        .map(|i| commit_hash(&account(101), netuid, &[1], &[i], &[1], 0))
        .collect();
    net.ok(
        101,
        Call::BatchCommitWeights {
            netuids: vec![netuid; hashes.len()],
            commit_hashes: hashes,
        },
    );
    assert_eq!(
        net.chain
            .state()
            .weight_commits(netuid, &account(101))
            .len(),
        MAX_UNREVEALED_COMMITS
    );
    let one_more = commit_hash(&account(101), netuid, &[2], &[2], &[2], 0);
    assert_eq!(
        net.fails(
            101,
            Call::CommitWeights {
                netuid,
                commit_hash: one_more
            }
        ),
        DispatchError::TooManyUnrevealedCommits
    );
    assert_eq!(
        net.fails(
            101,
            Call::BatchCommitWeights {
                netuids: vec![netuid],
                commit_hashes: vec![]
            }
        ),
        DispatchError::BatchLengthMismatch
    );
}

#[test]
fn test_batch_reveal_reveals_in_order() {
    let (mut net, netuid) = subnet(true);
    net.ok(GOV, gov_set(netuid, Hyperparameter::WeightsRateLimit(0)));
    net.ok(GOV, gov_set(netuid, Hyperparameter::Tempo(20)));
    let rows = [(vec![1u16], vec![5u16]), (vec![2u16, 3], vec![1u16, 2])];
    let hashes = rows
        .iter()
        .map(|(u, v)| commit_hash(&account(101), netuid, u, v, &[4], 0))
        .collect();
    net.ok(
        101,
        Call::BatchCommitWeights {
            netuids: vec![netuid, netuid],
            commit_hashes: hashes,
        },
    );
    let last = net.chain.state().subnet(netuid).unwrap().last_epoch_block;
    net.advance_to(last + 20);
    net.ok(
        101,
        Call::BatchRevealWeights {
            netuid,
            uids_list: rows.iter().map(|r| r.0.clone()).collect(),
            values_list: rows.iter().map(|r| r.1.clone()).collect(),
            salts_list: vec![vec![4], vec![4]],
            version_keys: vec![0, 0],
        },
    );
    // The later reveal wins.
    assert_eq!(
        net.chain.state().weights(netuid, 0),
        &[(2, 32768), (3, 65535)]
    );
}

#[test]
fn test_replacing_a_neuron_clears_votes_for_it() {
    let (mut net, netuid) = subnet(false);
    net.ok(GOV, gov_set(netuid, Hyperparameter::WeightsRateLimit(0)));
    net.ok(101, weights(netuid, &[1, 2, 3], &[1, 2, 3]));
    net.ok(GOV, gov_set(netuid, Hyperparameter::MinAllowedUids(0)));
    net.ok(GOV, gov_set(netuid, Hyperparameter::MaxAllowedUids(4)));
    net.ok(GOV, gov_set(netuid, Hyperparameter::ImmunityPeriod(0)));
    net.ok(GOV, gov_set(netuid, Hyperparameter::MinNonImmuneUids(0)));
    // uid 1 (the oldest miner) is replaced; the owner's vote for it drops to 0.
    assert_eq!(net.register(5, netuid, 105), 1);
    assert_eq!(
        net.chain.state().weights(netuid, 0),
        &[(1, 0), (2, 43690), (3, 65535)]
    );
}

#[test]
fn test_stake_threshold_exempts_only_the_owner() {
    let (mut net, netuid) = subnet(false);
    net.ok(GOV, gov_set(netuid, Hyperparameter::WeightsRateLimit(0)));
    let params = plexus_runtime::ChainParams {
        stake_threshold: 1,
        ..net.chain.state().chain_params()
    };
    net.ok(
        GOV,
        Call::Governance(GovernanceCall::SetChainParams(params)),
    );
    assert_eq!(
        net.fails(102, weights(netuid, &[1], &[1])),
        DispatchError::NotEnoughStakeToSetWeights {
            stake: 0,
            threshold: 1
        }
    );
    net.ok(101, weights(netuid, &[1], &[1]));
}
