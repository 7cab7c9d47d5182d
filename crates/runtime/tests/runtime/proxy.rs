//! Proxies and batches: each proxy type allows exactly its calls (alone, in a batch, and in a
//! batch inside a proxy call), delayed proxies wait for their announcements, deposits are
//! reserved and returned, and batches stop, roll back or go on as their kind says.

use crate::harness::*;
use parity_scale_codec::Encode;
use plexus_primitives::{blake2_256, H256};
use plexus_runtime::{
    Call, ChainParams, DispatchError, Event, Hyperparameter, ProxyType, PROXY_DEPOSIT_BASE,
    PROXY_DEPOSIT_FACTOR, ROOT_NETUID,
};

const REAL: u8 = 1;
const DELEGATE: u8 = 2;

fn add_proxy(delegate: u8, proxy_type: ProxyType, delay: u64) -> Call {
    Call::AddProxy {
        delegate: account(delegate),
        proxy_type,
        delay,
    }
}

fn proxy(call: Call) -> Call {
    Call::Proxy {
        real: account(REAL),
        force_proxy_type: None,
        call: Box::new(call),
    }
}

/// The outcome of a proxy call: `None` if the inner call succeeded, else its error.
fn proxied(net: &mut Net, call: Call) -> Option<DispatchError> {
    let events = net.ok(DELEGATE, proxy(call));
    events
        .iter()
        .find_map(|e| match e {
            Event::ProxyExecuted { error, .. } => Some(error.clone()),
            _ => None,
        })
        .expect("a ProxyExecuted event")
}

/// A started subnet owned by coldkey 1 (hotkey 101) with hotkey 103 of coldkey 1 registered.
fn network() -> (Net, u16) {
    let mut net = Net::new(ChainParams {
        network_rate_limit: 0,
        network_min_lock: 1000 * TAO,
        ..ChainParams::default()
    });
    let netuid = net.subnet(REAL, 101);
    net.ok(REAL, Call::StartCall { netuid });
    net.register(REAL, netuid, 103);
    (net, netuid)
}

/// One call of each kind a proxy type decides on, signed for coldkey 1.
fn sample_calls(netuid: u16) -> Vec<(&'static str, Call)> {
    vec![
        (
            "transfer",
            Call::TransferKeepAlive {
                dest: account(9),
                value: TAO / 10,
            },
        ),
        (
            "big_transfer",
            Call::TransferKeepAlive {
                dest: account(9),
                value: TAO,
            },
        ),
        (
            "add_stake",
            Call::AddStake {
                hotkey: account(101),
                netuid,
                amount: TAO,
            },
        ),
        (
            "register",
            Call::BurnedRegister {
                netuid,
                hotkey: account(104),
            },
        ),
        (
            "hyperparameter",
            Call::SetHyperparameter {
                netuid,
                value: Hyperparameter::MaxWeightLimit(60_000),
            },
        ),
        (
            "children",
            Call::SetChildkeyTake {
                hotkey: account(103),
                netuid,
                take: 100,
            },
        ),
        (
            "claim_root",
            Call::ClaimRoot {
                subnets: vec![netuid],
            },
        ),
        (
            "root_register",
            Call::RootRegister {
                hotkey: account(105),
            },
        ),
    ]
}

/// What each type may do, by the names above.
fn allowed(proxy_type: ProxyType, name: &str) -> bool {
    use ProxyType as P;
    match proxy_type {
        P::Any => true,
        P::NonTransfer => !matches!(name, "transfer" | "big_transfer"),
        P::NonCritical => !matches!(name, "register" | "root_register"),
        P::Transfer => matches!(name, "transfer" | "big_transfer"),
        P::SmallTransfer => name == "transfer",
        P::Staking => name == "add_stake",
        P::Registration => name == "register",
        P::Owner => name == "hyperparameter",
        P::ChildKeys => name == "children",
        P::RootClaim => name == "claim_root",
    }
}

