//! The validator: one prompt to every miner, each distinct answer fed through the model and
//! checked token by token as far as a point drawn afterwards, scores weighed by speed.

use crate::model::{Generator, Prompted};
use crate::{checked_len, draw_prompt, score, well_formed, Answer, Task, TextGenWork, TOKENS};
use plexus_sdk::axon::Dendrite;
use plexus_sdk::{Metagraph, Round, Validator};
use plexus_subnet_kit::{check_rng, query_round_timed, Answered, SplitMix64};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// Distinct answers checked per round, the most common first: honest miners share one, so a
/// crowd of different wrong answers cannot make the validator work without bound. The rest
/// are not scored this round.
const CHECKED_ANSWERS: usize = 6;
/// Generating takes seconds on a busy CPU: more than the kit's usual call timeout.
const CALL_TIMEOUT: Duration = Duration::from_secs(60);

/// Asks up to 16 serving miners the same prompt each round and checks each distinct answer.
pub struct TextGenValidator {
    generator: Arc<Generator>,
    dendrite: Dendrite,
    metagraph: Metagraph,
    rng: SplitMix64,
}

impl TextGenValidator {
    /// A validator checking with `generator`, querying with `dendrite`.
    pub fn new(generator: Arc<Generator>, dendrite: Dendrite, metagraph: Metagraph) -> Self {
        Self {
            generator,
            dendrite,
            metagraph,
            rng: SplitMix64::from_entropy(),
        }
    }
}

/// A distinct answer and the miners who gave it, with their times.
struct Group {
    answer: Answer,
    miners: Vec<(u16, Duration)>,
}

/// Scores a round's answers to `task`: malformed ones 0, up to six distinct
/// well-formed ones checked as far as [`checked_len`] draws with `rng`, the rest left out.
/// `None` if the validator's own model failed.
pub fn score_round(
    generator: &Generator,
    task: &Task,
    answers: Vec<Answered<Answer>>,
    rng: &mut SplitMix64,
) -> Option<Vec<(u16, f64)>> {
    let mut scores = Vec::new();
    let mut groups: BTreeMap<Answer, Vec<(u16, Duration)>> = BTreeMap::new();
    for answered in answers {
        match answered.answer {
            Some(answer) if well_formed(&answer, task, generator.end(), crate::VOCAB) => {
                groups
                    .entry(answer)
                    .or_default()
                    .push((answered.uid, answered.elapsed));
            }
            _ => scores.push((answered.uid, 0.0)),
        }
    }
    let mut groups: Vec<Group> = groups
        .into_iter()
        .map(|(answer, miners)| Group { answer, miners })
        .collect();
    // Largest first; equal sizes in an order no miner can arrange.
    for i in (1..groups.len()).rev() {
        groups.swap(i, rng.below(i + 1));
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.miners.len()));
    groups.truncate(CHECKED_ANSWERS);
    if groups.is_empty() {
        return Some(scores);
    }

    let prompted: Prompted = match generator.prompt(&task.prompt) {
        Ok(prompted) => prompted,
        Err(e) => {
            tracing::warn!(error = %e, "the validator's model failed");
            return None;
        }
    };
    let mut checked = Vec::with_capacity(groups.len());
    for group in groups {
        let len = group.answer.tokens.len();
        let upto = checked_len(rng, len, len < task.max_tokens as usize);
        let led = match prompted.check(&group.answer, upto) {
            Ok(led) => led,
            Err(e) => {
                tracing::warn!(error = %e, "the validator's model failed");
                return None;
            }
        };
        checked.push((group, led == upto));
    }
    let speed = |tokens: usize, elapsed: Duration| tokens as f64 / elapsed.as_secs_f64();
    let best = checked
        .iter()
        .filter(|(_, correct)| *correct)
        .flat_map(|(g, _)| {
            let tokens = g.answer.tokens.len();
            g.miners.iter().map(move |&(_, t)| speed(tokens, t))
        })
        .fold(0.0, f64::max);
    for (group, correct) in checked {
        let tokens = group.answer.tokens.len();
        for (uid, elapsed) in group.miners {
            scores.push((uid, score(correct, speed(tokens, elapsed), best)));
        }
    }
    Some(scores)
}

impl Validator for TextGenValidator {
    async fn forward(&mut self, round: Round<'_>) -> Vec<(u16, f64)> {
        let task = Task {
            prompt: draw_prompt(&mut self.rng),
            max_tokens: TOKENS,
        };
        let task_id = self.rng.next_u64();
        let answers = query_round_timed::<TextGenWork>(
            &self.dendrite,
            &self.metagraph,
            &round,
            task_id,
            &task,
            CALL_TIMEOUT,
        )
        .await;
        let mut rng = check_rng(&self.metagraph, &round, task_id, &mut self.rng).await;
        let generator = self.generator.clone();
        let scored =
            tokio::task::spawn_blocking(move || score_round(&generator, &task, answers, &mut rng))
                .await;
        match scored {
            Ok(Some(scores)) => scores,
            // Our own model failed: no scores this round rather than zeros for everyone.
            Ok(None) | Err(_) => Vec::new(),
        }
    }
}
