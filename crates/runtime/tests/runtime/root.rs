//! Root (netuid 0) dividends: the root proportion of validator emission accrues to root
//! stakers, who claim it as TAO or alpha, by hand or in the block step; every path of the calls.

use crate::harness::*;
use plexus_runtime::{
    Call, ChainParam, ChainParams, DispatchError, Event, GovernanceCall, Hyperparameter,
    RootClaimType, ROOT_NETUID,
};

fn gov_param(change: ChainParam) -> Call {
    Call::Governance(GovernanceCall::SetChainParam(change))
}

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

/// A started subnet whose validator (hotkey 102, coldkey 2) votes for three miners every
/// tempo of 20 blocks; coldkey 6 stakes 1,000 TAO on root through the validator. Moving prices
/// follow spot prices at once, and with a second subnet started they sum above 1, so root
/// sells and its share is paid. Automatic claims start off.
fn root_backed_subnet() -> (Net, u16) {
    let mut net = Net::new(ChainParams {
        network_rate_limit: 0,
        network_min_lock: 1000 * TAO,
        moving_alpha_ppb: 1_000_000_000,
        ema_price_halving_blocks: 0,
        num_root_claims: 0,
        ..ChainParams::default()
    });
    let netuid = net.subnet(1, 101);
    net.ok(1, Call::StartCall { netuid });
    let other = net.subnet(8, 108);
    net.ok(8, Call::StartCall { netuid: other });
    net.ok(GOV, gov_set(netuid, Hyperparameter::CommitReveal(false)));
    net.ok(GOV, gov_set(netuid, Hyperparameter::WeightsRateLimit(0)));
    net.ok(GOV, gov_set(netuid, Hyperparameter::Tempo(20)));
    for s in 2..=5 {
        net.register(s, netuid, 100 + s);
    }
    net.ok(2, add(102, netuid, 100 * TAO));
    net.ok(6, add(102, ROOT_NETUID, 1000 * TAO));
    // The first epoch gives the validator its permit.
    next_epoch(&mut net, netuid);
    net.ok(
        102,
        Call::SetWeights {
            netuid,
            dests: vec![2, 3, 4],
            weights: vec![3, 1, 2],
            version_key: 0,
        },
    );
    (net, netuid)
}

fn next_epoch(net: &mut Net, netuid: u16) {
    let s = net.chain.state().subnet(netuid).unwrap();
    net.advance_to(s.last_epoch_block + 20);
}

fn root_stake(net: &Net, hotkey: u8, coldkey: u8) -> u64 {
    net.chain
        .state()
        .stake(&account(hotkey), &account(coldkey), ROOT_NETUID)
}

