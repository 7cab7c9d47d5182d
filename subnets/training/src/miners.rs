//! The subnet's own miners: honest training, hasty training (mediocre), noise, and training on
//! someone else's data.

use crate::params::count;
use crate::update::{keep, Update};
use crate::{encode_update, unpack, Answer, TrainingWork};
use plexus_subnet_kit::{Job, SharedRng, Solver};

/// Answers with changes of a plausible size to random parameters: an update that looks like
/// work.
#[derive(Default)]
pub struct Noise(SharedRng);

impl Solver<TrainingWork> for Noise {
    async fn solve(&self, job: Job<TrainingWork>) -> Option<Answer> {
        let (_, _) = unpack(&job.task)?;
        let mut rng = self.0.lock();
        let mut indices: Vec<u32> = rng
            .distinct(count(), keep())
            .into_iter()
            .map(|i| i as u32)
            .collect();
        indices.sort_unstable();
        let values = indices
            .iter()
            .map(|_| ((rng.unit() * 2.0 - 1.0) * 0.02) as f32)
            .collect();
        Some(Answer {
            model_hash: job.task.model_hash,
            update: encode_update(&Update { indices, values }),
        })
    }
}

#[cfg(feature = "model")]
pub use with_model::{Hasty, Honest, OtherData};

#[cfg(feature = "model")]
mod with_model {
    use crate::data::{assigned, windows};
    use crate::model::{train, Schedule};
    use crate::params::{Params, CONTEXT};
    use crate::update::Update;
    use crate::{encode_update, unpack, Answer, Task, TrainingWork, BATCH, LEARNING_RATE};
    use plexus_sdk::primitives::{blake2_256_parts, AccountId};
    use plexus_subnet_kit::{Job, Solver, SplitMix64};

    /// Trains `steps` steps from the task's model on the shards `owner` is assigned, off the
    /// async threads (a round is seconds of CPU), and answers with the update.
    pub(crate) async fn trained(task: Task, owner: AccountId, steps: u32) -> Option<Answer> {
        let work = move || -> Option<Answer> {
            let (base, seed) = unpack(&task)?;
            let shards = assigned(&seed, &owner);
            let digest = blake2_256_parts(&[b"plexus-training-batches", &seed, &owner.0]);
            let mut rng = SplitMix64::new(u64::from_le_bytes(digest.0[..8].try_into().ok()?));
            let schedule = Schedule {
                steps: steps as usize,
                batch: BATCH,
                learning_rate: LEARNING_RATE,
            };
            let trained: Params = train(&base, schedule, |_| {
                windows(&shards, BATCH, CONTEXT + 1, &mut rng)
            })
            .map_err(|e| tracing::warn!(error = %e, "training failed"))
            .ok()?;
            Some(Answer {
                model_hash: task.model_hash,
                update: encode_update(&Update::between(&base, &trained)),
            })
        };
        tokio::task::spawn_blocking(work).await.ok().flatten()
    }

    /// Trains every step asked on its own shards.
    pub struct Honest(pub AccountId);

    impl Solver<TrainingWork> for Honest {
        async fn solve(&self, job: Job<TrainingWork>) -> Option<Answer> {
            let steps = job.task.steps;
            trained(job.task, self.0, steps).await
        }
    }

    /// Trains half the steps asked, on its own shards.
    pub struct Hasty(pub AccountId);

    impl Solver<TrainingWork> for Hasty {
        async fn solve(&self, job: Job<TrainingWork>) -> Option<Answer> {
            let steps = (job.task.steps / 2).max(1);
            trained(job.task, self.0, steps).await
        }
    }

    /// Trains every step, on the shards another hotkey would get: real work on the wrong
    /// data, as a miner reusing one training run for several hotkeys would send.
    pub struct OtherData(pub AccountId);

    impl Solver<TrainingWork> for OtherData {
        async fn solve(&self, job: Job<TrainingWork>) -> Option<Answer> {
            let steps = job.task.steps;
            let mut other = self.0;
            other.0[0] ^= 0xff;
            trained(job.task, other, steps).await
        }
    }
}
