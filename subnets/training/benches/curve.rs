//! The shared model's held-out loss, round by round, against one machine training alone with
//! the same compute: each round four honest miners take 12 AdamW steps each from the shared
//! model on their own shards and the validator merges their top-8% updates, while the lone
//! trainer takes 48 steps (4 × 12) on windows drawn from the whole training set, with a fresh
//! optimizer each round as the miners have. Prints a table. Run with
//! `cargo bench -p plexus-subnet-training --features model --bench curve`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use plexus_sdk::primitives::AccountId;
use plexus_subnet_kit::{Answered, Job, Solver, SplitMix64};
use plexus_subnet_training::data::{training_shards, windows};
use plexus_subnet_training::model::{evaluate, train, Schedule};
use plexus_subnet_training::params::{Params, CONTEXT};
use plexus_subnet_training::{
    curve_windows, encode_model, score_round, Honest, Task, TrainingWork, BATCH, INIT_SEED,
    LEARNING_RATE, STEPS,
};
use std::time::{Duration, Instant};

const ROUNDS: u64 = 12;
const MINERS: u8 = 4;

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let curve = curve_windows();
    let miners: Vec<Honest> = (0..MINERS).map(|n| Honest(AccountId([n; 32]))).collect();
    let hotkeys: Vec<(u16, AccountId)> = (0..MINERS)
        .map(|n| (u16::from(n), AccountId([n; 32])))
        .collect();
    let mut shared = Params::init(INIT_SEED);
    let mut alone = shared.clone();
    let mut rng = SplitMix64::new(7);
    let mut alone_rng = SplitMix64::new(8);
    let shards = training_shards();
    println!("| round | shared model (4 miners × 12 steps, merged) | one machine (48 steps) | round time (miners, validator) |");
    println!("|---|---|---|---|");
    println!(
        "| 0 | {:.3} | {:.3} | |",
        evaluate(&shared, &curve).unwrap(),
        evaluate(&alone, &curve).unwrap()
    );
    for round in 0..ROUNDS {
        let seed = [round as u8 + 1; 32];
        let task = Task {
            round,
            seed: hex::encode(seed),
            model: encode_model(&shared),
            model_hash: hex::encode(shared.hash().0),
            steps: STEPS,
        };
        let started = Instant::now();
        let answers: Vec<Answered<_>> = miners
            .iter()
            .enumerate()
            .map(|(uid, miner)| {
                let job = Job {
                    task_id: round,
                    reveal_at: 0,
                    task: task.clone(),
                };
                Answered {
                    uid: uid as u16,
                    answer: runtime.block_on(Solver::<TrainingWork>::solve(miner, job)),
                    elapsed: Duration::from_secs(1),
                }
            })
            .collect();
        let mining = started.elapsed();
        let started = Instant::now();
        shared = score_round(&shared, &seed, &answers, &hotkeys, &mut rng)
            .unwrap()
            .model;
        let validating = started.elapsed();
        // The lone machine: as many steps as the four miners together.
        let schedule = Schedule {
            steps: STEPS as usize * usize::from(MINERS),
            batch: BATCH,
            learning_rate: LEARNING_RATE,
        };
        alone = train(&alone, schedule, |_| {
            windows(&shards, BATCH, CONTEXT + 1, &mut alone_rng)
        })
        .unwrap();
        println!(
            "| {} | {:.3} | {:.3} | {:.1} s, {:.1} s |",
            round + 1,
            evaluate(&shared, &curve).unwrap(),
            evaluate(&alone, &curve).unwrap(),
            mining.as_secs_f64(),
            validating.as_secs_f64()
        );
    }
}
