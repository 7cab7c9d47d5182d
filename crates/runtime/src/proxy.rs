//! Proxies: an account (the *real*) lets another (the *delegate*) sign calls on its behalf,
//! limited to one [`ProxyType`] of calls and optionally delayed, so a coldkey can stay offline
//! while a hot account stakes or registers for it.
//!
//! Which calls each type allows is decided here, in [`ProxyType::allows`], and nowhere else.
//! A delayed proxy first announces the hash of the call; the call may be made after the delay,
//! and the real account can reject it meanwhile. Each proxy and each announcement reserves a
//! deposit (the reference's amounts), returned when removed, so the lists cost their writer.

use crate::state::State;
use crate::Call;
use parity_scale_codec::{Decode, Encode};
use plexus_primitives::{AccountId, Balance, BlockNumber, H256};
use serde::{Deserialize, Serialize};

/// Most proxies one account may have.
pub const MAX_PROXIES: usize = 20;
/// Most announcements one delegate may have pending.
pub const MAX_PENDING: usize = 75;
/// Reserved for having any proxies, plus [`PROXY_DEPOSIT_FACTOR`] per proxy.
pub const PROXY_DEPOSIT_BASE: Balance = 60_000_000;
/// Reserved per proxy.
pub const PROXY_DEPOSIT_FACTOR: Balance = 33_000_000;
/// Reserved for having any announcements pending, plus [`ANNOUNCEMENT_DEPOSIT_FACTOR`] each.
pub const ANNOUNCEMENT_DEPOSIT_BASE: Balance = 36_000_000;
/// Reserved per pending announcement.
pub const ANNOUNCEMENT_DEPOSIT_FACTOR: Balance = 68_000_000;
/// What a [`ProxyType::SmallTransfer`] may move at once (strictly less), rao.
pub const SMALL_TRANSFER_LIMIT: Balance = 500_000_000;

/// The kinds of calls a proxy may make, with Bittensor's encoding indices.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Encode, Decode, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ProxyType {
    /// Everything.
    #[codec(index = 0)]
    Any,
    /// A subnet owner's calls: hyperparameters, identity, token symbol, starting it.
    #[codec(index = 1)]
    Owner,
    /// Everything but registrations, governance and moving keys.
    #[codec(index = 2)]
    NonCritical,
    /// Everything that moves no TAO or stake to another coldkey.
    #[codec(index = 3)]
    NonTransfer,
    /// Staking: add, remove, move and swap stake, and the root claim type.
    #[codec(index = 8)]
    Staking,
    /// Registering neurons.
    #[codec(index = 9)]
    Registration,
    /// Transfers of TAO and of stake to another coldkey.
    #[codec(index = 10)]
    Transfer,
    /// Transfers below [`SMALL_TRANSFER_LIMIT`].
    #[codec(index = 11)]
    SmallTransfer,
    /// Child hotkeys and their takes.
    #[codec(index = 13)]
    ChildKeys,
    /// Claiming root dividends.
    #[codec(index = 17)]
    RootClaim,
}

impl ProxyType {
    /// Every type, for tables and tests.
    pub const ALL: [ProxyType; 10] = [
        ProxyType::Any,
        ProxyType::Owner,
        ProxyType::NonCritical,
        ProxyType::NonTransfer,
        ProxyType::Staking,
        ProxyType::Registration,
        ProxyType::Transfer,
        ProxyType::SmallTransfer,
        ProxyType::ChildKeys,
        ProxyType::RootClaim,
    ];

    /// Whether a proxy of this type may make `call` for its real account: the one table of
    /// proxy rights. Only the call itself is judged; the calls inside a batch or another proxy
    /// are judged again when they run, so a type that allows a batch allows only the items it
    /// would allow alone. A proxy may add or remove only proxies with no more rights than its
    /// own, and remove all of them only if it may do anything.
    pub fn allows(self, call: &Call) -> bool {
        use Call as C;
        match call {
            C::AddProxy { proxy_type, .. } | C::RemoveProxy { proxy_type, .. } => {
                return self.is_superset(*proxy_type)
            }
            C::RemoveProxies | C::KillPure { .. } => return self == ProxyType::Any,
            _ => {}
        }
        let moves_funds = matches!(
            call,
            C::Transfer { .. }
                | C::TransferKeepAlive { .. }
                | C::TransferAll { .. }
                | C::TransferStake { .. }
        );
        match self {
            ProxyType::Any => true,
            ProxyType::NonTransfer => !moves_funds,
            ProxyType::NonCritical => !matches!(
                call,
                C::BurnedRegister { .. }
                    | C::RegisterLimit { .. }
                    | C::RootRegister { .. }
                    | C::Governance(_)
            ),
            ProxyType::Transfer => moves_funds,
            ProxyType::SmallTransfer => match call {
                C::Transfer { value, .. } | C::TransferKeepAlive { value, .. } => {
                    *value < SMALL_TRANSFER_LIMIT
                }
                C::TransferStake { amount, .. } => *amount < SMALL_TRANSFER_LIMIT,
                _ => false,
            },
            ProxyType::Staking => matches!(
                call,
                C::AddStake { .. }
                    | C::AddStakeLimit { .. }
                    | C::RemoveStake { .. }
                    | C::RemoveStakeLimit { .. }
                    | C::UnstakeAll { .. }
                    | C::MoveStake { .. }
                    | C::SwapStake { .. }
                    | C::SwapStakeLimit { .. }
                    | C::SetRootClaimType { .. }
            ),
            ProxyType::Registration => {
                matches!(call, C::BurnedRegister { .. } | C::RegisterLimit { .. })
            }
            ProxyType::Owner => matches!(
                call,
                C::SetHyperparameter { .. }
                    | C::SetSubnetIdentity { .. }
                    | C::UpdateSymbol { .. }
                    | C::StartCall { .. }
            ),
            ProxyType::ChildKeys => {
                matches!(call, C::SetChildren { .. } | C::SetChildkeyTake { .. })
            }
            ProxyType::RootClaim => matches!(call, C::ClaimRoot { .. }),
        }
    }

