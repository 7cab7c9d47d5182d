//! Root dividends: claiming them and choosing what they become (see `root.rs` for how they
//! accrue).

use super::Context;
use crate::types::RootClaimType;
use crate::{DispatchError, Event, ROOT_NETUID};
use plexus_primitives::{AccountId, NetUid, Uid};

/// Most subnets one `claim_root` names (the reference's bound).
pub const MAX_CLAIM_SUBNETS: usize = 5;

/// Most subnets a `KeepSubnets` claim type lists.
pub const MAX_KEEP_SUBNETS: usize = 256;

impl Context<'_> {
    /// Registers `hotkey` on root, claiming it for the signer if nobody owns it: a hotkey to
    /// stake on root through without a subnet. When root is full, the newcomer replaces the
    /// member with least root stake (the newest of equals), if it has more.
    pub(crate) fn root_register(&mut self, hotkey: AccountId) -> Result<(), DispatchError> {
        self.claim_hotkey(hotkey)?;
        let members: Vec<(Uid, AccountId)> = self
            .state
            .root_validators
            .iter()
            .map(|(uid, (h, _))| (*uid, *h))
            .collect();
        if let Some((uid, _)) = members.iter().find(|(_, h)| *h == hotkey) {
            return Err(DispatchError::AlreadyRegistered {
                netuid: ROOT_NETUID,
                uid: *uid,
            });
        }
        let max = self.state.params.get().max_root_validators;
        let (uid, replaced) = match u16::try_from(members.len()) {
            Ok(n) if n < max => (n, None),
            _ => {
                let stake = |h: &AccountId| self.state.hotkey_stake(h, ROOT_NETUID);
                let Some((uid, weakest)) = members
                    .iter()
                    .min_by_key(|(uid, h)| (stake(h), std::cmp::Reverse(*uid)))
                    .copied()
                else {
                    return Err(DispatchError::NoNeuronIdAvailable);
                };
                let (mine, lowest) = (stake(&hotkey), stake(&weakest));
                if mine <= lowest {
                    return Err(DispatchError::StakeTooLowForRoot {
                        stake: mine,
                        lowest,
                    });
                }
                (uid, Some(weakest))
            }
        };
        self.state.root_validators.insert(uid, (hotkey, self.block));
        self.emit(Event::NeuronRegistered {
            netuid: ROOT_NETUID,
            uid,
            hotkey,
            replaced,
            burned: 0,
        });
        Ok(())
    }

    /// Claims the signer's root dividends from `subnets`, through every hotkey it stakes on
    /// root through, each at least the chain's claim threshold.
    pub(crate) fn claim_root(&mut self, subnets: &[NetUid]) -> Result<(), DispatchError> {
        if subnets.is_empty() || subnets.len() > MAX_CLAIM_SUBNETS {
            return Err(DispatchError::InvalidSubnetCount {
                count: u32::try_from(subnets.len()).unwrap_or(u32::MAX),
                max: MAX_CLAIM_SUBNETS as u32,
            });
        }
        let threshold = self.state.params.get().root_claim_threshold;
        let claims = self.state.claim_root(self.who, Some(subnets), threshold)?;
        if claims.is_empty() {
            return Err(DispatchError::NothingToClaim { threshold });
        }
        for claim in claims {
            self.emit(claim.event(self.who));
        }
        Ok(())
    }

    /// Chooses what the signer's root dividends become when claimed.
    pub(crate) fn set_root_claim_type(
        &mut self,
        claim_type: &RootClaimType,
    ) -> Result<(), DispatchError> {
        let mut claim_type = claim_type.clone();
        if let RootClaimType::KeepSubnets { subnets } = &mut claim_type {
            if subnets.is_empty() || subnets.len() > MAX_KEEP_SUBNETS {
                return Err(DispatchError::InvalidSubnetCount {
                    count: u32::try_from(subnets.len()).unwrap_or(u32::MAX),
                    max: MAX_KEEP_SUBNETS as u32,
                });
            }
            // Kept as the set it is: sorted, each once (as Bittensor's `BTreeSet` encodes).
            subnets.sort_unstable();
            subnets.dedup();
        }
        self.state
            .root_claim_types
            .insert(self.who, claim_type.clone());
        self.emit(Event::RootClaimTypeSet {
            coldkey: self.who,
            claim_type,
        });
        Ok(())
    }
}
