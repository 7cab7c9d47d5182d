//! Child hotkeys through transactions: every failure named, the cooldown, stake weight moving
//! from parent to child at the epoch after it, and dividends flowing back to the parent.

use crate::harness::*;
use plexus_runtime::{
    Call, ChainParams, DispatchError, Event, GovernanceCall, Hyperparameter, ROOT_NETUID,
};

fn set(hotkey: u8, netuid: u16, children: &[(u64, u8)]) -> Call {
    Call::SetChildren {
        hotkey: account(hotkey),
        netuid,
        children: children.iter().map(|(p, c)| (*p, account(*c))).collect(),
    }
}

fn take(hotkey: u8, netuid: u16, take: u16) -> Call {
    Call::SetChildkeyTake {
        hotkey: account(hotkey),
        netuid,
        take,
    }
}

fn params() -> ChainParams {
    ChainParams {
        network_rate_limit: 0,
        network_min_lock: 1000 * TAO,
        pending_childkey_cooldown: 30,
        ..ChainParams::default()
    }
}

#[test]
fn test_set_children_failures_are_named() {
    let mut net = Net::new(ChainParams {
        children_rate_limit: 0,
        ..params()
    });
    // A subnet that has not started: links take effect at once.
    let netuid = net.subnet(1, 101);
    for s in 2..=8 {
        net.register(s, netuid, 100 + s);
    }
    let half = u64::MAX / 2;
    assert_eq!(
        net.fails(
            2,
            set(
                102,
                netuid,
                &[(1, 103), (1, 104), (1, 105), (1, 106), (1, 107), (1, 108)]
            )
        ),
        DispatchError::TooManyChildren { count: 6, max: 5 }
    );
    assert_eq!(
        net.fails(2, set(102, netuid, &[(half + 1, 103), (half + 1, 104)])),
        DispatchError::ProportionsOverflow
    );
    assert_eq!(
        net.fails(2, set(102, netuid, &[(half, 102)])),
        DispatchError::ChildIsParent
    );
    assert_eq!(
        net.fails(2, set(102, netuid, &[(1, 103), (2, 103)])),
        DispatchError::DuplicateChild(account(103))
    );
    assert_eq!(
        net.fails(3, set(102, netuid, &[(1, 103)])),
        DispatchError::NotHotkeyOwner
    );
    assert_eq!(
        net.fails(2, set(102, ROOT_NETUID, &[(1, 103)])),
        DispatchError::NotOnRoot
    );
    assert_eq!(
        net.fails(2, set(102, 77, &[(1, 103)])),
        DispatchError::UnknownSubnet(77)
    );
    // 102 → 103 → 104; then 104 → 102 would close a cycle, and so would 103 → 102.
    net.ok(2, set(102, netuid, &[(half, 103)]));
    net.ok(3, set(103, netuid, &[(half, 104)]));
    assert_eq!(
        net.fails(4, set(104, netuid, &[(half, 102)])),
        DispatchError::ChildCycle(account(102))
    );
    assert_eq!(
        net.fails(3, set(103, netuid, &[(half, 102)])),
        DispatchError::ChildCycle(account(102))
    );
    assert_eq!(
        net.chain.state().parents(&account(104), netuid),
        vec![(half, account(103))]
    );
    // Revoking is setting none.
    net.ok(3, set(103, netuid, &[]));
    assert!(net.chain.state().children(&account(103), netuid).is_empty());
    net.ok(4, set(104, netuid, &[(half, 102)]));

    // A stake threshold applies to parents (not to the subnet owner's hotkey).
    net.ok(
        GOV,
        Call::Governance(GovernanceCall::SetChainParam(
            plexus_runtime::ChainParam::StakeThreshold(TAO),
        )),
    );
    assert!(matches!(
        net.fails(5, set(105, netuid, &[(1, 106)])),
        DispatchError::NotEnoughStakeForChildren { required, .. } if required == TAO
    ));
    net.ok(1, set(101, netuid, &[(1, 106)]));
}

#[test]
fn test_childkey_take_range_and_rate_limit() {
    let mut net = Net::new(params());
    let netuid = net.subnet(1, 101);
    net.register(2, netuid, 102);
    assert_eq!(net.chain.state().childkey_take(&account(102), netuid), 0);
    assert!(matches!(
        net.fails(2, take(102, netuid, 11_797)),
        DispatchError::InvalidTake { take: 11_797, .. }
    ));
    assert_eq!(
        net.fails(3, take(102, netuid, 100)),
        DispatchError::NotHotkeyOwner
    );
    assert_eq!(
        net.fails(2, take(102, ROOT_NETUID, 100)),
        DispatchError::NotOnRoot
    );
    let events = net.ok(2, take(102, netuid, 11_796));
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::ChildkeyTakeSet { take: 11_796, .. })));
    // Lowering is always allowed; raising again only after the rate limit.
    net.ok(2, take(102, netuid, 1_000));
    let at = net.block_number();
    assert_eq!(
        net.fails(2, take(102, netuid, 2_000)),
        DispatchError::RateLimited {
            allowed_at: at + 216_000
        }
    );
    assert_eq!(
        net.chain.state().childkey_take(&account(102), netuid),
        1_000
    );
}

