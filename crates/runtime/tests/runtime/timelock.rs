//! The beacon and timelocked weights: every block carries the group's seed for each view since
//! its parent's, and weights sealed to a view open in the block that carries its seed.

use crate::harness::*;
use plexus_runtime::{
    consensus_namespace, timelocked_weights_aad, timelocked_weights_plaintext, BlockError, Call,
    DispatchError, Event, GovernanceCall, Hyperparameter, Phase, Round, SeedSignature,
};

fn gov_set(netuid: u16, value: Hyperparameter) -> Call {
    Call::Governance(GovernanceCall::SetHyperparameter { netuid, value })
}

/// A subnet on a chain with a group key, owned by coldkey 1 (hotkey 101, uid 0), with miners
/// 102..=104 at uids 1..=3, tempo 20 and no weights rate limit. `timelocked`: its commits are
/// timelocked; otherwise weights are set directly.
fn subnet(timelocked: bool) -> (Net, u16) {
    subnet_on(Net::with_beacon(7), timelocked)
}

/// As [`subnet`], on `net`.
fn subnet_on(mut net: Net, timelocked: bool) -> (Net, u16) {
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

/// Weights sealed by `hotkey` to `round`, as a client seals them.
fn seal(net: &Net, hotkey: u8, netuid: u16, round: Round, uids: &[u16], values: &[u16]) -> Vec<u8> {
    let group = &net.beacon.as_ref().unwrap().group;
    plexus_timelock::seal(
        &mut plexus_timelock::testing::rng(round.view),
        &group.identity(),
        &consensus_namespace(net.chain.genesis_hash()),
        round.into(),
        &timelocked_weights_aad(&account(hotkey), netuid, round),
        &timelocked_weights_plaintext(uids, values, 0),
    )
    .unwrap()
}

fn commit(netuid: u16, reveal: Round, sealed: Vec<u8>) -> Call {
    Call::CommitTimelockedWeights {
        netuid,
        reveal,
        sealed,
    }
}

/// The round `ahead` views after the head's, in its epoch.
fn ahead(net: &Net, ahead: u64) -> Round {
    let head = net.chain.head();
    Round::new(head.epoch, head.view + ahead)
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

/// With consensus epochs, views restart in each: a block names its height's epoch, the first
/// block of an epoch carries the seeds of that epoch's views from 1, and the seed of the same
/// view in another epoch is refused.
#[test]
fn test_views_and_seeds_restart_with_each_consensus_epoch() {
    const L: u64 = 6;
    let mut net = Net::with_beacon_epochs(5, L);
    for _ in 1..L {
        net.block(vec![]);
    }
    assert_eq!(
        (net.chain.head().number, net.chain.head().epoch),
        (L - 1, 0)
    );
    let before = net.chain.clone();
    let last_view = before.head().view;
    net.beacon.as_mut().unwrap().skip = 2;
    let (first, _) = net.block(vec![]);
    let header = &first.header;
    assert_eq!((header.number, header.epoch, header.view), (L, 1, 3));
    let views: Vec<u64> = header.seeds.iter().map(|s| s.view).collect();
    assert_eq!(views, vec![1, 2]);

    let apply = |block: &plexus_runtime::Block| before.clone().apply_block(block).map(|_| ());
    assert_eq!(apply(&first), Ok(()));
    let namespace = consensus_namespace(before.genesis_hash());
    let group = &net.beacon.as_ref().unwrap().group;
    let sign =
        |epoch, view| SeedSignature(group.sign_seed(&namespace, Round::new(epoch, view).into()));
    let mut old_seed = first.clone();
    old_seed.header.seeds[0].signature = sign(0, 1);
    assert_eq!(apply(&old_seed), Err(BlockError::BadSeed { view: 1 }));
    let mut stays = first.clone();
    stays.header.epoch = 0;
    assert_eq!(
        apply(&stays),
        Err(BlockError::WrongEpoch {
            expected: 1,
            got: 0
        })
    );
    // Going on with the old epoch's views instead of starting again from 1.
    let mut continued = first.clone();
    continued.header.view = last_view + 1;
    continued.header.seeds = vec![plexus_runtime::Seed {
        view: last_view,
        signature: sign(1, last_view),
    }];
    assert_eq!(
        apply(&continued),
        Err(BlockError::WrongSeeds {
            first: 1,
            end: last_view + 1,
            got: 1
        })
    );
    let mut epoch_two = first.clone();
    epoch_two.header.epoch = 2;
    assert!(matches!(
        apply(&epoch_two),
        Err(BlockError::WrongEpoch {
            expected: 1,
            got: 2
        })
    ));
}

/// Weights timelocked to a view of the next consensus epoch open in the block that carries that
/// epoch's seed, not with the same view of the commit's epoch; weights sealed to the same view
/// of the wrong epoch do not open; a round at a view that may never reach the chain is refused.
#[test]
fn test_timelocked_weights_open_at_their_view_of_a_later_epoch() {
    const L: u64 = 40;
    let (mut net, netuid) = subnet_on(Net::with_beacon_epochs(9, L), true);
    assert_eq!(net.chain.head().epoch, 0);
    let reveal = Round::new(1, 2);
    let sealed = seal(&net, 101, netuid, reveal, &[1, 2], &[1, 2]);
    net.ok(101, commit(netuid, reveal, sealed));
    let same_view_of_epoch_zero = seal(&net, 102, netuid, Round::new(0, 2), &[1], &[1]);
    net.ok(102, commit(netuid, reveal, same_view_of_epoch_zero));
    let last = L - 2;
    let sealed = seal(&net, 101, netuid, Round::new(0, last), &[3], &[1]);
    for refused in [Round::new(0, last + 1), Round::new(1, 0), Round::new(1, L)] {
        assert!(matches!(
            net.fails(101, commit(netuid, refused, sealed.clone())),
            DispatchError::RevealRoundOutOfRange { last_view, .. } if last_view == last
        ));
    }
    net.ok(101, commit(netuid, Round::new(0, last), sealed));

    let mut opened = Vec::new();
    while net.chain.head().epoch == 0 || net.chain.head().view < reveal.view + 1 {
        let (block, outcome) = net.block(vec![]);
        for (_, event) in outcome.events {
            match event {
                Event::TimelockedWeightsRevealed { hotkey, reveal, .. } => {
                    opened.push((hotkey, reveal, None, block.header.epoch));
                }
                Event::TimelockedWeightsDropped {
                    hotkey,
                    reveal,
                    reason,
                    ..
                } => opened.push((hotkey, reveal, Some(reason), block.header.epoch)),
                _ => {}
            }
        }
    }
    assert_eq!(
        opened,
        vec![
            (account(101), Round::new(0, last), None, 0),
            (account(101), reveal, None, 1),
            (account(102), reveal, Some("undecryptable".to_string()), 1),
        ]
    );
    assert_eq!(row(&net, netuid, 0), Some(vec![(1, 32768), (2, 65535)]));
}

#[test]
fn test_timelocked_weights_open_exactly_at_their_view() {
    let (mut net, netuid) = subnet(true);
    let reveal = ahead(&net, 4);
    let sealed = seal(&net, 101, netuid, reveal, &[1, 2, 3], &[1, 2, 3]);
    let events = net.ok(101, commit(netuid, reveal, sealed));
    assert!(events.contains(&Event::TimelockedWeightsCommitted {
        netuid,
        hotkey: account(101),
        reveal,
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
                        reveal,
                    }
        });
        let carries = block.header.seeds.iter().any(|s| s.view == reveal.view);
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
    let reveal = ahead(&net, 2);
    let sealed = seal(&net, 101, netuid, reveal, &[2], &[1]);
    net.ok(101, commit(netuid, reveal, sealed));
    // The commit's block was view+1; the next skips view+2 and view+3 (nullified): it carries
    // their seeds, and opens the commit.
    net.beacon.as_mut().unwrap().skip = 2;
    let (block, outcome) = net.block(vec![]);
    assert!(block.header.seeds.iter().any(|s| s.view == reveal.view));
    assert!(block.header.view > reveal.view);
    assert!(outcome.events.iter().any(|(_, e)| matches!(
        e,
        Event::TimelockedWeightsRevealed { reveal: r, .. } if *r == reveal
    )));
    assert_eq!(row(&net, netuid, 0), Some(vec![(2, 65535)]));
}

#[test]
fn test_commits_that_cannot_open_or_apply_are_dropped_with_the_reason() {
    let (mut net, netuid) = subnet(true);
    net.ok(GOV, gov_set(netuid, Hyperparameter::MinAllowedWeights(0)));
    let view = net.chain.head().view;
    let at = |n| Round::new(0, view + n);
    // Sealed to another view than declared: that view's seed does not open it.
    let wrong_view = seal(&net, 101, netuid, at(9), &[1], &[1]);
    net.ok(101, commit(netuid, at(3), wrong_view));
    // Another hotkey's ciphertext, copied: bound to its committer, it does not open.
    let copied = seal(&net, 101, netuid, at(4), &[1], &[1]);
    net.ok(102, commit(netuid, at(4), copied));
    // Opens, but to weights set_weights refuses (uid 9 does not exist).
    let invalid = seal(&net, 101, netuid, at(5), &[9], &[1]);
    net.ok(101, commit(netuid, at(5), invalid));
    let mut dropped = Vec::new();
    while net.chain.head().view <= view + 6 {
        let (_, outcome) = net.block(vec![]);
        for (_, event) in outcome.events {
            if let Event::TimelockedWeightsDropped {
                hotkey,
                reveal,
                reason,
                ..
            } = event
            {
                dropped.push((hotkey, reveal.view - view, reason));
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
    let sealed = seal(&net, 101, netuid, ahead(&net, 3), &[1], &[1]);
    // A reveal round already reached, or too far ahead, is refused.
    let reached = ahead(&net, 0);
    assert!(matches!(
        net.fails(101, commit(netuid, reached, sealed.clone())),
        DispatchError::RevealRoundOutOfRange { reveal, .. } if reveal == reached
    ));
    let far = ahead(&net, 2 + plexus_runtime::MAX_REVEAL_AHEAD_VIEWS);
    assert!(matches!(
        net.fails(101, commit(netuid, far, sealed.clone())),
        DispatchError::RevealRoundOutOfRange { .. }
    ));
    let huge = vec![0; plexus_runtime::MAX_TIMELOCKED_WEIGHTS_BYTES + 177];
    assert!(matches!(
        net.fails(101, commit(netuid, ahead(&net, 9), huge)),
        DispatchError::TimelockedCommitTooLarge { .. }
    ));
    assert_eq!(
        net.fails(150, commit(netuid, ahead(&net, 9), sealed.clone())),
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
        net.fails(101, commit(netuid, ahead(&net, 20), sealed)),
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
    let reveal = ahead(&timelocked, 3);
    let sealed = seal(&timelocked, 101, netuid, reveal, &uids, &values);
    timelocked.ok(101, commit(netuid, reveal, sealed));
    // The direct chain makes the commit's block empty, so both chains have the same blocks.
    direct.block(vec![]);
    loop {
        let (block, _) = timelocked.block(vec![]);
        if block.header.seeds.iter().any(|s| s.view == reveal.view) {
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
    let reveal = ahead(&net, 3);
    let group = net.beacon.as_ref().unwrap().group.identity();
    let namespace = consensus_namespace(net.chain.genesis_hash());
    let sealed = |hotkey: u8| {
        plexus_timelock::seal(
            &mut plexus_timelock::testing::rng(u64::from(hotkey)),
            &group,
            &namespace,
            reveal.into(),
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
                reveal,
                sealed: ours.clone(),
            },
        ]),
    );
    net.ok(
        103,
        set(vec![CommitmentField::Timelocked {
            reveal,
            sealed: ours,
        }]),
    );
    assert_eq!(
        net.fails(
            104,
            set(vec![CommitmentField::Revealed {
                reveal,
                data: b"forged".to_vec(),
            }])
        ),
        DispatchError::CommitmentFieldTooLong { max: 0 }
    );
    assert!(matches!(
        net.fails(
            104,
            set(vec![CommitmentField::Timelocked {
                reveal: Round::new(0, view),
                sealed: sealed(104),
            }])
        ),
        DispatchError::RevealRoundOutOfRange { .. }
    ));
    let mut events = Vec::new();
    while net.chain.head().view <= reveal.view {
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
                reveal,
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
        reveal,
    }));
    assert!(events.contains(&Event::TimelockedCommitmentDropped {
        netuid,
        hotkey: account(103),
        reveal,
    }));
}
