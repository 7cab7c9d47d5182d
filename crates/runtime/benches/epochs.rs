//! A block in which 32 subnets of 256 neurons run their epochs and pay out: 64 validators per
//! subnet with stake on the subnet and on root, each weighting all 256 uids, eight of them
//! lending a quarter of their stake weight to a child hotkey. Classic bonds and Yuma3.

// Benchmarks panic on setup failures by design.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use plexus_primitives::{AccountId, RAO_PER_TAO};
use plexus_runtime::{
    check_batch, Call, Chain, ChainParams, Event, Genesis, GovernanceCall, Hyperparameter,
    SignedTransaction, Transaction,
};
use std::collections::BTreeMap;
use std::hint::black_box;

const SUBNETS: u16 = 32;
const UIDS: u16 = 256;
const VALIDATORS: u16 = 64;
const TEMPO: u16 = 50;

fn keypair(i: u32) -> schnorrkel::Keypair {
    let mut seed = [9u8; 32];
    seed[..4].copy_from_slice(&i.to_le_bytes());
    schnorrkel::MiniSecretKey::from_bytes(&seed)
        .unwrap()
        .expand_to_keypair(schnorrkel::ExpansionMode::Ed25519)
}

struct Setup {
    chain: Chain,
    keys: BTreeMap<u32, schnorrkel::Keypair>,
    nonces: BTreeMap<u32, u64>,
    timestamp: u64,
}

impl Setup {
    fn account(&mut self, i: u32) -> AccountId {
        let pair = self.keys.entry(i).or_insert_with(|| keypair(i));
        AccountId(pair.public.to_bytes())
    }

    fn tx(&mut self, signer: u32, call: Call) -> SignedTransaction {
        let account = self.account(signer);
        let nonce = self.nonces.entry(signer).or_insert(0);
        let transaction = Transaction {
            signer: account,
            nonce: *nonce,
            genesis_hash: self.chain.genesis_hash(),
            valid_until: None,
            tip: 0,
            call,
        };
        *nonce += 1;
        transaction.sign(&self.keys[&signer])
    }

    fn block(&mut self, txs: Vec<SignedTransaction>) -> Vec<Event> {
        let expected = txs.len();
        self.timestamp += 12_000;
        let (block, outcome) = self
            .chain
            .build_block(
                self.timestamp,
                check_batch(txs, &self.chain.check_context()).unwrap(),
            )
            .unwrap();
        assert_eq!(
            block.transactions.len(),
            expected,
            "every setup transaction is valid"
        );
        let failed: Vec<_> = outcome
            .events
            .iter()
            .filter(|(_, e)| matches!(e, Event::TransactionFailed { .. }))
            .collect();
        assert!(failed.is_empty(), "{failed:?}");
        outcome.events.into_iter().map(|(_, e)| e).collect()
    }
}

