//! Determinism and invariants over random transaction histories.

use crate::harness::*;
use plexus_runtime::{
    Call, ChainParams, GovernanceCall, Hyperparameter, ProxyType, RootClaimType, SignedTransaction,
};
use proptest::prelude::*;

/// A random call from one of a few accounts; many are meant to fail.
fn call_strategy() -> impl Strategy<Value = (u8, Call)> {
    let who = 1u8..=6;
    let to = 1u8..=8;
    prop_oneof![
        (who.clone(), to.clone(), 0u64..3 * TAO).prop_map(|(w, t, v)| (
            w,
            Call::Transfer {
                dest: account(t),
                value: v
            }
        )),
        (who.clone(), to.clone(), 0u64..3 * TAO).prop_map(|(w, t, v)| (
            w,
            Call::TransferKeepAlive {
                dest: account(t),
                value: v
            }
        )),
        (who.clone(), to.clone(), any::<bool>()).prop_map(|(w, t, k)| (
            w,
            Call::TransferAll {
                dest: account(t),
                keep_alive: k
            }
        )),
        (who.clone(), 100u8..=106)
            .prop_map(|(w, h)| (w, Call::RegisterNetwork { hotkey: account(h) })),
        (who.clone(), 1u16..=3, 100u8..=110).prop_map(|(w, n, h)| (
            w,
            Call::BurnedRegister {
                netuid: n,
                hotkey: account(h)
            }
        )),
        (who.clone(), 1u16..=3, 0u16..=600).prop_map(|(w, n, t)| (
            w,
            Call::SetHyperparameter {
                netuid: n,
                value: Hyperparameter::Tempo(t)
            }
        )),
        // Starting subnets, short tempos and stake make epochs run and pay out.
        (who.clone(), 1u16..=3).prop_map(|(w, n)| (w, Call::StartCall { netuid: n })),
        (1u16..=3, 11u16..=16).prop_map(|(n, t)| (
            GOV,
            Call::Governance(GovernanceCall::SetHyperparameter {
                netuid: n,
                value: Hyperparameter::Tempo(t)
            })
        )),
        // Netuid 0: TAO staked on root, which counts in every subnet's stake weight.
        (who.clone(), 100u8..=110, 0u16..=3, 0u64..5 * TAO).prop_map(|(w, h, n, a)| (
            w,
            Call::AddStake {
                hotkey: account(h),
                netuid: n,
                amount: a
            }
        )),
        (who.clone(), 100u8..=110, 0u16..=3, 0u64..5 * TAO).prop_map(|(w, h, n, a)| (
            w,
            Call::RemoveStake {
                hotkey: account(h),
                netuid: n,
                amount: a
            }
        )),
        (who.clone(), 100u8..=110).prop_map(|(w, h)| (w, Call::UnstakeAll { hotkey: account(h) })),
        // Proxies reserve deposits and act for their real accounts; batches run several calls.
        (who.clone(), to.clone(), 0usize..10, 0u64..3).prop_map(|(w, d, t, delay)| (
            w,
            Call::AddProxy {
                delegate: account(d),
                proxy_type: ProxyType::ALL[t],
                delay
            }
        )),
        (who.clone(), to.clone(), 100u8..=110, 0u64..5 * TAO).prop_map(|(w, r, h, a)| (
            w,
            Call::Proxy {
                real: account(r),
                force_proxy_type: None,
                call: Box::new(Call::AddStake {
                    hotkey: account(h),
                    netuid: 1,
                    amount: a
                })
            }
        )),
        (who.clone(), to.clone(), 0u64..3 * TAO, any::<bool>()).prop_map(|(w, t, v, all)| {
            let calls = vec![
                Call::TransferKeepAlive {
                    dest: account(t),
                    value: v,
                },
                Call::RemoveProxies,
            ];
            (
                w,
                if all {
                    Call::BatchAll { calls }
                } else {
                    Call::Batch { calls }
                },
            )
        }),
        // Child hotkeys move stake weight between hotkeys and dividends back to parents.
        (
            who.clone(),
            100u8..=110,
            0u16..=3,
            proptest::collection::vec((any::<u64>(), 100u8..=110), 0..3)
        )
            .prop_map(|(w, h, n, c)| (
                w,
                Call::SetChildren {
                    hotkey: account(h),
                    netuid: n,
                    children: c.into_iter().map(|(p, c)| (p / 2, account(c))).collect(),
                }
            )),
        (who.clone(), 100u8..=110, 1u16..=3, 0u16..=12_000).prop_map(|(w, h, n, t)| (
            w,
            Call::SetChildkeyTake {
                hotkey: account(h),
                netuid: n,
                take: t
            }
        )),
        (who.clone(), proptest::collection::vec(0u16..=3, 0..3))
            .prop_map(|(w, subnets)| (w, Call::ClaimRoot { subnets })),
        (who.clone(), 0u8..3, 1u16..=3).prop_map(|(w, kind, n)| (
            w,
            Call::SetRootClaimType {
                claim_type: match kind {
                    0 => RootClaimType::Swap,
                    1 => RootClaimType::Keep,
                    _ => RootClaimType::KeepSubnets { subnets: vec![n] },
                }
            }
        )),
        (
            100u8..=110,
            1u16..=3,
            proptest::collection::vec(0u16..6, 0..4)
        )
            .prop_map(|(w, n, d)| (
                w,
                Call::SetWeights {
                    netuid: n,
                    weights: vec![1; d.len()],
                    dests: d,
                    version_key: 0
                }
            )),
    ]
}

