//! Accounts: balances, nonces, stakes and delegate takes.

use super::encoding::{as_string, option_as_string};
use plexus_primitives::{AccountId, Balance, BlockNumber, NetUid};
use serde::{Deserialize, Serialize};

/// An account's balance and nonces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountInfo {
    /// The account.
    pub address: AccountId,
    /// Free balance, rao.
    #[serde(with = "as_string")]
    pub balance: Balance,
    /// The next nonce at the queried block.
    pub nonce: u64,
    /// The block the answer is for.
    pub block: BlockNumber,
}

/// One stake: alpha a coldkey holds through a hotkey on a subnet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StakeEntry {
    /// The hotkey staked through.
    pub hotkey: AccountId,
    /// The subnet.
    pub netuid: NetUid,
    /// Alpha, rao, rewards included.
    #[serde(with = "as_string")]
    pub alpha: Balance,
    /// What selling it all now would pay, rao of TAO after the swap fee (`null` if the pool
    /// would refuse the sale).
    #[serde(with = "option_as_string")]
    pub tao_value: Option<Balance>,
}

/// Every stake of a coldkey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StakeInfo {
    /// The coldkey.
    pub coldkey: AccountId,
    /// Its stakes, by hotkey then netuid.
    pub stakes: Vec<StakeEntry>,
    /// The block the answer is for.
    pub block: BlockNumber,
}

/// A hotkey's delegate take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelegateTakeInfo {
    /// The hotkey.
    pub hotkey: AccountId,
    /// The share of dividends its owner keeps (of 65535); the chain's maximum until set.
    pub take: u16,
    /// The block the answer is for.
    pub block: BlockNumber,
}

/// How a coldkey describes itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityInfo {
    /// The coldkey.
    pub coldkey: AccountId,
    /// Its identity; `null` if it has set none.
    pub identity: Option<plexus_runtime::ChainIdentity>,
    /// The block the answer is for.
    pub block: BlockNumber,
}

/// One nominator of a delegate on one subnet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Nomination {
    /// The nominator's coldkey.
    pub coldkey: AccountId,
    /// Its alpha through the delegate, rao.
    #[serde(with = "as_string")]
    pub alpha: Balance,
}

/// A delegate's stake on one subnet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelegateStake {
    /// The subnet.
    pub netuid: NetUid,
    /// All alpha staked through the delegate there, rao.
    #[serde(with = "as_string")]
    pub total_alpha: Balance,
    /// Who staked it, by coldkey.
    pub nominators: Vec<Nomination>,
}

/// A hotkey others can stake through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelegateInfo {
    /// The hotkey.
    pub hotkey: AccountId,
    /// The coldkey that owns it.
    pub owner: AccountId,
    /// The owner's identity, if any.
    pub identity: Option<plexus_runtime::ChainIdentity>,
    /// The share of dividends the owner keeps before its nominators (of 65535).
    pub take: u16,
    /// The subnets it is registered on.
    pub registrations: Vec<NetUid>,
    /// Its stake on each subnet where it has some.
    pub stakes: Vec<DelegateStake>,
}

/// Every delegate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delegates {
    /// The delegates, by hotkey.
    pub delegates: Vec<DelegateInfo>,
    /// The block the answer is for.
    pub block: BlockNumber,
}
