//! Hotkey swaps: every failure named, and everything the old hotkey held moved to the new one
//! — nothing left behind, nothing duplicated — on every subnet or on one.

use crate::harness::*;
use plexus_runtime::{
    Call, ChainParams, CommitmentField, DispatchError, Event, GovernanceCall, Hyperparameter,
    HOTKEY_SWAP_COST, HOTKEY_SWAP_ON_SUBNET_COST, ROOT_NETUID,
};

fn swap(old: u8, new: u8, netuid: Option<u16>) -> Call {
    Call::SwapHotkey {
        hotkey: account(old),
        new_hotkey: account(new),
        netuid,
    }
}

/// Two started subnets; coldkey 2's hotkey 102 is registered on both, staked by 2 and by a
/// nominator (coldkey 6) on subnet 1 and on root, lends half its weight to 103 on subnet 1,
/// takes 5% as a child there, and has published a commitment.
fn network() -> (Net, u16, u16) {
    let mut net = Net::new(ChainParams {
        network_rate_limit: 0,
        network_min_lock: 1000 * TAO,
        ..ChainParams::default()
    });
    let one = net.subnet(1, 101);
    let two = net.subnet(8, 108);
    for netuid in [one, two] {
        let owner = if netuid == one { 1 } else { 8 };
        net.ok(owner, Call::StartCall { netuid });
        net.register(2, netuid, 102);
    }
    net.register(3, one, 103);
    for (coldkey, netuid, amount) in [(2, one, 50), (6, one, 20), (6, ROOT_NETUID, 30)] {
        net.ok(
            coldkey,
            Call::AddStake {
                hotkey: account(102),
                netuid,
                amount: amount * TAO,
            },
        );
    }
    net.ok(
        2,
        Call::SetChildkeyTake {
            hotkey: account(102),
            netuid: one,
            take: 3_000,
        },
    );
    net.ok(
        3,
        Call::SetChildren {
            hotkey: account(103),
            netuid: one,
            children: vec![(u64::MAX / 2, account(102))],
        },
    );
    net.ok(
        102,
        Call::SetCommitment {
            netuid: one,
            fields: vec![CommitmentField::Raw(b"model".to_vec())],
        },
    );
    (net, one, two)
}

#[test]
fn test_hotkey_swap_failures_are_named() {
    let (mut net, one, _) = network();
    assert_eq!(
        net.fails(3, swap(102, 150, None)),
        DispatchError::NotHotkeyOwner
    );
    assert_eq!(
        net.fails(2, swap(102, 102, None)),
        DispatchError::SameHotkey
    );
    assert_eq!(
        net.fails(2, swap(102, 101, None)),
        DispatchError::HotkeyOwnedByOther
    );
    // A hotkey of the same coldkey already on the subnet.
    net.register(2, one, 104);
    assert_eq!(
        net.fails(2, swap(102, 104, Some(one))),
        DispatchError::AlreadyRegistered {
            netuid: one,
            uid: 3
        }
    );
    // A hotkey of the same coldkey holding stake elsewhere.
    let three = net.subnet(2, 109);
    net.ok(2, Call::StartCall { netuid: three });
    net.ok(
        6,
        Call::AddStake {
            hotkey: account(109),
            netuid: three,
            amount: TAO,
        },
    );
    assert_eq!(
        net.fails(2, swap(102, 109, Some(one))),
        DispatchError::NewHotkeyNotClean
    );
    assert_eq!(
        net.fails(2, swap(102, 150, Some(77))),
        DispatchError::UnknownSubnet(77)
    );
    net.ok(2, swap(102, 150, Some(one)));
    let at = net.block_number();
    assert_eq!(
        net.fails(2, swap(150, 151, Some(one))),
        DispatchError::RateLimited {
            allowed_at: at + 1_000
        }
    );
    // After the coldkey's limit, the subnet's longer interval still holds for that subnet.
    net.advance_to(at + 1_000);
    assert_eq!(
        net.fails(2, swap(150, 151, Some(one))),
        DispatchError::RateLimited {
            allowed_at: at + 7_200
        }
    );
    net.assert_supply_conserved();
}

