//! Staking through the subnet pools: every error path, round trips, and nominators sharing
//! dividends after the delegate take.

use crate::harness::*;
use plexus_runtime::{Call, DispatchError, Event, GovernanceCall, Hyperparameter, PoolError};

fn gov_set(netuid: u16, value: Hyperparameter) -> Call {
    Call::Governance(GovernanceCall::SetHyperparameter { netuid, value })
}

fn add(hotkey: u8, netuid: u16, amount: u64) -> Call {
    Call::AddStake {
        hotkey: account(hotkey),
        netuid,
        amount,
    }
}

fn remove(hotkey: u8, netuid: u16, amount: u64) -> Call {
    Call::RemoveStake {
        hotkey: account(hotkey),
        netuid,
        amount,
    }
}

/// A started subnet (owner coldkey 1, hotkey 101) with a 1,000 TAO pool.
fn started() -> (Net, u16) {
    let mut net = Net::new(plexus_runtime::ChainParams {
        network_rate_limit: 0,
        network_min_lock: 1000 * TAO,
        ..plexus_runtime::ChainParams::default()
    });
    let netuid = net.subnet(1, 101);
    net.ok(1, Call::StartCall { netuid });
    (net, netuid)
}

/// A started subnet with weights set directly (no commit-reveal, no rate limit), a tempo of 20
/// and four more neurons: hotkeys 102..=105 at uids 1..=4, owned by coldkeys 2..=5.
fn voting_subnet() -> (Net, u16) {
    let (mut net, netuid) = started();
    net.ok(GOV, gov_set(netuid, Hyperparameter::CommitReveal(false)));
    net.ok(GOV, gov_set(netuid, Hyperparameter::WeightsRateLimit(0)));
    net.ok(GOV, gov_set(netuid, Hyperparameter::Tempo(20)));
    for s in 2..=5 {
        net.register(s, netuid, 100 + s);
    }
    (net, netuid)
}

#[test]
fn test_staking_errors_are_named() {
    let mut net = Net::quick();
    let netuid = net.subnet(1, 101);
    assert_eq!(
        net.fails(2, add(101, netuid, TAO)),
        DispatchError::SubnetNotStarted(netuid)
    );
    assert_eq!(
        net.fails(2, add(101, 9, TAO)),
        DispatchError::UnknownSubnet(9)
    );
    net.ok(1, Call::StartCall { netuid });
    assert_eq!(
        net.fails(2, add(101, netuid, 1_999_999)),
        DispatchError::StakeBelowMinimum {
            amount: 1_999_999,
            minimum: 2_000_000
        }
    );
    assert_eq!(
        net.fails(2, add(150, netuid, TAO)),
        DispatchError::HotkeyNotFound
    );
    // The pool holds a few TAO (its lock and a few blocks of emission): more than 1000 times
    // that is refused.
    assert_eq!(
        net.fails(2, add(101, netuid, 100_000 * TAO)),
        DispatchError::Swap(PoolError::SwapInputTooLarge)
    );
    // A limit below the current price (1 TAO per alpha) cannot be met.
    assert_eq!(
        net.fails(
            2,
            Call::AddStakeLimit {
                hotkey: account(101),
                netuid,
                amount: TAO / 10,
                limit_price: TAO / 2,
                allow_partial: false
            }
        ),
        DispatchError::Swap(PoolError::PriceLimitExceeded)
    );
    assert!(matches!(
        net.fails(2, add(101, netuid, 2_000_000 * TAO)),
        DispatchError::InsufficientBalance { .. }
    ));
    assert_eq!(
        net.fails(2, remove(101, netuid, 5)),
        DispatchError::NotEnoughStake {
            needed: 5,
            available: 0
        }
    );
    assert_eq!(
        net.fails(
            2,
            Call::UnstakeAll {
                hotkey: account(101)
            }
        ),
        DispatchError::NotEnoughStake {
            needed: 1,
            available: 0
        }
    );
    net.assert_supply_conserved();
}

