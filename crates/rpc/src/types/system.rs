//! The node's view of itself and of its chain.

use super::encoding::as_string;
use plexus_primitives::{Balance, BlockNumber, H256};
use plexus_runtime::ChainParams;
use serde::{Deserialize, Serialize};

/// The node's view of itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// The finalized head's height.
    pub finalized: BlockNumber,
    /// The newest block the node knows (may not be final yet).
    pub best: BlockNumber,
    /// Transactions waiting in the mempool.
    pub pending_transactions: usize,
    /// Their encoded bytes.
    pub pending_bytes: usize,
}

/// What chain this node runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemInfo {
    /// The chain's name, from genesis.
    pub chain_id: String,
    /// The genesis block's hash: every transaction names it.
    pub genesis_hash: H256,
    /// The version of this software.
    pub version: String,
    /// The chain parameters at the finalized head (numbers; amounts in rao).
    pub params: ChainParams,
    /// All TAO in existence, rao.
    #[serde(with = "as_string")]
    pub total_issuance: Balance,
    /// All TAO ever burned, rao.
    #[serde(with = "as_string")]
    pub total_burned: Balance,
    /// The SS58 prefix of addresses.
    pub ss58_prefix: u8,
    /// The validators' group key (96 bytes), which signs every consensus view's seed: what
    /// weights are timelocked to. Absent on a chain without one.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::types::encoding::opt_hex"
    )]
    pub group_key: Option<Vec<u8>>,
    /// The consensus epoch of the finalized head.
    #[serde(default)]
    pub epoch: u64,
    /// The consensus view of the finalized head, within its epoch.
    #[serde(default)]
    pub view: u64,
    /// Blocks per consensus epoch; absent on a chain that is one endless epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch_length: Option<u64>,
}

impl SystemInfo {
    /// The finalized head's consensus round.
    pub fn round(&self) -> plexus_runtime::Round {
        plexus_runtime::Round::new(self.epoch, self.view)
    }
}

/// A consensus validator announced on chain, as `state_validators` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnouncedValidator {
    /// Its consensus key (ed25519).
    pub key: H256,
    /// The account that announced it.
    pub owner: plexus_primitives::AccountId,
    /// Where it listens (`IP:port`).
    pub address: String,
}

/// A member of a committee on chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitteeMember {
    /// Its consensus key (ed25519).
    pub key: H256,
    /// Where it listens.
    pub address: String,
}

/// The newest committee on chain and the consensus epoch it serves from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitteeInfo {
    /// The first epoch it serves.
    pub from_epoch: u64,
    /// Its validators, by key.
    pub validators: Vec<CommitteeMember>,
}

/// The consensus validator set as the chain records it (`state_validators`): who announced
/// themselves, the committee governance scheduled, and the newest committee fixed. Before any
/// committee is fixed, the genesis validators (in the chain spec) serve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidatorsInfo {
    /// The consensus epoch of the block read.
    pub epoch: u64,
    /// Blocks per consensus epoch; absent on a chain that is one endless epoch.
    pub epoch_length: Option<u64>,
    /// Every announced validator.
    pub announced: Vec<AnnouncedValidator>,
    /// The committee waiting to be fixed at the next epoch's first block.
    pub scheduled: Option<Vec<H256>>,
    /// The newest committee fixed.
    pub committee: Option<CommitteeInfo>,
}