#[test]
fn test_a_hotkey_swap_moves_everything_and_leaves_nothing() {
    let (mut net, one, two) = network();
    let (old, new) = (account(102), account(150));
    let state = net.chain.state();
    let uid_one = state.uid(one, &old).unwrap();
    let uid_two = state.uid(two, &old).unwrap();
    let stakes = [
        state.stake(&old, &account(2), one),
        state.stake(&old, &account(6), one),
        state.stake(&old, &account(6), ROOT_NETUID),
    ];
    let burned = state.total_burned();
    let events = net.ok(2, swap(102, 150, None));
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::HotkeySwapped { netuid: None, .. })));
    let state = net.chain.state();
    // The seats, the stake of every nominator, root included.
    assert_eq!(state.uid(one, &new), Some(uid_one));
    assert_eq!(state.uid(two, &new), Some(uid_two));
    assert_eq!(state.neuron(one, uid_one).unwrap().hotkey, new);
    assert_eq!(
        [
            state.stake(&new, &account(2), one),
            state.stake(&new, &account(6), one),
            state.stake(&new, &account(6), ROOT_NETUID),
        ],
        stakes
    );
    assert_eq!(state.root_hotkeys_of(&account(6)), vec![new]);
    // Links, takes and the commitment.
    // The subnet has started, so 103's children wait for their cooldown: the pending list
    // names the new hotkey.
    assert_eq!(
        state.pending_children(&account(103), one).unwrap().children,
        vec![(u64::MAX / 2, new)]
    );
    assert_eq!(state.childkey_take(&new, one), 3_000);
    assert!(state.commitment(one, &new).is_some());
    // The old hotkey owns and holds nothing.
    assert_eq!(state.hotkey_owner(&old), None);
    assert_eq!(state.hotkey_owner(&new), Some(account(2)));
    for netuid in [one, two, ROOT_NETUID] {
        assert_eq!(state.uid(netuid, &old), None);
        assert_eq!(state.hotkey_stake(&old, netuid), 0);
    }
    assert!(state.parents(&old, one).is_empty());
    assert!(state.commitment(one, &old).is_none());
    assert!(state.nominations(&old).is_empty());
    // The cost is burned.
    assert_eq!(
        state.total_burned() - burned,
        HOTKEY_SWAP_COST + fee(&events)
    );
    net.assert_supply_conserved();
    assert_eq!(net.chain.state().check_supply(), Ok(()));
}

fn fee(events: &[Event]) -> u64 {
    events
        .iter()
        .filter_map(|e| match e {
            Event::FeePaid { fee, .. } => Some(*fee),
            _ => None,
        })
        .sum()
}

#[test]
fn test_a_swap_on_one_subnet_moves_only_that_subnet() {
    let (mut net, one, two) = network();
    let (old, new) = (account(102), account(150));
    let uid = net.chain.state().uid(two, &old).unwrap();
    let burned = net.chain.state().total_burned();
    let events = net.ok(2, swap(102, 150, Some(two)));
    let state = net.chain.state();
    assert_eq!(state.uid(two, &new), Some(uid));
    assert_eq!(state.uid(two, &old), None);
    // Subnet 1 and root keep the old hotkey, which its coldkey still owns.
    assert!(state.uid(one, &old).is_some());
    assert!(state.hotkey_stake(&old, one) > 0);
    assert!(state.hotkey_stake(&old, ROOT_NETUID) > 0);
    assert_eq!(state.hotkey_owner(&old), Some(account(2)));
    assert_eq!(state.hotkey_owner(&new), Some(account(2)));
    assert_eq!(
        state.total_burned() - burned,
        HOTKEY_SWAP_ON_SUBNET_COST + fee(&events)
    );
    net.assert_supply_conserved();
}

#[test]
fn test_the_subnet_owner_hotkey_follows_a_swap() {
    let (mut net, one, _) = network();
    net.ok(
        GOV,
        Call::Governance(GovernanceCall::SetHyperparameter {
            netuid: one,
            value: Hyperparameter::Tempo(50),
        }),
    );
    net.ok(1, swap(101, 151, None));
    assert_eq!(
        net.chain.state().subnet(one).unwrap().owner_hotkey,
        account(151)
    );
}

fn announce(new: u8) -> Call {
    Call::AnnounceColdkeySwap {
        new_coldkey_hash: plexus_primitives::blake2_256(&account(new).0),
    }
}

fn swap_coldkey(new: u8) -> Call {
    Call::SwapColdkeyAnnounced {
        new_coldkey: account(new),
    }
}

/// A network with short coldkey-swap delays (10 blocks, then 5 more before replacing).
fn swap_network() -> (Net, u16, u16) {
    let (mut net, one, two) = network();
    for change in [
        plexus_runtime::ChainParam::ColdkeySwapAnnouncementDelay(10),
        plexus_runtime::ChainParam::ColdkeySwapReannouncementDelay(5),
    ] {
        net.ok(GOV, Call::Governance(GovernanceCall::SetChainParam(change)));
    }
    (net, one, two)
}