/// The parent's stake weight moves to the child only at the subnet's first epoch after the
/// cooldown; then the child's weight is the inheritance formula, and the parent (another
/// coldkey) earns the dividends its weight brings, less the child's take.
#[test]
fn test_children_take_effect_after_the_cooldown_and_pay_the_parent() {
    let mut net = Net::new(params());
    let netuid = net.subnet(1, 101);
    net.ok(1, Call::StartCall { netuid });
    for value in [
        Hyperparameter::CommitReveal(false),
        Hyperparameter::WeightsRateLimit(0),
        Hyperparameter::Tempo(20),
    ] {
        net.ok(
            GOV,
            Call::Governance(GovernanceCall::SetHyperparameter { netuid, value }),
        );
    }
    for s in 2..=5 {
        net.register(s, netuid, 100 + s);
    }
    // The parent (hotkey 106 of coldkey 6) is a hotkey with stake, registered elsewhere.
    net.subnet(6, 106);
    net.ok(
        6,
        Call::AddStake {
            hotkey: account(106),
            netuid,
            amount: 300 * TAO,
        },
    );
    net.ok(
        6,
        Call::AddStake {
            hotkey: account(106),
            netuid: ROOT_NETUID,
            amount: 1000 * TAO,
        },
    );
    net.ok(2, take(102, netuid, 6_553));
    let half = u64::MAX / 2;
    let state = net.chain.state();
    let (child_before, parent_before) = (
        state.stake_weight(netuid, &account(102)),
        state.stake_weight(netuid, &account(106)),
    );
    let events = net.ok(6, set(106, netuid, &[(half, 102)]));
    let cooldown = events
        .iter()
        .find_map(|e| match e {
            Event::ChildrenScheduled { cooldown_block, .. } => Some(*cooldown_block),
            _ => None,
        })
        .unwrap();
    let scheduled_at = net.block_number();
    assert_eq!(cooldown, scheduled_at + 30);
    assert_eq!(
        net.fails(6, set(106, netuid, &[(half, 102)])),
        DispatchError::RateLimited {
            allowed_at: scheduled_at + 150
        }
    );
    // Nothing changes before the cooldown ends, epochs or not.
    net.advance_to(cooldown);
    let state = net.chain.state();
    assert_eq!(state.stake_weight(netuid, &account(102)), child_before);
    assert!(state.pending_children(&account(106), netuid).is_some());
    // The first epoch after it links them.
    let epoch = state.subnet(netuid).unwrap().last_epoch_block + 20;
    net.advance_to(epoch);
    let state = net.chain.state();
    assert!(state.pending_children(&account(106), netuid).is_none());
    assert_eq!(
        state.children(&account(106), netuid),
        vec![(half, account(102))]
    );
    // The child's weight: its own plus half of the parent's alpha and root (× tao_weight).
    let norm = (u128::from(half) << 32) / u128::from(u64::MAX);
    let lent = |stake: u64| ((u128::from(stake) * norm) >> 32) as u64;
    let own_child = state.hotkey_stake(&account(102), netuid);
    let parent_alpha = state.hotkey_stake(&account(106), netuid);
    let parent_root = state.hotkey_stake(&account(106), ROOT_NETUID);
    let tw = (u128::from(ChainParams::default().tao_weight) << 32) / u128::from(u64::MAX);
    let expected = (u128::from(own_child + lent(parent_alpha)) << 64)
        + u128::from(lent(parent_root)) * (tw << 32);
    assert_eq!(
        state.stake_weight_fixed(netuid, &account(102)).to_bits() as u128,
        expected
    );
    assert!(state.stake_weight(netuid, &account(106)) < parent_before);

    // With the parent's weight, the child wins a validator permit at the next epoch; then it
    // validates, and the parent earns through it.
    let epoch = net.chain.state().subnet(netuid).unwrap().last_epoch_block + 20;
    net.advance_to(epoch);
    net.ok(
        102,
        Call::SetWeights {
            netuid,
            dests: vec![2, 3],
            weights: vec![1, 1],
            version_key: 0,
        },
    );
    let parent_stake = |net: &Net| net.chain.state().stake(&account(106), &account(6), netuid);
    let before = parent_stake(&net);
    for _ in 0..2 {
        let epoch = net.chain.state().subnet(netuid).unwrap().last_epoch_block + 20;
        net.advance_to(epoch);
    }
    assert!(parent_stake(&net) > before, "the parent earned nothing");
    net.assert_supply_conserved();
    assert_eq!(net.chain.state().check_supply(), Ok(()));
}

/// On a started subnet, children wait for their cooldown; asking for the same ones again would
/// only restart it and is refused, while asking for others replaces them.
#[test]
fn test_pending_children_are_not_asked_for_twice() {
    let mut net = Net::new(ChainParams {
        children_rate_limit: 0,
        ..params()
    });
    let netuid = net.subnet(1, 101);
    net.ok(1, Call::StartCall { netuid });
    net.register(2, netuid, 102);
    net.register(3, netuid, 103);
    net.ok(1, set(101, netuid, &[(u64::MAX / 2, 102)]));
    let pending = net
        .chain
        .state()
        .pending_children(&account(101), netuid)
        .unwrap();
    assert_eq!(
        net.fails(1, set(101, netuid, &[(u64::MAX / 2, 102)])),
        DispatchError::ChildrenAlreadyPending {
            effective_after: pending.cooldown_block
        }
    );
    net.ok(1, set(101, netuid, &[(u64::MAX / 3, 103)]));
    let replaced = net
        .chain
        .state()
        .pending_children(&account(101), netuid)
        .unwrap();
    assert_eq!(replaced.children, vec![(u64::MAX / 3, account(103))]);
    assert!(replaced.cooldown_block > pending.cooldown_block);
    assert!(net.chain.state().children(&account(101), netuid).is_empty());
}
