//! Root (netuid 0): TAO staked 1:1 on a hotkey, which backs that hotkey on every subnet and
//! earns a share of every subnet's validator emission.
//!
//! Each block, a subnet's validators' half of its alpha emission is split between its alpha
//! stakers and root by the subnet's *root proportion*, `w·R / (w·R + A)` with `w` the chain's
//! `tao_weight`, `R` all TAO on root and `A` the subnet's alpha in existence (the same
//! proportion caps how much alpha the block's TAO may inject into the pool). At the epoch a
//! hotkey's dividend is split again, into an alpha part and a root part by its own two stakes.
//! The root part, after the take, is not staked: it accrues per rao of the hotkey's root stake
//! in `root_claimable`, and each root staker claims its share, by `claim_root` or a few coldkeys
//! per block automatically, as TAO (the alpha sold in the subnet's pool and staked on root) or
//! as alpha staked on the subnet. `root_claimed` records what each stake already had, so stake
//! added later earns only later dividends.

use crate::chain::Events;
use crate::math::U96F32;
use crate::state::State;
use crate::types::RootClaimType;
use crate::{DispatchError, Event, Phase, ROOT_NETUID};
use plexus_primitives::{AccountId, Balance, NetUid};

/// One root claim paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RootClaim {
    pub(crate) hotkey: AccountId,
    pub(crate) netuid: NetUid,
    /// Alpha of `netuid` claimed.
    pub(crate) alpha: Balance,
    /// The TAO it was sold for and staked on root, if it was sold.
    pub(crate) tao: Option<Balance>,
}

impl RootClaim {
    pub(crate) fn event(&self, coldkey: AccountId) -> Event {
        Event::RootClaimed {
            coldkey,
            hotkey: self.hotkey,
            netuid: self.netuid,
            alpha: self.alpha,
            tao: self.tao,
        }
    }
}

const LOW: AccountId = AccountId([0; 32]);
const HIGH: AccountId = AccountId([0xff; 32]);

impl State {
    /// The chain's `tao_weight` as the reference reads it: `TaoWeight / u64::MAX` in U96F32.
    pub(crate) fn tao_weight(&self) -> U96F32 {
        let stored = self.params.get_ref().map_or(0, |p| p.tao_weight);
        U96F32::from_bits((u128::from(stored) << 32) / u128::from(u64::MAX))
    }

    /// The hotkeys registered on root, by uid, with the block each registered at.
    pub fn root_validators(
        &self,
    ) -> Vec<(
        plexus_primitives::Uid,
        AccountId,
        plexus_primitives::BlockNumber,
    )> {
        self.root_validators
            .iter()
            .map(|(uid, (hotkey, block))| (*uid, *hotkey, *block))
            .collect()
    }

    /// All TAO staked on root.
    pub fn root_tao(&self) -> Balance {
        self.root_tao.get()
    }

    /// `netuid`'s root proportion, `w·R / (w·R + A)` (reference-chain §4.5), as U96F32 bits
    /// (the value × 2³²).
    pub fn root_proportion(&self, netuid: NetUid) -> u128 {
        self.root_prop(netuid).to_bits()
    }

    pub(crate) fn root_prop(&self, netuid: NetUid) -> U96F32 {
        let supply = self.alpha_supply(netuid);
        let issuance = U96F32::from_u64(supply.issued.saturating_sub(supply.burned));
        let weighted = U96F32::from_u64(self.root_tao()).mul(self.tao_weight());
        weighted.div(weighted.add(issuance))
    }

    /// Whether root's share of this block's validator emission is paid out at all: only while
    /// the started subnets' moving prices sum above 1 TAO per alpha (the reference's "root sell
    /// flag"); otherwise it is recycled.
    pub(crate) fn root_sells(&self, started: &[(NetUid, Balance)]) -> bool {
        let sum = started.iter().fold(0u128, |sum, (netuid, _)| {
            sum.saturating_add(self.subnets.get(netuid).map_or(0, |s| s.moving_price))
        });
        sum > 1 << 64
    }

    /// Alpha of `netuid` owed per rao of root stake through `hotkey` since genesis, as U96F32
    /// bits.
    pub fn root_claimable(&self, hotkey: &AccountId, netuid: NetUid) -> u128 {
        self.root_claimable
            .get(&(*hotkey, netuid))
            .copied()
            .unwrap_or(0)
    }

    /// Every subnet's claimable rate for `hotkey` (see [`State::root_claimable`]), by netuid.
    pub fn root_claimable_rates(&self, hotkey: &AccountId) -> Vec<(NetUid, u128)> {
        self.root_claimable
            .range((*hotkey, NetUid::MIN)..=(*hotkey, NetUid::MAX))
            .map(|((_, netuid), rate)| (*netuid, *rate))
            .collect()
    }

