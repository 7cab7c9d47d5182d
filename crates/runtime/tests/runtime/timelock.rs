//! The beacon and timelocked weights: every block carries the group's seed for each view since
//! its parent's, and weights sealed to a view open in the block that carries its seed.

use crate::harness::*;
use plexus_runtime::{
    consensus_namespace, timelocked_weights_aad, timelocked_weights_plaintext, BlockError, Call,
    DispatchError, Event, GovernanceCall, Hyperparameter, Phase, SeedSignature,
};

fn gov_set(netuid: u16, value: Hyperparameter) -> Call {
    Call::Governance(GovernanceCall::SetHyperparameter { netuid, value })
}

/// A subnet on a chain with a group key, owned by coldkey 1 (hotkey 101, uid 0), with miners
/// 102..=104 at uids 1..=3, tempo 20 and no weights rate limit. `timelocked`: its commits are
/// timelocked; otherwise weights are set directly.
fn subnet(timelocked: bool) -> (Net, u16) {
    let mut net = Net::with_beacon(7);
    let netuid = net.subnet(1, 101);
    assert!(
        !net.chain
            .state()
            .hyperparameters(netuid)
            .unwrap()
            .timelocked_weights,
        "subnets commit hashes unless their owner chooses timelocked weights"
    );
    // Both set either way, so that both kinds of subnet have the same history of blocks.
    net.ok(
        GOV,
        gov_set(netuid, Hyperparameter::CommitReveal(timelocked)),
    );
    net.ok(
        GOV,
        gov_set(netuid, Hyperparameter::TimelockedWeights(timelocked)),
    );
    net.ok(GOV, gov_set(netuid, Hyperparameter::WeightsRateLimit(0)));
    net.ok(GOV, gov_set(netuid, Hyperparameter::Tempo(20)));
    for s in 2..=4 {
        net.register(s, netuid, 100 + s);
    }
    (net, netuid)
}

/// Weights sealed by `hotkey` to `view`, as a client seals them.
fn seal(net: &Net, hotkey: u8, netuid: u16, view: u64, uids: &[u16], values: &[u16]) -> Vec<u8> {
    let group = &net.beacon.as_ref().unwrap().group;
    plexus_timelock::seal(
        &mut plexus_timelock::testing::rng(view),
        &group.identity(),
        &consensus_namespace(net.chain.genesis_hash()),
        plexus_timelock::Round { epoch: 0, view },
        &timelocked_weights_aad(&account(hotkey), netuid, view),
        &timelocked_weights_plaintext(uids, values, 0),
    )
    .unwrap()
}

fn commit(netuid: u16, reveal_view: u64, sealed: Vec<u8>) -> Call {
    Call::CommitTimelockedWeights {
        netuid,
        reveal_view,
        sealed,
    }
}

fn row(net: &Net, netuid: u16, uid: u16) -> Option<Vec<(u16, u16)>> {
    Some(net.chain.state().weights(netuid, uid).to_vec()).filter(|r| !r.is_empty())
}

#[test]
fn test_every_view_gets_its_seed_once_and_a_wrong_one_is_refused() {
    let mut net = Net::with_beacon(3);
    net.block(vec![]);
    net.beacon.as_mut().unwrap().skip = 3;
    let (block, _) = net.block(vec![]);
    // Block 1 was view 1; block 2 skips views 2..=4, so it is view 5 and carries 1..=4.
    assert_eq!(block.header.view, 5);
    let views: Vec<u64> = block.header.seeds.iter().map(|s| s.view).collect();
    assert_eq!(views, vec![1, 2, 3, 4]);
    let before = net.chain.clone();
    let (next, _) = net.block(vec![]);
    let views: Vec<u64> = next.header.seeds.iter().map(|s| s.view).collect();
    assert_eq!(views, vec![5]);

    // Replayed on the state before it, each alteration of the next block is refused.
    let apply = |block: &plexus_runtime::Block| before.clone().apply_block(block).map(|_| ());
    assert_eq!(apply(&next), Ok(()));
    let mut forged = next.clone();
    forged.header.seeds[0].signature = SeedSignature([7; 48]);
    assert_eq!(apply(&forged), Err(BlockError::BadSeed { view: 5 }));
    let mut other_group = next.clone();
    other_group.header.seeds[0].signature =
        SeedSignature(plexus_timelock::testing::TestGroup::from_seed(4).sign_seed(
            &consensus_namespace(before.genesis_hash()),
            plexus_timelock::Round { epoch: 0, view: 5 },
        ));
    assert_eq!(apply(&other_group), Err(BlockError::BadSeed { view: 5 }));
    let mut missing = next.clone();
    missing.header.seeds.clear();
    assert_eq!(
        apply(&missing),
        Err(BlockError::WrongSeeds {
            first: 5,
            end: 6,
            got: 0
        })
    );
    let mut shifted = next.clone();
    shifted.header.view = 7;
    assert!(matches!(
        apply(&shifted),
        Err(BlockError::WrongSeeds { got: 1, .. })
    ));
    let mut stale = next.clone();
    stale.header.view = 5;
    stale.header.seeds.clear();
    assert_eq!(
        apply(&stale),
        Err(BlockError::ViewNotIncreasing { parent: 5, got: 5 })
    );

    // A chain without a group key takes no seeds.
    let mut plain = Net::quick();
    let before = plain.chain.clone();
    let (mut block, _) = plain.block(vec![]);
    block.header.seeds = next.header.seeds.clone();
    assert!(matches!(
        before.clone().apply_block(&block),
        Err(BlockError::WrongSeeds { .. })
    ));
}

