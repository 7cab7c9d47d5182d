//! The subnet's own miners: the model (honest), half the work (mediocre), noise (random).

use crate::{Answer, EmbeddingsWork, Task, DIM, MAX_SENTENCES, MAX_SENTENCE_BYTES};
use plexus_subnet_kit::{Job, SharedRng, Solver};

/// Whether a miner takes the task at all: a validator may not make it tokenize megabytes.
pub(crate) fn acceptable(task: &Task) -> bool {
    task.sentences.len() <= MAX_SENTENCES
        && task.sentences.iter().all(|s| s.len() <= MAX_SENTENCE_BYTES)
}

/// Answers with unit vectors pointing anywhere.
#[derive(Default)]
pub struct RandomVectors(SharedRng);

impl Solver<EmbeddingsWork> for RandomVectors {
    async fn solve(&self, job: Job<EmbeddingsWork>) -> Option<Answer> {
        if !acceptable(&job.task) {
            return None;
        }
        let mut rng = self.0.lock();
        Some(
            job.task
                .sentences
                .iter()
                .map(|_| {
                    let v: Vec<f32> = (0..DIM).map(|_| (rng.unit() * 2.0 - 1.0) as f32).collect();
                    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
                    v.into_iter().map(|x| x / norm).collect()
                })
                .collect(),
        )
    }
}

#[cfg(feature = "model")]
pub(crate) use with_model::embed;
#[cfg(feature = "model")]
pub use with_model::{HalfWork, Model};

#[cfg(feature = "model")]
mod with_model {
    use super::acceptable;
    use crate::model::Encoder;
    use crate::{Answer, EmbeddingsWork};
    use plexus_subnet_kit::{off_thread, Job, Solver};
    use std::sync::Arc;

    /// Runs `encoder` on `sentences` off the async threads (a batch takes tens of
    /// milliseconds of CPU).
    pub(crate) async fn embed(encoder: &Arc<Encoder>, sentences: Vec<String>) -> Option<Answer> {
        let encoder = encoder.clone();
        off_thread("embedding", move || encoder.embed(&sentences)).await
    }

    /// Embeds every sentence with the model.
    pub struct Model(pub Arc<Encoder>);

    impl Solver<EmbeddingsWork> for Model {
        async fn solve(&self, job: Job<EmbeddingsWork>) -> Option<Answer> {
            if !acceptable(&job.task) {
                return None;
            }
            embed(&self.0, job.task.sentences).await
        }
    }

    /// Saves half the work: embeds every other sentence with the model and repeats its
    /// vector for the next one, hoping the validator checks the right half.
    pub struct HalfWork(pub Arc<Encoder>);

    impl Solver<EmbeddingsWork> for HalfWork {
        async fn solve(&self, job: Job<EmbeddingsWork>) -> Option<Answer> {
            if !acceptable(&job.task) {
                return None;
            }
            let n = job.task.sentences.len();
            let even: Vec<String> = job.task.sentences.into_iter().step_by(2).collect();
            let vectors = embed(&self.0, even).await?;
            Some((0..n).filter_map(|i| vectors.get(i / 2).cloned()).collect())
        }
    }
}