    /// The part of `root_claimable × stake` of `netuid` that `coldkey`'s root stake through
    /// `hotkey` already had (claimed, or accrued before the stake was added), rao of alpha.
    pub fn root_claimed(&self, netuid: NetUid, hotkey: &AccountId, coldkey: &AccountId) -> u128 {
        self.root_claimed
            .get(&(netuid, *hotkey, *coldkey))
            .copied()
            .unwrap_or(0)
    }

    /// The root dividends of `netuid` that `coldkey` can claim through `hotkey` now, rao of
    /// alpha.
    pub fn root_owed(&self, hotkey: &AccountId, coldkey: &AccountId, netuid: NetUid) -> Balance {
        self.root_owed_fixed(hotkey, coldkey, netuid).to_u64()
    }

    fn root_owed_fixed(&self, hotkey: &AccountId, coldkey: &AccountId, netuid: NetUid) -> U96F32 {
        let rate = U96F32::from_bits(self.root_claimable(hotkey, netuid));
        let stake = U96F32::from_u64(self.stake(hotkey, coldkey, ROOT_NETUID));
        let claimed = self
            .root_claimed
            .get(&(netuid, *hotkey, *coldkey))
            .copied()
            .unwrap_or(0);
        let claimed = U96F32::from_bits(claimed.saturating_mul(1 << 32));
        rate.mul(stake).sub(claimed)
    }

    /// Every root dividend `coldkey` can claim now, as (hotkey, netuid, alpha), in hotkey then
    /// netuid order; zero amounts left out.
    pub fn root_owed_to(&self, coldkey: &AccountId) -> Vec<(AccountId, NetUid, Balance)> {
        let mut owed = Vec::new();
        for hotkey in self.root_hotkeys_of(coldkey) {
            for netuid in self.root_dividend_subnets(&hotkey) {
                let amount = self.root_owed(&hotkey, coldkey, netuid);
                if amount > 0 {
                    owed.push((hotkey, netuid, amount));
                }
            }
        }
        owed
    }

    /// Alpha of `netuid` paid to root stakers and not yet claimed.
    pub fn root_unclaimed(&self, netuid: NetUid) -> Balance {
        self.root_unclaimed.get(&netuid).copied().unwrap_or(0)
    }

    /// How `coldkey` takes its root dividends.
    pub fn root_claim_type(&self, coldkey: &AccountId) -> RootClaimType {
        self.root_claim_types
            .get(coldkey)
            .cloned()
            .unwrap_or_default()
    }

    /// The hotkeys `coldkey` stakes on root through.
    pub fn root_hotkeys_of(&self, coldkey: &AccountId) -> Vec<AccountId> {
        self.root_stakers
            .range((*coldkey, LOW)..=(*coldkey, HIGH))
            .map(|((_, hotkey), ())| *hotkey)
            .collect()
    }

    /// The subnets whose root dividends `hotkey` ever accrued.
    fn root_dividend_subnets(&self, hotkey: &AccountId) -> Vec<NetUid> {
        self.root_claimable
            .range((*hotkey, NetUid::MIN)..=(*hotkey, NetUid::MAX))
            .map(|((_, netuid), _)| *netuid)
            .collect()
    }

    /// Bookkeeping when `amount` TAO joins `coldkey`'s root stake through `hotkey`: the stake
    /// is marked as having had every dividend so far.
    pub(crate) fn root_stake_added(&mut self, hotkey: AccountId, coldkey: AccountId, amount: u64) {
        self.root_tao.mutate(|t| *t = t.saturating_add(amount));
        self.root_stakers.insert((coldkey, hotkey), ());
        for netuid in self.root_dividend_subnets(&hotkey) {
            let rate = U96F32::from_bits(self.root_claimable(&hotkey, netuid));
            let had = u128::from(rate.mul(U96F32::from_u64(amount)).to_u64());
            let key = (netuid, hotkey, coldkey);
            let claimed = self.root_claimed.get(&key).copied().unwrap_or(0);
            self.root_claimed.insert(key, claimed.saturating_add(had));
        }
    }

    /// Bookkeeping when `amount` TAO leaves `coldkey`'s root stake through `hotkey` (`emptied`:
    /// nothing is left). Callers claim first (see `settle_root`), so nothing owed is lost.
    pub(crate) fn root_stake_removed(
        &mut self,
        hotkey: AccountId,
        coldkey: AccountId,
        amount: u64,
        emptied: bool,
    ) {
        self.root_tao.mutate(|t| *t = t.saturating_sub(amount));
        for netuid in self.root_dividend_subnets(&hotkey) {
            let key = (netuid, hotkey, coldkey);
            if emptied {
                self.root_claimed.remove(&key);
                continue;
            }
            let rate = U96F32::from_bits(self.root_claimable(&hotkey, netuid));
            let had = u128::from(rate.mul(U96F32::from_u64(amount)).to_u64());
            let claimed = self.root_claimed.get(&key).copied().unwrap_or(0);
            self.root_claimed.insert(key, claimed.saturating_sub(had));
        }
        if emptied {
            self.root_stakers.remove(&(coldkey, hotkey));
        }
    }