#[test]
fn test_each_proxy_type_allows_exactly_its_calls_alone_in_a_batch_and_in_a_batch_by_proxy() {
    for proxy_type in ProxyType::ALL {
        for (name, call) in sample_calls(1) {
            let (mut net, netuid) = network();
            assert_eq!(netuid, 1);
            net.ok(REAL, add_proxy(DELEGATE, proxy_type, 0));
            let denied = Some(DispatchError::CallFiltered(proxy_type));
            // Alone: allowed calls run (they may still fail for their own reasons, as root
            // claiming nothing does); denied ones are filtered.
            let alone = proxied(&mut net, call.clone());
            if allowed(proxy_type, name) {
                assert_ne!(alone, denied, "{proxy_type:?} {name}");
            } else {
                assert_eq!(alone, denied, "{proxy_type:?} {name}");
            }
            // A batch made through the proxy: only types that allow batches at all (those that
            // deny a list rather than allow one) can send it, and each item is judged again.
            let batch = Call::BatchAll {
                calls: vec![call.clone()],
            };
            let by_batch = proxied(&mut net, batch);
            let batches = matches!(
                proxy_type,
                ProxyType::Any | ProxyType::NonTransfer | ProxyType::NonCritical
            );
            if batches && allowed(proxy_type, name) {
                assert_ne!(by_batch, denied, "{proxy_type:?} batch of {name}");
            } else {
                assert_eq!(by_batch, denied, "{proxy_type:?} batch of {name}");
            }
            // A batch of proxy calls, signed by the delegate: each judged by the proxy type.
            let events = net.ok(
                DELEGATE,
                Call::Batch {
                    calls: vec![proxy(call.clone())],
                },
            );
            let in_batch = events
                .iter()
                .find_map(|e| match e {
                    Event::ProxyExecuted { error, .. } => Some(error.clone()),
                    _ => None,
                })
                .expect("a ProxyExecuted event");
            if allowed(proxy_type, name) {
                assert_ne!(in_batch, denied, "{proxy_type:?} proxy in a batch: {name}");
            } else {
                assert_eq!(in_batch, denied, "{proxy_type:?} proxy in a batch: {name}");
            }
            net.assert_supply_conserved();
        }
    }
}

#[test]
fn test_a_staking_proxy_stakes_for_a_real_account_that_never_signs() {
    let (mut net, netuid) = network();
    net.ok(REAL, add_proxy(DELEGATE, ProxyType::Staking, 0));
    let before = net.chain.state().balance(&account(REAL));
    assert_eq!(
        proxied(
            &mut net,
            Call::AddStake {
                hotkey: account(101),
                netuid,
                amount: 10 * TAO,
            }
        ),
        None
    );
    let state = net.chain.state();
    assert!(state.stake(&account(101), &account(REAL), netuid) > 0);
    // The real account paid the stake; the delegate paid the fee.
    assert_eq!(before - state.balance(&account(REAL)), 10 * TAO);
    // Root stake too, and its unstaking.
    assert_eq!(
        proxied(
            &mut net,
            Call::AddStake {
                hotkey: account(101),
                netuid: ROOT_NETUID,
                amount: 5 * TAO,
            }
        ),
        None
    );
    assert_eq!(
        net.chain
            .state()
            .stake(&account(101), &account(REAL), ROOT_NETUID),
        5 * TAO
    );
    net.assert_supply_conserved();
}

