//! The genesis configuration: who holds what at block 0, who governs, and the chain parameters.

use crate::ChainParams;
use crate::ErrorKind;
use plexus_primitives::{AccountId, Balance, TOTAL_SUPPLY};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A chain's starting point, read from JSON.
///
/// ```json
/// { "chain_id": "plexus-local", "timestamp": 1767225600000,
///   "governance": "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
///   "balances": [["5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY", 1000000000000000]],
///   "params": { "network_rate_limit": 0 } }
/// ```
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Genesis {
    /// Distinguishes chains that otherwise start alike; part of the genesis hash.
    pub chain_id: String,
    /// Timestamp of block 0, milliseconds since the Unix epoch.
    pub timestamp: u64,
    /// The governance ("sudo") account, if any.
    #[serde(default)]
    pub governance: Option<AccountId>,
    /// Starting balances in rao.
    #[serde(default)]
    pub balances: Vec<(AccountId, Balance)>,
    /// Chain parameters; omitted fields take their defaults.
    #[serde(default)]
    pub params: ChainParams,
    /// The validators' group key (96 bytes, hex): it checks the seed every block carries for
    /// the consensus rounds before it. Without one, blocks carry no seeds (chains built without
    /// consensus, in tests and tools).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_key: Option<String>,
    /// Blocks per consensus epoch (at least [`MIN_EPOCH_LENGTH`]): the span in which one
    /// validator set runs consensus while it hands its shares of the group key to the next.
    /// Fixed for the chain's life. Without one, the chain is one endless epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch_length: Option<u64>,
    /// The consensus layer's record in block 0 (hex, at most
    /// [`MAX_CONSENSUS_BYTES`](crate::MAX_CONSENSUS_BYTES)): for a chain with validators,
    /// epoch 0's committee and the public polynomial of its shares of the group key. The
    /// genesis hash commits to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consensus: Option<String>,
}

/// The shortest consensus epoch: its views 1 to `length - 2` are the ones sure to reach the
/// chain, so anything shorter leaves nothing to timelock to.
pub const MIN_EPOCH_LENGTH: u64 = 3;

/// Why a genesis configuration is unusable.
#[derive(Debug, thiserror::Error)]
pub enum GenesisError {
    /// Not valid JSON for a [`Genesis`].
    #[error("genesis is not valid: {0}")]
    Json(#[from] serde_json::Error),
    /// An account appears twice.
    #[error("account {0} appears twice in balances")]
    DuplicateAccount(AccountId),
    /// A balance below the existential deposit.
    #[error("balance of {account} is {balance} rao, below the existential deposit {minimum}")]
    BelowExistentialDeposit {
        /// The account.
        account: AccountId,
        /// Its balance.
        balance: Balance,
        /// The existential deposit.
        minimum: Balance,
    },
    /// More than the total supply.
    #[error("balances add up to more than the 21M TAO total supply")]
    OverSupply,
    /// Parameters that cannot work.
    #[error("invalid chain parameters: {0}")]
    Params(String),
    /// A group key that is not 96 bytes of hex.
    #[error("the group key is not 96 bytes of hex")]
    GroupKey,
    /// A consensus record that is not hex, or is too long.
    #[error(
        "the consensus record is not hex of at most {} bytes",
        crate::MAX_CONSENSUS_BYTES
    )]
    Consensus,
    /// A consensus epoch too short to hold a view anything can be timelocked to.
    #[error("epoch_length {0} is shorter than {MIN_EPOCH_LENGTH} blocks")]
    EpochLength(u64),
}

impl GenesisError {
    /// The error's stable kind, a name and number clients can match on (see [`ErrorKind`]).
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Json(_) => ErrorKind::new(0, "json"),
            Self::DuplicateAccount(_) => ErrorKind::new(1, "duplicate_account"),
            Self::BelowExistentialDeposit { .. } => ErrorKind::new(2, "below_existential_deposit"),
            Self::OverSupply => ErrorKind::new(3, "over_supply"),
            Self::Params(_) => ErrorKind::new(4, "params"),
            Self::GroupKey => ErrorKind::new(5, "group_key"),
            Self::EpochLength(_) => ErrorKind::new(6, "epoch_length"),
            Self::Consensus => ErrorKind::new(7, "consensus"),
        }
    }
}

impl Genesis {
    /// Parses genesis JSON and checks it.
    pub fn from_json(text: &str) -> Result<Self, GenesisError> {
        let genesis: Self = serde_json::from_str(text)?;
        genesis.validate()?;
        Ok(genesis)
    }

