//! What the embeddings subnet costs: a miner's batch, and a validator's work per query once
//! the answers are in (its own embeddings of the checked sentences, decoding every revealed
//! answer, scoring). On the real model, fetched into the cache first if missing. Run with
//! `cargo bench -p plexus-subnet-embeddings --features model`.

#![allow(missing_docs)] // criterion_group! generates undocumented items.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use plexus_subnet_embeddings::{
    draw_task, score, sentences, Answer, Check, Encoder, ModelFiles, CHECKED, MODEL, SENTENCES,
};
use plexus_subnet_kit::SplitMix64;
use std::hint::black_box;

fn encoder() -> Encoder {
    let fetcher = plexus_subnet_kit::Fetcher::from_env(&MODEL);
    let files = fetcher
        .fetch()
        .unwrap_or_else(|e| panic!("{}", fetcher.unavailable(&e)));
    Encoder::load(&ModelFiles::in_dir(&files)).unwrap()
}

fn bench(c: &mut Criterion) {
    let encoder = encoder();
    let corpus = sentences();
    let task = draw_task(&corpus, &mut SplitMix64::new(1), SENTENCES);

    let mut group = c.benchmark_group("embeddings::embed");
    for n in [1, SENTENCES] {
        let batch = task.sentences[..n].to_vec();
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("sentences={n}")),
            &batch,
            |b, batch| b.iter(|| encoder.embed(black_box(batch)).unwrap()),
        );
    }
    group.finish();

    // A round as the validator sees it: 16 revealed answers, as the JSON text they arrive in.
    let honest = encoder.embed(&task.sentences).unwrap();
    let revealed: Vec<String> = (0..16)
        .map(|_| serde_json::to_string(&honest).unwrap())
        .collect();
    let checked: Vec<String> = task.sentences[..CHECKED].to_vec();
    let mut group = c.benchmark_group("embeddings::validate");
    group.bench_function(BenchmarkId::from_parameter("answers=16 checked=2"), |b| {
        b.iter(|| {
            let checks: Vec<Check> = encoder
                .embed(black_box(&checked))
                .unwrap()
                .into_iter()
                .enumerate()
                .map(|(index, expected)| Check { index, expected })
                .collect();
            revealed
                .iter()
                .map(|text| {
                    let answer: Answer = serde_json::from_str(text).unwrap();
                    score(&answer, SENTENCES, &checks)
                })
                .sum::<f64>()
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