#[test]
fn test_root_stakers_accrue_dividends_and_claim_them_as_tao_or_alpha() {
    let (mut net, netuid) = root_backed_subnet();
    let state = net.chain.state();
    assert!(state.root_proportion(netuid) > 0);
    for _ in 0..3 {
        next_epoch(&mut net, netuid);
    }
    let state = net.chain.state();
    assert!(state.pending_emission(netuid).root > 0 || state.root_unclaimed(netuid) > 0);
    let owed = state.root_owed(&account(102), &account(6), netuid);
    assert!(owed > 500_000, "owed {owed}");
    assert!(state.root_unclaimed(netuid) >= owed);
    assert_eq!(
        state.root_owed_to(&account(6)),
        vec![(account(102), netuid, owed)]
    );
    net.assert_supply_conserved();
    assert_eq!(net.chain.state().check_supply(), Ok(()));

    // Swap (the default): sold in the pool, the TAO staked on root through the same hotkey.
    let before = root_stake(&net, 102, 6);
    let events = net.ok(
        6,
        Call::ClaimRoot {
            subnets: vec![netuid],
        },
    );
    let tao = events
        .iter()
        .find_map(|e| match e {
            Event::RootClaimed {
                netuid: n,
                alpha,
                tao: Some(tao),
                ..
            } if *n == netuid && *alpha == owed => Some(*tao),
            _ => None,
        })
        .expect("a RootClaimed event with the TAO");
    assert!(tao > 0);
    assert_eq!(root_stake(&net, 102, 6), before + tao);
    // The new TAO is marked as having had past dividends; that mark is floored, so a rao of
    // rounding may show as owed.
    assert!(
        net.chain
            .state()
            .root_owed(&account(102), &account(6), netuid)
            <= 1
    );
    net.assert_supply_conserved();
    assert_eq!(net.chain.state().check_supply(), Ok(()));

    // Nothing left to claim, and the subnet list must hold 1 to 5 subnets.
    assert_eq!(
        net.fails(
            6,
            Call::ClaimRoot {
                subnets: vec![netuid]
            }
        ),
        DispatchError::NothingToClaim { threshold: 500_000 }
    );
    assert_eq!(
        net.fails(6, Call::ClaimRoot { subnets: vec![] }),
        DispatchError::InvalidSubnetCount { count: 0, max: 5 }
    );
    assert_eq!(
        net.fails(
            6,
            Call::ClaimRoot {
                subnets: vec![1, 2, 3, 4, 5, 6]
            }
        ),
        DispatchError::InvalidSubnetCount { count: 6, max: 5 }
    );
    assert_eq!(
        net.fails(
            6,
            Call::SetRootClaimType {
                claim_type: RootClaimType::KeepSubnets { subnets: vec![] }
            }
        ),
        DispatchError::InvalidSubnetCount { count: 0, max: 256 }
    );

    // Keep: the alpha is staked on the subnet through the same hotkey.
    net.ok(
        6,
        Call::SetRootClaimType {
            claim_type: RootClaimType::KeepSubnets {
                subnets: vec![netuid],
            },
        },
    );
    next_epoch(&mut net, netuid);
    let owed = net
        .chain
        .state()
        .root_owed(&account(102), &account(6), netuid);
    assert!(owed > 0);
    let alpha_before = net.chain.state().stake(&account(102), &account(6), netuid);
    let root_before = root_stake(&net, 102, 6);
    net.ok(
        6,
        Call::ClaimRoot {
            subnets: vec![netuid],
        },
    );
    let state = net.chain.state();
    // Within the share pool's rounding.
    let gained = state.stake(&account(102), &account(6), netuid) - alpha_before;
    assert!(gained.abs_diff(owed) <= 1, "{gained} {owed}");
    assert_eq!(root_stake(&net, 102, 6), root_before);

    // Stake added now earns only what comes after it.
    net.ok(7, add(102, ROOT_NETUID, 1000 * TAO));
    assert_eq!(
        net.chain
            .state()
            .root_owed(&account(102), &account(7), netuid),
        0
    );
    next_epoch(&mut net, netuid);
    let state = net.chain.state();
    let (owed6, owed7) = (
        state.root_owed(&account(102), &account(6), netuid),
        state.root_owed(&account(102), &account(7), netuid),
    );
    // Coldkey 6 holds a little more root stake (its swapped claim), so a little more is owed.
    assert!(owed7 > 0 && owed6 >= owed7, "{owed6} {owed7}");

    // Unstaking claims first: what was owed is not lost with the stake.
    let all = root_stake(&net, 102, 7);
    let events = net.ok(
        7,
        Call::RemoveStake {
            hotkey: account(102),
            netuid: ROOT_NETUID,
            amount: all,
        },
    );
    assert!(events.iter().any(|e| matches!(
        e,
        Event::RootClaimed { alpha, .. } if *alpha == owed7
    )));
    // Its claim was a swap: the TAO joined the stake, which stays.
    assert!(root_stake(&net, 102, 7) > 0);
    net.assert_supply_conserved();
    assert_eq!(net.chain.state().check_supply(), Ok(()));
}