#[test]
fn test_stake_round_trip_costs_only_fees_and_slippage() {
    let (mut net, netuid) = started();
    let before = net.chain.state().balance(&account(2));
    // The simulation answers what the next block will do (one block of emission later).
    let mut next = net.chain.clone();
    next.build_block(net.timestamp + 12_000, Vec::new())
        .unwrap();
    let simulated = next.state().simulate_buy(netuid, 10 * TAO).unwrap();
    let events = net.ok(2, add(101, netuid, 10 * TAO));
    let alpha = events
        .iter()
        .find_map(|e| match e {
            Event::StakeAdded { alpha, .. } => Some(*alpha),
            _ => None,
        })
        .unwrap();
    assert_eq!(
        net.chain.state().stake(&account(101), &account(2), netuid),
        alpha
    );
    assert_eq!(simulated.amount_out, alpha);
    // Price 1 TAO per alpha, 1,000 TAO pool: 10 TAO buys a little under 10 alpha.
    assert!(alpha < 10 * TAO && alpha > 9_800_000_000, "{alpha}");
    net.assert_supply_conserved();
    // A partial unstake must leave the minimum...
    assert!(matches!(
        net.fails(2, remove(101, netuid, 1_000_000)),
        DispatchError::StakeBelowMinimum { .. }
    ));
    net.ok(
        2,
        Call::UnstakeAll {
            hotkey: account(101),
        },
    );
    assert_eq!(
        net.chain.state().stake(&account(101), &account(2), netuid),
        0
    );
    let after = net.chain.state().balance(&account(2));
    let lost = before - after;
    assert!(
        lost > 0 && lost < TAO / 10,
        "fees and slippage only: {lost}"
    );
    net.assert_supply_conserved();
}

#[test]
fn test_partial_fill_up_to_the_limit() {
    let (mut net, netuid) = started();
    // Buying 100 TAO would move the price from 1.0 to about 1.21; stop at 1.1.
    let events = net.ok(
        2,
        Call::AddStakeLimit {
            hotkey: account(101),
            netuid,
            amount: 100 * TAO,
            limit_price: 1_100_000_000,
            allow_partial: true,
        },
    );
    let tao = events
        .iter()
        .find_map(|e| match e {
            Event::StakeAdded { tao, .. } => Some(*tao),
            _ => None,
        })
        .unwrap();
    // sqrt(1.1) × 1000 − 1000 ≈ 48.8 TAO enter the pool, plus the fee.
    assert!(tao > 48 * TAO && tao < 50 * TAO, "{tao}");
    let price = net.chain.state().pool(netuid).unwrap().spot_price();
    let limit = plexus_runtime::limit_from_rao_per_alpha(1_100_000_000);
    assert!(price <= limit && price > limit - limit / 1_000_000);
    net.assert_supply_conserved();
}

#[test]
fn test_move_transfer_and_swap_stake() {
    let (mut net, a) = started();
    let b = net.subnet(3, 103);
    net.ok(3, Call::StartCall { netuid: b });
    net.register(2, a, 102);
    net.ok(2, add(101, a, 10 * TAO));
    let held = net.chain.state().stake(&account(101), &account(2), a);
    // Same subnet, other hotkey: alpha moves as is.
    net.ok(
        2,
        Call::MoveStake {
            origin_hotkey: account(101),
            destination_hotkey: account(102),
            origin_netuid: a,
            destination_netuid: a,
            amount: held / 2,
        },
    );
    assert_eq!(
        net.chain.state().stake(&account(102), &account(2), a),
        held / 2
    );
    // To another coldkey.
    net.ok(
        2,
        Call::TransferStake {
            destination_coldkey: account(7),
            hotkey: account(102),
            origin_netuid: a,
            destination_netuid: a,
            amount: held / 4,
        },
    );
    assert_eq!(
        net.chain.state().stake(&account(102), &account(7), a),
        held / 4
    );
    // Across subnets: sold on one pool, bought on the other.
    net.ok(
        2,
        Call::SwapStake {
            hotkey: account(101),
            origin_netuid: a,
            destination_netuid: b,
            amount: held / 2,
        },
    );
    let moved = net.chain.state().stake(&account(101), &account(2), b);
    assert!(moved > 0);
    assert_eq!(net.chain.state().stake(&account(101), &account(2), a), 0);
    assert_eq!(
        net.fails(
            2,
            Call::MoveStake {
                origin_hotkey: account(101),
                destination_hotkey: account(150),
                origin_netuid: b,
                destination_netuid: b,
                amount: 1,
            }
        ),
        DispatchError::HotkeyNotFound
    );
    net.assert_supply_conserved();
}

