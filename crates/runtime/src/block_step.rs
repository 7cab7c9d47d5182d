//! The per-block step, run before a block's transactions: registration prices decay, the
//! block's emission is minted, the epochs that are due run (see `epoch.rs`), and a few root
//! stakers' dividends are claimed (see `root.rs`).
//!
//! Each block the chain mints TAO (its halving schedule, see [`block_emission`]) and divides
//! it between the started subnets by the moving averages of their prices; each subnet's TAO
//! enters its pool together with freshly minted alpha at the current price, the alpha capped
//! by the subnet's root proportion of its alpha emission. Each started subnet also mints its
//! own alpha emission (the same schedule over its own supply) into pending pots: the owner's
//! cut (18%), then half of the rest for miners and half for validators, root's share of the
//! validators' half set apart for root stakers. The subnet's next epoch pays them out. Moving
//! prices follow the pools' spot prices last, so a block's emission is divided by the prices
//! before it.

use crate::block_emission;
use crate::chain::Events;
use crate::math::{mul_div, U96F32};
use crate::pool::Pool;
use crate::state::State;
use crate::types::{BlockEmission, PendingEmission};
use plexus_primitives::{Balance, BlockNumber, NetUid};

impl State {
    /// Runs the per-block step.
    pub(crate) fn on_initialize(&mut self, block: BlockNumber, events: &mut Events) {
        self.decay_registration_prices(block);
        self.emit(block);
        self.run_due_epochs(block, events);
        self.auto_claim_root(events);
        self.fix_committee(block, events);
    }

    /// Alpha waiting for `netuid`'s next epoch.
    pub fn pending_emission(&self, netuid: NetUid) -> PendingEmission {
        self.pending_emission
            .get(&netuid)
            .copied()
            .unwrap_or_default()
    }

    /// Mints this block's emission for every subnet whose owner has started it: TAO into the
    /// subnets' pools (divided by their moving prices) with the alpha that keeps each price,
    /// and each subnet's own alpha emission into its pending pots. Moving prices are updated
    /// afterwards, so this block's emission used the previous ones.
    fn emit(&mut self, block: BlockNumber) {
        let shares = self.tao_emission_shares(block);
        let root_sells = self.root_sells(&shares);
        for (netuid, tao_share) in &shares {
            let supply = self.alpha_supply(*netuid);
            let alpha_emission = block_emission(supply.issued.saturating_sub(supply.burned));
            let cap = self
                .root_prop(*netuid)
                .mul(U96F32::from_u64(alpha_emission));
            self.inject(*netuid, *tao_share, cap.to_u64());
            self.emit_alpha(*netuid, alpha_emission, root_sells);
        }
        for (netuid, _) in shares {
            self.update_moving_price(netuid, block);
        }
    }

    /// The TAO that block `block` would offer each started subnet, in netuid order: the block's
    /// emission divided by the subnets' moving prices (equally while every moving price is 0).
    /// What a subnet's pool actually receives can be less: the injection's alpha is capped by
    /// the subnet's root proportion of its alpha emission (see `inject`). Also what RPC reports as a subnet's TAO emission.
    pub fn tao_emission_shares(&self, block: BlockNumber) -> Vec<(NetUid, Balance)> {
        let started: Vec<(NetUid, u128)> = self
            .subnets
            .iter()
            .filter(|(_, s)| s.first_emission_block.is_some_and(|first| block >= first))
            .map(|(netuid, s)| (*netuid, s.moving_price))
            .collect();
        let tao_total = u128::from(block_emission(self.total_issuance()));
        let price_sum: u128 = started.iter().map(|(_, p)| *p).sum();
        let count = started.len() as u128;
        started
            .iter()
            .map(|(netuid, moving_price)| {
                let tao_share = if price_sum == 0 {
                    tao_total / count
                } else {
                    mul_div(tao_total, *moving_price, price_sum).unwrap_or(0)
                };
                (*netuid, u64::try_from(tao_share).unwrap_or(0))
            })
            .collect()
    }

    /// What the next block will mint for `netuid` if nothing changes before it: the TAO and
    /// alpha it adds to the pool and the alpha it adds to the pending pots. Zero for a subnet
    /// that has not started.
    pub fn next_block_emission(&self, netuid: NetUid) -> BlockEmission {
        let block = self.block() + 1;
        let Some((_, tao_share)) = self
            .tao_emission_shares(block)
            .into_iter()
            .find(|(n, _)| *n == netuid)
        else {
            return BlockEmission::default();
        };
        let supply = self.alpha_supply(netuid);
        let alpha_out = block_emission(supply.issued.saturating_sub(supply.burned));
        let cap = self.root_prop(netuid).mul(U96F32::from_u64(alpha_out));
        let (tao_in, alpha_in) = self
            .pool(netuid)
            .and_then(|pool| injection(&pool, tao_share, cap.to_u64()))
            .unwrap_or((0, 0));
        BlockEmission {
            tao_in,
            alpha_in,
            alpha_out,
        }
    }

