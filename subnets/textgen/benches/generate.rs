//! What the text-generation subnet costs: a miner's answer (prompt and 24 greedy tokens),
//! and a validator's work per round once the answers are in (16 miners: 14 honest sharing one
//! answer, a smaller model's and random tokens). On the real model, fetched into the cache
//! first if missing. Run with `cargo bench -p plexus-subnet-textgen --features model`.

#![allow(missing_docs)] // criterion_group! generates undocumented items.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use plexus_subnet_kit::{Answered, Fetcher, SplitMix64};
use plexus_subnet_textgen::{
    draw_prompt, gguf_in, score_round, Answer, Generator, Task, MODEL, TOKENS, VOCAB,
};
use std::hint::black_box;
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let fetcher = Fetcher::from_env(&MODEL);
    let dir = fetcher
        .fetch()
        .unwrap_or_else(|e| panic!("{}", fetcher.unavailable(&e)));
    let generator = Generator::load(&gguf_in(&dir)).unwrap();
    let smaller = Generator::load_layers(&gguf_in(&dir), Some(10)).unwrap();
    let mut rng = SplitMix64::new(1);
    // A prompt the model answers to the whole budget, so the figure is per 24 tokens.
    let task = loop {
        let task = Task {
            prompt: draw_prompt(&mut rng),
            max_tokens: TOKENS,
        };
        let answer = generator
            .prompt(&task.prompt)
            .unwrap()
            .generate(TOKENS as usize);
        if answer.unwrap().tokens.len() == TOKENS as usize {
            break task;
        }
    };

    let mut group = c.benchmark_group("textgen::miner");
    group.throughput(Throughput::Elements(u64::from(TOKENS)));
    group.bench_function(BenchmarkId::from_parameter("tokens=24"), |b| {
        b.iter(|| {
            generator
                .prompt(black_box(&task.prompt))
                .unwrap()
                .generate(TOKENS as usize)
                .unwrap()
        })
    });
    group.finish();

    let honest = generator
        .prompt(&task.prompt)
        .unwrap()
        .generate(TOKENS as usize)
        .unwrap();
    let small = smaller
        .prompt(&task.prompt)
        .unwrap()
        .generate(TOKENS as usize)
        .unwrap();
    let random = Answer {
        tokens: (0..TOKENS).map(|i| (i * 7919) % VOCAB).collect(),
    };
    let round = || {
        let mut answers: Vec<Answered<Answer>> = (0..14)
            .map(|uid| Answered {
                uid,
                answer: Some(honest.clone()),
                elapsed: Duration::from_secs(2),
            })
            .collect();
        for (uid, answer) in [(14, &small), (15, &random)] {
            answers.push(Answered {
                uid,
                answer: Some(answer.clone()),
                elapsed: Duration::from_secs(1),
            });
        }
        answers
    };
    let mut group = c.benchmark_group("textgen::validator");
    group.bench_function(BenchmarkId::from_parameter("answers=16 distinct=3"), |b| {
        b.iter(|| score_round(&generator, black_box(&task), round(), &mut rng).unwrap())
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
