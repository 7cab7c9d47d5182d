//! Subnets and neurons: lock cost, pruning, start call, identity, hyperparameters,
//! registration price, replacement, axons.

use crate::harness::*;
use plexus_runtime::{
    Call, ChainParams, DispatchError, Event, GovernanceCall, Hyperparameter, HyperparameterKind,
    SubnetIdentity,
};

fn set(netuid: u16, value: Hyperparameter) -> Call {
    Call::SetHyperparameter { netuid, value }
}

fn gov_set(netuid: u16, value: Hyperparameter) -> Call {
    Call::Governance(GovernanceCall::SetHyperparameter { netuid, value })
}

#[test]
fn test_register_network_locks_and_seats_the_owner() {
    let mut net = Net::quick();
    let before = net.chain.state().balance(&account(1));
    let netuid = net.subnet(1, 101);
    assert_eq!(netuid, 1);
    let s = net.chain.state();
    let subnet = s.subnet(1).unwrap();
    assert_eq!(subnet.locked, TAO);
    assert_eq!(s.pool(1).unwrap().tao, TAO);
    assert_eq!(
        s.pool(1).unwrap().spot_price(),
        1 << 64,
        "the first pool starts at 1 TAO per alpha"
    );
    assert_eq!(subnet.n, 1);
    assert_eq!(s.uid(1, &account(101)), Some(0));
    assert_eq!(s.hotkey_owner(&account(101)), Some(account(1)));
    assert!(before - s.balance(&account(1)) > TAO);
    assert!(s.hyperparameters(1).unwrap().yuma3);
    net.assert_supply_conserved();
}

#[test]
fn test_lock_cost_doubles_then_decays_to_the_floor() {
    let mut net = Net::new(ChainParams {
        network_rate_limit: 0,
        network_min_lock: 100 * TAO,
        network_lock_reduction_interval: 100,
        ..ChainParams::default()
    });
    let b = net.block_number() + 1;
    assert_eq!(net.chain.state().network_lock_cost(b), 100 * TAO);
    net.subnet(1, 101);
    let at = net.block_number();
    assert_eq!(net.chain.state().network_lock_cost(at), 200 * TAO);
    // Linear decay: last_lock / interval per block.
    assert_eq!(net.chain.state().network_lock_cost(at + 10), 190 * TAO);
    assert_eq!(net.chain.state().network_lock_cost(at + 100), 100 * TAO);
    assert_eq!(net.chain.state().network_lock_cost(at + 1000), 100 * TAO);
    // The next registration (next block) pays the decayed doubled price.
    let expected = net.chain.state().network_lock_cost(at + 1);
    assert_eq!(expected, 199 * TAO);
    let events = net.ok(
        2,
        Call::RegisterNetwork {
            hotkey: account(102),
        },
    );
    assert!(events.iter().any(|e| matches!(
        e,
        Event::NetworkAdded { lock, .. } if *lock == expected
    )));
}

#[test]
fn test_network_rate_limit_names_the_block() {
    let mut net = Net::new(ChainParams {
        network_rate_limit: 10,
        network_min_lock: TAO,
        ..ChainParams::default()
    });
    net.subnet(1, 101);
    let at = net.block_number();
    let err = net.fails(
        2,
        Call::RegisterNetwork {
            hotkey: account(102),
        },
    );
    assert_eq!(
        err,
        DispatchError::RateLimited {
            allowed_at: at + 10
        }
    );
    net.advance_to(at + 9);
    net.subnet(2, 102);
}

#[test]
fn test_subnet_limit_prunes_the_oldest_non_immune() {
    let mut net = Net::new(ChainParams {
        network_rate_limit: 0,
        network_min_lock: TAO,
        subnet_limit: 2,
        network_immunity_period: 20,
        ..ChainParams::default()
    });
    net.subnet(1, 101);
    net.subnet(2, 102);
    let err = net.fails(
        3,
        Call::RegisterNetwork {
            hotkey: account(103),
        },
    );
    assert_eq!(err, DispatchError::SubnetLimitReached);
    net.advance_to(25);
    net.register(5, 1, 105);
    let owner_before = net.chain.state().balance(&account(1));
    let events = net.ok(
        3,
        Call::RegisterNetwork {
            hotkey: account(103),
        },
    );
    let removed = events.iter().find_map(|e| match e {
        Event::NetworkRemoved {
            netuid,
            refunded,
            burned,
        } => Some((*netuid, *refunded, *burned)),
        _ => None,
    });
    // Subnet 1 was oldest: its owner gets the lock back, the registration burn is destroyed.
    let (netuid, refunded, burned) = removed.unwrap();
    assert_eq!((netuid, refunded), (1, TAO));
    assert!(burned > 0);
    let s = net.chain.state();
    assert_eq!(s.balance(&account(1)), owner_before + TAO);
    assert_eq!(s.subnet(1).unwrap().owner_coldkey, account(3));
    assert_eq!(s.uid(1, &account(105)), None);
    assert_eq!(s.subnet(1).unwrap().n, 1);
    net.assert_supply_conserved();
}

