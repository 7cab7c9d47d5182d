//! Building blocks for Plexus miners and validators: a subnet's metagraph kept current from a
//! node, calls signed and followed until final, a validator's scores turned into the weight
//! row the chain accepts, and measurements published in a commitment.
//!
//! # What this is not
//! Not the wire protocol between validators and miners (that is `plexus-axon`, which this
//! builds on), and not the chain's rules (`plexus-runtime`): everything here goes through a
//! node's RPC.

pub mod config;
pub mod metagraph;
pub mod miner;
pub mod publish;
pub mod validator;
pub mod weights;

pub use plexus_rpc::{SubmitError, Submitter};

// What a subnet needs besides the SDK, so that a subnet depends on the SDK (and the subnet kit)
// alone and always builds against the versions the SDK was built with.
pub use config::{ConfigError, NeuronArgs, NeuronConfig};
pub use metagraph::{Metagraph, MetagraphError, Snapshot};
pub use miner::{serve_miner, MetagraphGate, Miner, MinerError, MinerSettings, Routes};
pub use plexus_axon as axon;
pub use plexus_keys as keys;
pub use plexus_primitives as primitives;
pub use plexus_rpc as rpc;
pub use publish::publish_series;
pub use validator::{
    run_validator, Round, StateError, Validator, ValidatorError, ValidatorSettings,
};
pub use weights::{weights_for_chain, Scores, WeightLimits, WeightsError};