#[test]
fn test_swap_stake_limit_moves_all_part_or_nothing() {
    let (mut net, a) = started();
    let b = net.subnet(3, 103);
    net.ok(3, Call::StartCall { netuid: b });
    net.ok(2, add(101, a, 200 * TAO));
    let held = net.chain.state().stake(&account(101), &account(2), a);
    let swap = |amount, limit_price, allow_partial| Call::SwapStakeLimit {
        hotkey: account(101),
        origin_netuid: a,
        destination_netuid: b,
        amount,
        limit_price,
        allow_partial,
    };
    let ratio = |net: &Net| {
        let price = |n| net.chain.state().pool(n).unwrap().spot_price();
        price(a) * 1_000_000_000 / price(b)
    };
    // A limit just below today's ratio: a large swap moves it further, so nothing happens.
    let limit = u64::try_from(ratio(&net) * 99 / 100).unwrap();
    assert_eq!(
        net.fails(2, swap(held, limit, false)),
        DispatchError::Swap(PoolError::PriceLimitExceeded)
    );
    assert_eq!(net.chain.state().stake(&account(101), &account(2), a), held);
    // Partial: some moves, and the ratio stays at or above the limit.
    net.ok(2, swap(held, limit, true));
    let left = net.chain.state().stake(&account(101), &account(2), a);
    assert!(0 < left && left < held, "{left} of {held}");
    assert!(ratio(&net) >= u128::from(limit));
    assert!(net.chain.state().stake(&account(101), &account(2), b) > 0);
    // No limit to speak of: all of the rest.
    net.ok(2, swap(left, 1, false));
    assert_eq!(net.chain.state().stake(&account(101), &account(2), a), 0);
    net.assert_supply_conserved();
}

#[test]
fn test_nominators_gain_pro_rata_after_the_take() {
    let (mut net, netuid) = voting_subnet();
    // The validator's own coldkey and a nominator back hotkey 102.
    net.ok(2, add(102, netuid, 100 * TAO));
    net.ok(6, add(102, netuid, 50 * TAO));
    let epoch_blocks = |net: &mut Net, count: usize| {
        let mut seen = 0;
        while seen < count {
            let (_, outcome) = net.block(vec![]);
            seen += outcome
                .events
                .iter()
                .filter(|(_, e)| matches!(e, Event::EpochRun { .. }))
                .count();
            net.assert_supply_conserved();
        }
    };
    // One epoch gives 102 its permit; then it votes.
    epoch_blocks(&mut net, 1);
    assert!(
        net.chain
            .state()
            .neuron(netuid, 1)
            .unwrap()
            .validator_permit
    );
    net.ok(
        102,
        Call::SetWeights {
            netuid,
            dests: vec![2, 3, 4],
            weights: vec![1, 1, 2],
            version_key: 0,
        },
    );
    epoch_blocks(&mut net, 1);
    let s = net.chain.state();
    let (own, nominated) = (
        s.stake(&account(102), &account(2), netuid),
        s.stake(&account(102), &account(6), netuid),
    );
    epoch_blocks(&mut net, 1);
    let s = net.chain.state();
    let (own2, nominated2) = (
        s.stake(&account(102), &account(2), netuid),
        s.stake(&account(102), &account(6), netuid),
    );
    let dividends = (own2 + nominated2) - (own + nominated);
    assert!(dividends > 0);
    let take = dividends as u128 * 11_796 / 65_535;
    let expected = (dividends as u128 - take) * nominated as u128 / (own + nominated) as u128;
    assert!(
        (nominated2 - nominated) as u128 >= expected.saturating_sub(2)
            && (nominated2 - nominated) as u128 <= expected + 2,
        "nominator gained {}, expected {expected}",
        nominated2 - nominated
    );
    // Miners were paid 1:1:2.
    let miners: Vec<u64> = (103..=105)
        .map(|h| s.stake(&account(h), &account(h - 100), netuid))
        .collect();
    assert!(miners[0] > 0);
    assert!(miners[0].abs_diff(miners[1]) <= miners[0] / 100_000);
    assert!(
        miners[2].abs_diff(2 * miners[0]) <= miners[0] / 10_000,
        "{miners:?}"
    );
}