    /// The group key's bytes, if the chain has one.
    pub fn group_key_bytes(&self) -> Result<Option<Vec<u8>>, GenesisError> {
        self.group_key
            .as_deref()
            .map(|hex| {
                hex::decode(hex.trim_start_matches("0x"))
                    .ok()
                    .filter(|bytes| bytes.len() == plexus_timelock::IDENTITY_LEN)
                    .ok_or(GenesisError::GroupKey)
            })
            .transpose()
    }

    /// The consensus record's bytes (empty without one).
    pub fn consensus_bytes(&self) -> Result<Vec<u8>, GenesisError> {
        let Some(hex) = self.consensus.as_deref() else {
            return Ok(Vec::new());
        };
        hex::decode(hex.trim_start_matches("0x"))
            .ok()
            .filter(|bytes| bytes.len() <= crate::MAX_CONSENSUS_BYTES)
            .ok_or(GenesisError::Consensus)
    }

    /// Checks balances, parameters, the group key, the epoch length and the consensus record.
    pub fn validate(&self) -> Result<(), GenesisError> {
        self.params.validate().map_err(GenesisError::Params)?;
        self.group_key_bytes()?;
        self.consensus_bytes()?;
        if let Some(length) = self.epoch_length.filter(|l| *l < MIN_EPOCH_LENGTH) {
            return Err(GenesisError::EpochLength(length));
        }
        let mut seen = BTreeSet::new();
        let mut total: Balance = 0;
        for (account, balance) in &self.balances {
            if !seen.insert(*account) {
                return Err(GenesisError::DuplicateAccount(*account));
            }
            if *balance < self.params.existential_deposit {
                return Err(GenesisError::BelowExistentialDeposit {
                    account: *account,
                    balance: *balance,
                    minimum: self.params.existential_deposit,
                });
            }
            total = total
                .checked_add(*balance)
                .filter(|t| *t <= TOTAL_SUPPLY)
                .ok_or(GenesisError::OverSupply)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
    const BOB: &str = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";

    #[test]
    fn test_genesis_json_is_checked() {
        let ok = format!(
            r#"{{"chain_id": "t", "timestamp": 5, "governance": "{ALICE}",
                "balances": [["{ALICE}", 1000], ["{BOB}", 500]],
                "params": {{"network_rate_limit": 3}}}}"#
        );
        let genesis = Genesis::from_json(&ok).unwrap();
        assert_eq!(genesis.params.network_rate_limit, 3);
        assert_eq!(
            genesis.params.subnet_limit, 128,
            "unset fields keep defaults"
        );

        let duplicate = format!(
            r#"{{"chain_id": "t", "timestamp": 5, "balances": [["{ALICE}", 1000], ["{ALICE}", 1000]]}}"#
        );
        assert!(matches!(
            Genesis::from_json(&duplicate),
            Err(GenesisError::DuplicateAccount(_))
        ));
        let dust =
            format!(r#"{{"chain_id": "t", "timestamp": 5, "balances": [["{ALICE}", 499]]}}"#);
        assert!(matches!(
            Genesis::from_json(&dust),
            Err(GenesisError::BelowExistentialDeposit { balance: 499, .. })
        ));
        let too_much = format!(
            r#"{{"chain_id": "t", "timestamp": 5,
                "balances": [["{ALICE}", 21000000000000000], ["{BOB}", 500]]}}"#
        );
        assert!(matches!(
            Genesis::from_json(&too_much),
            Err(GenesisError::OverSupply)
        ));
        let typo = r#"{"chain_id": "t", "timestamp": 5, "params": {"subnet_limt": 3}}"#;
        assert!(matches!(
            Genesis::from_json(typo),
            Err(GenesisError::Json(_))
        ));
        let bad_address = r#"{"chain_id": "t", "timestamp": 5, "governance": "5Grwva"}"#;
        assert!(matches!(
            Genesis::from_json(bad_address),
            Err(GenesisError::Json(_))
        ));
        let bad_params =
            r#"{"chain_id": "t", "timestamp": 5, "params": {"max_epochs_per_block": 0}}"#;
        assert!(matches!(
            Genesis::from_json(bad_params),
            Err(GenesisError::Params(_))
        ));
        let short_epoch = r#"{"chain_id": "t", "timestamp": 5, "epoch_length": 2}"#;
        assert!(matches!(
            Genesis::from_json(short_epoch),
            Err(GenesisError::EpochLength(2))
        ));
        let not_hex = r#"{"chain_id": "t", "timestamp": 5, "consensus": "0xzz"}"#;
        assert!(matches!(
            Genesis::from_json(not_hex),
            Err(GenesisError::Consensus)
        ));
        let epochs = r#"{"chain_id": "t", "timestamp": 5, "epoch_length": 3}"#;
        assert_eq!(Genesis::from_json(epochs).unwrap().epoch_length, Some(3));
    }
}
