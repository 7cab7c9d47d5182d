//! Block processing: decoding, signature checks (batched and one by one) and execution of
//! blocks of 1,000 transfers and of 1,000 `set_weights` on a 256-neuron subnet; and the block
//! step that opens 256 timelocked weight commits with their view's seed.

// Benchmarks panic on setup failures by design.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use parity_scale_codec::Encode;
use plexus_primitives::{AccountId, RAO_PER_TAO};
use plexus_runtime::{
    check_batch, consensus_namespace, timelocked_weights_aad, timelocked_weights_plaintext, Call,
    Chain, ChainParams, ConsensusRound, Event, Genesis, GovernanceCall, Hyperparameter, Seed,
    SeedSignature, SignedTransaction, Transaction,
};
use plexus_timelock::{testing::TestGroup, Round};
use std::hint::black_box;

const TXS: usize = 1_000;

fn keypair(i: u32) -> schnorrkel::Keypair {
    let mut seed = [7u8; 32];
    seed[..4].copy_from_slice(&i.to_le_bytes());
    schnorrkel::MiniSecretKey::from_bytes(&seed)
        .unwrap()
        .expand_to_keypair(schnorrkel::ExpansionMode::Ed25519)
}

fn account(pair: &schnorrkel::Keypair) -> AccountId {
    AccountId(pair.public.to_bytes())
}

fn signed(chain: &Chain, pair: &schnorrkel::Keypair, nonce: u64, call: Call) -> SignedTransaction {
    let transaction = Transaction {
        signer: account(pair),
        nonce,
        genesis_hash: chain.genesis_hash(),
        valid_until: None,
        tip: 0,
        call,
    };
    transaction.sign(pair)
}

/// A chain where accounts 0..2000 hold 1,000 TAO each and account 0 governs.
fn genesis(pairs: &[schnorrkel::Keypair]) -> Chain {
    genesis_with_group(pairs, None)
}

/// As [`genesis`], with a validators' group key.
fn genesis_with_group(pairs: &[schnorrkel::Keypair], group_key: Option<String>) -> Chain {
    let genesis = Genesis {
        chain_id: "bench".into(),
        timestamp: 1,
        governance: Some(account(&pairs[0])),
        balances: pairs
            .iter()
            .map(|p| (account(p), 1_000 * RAO_PER_TAO))
            .collect(),
        params: ChainParams {
            network_min_lock: RAO_PER_TAO,
            max_block_transactions: 100_000,
            ..ChainParams::default()
        },
        group_key,
        epoch_length: None,
        consensus: None,
    };
    Chain::from_genesis(&genesis).unwrap()
}

