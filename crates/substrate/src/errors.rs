//! The pallets' errors as Bittensor's chain declares them, and where each Plexus failure lands
//! among them: a failed transaction's `ExtrinsicFailed` names a module error, which the clients
//! turn into its name and documentation from the metadata.

use plexus_runtime::{Call, DispatchError, PoolError};
use scale_info::build::Variants;
use scale_info::{Path, Type, TypeInfo};

/// A pallet's errors from one of the tables below.
pub(crate) struct PalletErrors<const PALLET: u8>;

impl<const PALLET: u8> TypeInfo for PalletErrors<PALLET> {
    type Identity = Self;
    fn type_info() -> Type {
        let (table, path) = match PALLET {
            BALANCES => (BALANCES_ERRORS, "pallet_balances::pallet"),
            _ => (SUBTENSOR_ERRORS, "pallet_subtensor::pallet"),
        };
        let mut variants = Variants::new();
        for (index, &(name, doc)) in table.iter().enumerate() {
            let index = u8::try_from(index).unwrap_or(u8::MAX);
            variants = variants.variant(name, |v| v.index(index).docs(&[doc]));
        }
        Type::builder()
            .path(Path::new("Error", path))
            .variant(variants)
    }
}

/// `Balances`' pallet index.
pub(crate) const BALANCES: u8 = 5;
/// `SubtensorModule`'s pallet index.
pub(crate) const SUBTENSOR: u8 = 7;

/// The module error (pallet index, error index) a failed call reports, `None` where no
/// pallet error fits (reported as `Other`).
pub(crate) fn module_error(call: Option<&Call>, error: &DispatchError) -> Option<(u8, u8)> {
    let balances_call = matches!(
        call,
        Some(Call::Transfer { .. } | Call::TransferKeepAlive { .. } | Call::TransferAll { .. })
    );
    let name = if balances_call {
        match error {
            DispatchError::InsufficientBalance { .. } => "InsufficientBalance",
            DispatchError::BelowExistentialDeposit { .. } => "ExistentialDeposit",
            DispatchError::KeepAlive => "Expendability",
            _ => return None,
        }
    } else {
        subtensor_name(call, error)?
    };
    let (pallet, table) = if balances_call {
        (BALANCES, BALANCES_ERRORS)
    } else {
        (SUBTENSOR, SUBTENSOR_ERRORS)
    };
    let index = table.iter().position(|(n, _)| *n == name)?;
    Some((pallet, u8::try_from(index).ok()?))
}

