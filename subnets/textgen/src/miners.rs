//! The subnet's own miners: the model (honest), the model on a slower machine (mediocre),
//! random tokens, and the cheaters the tests run against the validator.

use crate::{acceptable, Answer, TextGenWork, VOCAB};
use plexus_subnet_kit::{Job, SharedRng, Solver};

/// Answers with random tokens, the whole budget of them: as fast as a miner can be.
#[derive(Default)]
pub struct RandomTokens(SharedRng);

impl Solver<TextGenWork> for RandomTokens {
    async fn solve(&self, job: Job<TextGenWork>) -> Option<Answer> {
        if !acceptable(&job.task) {
            return None;
        }
        let mut rng = self.0.lock();
        let tokens = (0..job.task.max_tokens)
            .map(|_| rng.below(VOCAB as usize) as u32)
            .collect();
        Some(Answer { tokens })
    }
}

#[cfg(feature = "model")]
pub use with_model::{Greedy, Replay, Slow, Truncating};

#[cfg(feature = "model")]
mod with_model {
    use crate::model::Generator;
    use crate::{acceptable, Answer, Task, TextGenWork};
    use plexus_subnet_kit::{off_thread, Job, Solver};
    use std::sync::{Arc, Mutex, PoisonError};
    use std::time::{Duration, Instant};

    /// Generates off the async threads (an answer takes seconds of CPU).
    pub(crate) async fn generate(generator: &Arc<Generator>, task: Task) -> Option<Answer> {
        let generator = generator.clone();
        off_thread("generation", move || {
            generator
                .prompt(&task.prompt)?
                .generate(task.max_tokens as usize)
        })
        .await
    }

    /// The model, greedy, the whole budget: what the subnet pays for. With a generator of
    /// fewer layers ([`Generator::load_layers`]) it is a smaller model passing for this one.
    pub struct Greedy(pub Arc<Generator>);

    impl Solver<TextGenWork> for Greedy {
        async fn solve(&self, job: Job<TextGenWork>) -> Option<Answer> {
            if !acceptable(&job.task) {
                return None;
            }
            generate(&self.0, job.task).await
        }
    }

    /// The right answer in twice the time, as from a machine half as fast.
    pub struct Slow(pub Arc<Generator>);

    impl Solver<TextGenWork> for Slow {
        async fn solve(&self, job: Job<TextGenWork>) -> Option<Answer> {
            if !acceptable(&job.task) {
                return None;
            }
            let started = Instant::now();
            let answer = generate(&self.0, job.task).await;
            tokio::time::sleep(started.elapsed().max(Duration::from_millis(100))).await;
            answer
        }
    }

    /// Saves work by stopping halfway and claiming the model ended there.
    pub struct Truncating(pub Arc<Generator>);

    impl Solver<TextGenWork> for Truncating {
        async fn solve(&self, mut job: Job<TextGenWork>) -> Option<Answer> {
            if !acceptable(&job.task) {
                return None;
            }
            job.task.max_tokens = (job.task.max_tokens / 2).max(1);
            let mut answer = generate(&self.0, job.task).await?;
            let end = self.0.end();
            if answer.tokens.last() != Some(&end) {
                answer.tokens.push(end);
            }
            Some(answer)
        }
    }

    /// Computes one answer and sends it for every prompt after: a cache of old answers.
    pub struct Replay {
        generator: Arc<Generator>,
        cached: Mutex<Option<Answer>>,
    }

    impl Replay {
        /// A miner that will replay its first answer.
        pub fn new(generator: Arc<Generator>) -> Self {
            Self {
                generator,
                cached: Mutex::new(None),
            }
        }
    }

    impl Solver<TextGenWork> for Replay {
        async fn solve(&self, job: Job<TextGenWork>) -> Option<Answer> {
            if !acceptable(&job.task) {
                return None;
            }
            let cached = self
                .cached
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone();
            if let Some(answer) = cached {
                return Some(answer);
            }
            let answer = generate(&self.generator, job.task).await?;
            *self.cached.lock().unwrap_or_else(PoisonError::into_inner) = Some(answer.clone());
            Some(answer)
        }
    }
}