    /// Pays `amount` alpha of `netuid` to the root stakers of `hotkey`, pro rata to their root
    /// stakes, to be claimed. With less root stake than the amount (the per-rao rate would
    /// exceed one), it is staked to the hotkey's owner instead, as the reference does.
    pub(crate) fn accrue_root_dividend(
        &mut self,
        hotkey: AccountId,
        netuid: NetUid,
        amount: Balance,
    ) -> Result<(), DispatchError> {
        if amount == 0 {
            return Ok(());
        }
        let total = self.hotkey_stake(&hotkey, ROOT_NETUID);
        if amount > total {
            let owner = self.hotkey_owner(&hotkey).unwrap_or(hotkey);
            return self.add_stake_alpha(hotkey, owner, netuid, amount);
        }
        let increment = U96F32::ratio(amount, total);
        let rate = U96F32::from_bits(self.root_claimable(&hotkey, netuid)).add(increment);
        self.root_claimable.insert((hotkey, netuid), rate.to_bits());
        let unclaimed = self.root_unclaimed(netuid).saturating_add(amount);
        self.root_unclaimed.insert(netuid, unclaimed);
        Ok(())
    }

    /// Claims what `coldkey` is owed through `hotkey` on `netuid`, if at least `threshold`:
    /// sold for TAO staked on root (`swap`) or kept as alpha. A sale the pool refuses fails.
    fn claim_root_on(
        &mut self,
        hotkey: AccountId,
        coldkey: AccountId,
        netuid: NetUid,
        swap: bool,
        threshold: Balance,
    ) -> Result<Option<RootClaim>, DispatchError> {
        let owed = self.root_owed_fixed(&hotkey, &coldkey, netuid);
        if owed < U96F32::from_u64(threshold) {
            return Ok(None);
        }
        // Per-stake rounding can leave the sum of claims a rao above what was paid in.
        let unclaimed = self.root_unclaimed(netuid);
        let alpha = owed.to_u64().min(unclaimed);
        if alpha == 0 {
            return Ok(None);
        }
        let tao = if swap {
            let pool = self
                .pool(netuid)
                .ok_or(DispatchError::UnknownSubnet(netuid))?;
            let sale = pool.sell(alpha, 0, None, false)?;
            self.pools.insert(netuid, sale.pool_after);
            self.add_stake_alpha(hotkey, coldkey, ROOT_NETUID, sale.amount_out)?;
            Some(sale.amount_out)
        } else {
            self.add_stake_alpha(hotkey, coldkey, netuid, alpha)?;
            None
        };
        self.root_unclaimed.insert(netuid, unclaimed - alpha);
        let key = (netuid, hotkey, coldkey);
        let claimed = self.root_claimed.get(&key).copied().unwrap_or(0);
        self.root_claimed
            .insert(key, claimed.saturating_add(u128::from(alpha)));
        Ok(Some(RootClaim {
            hotkey,
            netuid,
            alpha,
            tao,
        }))
    }

    /// Claims `coldkey`'s root dividends through every hotkey, on `subnets` or all, each as
    /// its claim type says, skipping amounts below `threshold`.
    pub(crate) fn claim_root(
        &mut self,
        coldkey: AccountId,
        subnets: Option<&[NetUid]>,
        threshold: Balance,
    ) -> Result<Vec<RootClaim>, DispatchError> {
        let claim_type = self.root_claim_type(&coldkey);
        let mut claims = Vec::new();
        for hotkey in self.root_hotkeys_of(&coldkey) {
            for netuid in self.root_dividend_subnets(&hotkey) {
                if subnets.is_some_and(|wanted| !wanted.contains(&netuid)) {
                    continue;
                }
                let swap = claim_type.swaps(netuid);
                if let Some(claim) = self.claim_root_on(hotkey, coldkey, netuid, swap, threshold)? {
                    claims.push(claim);
                }
            }
        }
        Ok(claims)
    }

    /// Claims everything `coldkey` is owed through `hotkey` before its root stake there shrinks,
    /// whatever the amount; alpha the pool will not buy is kept as alpha.
    pub(crate) fn settle_root(
        &mut self,
        hotkey: AccountId,
        coldkey: AccountId,
    ) -> Result<Vec<RootClaim>, DispatchError> {
        let claim_type = self.root_claim_type(&coldkey);
        let mut claims = Vec::new();
        for netuid in self.root_dividend_subnets(&hotkey) {
            let mark = self.mark();
            let swap = claim_type.swaps(netuid);
            let claim = match self.claim_root_on(hotkey, coldkey, netuid, swap, 0) {
                Ok(claim) => claim,
                Err(_) if swap => {
                    self.rollback(mark);
                    self.claim_root_on(hotkey, coldkey, netuid, false, 0)?
                }
                Err(e) => return Err(e),
            };
            claims.extend(claim);
        }
        Ok(claims)
    }