fn subtensor_name(call: Option<&Call>, error: &DispatchError) -> Option<&'static str> {
    Some(match error.kind().name() {
        "insufficient_balance" => "NotEnoughBalanceToStake",
        "unknown_subnet" => "SubnetNotExists",
        "not_subnet_owner" => "NotSubnetOwner",
        "hyperparameter_out_of_range" => "InvalidValue",
        "liquid_alpha_disabled" => "LiquidAlphaDisabled",
        "freeze_window" => "AdminActionProhibitedDuringWeightsWindow",
        "subnet_limit_reached" => "SubnetLimitReached",
        "hotkey_owned_by_other" | "not_hotkey_owner" => "NonAssociatedColdKey",
        "already_started" => "FirstEmissionBlockNumberAlreadySet",
        "start_call_too_early" => "NeedWaitingMoreBlocksToStarCall",
        "invalid_identity" => "InvalidIdentity",
        "registration_disabled" => "SubNetRegistrationDisabled",
        "already_registered" => "HotKeyAlreadyRegisteredInSubNet",
        "no_neuron_id_available" => "NoNeuronIdAvailable",
        "not_registered" => "HotKeyNotRegisteredInSubNet",
        "invalid_ip_type" => "InvalidIpType",
        "invalid_ip_address" => "InvalidIpAddress",
        "invalid_port" => "InvalidPort",
        "commit_reveal_mismatch" => "CommitRevealEnabled",
        "weights_length_mismatch" => "WeightVecNotEqualSize",
        "too_many_weights" => "UidsLengthExceedUidsInSubNet",
        "not_enough_stake_to_set_weights" => "NotEnoughStakeToSetWeights",
        "incorrect_weights_version" => "IncorrectWeightVersionKey",
        "no_validator_permit" => "NeuronNoValidatorPermit",
        "duplicate_uids" => "DuplicateUids",
        "uid_not_found" => "UidVecContainInvalidOne",
        "not_enough_weights" => "WeightVecLengthIsLow",
        "max_weight_exceeded" => "MaxWeightExceeded",
        "too_many_unrevealed_commits" => "TooManyUnrevealedCommits",
        "no_matching_commit" => "InvalidRevealCommitHashNotMatch",
        "reveal_too_early" => "RevealTooEarly",
        "commit_expired" => "ExpiredWeightCommit",
        "not_enough_stake" => "NotEnoughStakeToWithdraw",
        "subnet_not_started" => "SubtokenDisabled",
        "hotkey_not_found" => "HotKeyAccountNotExists",
        "stake_below_minimum" => "AmountTooLow",
        "batch_length_mismatch" => "InputLengthsUnequal",
        "overflow" => "Overflow",
        "registration_price_above_limit" => "RegistrationPriceLimitExceeded",
        "lock_above_limit" => "CannotAffordLockCost",
        "too_many_children" => "TooManyChildren",
        "proportions_overflow" => "ProportionOverflow",
        "child_is_parent" => "InvalidChild",
        "duplicate_child" => "DuplicateChild",
        "child_cycle" => "ChildParentInconsistency",
        "not_on_root" => "RegistrationNotPermittedOnRootSubnet",
        "not_enough_stake_for_children" => "NotEnoughStakeToSetChildkeys",
        "invalid_subnet_count" => "InvalidSubnetNumber",
        // Bittensor's chain claims nothing without an error; the nearest of its errors.
        "nothing_to_claim" => "AmountTooLow",
        "children_already_pending" => "TxRateLimitExceeded",
        "unknown_symbol" => "SymbolDoesNotExist",
        "symbol_in_use" => "SymbolAlreadyInUse",
        "stake_too_low_for_root" => "StakeTooLowForRoot",
        "rate_limited" => match call {
            Some(Call::SetWeights { .. }) => "SettingWeightsTooFast",
            Some(Call::ServeAxon { .. }) => "ServingRateLimitExceeded",
            Some(Call::CommitWeights { .. }) => "CommittingWeightsTooFast",
            Some(Call::SetChildkeyTake { .. }) => "TxChildkeyTakeRateLimitExceeded",
            _ => "TxRateLimitExceeded",
        },
        "invalid_take" if matches!(call, Some(Call::SetChildkeyTake { .. })) => {
            "InvalidChildkeyTake"
        }
        "invalid_take" => "DelegateTakeTooHigh",
        "swap" => match error {
            DispatchError::Swap(PoolError::PriceLimitExceeded) => "SlippageTooHigh",
            DispatchError::Swap(PoolError::ZeroAmount | PoolError::ZeroOutput) => "AmountTooLow",
            _ => "InsufficientLiquidity",
        },
        _ => return None,
    })
}

