//! `yuma::epoch` on full weight matrices: every validator weights every uid.
//!
//! Inputs are deterministic pseudo-random; the measured epoch is the second one, so bonds are
//! the realistic rows the first epoch stored. Run with `cargo bench -p plexus-yuma`.

#![allow(missing_docs)] // criterion_group! generates undocumented items.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use plexus_yuma::{epoch, fixed::I64F64, Hyperparameters, Inputs};
use std::hint::black_box;

struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// A subnet whose validators each weight `per_validator` uids (all of them when it is `n`).
fn subnet(n: u16, validators: u16, per_validator: u16, yuma3: bool) -> Inputs {
    let mut g = Gen(0x5eed_0000_0000_0001 ^ u64::from(n) ^ (u64::from(validators) << 16));
    let nn = usize::from(n);
    let stake = (0..n)
        .map(|uid| {
            I64F64::from_u64(if uid < validators {
                1_000_000_000_000 + g.next() % 1_000_000_000_000
            } else {
                g.next() % 1_000
            })
        })
        .collect();
    let weights = (0..n)
        .map(|uid| {
            if uid < validators {
                let stride = n / per_validator;
                let offset = (g.next() % u64::from(stride)) as u16;
                (0..per_validator)
                    .map(|k| (k * stride + offset, (g.next() % 65_536) as u16))
                    .collect()
            } else {
                Vec::new()
            }
        })
        .collect();
    let hyperparameters = Hyperparameters {
        tempo: 360,
        max_allowed_validators: validators,
        yuma3,
        liquid_alpha: yuma3,
        ..Hyperparameters::default()
    };
    let mut inputs = Inputs {
        n,
        block: 10_000,
        hyperparameters,
        stake,
        block_at_registration: vec![0; nn],
        last_update: vec![9_999; nn],
        validator_permit: (0..n).map(|uid| uid < validators).collect(),
        weights,
        bonds: vec![Vec::new(); nn],
        owner_uid: None,
        last_mechanism_step_block: 0,
        rao_emission: 1_000_000_000,
        commit_blocks: None,
    };
    let first = epoch(&inputs);
    inputs.bonds = first.bonds;
    inputs.validator_permit = first.validator_permit;
    inputs.block += 360;
    inputs
}

fn bench_epoch(c: &mut Criterion) {
    let mut group = c.benchmark_group("yuma::epoch");
    group.sample_size(10);
    for (n, validators) in [(256, 64), (1024, 64), (4096, 256)] {
        for (label, yuma3) in [("classic", false), ("yuma3+liquid", true)] {
            let inputs = subnet(n, validators, n, yuma3);
            let id = BenchmarkId::new(label, format!("neurons={n} validators={validators}"));
            group.bench_with_input(id, &inputs, |b, inputs| b.iter(|| epoch(black_box(inputs))));
        }
    }
    // Cost follows the number of weights: the same subnet with 64 weights per validator.
    for (label, yuma3) in [("classic", false), ("yuma3+liquid", true)] {
        let inputs = subnet(4096, 256, 64, yuma3);
        let id = BenchmarkId::new(label, "neurons=4096 validators=256 weights/validator=64");
        group.bench_with_input(id, &inputs, |b, inputs| b.iter(|| epoch(black_box(inputs))));
    }
    group.finish();
}

criterion_group!(benches, bench_epoch);
criterion_main!(benches);