/// Proposes `history` (blocks of calls) on a fresh network, checking supply at every block;
/// returns the block roots and the blocks.
fn propose(
    history: &[Vec<(u8, Call)>],
) -> (Vec<plexus_primitives::H256>, Vec<plexus_runtime::Block>) {
    let (roots, blocks, _, _) = propose_counting(history);
    (roots, blocks)
}

/// As [`propose`], also counting the epochs that paid something out and the root claims.
fn propose_counting(
    history: &[Vec<(u8, Call)>],
) -> (
    Vec<plexus_primitives::H256>,
    Vec<plexus_runtime::Block>,
    usize,
    usize,
) {
    let mut paid_epochs = 0;
    let mut root_claims = 0;
    let mut net = property_net();
    let mut roots = Vec::new();
    let mut blocks = Vec::new();
    for calls in history {
        let mut nonces = std::collections::BTreeMap::new();
        let txs: Vec<SignedTransaction> = calls
            .iter()
            .map(|(who, call)| {
                let nonce = nonces
                    .entry(*who)
                    .or_insert_with(|| net.chain.next_nonce(&account(*who)));
                let tx = net.tx_with(*who, *nonce, None, call.clone());
                *nonce += 1;
                tx
            })
            .collect();
        let (block, outcome) = net.block(txs);
        net.assert_supply_conserved();
        paid_epochs += outcome
            .events
            .iter()
            .filter(|(_, e)| matches!(e, plexus_runtime::Event::EpochRun { emission, .. } if *emission > 0))
            .count();
        root_claims += outcome
            .events
            .iter()
            .filter(|(_, e)| matches!(e, plexus_runtime::Event::RootClaimed { .. }))
            .count();
        roots.push(block.header.state_root);
        blocks.push(block);
    }
    (roots, blocks, paid_epochs, root_claims)
}

/// [`Net::quick`] with moving prices that follow spot prices at once, so that with two
/// subnets started root is paid its share, two automatic root claims per block, and a short
/// cooldown for child hotkeys.
fn property_net() -> Net {
    Net::new(property_params())
}

fn property_params() -> ChainParams {
    ChainParams {
        network_rate_limit: 0,
        network_min_lock: TAO,
        moving_alpha_ppb: 1_000_000_000,
        ema_price_halving_blocks: 0,
        num_root_claims: 2,
        pending_childkey_cooldown: 5,
        coldkey_swap_announcement_delay: 2,
        coldkey_swap_reannouncement_delay: 1,
        ..ChainParams::default()
    }
}