#[test]
fn test_timelocked_weights_open_exactly_at_their_view() {
    let (mut net, netuid) = subnet(true);
    let view = net.chain.head().view;
    let reveal = view + 4;
    let sealed = seal(&net, 101, netuid, reveal, &[1, 2, 3], &[1, 2, 3]);
    let events = net.ok(101, commit(netuid, reveal, sealed));
    assert!(events.contains(&Event::TimelockedWeightsCommitted {
        netuid,
        hotkey: account(101),
        reveal_view: reveal,
    }));
    let last_update = net.chain.state().neuron(netuid, 0).unwrap().last_update;
    // Nothing is visible until the block carrying the reveal view's seed.
    loop {
        let (block, outcome) = net.block(vec![]);
        let opened = outcome.events.iter().any(|(phase, e)| {
            *phase == Phase::Finalization
                && *e
                    == Event::TimelockedWeightsRevealed {
                        netuid,
                        hotkey: account(101),
                        reveal_view: reveal,
                    }
        });
        let carries = block.header.seeds.iter().any(|s| s.view == reveal);
        assert_eq!(opened, carries, "opened exactly with its seed");
        if opened {
            // Exactly the weights committed, as set_weights stores them (max-upscaled), and the
            // neuron's last update is this block's.
            assert_eq!(
                row(&net, netuid, 0),
                Some(vec![(1, 21845), (2, 43690), (3, 65535)])
            );
            let neuron = net.chain.state().neuron(netuid, 0).unwrap();
            assert_eq!(neuron.last_update, block.header.number);
            assert!(net
                .chain
                .state()
                .timelocked_commits(netuid, &account(101))
                .is_empty());
            break;
        }
        assert_eq!(row(&net, netuid, 0), None);
        assert_eq!(
            net.chain.state().neuron(netuid, 0).unwrap().last_update,
            last_update
        );
    }
}

#[test]
fn test_a_commit_due_at_a_skipped_view_opens_in_the_next_block() {
    let (mut net, netuid) = subnet(true);
    let view = net.chain.head().view;
    let reveal = view + 2;
    let sealed = seal(&net, 101, netuid, reveal, &[2], &[1]);
    net.ok(101, commit(netuid, reveal, sealed));
    // The commit's block was view+1; the next skips view+2 and view+3 (nullified): it carries
    // their seeds, and opens the commit.
    net.beacon.as_mut().unwrap().skip = 2;
    let (block, outcome) = net.block(vec![]);
    assert!(block.header.seeds.iter().any(|s| s.view == reveal));
    assert!(block.header.view > reveal);
    assert!(outcome.events.iter().any(|(_, e)| matches!(
        e,
        Event::TimelockedWeightsRevealed { reveal_view, .. } if *reveal_view == reveal
    )));
    assert_eq!(row(&net, netuid, 0), Some(vec![(2, 65535)]));
}

