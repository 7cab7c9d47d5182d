//! Building blocks for Plexus miners and validators: a subnet's metagraph kept current from a
//! node, calls signed and followed until final, and a validator's scores turned into the weight
//! row the chain accepts.
//!
//! # What this is not
//! Not the wire protocol between validators and miners (that is `plexus-axon`, which this
//! builds on), and not the chain's rules (`plexus-runtime`): everything here goes through a
//! node's RPC.

pub mod chain;
pub mod config;
pub mod metagraph;
pub mod miner;
pub mod validator;
pub mod weights;

pub use chain::{Chain, ChainError};
pub use config::{ConfigError, NeuronArgs, NeuronConfig};
pub use metagraph::{Metagraph, MetagraphError, Snapshot};
pub use miner::{serve_miner, MetagraphGate, Miner, MinerError, MinerSettings, Routes};
pub use validator::{run_validator, Round, Validator, ValidatorError, ValidatorSettings};
pub use weights::{weights_for_chain, Scores, ScoresError, WeightLimits, WeightsError};