#[test]
fn test_hotkey_of_another_coldkey_is_refused() {
    let mut net = Net::quick();
    net.subnet(1, 101);
    assert_eq!(
        net.fails(
            2,
            Call::RegisterNetwork {
                hotkey: account(101)
            }
        ),
        DispatchError::HotkeyOwnedByOther
    );
    let other = net.subnet(2, 102);
    assert_eq!(
        net.fails(
            2,
            Call::BurnedRegister {
                netuid: other,
                hotkey: account(101)
            }
        ),
        DispatchError::HotkeyOwnedByOther
    );
}

#[test]
fn test_start_call_and_identity_are_owner_only() {
    let mut net = Net::new(ChainParams {
        network_rate_limit: 0,
        network_min_lock: TAO,
        start_call_delay: 5,
        ..ChainParams::default()
    });
    let netuid = net.subnet(1, 101);
    let at = net.block_number();
    assert_eq!(
        net.fails(2, Call::StartCall { netuid }),
        DispatchError::NotSubnetOwner(netuid)
    );
    assert_eq!(
        net.fails(1, Call::StartCall { netuid }),
        DispatchError::StartCallTooEarly { allowed_at: at + 5 }
    );
    assert_eq!(
        net.fails(1, Call::StartCall { netuid: 9 }),
        DispatchError::UnknownSubnet(9)
    );
    net.advance_to(at + 4);
    net.ok(1, Call::StartCall { netuid });
    let first = net
        .chain
        .state()
        .subnet(netuid)
        .unwrap()
        .first_emission_block;
    assert_eq!(first, Some(at + 6));
    assert_eq!(
        net.fails(1, Call::StartCall { netuid }),
        DispatchError::AlreadyStarted(at + 6)
    );

    let identity = SubnetIdentity {
        name: "text prompting".into(),
        ..SubnetIdentity::default()
    };
    net.ok(
        1,
        Call::SetSubnetIdentity {
            netuid,
            identity: identity.clone(),
        },
    );
    assert_eq!(
        net.chain.state().subnet(netuid).unwrap().identity,
        Some(identity)
    );
    let long = SubnetIdentity {
        discord: "x".repeat(257),
        ..SubnetIdentity::default()
    };
    assert_eq!(
        net.fails(
            1,
            Call::SetSubnetIdentity {
                netuid,
                identity: long
            }
        ),
        DispatchError::InvalidIdentity {
            field: "discord".into(),
            max: 256
        }
    );
}

