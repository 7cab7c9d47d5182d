//! A validator's side of commit-then-reveal: one task to many miners, both steps, and only
//! answers that match their commitments.

use crate::protocol::{commitment, Commit, Reveal, Work};
use crate::rng::SplitMix64;
use plexus_sdk::axon::{Dendrite, Target};
use plexus_sdk::{Metagraph, Round};
use std::time::Duration;

/// Serving miners asked per round, blocks from a task to its reveal, and the time each call may
/// take: what the example subnets use.
const ROUND_MINERS: usize = 16;
const REVEAL_DELAY: u64 = 2;
const CALL_TIMEOUT: Duration = Duration::from_secs(5);

/// One round's [`query`] as the example subnets make it: `task` to up to 16 of the round's
/// serving miners, answers revealed 2 blocks on, 5 s per call.
pub async fn query_round<W: Work>(
    dendrite: &Dendrite,
    metagraph: &Metagraph,
    round: &Round<'_>,
    task_id: u64,
    task: &W::Task,
) -> Vec<(u16, Option<W::Answer>)> {
    query_round_timed::<W>(dendrite, metagraph, round, task_id, task, CALL_TIMEOUT)
        .await
        .into_iter()
        .map(|a| (a.uid, a.answer))
        .collect()
}

/// [`query_round`] with `timeout` per call, for work that takes seconds, and the time each
/// miner took to commit.
pub async fn query_round_timed<W: Work>(
    dendrite: &Dendrite,
    metagraph: &Metagraph,
    round: &Round<'_>,
    task_id: u64,
    task: &W::Task,
    timeout: Duration,
) -> Vec<Answered<W::Answer>> {
    let targets = serving_targets(round, ROUND_MINERS);
    query::<W>(
        dendrite,
        metagraph,
        &targets,
        task_id,
        task,
        REVEAL_DELAY,
        timeout,
    )
    .await
}

/// The generator a validator draws what it checks from, once a round's answers are in and
/// never sent: on a chain with a beacon, from the randomness of a block after the miners
/// committed (the metagraph is past the reveal block by then), so anyone can check the choice
/// afterwards and nobody could know it when answering; otherwise from `own`.
pub async fn check_rng(
    metagraph: &Metagraph,
    round: &Round<'_>,
    task_id: u64,
    own: &mut SplitMix64,
) -> SplitMix64 {
    let hotkey = round.snapshot.neuron(round.uid).map(|n| n.hotkey);
    let block = metagraph.snapshot().block();
    let randomness = if block > round.snapshot.block() {
        metagraph.randomness(block).await.ok().flatten()
    } else {
        None
    };
    match (randomness, hotkey) {
        (Some(randomness), Some(hotkey)) => SplitMix64::from_beacon(&randomness, &hotkey, task_id),
        _ => SplitMix64::new(own.next_u64()),
    }
}

/// Up to `count` serving miners of the round, with where to reach them.
pub fn serving_targets(round: &Round<'_>, count: usize) -> Vec<(u16, Target)> {
    round
        .sample_serving(count)
        .into_iter()
        .filter_map(|uid| {
            let neuron = round.snapshot.neuron(uid)?;
            let axon = neuron.axon.as_ref()?;
            Some((
                uid,
                Target {
                    ip: axon.ip.parse().ok()?,
                    port: axon.port,
                    hotkey: neuron.hotkey,
                },
            ))
        })
        .collect()
}

/// A miner's answer to a [`query`].
pub struct Answered<A> {
    /// The miner.
    pub uid: u16,
    /// Its answer, if it revealed one matching its commitment.
    pub answer: Option<A>,
    /// How long the commit call took, as the dendrite measured it: the miner's time to
    /// answer, for subnets that score speed.
    pub elapsed: Duration,
}

/// Sends `task` to every target, waits until the chain is past the reveal block, asks for the
/// answers, and returns each target's answer if it revealed one matching its commitment, with
/// the time it took to commit.
///
/// Answers may be revealed from `reveal_delay` blocks after the current one; the reveal is
/// asked one block later still, so a miner whose view of the chain lags by a block has
/// already passed the reveal block too. If the chain stalls, every answer is missing.
pub async fn query<W: Work>(
    dendrite: &Dendrite,
    metagraph: &Metagraph,
    targets: &[(u16, Target)],
    task_id: u64,
    task: &W::Task,
    reveal_delay: u64,
    timeout: Duration,
) -> Vec<Answered<W::Answer>> {
    let reveal_at = metagraph.snapshot().block() + reveal_delay.max(1);
    let request = Commit::<W> {
        task_id,
        reveal_at,
        task: task.clone(),
        commitment: None,
    };
    let commits = futures::future::join_all(targets.iter().map(|(uid, target)| {
        let request = &request;
        async move {
            let answer = dendrite.call(target, request, timeout).await;
            let elapsed = Duration::try_from_secs_f64(answer.elapsed).unwrap_or(timeout);
            let committed = answer.synapse.and_then(|c| c.commitment);
            (*uid, target, committed, elapsed)
        }
    }))
    .await;

    let mut watched = metagraph.clone();
    let passed = tokio::time::timeout(timeout.max(Duration::from_secs(30)), async {
        let mut block = watched.snapshot().block();
        while block <= reveal_at {
            block = watched.newer_than(block).await.block();
        }
    })
    .await;
    if passed.is_err() {
        return commits
            .into_iter()
            .map(|(uid, _, _, elapsed)| Answered {
                uid,
                answer: None,
                elapsed,
            })
            .collect();
    }

    futures::future::join_all(commits.into_iter().map(
        |(uid, target, committed, elapsed)| async move {
            let Some(committed) = committed else {
                return Answered {
                    uid,
                    answer: None,
                    elapsed,
                };
            };
            let revealed = dendrite
                .call(target, &Reveal::<W>::request(task_id), timeout)
                .await
                .synapse;
            let answer = revealed.and_then(|r| {
                let (text, salt) = (r.answer?, r.salt?);
                (commitment(&target.hotkey, task_id, &text, &salt) == committed)
                    .then(|| serde_json::from_str(&text).ok())
                    .flatten()
            });
            Answered {
                uid,
                answer,
                elapsed,
            }
        },
    ))
    .await
}