    /// The block step's automatic claims: the next `num_root_claims` coldkeys with root stake
    /// after the last ones visited, in account order and round again, so every root staker is
    /// visited in turn. A coldkey whose claim fails is skipped and left as it was.
    pub(crate) fn auto_claim_root(&mut self, events: &mut Events) {
        let params = self.params.get();
        let want = usize::try_from(params.num_root_claims).unwrap_or(usize::MAX);
        if want == 0 || self.root_stakers.len() == 0 {
            return;
        }
        let cursor = self.root_claim_cursor.get();
        let after = cursor.map_or((LOW, LOW), |c| (c, HIGH));
        let mut coldkeys: Vec<AccountId> = Vec::with_capacity(want);
        let ordered = self
            .root_stakers
            .range(after..)
            .chain(self.root_stakers.range(..=after))
            .map(|((coldkey, _), ())| *coldkey);
        for coldkey in ordered {
            if coldkeys.len() == want {
                break;
            }
            if coldkeys.last() != Some(&coldkey) && !coldkeys.contains(&coldkey) {
                coldkeys.push(coldkey);
            }
        }
        for coldkey in &coldkeys {
            let mark = self.mark();
            match self.claim_root(*coldkey, None, params.root_claim_threshold) {
                Ok(claims) => events.extend(
                    claims
                        .iter()
                        .map(|claim| (Phase::Initialization, claim.event(*coldkey))),
                ),
                Err(_) => self.rollback(mark),
            }
        }
        if let Some(last) = coldkeys.last() {
            self.root_claim_cursor.set(Some(*last));
        }
    }

    /// Drops every root dividend record of a subnet being dissolved.
    pub(crate) fn forget_root_dividends(&mut self, netuid: NetUid) {
        let rates: Vec<(AccountId, NetUid)> = self
            .root_claimable
            .iter()
            .filter(|((_, n), _)| *n == netuid)
            .map(|(key, _)| *key)
            .collect();
        for key in rates {
            self.root_claimable.remove(&key);
        }
        let claimed: Vec<(NetUid, AccountId, AccountId)> = self
            .root_claimed
            .range((netuid, LOW, LOW)..=(netuid, HIGH, HIGH))
            .map(|(key, _)| *key)
            .collect();
        for key in claimed {
            self.root_claimed.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::AlphaSupply;
    use crate::ChainParams;

    fn state_with(root: Balance, alpha_issuance: Balance) -> State {
        let mut s = State::default();
        s.params.set(ChainParams::default());
        s.root_tao.set(root);
        s.alpha_supply.insert(
            1,
            AlphaSupply {
                issued: alpha_issuance + 5,
                burned: 5,
            },
        );
        s
    }

    /// Reference-chain §4.5 worked in U96F32 by hand: `w = ⌊TaoWeight·2³²/(2⁶⁴−1)⌋ =
    /// 226_245_882`, then `⌊R·w·2³² / (R·w + A·2³²)⌋`.
    #[test]
    fn test_root_proportion_rounds_as_the_reference() {
        const TAO: u64 = 1_000_000_000;
        assert_eq!(state_with(0, 0).tao_weight().to_bits(), 226_245_882);
        let cases = [
            (1_000 * TAO, 2_000 * TAO, 110_219_915),
            // No alpha yet: root's proportion is exactly one.
            (1_000 * TAO, 0, 1 << 32),
            (0, 5, 0),
            (0, 0, 0),
            (7 * TAO, 123_456_789_012_345, 12_828),
            (21_000_000 * TAO, 21_000_000 * TAO, 214_924_319),
        ];
        for (root, issuance, bits) in cases {
            assert_eq!(
                state_with(root, issuance).root_proportion(1),
                bits,
                "R {root}, A {issuance}"
            );
        }
    }

    /// The injection cap and root's share of one block's alpha (1 alpha emitted, 18% owner
    /// cut) at a root proportion of 110_219_915 / 2³².
    #[test]
    fn test_injection_cap_and_root_alpha_round_as_the_reference() {
        let rp = U96F32::from_bits(110_219_915);
        assert_eq!(rp.mul(U96F32::from_u64(1_000_000_000)).to_u64(), 25_662_573);
        let rest = 1_000_000_000 - 1_000_000_000 * 11_796 / 65_535;
        assert_eq!(rest, 820_004_578);
        let root = rp
            .mul(U96F32::from_u64(rest))
            .mul(U96F32::from_bits(1 << 31))
            .to_u64();
        assert_eq!(root, 10_521_713);
    }
}
