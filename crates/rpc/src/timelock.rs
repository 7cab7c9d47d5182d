//! Weights for a subnet that timelocks them: sealed to a consensus round ahead of the chain,
//! which the chain opens itself when that round's seed is on chain.

use crate::types::SystemInfo;
use plexus_primitives::{AccountId, NetUid};
use plexus_runtime::{
    consensus_namespace, timelocked_weights_aad, timelocked_weights_plaintext, Call,
    Hyperparameters, Round, MAX_REVEAL_AHEAD_VIEWS,
};

/// Why weights could not be sealed.
#[derive(Debug, thiserror::Error)]
pub enum TimelockError {
    /// The node reports no group key: the chain cannot open timelocked weights.
    #[error("the chain reports no validators' group key to seal weights to")]
    NoGroupKey,
    /// The group key the node reports is not a key.
    #[error("sealing the weights: {0}")]
    Seal(#[from] plexus_timelock::SealError),
}

/// The `commit_timelocked_weights` call for `uids` and `weights` (as the chain stores them),
/// sealed to the round `reveal_period_epochs` tempos after `info`'s finalized head, so that the
/// chain applies them about when a hash commit would be revealed; and that round.
pub fn timelocked_weights_call(
    info: &SystemInfo,
    hyperparameters: &Hyperparameters,
    hotkey: &AccountId,
    netuid: NetUid,
    uids: &[u16],
    weights: &[u16],
    version_key: u64,
) -> Result<(Round, Call), TimelockError> {
    let group_key = info.group_key.as_ref().ok_or(TimelockError::NoGroupKey)?;
    // A view is at least a block, so this many views pass no later than this many blocks.
    let ahead = (u64::from(hyperparameters.tempo) * hyperparameters.reveal_period_epochs.max(1))
        .clamp(2, MAX_REVEAL_AHEAD_VIEWS / 4);
    let reveal = info.round().ahead(info.epoch_length, ahead);
    let sealed = plexus_timelock::seal_random(
        group_key,
        &consensus_namespace(info.genesis_hash),
        reveal.into(),
        &timelocked_weights_aad(hotkey, netuid, reveal),
        &timelocked_weights_plaintext(uids, weights, version_key),
    )?;
    let call = Call::CommitTimelockedWeights {
        netuid,
        reveal,
        sealed,
    };
    Ok((reveal, call))
}