#[test]
fn test_the_block_step_claims_for_root_stakers_in_turn() {
    let (mut net, netuid) = root_backed_subnet();
    net.ok(7, add(102, ROOT_NETUID, 500 * TAO));
    net.ok(GOV, gov_param(ChainParam::NumRootClaims(1)));
    let before = (root_stake(&net, 102, 6), root_stake(&net, 102, 7));
    for _ in 0..4 {
        next_epoch(&mut net, netuid);
    }
    // One coldkey per block, alternating: two blocks after the epoch both were claimed for,
    // without signing anything.
    net.advance_to(net.block_number() + 2);
    let after = (root_stake(&net, 102, 6), root_stake(&net, 102, 7));
    assert!(
        after.0 > before.0 && after.1 > before.1,
        "{before:?} {after:?}"
    );
    let state = net.chain.state();
    for coldkey in [6, 7] {
        let owed = state.root_owed(&account(102), &account(coldkey), netuid);
        assert!(owed < 500_000, "{coldkey}: {owed}");
    }
    net.assert_supply_conserved();
    assert_eq!(net.chain.state().check_supply(), Ok(()));
}

#[test]
fn test_root_is_not_paid_while_moving_prices_sum_to_at_most_one() {
    let mut net = Net::new(ChainParams {
        network_rate_limit: 0,
        network_min_lock: 1000 * TAO,
        ..ChainParams::default()
    });
    let netuid = net.subnet(1, 101);
    net.ok(1, Call::StartCall { netuid });
    net.ok(6, add(101, ROOT_NETUID, 1000 * TAO));
    let supply = net.chain.state().alpha_supply(netuid);
    net.advance_to(net.block_number() + 5);
    let state = net.chain.state();
    // Moving prices start at 0: root's share of each block is recycled, never pending.
    assert_eq!(state.pending_emission(netuid).root, 0);
    assert!(state.alpha_supply(netuid).burned > supply.burned);
    net.assert_supply_conserved();
}

#[test]
fn test_root_registration_claims_a_hotkey_and_keeps_the_most_staked() {
    let mut net = Net::new(ChainParams {
        max_root_validators: 2,
        ..ChainParams::default()
    });
    let register = |hotkey: u8| Call::RootRegister {
        hotkey: account(hotkey),
    };
    // A hotkey nobody owns is claimed by the signer, who can then stake on root through it.
    let events = net.ok(6, register(160));
    assert!(events.iter().any(|e| matches!(
        e,
        Event::NeuronRegistered {
            netuid: 0,
            uid: 0,
            replaced: None,
            ..
        }
    )));
    assert_eq!(
        net.chain.state().hotkey_owner(&account(160)),
        Some(account(6))
    );
    net.ok(6, add(160, ROOT_NETUID, 10 * TAO));
    assert_eq!(
        net.fails(6, register(160)),
        DispatchError::AlreadyRegistered { netuid: 0, uid: 0 }
    );
    assert_eq!(
        net.fails(7, register(160)),
        DispatchError::HotkeyOwnedByOther
    );
    net.ok(7, register(170));
    net.ok(7, add(170, ROOT_NETUID, 5 * TAO));
    // Full: a newcomer needs more root stake than the member with least (170's 5 TAO). It
    // stakes through a hotkey it already has (the owner hotkey of a subnet it made).
    let elsewhere = net.subnet(8, 180);
    assert!(elsewhere > 0);
    assert_eq!(
        net.fails(8, register(180)),
        DispatchError::StakeTooLowForRoot {
            stake: 0,
            lowest: 5 * TAO
        }
    );
    net.ok(8, add(180, ROOT_NETUID, 6 * TAO));
    let events = net.ok(8, register(180));
    assert!(events.iter().any(|e| matches!(
        e,
        Event::NeuronRegistered { netuid: 0, uid: 1, replaced: Some(r), .. } if *r == account(170)
    )));
    let roster: Vec<_> = net
        .chain
        .state()
        .root_validators()
        .into_iter()
        .map(|(uid, hotkey, _)| (uid, hotkey))
        .collect();
    assert_eq!(roster, vec![(0, account(160)), (1, account(180))]);
}