/// `SubtensorModule`'s errors, in Bittensor's order (their index is their position), each with
/// the first line of its documentation, which the clients show.
#[rustfmt::skip]
pub(crate) const SUBTENSOR_ERRORS: &[(&str, &str)] = &[
    ("RootNetworkDoesNotExist", "The root network does not exist."),
    ("InvalidIpType", "The user is trying to serve an axon which is not of type 4 (IPv4) or 6 (IPv6)."),
    ("InvalidIpAddress", "An invalid IP address is passed to the serve function."),
    ("InvalidPort", "An invalid port is passed to the serve function."),
    ("HotKeyNotRegisteredInSubNet", "The hotkey is not registered in subnet"),
    ("HotKeyAccountNotExists", "The hotkey does not exists"),
    ("HotKeyNotRegisteredInNetwork", "The hotkey is not registered in any subnet."),
    ("NonAssociatedColdKey", "Request to stake, unstake or subscribe is made by a coldkey that is not associated with the hotkey account."),
    ("NotEnoughStake", "DEPRECATED: Stake amount to withdraw is zero. The caller does not have enought stake to perform this action."),
    ("NotEnoughStakeToWithdraw", "The caller is requesting removing more stake than there exists in the staking account. See: \"[remove_stake()]\"."),
    ("NotEnoughStakeToSetWeights", "The caller is requesting to set weights but the caller has less than minimum stake required to set weights (less than WeightsMinStake)."),
    ("NotEnoughStakeToSetChildkeys", "The parent hotkey doesn't have enough own stake to set childkeys."),
    ("NotEnoughBalanceToStake", "The caller is requesting adding more stake than there exists in the coldkey account. See: \"[add_stake()]\""),
    ("BalanceWithdrawalError", "The caller is trying to add stake, but for some reason the requested amount could not be withdrawn from the coldkey account."),
    ("ZeroBalanceAfterWithdrawn", "Unsuccessfully withdraw, balance could be zero (can not make account exist) after withdrawal."),
    ("NeuronNoValidatorPermit", "The caller is attempting to set non-self weights without being a permitted validator."),
    ("WeightVecNotEqualSize", "The caller is attempting to set the weight keys and values but these vectors have different size."),
    ("DuplicateUids", "The caller is attempting to set weights with duplicate UIDs in the weight matrix."),
    ("UidVecContainInvalidOne", "The caller is attempting to set weight to at least one UID that does not exist in the metagraph."),
    ("WeightVecLengthIsLow", "The dispatch is attempting to set weights on chain with fewer elements than are allowed."),
    ("TooManyRegistrationsThisBlock", "Number of registrations in this block exceeds the allowed number (i.e., exceeds the subnet hyperparameter \"max_regs_per_block\")."),
    ("HotKeyAlreadyRegisteredInSubNet", "The caller is requesting registering a neuron which already exists in the active set."),
    ("NewHotKeyIsSameWithOld", "The new hotkey is the same as old one"),
    ("NewHotKeyNotCleanForRootSwap", "The new hotkey has outstanding root claimable or non-zero root stake, so the root rate-book cannot be merged without misallocating dividends."),
    ("InvalidWorkBlock", "The supplied PoW hash block is in the future or negative."),
    ("InvalidDifficulty", "The supplied PoW hash block does not meet the network difficulty."),
    ("InvalidSeal", "The supplied PoW hash seal does not match the supplied work."),
    ("MaxWeightExceeded", "The dispatch is attempting to set weights on chain with weight value exceeding the configured max weight limit (currently u16::MAX)."),
    ("HotKeyAlreadyDelegate", "The hotkey is attempting to become a delegate when the hotkey is already a delegate."),
    ("SettingWeightsTooFast", "A transactor exceeded the rate limit for setting weights."),
    ("IncorrectWeightVersionKey", "A validator is attempting to set weights from a validator with incorrect weight version."),
    ("ServingRateLimitExceeded", "An axon or prometheus serving exceeded the rate limit for a registered neuron."),
    ("UidsLengthExceedUidsInSubNet", "The caller is attempting to set weights with more UIDs than allowed."),
    ("NetworkTxRateLimitExceeded", "A transactor exceeded the rate limit for add network transaction."),
    ("DelegateTxRateLimitExceeded", "A transactor exceeded the rate limit for delegate transaction."),
    ("HotKeySetTxRateLimitExceeded", "A transactor exceeded the rate limit for setting or swapping hotkey."),
    ("StakingRateLimitExceeded", "A transactor exceeded the rate limit for staking."),
    ("SubNetRegistrationDisabled", "Registration is disabled."),
    ("TooManyRegistrationsThisInterval", "The number of registration attempts exceeded the allowed number in the interval."),
    ("TransactorAccountShouldBeHotKey", "The hotkey is required to be the origin."),
    ("FaucetDisabled", "Faucet is disabled."),
    ("NotSubnetOwner", "Not a subnet owner."),
    ("RegistrationNotPermittedOnRootSubnet", "Operation is not permitted on the root subnet."),
    ("StakeTooLowForRoot", "A hotkey with too little stake is attempting to join the root subnet."),
    ("AllNetworksInImmunity", "All subnets are in the immunity period."),
    ("NotEnoughBalanceToPaySwapHotKey", "Not enough balance to pay swapping hotkey."),
    ("NotRootSubnet", "Netuid does not match for setting root network weights."),
    ("CanNotSetRootNetworkWeights", "Can not set weights for the root network."),
    ("NoNeuronIdAvailable", "No neuron ID is available."),
    ("DelegateTakeTooLow", "Delegate take is too low."),
    ("DelegateTakeTooHigh", "Delegate take is too high."),
    ("NoWeightsCommitFound", "No commit found for the provided hotkey+netuid combination when attempting to reveal the weights."),
    ("InvalidRevealCommitHashNotMatch", "Committed hash does not equal the hashed reveal data."),
    ("CommitRevealEnabled", "Attempting to call set_weights when commit/reveal is enabled"),
    ("CommitRevealDisabled", "Attemtping to commit/reveal weights when disabled."),
    ("LiquidAlphaDisabled", "Attempting to set alpha high/low while disabled"),
    ("AlphaHighTooLow", "Alpha high is too low: alpha_high > 0.8"),
    ("AlphaLowOutOfRange", "Alpha low is out of range: alpha_low > 0 && alpha_low < 0.8"),
    ("ColdKeyAlreadyAssociated", "The coldkey has already been swapped"),
    ("NotEnoughBalanceToPaySwapColdKey", "The coldkey balance is not enough to pay for the swap"),
    ("InvalidChild", "Attempting to set an invalid child for a hotkey on a network."),
    ("DuplicateChild", "Duplicate child when setting children."),
    ("ProportionOverflow", "Proportion overflow when setting children."),
    ("TooManyChildren", "Too many children MAX 5."),
    ("TxRateLimitExceeded", "Default transaction rate limit exceeded."),
    ("ColdkeySwapAnnouncementNotFound", "Coldkey swap announcement not found"),
    ("ColdkeySwapTooEarly", "Coldkey swap too early."),
    ("ColdkeySwapReannouncedTooEarly", "Coldkey swap reannounced too early."),
    ("AnnouncedColdkeyHashDoesNotMatch", "The announced coldkey hash does not match the new coldkey hash."),
    ("ColdkeySwapAlreadyDisputed", "Coldkey swap already disputed"),
    ("NewColdKeyIsHotkey", "New coldkey is hotkey"),
    ("InvalidChildkeyTake", "Childkey take is invalid."),
    ("TxChildkeyTakeRateLimitExceeded", "Childkey take rate limit exceeded."),
    ("InvalidIdentity", "Invalid identity."),
    ("MechanismDoesNotExist", "Subnet mechanism does not exist."),
    ("StakeUnavailable", "Trying to unstake or re-lock the locked amount."),
    ("SubnetNotExists", "Trying to perform action on non-existent subnet."),
    ("TooManyUnrevealedCommits", "Maximum commit limit reached"),
    ("ExpiredWeightCommit", "Attempted to reveal weights that are expired."),
    ("RevealTooEarly", "Attempted to reveal weights too early."),
    ("InputLengthsUnequal", "Attempted to batch reveal weights with mismatched vector input lenghts."),
    ("CommittingWeightsTooFast", "A transactor exceeded the rate limit for setting weights."),
    ("AmountTooLow", "Stake amount is too low."),
    ("InsufficientLiquidity", "Not enough liquidity."),
    ("SlippageTooHigh", "Slippage is too high for the transaction."),
    ("TransferDisallowed", "Subnet disallows transfer."),
    ("ActivityCutoffTooLow", "Activity cutoff is being set too low."),
    ("CallDisabled", "Call is disabled"),
    ("FirstEmissionBlockNumberAlreadySet", "FirstEmissionBlockNumber is already set."),
    ("NeedWaitingMoreBlocksToStarCall", "need wait for more blocks to accept the start call extrinsic."),
    ("NotEnoughAlphaOutToRecycle", "Not enough AlphaOut on the subnet to recycle"),
    ("CannotBurnOrRecycleOnRootSubnet", "Cannot burn or recycle TAO from root subnet"),
    ("UnableToRecoverPublicKey", "Public key cannot be recovered."),
    ("InvalidRecoveredPublicKey", "Recovered public key is invalid."),
    ("SubtokenDisabled", "SubToken disabled now"),
    ("HotKeySwapOnSubnetIntervalNotPassed", "Too frequent hotkey swap on subnet"),
    ("SameNetuid", "Invalid netuid duplication"),
    ("InsufficientBalance", "The caller does not have enough balance for the operation."),
    ("InvalidLeaseBeneficiary", "Invalid lease beneficiary to register the leased network."),
    ("LeaseCannotEndInThePast", "Lease cannot end in the past."),
    ("LeaseNetuidNotFound", "Couldn't find the lease netuid."),
    ("LeaseDoesNotExist", "Lease does not exist."),
    ("LeaseHasNoEndBlock", "Lease has no end block."),
    ("LeaseHasNotEnded", "Lease has not ended."),
    ("Overflow", "An overflow occurred."),
    ("BeneficiaryDoesNotOwnHotkey", "Beneficiary does not own hotkey."),
    ("ExpectedBeneficiaryOrigin", "Expected beneficiary origin."),
    ("AdminActionProhibitedDuringWeightsWindow", "Admin operation is prohibited during the protected weights window"),
    ("SymbolDoesNotExist", "Symbol does not exist."),
    ("SymbolAlreadyInUse", "Symbol already in use."),
    ("IncorrectCommitRevealVersion", "Incorrect commit-reveal version."),
    ("InvalidRevealRound", "Reveal round is older than the most recently stored DRAND round."),
    ("RevealPeriodTooLarge", "Reveal period is too large."),
    ("RevealPeriodTooSmall", "Reveal period is too small."),
    ("InvalidValue", "Generic error for out-of-range parameter value"),
    ("SubnetLimitReached", "Subnet limit reached & there is no eligible subnet to prune"),
    ("CannotAffordLockCost", "Insufficient funds to meet the subnet lock cost"),
    ("EvmKeyAssociateRateLimitExceeded", "exceeded the rate limit for associating an EVM key."),
    ("SameAutoStakeHotkeyAlreadySet", "Same auto stake hotkey already set"),
    ("UidMapCouldNotBeCleared", "The UID map for the subnet could not be cleared"),
    ("TrimmingWouldExceedMaxImmunePercentage", "Trimming would exceed the max immune neurons percentage"),
    ("ChildParentInconsistency", "Violating the rules of Childkey-Parentkey consistency"),
    ("InvalidNumRootClaim", "Invalid number of root claims"),
    ("InvalidRootClaimThreshold", "Invalid value of root claim threshold"),
    ("InvalidSubnetNumber", "Exceeded subnet limit number or zero."),
    ("TooManyUIDsPerMechanism", "The maximum allowed UIDs times mechanism count should not exceed 256."),
    ("VotingPowerTrackingNotEnabled", "Voting power tracking is not enabled for this subnet."),
    ("InvalidVotingPowerEmaAlpha", "Invalid voting power EMA alpha value (must be <= 10^18)."),
    ("Deprecated", "Deprecated call."),
    ("AddStakeBurnRateLimitExceeded", "\"Add stake and burn\" exceeded the operation rate limit"),
    ("ColdkeySwapAnnounced", "A coldkey swap has been announced for this account."),
    ("ColdkeySwapDisputed", "A coldkey swap for this account is under dispute."),
    ("ColdkeySwapClearTooEarly", "Coldkey swap clear too early."),
    ("DisabledTemporarily", "Disabled temporarily."),
    ("RegistrationPriceLimitExceeded", "Registration Price Limit Exceeded"),
    ("LockHotkeyMismatch", "Lock hotkey mismatch: existing lock is for a different hotkey."),
    ("InsufficientStakeForLock", "Insufficient stake on subnet to cover the lock amount."),
    ("NoExistingLock", "No existing lock found for the given coldkey and subnet."),
    ("ActiveLockExists", "There is already an active lock for the given coldkey."),
    ("CannotUseSystemAccount", "A system account cannot be used in this operation"),
    ("UnlockAmountTooHigh", "Trying to unlock more than locked"),
    ("TempoOutOfBounds", "The supplied tempo is outside the allowed range."),
    ("ActivityCutoffFactorMilliOutOfBounds", "The supplied activity-cutoff factor is outside the allowed range."),
    ("EpochTriggerAlreadyPending", "An epoch trigger is already pending for this subnet; wait for it to fire before triggering again."),
    ("AutoEpochAlreadyImminent", "The next automatic epoch is already imminent; a manual trigger would have no effect."),
    ("DynamicTempoBlockedByCommitReveal", "trigger_epoch is blocked because commit-reveal is enabled for this subnet: an out-of-band epoch would desync the CRv3 reveal window from the wall-clock Drand schedule and silently drop committed weights."),
    ("AccountRejectsLockedAlpha", "The destination coldkey rejects incoming locked alpha."),
];

/// `Balances`' errors, in order.
#[rustfmt::skip]
pub(crate) const BALANCES_ERRORS: &[(&str, &str)] = &[
    ("VestingBalance", "Vesting balance too high to send value."),
    ("LiquidityRestrictions", "Account liquidity restrictions prevent withdrawal."),
    ("InsufficientBalance", "Balance too low to send value."),
    ("ExistentialDeposit", "Value too low to create account due to existential deposit."),
    ("Expendability", "Transfer/payment would kill account."),
    ("ExistingVestingSchedule", "A vesting schedule already exists for this account."),
    ("DeadAccount", "Beneficiary account must pre-exist."),
    ("TooManyReserves", "Number of named reserves exceed MaxReserves."),
    ("TooManyHolds", "Number of holds exceed VariantCountOf<T::RuntimeHoldReason>."),
    ("TooManyFreezes", "Number of freezes exceed MaxFreezes."),
    ("IssuanceDeactivated", "The issuance cannot be modified since it is already deactivated."),
    ("DeltaZero", "The delta cannot be zero."),
];