#[test]
fn test_hyperparameter_ranges_owner_and_governance() {
    let mut net = Net::quick();
    let netuid = net.subnet(1, 101);
    net.ok(1, set(netuid, Hyperparameter::Kappa(40_000)));
    assert_eq!(
        net.chain.state().hyperparameters(netuid).unwrap().kappa,
        40_000
    );
    assert_eq!(
        net.fails(2, set(netuid, Hyperparameter::Kappa(1))),
        DispatchError::NotSubnetOwner(netuid)
    );
    let cases = [
        (Hyperparameter::Tempo(359), HyperparameterKind::Tempo),
        (Hyperparameter::Tempo(50_401), HyperparameterKind::Tempo),
        (
            Hyperparameter::BondsMovingAverage(975_001),
            HyperparameterKind::BondsMovingAverage,
        ),
        (
            Hyperparameter::RevealPeriodEpochs(0),
            HyperparameterKind::RevealPeriodEpochs,
        ),
        (
            Hyperparameter::RevealPeriodEpochs(101),
            HyperparameterKind::RevealPeriodEpochs,
        ),
        (
            Hyperparameter::ActivityCutoffFactorMilli(999),
            HyperparameterKind::ActivityCutoffFactorMilli,
        ),
        (
            Hyperparameter::MinBurn(1_000_000_000),
            HyperparameterKind::MinBurn,
        ),
        (
            Hyperparameter::MaxBurn(100_000_000),
            HyperparameterKind::MaxBurn,
        ),
        (
            Hyperparameter::BurnHalfLife(0),
            HyperparameterKind::BurnHalfLife,
        ),
        (
            Hyperparameter::BurnIncreaseMult(3_000_001),
            HyperparameterKind::BurnIncreaseMult,
        ),
        (
            Hyperparameter::ImmuneOwnerUidsLimit(11),
            HyperparameterKind::ImmuneOwnerUidsLimit,
        ),
        (
            Hyperparameter::MaxAllowedUids(0),
            HyperparameterKind::MaxAllowedUids,
        ),
        (
            Hyperparameter::MaxAllowedUids(4097),
            HyperparameterKind::MaxAllowedUids,
        ),
        (
            Hyperparameter::MaxAllowedValidators(257),
            HyperparameterKind::MaxAllowedValidators,
        ),
        (
            Hyperparameter::AlphaSigmoidSteepness(-1),
            HyperparameterKind::AlphaSigmoidSteepness,
        ),
    ];
    for (value, kind) in cases {
        match net.fails(1, set(netuid, value.clone())) {
            DispatchError::HyperparameterOutOfRange { parameter, .. } => {
                assert_eq!(parameter, kind, "{value:?}")
            }
            other => panic!("{value:?}: {other}"),
        }
    }
    assert_eq!(
        net.fails(
            1,
            set(
                netuid,
                Hyperparameter::AlphaValues {
                    low: 2000,
                    high: 3000
                }
            )
        ),
        DispatchError::LiquidAlphaDisabled
    );
    assert_eq!(
        net.fails(1, set(netuid, Hyperparameter::MinNonImmuneUids(3))),
        DispatchError::GovernanceOnly(HyperparameterKind::MinNonImmuneUids)
    );
    // Governance may go where owners may not.
    net.ok(GOV, gov_set(netuid, Hyperparameter::Tempo(100)));
    net.ok(GOV, gov_set(netuid, Hyperparameter::MinNonImmuneUids(3)));
    net.ok(
        GOV,
        gov_set(netuid, Hyperparameter::BondsMovingAverage(990_000)),
    );
    let hp = net.chain.state().hyperparameters(netuid).unwrap();
    assert_eq!((hp.tempo, hp.min_non_immune_uids), (100, 3));
}

#[test]
fn test_owner_rate_limit_and_freeze_window_name_the_block() {
    let mut net = Net::quick();
    let netuid = net.subnet(1, 101);
    // A short tempo so the window and limits are a few blocks long.
    net.ok(GOV, gov_set(netuid, Hyperparameter::Tempo(30)));
    let start = net.chain.state().subnet(netuid).unwrap().last_epoch_block;
    net.ok(1, set(netuid, Hyperparameter::ImmunityPeriod(100)));
    let at = net.block_number();
    // Owner limit: 2 tempos per parameter; other parameters are independent.
    assert_eq!(
        net.fails(1, set(netuid, Hyperparameter::ImmunityPeriod(200))),
        DispatchError::RateLimited {
            allowed_at: at + 60
        }
    );
    net.ok(1, set(netuid, Hyperparameter::Rho(3)));
    // The last 10 blocks before the epoch at start + 30 are frozen.
    net.advance_to(start + 20);
    assert_eq!(
        net.fails(1, set(netuid, Hyperparameter::Kappa(3))),
        DispatchError::FreezeWindow {
            allowed_at: start + 30
        }
    );
    net.advance_to(start + 29);
    net.ok(1, set(netuid, Hyperparameter::Kappa(3)));
}

#[test]
fn test_epochs_follow_tempo_and_the_per_block_budget() {
    let mut net = Net::new(ChainParams {
        network_rate_limit: 0,
        network_min_lock: TAO,
        max_epochs_per_block: 1,
        ..ChainParams::default()
    });
    let a = net.subnet(1, 101);
    let b = net.subnet(2, 102);
    // Both tempos set in one block: both epochs fall due in the same later block.
    let nonce = net.chain.next_nonce(&account(GOV));
    let txs = vec![
        net.tx_with(GOV, nonce, None, gov_set(a, Hyperparameter::Tempo(5))),
        net.tx_with(GOV, nonce + 1, None, gov_set(b, Hyperparameter::Tempo(5))),
    ];
    let (block, _) = net.block(txs);
    assert_eq!(block.transactions.len(), 2);
    // One runs, the other the block after.
    let due = net.block_number() + 5;
    net.advance_to(due - 1);
    let (_, outcome) = net.block(vec![]);
    let runs: Vec<_> = outcome
        .events
        .iter()
        .filter_map(|(_, e)| match e {
            Event::EpochRun { netuid, .. } => Some(*netuid),
            _ => None,
        })
        .collect();
    assert_eq!(runs, vec![a]);
    let (_, outcome) = net.block(vec![]);
    assert!(outcome
        .events
        .iter()
        .any(|(_, e)| matches!(e, Event::EpochRun { netuid, epoch: 1, .. } if *netuid == b)));
    assert_eq!(net.chain.state().subnet(a).unwrap().epoch_index, 1);
}