#[test]
fn test_proxy_management_reserves_deposits_and_names_its_failures() {
    let (mut net, _) = network();
    let free = |net: &Net| net.chain.state().balance(&account(REAL));
    assert_eq!(
        net.fails(REAL, add_proxy(REAL, ProxyType::Any, 0)),
        DispatchError::NoSelfProxy
    );
    let fee_of = |events: &[Event]| {
        events
            .iter()
            .find_map(|e| match e {
                Event::FeePaid { fee, .. } => Some(*fee),
                _ => None,
            })
            .unwrap_or(0)
    };
    let before = free(&net);
    let e1 = net.ok(REAL, add_proxy(DELEGATE, ProxyType::Staking, 0));
    let e2 = net.ok(REAL, add_proxy(3, ProxyType::Transfer, 5));
    let fees = fee_of(&e1) + fee_of(&e2);
    let deposit = PROXY_DEPOSIT_BASE + 2 * PROXY_DEPOSIT_FACTOR;
    assert_eq!(net.chain.state().reserved(&account(REAL)), deposit);
    assert_eq!(free(&net) + deposit + fees, before);
    assert_eq!(
        net.fails(REAL, add_proxy(DELEGATE, ProxyType::Staking, 0)),
        DispatchError::DuplicateProxy
    );
    assert_eq!(
        net.fails(
            REAL,
            Call::RemoveProxy {
                delegate: account(DELEGATE),
                proxy_type: ProxyType::Staking,
                delay: 1,
            }
        ),
        DispatchError::ProxyNotFound
    );
    // A delegate that is not one, or not of the type forced.
    assert_eq!(
        net.fails(4, proxy(Call::RemoveProxies)),
        DispatchError::NotProxy
    );
    assert_eq!(
        net.fails(
            DELEGATE,
            Call::Proxy {
                real: account(REAL),
                force_proxy_type: Some(ProxyType::Transfer),
                call: Box::new(Call::RemoveProxies),
            }
        ),
        DispatchError::NotProxy
    );
    // A staking proxy may not widen its rights or drop the others.
    assert_eq!(
        proxied(&mut net, add_proxy(5, ProxyType::Any, 0)),
        Some(DispatchError::CallFiltered(ProxyType::Staking))
    );
    assert_eq!(
        proxied(&mut net, Call::RemoveProxies),
        Some(DispatchError::CallFiltered(ProxyType::Staking))
    );
    assert_eq!(proxied(&mut net, add_proxy(5, ProxyType::Staking, 0)), None);
    for i in 0..17u8 {
        net.ok(REAL, add_proxy(20 + i, ProxyType::Any, 0));
    }
    assert_eq!(
        net.fails(REAL, add_proxy(60, ProxyType::Any, 0)),
        DispatchError::TooManyProxies { max: 20 }
    );
    // Removing them all returns the whole deposit.
    net.ok(REAL, Call::RemoveProxies);
    assert_eq!(net.chain.state().reserved(&account(REAL)), 0);
    assert!(net.chain.state().proxies(&account(REAL)).proxies.is_empty());
    net.assert_supply_conserved();
    assert_eq!(net.chain.state().check_supply(), Ok(()));
}

#[test]
fn test_a_delayed_proxy_acts_only_on_a_matured_announcement_the_real_did_not_reject() {
    let (mut net, _) = network();
    net.ok(REAL, add_proxy(DELEGATE, ProxyType::Transfer, 10));
    let pay = Call::TransferKeepAlive {
        dest: account(9),
        value: TAO,
    };
    let hash: H256 = blake2_256(&pay.encode());
    assert_eq!(hash, pay.hash());
    // Not without announcing, and not before the delay.
    assert_eq!(
        net.fails(DELEGATE, proxy(pay.clone())),
        DispatchError::ProxyUnannounced
    );
    net.ok(
        DELEGATE,
        Call::Announce {
            real: account(REAL),
            call_hash: hash,
        },
    );
    assert!(net.chain.state().reserved(&account(DELEGATE)) > 0);
    let announced = |who: u8| Call::ProxyAnnounced {
        delegate: account(DELEGATE),
        real: account(who),
        force_proxy_type: None,
        call: Box::new(pay.clone()),
    };
    assert_eq!(
        net.fails(7, announced(REAL)),
        DispatchError::ProxyUnannounced
    );
    // The real account vetoes it; a second announcement matures and anyone may send it.
    net.ok(
        REAL,
        Call::RejectAnnouncement {
            delegate: account(DELEGATE),
            call_hash: hash,
        },
    );
    assert_eq!(net.chain.state().reserved(&account(DELEGATE)), 0);
    net.advance_to(net.block_number() + 11);
    assert_eq!(
        net.fails(7, announced(REAL)),
        DispatchError::ProxyUnannounced
    );
    net.ok(
        DELEGATE,
        Call::Announce {
            real: account(REAL),
            call_hash: hash,
        },
    );
    net.advance_to(net.block_number() + 10);
    let before = net.chain.state().balance(&account(9));
    let events = net.ok(7, announced(REAL));
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::ProxyExecuted { error: None, .. })));
    assert_eq!(net.chain.state().balance(&account(9)), before + TAO);
    assert_eq!(net.chain.state().reserved(&account(DELEGATE)), 0);
    // Used once: it cannot be replayed.
    assert_eq!(
        net.fails(7, announced(REAL)),
        DispatchError::ProxyUnannounced
    );
    assert_eq!(
        net.fails(
            DELEGATE,
            Call::RemoveAnnouncement {
                real: account(REAL),
                call_hash: hash
            }
        ),
        DispatchError::AnnouncementNotFound
    );
    net.assert_supply_conserved();
}

