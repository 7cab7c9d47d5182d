//! A miner's side of commit-then-reveal: answers kept until their reveal block, and the two
//! solvers every subnet has, one that answers nothing and one that copies another miner.

use crate::protocol::{commitment, Commit, Reveal, Work};
use plexus_sdk::axon::{Dendrite, Target};
use plexus_sdk::primitives::AccountId;
use plexus_sdk::{Metagraph, Miner, Routes};
use std::collections::VecDeque;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tracing::debug;

/// Answers kept per miner; a validator reveals within a few blocks, so older ones are dropped.
const KEPT_ANSWERS: usize = 1024;

/// Runs CPU-bound `work` (a model's answer: milliseconds to seconds of CPU) off the async
/// threads, where it would stall an axon's other connections; `None` if it fails, logged as
/// `what` failing.
pub async fn off_thread<T, E>(
    what: &'static str,
    work: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Option<T>
where
    T: Send + 'static,
    E: std::fmt::Display + Send + 'static,
{
    match tokio::task::spawn_blocking(work).await {
        Ok(Ok(value)) => Some(value),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "{what} failed");
            None
        }
        Err(e) => {
            tracing::warn!(error = %e, "{what} stopped");
            None
        }
    }
}

/// A task as a miner's solver sees it.
#[derive(Clone)]
pub struct Job<W: Work> {
    /// The validator's id for it.
    pub task_id: u64,
    /// The block from which answers are revealed.
    pub reveal_at: u64,
    /// The task.
    pub task: W::Task,
}

/// How a miner answers a task; `None` is no answer.
pub trait Solver<W: Work>: Send + Sync + 'static {
    /// Answers `job`.
    fn solve(&self, job: Job<W>) -> impl Future<Output = Option<W::Answer>> + Send;
}

struct Kept {
    task_id: u64,
    reveal_at: u64,
    answer: String,
    salt: String,
    commitment: String,
}

/// A miner serving a [`Solver`] through the two synapses of [`Work`] `W`.
pub struct CommitRevealMiner<W: Work, S> {
    hotkey: AccountId,
    metagraph: Metagraph,
    solver: S,
    kept: Mutex<VecDeque<Kept>>,
    work: PhantomData<W>,
}

impl<W: Work, S: Solver<W>> CommitRevealMiner<W, S> {
    /// A miner with hotkey `hotkey`, reading the chain's height from `metagraph`.
    pub fn new(hotkey: AccountId, metagraph: Metagraph, solver: S) -> Self {
        Self {
            hotkey,
            metagraph,
            solver,
            kept: Mutex::new(VecDeque::new()),
            work: PhantomData,
        }
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, VecDeque<Kept>> {
        self.kept.lock().unwrap_or_else(PoisonError::into_inner)
    }

    async fn commit(&self, mut request: Commit<W>) -> Commit<W> {
        // The first commitment to a task stands: asking again cannot swap the answer.
        if let Some(kept) = self.kept().iter().find(|k| k.task_id == request.task_id) {
            request.commitment = Some(kept.commitment.clone());
            return request;
        }
        let job = Job {
            task_id: request.task_id,
            reveal_at: request.reveal_at,
            task: request.task.clone(),
        };
        let Some(answer) = self.solver.solve(job).await else {
            return request;
        };
        let Ok(answer) = serde_json::to_string(&answer) else {
            return request;
        };
        let salt = {
            use rand_core::RngCore as _;
            let mut bytes = [0u8; 16];
            rand_core::OsRng.fill_bytes(&mut bytes);
            hex::encode(bytes)
        };
        let hash = commitment(&self.hotkey, request.task_id, &answer, &salt);
        let mut kept = self.kept();
        if kept.len() >= KEPT_ANSWERS {
            kept.pop_front();
        }
        kept.push_back(Kept {
            task_id: request.task_id,
            reveal_at: request.reveal_at,
            answer,
            salt,
            commitment: hash.clone(),
        });
        request.commitment = Some(hash);
        request
    }

    fn reveal(&self, mut request: Reveal<W>) -> Reveal<W> {
        let block = self.metagraph.snapshot().block();
        if let Some(kept) = self.kept().iter().find(|k| k.task_id == request.task_id) {
            // Before the reveal block an answer would let other miners copy it.
            if block >= kept.reveal_at {
                request.answer = Some(kept.answer.clone());
                request.salt = Some(kept.salt.clone());
            }
        }
        request
    }
}

impl<W: Work, S: Solver<W>> Miner for CommitRevealMiner<W, S> {
    fn routes(routes: Routes<Self>) -> Routes<Self> {
        routes
            .handle(
                |miner: Arc<Self>, request: Commit<W>| async move { miner.commit(request).await },
            )
            .handle(|miner: Arc<Self>, request: Reveal<W>| async move { miner.reveal(request) })
    }
}

/// A miner that never answers.
pub struct Lazy;

impl<W: Work> Solver<W> for Lazy {
    async fn solve(&self, _job: Job<W>) -> Option<W::Answer> {
        None
    }
}

/// A miner that answers with another miner's answers instead of working. Answers are revealed
/// only after every miner has committed, so the newest answer it can obtain is the one to the
/// task before: that is what it sends.
pub struct Copier<W: Work> {
    dendrite: Dendrite,
    metagraph: Metagraph,
    source: AccountId,
    last: Mutex<Option<(u64, u64)>>,
    work: PhantomData<W>,
}

impl<W: Work> Copier<W> {
    /// Copies the miner with hotkey `source`, asking it with `dendrite`.
    pub fn new(dendrite: Dendrite, metagraph: Metagraph, source: AccountId) -> Self {
        Self {
            dendrite,
            metagraph,
            source,
            last: Mutex::new(None),
            work: PhantomData,
        }
    }

    fn source_target(&self) -> Option<Target> {
        let snapshot = self.metagraph.snapshot();
        let neuron = snapshot.neuron(snapshot.uid(&self.source)?)?;
        let axon = neuron.axon.as_ref()?;
        Some(Target {
            ip: axon.ip.parse().ok()?,
            port: axon.port,
            hotkey: neuron.hotkey,
        })
    }
}

impl<W: Work> Solver<W> for Copier<W> {
    async fn solve(&self, job: Job<W>) -> Option<W::Answer> {
        let previous = self
            .last
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .replace((job.task_id, job.reveal_at));
        let (task_id, reveal_at) = previous?;
        if self.metagraph.snapshot().block() < reveal_at {
            return None;
        }
        let target = self.source_target()?;
        let answer = self
            .dendrite
            .call(
                &target,
                &Reveal::<W>::request(task_id),
                Duration::from_secs(5),
            )
            .await;
        let text = answer.synapse.and_then(|r| r.answer);
        debug!(task_id, copied = text.is_some(), "copier asked its source");
        serde_json::from_str(&text?).ok()
    }
}