/// The first block of every random history: two running subnets (tempo 11) and root stake
/// on the first one's owner hotkey.
fn prefix() -> Vec<(u8, Call)> {
    vec![
        (
            1,
            Call::RegisterNetwork {
                hotkey: account(100),
            },
        ),
        (
            2,
            Call::RegisterNetwork {
                hotkey: account(101),
            },
        ),
        (
            GOV,
            Call::Governance(GovernanceCall::SetHyperparameter {
                netuid: 1,
                value: Hyperparameter::Tempo(11),
            }),
        ),
        (1, Call::StartCall { netuid: 1 }),
        (2, Call::StartCall { netuid: 2 }),
        (
            3,
            Call::AddStake {
                hotkey: account(100),
                netuid: 0,
                amount: 2 * TAO,
            },
        ),
    ]
}

/// The network after `history` on [`property_net`] with `num_root_claims` automatic claims.
fn net_after(history: &[Vec<(u8, Call)>], num_root_claims: u64) -> Net {
    let mut net = Net::new(ChainParams {
        num_root_claims,
        ..property_params()
    });
    for calls in history {
        let mut nonces = std::collections::BTreeMap::new();
        let txs: Vec<SignedTransaction> = calls
            .iter()
            .map(|(who, call)| {
                let nonce = nonces
                    .entry(*who)
                    .or_insert_with(|| net.chain.next_nonce(&account(*who)));
                let tx = net.tx_with(*who, *nonce, None, call.clone());
                *nonce += 1;
                tx
            })
            .collect();
        net.block(txs);
    }
    net
}

/// Every state entry but a swap transaction's own bookkeeping, with `rename`'s old key's
/// bytes replaced by the new one's wherever they occur.
fn view(
    state: &plexus_runtime::State,
    rename: Option<(plexus_primitives::AccountId, plexus_primitives::AccountId)>,
) -> std::collections::BTreeMap<(&'static str, Vec<u8>), Vec<u8>> {
    const PAID: [&str; 8] = [
        "system",
        "globals",
        "balances",
        "nonces",
        "block_hashes",
        "hotkey_swapped_at",
        "hotkey_swapped_on",
        "coldkey_swaps",
    ];
    let replace = |bytes: Vec<u8>| match rename {
        None => bytes,
        Some((old, new)) => {
            let mut out = Vec::with_capacity(bytes.len());
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i..].starts_with(&old.0) {
                    out.extend_from_slice(&new.0);
                    i += 32;
                } else {
                    out.push(bytes[i]);
                    i += 1;
                }
            }
            out
        }
    };
    state
        .entries()
        .filter(|(item, _, _)| !PAID.contains(item))
        .map(|(item, key, value)| ((item, replace(key)), replace(value)))
        .collect()
}