#[test]
fn test_batches_stop_roll_back_or_go_on() {
    let (mut net, _) = network();
    let pay = |value| Call::TransferKeepAlive {
        dest: account(9),
        value,
    };
    let too_much = pay(10_000_000 * TAO);
    let start = net.chain.state().balance(&account(9));
    // batch: the first call stays done, the batch stops at the second.
    let events = net.ok(
        REAL,
        Call::Batch {
            calls: vec![pay(TAO), too_much.clone(), pay(TAO)],
        },
    );
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::BatchInterrupted { index: 1, .. })));
    assert_eq!(net.chain.state().balance(&account(9)), start + TAO);
    // batch_all whose last call fails: nothing but the fee.
    let before = net.chain.state().balance(&account(REAL));
    let error = net.fails(
        REAL,
        Call::BatchAll {
            calls: vec![pay(TAO), pay(TAO), too_much.clone()],
        },
    );
    assert!(matches!(error, DispatchError::InsufficientBalance { .. }));
    let state = net.chain.state();
    assert_eq!(state.balance(&account(9)), start + TAO);
    let fee = before - state.balance(&account(REAL));
    assert!(fee > 0 && fee < TAO / 100, "only the fee: {fee}");
    // force_batch: every call that can be done is.
    let events = net.ok(
        REAL,
        Call::ForceBatch {
            calls: vec![too_much, pay(TAO), pay(TAO)],
        },
    );
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::BatchItemFailed { index: 0, .. })));
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::BatchCompleted { errors: true })));
    assert_eq!(net.chain.state().balance(&account(9)), start + 3 * TAO);
    // Batches do not nest, and governance calls are top-level only.
    assert_eq!(
        net.fails(
            REAL,
            Call::Batch {
                calls: vec![Call::Batch { calls: vec![] }]
            }
        ),
        DispatchError::NotNestable
    );
    assert_eq!(
        net.fails(
            GOV,
            Call::BatchAll {
                calls: vec![Call::Governance(plexus_runtime::GovernanceCall::SetKey(
                    None
                ))]
            }
        ),
        DispatchError::NotNestable
    );
    net.assert_supply_conserved();
}

#[test]
fn test_the_bounds_on_announcements_and_batches() {
    let (mut net, _) = network();
    net.ok(REAL, add_proxy(DELEGATE, ProxyType::Any, 5));
    for i in 0..75u8 {
        net.ok(
            DELEGATE,
            Call::Announce {
                real: account(REAL),
                call_hash: H256([i; 32]),
            },
        );
    }
    assert_eq!(
        net.fails(
            DELEGATE,
            Call::Announce {
                real: account(REAL),
                call_hash: H256([200; 32]),
            }
        ),
        DispatchError::TooManyAnnouncements { max: 75 }
    );
    assert_eq!(
        net.chain.state().reserved(&account(DELEGATE)),
        plexus_runtime::ANNOUNCEMENT_DEPOSIT_BASE
            + 75 * plexus_runtime::ANNOUNCEMENT_DEPOSIT_FACTOR
    );
    let calls = vec![Call::RemoveProxies; plexus_runtime::MAX_BATCH_CALLS + 1];
    assert_eq!(
        net.fails(REAL, Call::Batch { calls }),
        DispatchError::TooManyCalls { max: 10_922 }
    );
}