#[test]
fn test_registration_price_grows_and_decays() {
    let mut net = Net::quick();
    let netuid = net.subnet(1, 101);
    let price = net.chain.state().subnet(netuid).unwrap().burn;
    let payer_before = net.chain.state().balance(&account(2));
    net.register(2, netuid, 102);
    let s = net.chain.state();
    let paid = payer_before - s.balance(&account(2));
    assert!(
        paid > price * 99 / 100 && paid < price + TAO / 100,
        "the price (after a block of decay) plus the fee"
    );
    // ×1.26 after the registration (the block's decay came first).
    let after = s.subnet(netuid).unwrap().burn;
    assert!(after > price * 125 / 100 && after <= price * 126 / 100);
    // A half-life (360 blocks) later the price has halved, within rounding.
    let at = net.block_number();
    net.advance_to(at + 360);
    let decayed = net.chain.state().subnet(netuid).unwrap().burn;
    assert!(decayed <= after / 2 && decayed > after / 2 - after / 1000);
    net.assert_supply_conserved();
}

#[test]
fn test_duplicate_and_closed_registration() {
    let mut net = Net::quick();
    let netuid = net.subnet(1, 101);
    net.register(2, netuid, 102);
    assert_eq!(
        net.fails(
            2,
            Call::BurnedRegister {
                netuid,
                hotkey: account(102)
            }
        ),
        DispatchError::AlreadyRegistered { netuid, uid: 1 }
    );
    net.ok(
        GOV,
        gov_set(netuid, Hyperparameter::RegistrationAllowed(false)),
    );
    assert_eq!(
        net.fails(
            3,
            Call::BurnedRegister {
                netuid,
                hotkey: account(103)
            }
        ),
        DispatchError::RegistrationDisabled(netuid)
    );
    assert_eq!(
        net.fails(
            3,
            Call::BurnedRegister {
                netuid: 77,
                hotkey: account(103)
            }
        ),
        DispatchError::UnknownSubnet(77)
    );
}

#[test]
fn test_full_subnet_replaces_the_weakest_neuron() {
    let mut net = Net::quick();
    let netuid = net.subnet(1, 101);
    net.ok(GOV, gov_set(netuid, Hyperparameter::MinAllowedUids(0)));
    net.ok(GOV, gov_set(netuid, Hyperparameter::MaxAllowedUids(1)));
    // Only the owner's seat, and the owner hotkey is never replaced.
    assert_eq!(
        net.fails(
            4,
            Call::BurnedRegister {
                netuid,
                hotkey: account(104)
            }
        ),
        DispatchError::NoNeuronIdAvailable
    );
    net.ok(GOV, gov_set(netuid, Hyperparameter::MaxAllowedUids(3)));
    net.ok(GOV, gov_set(netuid, Hyperparameter::ImmunityPeriod(10)));
    assert_eq!(net.register(2, netuid, 102), 1);
    let at = net.block_number();
    net.advance_to(at + 12);
    assert_eq!(net.register(3, netuid, 103), 2);
    // uid 1 is past its immunity, uid 2 is not; with fewer than `min_non_immune_uids` (10)
    // non-immune neurons, pruning picks among the immune ones.
    assert_eq!(net.register(4, netuid, 104), 2);
    assert_eq!(net.chain.state().uid(netuid, &account(103)), None);
    net.ok(GOV, gov_set(netuid, Hyperparameter::MinNonImmuneUids(0)));
    // Now the non-immune uid 1 goes first.
    assert_eq!(net.register(5, netuid, 105), 1);
    let s = net.chain.state();
    assert_eq!(s.uid(netuid, &account(102)), None);
    assert_eq!(s.neuron(netuid, 1).unwrap().hotkey, account(105));
    assert_eq!(s.subnet(netuid).unwrap().n, 3);
    // Its coldkey still owns the old hotkey: deregistration does not touch ownership.
    assert_eq!(s.hotkey_owner(&account(102)), Some(account(2)));
    net.assert_supply_conserved();
}