/// The epoch the runtime is about to run on `netuid` at `block`, computed directly with the
/// `yuma` crate from what the chain's queries show.
fn expected_epoch(net: &Net, netuid: u16, block: u64) -> plexus_yuma::Outputs {
    let s = net.chain.state();
    let subnet = s.subnet(netuid).unwrap();
    let hp = s.hyperparameters(netuid).unwrap();
    let neurons: Vec<_> = (0..subnet.n)
        .map(|uid| s.neuron(netuid, uid).unwrap())
        .collect();
    let pending = s.pending_emission(netuid);
    let inputs = plexus_yuma::Inputs {
        n: subnet.n,
        block,
        hyperparameters: hp.for_epoch(0),
        stake: neurons
            .iter()
            .map(|n| plexus_yuma::fixed::I64F64::from_u64(s.hotkey_stake(&n.hotkey, netuid)))
            .collect(),
        block_at_registration: neurons.iter().map(|n| n.registered_at).collect(),
        last_update: neurons.iter().map(|n| n.last_update).collect(),
        validator_permit: neurons.iter().map(|n| n.validator_permit).collect(),
        weights: (0..subnet.n)
            .map(|u| s.weights(netuid, u).to_vec())
            .collect(),
        bonds: (0..subnet.n).map(|u| s.bonds(netuid, u).to_vec()).collect(),
        owner_uid: s.uid(netuid, &subnet.owner_hotkey),
        last_mechanism_step_block: subnet.last_epoch_block,
        // The block being built adds one more block of emission before the epoch drains it.
        rao_emission: 0,
        commit_blocks: None,
    };
    let mut inputs = inputs;
    let per_block = plexus_runtime::block_emission(
        s.alpha_supply(netuid).issued - s.alpha_supply(netuid).burned,
    );
    let owner = (u128::from(per_block) * 11_796 / 65_535) as u64;
    let rest = per_block - owner;
    inputs.rao_emission = pending.server + pending.validator + rest;
    plexus_yuma::epoch(&inputs)
}

#[test]
fn test_epoch_payouts_match_yuma_and_split_18_41_41() {
    let (mut net, netuid) = voting_subnet();
    net.ok(2, add(102, netuid, 100 * TAO));
    let epoch_at = |net: &Net| {
        let s = net.chain.state().subnet(netuid).unwrap();
        s.last_epoch_block + 20
    };
    net.advance_to(epoch_at(&net));
    net.ok(
        102,
        Call::SetWeights {
            netuid,
            dests: vec![2, 3, 4],
            weights: vec![3, 1, 2],
            version_key: 0,
        },
    );
    // Two epochs with the votes in, so bonds exist; check the third in detail.
    net.advance_to(epoch_at(&net));
    net.advance_to(epoch_at(&net) - 1);
    let next = epoch_at(&net);
    let expected = expected_epoch(&net, netuid, next);
    let stakes = |net: &Net| -> Vec<u64> {
        let s = net.chain.state();
        (101..=105)
            .map(|h| s.stake(&account(h), &account(h - 100), netuid))
            .collect()
    };
    let before = stakes(&net);
    let (_, outcome) = net.block(vec![]);
    let paid = outcome
        .events
        .iter()
        .find_map(|(_, e)| match e {
            Event::EpochRun { emission, .. } => Some(*emission),
            _ => None,
        })
        .unwrap();
    let after = stakes(&net);
    let gained: Vec<u64> = after.iter().zip(&before).map(|(a, b)| a - b).collect();
    // Miners (uids 2..=4) received exactly the epoch's server emission.
    for (uid, (got, want)) in gained
        .iter()
        .zip(&expected.server_emission)
        .enumerate()
        .skip(2)
    {
        assert!(got.abs_diff(*want) <= 1, "uid {uid}: {got} vs {want}");
    }
    assert!(expected.validator_emission[1] > 0);
    let miners: u64 = gained[2..=4].iter().sum();
    let owner = gained[0];
    let validator = gained[1];
    let total = owner + miners + validator;
    // Everything the epoch paid went to these stakes...
    assert!(paid.abs_diff(total) <= 5, "{paid} paid, {total} received");
    // ...split 18 / 41 / 41 (per ten thousand), within rounding.
    for (part, share) in [(owner, 1800), (miners, 4100), (validator, 4100)] {
        let actual = u128::from(part) * 10_000 / u128::from(total);
        assert!(actual.abs_diff(share) <= 1, "{owner} {miners} {validator}");
    }
}