#[test]
fn test_a_coldkey_swap_waits_freezes_the_coldkey_and_moves_everything() {
    let (mut net, one, _) = swap_network();
    let (old, new) = (account(2), account(160));
    net.ok(
        2,
        Call::SetIdentity {
            identity: plexus_runtime::ChainIdentity {
                name: "two".into(),
                ..Default::default()
            },
        },
    );
    net.ok(
        2,
        Call::AddProxy {
            delegate: account(7),
            proxy_type: plexus_runtime::ProxyType::Staking,
            delay: 0,
        },
    );
    assert_eq!(
        net.fails(2, swap_coldkey(160)),
        DispatchError::NoColdkeySwap
    );
    let burned = net.chain.state().total_burned();
    let events = net.ok(2, announce(160));
    let when = net.block_number() + 10;
    assert_eq!(
        net.chain.state().total_burned() - burned,
        plexus_runtime::COLDKEY_SWAP_COST + fee(&events)
    );
    // Announced: the coldkey can move nothing out, itself or through its proxies.
    assert_eq!(
        net.fails(
            2,
            Call::TransferKeepAlive {
                dest: account(9),
                value: TAO
            }
        ),
        DispatchError::ColdkeySwapPending
    );
    let proxied = net.ok(
        7,
        Call::Proxy {
            real: old,
            force_proxy_type: None,
            call: Box::new(Call::RemoveStake {
                hotkey: account(102),
                netuid: one,
                amount: TAO,
            }),
        },
    );
    assert!(proxied.iter().any(|e| matches!(
        e,
        Event::ProxyExecuted {
            error: Some(DispatchError::ColdkeySwapPending),
            ..
        }
    )));
    // Too early, and not to another key.
    assert_eq!(
        net.fails(2, swap_coldkey(160)),
        DispatchError::RateLimited { allowed_at: when }
    );
    net.advance_to(when);
    assert_eq!(
        net.fails(2, swap_coldkey(161)),
        DispatchError::ColdkeySwapHashMismatch
    );
    let state = net.chain.state();
    let (balance, reserved, stake, hotkeys) = (
        state.balance(&old),
        state.reserved(&old),
        state.stake(&account(102), &old, one),
        state.owned_hotkeys(&old),
    );
    let events = net.ok(2, swap_coldkey(160));
    let state = net.chain.state();
    assert_eq!(state.balance(&new), balance - fee(&events));
    assert_eq!(state.balance(&old), 0);
    assert_eq!(state.reserved(&new), reserved);
    assert_eq!(state.stake(&account(102), &new, one), stake);
    assert_eq!(state.stake(&account(102), &old, one), 0);
    assert_eq!(state.owned_hotkeys(&new), hotkeys);
    assert!(state.owned_hotkeys(&old).is_empty());
    assert_eq!(state.hotkey_owner(&account(102)), Some(new));
    assert_eq!(state.identity(&new).map(|i| i.name.as_str()), Some("two"));
    assert_eq!(state.proxies(&new).proxies.len(), 1);
    assert!(state.proxies(&old).proxies.is_empty());
    net.assert_supply_conserved();
    assert_eq!(net.chain.state().check_supply(), Ok(()));
}

#[test]
fn test_a_disputed_coldkey_swap_freezes_the_coldkey_until_governance_resets_it() {
    let (mut net, _, _) = swap_network();
    assert_eq!(
        net.fails(2, Call::DisputeColdkeySwap),
        DispatchError::NoColdkeySwap
    );
    net.ok(2, announce(160));
    // Replacing or clearing the announcement waits for both delays.
    let at = net.block_number();
    assert_eq!(
        net.fails(2, announce(161)),
        DispatchError::RateLimited {
            allowed_at: at + 15
        }
    );
    assert_eq!(
        net.fails(2, Call::ClearColdkeySwapAnnouncement),
        DispatchError::RateLimited {
            allowed_at: at + 15
        }
    );
    net.ok(2, Call::DisputeColdkeySwap);
    net.advance_to(at + 20);
    for call in [
        swap_coldkey(160),
        announce(161),
        Call::ClearColdkeySwapAnnouncement,
    ] {
        assert_eq!(net.fails(2, call), DispatchError::ColdkeySwapDisputed);
    }
    net.ok(
        GOV,
        Call::Governance(GovernanceCall::ResetColdkeySwap(account(2))),
    );
    // Free again: another announcement, which costs again, replaces nothing.
    net.ok(
        2,
        Call::TransferKeepAlive {
            dest: account(9),
            value: TAO,
        },
    );
    net.ok(2, announce(161));
    net.advance_to(net.block_number() + 10);
    net.ok(2, swap_coldkey(161));
    assert_eq!(
        net.chain.state().hotkey_owner(&account(102)),
        Some(account(161))
    );
    net.assert_supply_conserved();
}

#[test]
fn test_a_coldkey_swap_needs_a_fresh_coldkey() {
    let (mut net, _, _) = swap_network();
    // Coldkey 3 owns hotkey 103: not fresh.
    net.ok(2, announce(3));
    net.advance_to(net.block_number() + 10);
    assert_eq!(
        net.fails(2, swap_coldkey(3)),
        DispatchError::NewColdkeyNotClean
    );
}