/// Applies `blocks` on a fresh node; returns the roots it reaches.
fn replay(blocks: &[plexus_runtime::Block]) -> Vec<plexus_primitives::H256> {
    let mut node = property_net();
    blocks
        .iter()
        .map(|block| node.chain.apply_block(block).unwrap().header.state_root)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn test_random_histories_conserve_supply_and_replay_identically(
        history in proptest::collection::vec(proptest::collection::vec(call_strategy(), 0..8), 1..24)
    ) {
        // Every history starts with two running subnets (tempo 11) and root stake on the first
        // one's owner hotkey, so that most of them include emission, epochs, payouts and root
        // dividends.
        let mut history = history;
        history.insert(0, prefix());
        let (roots, blocks) = propose(&history);
        // Fresh nodes applying the blocks reach every root, every time.
        prop_assert_eq!(&replay(&blocks), &roots);
        prop_assert_eq!(&replay(&blocks), &roots);
        // A node offered a corrupted copy of each block first rejects it untouched, then
        // accepts the real one.
        let mut node = property_net();
        for block in &blocks {
            let mut forged = block.clone();
            forged.header.state_root.0[0] ^= 1;
            let before = node.chain.head().clone();
            prop_assert!(node.chain.apply_block(&forged).is_err());
            prop_assert_eq!(node.chain.head(), &before);
            node.chain.apply_block(block).unwrap();
        }
        prop_assert_eq!(node.chain.head().state_root, *roots.last().unwrap());
        // Nonces only grow: every included transaction used the next one.
        for block in &blocks {
            let mut last = std::collections::BTreeMap::new();
            for tx in &block.transactions {
                if let Some(prev) = last.insert(tx.signer(), tx.nonce()) {
                    prop_assert_eq!(tx.nonce(), prev + 1);
                }
            }
        }
    }

    #[test]
    fn test_a_hotkey_swap_at_any_point_replaces_the_key_and_changes_nothing_else(
        history in proptest::collection::vec(proptest::collection::vec(call_strategy(), 0..8), 0..12)
    ) {
        let mut history = history;
        history.insert(0, prefix());
        let mut with_swap = net_after(&history, 0);
        let mut without = Net {
            chain: with_swap.chain.clone(),
            timestamp: with_swap.timestamp,
            beacon: None,
        };
        let (old, new) = (account(100), account(150));
        let swap = Call::SwapHotkey {
            hotkey: old,
            new_hotkey: new,
            netuid: None,
        };
        let nonce = with_swap.chain.next_nonce(&account(1));
        let tx = with_swap.tx_with(1, nonce, None, swap);
        let (_, outcome) = with_swap.block(vec![tx]);
        let swapped = outcome
            .events
            .iter()
            .any(|(_, e)| matches!(e, plexus_runtime::Event::HotkeySwapped { .. }));
        prop_assume!(swapped);
        without.block(Vec::new());
        with_swap.assert_supply_conserved();
        prop_assert_eq!(with_swap.chain.state().check_supply(), Ok(()));
        // The same block with and without the swap: the states are equal once the old key
        // is renamed, but for what the transaction itself paid (balances, issuance, nonces)
        // and the swap's rate limit.
        let after = view(with_swap.chain.state(), None);
        let before = view(without.chain.state(), Some((old, new)));
        prop_assert_eq!(after.len(), before.len());
        for (key, value) in &before {
            prop_assert_eq!(after.get(key), Some(value), "{:?}", key);
        }
    }

    #[test]
    fn test_a_coldkey_swap_at_any_point_moves_everything_and_changes_nothing_else(
        history in proptest::collection::vec(proptest::collection::vec(call_strategy(), 0..8), 0..12)
    ) {
        let mut history = history;
        history.insert(0, prefix());
        let (old, new) = (account(1), account(160));
        history.push(vec![(1, Call::AnnounceColdkeySwap {
            new_coldkey_hash: plexus_primitives::blake2_256(&new.0),
        })]);
        history.push(Vec::new());
        history.push(Vec::new());
        let mut with_swap = net_after(&history, 0);
        let announced = with_swap.chain.state().coldkey_swap(&old).is_some();
        prop_assume!(announced);
        // Proxy rights other accounts gave the old coldkey stay with it (they trusted that
        // key); everything it owns moves. Histories where it holds such rights are left out.
        prop_assume!(with_swap.chain.state().proxied_by(&old).is_empty());
        let mut without = Net {
            chain: with_swap.chain.clone(),
            timestamp: with_swap.timestamp,
            beacon: None,
        };
        let nonce = with_swap.chain.next_nonce(&old);
        let tx = with_swap.tx_with(1, nonce, None, Call::SwapColdkeyAnnounced { new_coldkey: new });
        // A coldkey that spent everything after announcing cannot pay for the swap's
        // transaction, which no block then includes; those histories are left out.
        let checked = tx.clone().check(&with_swap.chain.check_context()).unwrap();
        prop_assume!(with_swap.chain.clone().validate_transaction(&checked).is_ok());
        let (_, outcome) = with_swap.block(vec![tx]);
        let swapped = outcome
            .events
            .iter()
            .any(|(_, e)| matches!(e, plexus_runtime::Event::ColdkeySwapped { .. }));
        prop_assert!(swapped, "{:?}", outcome.events);
        without.block(Vec::new());
        with_swap.assert_supply_conserved();
        prop_assert_eq!(with_swap.chain.state().check_supply(), Ok(()));
        let after = view(with_swap.chain.state(), None);
        let before = view(without.chain.state(), Some((old, new)));
        prop_assert_eq!(after.len(), before.len());
        for (key, value) in &before {
            prop_assert_eq!(after.get(key), Some(value), "{:?}", key);
        }
        // The balance moved whole, less the fee.
        let fee: u64 = outcome.events.iter().filter_map(|(_, e)| match e {
            plexus_runtime::Event::FeePaid { fee, .. } => Some(*fee),
            _ => None,
        }).sum();
        prop_assert_eq!(
            with_swap.chain.state().balance(&new),
            without.chain.state().balance(&old) - fee
        );
        prop_assert_eq!(with_swap.chain.state().balance(&old), 0);
    }

    #[test]
    fn test_random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = SignedTransaction::decode_bytes(&bytes, 65_536);
    }
}