#[test]
fn test_root_stake_is_tao_one_to_one_and_comes_back() {
    let (mut net, _) = started();
    let root = plexus_runtime::ROOT_NETUID;
    let before = net.chain.state().balance(&account(2));
    let events = net.ok(2, add(101, root, 100 * TAO));
    let fee = events
        .iter()
        .find_map(|e| match e {
            Event::FeePaid { fee, .. } => Some(*fee),
            _ => None,
        })
        .unwrap();
    assert!(events.iter().any(|e| matches!(
        e,
        Event::StakeAdded { netuid: 0, tao, alpha, .. } if *tao == 100 * TAO && *alpha == 100 * TAO
    )));
    assert_eq!(
        net.chain.state().stake(&account(101), &account(2), root),
        100 * TAO
    );
    assert_eq!(
        net.chain.state().balance(&account(2)),
        before - 100 * TAO - fee
    );
    assert_eq!(net.chain.state().root_tao(), 100 * TAO);
    net.assert_supply_conserved();
    assert_eq!(net.chain.state().check_supply(), Ok(()));

    // Out again, in part and then the rest; never more than held.
    net.ok(2, remove(101, root, 40 * TAO));
    assert_eq!(
        net.chain.state().stake(&account(101), &account(2), root),
        60 * TAO
    );
    assert_eq!(
        net.fails(2, remove(101, root, 61 * TAO)),
        DispatchError::NotEnoughStake {
            needed: 61 * TAO,
            available: 60 * TAO
        }
    );
    net.ok(2, remove(101, root, 60 * TAO));
    assert_eq!(net.chain.state().root_tao(), 0);
    assert_eq!(
        net.fails(2, add(150, root, TAO)),
        DispatchError::HotkeyNotFound
    );
    assert_eq!(
        net.fails(2, add(101, root, 1_000)),
        DispatchError::StakeBelowMinimum {
            amount: 1_000,
            minimum: 2_000_000
        }
    );
    net.assert_supply_conserved();
}

#[test]
fn test_root_stake_counts_by_tao_weight_in_every_subnets_stake_weight() {
    let (mut net, netuid) = voting_subnet();
    net.ok(2, add(102, netuid, 10 * TAO));
    net.ok(3, add(103, netuid, 10 * TAO));
    // Equal alpha, as staked into the same pool in turn (the second buys at a higher price).
    let alpha_102 = net.chain.state().hotkey_stake(&account(102), netuid);
    let alpha_103 = net.chain.state().hotkey_stake(&account(103), netuid);
    net.ok(3, add(103, plexus_runtime::ROOT_NETUID, 1000 * TAO));
    // The reference's default TaoWeight, reduced to 32 fractional bits: 226245882 / 2^32.
    const WEIGHT_32: i128 = 226_245_882;
    let expected = (i128::from(alpha_103) << 64) + i128::from(1000 * TAO) * (WEIGHT_32 << 32);
    let state = net.chain.state();
    assert_eq!(
        state.stake_weight_fixed(netuid, &account(103)).to_bits(),
        expected
    );
    assert_eq!(
        state.stake_weight(netuid, &account(103)),
        alpha_103 + 52_676_974_330,
        "1000 TAO × 0.0526769743…, floored"
    );
    assert_eq!(state.stake_weight(netuid, &account(102)), alpha_102);
    // Root's own weight is its stake alone.
    assert_eq!(
        state.stake_weight(plexus_runtime::ROOT_NETUID, &account(103)),
        1000 * TAO
    );

    // The epoch reads it: 103's normalised stake weight outgrows 102's.
    let epoch = |net: &Net| net.chain.state().subnet(netuid).unwrap().epoch_index;
    let start = epoch(&net);
    while epoch(&net) == start {
        net.block(vec![]);
    }
    let weight = |uid| {
        net.chain
            .state()
            .neuron(netuid, uid)
            .unwrap()
            .epoch
            .stake_weight
    };
    assert!(weight(2) > 4 * weight(1), "{} vs {}", weight(2), weight(1));
    net.assert_supply_conserved();
}
