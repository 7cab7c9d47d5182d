//! The validator: cases drawn from the observations, answers scored against persistence.

use crate::data::Dataset;
use crate::{Answer, Case, Task, WeatherWork, HISTORY, HORIZON};
use plexus_sdk::axon::Dendrite;
use plexus_sdk::{Metagraph, Round, Validator};
use plexus_subnet_kit::{query_round, SplitMix64};
use std::sync::Arc;

/// Cases in one task: enough days that one lucky guess does not make a score.
const CASES: usize = 8;

/// A task and the observations it is scored against, one row of [`HORIZON`] per case.
pub(crate) fn draw_task(data: &Dataset, rng: &mut SplitMix64) -> (Task, Vec<Vec<f64>>) {
    let mut cases = Vec::with_capacity(CASES);
    let mut truth = Vec::with_capacity(CASES);
    for _ in 0..CASES {
        let Some(series) = data.series.get(rng.below(data.series.len())) else {
            continue;
        };
        let n = series.temp_max.len().min(series.temp_min.len());
        if n < HISTORY + HORIZON {
            continue;
        }
        // `today` is the last day given; the next HORIZON days are held back.
        let today = HISTORY - 1 + rng.below(n - HORIZON - HISTORY + 1);
        let first = today + 1 - HISTORY;
        cases.push(Case {
            city: series.city.clone(),
            first_day: first as u32,
            temp_max: series.temp_max[first..=today].to_vec(),
            temp_min: series.temp_min[first..=today].to_vec(),
        });
        truth.push(series.temp_max[today + 1..=today + HORIZON].to_vec());
    }
    (Task { cases }, truth)
}

/// Skill against persistence over every case and day: `clamp(1.5 - RMSE / RMSE_persistence,
/// 0, 1)`. An answer of the wrong shape or with a value that is not finite scores 0.
pub fn score(task: &Task, truth: &[Vec<f64>], answer: &Answer) -> f64 {
    if answer.len() != truth.len() || task.cases.len() != truth.len() {
        return 0.0;
    }
    let (mut miner, mut baseline, mut count) = (0.0, 0.0, 0usize);
    for ((case, observed), forecast) in task.cases.iter().zip(truth).zip(answer) {
        if forecast.len() != observed.len() || forecast.iter().any(|v| !v.is_finite()) {
            return 0.0;
        }
        let today = case.temp_max.last().copied().unwrap_or(0.0);
        for (f, o) in forecast.iter().zip(observed) {
            miner += (f - o).powi(2);
            baseline += (today - o).powi(2);
            count += 1;
        }
    }
    if count == 0 {
        return 0.0;
    }
    let rmse = (miner / count as f64).sqrt();
    // A floor, so a task whose days happened not to change cannot divide by nothing.
    let rmse_baseline = (baseline / count as f64).sqrt().max(0.5);
    (1.5 - rmse / rmse_baseline).clamp(0.0, 1.0)
}

/// Asks up to 16 serving miners the same task each round.
pub struct WeatherValidator {
    data: Arc<Dataset>,
    dendrite: Dendrite,
    metagraph: Metagraph,
    rng: SplitMix64,
}

impl WeatherValidator {
    /// A validator on `data`, querying with `dendrite`.
    pub fn new(data: Arc<Dataset>, dendrite: Dendrite, metagraph: Metagraph) -> Self {
        Self {
            data,
            dendrite,
            metagraph,
            rng: SplitMix64::from_entropy(),
        }
    }
}

impl Validator for WeatherValidator {
    async fn forward(&mut self, round: Round<'_>) -> Vec<(u16, f64)> {
        let (task, truth) = draw_task(&self.data, &mut self.rng);
        let task_id = self.rng.next_u64();
        let answers =
            query_round::<WeatherWork>(&self.dendrite, &self.metagraph, &round, task_id, &task)
                .await;
        answers
            .into_iter()
            .map(|(uid, answer)| (uid, answer.map_or(0.0, |a| score(&task, &truth, &a))))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::{Noise, Persistence, Regression};
    use plexus_subnet_kit::{Job, Solver};

    async fn answer<S: Solver<WeatherWork>>(solver: &S, task: &Task) -> Answer {
        let job = Job {
            task_id: 0,
            reveal_at: 0,
            task: task.clone(),
        };
        solver.solve(job).await.unwrap()
    }

    #[tokio::test]
    async fn test_scores_rank_regression_over_persistence_over_noise_and_stale_copies() {
        let data = Dataset::shipped().unwrap();
        let mut rng = SplitMix64::new(7);
        let (mut good, mut baseline, mut noise, mut stale) = (0.0, 0.0, 0.0, 0.0);
        let tasks = 200;
        let mut previous: Option<Answer> = None;
        for _ in 0..tasks {
            let (task, truth) = draw_task(&data, &mut rng);
            assert_eq!(task.cases.len(), CASES);
            let regression = answer(&Regression, &task).await;
            good += score(&task, &truth, &regression);
            baseline += score(&task, &truth, &answer(&Persistence, &task).await);
            noise += score(&task, &truth, &answer(&Noise::default(), &task).await);
            // What a copier sends: the honest answer to the task before.
            if let Some(copied) = previous.replace(regression) {
                stale += score(&task, &truth, &copied);
            }
        }
        let n = f64::from(tasks);
        let (good, baseline, noise, stale) = (good / n, baseline / n, noise / n, stale / n);
        assert!((baseline - 0.5).abs() < 1e-9, "{baseline}");
        assert!(good > baseline + 0.05, "{good} vs {baseline}");
        assert!(noise < 0.1, "{noise}");
        assert!(stale < 0.2, "{stale}");
    }

    #[test]
    fn test_malformed_answers_score_zero() {
        let data = Dataset::shipped().unwrap();
        let (task, truth) = draw_task(&data, &mut SplitMix64::new(1));
        assert_eq!(score(&task, &truth, &Vec::new()), 0.0);
        let mut wrong_shape = truth.clone();
        wrong_shape[0].pop();
        assert_eq!(score(&task, &truth, &wrong_shape), 0.0);
        let mut not_finite = truth.clone();
        not_finite[1][0] = f64::NAN;
        assert_eq!(score(&task, &truth, &not_finite), 0.0);
        // The observations themselves are a perfect forecast.
        assert_eq!(score(&task, &truth, &truth), 1.0);
    }
}