#[test]
fn test_commits_that_cannot_open_or_apply_are_dropped_with_the_reason() {
    let (mut net, netuid) = subnet(true);
    net.ok(GOV, gov_set(netuid, Hyperparameter::MinAllowedWeights(0)));
    let view = net.chain.head().view;
    // Sealed to another view than declared: that view's seed does not open it.
    let wrong_view = seal(&net, 101, netuid, view + 9, &[1], &[1]);
    net.ok(101, commit(netuid, view + 3, wrong_view));
    // Another hotkey's ciphertext, copied: bound to its committer, it does not open.
    let copied = seal(&net, 101, netuid, view + 4, &[1], &[1]);
    net.ok(102, commit(netuid, view + 4, copied));
    // Opens, but to weights set_weights refuses (uid 9 does not exist).
    let invalid = seal(&net, 101, netuid, view + 5, &[9], &[1]);
    net.ok(101, commit(netuid, view + 5, invalid));
    let mut dropped = Vec::new();
    while net.chain.head().view <= view + 6 {
        let (_, outcome) = net.block(vec![]);
        for (_, event) in outcome.events {
            if let Event::TimelockedWeightsDropped {
                hotkey,
                reveal_view,
                reason,
                ..
            } = event
            {
                dropped.push((hotkey, reveal_view - view, reason));
            }
        }
    }
    assert_eq!(
        dropped,
        vec![
            (account(101), 3, "undecryptable".to_string()),
            (account(102), 4, "undecryptable".to_string()),
            (account(101), 5, "uid_not_found".to_string()),
        ]
    );
    assert_eq!(row(&net, netuid, 0), None);
    assert_eq!(row(&net, netuid, 1), None);
    net.assert_supply_conserved();
}

#[test]
fn test_timelocked_commits_are_checked() {
    let (mut net, netuid) = subnet(true);
    let view = net.chain.head().view;
    let sealed = seal(&net, 101, netuid, view + 3, &[1], &[1]);
    // A reveal view already reached, or too far ahead, is refused.
    assert!(matches!(
        net.fails(101, commit(netuid, view, sealed.clone())),
        DispatchError::RevealViewOutOfRange { reveal_view, .. } if reveal_view == view
    ));
    let far = view + 3 + plexus_runtime::MAX_REVEAL_AHEAD_VIEWS;
    assert!(matches!(
        net.fails(101, commit(netuid, far, sealed.clone())),
        DispatchError::RevealViewOutOfRange { .. }
    ));
    let huge = vec![0; plexus_runtime::MAX_TIMELOCKED_WEIGHTS_BYTES + 177];
    assert!(matches!(
        net.fails(101, commit(netuid, view + 9, huge)),
        DispatchError::TimelockedCommitTooLarge { .. }
    ));
    assert_eq!(
        net.fails(150, commit(netuid, view + 9, sealed.clone())),
        DispatchError::NotRegistered(netuid)
    );
    // Hash commits and direct weights are refused while weights are timelocked, and the
    // reverse once they are not.
    assert_eq!(
        net.fails(
            101,
            Call::CommitWeights {
                netuid,
                commit_hash: plexus_primitives::H256([1; 32]),
            }
        ),
        DispatchError::TimelockMismatch(true)
    );
    net.ok(
        GOV,
        gov_set(netuid, Hyperparameter::TimelockedWeights(false)),
    );
    assert_eq!(
        net.fails(101, commit(netuid, view + 20, sealed)),
        DispatchError::TimelockMismatch(false)
    );
    // A chain without a group key cannot turn timelocking on.
    let mut plain = Net::quick();
    let other = plain.subnet(1, 101);
    assert_eq!(
        plain.fails(GOV, gov_set(other, Hyperparameter::TimelockedWeights(true))),
        DispatchError::TimelockUnavailable
    );
}