/// Key numbering: 0 governs; 1..=32 own the subnets; subnet s's uid u has hotkey
/// 1_000 × s + u and is registered (and, for validators, staked) by coldkey 100 + s.
fn setup(yuma3: bool) -> Setup {
    let mut s = Setup {
        chain: Chain::from_genesis(&Genesis {
            chain_id: "bench".into(),
            timestamp: 1,
            governance: Some(AccountId(keypair(0).public.to_bytes())),
            balances: (0..=200)
                .map(|i| {
                    (
                        AccountId(keypair(i).public.to_bytes()),
                        50_000 * RAO_PER_TAO,
                    )
                })
                .collect(),
            params: ChainParams {
                network_rate_limit: 0,
                network_min_lock: 1_000 * RAO_PER_TAO,
                network_lock_reduction_interval: 1,
                max_epochs_per_block: SUBNETS,
                max_block_transactions: 100_000,
                // Moving prices follow spot prices, so root is paid its share and its
                // dividends are split, accrued and claimed as on a mature network; children
                // take effect at the first epoch.
                moving_alpha_ppb: 1_000_000_000,
                ema_price_halving_blocks: 0,
                pending_childkey_cooldown: 0,
                ..ChainParams::default()
            },
            group_key: None,
            epoch_length: None,
            consensus: None,
        })
        .unwrap(),
        keys: BTreeMap::new(),
        nonces: BTreeMap::new(),
        timestamp: 1,
    };
    // One registration per block: with a one-block reduction interval the lock cost stays at
    // its floor instead of doubling.
    for owner in 1..=u32::from(SUBNETS) {
        let hotkey = s.account(1_000 * owner);
        let tx = s.tx(owner, Call::RegisterNetwork { hotkey });
        s.block(vec![tx]);
    }
    let mut txs = Vec::new();
    for netuid in 1..=SUBNETS {
        for value in [
            Hyperparameter::CommitReveal(false),
            Hyperparameter::WeightsRateLimit(0),
            Hyperparameter::BurnIncreaseMult(1_000_000),
            Hyperparameter::Yuma3(yuma3),
            Hyperparameter::MaxAllowedValidators(VALIDATORS),
        ] {
            txs.push(s.tx(
                0,
                Call::Governance(GovernanceCall::SetHyperparameter { netuid, value }),
            ));
        }
        txs.push(s.tx(u32::from(netuid), Call::StartCall { netuid }));
        for uid in 1..UIDS {
            let hotkey = s.account(1_000 * u32::from(netuid) + u32::from(uid));
            txs.push(s.tx(
                100 + u32::from(netuid),
                Call::BurnedRegister { netuid, hotkey },
            ));
        }
    }
    s.block(txs);
    let mut txs = Vec::new();
    for netuid in 1..=SUBNETS {
        for uid in 1..=VALIDATORS {
            let hotkey = s.account(1_000 * u32::from(netuid) + u32::from(uid));
            let amount = (1 + u64::from(uid)) * RAO_PER_TAO;
            txs.push(s.tx(
                100 + u32::from(netuid),
                Call::AddStake {
                    hotkey,
                    netuid,
                    amount,
                },
            ));
            // And TAO on root, which every epoch reads beside the alpha.
            txs.push(s.tx(
                100 + u32::from(netuid),
                Call::AddStake {
                    hotkey,
                    netuid: plexus_runtime::ROOT_NETUID,
                    amount: 10 * amount,
                },
            ));
        }
        // Validators 1..=8 each lend a quarter of their weight to validator 8 higher.
        for uid in 1..=8u32 {
            let base = 1_000 * u32::from(netuid);
            let hotkey = s.account(base + uid);
            let child = s.account(base + uid + 8);
            txs.push(s.tx(
                100 + u32::from(netuid),
                Call::SetChildren {
                    hotkey,
                    netuid,
                    children: vec![(u64::MAX / 4, child)],
                },
            ));
        }
        let value = Hyperparameter::Tempo(TEMPO);
        txs.push(s.tx(
            0,
            Call::Governance(GovernanceCall::SetHyperparameter { netuid, value }),
        ));
    }
    s.block(txs);
    // Let the first epochs hand out permits, then every validator weights every uid.
    for _ in 0..TEMPO {
        s.block(Vec::new());
    }
    let parent = s.account(1_001);
    assert_eq!(
        s.chain.state().children(&parent, 1).len(),
        1,
        "the children took effect at the first epoch"
    );
    let mut txs = Vec::new();
    for netuid in 1..=SUBNETS {
        for uid in 1..=VALIDATORS {
            let signer = 1_000 * u32::from(netuid) + u32::from(uid);
            let dests: Vec<u16> = (0..UIDS).collect();
            let weights = dests
                .iter()
                .map(|d| 1 + (d.wrapping_mul(37) ^ uid.wrapping_mul(11)) % 1000)
                .collect();
            txs.push(s.tx(
                signer,
                Call::SetWeights {
                    netuid,
                    dests,
                    weights,
                    version_key: 0,
                },
            ));
        }
    }
    s.block(txs);
    // Run to the block before the next round of epochs.
    loop {
        let mut probe = s.chain.clone();
        let (_, outcome) = probe.build_block(s.timestamp + 12_000, Vec::new()).unwrap();
        let epochs = outcome
            .events
            .iter()
            .filter(|(_, e)| matches!(e, Event::EpochRun { .. }))
            .count();
        if epochs == usize::from(SUBNETS) {
            break;
        }
        s.block(Vec::new());
    }
    s
}

fn epochs(c: &mut Criterion) {
    let mut group = c.benchmark_group("runtime::epoch block");
    group.sample_size(10);
    for (name, yuma3) in [("classic", false), ("yuma3", true)] {
        let s = setup(yuma3);
        let timestamp = s.timestamp + 12_000;
        group.bench_function(
            format!("{name}/subnets={SUBNETS} uids={UIDS} validators={VALIDATORS}"),
            |b| {
                b.iter_batched(
                    || s.chain.clone(),
                    |mut chain| black_box(chain.build_block(timestamp, Vec::new()).unwrap()),
                    BatchSize::LargeInput,
                )
            },
        );
    }
    group.finish();
}

criterion_group!(benches, epochs);
criterion_main!(benches);
