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

/// An account's proxies: those it gave, those it holds, and its pending announcements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProxyInfo {
    /// The account.
    pub account: AccountId,
    /// The delegates that may sign for it.
    pub proxies: Vec<plexus_runtime::ProxyDefinition>,
    /// The accounts it may sign for, each with the definition it holds.
    pub proxy_for: Vec<ProxyOf>,
    /// Calls it announced as a delayed delegate, oldest first.
    pub announcements: Vec<plexus_runtime::Announcement>,
    /// Balance reserved as proxy and announcement deposits, rao.
    #[serde(with = "as_string")]
    pub reserved: Balance,
    /// The block the answer is for.
    pub block: BlockNumber,
}

/// An account a delegate may sign for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProxyOf {
    /// The real account.
    pub real: AccountId,
    /// Which calls.
    pub proxy_type: plexus_runtime::ProxyType,
    /// Announcement delay, blocks.
    pub delay: BlockNumber,
}

/// The commitments on a subnet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commitments {
    /// The subnet.
    pub netuid: NetUid,
    /// Each hotkey's newest, by hotkey.
    pub commitments: Vec<CommitmentEntry>,
    /// The block the answer is for.
    pub block: BlockNumber,
}

/// One hotkey's newest commitment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitmentEntry {
    /// The hotkey.
    pub hotkey: AccountId,
    /// Its uid on the subnet, if still registered.
    pub uid: Option<u16>,
    /// The block it was made in.
    pub block: BlockNumber,
    /// Its fields (bytes as arrays of numbers, hashes as 0x-hex).
    pub fields: Vec<plexus_runtime::CommitmentField>,
}

/// A coldkey's announced swap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColdkeySwapInfo {
    /// The coldkey.
    pub coldkey: AccountId,
    /// BLAKE2b-256 of the coldkey it is to move to; `null` with nothing announced.
    pub new_coldkey_hash: Option<plexus_primitives::H256>,
    /// The first block the swap may be made in.
    pub when: Option<BlockNumber>,
    /// When it was disputed (it is then frozen until governance resets it).
    pub disputed: Option<BlockNumber>,
    /// The block the answer is for.
    pub block: BlockNumber,
}

/// The root network (netuid 0) as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootInfo {
    /// All TAO staked on root, rao.
    #[serde(with = "as_string")]
    pub total_tao: Balance,
    /// How much root stake counts in stake weight, of `u64::MAX` (the chain parameter).
    #[serde(with = "as_string")]
    pub tao_weight: u64,
    /// Coldkeys whose dividends the block step claims each block.
    pub num_root_claims: u64,
    /// Dividends owed below this many rao of alpha are not claimed.
    #[serde(with = "as_string")]
    pub claim_threshold: Balance,
    /// Root's standing on each subnet, by netuid.
    pub subnets: Vec<RootSubnet>,
    /// The hotkeys registered on root, by uid.
    #[serde(default)]
    pub validators: Vec<RootValidator>,
    /// The block the answer is for.
    pub block: BlockNumber,
}

/// A hotkey registered on root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootValidator {
    /// Its uid on root.
    pub uid: u16,
    /// The hotkey.
    pub hotkey: AccountId,
    /// The block it registered at.
    pub registered_at: BlockNumber,
    /// TAO staked on root through it, rao.
    #[serde(with = "as_string")]
    pub tao: Balance,
}

/// Root's share of one subnet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootSubnet {
    /// The subnet.
    pub netuid: NetUid,
    /// Its root proportion, parts per billion: root's share of its validators' emission and
    /// the cap on its pool injection.
    pub root_proportion_ppb: u64,
    /// Its alpha paid to root stakers and not yet claimed, rao.
    #[serde(with = "as_string")]
    pub unclaimed_alpha: Balance,
}

/// A coldkey's root stake and the dividends it can claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootClaims {
    /// The coldkey.
    pub coldkey: AccountId,
    /// What its dividends become when claimed.
    pub claim_type: plexus_runtime::RootClaimType,
    /// Its root stakes, by hotkey.
    pub stakes: Vec<RootStake>,
    /// What it can claim now, by hotkey then subnet.
    pub owed: Vec<RootOwed>,
    /// The block the answer is for.
    pub block: BlockNumber,
}

/// TAO staked on root through one hotkey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootStake {
    /// The hotkey.
    pub hotkey: AccountId,
    /// The stake, rao.
    #[serde(with = "as_string")]
    pub tao: Balance,
}

/// Root dividends of one subnet a coldkey can claim through one hotkey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootOwed {
    /// The hotkey.
    pub hotkey: AccountId,
    /// The subnet the dividends came from.
    pub netuid: NetUid,
    /// Alpha owed, rao.
    #[serde(with = "as_string")]
    pub alpha: Balance,
}

/// One child or parent link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HotkeyLink {
    /// The other hotkey.
    pub hotkey: AccountId,
    /// The proportion lent, of `u64::MAX`.
    #[serde(with = "as_string")]
    pub proportion: u64,
}

/// A hotkey's child and parent links on one subnet, and what they make of its stake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HotkeyLinks {
    /// The hotkey.
    pub hotkey: AccountId,
    /// The subnet.
    pub netuid: NetUid,
    /// The hotkeys it lends stake weight to.
    pub children: Vec<HotkeyLink>,
    /// The hotkeys that lend it theirs.
    pub parents: Vec<HotkeyLink>,
    /// Children it asked for that wait for their cooldown.
    pub pending: Option<PendingLinks>,
    /// The share of its parents' dividends it keeps (of 65535).
    pub childkey_take: u16,
    /// Its alpha here after lending and inheriting, rao.
    #[serde(with = "as_string")]
    pub inherited_alpha: Balance,
    /// Its root TAO as it counts here after lending and inheriting, rao.
    #[serde(with = "as_string")]
    pub inherited_root: Balance,
    /// Its stake weight here (inherited alpha + inherited root × `tao_weight`), rao.
    #[serde(with = "as_string")]
    pub stake_weight: Balance,
    /// The block the answer is for.
    pub block: BlockNumber,
}

/// Children waiting for their cooldown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingLinks {
    /// The children asked for (empty: all revoked).
    pub children: Vec<HotkeyLink>,
    /// They take effect at the subnet's first epoch after this block.
    pub cooldown_block: BlockNumber,
}
