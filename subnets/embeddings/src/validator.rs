//! The validator: a batch of sentences to every miner, a few of them recomputed, each answer
//! scored by how many of those it got right.

use crate::corpus::draw_task;
use crate::miners::embed;
use crate::model::Encoder;
use crate::score::{score, Check};
use crate::{EmbeddingsWork, CHECKED, SENTENCES};
use plexus_sdk::axon::Dendrite;
use plexus_sdk::{Metagraph, Round, Validator};
use plexus_subnet_kit::{check_rng, query_round, SplitMix64};
use std::sync::Arc;

/// Asks up to 16 serving miners the same sentences each round and recomputes [`CHECKED`] of
/// them: its cost is that fraction of one miner's, whatever the number of miners.
pub struct EmbeddingsValidator {
    encoder: Arc<Encoder>,
    corpus: Vec<&'static str>,
    dendrite: Dendrite,
    metagraph: Metagraph,
    rng: SplitMix64,
}

impl EmbeddingsValidator {
    /// A validator checking with `encoder`, querying with `dendrite`.
    pub fn new(encoder: Arc<Encoder>, dendrite: Dendrite, metagraph: Metagraph) -> Self {
        Self {
            encoder,
            corpus: crate::sentences(),
            dendrite,
            metagraph,
            rng: SplitMix64::from_entropy(),
        }
    }
}

/// The validator's own embeddings of `CHECKED` sentences of `task`, chosen by `rng`; `None`
/// if its model failed.
pub(crate) async fn checks(
    encoder: &Arc<Encoder>,
    task: &crate::Task,
    rng: &mut SplitMix64,
) -> Option<Vec<Check>> {
    let indices = rng.distinct(task.sentences.len(), CHECKED);
    let sentences = indices.iter().map(|&i| task.sentences[i].clone()).collect();
    let expected = embed(encoder, sentences).await?;
    Some(
        indices
            .into_iter()
            .zip(expected)
            .map(|(index, expected)| Check { index, expected })
            .collect(),
    )
}

impl Validator for EmbeddingsValidator {
    async fn forward(&mut self, round: Round<'_>) -> Vec<(u16, f64)> {
        let task = draw_task(&self.corpus, &mut self.rng, SENTENCES);
        let task_id = self.rng.next_u64();
        let answers =
            query_round::<EmbeddingsWork>(&self.dendrite, &self.metagraph, &round, task_id, &task)
                .await;
        if answers.iter().all(|(_, answer)| answer.is_none()) {
            return answers.into_iter().map(|(uid, _)| (uid, 0.0)).collect();
        }
        let mut rng = check_rng(&self.metagraph, &round, task_id, &mut self.rng).await;
        let Some(checks) = checks(&self.encoder, &task, &mut rng).await else {
            // Our own model failed: no scores this round rather than zeros for everyone.
            return Vec::new();
        };
        answers
            .into_iter()
            .map(|(uid, answer)| {
                (
                    uid,
                    answer.map_or(0.0, |a| score(&a, task.sentences.len(), &checks)),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::miners::{HalfWork, Model, RandomVectors};
    use crate::model::tests::tiny;
    use crate::{Answer, Task};
    use plexus_subnet_kit::{Job, Solver};

    async fn answer<S: Solver<EmbeddingsWork>>(solver: &S, task: &Task) -> Option<Answer> {
        let job = Job {
            task_id: 0,
            reveal_at: 0,
            task: task.clone(),
        };
        solver.solve(job).await
    }

    #[tokio::test]
    async fn test_scores_rank_model_over_half_work_over_noise_and_stale_copies() {
        let encoder = Arc::new(tiny());
        let corpus = crate::sentences();
        let mut rng = SplitMix64::new(11);
        let (model, half, noise) = (
            Model(encoder.clone()),
            HalfWork(encoder.clone()),
            RandomVectors::default(),
        );
        let tasks = 8;
        let (mut good, mut mediocre, mut random, mut stale) = (0.0, 0.0, 0.0, 0.0);
        let mut previous: Option<Answer> = None;
        for _ in 0..tasks {
            let task = draw_task(&corpus, &mut rng, SENTENCES);
            let checks = checks(&encoder, &task, &mut rng).await.unwrap();
            assert_eq!(checks.len(), CHECKED);
            let honest = answer(&model, &task).await.unwrap();
            good += score(&honest, SENTENCES, &checks);
            mediocre += score(&answer(&half, &task).await.unwrap(), SENTENCES, &checks);
            random += score(&answer(&noise, &task).await.unwrap(), SENTENCES, &checks);
            // What a copier sends: the honest answer to the task before.
            if let Some(copied) = previous.replace(honest) {
                stale += score(&copied, SENTENCES, &checks);
            }
        }
        let n = f64::from(tasks);
        assert_eq!(good / n, 1.0);
        // Half the checked sentences land on the half it did, on average.
        assert!((0.25..=0.75).contains(&(mediocre / n)), "{mediocre}");
        assert_eq!(random, 0.0);
        assert_eq!(stale, 0.0);
    }

    #[tokio::test]
    async fn test_oversized_tasks_get_no_answer() {
        let encoder = Arc::new(tiny());
        let many = Task {
            sentences: vec!["x.".into(); crate::MAX_SENTENCES + 1],
        };
        let long = Task {
            sentences: vec!["y".repeat(crate::MAX_SENTENCE_BYTES + 1)],
        };
        for task in [&many, &long] {
            assert!(answer(&Model(encoder.clone()), task).await.is_none());
            assert!(answer(&HalfWork(encoder.clone()), task).await.is_none());
            assert!(answer(&RandomVectors::default(), task).await.is_none());
        }
    }
}
