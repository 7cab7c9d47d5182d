//! What the training subnet costs: an honest miner's round (the task's model decoded and
//! checked, 12 AdamW steps on its shard, the top 8% of the change encoded), and a validator's
//! scoring of a round of five updates (each measured on the miner's shards and on held-out
//! text, the accepted ones merged). Run with
//! `cargo bench -p plexus-subnet-training --features model --bench train`.

#![allow(missing_docs)] // criterion_group! generates undocumented items.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use plexus_sdk::primitives::AccountId;
use plexus_subnet_kit::{Answered, Job, Solver, SplitMix64};
use plexus_subnet_training::params::{count, Params};
use plexus_subnet_training::{
    encode_model, score_round, Answer, Honest, Noise, OtherData, Task, TrainingWork, STEPS,
};
use std::hint::black_box;
use std::time::Duration;

fn solve<S: Solver<TrainingWork>>(runtime: &tokio::runtime::Runtime, s: &S, task: &Task) -> Answer {
    let job = Job {
        task_id: 0,
        reveal_at: 0,
        task: task.clone(),
    };
    runtime.block_on(s.solve(job)).unwrap()
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let model = Params::init(1);
    let seed = [5u8; 32];
    let task = Task {
        round: 0,
        seed: hex::encode(seed),
        model: encode_model(&model),
        model_hash: hex::encode(model.hash().0),
        steps: STEPS,
    };
    let hotkey = |n: u8| AccountId([n; 32]);
    let honest = Honest(hotkey(0));
    let answer = solve(&runtime, &honest, &task);
    let task_json = serde_json::to_string(&task).unwrap().len();
    let answer_json = serde_json::to_string(&answer).unwrap().len();
    eprintln!(
        "model {} parameters, {} bytes; task {task_json} bytes of JSON; update {} bytes ({} of JSON)",
        count(),
        count() * 4,
        answer.update.len() * 3 / 4,
        answer_json,
    );

    let mut group = c.benchmark_group("training::miner");
    group.bench_function(BenchmarkId::from_parameter("steps=12"), |b| {
        b.iter(|| solve(&runtime, &honest, black_box(&task)))
    });
    group.finish();

    let answers: Vec<Answered<Answer>> = [
        solve(&runtime, &Honest(hotkey(0)), &task),
        solve(&runtime, &Honest(hotkey(1)), &task),
        solve(&runtime, &Honest(hotkey(2)), &task),
        solve(&runtime, &Noise::default(), &task),
        solve(&runtime, &OtherData(hotkey(4)), &task),
    ]
    .into_iter()
    .enumerate()
    .map(|(uid, answer)| Answered {
        uid: uid as u16,
        answer: Some(answer),
        elapsed: Duration::from_secs(1),
    })
    .collect();
    let hotkeys: Vec<(u16, AccountId)> = (0..5).map(|u| (u, hotkey(u as u8))).collect();
    let mut rng = SplitMix64::new(1);
    let mut group = c.benchmark_group("training::validator");
    group.bench_function(BenchmarkId::from_parameter("answers=5"), |b| {
        b.iter(|| score_round(&model, &seed, black_box(&answers), &hotkeys, &mut rng).unwrap())
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
