//! Plexus's state machine: a pure, deterministic library that applies blocks of signed
//! transactions to the chain state.
//!
//! A [`Chain`] starts from a [`Genesis`] and moves forward one [`Block`] at a time with
//! [`Chain::apply_block`] (all of the block or none of it) or, for a proposer,
//! [`Chain::build_block`]. Transactions ([`SignedTransaction`]) carry a [`Call`]; their
//! signatures are checked against the genesis and recent block hashes ([`check_batch`]), then each is validated (genesis,
//! nonce, expiry, fee) and executed. The [`State`] is a set of ordered, journaled maps whose
//! Merkle root every header commits to.
//!
//! The rules follow Bittensor's chain (accounts, subnets, neurons, weights and commit-reveal);
//! where Plexus chooses differently the item's documentation says so.
//!
//! # Layout
//! | module | holds |
//! |---|---|
//! | `chain` | [`Chain`]: header checks, per-transaction validation (genesis, expiry, nonce, fee), the block loop |
//! | `block`, `tx` | [`Header`] and [`Block`]; [`Call`], [`Transaction`], [`SignedTransaction`] in either envelope, [`check_batch`] |
//! | `extrinsic` | the Substrate envelope: [`extrinsic::Extrinsic`] decoded strictly, its signing payload, eras, and [`extrinsic::CALLS`], the pallet calls it maps onto [`Call`]s |
//! | `block_step` | the per-block step before the transactions: registration prices decay, emission is minted and injected into the pools, moving prices follow, due epochs run |
//! | `epoch` | each due subnet's epoch: gather Yuma's inputs, compute, apply the outputs and pay out; the epoch history |
//! | `calls/` | what each call does: `balances`, `subnets`, `neurons`, `weights`, `staking` (stake calls through the pools), `delegate` (delegate take) |
//! | `shares` | share pools: alpha staked through a hotkey and each coldkey's share of it, rewards pro rata |
//! | `pool` | [`Pool`], a subnet's weighted constant-product market: swaps, fees, price limits, injection |
//! | `supply` | each subnet's alpha minted and burned, and [`State::check_supply`], the audit that every rao is somewhere |
//! | `emission`, `math` | the halving-by-issuance schedule; exact wide arithmetic (256-bit integers, `mul_div`, the pool's rounded-up powers) |
//! | `state/` | [`State`]: every storage item as a journaled, ordered map, and the Merkle root over them |
//! | `hyperparams`, `params`, `genesis` | per-subnet and chain-wide parameters; the genesis configuration |
//! | `error`, `event`, `types`, `query` | errors and their [`ErrorKind`]s; [`Event`]s; the stored records; read-only views such as the [`Metagraph`] |
//!
//! # Stable names
//! Every public error enum has a `kind()`, an [`ErrorKind`] with a snake_case name and a number
//! (`DispatchError::InsufficientBalance` is `insufficient_balance`, number 0), and every
//! [`Call`] a [`Call::name`] (`add_stake`). These are public API: the RPC reports them and
//! clients match on them, so they never change and are never reused, while error messages may
//! be reworded.
//!
//! # What this is not
//! No I/O, no clock (time comes from block headers), no threads, no floats, no consensus
//! engine, no storage engine: `node` drives it and `store` persists [`State::entries`].
//!
//! # Example
//! ```
//! use plexus_runtime::{Chain, Genesis};
//!
//! let genesis = Genesis::from_json(r#"{"chain_id": "doc", "timestamp": 1}"#).unwrap();
//! let mut chain = Chain::from_genesis(&genesis).unwrap();
//! let (block, _) = chain.build_block(2, Vec::new()).unwrap();
//! assert_eq!(block.header.number, 1);
//! assert_eq!(chain.head().state_root, block.header.state_root);
//! ```

// Every node must compute bit-identical results: no floats, no clocks, no hash-ordered
// collections. These lints and the disallowed types in clippy.toml enforce it.
#![deny(
    clippy::disallowed_types,
    clippy::float_arithmetic,
    clippy::float_cmp,
    clippy::cast_precision_loss,
    clippy::lossy_float_literal
)]