    /// Whether a proxy of this type may add or remove a proxy of type `other` for its real
    /// account: never one with more rights than its own.
    pub fn is_superset(self, other: ProxyType) -> bool {
        match (self, other) {
            (a, b) if a == b => true,
            (ProxyType::Any, _) => true,
            (_, ProxyType::Any) => false,
            (ProxyType::NonTransfer, b) => {
                !matches!(b, ProxyType::Transfer | ProxyType::SmallTransfer)
            }
            (ProxyType::Transfer, ProxyType::SmallTransfer) => true,
            _ => false,
        }
    }
}

/// One delegate of a real account.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, Serialize, Deserialize)]
pub struct ProxyDefinition {
    /// Who may sign for the real account.
    pub delegate: AccountId,
    /// Which calls.
    pub proxy_type: ProxyType,
    /// Blocks between announcing a call and making it (0: no announcement needed).
    pub delay: BlockNumber,
}

/// A real account's proxies and the deposit they hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct Proxies {
    /// The proxies, sorted.
    pub proxies: Vec<ProxyDefinition>,
    /// Reserved from the real account.
    pub deposit: Balance,
}

/// A call a delayed proxy means to make.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, Serialize, Deserialize)]
pub struct Announcement {
    /// For whom.
    pub real: AccountId,
    /// BLAKE2b-256 of the call's encoding.
    pub call_hash: H256,
    /// When it was announced.
    pub height: BlockNumber,
}

/// A delegate's pending announcements and the deposit they hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct Announcements {
    /// Oldest first.
    pub announcements: Vec<Announcement>,
    /// Reserved from the delegate.
    pub deposit: Balance,
}

/// The deposit `n` items of a list cost: nothing for none, else base plus factor each.
pub(crate) fn deposit(n: usize, base: Balance, factor: Balance) -> Balance {
    if n == 0 {
        return 0;
    }
    base.saturating_add(factor.saturating_mul(n as u64))
}

impl State {
    /// The proxies of `real`.
    pub fn proxies(&self, real: &AccountId) -> Proxies {
        self.proxies.get(real).cloned().unwrap_or_default()
    }

    /// The announcements `delegate` has pending.
    pub fn announcements(&self, delegate: &AccountId) -> Announcements {
        self.announcements
            .get(delegate)
            .cloned()
            .unwrap_or_default()
    }

    /// Every account `delegate` is a proxy of, with the definition. Scans every proxy list:
    /// for queries, never for the state machine.
    pub fn proxied_by(&self, delegate: &AccountId) -> Vec<(AccountId, ProxyDefinition)> {
        self.proxies
            .iter()
            .flat_map(|(real, list)| {
                list.proxies
                    .iter()
                    .filter(|d| d.delegate == *delegate)
                    .map(|d| (*real, d.clone()))
            })
            .collect()
    }

    /// Balance of `account` reserved as deposits, rao.
    pub fn reserved(&self, account: &AccountId) -> Balance {
        self.reserved.get(account).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_supersets_never_widen_rights() {
        for a in ProxyType::ALL {
            assert!(a.is_superset(a));
            assert!(ProxyType::Any.is_superset(a));
            if a != ProxyType::Any {
                assert!(!a.is_superset(ProxyType::Any));
            }
        }
        assert!(ProxyType::NonTransfer.is_superset(ProxyType::Staking));
        assert!(!ProxyType::NonTransfer.is_superset(ProxyType::Transfer));
        assert!(!ProxyType::NonTransfer.is_superset(ProxyType::SmallTransfer));
        assert!(ProxyType::Transfer.is_superset(ProxyType::SmallTransfer));
        assert!(!ProxyType::SmallTransfer.is_superset(ProxyType::Transfer));
        assert!(!ProxyType::Staking.is_superset(ProxyType::Registration));
    }

    #[test]
    fn test_deposits_are_the_references() {
        assert_eq!(deposit(0, PROXY_DEPOSIT_BASE, PROXY_DEPOSIT_FACTOR), 0);
        assert_eq!(
            deposit(1, PROXY_DEPOSIT_BASE, PROXY_DEPOSIT_FACTOR),
            93_000_000
        );
        assert_eq!(
            deposit(2, ANNOUNCEMENT_DEPOSIT_BASE, ANNOUNCEMENT_DEPOSIT_FACTOR),
            172_000_000
        );
    }
}
