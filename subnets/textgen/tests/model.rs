//! The real model, fetched with pip into the default cache on first run (`PLEXUS_PIP` and
//! `XDG_CACHE_HOME` apply): a known answer, and the validator's verdict on an honest miner and
//! on each kind of cheat.

#![cfg(feature = "model")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use plexus_subnet_kit::{Answered, Fetcher, Job, Solver, SplitMix64};
use plexus_subnet_textgen::{
    draw_prompt, gguf_in, score_round, Answer, Generator, Greedy, RandomTokens, Replay, Slow, Task,
    TextGenWork, Truncating, MODEL, TOKENS,
};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

fn gguf() -> PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let fetcher = Fetcher::from_env(&MODEL);
        let dir = fetcher
            .fetch()
            .unwrap_or_else(|e| panic!("{}", fetcher.unavailable(&e)));
        gguf_in(&dir)
    })
    .clone()
}

fn generator() -> Arc<Generator> {
    static GENERATOR: OnceLock<Arc<Generator>> = OnceLock::new();
    GENERATOR
        .get_or_init(|| Arc::new(Generator::load(&gguf()).unwrap()))
        .clone()
}

async fn answer<S: Solver<TextGenWork>>(solver: &S, task: &Task) -> Answer {
    let job = Job {
        task_id: 0,
        reveal_at: 0,
        task: task.clone(),
    };
    solver.solve(job).await.expect("an answer")
}

fn answered(uid: u16, answer: Answer, seconds: f64) -> Answered<Answer> {
    Answered {
        uid,
        answer: Some(answer),
        elapsed: Duration::from_secs_f64(seconds),
    }
}

#[tokio::test]
async fn test_the_model_knows_the_capital_of_france() {
    let generator = generator();
    assert_eq!(generator.layers(), 30);
    assert_eq!(generator.vocab(), plexus_subnet_textgen::VOCAB as usize);
    let task = Task {
        prompt: "What is the capital of France? Answer in one sentence.".into(),
        max_tokens: 12,
    };
    let tokens = answer(&Greedy(generator.clone()), &task).await;
    let text = generator.text(&tokens.tokens);
    assert!(text.contains("Paris"), "{text:?}");
    // It ended the sentence itself, with the end-of-turn token, inside the budget.
    assert_eq!(tokens.tokens.last(), Some(&generator.end()), "{text:?}");
    // The same prompt gives the same tokens: greedy decoding is deterministic.
    assert_eq!(answer(&Greedy(generator.clone()), &task).await, tokens);
}

#[tokio::test]
async fn test_honest_answers_pass_and_every_cheat_fails() {
    let generator = generator();
    let smaller = Arc::new(Generator::load_layers(&gguf(), Some(10)).unwrap());
    assert_eq!(smaller.layers(), 10);
    let mut rng = SplitMix64::new(7);
    let earlier = Task {
        prompt: draw_prompt(&mut rng),
        max_tokens: TOKENS,
    };
    let task = Task {
        prompt: draw_prompt(&mut rng),
        max_tokens: TOKENS,
    };
    assert_ne!(earlier.prompt, task.prompt);

    let replay = Replay::new(generator.clone());
    let cached = answer(&replay, &earlier).await;
    let honest = answer(&Greedy(generator.clone()), &task).await;
    let slow = answer(&Slow(generator.clone()), &task).await;
    assert_eq!(slow, honest);
    assert_eq!(answer(&replay, &task).await, cached);
    let truncated = answer(&Truncating(generator.clone()), &task).await;
    let small = answer(&Greedy(smaller), &task).await;
    let random = answer(&RandomTokens::default(), &task).await;
    assert_ne!(small, honest);
    // Each scored over several rounds of position draws.
    let rounds = 4;
    let mut totals = [0.0f64; 7];
    for _ in 0..rounds {
        let answers = vec![
            answered(0, honest.clone(), 2.0),
            answered(1, honest.clone(), 2.0),
            answered(2, slow.clone(), 4.0),
            answered(3, cached.clone(), 0.1),
            answered(4, truncated.clone(), 1.0),
            answered(5, small.clone(), 1.0),
            answered(6, random.clone(), 0.01),
        ];
        let scores = score_round(&generator, &task, answers, &mut rng).unwrap();
        assert_eq!(scores.len(), 7, "{scores:?}");
        for (uid, score) in scores {
            totals[uid as usize] += score;
        }
    }
    let mean: Vec<f64> = totals.iter().map(|t| t / f64::from(rounds)).collect();
    assert_eq!(mean[0], 1.0, "{mean:?}");
    assert_eq!(mean[1], 1.0, "{mean:?}");
    // Right but at half the speed: between the honest miners and the cheats.
    assert!((0.8..1.0).contains(&mean[2]), "{mean:?}");
    for (name, uid) in [
        ("replay", 3),
        ("truncated", 4),
        ("smaller model", 5),
        ("random", 6),
    ] {
        assert!(mean[uid] < 0.5, "{name}: {mean:?}");
    }
    assert_eq!(mean[6], 0.0, "{mean:?}");
    assert_eq!(mean[4], 0.0, "{mean:?}");
}

#[tokio::test]
async fn test_an_answer_forged_at_one_position_fails_there() {
    let generator = generator();
    let task = Task {
        prompt: draw_prompt(&mut SplitMix64::new(3)),
        max_tokens: 16,
    };
    let honest = answer(&Greedy(generator.clone()), &task).await;
    let prompted = generator.prompt(&task.prompt).unwrap();
    let len = honest.tokens.len();
    assert_eq!(prompted.check(&honest, len).unwrap(), len);
    let mut forged = honest.clone();
    let at = len / 2;
    forged.tokens[at] = (forged.tokens[at] + 1) % plexus_subnet_textgen::VOCAB;
    assert_eq!(prompted.check(&forged, len).unwrap(), at);
    // Checking stops before the forged token: it is not seen.
    assert_eq!(prompted.check(&forged, at).unwrap(), at);
}