mod block;
mod block_step;
mod calls;
mod chain;
mod children;
mod commitments;
mod emission;
mod epoch;
mod error;
mod event;
pub mod extrinsic;
mod genesis;
mod hyperparams;
mod math;
mod params;
mod pool;
mod proxy;
mod query;
mod root;
mod shares;
mod state;
mod supply;
mod symbols;
mod tx;
mod types;

pub use block::{
    consensus_root, transactions_root, Block, Header, Seed, SeedSignature, ValidatorId,
    ValidatorProof, MAX_CONSENSUS_BYTES,
};

/// The root network: TAO staked on hotkeys 1:1, counting toward their stake weight on every
/// subnet (reference-chain §4.8). It has no pool and no neurons of its own.
pub const ROOT_NETUID: plexus_primitives::NetUid = 0;
pub(crate) use calls::dispatch;
pub use calls::{
    commit_hash, normalized_max, timelocked_weights_aad, timelocked_weights_plaintext,
    COLDKEY_SWAP_COST, HOTKEY_SWAP_COST, HOTKEY_SWAP_ON_SUBNET_COST, MAX_BATCH_CALLS,
    MAX_CLAIM_SUBNETS, MAX_KEEP_SUBNETS, MAX_REVEAL_AHEAD_VIEWS, MAX_TIMELOCKED_PER_ROUND,
    MAX_TIMELOCKED_WEIGHTS_BYTES, MAX_UNREVEALED_COMMITS,
};
pub use calls::{
    validator_proof_message, validator_proof_payload, verify_validator_proof, BLOCKS_PER_VALIDATOR,
    MAX_ANNOUNCED_VALIDATORS, MAX_COMMITTEE, MAX_VALIDATOR_ADDRESS, VALIDATOR_PROOF_NAMESPACE,
};
pub use chain::{consensus_namespace, BlockOutcome, Chain, ConsensusRound, Events};
pub use children::MAX_CHILDREN;
pub use commitments::{
    timelocked_commitment_aad, Commitment, CommitmentField, MAX_BIG_RAW, MAX_COMMITMENT_FIELDS,
    MAX_RAW, MAX_SPACE, MIN_CHARGED_SPACE,
};
pub use emission::block_emission;
pub use epoch::EPOCH_HISTORY;
pub use error::{BlockError, DispatchError, ErrorKind, InvalidTransaction};
pub use event::{Event, Phase};
pub use genesis::{Genesis, GenesisError, MIN_EPOCH_LENGTH};
pub use hyperparams::{Hyperparameter, HyperparameterKind, Hyperparameters, MAX_UIDS};
pub use params::{ChainParam, ChainParams, MAX_NUM_ROOT_CLAIMS};
pub use pool::{
    limit_from_rao_per_alpha, rao_per_alpha, Pool, PoolError, Swap, DEFAULT_FEE_RATE, MAX_FEE_RATE,
    MIN_RESERVE, MIN_WEIGHT, PERQUINTILL,
};
pub use proxy::{
    Announcement, Announcements, Proxies, ProxyDefinition, ProxyType, ANNOUNCEMENT_DEPOSIT_BASE,
    ANNOUNCEMENT_DEPOSIT_FACTOR, MAX_PENDING, MAX_PROXIES, PROXY_DEPOSIT_BASE,
    PROXY_DEPOSIT_FACTOR, SMALL_TRANSFER_LIMIT,
};
pub use query::{Metagraph, NeuronInfo};
pub use state::{State, StateChange, StateDecodeError};
pub use supply::SupplyError;
pub use symbols::SYMBOLS;
pub use tx::{
    check_batch, Call, CheckContext, CheckedTransaction, GovernanceCall, SignedTransaction,
    Transaction,
};
pub use types::{
    AlphaSupply, AxonInfo, BlockEmission, ChainIdentity, ColdkeySwap, DelegateTake, EpochRecord,
    Globals, Neuron, NeuronEpoch, PendingChildren, PendingEmission, RootClaimType, Round,
    SharePool, Subnet, SubnetIdentity, SystemInfo, ValidatorRecord, WeightCommit,
};
