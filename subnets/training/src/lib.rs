//! Train a language model together: an example subnet after Templar (Bittensor's SN3), where
//! miners who do not trust each other train one shared model and validators pay for the loss
//! each update removes.
//!
//! The model is a byte-level transformer of 365,280 parameters ([`params`]), trained on 192 KiB
//! of the Jargon File cut into 2 KiB shards, a tenth held out ([`data`]). Each round a validator
//! sends every miner its shared model and a seed; from the seed and its own hotkey each miner
//! knows its [`SHARDS_PER_MINER`] shards, takes [`STEPS`] AdamW steps on them from the shared
//! model, and answers with the largest [`update::KEEP_PER_MILLE`]‰ of the change (its
//! pseudo-gradient, [`update`]), committed then revealed through the kit. Once the answers
//! are in, the validator draws windows of each miner's shards and of the held-out shards
//! (from the chain's randomness where it has a beacon) and measures how much each update lowers
//! the loss on both ([`score`]): an update must help on held-out text, and help more on the
//! miner's own shards than on held-out text, which an update trained on other data, noise or a
//! copy does not. Accepted updates are averaged into the next shared model, whose hash and
//! held-out loss the validator publishes in its chain commitment, round by round.
//!
//! Miners: `Honest` (its shards, every step), `Hasty` (mediocre: half the steps), [`Noise`]
//! (random changes), the kit's lazy miner (no update) and copier (another miner's last
//! update), and for the tests `OtherData` (trains on shards that are not its own).
//!
//! # Features
//! `model` (off by default) brings candle: training and evaluation, the miners that train, the
//! validator and the `Training` subnet. Without it the crate is the protocol, the data, the
//! parameters, the update codec and the scoring.
//!
//! # What this is not
//! Not a way to train large models: the model and data are sized so an honest miner's round
//! takes seconds on two CPU cores, and each validator keeps its own shared model rather than
//! agreeing on one with the others.

pub mod data;
mod miners;
#[cfg(feature = "model")]
pub mod model;
pub mod params;
pub mod score;
pub mod update;
#[cfg(feature = "model")]
mod validator;

pub use data::SHARDS_PER_MINER;
pub use miners::Noise;
#[cfg(feature = "model")]
pub use miners::{Hasty, Honest, OtherData};
#[cfg(feature = "model")]
pub use validator::{curve_windows, score_round, Round, TrainingValidator, INIT_SEED};

use base64::Engine as _;
use params::Params;
use plexus_subnet_kit::Work;
use serde::{Deserialize, Serialize};

/// Local steps a validator asks for in a round.
pub const STEPS: u32 = 12;
/// The most steps a miner takes: a validator cannot make it train for minutes.
pub const MAX_STEPS: u32 = 32;
/// Windows per step.
pub const BATCH: usize = 16;
/// AdamW's learning rate for the local steps.
pub const LEARNING_RATE: f64 = 1e-3;

/// A round's task: the shared model and the seed that assigns each miner its shards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// The validator's round number.
    pub round: u64,
    /// 32 bytes, hex: with a miner's hotkey, names its shards ([`data::assigned`]).
    pub seed: String,
    /// The shared model's parameters ([`Params::to_bytes`]), base64.
    pub model: String,
    /// Their BLAKE2b-256, hex.
    pub model_hash: String,
    /// AdamW steps to take.
    pub steps: u32,
}

/// An answer: an update to the model the task named.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    /// The model trained from, hex: an update to another model is worth nothing.
    pub model_hash: String,
    /// The update ([`update::Update::encode`]), base64.
    pub update: String,
}

/// The training subnet's work.
pub struct TrainingWork;

impl Work for TrainingWork {
    const COMMIT: &'static str = "TrainingCommit";
    const REVEAL: &'static str = "TrainingReveal";
    type Task = Task;
    type Answer = Answer;
}

/// A task's model and seed, checked: what a miner trains from. `None` for a task it refuses
/// (too many steps, a malformed seed or model, a model whose hash is not the one named).
pub(crate) fn unpack(task: &Task) -> Option<(Params, [u8; 32])> {
    if task.steps == 0 || task.steps > MAX_STEPS {
        return None;
    }
    let seed: [u8; 32] = hex::decode(&task.seed).ok()?.try_into().ok()?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&task.model)
        .ok()?;
    let params = Params::from_bytes(&bytes).ok()?;
    (hex::encode(params.hash().0) == task.model_hash).then_some((params, seed))
}

/// `params` as a task carries them.
pub fn encode_model(params: &Params) -> String {
    base64::engine::general_purpose::STANDARD.encode(params.to_bytes())
}

/// An update as an answer carries it.
pub fn encode_update(update: &update::Update) -> String {
    base64::engine::general_purpose::STANDARD.encode(update.encode())
}

/// An answer's update, checked; `None` if it is not one.
pub fn decode_update(answer: &Answer) -> Option<update::Update> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&answer.update)
        .ok()?;
    update::Update::decode(&bytes).ok()
}

#[cfg(feature = "model")]
pub use subnet::Training;

#[cfg(feature = "model")]
mod subnet {
    use crate::{Hasty, Honest, Noise, TrainingValidator, TrainingWork};
    use plexus_sdk::axon::RunningAxon;
    use plexus_sdk::{Submitter, ValidatorError};
    use plexus_subnet_kit::{
        copy_key, serve, serve_kind, validate, BoxFuture, Kind, MinerContext, Subnet, SubnetError,
        Unavailable, ValidatorContext,
    };
    use std::time::Duration;

    /// The subnet, for the localnet. Its data ships with the crate, so it always runs.
    #[derive(Default)]
    pub struct Training;

    impl Subnet for Training {
        fn name(&self) -> &'static str {
            "training"
        }

        fn about(&self) -> &'static str {
            "a byte-level transformer trained together on the Jargon File, updates scored by the loss they remove"
        }

        fn round_interval(&self) -> Duration {
            // A round costs each training miner and the validator a second or two of CPU.
            Duration::from_secs(3)
        }

        fn check(&self) -> Result<(), Unavailable> {
            Ok(())
        }

        fn serve(
            &self,
            kind: Kind,
            context: MinerContext,
        ) -> BoxFuture<'static, Result<RunningAxon, SubnetError>> {
            serve_kind::<TrainingWork>(kind, context, move |context| {
                let hotkey = context.hotkey.account();
                match kind {
                    Kind::Random => Box::pin(serve::<TrainingWork, _>(context, Noise::default())),
                    Kind::Mediocre => Box::pin(serve::<TrainingWork, _>(context, Hasty(hotkey))),
                    _ => Box::pin(serve::<TrainingWork, _>(context, Honest(hotkey))),
                }
            })
        }

        fn validate(
            &self,
            context: ValidatorContext,
            stop: BoxFuture<'static, ()>,
        ) -> BoxFuture<'static, Result<(), SubnetError>> {
            Box::pin(async move {
                // Its own connection for publishing, beside the loop's for weights.
                let chain = Submitter::connect(context.chain.url()).await.map_err(|e| {
                    SubnetError::Validator(ValidatorError::Chain {
                        what: "connecting to publish the shared model",
                        source: e.into(),
                    })
                })?;
                let hotkey = copy_key(&context.hotkey)?;
                let netuid = context.settings.netuid;
                let path = context.settings.state_path.with_extension("model");
                validate(context, stop, move |dendrite, metagraph| {
                    TrainingValidator::new(netuid, dendrite, metagraph, chain, hotkey, Some(path))
                })
                .await
            })
        }
    }
}
