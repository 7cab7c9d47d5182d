//! What each call does. Every function here either succeeds or returns a [`DispatchError`]
//! having possibly written some state; the caller rolls such partial writes back.

mod balances;
mod children;
mod coldkey_swap;
mod commitments;
mod delegate;
mod neurons;
mod proxy;
mod root;
mod staking;
mod subnets;
mod swap;
mod validators;
mod weights;

pub(crate) use commitments::reveal_timelocked_commitments;
pub use root::{MAX_CLAIM_SUBNETS, MAX_KEEP_SUBNETS};
pub(crate) use weights::reveal_timelocked;
pub use weights::{
    commit_hash, normalized_max, timelocked_weights_aad, timelocked_weights_plaintext,
    MAX_REVEAL_AHEAD_VIEWS, MAX_TIMELOCKED_PER_ROUND, MAX_TIMELOCKED_WEIGHTS_BYTES,
    MAX_UNREVEALED_COMMITS,
};

use crate::chain::Events;
use crate::proxy::ProxyType;
use crate::state::State;
use crate::{Call, DispatchError, GovernanceCall, Phase};
pub use coldkey_swap::COLDKEY_SWAP_COST;
use plexus_primitives::{AccountId, BlockNumber};
use proxy::BatchMode;
pub use proxy::MAX_BATCH_CALLS;
use staking::PriceLimit;
pub use swap::{HOTKEY_SWAP_COST, HOTKEY_SWAP_ON_SUBNET_COST};
pub use validators::{
    validator_proof_message, validator_proof_payload, verify_validator_proof, BLOCKS_PER_VALIDATOR,
    MAX_ANNOUNCED_VALIDATORS, MAX_COMMITTEE, MAX_VALIDATOR_ADDRESS, VALIDATOR_PROOF_NAMESPACE,
};

/// Runs `call` signed by `who` in block `block`.
pub(crate) fn dispatch(
    state: &mut State,
    who: AccountId,
    call: &Call,
    block: BlockNumber,
    phase: Phase,
    events: &mut Events,
) -> Result<(), DispatchError> {
    Context {
        state,
        who,
        block,
        phase,
        events,
    }
    .dispatch(call, &[])
}

impl Context<'_> {
    /// The same block and transaction, with `who` as the signer: a proxy's real account.
    fn nested(&mut self, who: AccountId) -> Context<'_> {
        Context {
            state: &mut *self.state,
            who,
            block: self.block,
            phase: self.phase,
            events: &mut *self.events,
        }
    }

    /// Runs `call` as the signer. `filters` are the types of the proxies it was reached
    /// through: each must allow it.
    pub(crate) fn dispatch(
        &mut self,
        call: &Call,
        filters: &[ProxyType],
    ) -> Result<(), DispatchError> {
        if let Some(denied) = filters.iter().find(|t| !t.allows(call)) {
            return Err(DispatchError::CallFiltered(*denied));
        }
        // A coldkey with a swap announced may only see it through, also through its proxies.
        if let Some(swap) = self.state.coldkey_swaps.get(&self.who) {
            if swap.disputed.is_some() && !matches!(call, Call::Governance(_)) {
                return Err(DispatchError::ColdkeySwapDisputed);
            }
            if !coldkey_swap::allowed_during_swap(call) {
                return Err(DispatchError::ColdkeySwapPending);
            }
        }
        let who = self.who;
        let cx = self;
        dispatch_call(cx, who, call, filters)
    }
}