#[test]
fn test_serve_axon_checks_and_rate_limit() {
    let mut net = Net::quick();
    let netuid = net.subnet(1, 101);
    let serve = |ip: u128, port: u16, ip_type: u8| Call::ServeAxon {
        netuid,
        version: 1,
        ip,
        port,
        ip_type,
        protocol: 4,
    };
    let ip = 0x0a00_0001; // 10.0.0.1
    assert_eq!(
        net.fails(102, serve(ip, 8091, 4)),
        DispatchError::NotRegistered(netuid)
    );
    assert_eq!(
        net.fails(101, serve(ip, 8091, 5)),
        DispatchError::InvalidIpType(5)
    );
    assert_eq!(
        net.fails(101, serve(0x7f00_0001, 8091, 4)),
        DispatchError::InvalidIpAddress
    );
    assert_eq!(
        net.fails(101, serve(u128::from(u32::MAX), 8091, 4)),
        DispatchError::InvalidIpAddress
    );
    assert_eq!(
        net.fails(101, serve(1, 8091, 6)),
        DispatchError::InvalidIpAddress
    );
    assert_eq!(net.fails(101, serve(ip, 0, 4)), DispatchError::InvalidPort);
    net.ok(101, serve(ip, 8091, 4));
    let at = net.block_number();
    let axon = net
        .chain
        .state()
        .neuron(netuid, 0)
        .unwrap()
        .axon
        .clone()
        .unwrap();
    assert_eq!((axon.ip, axon.port, axon.block), (ip, 8091, at));
    assert_eq!(
        net.fails(101, serve(ip, 8092, 4)),
        DispatchError::RateLimited {
            allowed_at: at + 50
        }
    );
    // Serving is free: the hotkey has no balance at all.
    assert_eq!(net.chain.state().balance(&account(101)), 0);
}

#[test]
fn test_token_symbols_come_from_the_table_and_stay_unique() {
    let mut net = Net::quick();
    let one = net.subnet(1, 101);
    let two = net.subnet(2, 102);
    let state = net.chain.state();
    assert_eq!(
        state.token_symbol(one),
        plexus_runtime::SYMBOLS[usize::from(one)]
    );
    assert_eq!(
        state.token_symbol(two),
        plexus_runtime::SYMBOLS[usize::from(two)]
    );
    assert_eq!(state.token_symbol(0), "Τ");
    let taken = state.token_symbol(two);
    let symbol = |s: &str| Call::UpdateSymbol {
        netuid: one,
        symbol: s.into(),
    };
    assert_eq!(
        net.fails(1, symbol(&taken)),
        DispatchError::SymbolInUse { netuid: two }
    );
    assert_eq!(
        net.fails(1, symbol("zz")),
        DispatchError::UnknownSymbol("zz".into())
    );
    // Root's Τ is not for subnets.
    assert_eq!(
        net.fails(1, symbol("Τ")),
        DispatchError::UnknownSymbol("Τ".into())
    );
    assert_eq!(
        net.fails(2, symbol("ω")),
        DispatchError::NotSubnetOwner(one)
    );
    assert_eq!(one, 1);
    // Subnet 1 takes the symbol subnet 3 would have had, freeing its own.
    let third = plexus_runtime::SYMBOLS[3];
    assert_eq!(two, 2);
    let events = net.ok(1, symbol(third));
    assert!(events.iter().any(|e| matches!(
        e,
        Event::SymbolUpdated { netuid, symbol } if *netuid == one && symbol == third
    )));
    assert_eq!(net.chain.state().token_symbol(one), third);
    // So subnet 3 gets the first free entry, which is subnet 1's old one.
    let three = net.subnet(3, 103);
    assert_eq!(three, 3);
    assert_eq!(
        net.chain.state().token_symbol(three),
        plexus_runtime::SYMBOLS[1]
    );
}

#[test]
fn test_a_subnet_lock_above_the_signers_limit_is_refused_by_the_chain() {
    let mut net = Net::quick();
    let lock = net.chain.state().network_lock_cost(net.block_number() + 1);
    assert_eq!(
        net.fails(
            1,
            Call::RegisterNetworkLimit {
                hotkey: account(101),
                max_lock: lock - 1,
            }
        ),
        DispatchError::LockAboveLimit {
            lock,
            limit: lock - 1
        }
    );
    assert!(net.chain.state().subnets().next().is_none());
    let events = net.ok(
        1,
        Call::RegisterNetworkLimit {
            hotkey: account(101),
            max_lock: lock,
        },
    );
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::NetworkAdded { lock: l, .. } if *l == lock)));
}