#[test]
fn test_a_pure_account_is_used_only_through_its_spawner_and_killed_through_it() {
    let (mut net, _) = network();
    let create = |index| Call::CreatePure {
        proxy_type: ProxyType::Any,
        delay: 0,
        index,
    };
    let events = net.ok(REAL, create(0));
    let pure = events
        .iter()
        .find_map(|e| match e {
            Event::PureCreated { pure, .. } => Some(*pure),
            _ => None,
        })
        .unwrap();
    let height = net.block_number();
    let deposit = PROXY_DEPOSIT_BASE + PROXY_DEPOSIT_FACTOR;
    // The spawner paid the deposit; the pure account holds it.
    assert_eq!(net.chain.state().reserved(&pure), deposit);
    assert_eq!(net.chain.state().reserved(&account(REAL)), 0);
    // The same index twice in one transaction is the same account.
    assert_eq!(
        net.fails(
            REAL,
            Call::BatchAll {
                calls: vec![create(1), create(1)]
            }
        ),
        DispatchError::DuplicateProxy
    );
    // Funded, it pays out only through its spawner.
    net.ok(
        3,
        Call::TransferKeepAlive {
            dest: pure,
            value: 10 * TAO,
        },
    );
    let as_pure = |call: Call| Call::Proxy {
        real: pure,
        force_proxy_type: None,
        call: Box::new(call),
    };
    let before = net.chain.state().balance(&account(9));
    let events = net.ok(
        REAL,
        as_pure(Call::TransferAll {
            dest: account(9),
            keep_alive: false,
        }),
    );
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::ProxyExecuted { error: None, .. })));
    assert_eq!(net.chain.state().balance(&account(9)), before + 10 * TAO);
    assert_eq!(
        net.fails(DELEGATE, as_pure(Call::RemoveProxies)),
        DispatchError::NotProxy
    );
    // Killed through itself, with the right birth details only; the deposit comes back.
    let kill = |index| Call::KillPure {
        spawner: account(REAL),
        proxy_type: ProxyType::Any,
        index,
        height,
        ext_index: 0,
    };
    let events = net.ok(REAL, as_pure(kill(5)));
    assert!(events.iter().any(|e| matches!(
        e,
        Event::ProxyExecuted {
            error: Some(DispatchError::NotProxy),
            ..
        }
    )));
    let spawner_before = net.chain.state().balance(&account(REAL));
    let events = net.ok(REAL, as_pure(kill(0)));
    assert!(net.chain.state().proxies(&pure).proxies.is_empty());
    assert_eq!(net.chain.state().reserved(&pure), 0);
    assert_eq!(
        net.chain.state().balance(&account(REAL)),
        spawner_before + deposit - fee_of(&events)
    );
    assert_eq!(
        net.fails(REAL, as_pure(Call::RemoveProxies)),
        DispatchError::NotProxy
    );
    // The whole-state audit: the harness's sums know only the named test accounts, and the
    // pure accounts hold balance and deposits too.
    assert_eq!(net.chain.state().check_supply(), Ok(()));

    // A pure account that drops its own proxy gets its deposit back, and no more than it.
    let events = net.ok(REAL, create(2));
    let second = events
        .iter()
        .find_map(|e| match e {
            Event::PureCreated { pure, .. } => Some(*pure),
            _ => None,
        })
        .unwrap();
    net.ok(
        REAL,
        Call::Proxy {
            real: second,
            force_proxy_type: None,
            call: Box::new(Call::RemoveProxies),
        },
    );
    assert_eq!(net.chain.state().balance(&second), deposit);
    // The whole-state audit: the harness's sums know only the named test accounts, and the
    // pure accounts hold balance and deposits too.
    assert_eq!(net.chain.state().check_supply(), Ok(()));
}

fn fee_of(events: &[Event]) -> u64 {
    events
        .iter()
        .filter_map(|e| match e {
            Event::FeePaid { fee, .. } => Some(*fee),
            _ => None,
        })
        .sum()
}