/// Yuma's result on a subnet whose validator timelocks its weights equals its result on the same
/// subnet where the validator sets the same weights directly in the block that opens them.
#[test]
fn test_yuma_with_timelocked_weights_equals_yuma_with_the_same_weights_set_directly() {
    let (mut timelocked, netuid) = subnet(true);
    let (mut direct, same) = subnet(false);
    assert_eq!(netuid, same);
    for net in [&mut timelocked, &mut direct] {
        net.ok(1, Call::StartCall { netuid });
    }
    let (uids, values) = ([1u16, 2, 3], [1u16, 2, 3]);
    let reveal = timelocked.chain.head().view + 3;
    let sealed = seal(&timelocked, 101, netuid, reveal, &uids, &values);
    timelocked.ok(101, commit(netuid, reveal, sealed));
    // The direct chain makes the commit's block empty, so both chains have the same blocks.
    direct.block(vec![]);
    loop {
        let (block, _) = timelocked.block(vec![]);
        if block.header.seeds.iter().any(|s| s.view == reveal) {
            break;
        }
        direct.block(vec![]);
    }
    // The reveal's block: the direct validator sets the same weights in it.
    direct.ok(
        101,
        Call::SetWeights {
            netuid,
            dests: uids.to_vec(),
            weights: values.to_vec(),
            version_key: 0,
        },
    );
    assert_eq!(timelocked.block_number(), direct.block_number());
    let mut epochs = 0;
    while epochs < 3 {
        let (_, a) = timelocked.block(vec![]);
        let (_, b) = direct.block(vec![]);
        let runs = |events: &plexus_runtime::Events| -> Vec<Event> {
            events
                .iter()
                .filter(|(_, e)| matches!(e, Event::EpochRun { .. }))
                .map(|(_, e)| e.clone())
                .collect()
        };
        assert_eq!(runs(&a.events), runs(&b.events));
        epochs += runs(&a.events).len();
    }
    let (a, b) = (timelocked.chain.state(), direct.chain.state());
    for uid in 0..4 {
        let (x, y) = (
            a.neuron(netuid, uid).unwrap(),
            b.neuron(netuid, uid).unwrap(),
        );
        assert_eq!(x.epoch, y.epoch, "uid {uid}");
        assert_eq!(x.emission, y.emission, "uid {uid}");
        assert_eq!(x.last_update, y.last_update, "uid {uid}");
        assert_eq!(a.weights(netuid, uid), b.weights(netuid, uid));
        assert_eq!(a.bonds(netuid, uid), b.bonds(netuid, uid));
    }
    assert!(a.neuron(netuid, 3).unwrap().epoch.incentive > 0);
}

/// A commitment field sealed to a view stays sealed until the block carrying its seed, which
/// puts what it held in its place; a field copied from another hotkey does not open and is
/// removed; nobody may write an opened field themselves.
#[test]
fn test_timelocked_commitment_fields_open_at_their_view() {
    use plexus_runtime::{timelocked_commitment_aad, CommitmentField};
    let (mut net, netuid) = subnet(true);
    let view = net.chain.head().view;
    let reveal = view + 3;
    let group = net.beacon.as_ref().unwrap().group.identity();
    let namespace = consensus_namespace(net.chain.genesis_hash());
    let sealed = |hotkey: u8| {
        plexus_timelock::seal(
            &mut plexus_timelock::testing::rng(u64::from(hotkey)),
            &group,
            &namespace,
            plexus_timelock::Round {
                epoch: 0,
                view: reveal,
            },
            &timelocked_commitment_aad(&account(hotkey), netuid, reveal),
            b"model-v2",
        )
        .unwrap()
    };
    let set = |fields| Call::SetCommitment { netuid, fields };
    let ours = sealed(102);
    net.ok(
        102,
        set(vec![
            CommitmentField::Raw(b"public".to_vec()),
            CommitmentField::Timelocked {
                reveal_view: reveal,
                sealed: ours.clone(),
            },
        ]),
    );
    net.ok(
        103,
        set(vec![CommitmentField::Timelocked {
            reveal_view: reveal,
            sealed: ours,
        }]),
    );
    assert_eq!(
        net.fails(
            104,
            set(vec![CommitmentField::Revealed {
                reveal_view: reveal,
                data: b"forged".to_vec(),
            }])
        ),
        DispatchError::CommitmentFieldTooLong { max: 0 }
    );
    assert!(matches!(
        net.fails(
            104,
            set(vec![CommitmentField::Timelocked {
                reveal_view: view,
                sealed: sealed(104),
            }])
        ),
        DispatchError::RevealViewOutOfRange { .. }
    ));
    let mut events = Vec::new();
    while net.chain.head().view <= reveal {
        let fields = net
            .chain
            .state()
            .commitment(netuid, &account(102))
            .unwrap()
            .fields
            .clone();
        assert!(matches!(fields[1], CommitmentField::Timelocked { .. }));
        let (_, outcome) = net.block(vec![]);
        events.extend(outcome.events.into_iter().map(|(_, e)| e));
    }
    let state = net.chain.state();
    assert_eq!(
        state.commitment(netuid, &account(102)).unwrap().fields,
        vec![
            CommitmentField::Raw(b"public".to_vec()),
            CommitmentField::Revealed {
                reveal_view: reveal,
                data: b"model-v2".to_vec(),
            },
        ]
    );
    assert!(state
        .commitment(netuid, &account(103))
        .unwrap()
        .fields
        .is_empty());
    assert!(events.contains(&Event::TimelockedCommitmentRevealed {
        netuid,
        hotkey: account(102),
        reveal_view: reveal,
    }));
    assert!(events.contains(&Event::TimelockedCommitmentDropped {
        netuid,
        hotkey: account(103),
        reveal_view: reveal,
    }));
}