fn dispatch_call(
    cx: &mut Context<'_>,
    who: AccountId,
    call: &Call,
    filters: &[ProxyType],
) -> Result<(), DispatchError> {
    match call {
        Call::Transfer { dest, value } => cx.transfer(*dest, *value, false),
        Call::TransferKeepAlive { dest, value } => cx.transfer(*dest, *value, true),
        Call::TransferAll { dest, keep_alive } => cx.transfer_all(*dest, *keep_alive),
        Call::RegisterNetwork { hotkey } => cx.register_network(*hotkey, None),
        Call::RegisterNetworkLimit { hotkey, max_lock } => {
            cx.register_network(*hotkey, Some(*max_lock))
        }
        Call::StartCall { netuid } => cx.start_call(*netuid),
        Call::SetSubnetIdentity { netuid, identity } => cx.set_subnet_identity(*netuid, identity),
        Call::SetIdentity { identity } => cx.set_identity(identity),
        Call::UpdateSymbol { netuid, symbol } => cx.update_symbol(*netuid, symbol),
        Call::SetHyperparameter { netuid, value } => cx.set_hyperparameter(*netuid, value, true),
        Call::BurnedRegister { netuid, hotkey } => cx.burned_register(*netuid, *hotkey, None),
        Call::RegisterLimit {
            netuid,
            hotkey,
            limit_price,
        } => cx.burned_register(*netuid, *hotkey, Some(*limit_price)),
        Call::ServeAxon {
            netuid,
            version,
            ip,
            port,
            ip_type,
            protocol,
        } => cx.serve_axon(*netuid, *version, *ip, *port, *ip_type, *protocol),
        Call::SetWeights {
            netuid,
            dests,
            weights,
            version_key,
        } => cx.set_weights(*netuid, dests, weights, *version_key),
        Call::CommitWeights {
            netuid,
            commit_hash,
        } => cx.commit_weights(*netuid, *commit_hash),
        Call::CommitTimelockedWeights {
            netuid,
            reveal,
            sealed,
        } => cx.commit_timelocked_weights(*netuid, *reveal, sealed),
        Call::RevealWeights {
            netuid,
            uids,
            values,
            salt,
            version_key,
        } => cx.reveal_weights(*netuid, uids, values, salt, *version_key),
        Call::BatchCommitWeights {
            netuids,
            commit_hashes,
        } => {
            if netuids.len() != commit_hashes.len() {
                return Err(DispatchError::BatchLengthMismatch);
            }
            netuids
                .iter()
                .zip(commit_hashes)
                .try_for_each(|(netuid, hash)| cx.commit_weights(*netuid, *hash))
        }
        Call::BatchRevealWeights {
            netuid,
            uids_list,
            values_list,
            salts_list,
            version_keys,
        } => {
            let n = uids_list.len();
            if values_list.len() != n || salts_list.len() != n || version_keys.len() != n {
                return Err(DispatchError::BatchLengthMismatch);
            }
            (0..n).try_for_each(|i| {
                cx.reveal_weights(
                    *netuid,
                    &uids_list[i],
                    &values_list[i],
                    &salts_list[i],
                    version_keys[i],
                )
            })
        }
        Call::AddStake {
            hotkey,
            netuid,
            amount,
        } => cx.add_stake(*hotkey, *netuid, *amount, PriceLimit::NONE),
        Call::AddStakeLimit {
            hotkey,
            netuid,
            amount,
            limit_price,
            allow_partial,
        } => cx.add_stake(
            *hotkey,
            *netuid,
            *amount,
            PriceLimit {
                limit: Some(*limit_price),
                allow_partial: *allow_partial,
            },
        ),
        Call::RemoveStake {
            hotkey,
            netuid,
            amount,
        } => cx.remove_stake(*hotkey, *netuid, *amount, PriceLimit::NONE),
        Call::RemoveStakeLimit {
            hotkey,
            netuid,
            amount,
            limit_price,
            allow_partial,
        } => cx.remove_stake(
            *hotkey,
            *netuid,
            *amount,
            PriceLimit {
                limit: Some(*limit_price),
                allow_partial: *allow_partial,
            },
        ),
        Call::MoveStake {
            origin_hotkey,
            destination_hotkey,
            origin_netuid,
            destination_netuid,
            amount,
        } => cx.move_stake(
            *origin_hotkey,
            *destination_hotkey,
            who,
            *origin_netuid,
            *destination_netuid,
            *amount,
        ),
        Call::TransferStake {
            destination_coldkey,
            hotkey,
            origin_netuid,
            destination_netuid,
            amount,
        } => cx.move_stake(
            *hotkey,
            *hotkey,
            *destination_coldkey,
            *origin_netuid,
            *destination_netuid,
            *amount,
        ),
        Call::SwapStake {
            hotkey,
            origin_netuid,
            destination_netuid,
            amount,
        } => cx.move_stake(
            *hotkey,
            *hotkey,
            who,
            *origin_netuid,
            *destination_netuid,
            *amount,
        ),
        Call::SwapStakeLimit {
            hotkey,
            origin_netuid,
            destination_netuid,
            amount,
            limit_price,
            allow_partial,
        } => cx.swap_stake_limit(
            *hotkey,
            *origin_netuid,
            *destination_netuid,
            *amount,
            *limit_price,
            *allow_partial,
        ),
        Call::UnstakeAll { hotkey } => cx.unstake_all(*hotkey),
        Call::AddProxy {
            delegate,
            proxy_type,
            delay,
        } => cx.add_proxy(*delegate, *proxy_type, *delay),
        Call::RemoveProxy {
            delegate,
            proxy_type,
            delay,
        } => cx.remove_proxy(*delegate, *proxy_type, *delay),
        Call::RemoveProxies => cx.remove_proxies(),
        Call::CreatePure {
            proxy_type,
            delay,
            index,
        } => cx.create_pure(*proxy_type, *delay, *index),
        Call::KillPure {
            spawner,
            proxy_type,
            index,
            height,
            ext_index,
        } => cx.kill_pure(*spawner, *proxy_type, *index, *height, *ext_index),
        Call::Proxy {
            real,
            force_proxy_type,
            call,
        } => cx.proxy(*real, *force_proxy_type, call, filters),
        Call::Announce { real, call_hash } => cx.announce(*real, *call_hash),
        Call::RemoveAnnouncement { real, call_hash } => cx.remove_announcement(*real, *call_hash),
        Call::RejectAnnouncement {
            delegate,
            call_hash,
        } => cx.reject_announcement(*delegate, *call_hash),
        Call::ProxyAnnounced {
            delegate,
            real,
            force_proxy_type,
            call,
        } => cx.proxy_announced(*delegate, *real, *force_proxy_type, call, filters),
        Call::SetCommitment { netuid, fields } => cx.set_commitment(*netuid, fields),
        Call::AnnounceColdkeySwap { new_coldkey_hash } => {
            cx.announce_coldkey_swap(*new_coldkey_hash)
        }
        Call::SwapColdkeyAnnounced { new_coldkey } => cx.swap_coldkey_announced(*new_coldkey),
        Call::DisputeColdkeySwap => cx.dispute_coldkey_swap(),
        Call::ClearColdkeySwapAnnouncement => cx.clear_coldkey_swap(),
        Call::SwapHotkey {
            hotkey,
            new_hotkey,
            netuid,
        } => cx.swap_hotkey(*hotkey, *new_hotkey, *netuid),
        Call::Batch { calls } => cx.batch(calls, BatchMode::Interrupt, filters),
        Call::BatchAll { calls } => cx.batch(calls, BatchMode::All, filters),
        Call::ForceBatch { calls } => cx.batch(calls, BatchMode::Force, filters),
        Call::ClaimRoot { subnets } => cx.claim_root(subnets),
        Call::RootRegister { hotkey } => cx.root_register(*hotkey),
        Call::SetChildren {
            hotkey,
            netuid,
            children,
        } => cx.set_children(*hotkey, *netuid, children),
        Call::SetChildkeyTake {
            hotkey,
            netuid,
            take,
        } => cx.set_childkey_take(*hotkey, *netuid, *take),
        Call::SetRootClaimType { claim_type } => cx.set_root_claim_type(claim_type),
        Call::IncreaseTake { hotkey, take } => cx.set_take(*hotkey, *take, true),
        Call::DecreaseTake { hotkey, take } => cx.set_take(*hotkey, *take, false),
        Call::Governance(call) => match call {
            GovernanceCall::SetChainParams(params) => cx.set_chain_params(params),
            GovernanceCall::SetChainParam(change) => {
                let params = cx.state.params.get().with(change);
                cx.set_chain_params(&params)
            }
            GovernanceCall::SetHyperparameter { netuid, value } => {
                cx.set_hyperparameter(*netuid, value, false)
            }
            GovernanceCall::SetKey(new) => cx.set_governance_key(*new),
            GovernanceCall::ResetColdkeySwap(coldkey) => cx.reset_coldkey_swap(*coldkey),
            GovernanceCall::ScheduleValidators(validators) => cx.schedule_validators(validators),
        },
        Call::AnnounceValidator {
            key,
            address,
            proof,
        } => cx.announce_validator(*key, address, proof),
        Call::RetireValidator { key } => cx.retire_validator(*key),
    }
}

/// A call in progress: the state, who signed, where in which block.
pub(crate) struct Context<'a> {
    pub(crate) state: &'a mut State,
    pub(crate) who: AccountId,
    pub(crate) block: BlockNumber,
    pub(crate) phase: Phase,
    pub(crate) events: &'a mut Events,
}

impl Context<'_> {
    fn emit(&mut self, event: crate::Event) {
        self.events.push((self.phase, event));
    }
}
