//! What `plexus localnet` needs from a subnet: whether it can run here, and how to start a
//! miner of each kind and a validator.

use crate::miner::{CommitRevealMiner, Copier, Lazy, Solver};
use crate::protocol::Work;
use plexus_sdk::axon::{Dendrite, RunningAxon};
use plexus_sdk::keys::Keypair;
use plexus_sdk::primitives::AccountId;
use plexus_sdk::{
    run_validator, serve_miner, Metagraph, MinerError, MinerSettings, Submitter, Validator,
    ValidatorError, ValidatorSettings,
};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// A boxed future, so subnets of different types sit in one list.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The kinds of miner each example subnet has, so a localnet shows rewards following quality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Does the work well.
    Honest,
    /// Does it, badly.
    Mediocre,
    /// Answers nothing.
    Lazy,
    /// Answers with noise.
    Random,
    /// Answers with another miner's answers.
    Copier,
}

impl Kind {
    /// Every kind, best first: the order in which a localnet starts them.
    pub const ALL: [Kind; 5] = [
        Kind::Honest,
        Kind::Mediocre,
        Kind::Lazy,
        Kind::Random,
        Kind::Copier,
    ];

    /// The quality the subnet was designed to see, for comparing with the rewards: 2 for good
    /// work, 1 for poor work, 0 for none.
    pub fn quality(self) -> u8 {
        match self {
            Kind::Honest => 2,
            Kind::Mediocre => 1,
            Kind::Lazy | Kind::Random | Kind::Copier => 0,
        }
    }

    /// Its name, lower case.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Honest => "honest",
            Kind::Mediocre => "mediocre",
            Kind::Lazy => "lazy",
            Kind::Random => "random",
            Kind::Copier => "copier",
        }
    }
}

/// Something a subnet needs that is not here, and how to get it.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{what} is not available ({reason}); {fix}")]
pub struct Unavailable {
    /// What is missing.
    pub what: String,
    /// Why it could not be had.
    pub reason: String,
    /// What to install or fetch.
    pub fix: String,
}

/// Why a subnet's miner or validator stopped.
#[derive(Debug, thiserror::Error)]
pub enum SubnetError {
    /// The miner could not start.
    #[error(transparent)]
    Miner(#[from] MinerError),
    /// The validator stopped.
    #[error(transparent)]
    Validator(#[from] ValidatorError),
    /// A model or data set is missing.
    #[error(transparent)]
    Unavailable(#[from] Unavailable),
    /// The hotkey could not be copied for a dendrite.
    #[error("hotkey: {0}")]
    Key(#[from] plexus_sdk::keys::KeyError),
}

/// Everything a miner is started with.
pub struct MinerContext {
    /// The connection to the node.
    pub chain: Submitter,
    /// The miner's hotkey (registered on the subnet).
    pub hotkey: Keypair,
    /// The subnet's metagraph.
    pub metagraph: Metagraph,
    /// Where it serves.
    pub settings: MinerSettings,
    /// For a [`Kind::Copier`]: whom it copies.
    pub copy_from: Option<AccountId>,
}

/// Everything a validator is started with.
pub struct ValidatorContext {
    /// The connection to the node.
    pub chain: Submitter,
    /// The validator's hotkey (registered and staked on the subnet).
    pub hotkey: Keypair,
    /// The subnet's metagraph.
    pub metagraph: Metagraph,
    /// How its loop runs.
    pub settings: ValidatorSettings,
}

/// A subnet as the localnet runs it.
pub trait Subnet: Send + Sync + 'static {
    /// Its short name (`weather`), which also names its keys.
    fn name(&self) -> &'static str;

    /// What it does, in a line.
    fn about(&self) -> &'static str;

    /// The pause its validators take between rounds: long enough that a localnet's other
    /// subnets keep their share of the machine when a round costs seconds of CPU.
    fn round_interval(&self) -> Duration {
        Duration::from_millis(500)
    }

    /// Whether its data and models are here (fetching them if that is how they come); a
    /// subnet that is not available is skipped with this message.
    fn check(&self) -> Result<(), Unavailable>;

    /// Starts a miner of `kind`.
    fn serve(
        &self,
        kind: Kind,
        context: MinerContext,
    ) -> BoxFuture<'static, Result<RunningAxon, SubnetError>>;

    /// Runs a validator until `stop` completes.
    fn validate(
        &self,
        context: ValidatorContext,
        stop: BoxFuture<'static, ()>,
    ) -> BoxFuture<'static, Result<(), SubnetError>>;
}

/// Serves `solver` for work `W` as the context's miner.
pub async fn serve<W: Work, S: Solver<W>>(
    context: MinerContext,
    solver: S,
) -> Result<RunningAxon, SubnetError> {
    let miner =
        CommitRevealMiner::<W, S>::new(context.hotkey.account(), context.metagraph.clone(), solver);
    Ok(serve_miner(
        context.chain,
        context.hotkey,
        context.metagraph,
        context.settings,
        miner,
    )
    .await?)
}

/// Serves a miner of `kind`: the two kinds every subnet gets from the kit, [`Kind::Lazy`] and
/// [`Kind::Copier`], and for every other kind the subnet's `own` miner.
pub fn serve_kind<W: Work>(
    kind: Kind,
    context: MinerContext,
    own: impl FnOnce(MinerContext) -> BoxFuture<'static, Result<RunningAxon, SubnetError>>,
) -> BoxFuture<'static, Result<RunningAxon, SubnetError>> {
    match kind {
        Kind::Lazy => Box::pin(serve::<W, _>(context, Lazy)),
        Kind::Copier => {
            let key = copy_key(&context.hotkey);
            let source = context.copy_from;
            let metagraph = context.metagraph.clone();
            Box::pin(async move {
                let dendrite = Dendrite::new(key?, 4);
                match source {
                    Some(source) => {
                        serve::<W, _>(context, Copier::<W>::new(dendrite, metagraph, source)).await
                    }
                    None => serve::<W, _>(context, Lazy).await,
                }
            })
        }
        Kind::Honest | Kind::Mediocre | Kind::Random => own(context),
    }
}

/// Runs a subnet's validator as the context's validator until `stop` completes: `logic` is
/// built with a dendrite that signs as the validator's hotkey and with the subnet's metagraph,
/// and the SDK's loop turns its rewards into weights.
pub async fn validate<V: Validator>(
    context: ValidatorContext,
    stop: BoxFuture<'static, ()>,
    logic: impl FnOnce(Dendrite, Metagraph) -> V,
) -> Result<(), SubnetError> {
    let dendrite = Dendrite::new(copy_key(&context.hotkey)?, 16);
    let mut logic = logic(dendrite, context.metagraph.clone());
    run_validator(
        &context.chain,
        &context.hotkey,
        &context.metagraph,
        &context.settings,
        &mut logic,
        stop,
    )
    .await?;
    Ok(())
}

/// A second handle on `key`, for a dendrite or an axon that signs beside the neuron's own.
pub fn copy_key(key: &Keypair) -> Result<Keypair, plexus_sdk::keys::KeyError> {
    Keypair::from_private_key(key.crypto(), &key.private_key())
}