    /// Mints `amount` of `netuid`'s alpha for this block into its pending pots: the owner's
    /// cut, then half of the rest for miners and half for validators, of which root's share is
    /// the subnet's root proportion (after this block's minting). Root's share waits for the
    /// epoch only while `root_sells`; otherwise it is recycled (counted as burned, so the
    /// token's schedule emits it again).
    fn emit_alpha(&mut self, netuid: NetUid, amount: Balance, root_sells: bool) {
        if amount == 0 {
            return;
        }
        let owner_cut = u128::from(self.params.get().subnet_owner_cut);
        let mut supply = self.alpha_supply(netuid);
        supply.issued = supply.issued.saturating_add(amount);
        self.alpha_supply.insert(netuid, supply);
        let owner = u64::try_from(u128::from(amount) * owner_cut / 65_535).unwrap_or(0);
        let rest = amount - owner;
        let server = rest / 2;
        let validators = rest - server;
        // root_prop × rest × ½, floored as the reference floors it.
        let root = self
            .root_prop(netuid)
            .mul(U96F32::from_u64(rest))
            .mul(U96F32::from_bits(1 << 31))
            .to_u64()
            .min(validators);
        let mut pending = self.pending_emission(netuid);
        pending.owner = pending.owner.saturating_add(owner);
        pending.server = pending.server.saturating_add(server);
        pending.validator = pending.validator.saturating_add(validators - root);
        if root_sells {
            pending.root = pending.root.saturating_add(root);
        } else {
            self.burn_alpha(netuid, root);
        }
        self.pending_emission.insert(netuid, pending);
    }

    /// Adds `tao` to the subnet's pool with the alpha that keeps its price, minting both. The
    /// alpha side is capped at `alpha_cap`, the subnet's root proportion of its alpha emission
    /// for the block, so the pool's growth slows as the token matures; TAO beyond what the cap
    /// allows is not minted and stays in the schedule for later blocks.
    fn inject(&mut self, netuid: NetUid, tao: Balance, alpha_cap: Balance) {
        let Some(pool) = self.pool(netuid) else {
            return;
        };
        let Some((tao, alpha)) = injection(&pool, tao, alpha_cap) else {
            return;
        };
        let Ok(after) = pool.inject(tao, alpha) else {
            return;
        };
        self.pools.insert(netuid, after);
        self.globals.mutate(|g| {
            g.total_issuance = g.total_issuance.saturating_add(tao);
            g.total_minted = g.total_minted.saturating_add(tao);
        });
        let mut supply = self.alpha_supply(netuid);
        supply.issued = supply.issued.saturating_add(alpha);
        self.alpha_supply.insert(netuid, supply);
    }

    /// Moves the subnet's moving price toward its spot price (capped at 1 TAO per alpha), with
    /// a weight that grows from 0 as the subnet ages, so a young subnet cannot pump its share.
    fn update_moving_price(&mut self, netuid: NetUid, block: BlockNumber) {
        const ONE: u128 = 1 << 64;
        let params = self.params.get();
        let (Some(subnet), Some(pool)) = (self.subnets.get(&netuid), self.pool(netuid)) else {
            return;
        };
        let age = block.saturating_sub(
            subnet
                .first_emission_block
                .unwrap_or(block)
                .saturating_sub(1),
        );
        let max_weight = u128::from(params.moving_alpha_ppb) * ONE / 1_000_000_000;
        let weight = mul_div(
            max_weight,
            u128::from(age),
            u128::from(age) + u128::from(params.ema_price_halving_blocks),
        )
        .unwrap_or(0)
        .min(ONE);
        let spot = pool.spot_price().min(ONE);
        let old = subnet.moving_price;
        let new = mul_div(weight, spot, ONE)
            .unwrap_or(0)
            .saturating_add(mul_div(ONE - weight, old, ONE).unwrap_or(0));
        if new != old {
            self.subnets.mutate(&netuid, |s| s.moving_price = new);
        }
    }
}

/// The TAO and alpha that injecting `tao` into `pool` adds at its spot price, the alpha side
/// capped at `alpha_cap` (the TAO shrinking with it); `None` when nothing would be added.
fn injection(pool: &Pool, tao: Balance, alpha_cap: Balance) -> Option<(Balance, Balance)> {
    let price = pool.spot_price();
    if tao == 0 || price == 0 {
        return None;
    }
    let alpha = mul_div(u128::from(tao), 1 << 64, price)
        .and_then(|a| u64::try_from(a).ok())
        .unwrap_or(u64::MAX);
    let (tao, alpha) = if alpha > alpha_cap {
        let capped_tao = mul_div(u128::from(alpha_cap), price, 1 << 64)
            .and_then(|t| u64::try_from(t).ok())
            .unwrap_or(0);
        (capped_tao, alpha_cap)
    } else {
        (tao, alpha)
    };
    (tao != 0 && alpha != 0).then_some((tao, alpha))
}