#[test]
fn test_long_history_is_deterministic() {
    // A fixed long history mixing every kind of call.
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let mut rnd = |m: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % m
    };
    let history: Vec<Vec<(u8, Call)>> = (0..200)
        .map(|_| {
            (0..rnd(6))
                .map(|_| {
                    let who = 1 + rnd(6) as u8;
                    let call = match rnd(50) {
                        40..=42 => Call::StartCall {
                            netuid: 1 + rnd(3) as u16,
                        },
                        43..=47 => Call::AddStake {
                            hotkey: account(100 + rnd(12) as u8),
                            netuid: rnd(4) as u16,
                            amount: rnd(5 * TAO),
                        },
                        48 => Call::RemoveStake {
                            hotkey: account(100 + rnd(12) as u8),
                            netuid: rnd(4) as u16,
                            amount: rnd(2 * TAO),
                        },
                        49 if rnd(3) == 0 => Call::ClaimRoot {
                            subnets: vec![1 + rnd(3) as u16],
                        },
                        0..=29 => Call::Transfer {
                            dest: account(1 + rnd(8) as u8),
                            value: rnd(2 * TAO),
                        },
                        30..=32 => Call::RegisterNetwork {
                            hotkey: account(100 + rnd(4) as u8),
                        },
                        33..=38 => Call::BurnedRegister {
                            netuid: 1 + rnd(3) as u16,
                            hotkey: account(100 + rnd(12) as u8),
                        },
                        // Rare: it drains the sender, whose later transactions cannot pay.
                        39 => Call::TransferAll {
                            dest: account(1 + rnd(8) as u8),
                            keep_alive: true,
                        },
                        _ => Call::Governance(GovernanceCall::SetHyperparameter {
                            netuid: 1 + rnd(3) as u16,
                            value: Hyperparameter::Tempo(2 + rnd(10) as u16),
                        }),
                    };
                    let who = if matches!(call, Call::Governance(_)) {
                        GOV
                    } else {
                        who
                    };
                    (who, call)
                })
                .collect()
        })
        .collect();
    let (a, blocks, paid_epochs, root_claims) = propose_counting(&history);
    assert!(paid_epochs > 5, "{paid_epochs} epochs paid out");
    assert!(root_claims > 0, "no root dividends claimed");
    assert_eq!(replay(&blocks), a);
    assert_eq!(replay(&blocks), a);
    let included: usize = blocks.iter().map(|b| b.transactions.len()).sum();
    assert!(included > 100, "{included} transactions included");
    assert!(a.windows(2).any(|w| w[0] != w[1]));
}