fn bench_block(c: &mut Criterion, name: &str, chain: &Chain, txs: Vec<SignedTransaction>) {
    let encoded: Vec<Vec<u8>> = txs.iter().map(Encode::encode).collect();
    let mut proposer = chain.clone();
    let checked = check_batch(txs.clone(), &chain.check_context()).unwrap();
    let (block, _) = proposer.build_block(10_000, checked.clone()).unwrap();
    assert_eq!(block.transactions.len(), TXS, "every transaction is valid");

    let mut group = c.benchmark_group(format!("runtime::{name}"));
    group.throughput(Throughput::Elements(TXS as u64));
    group.sample_size(20);
    group.bench_function("decode", |b| {
        b.iter(|| {
            for bytes in &encoded {
                black_box(SignedTransaction::decode_bytes(bytes, 1 << 20).unwrap());
            }
        })
    });
    group.bench_function("verify batched", |b| {
        b.iter_batched(
            || txs.clone(),
            |txs| black_box(check_batch(txs, &chain.check_context()).unwrap()),
            BatchSize::LargeInput,
        )
    });
    group.bench_function("verify one by one", |b| {
        b.iter_batched(
            || txs.clone(),
            |txs| {
                for tx in txs {
                    black_box(tx.check(&chain.check_context()).unwrap());
                }
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("execute (with state root)", |b| {
        b.iter_batched(
            || chain.clone(),
            |mut chain| {
                black_box(
                    chain
                        .apply_checked_block(&block.header, &checked, &block.consensus)
                        .unwrap(),
                )
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("decode+verify+execute", |b| {
        b.iter_batched(
            || chain.clone(),
            |mut chain| {
                let txs = encoded
                    .iter()
                    .map(|bytes| SignedTransaction::decode_bytes(bytes, 1 << 20).unwrap())
                    .collect();
                let checked = check_batch(txs, &chain.check_context()).unwrap();
                black_box(
                    chain
                        .apply_checked_block(&block.header, &checked, &block.consensus)
                        .unwrap(),
                )
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

fn transfers(c: &mut Criterion) {
    let pairs: Vec<_> = (0..2 * TXS as u32).map(keypair).collect();
    let chain = genesis(&pairs);
    let txs = (0..TXS)
        .map(|i| {
            let call = Call::Transfer {
                dest: account(&pairs[TXS + i]),
                value: RAO_PER_TAO,
            };
            signed(&chain, &pairs[i], 0, call)
        })
        .collect();
    bench_block(c, "transfers", &chain, txs);
}

/// A subnet of 256 neurons whose owner hotkey may set weights every block, then 1,000
/// `set_weights` of 256 weights each.
fn set_weights(c: &mut Criterion) {
    let pairs: Vec<_> = (0..2 * TXS as u32).map(keypair).collect();
    let mut chain = genesis(&pairs);
    let owner = &pairs[1];
    let hotkey = keypair(1_000_000);
    let mut txs = vec![signed(
        &chain,
        owner,
        0,
        Call::RegisterNetwork {
            hotkey: account(&hotkey),
        },
    )];
    for (i, value) in [
        Hyperparameter::CommitReveal(false),
        Hyperparameter::WeightsRateLimit(0),
        Hyperparameter::BurnIncreaseMult(1_000_000),
    ]
    .into_iter()
    .enumerate()
    {
        let call = Call::Governance(GovernanceCall::SetHyperparameter { netuid: 1, value });
        txs.push(signed(&chain, &pairs[0], i as u64, call));
    }
    for i in 0..255 {
        let call = Call::BurnedRegister {
            netuid: 1,
            hotkey: account(&keypair(2_000_000 + i)),
        };
        txs.push(signed(&chain, &pairs[2 + i as usize], 0, call));
    }
    let checked = check_batch(txs, &chain.check_context()).unwrap();
    chain.build_block(2, checked).unwrap();
    assert_eq!(chain.state().subnet(1).unwrap().n, 256);
    let start = chain.next_nonce(&account(&hotkey));
    let dests: Vec<u16> = (0..256).collect();
    let txs = (0..TXS as u64)
        .map(|i| {
            let weights = dests.iter().map(|d| (d * 7 + i as u16) % 1000).collect();
            let call = Call::SetWeights {
                netuid: 1,
                dests: dests.clone(),
                weights,
                version_key: 0,
            };
            signed(&chain, &hotkey, start + i, call)
        })
        .collect();
    bench_block(c, "set_weights n=256", &chain, txs);
}

/// The seeds of views `first..end`, signed by `group`.
fn seeds(chain: &Chain, group: &TestGroup, first: u64, end: u64) -> Vec<Seed> {
    let namespace = consensus_namespace(chain.genesis_hash());
    (first..end)
        .map(|view| Seed {
            view,
            signature: SeedSignature(group.sign_seed(&namespace, Round { epoch: 0, view })),
        })
        .collect()
}

/// 256 neurons each timelock a self-weight to view 4; the block carrying views 3 and 4's seeds
/// opens all of them. Measured: applying that block, against the same block with no commits due.
fn timelocked_reveals(c: &mut Criterion) {
    const COMMITS: usize = 256;
    let group = TestGroup::from_seed(1);
    let pairs: Vec<_> = (0..2 * TXS as u32).map(keypair).collect();
    let mut chain = genesis_with_group(&pairs, Some(hex::encode(group.identity())));
    let plain = chain.clone();
    let owner = &pairs[1];
    let hotkeys: Vec<_> = (0..COMMITS as u32)
        .map(|i| keypair(2_000_000 + i))
        .collect();
    let mut txs = vec![signed(
        &chain,
        owner,
        0,
        Call::RegisterNetwork {
            hotkey: account(&hotkeys[0]),
        },
    )];
    for (i, value) in [
        Hyperparameter::CommitReveal(true),
        Hyperparameter::TimelockedWeights(true),
        Hyperparameter::WeightsRateLimit(0),
        Hyperparameter::BurnIncreaseMult(1_000_000),
    ]
    .into_iter()
    .enumerate()
    {
        let call = Call::Governance(GovernanceCall::SetHyperparameter { netuid: 1, value });
        txs.push(signed(&chain, &pairs[0], i as u64, call));
    }
    for (i, hotkey) in hotkeys.iter().enumerate().skip(1) {
        let call = Call::BurnedRegister {
            netuid: 1,
            hotkey: account(hotkey),
        };
        txs.push(signed(&chain, &pairs[2 + i], 0, call));
    }
    let checked = check_batch(txs, &chain.check_context()).unwrap();
    chain.build_block(2, checked).unwrap();
    assert_eq!(chain.state().subnet(1).unwrap().n, COMMITS as u16);
    let namespace = consensus_namespace(chain.genesis_hash());
    let commits = hotkeys
        .iter()
        .enumerate()
        .map(|(uid, hotkey)| {
            let sealed = plexus_timelock::seal(
                &mut plexus_timelock::testing::rng(uid as u64),
                &group.identity(),
                &namespace,
                Round { epoch: 0, view: 4 },
                &timelocked_weights_aad(&account(hotkey), 1, plexus_runtime::Round::new(0, 4)),
                &timelocked_weights_plaintext(&[uid as u16], &[1], 0),
            )
            .unwrap();
            let call = Call::CommitTimelockedWeights {
                netuid: 1,
                reveal: plexus_runtime::Round::new(0, 4),
                sealed,
            };
            signed(&chain, hotkey, chain.next_nonce(&account(hotkey)), call)
        })
        .collect();
    let checked = check_batch(commits, &chain.check_context()).unwrap();
    let round = ConsensusRound {
        epoch: 0,
        view: 2,
        seeds: seeds(&chain, &group, 1, 2),
        leader: Default::default(),
        consensus: Vec::new(),
    };
    let (block, _) = chain.build_block_in(round, 3, checked).unwrap();
    assert_eq!(block.transactions.len(), COMMITS, "every commit is valid");
    let round = ConsensusRound {
        epoch: 0,
        view: 3,
        seeds: seeds(&chain, &group, 2, 3),
        leader: Default::default(),
        consensus: Vec::new(),
    };
    chain.build_block_in(round, 4, Vec::new()).unwrap();

    // The block after view 4 (skipped) carries the seeds of views 3 and 4.
    let round = ConsensusRound {
        epoch: 0,
        view: 5,
        seeds: seeds(&chain, &group, 3, 5),
        leader: Default::default(),
        consensus: Vec::new(),
    };
    let (reveal, outcome) = chain
        .clone()
        .build_block_in(round.clone(), 5, Vec::new())
        .unwrap();
    let opened = outcome
        .events
        .iter()
        .filter(|(_, e)| matches!(e, Event::TimelockedWeightsRevealed { .. }))
        .count();
    assert_eq!(opened, COMMITS, "every commit opens");
    // The same view and seeds with nothing due: what the reveals add.
    let mut quiet = plain;
    let mut view = 0;
    for timestamp in 2..=4 {
        view += 1;
        let round = ConsensusRound {
            epoch: 0,
            view,
            seeds: seeds(&quiet, &group, view.saturating_sub(1).max(1), view),
            leader: Default::default(),
            consensus: Vec::new(),
        };
        quiet.build_block_in(round, timestamp, Vec::new()).unwrap();
    }
    let (empty, _) = quiet.clone().build_block_in(round, 5, Vec::new()).unwrap();

    let mut group_bench = c.benchmark_group("runtime::timelocked");
    group_bench.sample_size(10);
    group_bench.bench_function("block opening 256 commits", |b| {
        b.iter_batched(
            || chain.clone(),
            |mut chain| black_box(chain.apply_block(&reveal).unwrap()),
            BatchSize::LargeInput,
        )
    });
    group_bench.bench_function("same block, nothing due", |b| {
        b.iter_batched(
            || quiet.clone(),
            |mut chain| black_box(chain.apply_block(&empty).unwrap()),
            BatchSize::LargeInput,
        )
    });
    group_bench.finish();
}

fn schnorrkel_baseline(c: &mut Criterion) {
    let pairs: Vec<_> = (0..TXS as u32).map(keypair).collect();
    let messages: Vec<Vec<u8>> = (0..TXS).map(|i| vec![i as u8; 150]).collect();
    let context = schnorrkel::signing_context(b"substrate");
    let sigs: Vec<_> = pairs
        .iter()
        .zip(&messages)
        .map(|(p, m)| p.sign(context.bytes(m)))
        .collect();
    let keys: Vec<_> = pairs.iter().map(|p| p.public).collect();
    let mut group = c.benchmark_group("sr25519");
    group.throughput(Throughput::Elements(TXS as u64));
    group.sample_size(20);
    group.bench_function("schnorrkel verify_batch (1,000 × 150 bytes)", |b| {
        b.iter(|| {
            let transcripts = messages.iter().map(|m| context.bytes(m));
            schnorrkel::verify_batch(transcripts, &sigs, &keys, false).unwrap()
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    transfers,
    set_weights,
    timelocked_reveals,
    schnorrkel_baseline
);
criterion_main!(benches);
