//! Training for real (candle, on the shipped corpus): an honest miner's update lowers
//! held-out loss and is accepted; noise, training on other data, an update to an older model
//! and no update earn nothing; and rounds of honest miners lower the shared model's held-out
//! loss round after round.

#![cfg(feature = "model")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use plexus_sdk::primitives::AccountId;
use plexus_subnet_kit::{Answered, Job, Solver, SplitMix64};
use plexus_subnet_training::model::evaluate;
use plexus_subnet_training::params::Params;
use plexus_subnet_training::{
    curve_windows, decode_update, encode_model, score_round, Answer, Hasty, Honest, Noise,
    OtherData, Task, TrainingWork, INIT_SEED, STEPS,
};
use std::time::Duration;

fn task(model: &Params, round: u64, seed: [u8; 32]) -> Task {
    Task {
        round,
        seed: hex::encode(seed),
        model: encode_model(model),
        model_hash: hex::encode(model.hash().0),
        steps: STEPS,
    }
}

async fn answer<S: Solver<TrainingWork>>(solver: &S, task: &Task) -> Option<Answer> {
    let job = Job {
        task_id: 0,
        reveal_at: 0,
        task: task.clone(),
    };
    solver.solve(job).await
}

fn answered(uid: u16, answer: Option<Answer>) -> Answered<Answer> {
    Answered {
        uid,
        answer,
        elapsed: Duration::from_secs(1),
    }
}

fn hotkey(n: u8) -> AccountId {
    AccountId([n; 32])
}

#[tokio::test]
async fn test_honest_updates_earn_and_cheats_do_not() {
    let model = Params::init(1);
    let earlier = task(&model, 0, [1; 32]);
    // The model one round on: what a copier's or a stale miner's update was not made for.
    let stale = answer(&Honest(hotkey(9)), &earlier).await.unwrap();
    let next = decode_update(&stale).unwrap().apply(&model, 1.0);
    let now = task(&next, 1, [2; 32]);
    let answers = vec![
        answered(0, answer(&Honest(hotkey(0)), &now).await),
        answered(1, answer(&Hasty(hotkey(1)), &now).await),
        answered(2, answer(&Noise::default(), &now).await),
        answered(3, answer(&OtherData(hotkey(3)), &now).await),
        answered(4, Some(stale)),
        answered(5, None),
        answered(6, answer(&Honest(hotkey(6)), &now).await),
    ];
    let hotkeys: Vec<(u16, AccountId)> = (0..7).map(|u| (u, hotkey(u as u8))).collect();
    let mut rng = SplitMix64::new(3);
    let round = score_round(&next, &[2; 32], &answers, &hotkeys, &mut rng).unwrap();
    let score = |uid: u16| round.scores.iter().find(|(u, _)| *u == uid).unwrap().1;
    eprintln!("{:?}", round.scores);
    assert!(score(0) > 0.5, "{:?}", round.scores);
    assert!(score(6) > 0.5, "{:?}", round.scores);
    assert!(score(1) > 0.0, "{:?}", round.scores);
    for cheat in [2, 3, 4, 5] {
        assert_eq!(score(cheat), 0.0, "uid {cheat}: {:?}", round.scores);
    }
    // The two honest updates (and the hasty one) were merged, and the merge helps.
    assert_eq!(round.merged, 3);
    let curve = curve_windows();
    assert!(evaluate(&round.model, &curve).unwrap() < evaluate(&next, &curve).unwrap());
}

#[tokio::test]
async fn test_rounds_of_honest_miners_lower_the_shared_loss_and_other_data_never_earns() {
    let mut model = Params::init(INIT_SEED);
    let curve = curve_windows();
    let mut losses = vec![evaluate(&model, &curve).unwrap()];
    let hotkeys: Vec<(u16, AccountId)> = (0..4).map(|u| (u, hotkey(u as u8))).collect();
    let mut rng = SplitMix64::new(4);
    let mut other_data = 0.0;
    for round in 0..6u64 {
        let seed = [round as u8 + 10; 32];
        let now = task(&model, round, seed);
        let mut answers = Vec::new();
        for uid in 0..3u8 {
            answers.push(answered(
                uid.into(),
                answer(&Honest(hotkey(uid)), &now).await,
            ));
        }
        answers.push(answered(3, answer(&OtherData(hotkey(3)), &now).await));
        let outcome = score_round(&model, &seed, &answers, &hotkeys, &mut rng).unwrap();
        eprintln!("round {round}: {:?}", outcome.scores);
        assert_eq!(outcome.merged, 3, "round {round}: {:?}", outcome.scores);
        other_data += outcome.scores[3].1;
        model = outcome.model;
        losses.push(evaluate(&model, &curve).unwrap());
    }
    eprintln!("{losses:?}");
    assert_eq!(other_data, 0.0);
    assert!(losses.windows(2).all(|w| w[1] < w[0]), "{losses:?}");
    assert!(losses[6] < losses[0] - 1.5, "{losses:?}");
}
