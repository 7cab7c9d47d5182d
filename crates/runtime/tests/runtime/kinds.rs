//! The stable names and numbers of error kinds and calls, frozen: they are public API (the RPC
//! reports them, clients match on them), so renaming or renumbering one must fail here.
//!
//! Each table lists every variant in declaration order with its kind's number and name. The
//! names are those the RPC reported before `kind()` and `Call::name` existed (each variant's
//! name in snake_case), so clients saw no change; a later rename of a variant keeps its old
//! kind, and its row here.

use plexus_primitives::{AccountId, H256};
use plexus_runtime::{
    BlockError, Call, DispatchError, ErrorKind, GenesisError, GovernanceCall, Hyperparameter,
    HyperparameterKind, InvalidTransaction, PoolError, Round, StateDecodeError, SubnetIdentity,
    SupplyError,
};
use std::collections::BTreeSet;
use std::fmt::Debug;

/// Checks one enum's table: each sample is a listed variant with the listed kind, numbers run
/// 0, 1, 2, … in table order with no gap or repeat, and names are unique.
fn check<E: Debug>(table: &[(E, u16, &str)], kind: impl Fn(&E) -> ErrorKind, listed: fn(&E)) {
    let mut names = BTreeSet::new();
    for (row, (error, code, name)) in table.iter().enumerate() {
        listed(error);
        let k = kind(error);
        assert_eq!((k.code(), k.name()), (*code, *name), "{error:?}");
        assert_eq!(
            usize::from(*code),
            row,
            "{error:?}: numbers are dense, in order"
        );
        assert!(names.insert(*name), "{name} appears twice");
        assert_eq!(k.to_string(), *name);
    }
}

fn json_error() -> serde_json::Error {
    serde_json::from_str::<u8>("not json").unwrap_err()
}

/// Does not compile when a variant is added: give it the next number in `kind()`, then a row in
/// the table below.
fn every_invalid_transaction_variant_is_listed(e: &InvalidTransaction) {
    match e {
        InvalidTransaction::TooBig { .. }
        | InvalidTransaction::Malformed(_)
        | InvalidTransaction::BadSignature
        | InvalidTransaction::WrongGenesis { .. }
        | InvalidTransaction::StaleNonce { .. }
        | InvalidTransaction::FutureNonce { .. }
        | InvalidTransaction::Expired { .. }
        | InvalidTransaction::CannotPayFee { .. }
        | InvalidTransaction::NotGovernance
        | InvalidTransaction::FreeCallFails(_)
        | InvalidTransaction::AncientBirthBlock { .. } => {}
    }
}

#[test]
fn test_invalid_transaction_kinds_are_frozen() {
    check(
        &[
            (InvalidTransaction::TooBig { size: 0, max: 0 }, 0, "too_big"),
            (InvalidTransaction::Malformed(String::new()), 1, "malformed"),
            (InvalidTransaction::BadSignature, 2, "bad_signature"),
            (
                InvalidTransaction::WrongGenesis {
                    expected: H256::ZERO,
                    got: H256::ZERO,
                },
                3,
                "wrong_genesis",
            ),
            (
                InvalidTransaction::StaleNonce {
                    expected: 0,
                    got: 0,
                },
                4,
                "stale_nonce",
            ),
            (
                InvalidTransaction::FutureNonce {
                    expected: 0,
                    got: 0,
                },
                5,
                "future_nonce",
            ),
            (
                InvalidTransaction::Expired {
                    valid_until: 0,
                    block: 0,
                },
                6,
                "expired",
            ),
            (
                InvalidTransaction::CannotPayFee { fee: 0, balance: 0 },
                7,
                "cannot_pay_fee",
            ),
            (InvalidTransaction::NotGovernance, 8, "not_governance"),
            (
                InvalidTransaction::FreeCallFails(DispatchError::Overflow),
                9,
                "free_call_fails",
            ),
            (
                InvalidTransaction::AncientBirthBlock { birth: 0 },
                10,
                "ancient_birth_block",
            ),
        ],
        InvalidTransaction::kind,
        every_invalid_transaction_variant_is_listed,
    );
}

/// Does not compile when a variant is added: give it the next number in `kind()`, then a row in
/// the table below.
fn every_dispatch_error_variant_is_listed(e: &DispatchError) {
    match e {
        DispatchError::InsufficientBalance { .. }
        | DispatchError::BelowExistentialDeposit { .. }
        | DispatchError::KeepAlive
        | DispatchError::Overflow
        | DispatchError::UnknownSubnet(_)
        | DispatchError::NotSubnetOwner(_)
        | DispatchError::HyperparameterOutOfRange { .. }
        | DispatchError::GovernanceOnly(_)
        | DispatchError::LiquidAlphaDisabled
        | DispatchError::RateLimited { .. }
        | DispatchError::FreezeWindow { .. }
        | DispatchError::SubnetLimitReached
        | DispatchError::HotkeyOwnedByOther
        | DispatchError::AlreadyStarted(_)
        | DispatchError::StartCallTooEarly { .. }
        | DispatchError::InvalidIdentity { .. }
        | DispatchError::RegistrationDisabled(_)
        | DispatchError::AlreadyRegistered { .. }
        | DispatchError::NoNeuronIdAvailable
        | DispatchError::NotRegistered(_)
        | DispatchError::InvalidIpType(_)
        | DispatchError::InvalidIpAddress
        | DispatchError::InvalidPort
        | DispatchError::CommitRevealMismatch(_)
        | DispatchError::WeightsLengthMismatch { .. }
        | DispatchError::TooManyWeights { .. }
        | DispatchError::NotEnoughStakeToSetWeights { .. }
        | DispatchError::IncorrectWeightsVersion { .. }
        | DispatchError::NoValidatorPermit
        | DispatchError::DuplicateUids(_)
        | DispatchError::UidNotFound(_)
        | DispatchError::NotEnoughWeights { .. }
        | DispatchError::MaxWeightExceeded(_)
        | DispatchError::TooManyUnrevealedCommits
        | DispatchError::NoMatchingCommit
        | DispatchError::RevealTooEarly { .. }
        | DispatchError::CommitExpired
        | DispatchError::NotEnoughStake { .. }
        | DispatchError::SubnetNotStarted(_)
        | DispatchError::HotkeyNotFound
        | DispatchError::StakeBelowMinimum { .. }
        | DispatchError::Swap(_)
        | DispatchError::NotHotkeyOwner
        | DispatchError::InvalidTake { .. }
        | DispatchError::InvalidChainParams(_)
        | DispatchError::BatchLengthMismatch
        | DispatchError::RegistrationPriceAboveLimit { .. }
        | DispatchError::InvalidSubnetCount { .. }
        | DispatchError::NothingToClaim { .. }
        | DispatchError::TooManyChildren { .. }
        | DispatchError::ProportionsOverflow
        | DispatchError::ChildIsParent
        | DispatchError::DuplicateChild(_)
        | DispatchError::ChildCycle(_)
        | DispatchError::NotOnRoot
        | DispatchError::NotEnoughStakeForChildren { .. }
        | DispatchError::ChildrenAlreadyPending { .. }
        | DispatchError::UnknownSymbol(_)
        | DispatchError::SymbolInUse { .. }
        | DispatchError::StakeTooLowForRoot { .. }
        | DispatchError::NoSelfProxy
        | DispatchError::DuplicateProxy
        | DispatchError::TooManyProxies { .. }
        | DispatchError::ProxyNotFound
        | DispatchError::NotProxy
        | DispatchError::ProxyUnannounced
        | DispatchError::TooManyAnnouncements { .. }
        | DispatchError::AnnouncementNotFound
        | DispatchError::CallFiltered(_)
        | DispatchError::NotNestable
        | DispatchError::TooManyCalls { .. }
        | DispatchError::TooManyCommitmentFields { .. }
        | DispatchError::CommitmentFieldTooLong { .. }
        | DispatchError::CommitmentSpaceExceeded { .. }
        | DispatchError::SameHotkey
        | DispatchError::NewHotkeyNotClean
        | DispatchError::NoColdkeySwap
        | DispatchError::ColdkeySwapDisputed
        | DispatchError::ColdkeySwapPending
        | DispatchError::ColdkeySwapHashMismatch
        | DispatchError::NewColdkeyNotClean
        | DispatchError::LockAboveLimit { .. }
        | DispatchError::TimelockUnavailable
        | DispatchError::TimelockMismatch(_)
        | DispatchError::RevealRoundOutOfRange { .. }
        | DispatchError::TimelockedCommitTooLarge { .. }
        | DispatchError::RevealRoundFull(_)
        | DispatchError::BadValidatorAddress
        | DispatchError::BadValidatorProof
        | DispatchError::ValidatorTaken
        | DispatchError::UnknownValidator
        | DispatchError::TooManyValidators { .. }
        | DispatchError::BadCommitteeSize { .. }
        | DispatchError::DuplicateValidator
        | DispatchError::NoConsensusEpochs => {}
    }
}

#[test]
fn test_dispatch_error_kinds_are_frozen() {
    check(
        &[
            (
                DispatchError::InsufficientBalance {
                    needed: 0,
                    available: 0,
                },
                0,
                "insufficient_balance",
            ),
            (
                DispatchError::BelowExistentialDeposit {
                    amount: 0,
                    minimum: 0,
                },
                1,
                "below_existential_deposit",
            ),
            (DispatchError::KeepAlive, 2, "keep_alive"),
            (DispatchError::Overflow, 3, "overflow"),
            (DispatchError::UnknownSubnet(0), 4, "unknown_subnet"),
            (DispatchError::NotSubnetOwner(0), 5, "not_subnet_owner"),
            (
                DispatchError::HyperparameterOutOfRange {
                    parameter: HyperparameterKind::Tempo,
                    allowed: String::new(),
                },
                6,
                "hyperparameter_out_of_range",
            ),
            (
                DispatchError::GovernanceOnly(HyperparameterKind::Tempo),
                7,
                "governance_only",
            ),
            (
                DispatchError::LiquidAlphaDisabled,
                8,
                "liquid_alpha_disabled",
            ),
            (
                DispatchError::RateLimited { allowed_at: 0 },
                9,
                "rate_limited",
            ),
            (
                DispatchError::FreezeWindow { allowed_at: 0 },
                10,
                "freeze_window",
            ),
            (
                DispatchError::SubnetLimitReached,
                11,
                "subnet_limit_reached",
            ),
            (
                DispatchError::HotkeyOwnedByOther,
                12,
                "hotkey_owned_by_other",
            ),
            (DispatchError::AlreadyStarted(0), 13, "already_started"),
            (
                DispatchError::StartCallTooEarly { allowed_at: 0 },
                14,
                "start_call_too_early",
            ),
            (
                DispatchError::InvalidIdentity {
                    field: String::new(),
                    max: 0,
                },
                15,
                "invalid_identity",
            ),
            (
                DispatchError::RegistrationDisabled(0),
                16,
                "registration_disabled",
            ),
            (
                DispatchError::AlreadyRegistered { netuid: 0, uid: 0 },
                17,
                "already_registered",
            ),
            (
                DispatchError::NoNeuronIdAvailable,
                18,
                "no_neuron_id_available",
            ),
            (DispatchError::NotRegistered(0), 19, "not_registered"),
            (DispatchError::InvalidIpType(0), 20, "invalid_ip_type"),
            (DispatchError::InvalidIpAddress, 21, "invalid_ip_address"),
            (DispatchError::InvalidPort, 22, "invalid_port"),
            (
                DispatchError::CommitRevealMismatch(false),
                23,
                "commit_reveal_mismatch",
            ),
            (
                DispatchError::WeightsLengthMismatch {
                    uids: 0,
                    weights: 0,
                },
                24,
                "weights_length_mismatch",
            ),
            (
                DispatchError::TooManyWeights { got: 0, n: 0 },
                25,
                "too_many_weights",
            ),
            (
                DispatchError::NotEnoughStakeToSetWeights {
                    stake: 0,
                    threshold: 0,
                },
                26,
                "not_enough_stake_to_set_weights",
            ),
            (
                DispatchError::IncorrectWeightsVersion {
                    expected: 0,
                    got: 0,
                },
                27,
                "incorrect_weights_version",
            ),
            (DispatchError::NoValidatorPermit, 28, "no_validator_permit"),
            (DispatchError::DuplicateUids(0), 29, "duplicate_uids"),
            (DispatchError::UidNotFound(0), 30, "uid_not_found"),
            (
                DispatchError::NotEnoughWeights { got: 0, min: 0 },
                31,
                "not_enough_weights",
            ),
            (
                DispatchError::MaxWeightExceeded(0),
                32,
                "max_weight_exceeded",
            ),
            (
                DispatchError::TooManyUnrevealedCommits,
                33,
                "too_many_unrevealed_commits",
            ),
            (DispatchError::NoMatchingCommit, 34, "no_matching_commit"),
            (
                DispatchError::RevealTooEarly { epoch: 0 },
                35,
                "reveal_too_early",
            ),
            (DispatchError::CommitExpired, 36, "commit_expired"),
            (
                DispatchError::NotEnoughStake {
                    needed: 0,
                    available: 0,
                },
                37,
                "not_enough_stake",
            ),
            (DispatchError::SubnetNotStarted(0), 38, "subnet_not_started"),
            (DispatchError::HotkeyNotFound, 39, "hotkey_not_found"),
            (
                DispatchError::StakeBelowMinimum {
                    amount: 0,
                    minimum: 0,
                },
                40,
                "stake_below_minimum",
            ),
            (DispatchError::Swap(PoolError::ZeroAmount), 41, "swap"),
            (DispatchError::NotHotkeyOwner, 42, "not_hotkey_owner"),
            (
                DispatchError::InvalidTake {
                    take: 0,
                    allowed: String::new(),
                },
                43,
                "invalid_take",
            ),
            (
                DispatchError::InvalidChainParams(String::new()),
                44,
                "invalid_chain_params",
            ),
            (
                DispatchError::BatchLengthMismatch,
                45,
                "batch_length_mismatch",
            ),
            (
                DispatchError::RegistrationPriceAboveLimit { price: 0, limit: 0 },
                46,
                "registration_price_above_limit",
            ),
            (
                DispatchError::InvalidSubnetCount { count: 0, max: 0 },
                47,
                "invalid_subnet_count",
            ),
            (
                DispatchError::NothingToClaim { threshold: 0 },
                48,
                "nothing_to_claim",
            ),
            (
                DispatchError::TooManyChildren { count: 0, max: 0 },
                49,
                "too_many_children",
            ),
            (
                DispatchError::ProportionsOverflow,
                50,
                "proportions_overflow",
            ),
            (DispatchError::ChildIsParent, 51, "child_is_parent"),
            (
                DispatchError::DuplicateChild(AccountId([0; 32])),
                52,
                "duplicate_child",
            ),
            (
                DispatchError::ChildCycle(AccountId([0; 32])),
                53,
                "child_cycle",
            ),
            (DispatchError::NotOnRoot, 54, "not_on_root"),
            (
                DispatchError::NotEnoughStakeForChildren {
                    stake: 0,
                    required: 0,
                },
                55,
                "not_enough_stake_for_children",
            ),
            (
                DispatchError::ChildrenAlreadyPending { effective_after: 0 },
                56,
                "children_already_pending",
            ),
            (
                DispatchError::UnknownSymbol(String::new()),
                57,
                "unknown_symbol",
            ),
            (
                DispatchError::SymbolInUse { netuid: 0 },
                58,
                "symbol_in_use",
            ),
            (
                DispatchError::StakeTooLowForRoot {
                    stake: 0,
                    lowest: 0,
                },
                59,
                "stake_too_low_for_root",
            ),
            (DispatchError::NoSelfProxy, 60, "no_self_proxy"),
            (DispatchError::DuplicateProxy, 61, "duplicate_proxy"),
            (
                DispatchError::TooManyProxies { max: 0 },
                62,
                "too_many_proxies",
            ),
            (DispatchError::ProxyNotFound, 63, "proxy_not_found"),
            (DispatchError::NotProxy, 64, "not_proxy"),
            (DispatchError::ProxyUnannounced, 65, "proxy_unannounced"),
            (
                DispatchError::TooManyAnnouncements { max: 0 },
                66,
                "too_many_announcements",
            ),
            (
                DispatchError::AnnouncementNotFound,
                67,
                "announcement_not_found",
            ),
            (
                DispatchError::CallFiltered(plexus_runtime::ProxyType::Any),
                68,
                "call_filtered",
            ),
            (DispatchError::NotNestable, 69, "not_nestable"),
            (DispatchError::TooManyCalls { max: 0 }, 70, "too_many_calls"),
            (
                DispatchError::TooManyCommitmentFields { max: 0 },
                71,
                "too_many_commitment_fields",
            ),
            (
                DispatchError::CommitmentFieldTooLong { max: 0 },
                72,
                "commitment_field_too_long",
            ),
            (
                DispatchError::CommitmentSpaceExceeded { used: 0, limit: 0 },
                73,
                "commitment_space_exceeded",
            ),
            (DispatchError::SameHotkey, 74, "same_hotkey"),
            (DispatchError::NewHotkeyNotClean, 75, "new_hotkey_not_clean"),
            (DispatchError::NoColdkeySwap, 76, "no_coldkey_swap"),
            (
                DispatchError::ColdkeySwapDisputed,
                77,
                "coldkey_swap_disputed",
            ),
            (
                DispatchError::ColdkeySwapPending,
                78,
                "coldkey_swap_pending",
            ),
            (
                DispatchError::ColdkeySwapHashMismatch,
                79,
                "coldkey_swap_hash_mismatch",
            ),
            (
                DispatchError::NewColdkeyNotClean,
                80,
                "new_coldkey_not_clean",
            ),
            (
                DispatchError::LockAboveLimit { lock: 0, limit: 0 },
                81,
                "lock_above_limit",
            ),
            (
                DispatchError::TimelockUnavailable,
                82,
                "timelock_unavailable",
            ),
            (
                DispatchError::TimelockMismatch(true),
                83,
                "timelock_mismatch",
            ),
            (
                DispatchError::RevealRoundOutOfRange {
                    round: Round::default(),
                    reveal: Round::default(),
                    last_view: 0,
                    max: 0,
                },
                84,
                "reveal_round_out_of_range",
            ),
            (
                DispatchError::TimelockedCommitTooLarge { len: 0, max: 0 },
                85,
                "timelocked_commit_too_large",
            ),
            (
                DispatchError::RevealRoundFull(Round::default()),
                86,
                "reveal_round_full",
            ),
            (
                DispatchError::BadValidatorAddress,
                87,
                "bad_validator_address",
            ),
            (DispatchError::BadValidatorProof, 88, "bad_validator_proof"),
            (DispatchError::ValidatorTaken, 89, "validator_taken"),
            (DispatchError::UnknownValidator, 90, "unknown_validator"),
            (
                DispatchError::TooManyValidators { max: 0 },
                91,
                "too_many_validators",
            ),
            (
                DispatchError::BadCommitteeSize { max: 0 },
                92,
                "bad_committee_size",
            ),
            (DispatchError::DuplicateValidator, 93, "duplicate_validator"),
            (DispatchError::NoConsensusEpochs, 94, "no_consensus_epochs"),
        ],
        DispatchError::kind,
        every_dispatch_error_variant_is_listed,
    );
}

/// Does not compile when a variant is added: give it the next number in `kind()`, then a row in
/// the table below.
fn every_block_error_variant_is_listed(e: &BlockError) {
    match e {
        BlockError::WrongHeight { .. }
        | BlockError::WrongParent { .. }
        | BlockError::TimestampNotIncreasing { .. }
        | BlockError::TooManyTransactions { .. }
        | BlockError::TransactionsRootMismatch
        | BlockError::InvalidTransaction { .. }
        | BlockError::StateRootMismatch { .. }
        | BlockError::ViewNotIncreasing { .. }
        | BlockError::WrongSeeds { .. }
        | BlockError::BadSeed { .. }
        | BlockError::WrongEpoch { .. }
        | BlockError::WrongParentView { .. }
        | BlockError::ConsensusTooLarge { .. }
        | BlockError::ConsensusRootMismatch => {}
    }
}

#[test]
fn test_block_error_kinds_are_frozen() {
    check(
        &[
            (
                BlockError::WrongHeight { head: 0, got: 0 },
                0,
                "wrong_height",
            ),
            (
                BlockError::WrongParent {
                    expected: H256::ZERO,
                    got: H256::ZERO,
                },
                1,
                "wrong_parent",
            ),
            (
                BlockError::TimestampNotIncreasing { parent: 0, got: 0 },
                2,
                "timestamp_not_increasing",
            ),
            (
                BlockError::TooManyTransactions { got: 0, max: 0 },
                3,
                "too_many_transactions",
            ),
            (
                BlockError::TransactionsRootMismatch,
                4,
                "transactions_root_mismatch",
            ),
            (
                BlockError::InvalidTransaction {
                    index: 0,
                    error: InvalidTransaction::BadSignature,
                },
                5,
                "invalid_transaction",
            ),
            (
                BlockError::StateRootMismatch {
                    expected: H256::ZERO,
                    computed: H256::ZERO,
                },
                6,
                "state_root_mismatch",
            ),
            (
                BlockError::ViewNotIncreasing { parent: 0, got: 0 },
                7,
                "view_not_increasing",
            ),
            (
                BlockError::WrongSeeds {
                    first: 0,
                    end: 0,
                    got: 0,
                },
                8,
                "wrong_seeds",
            ),
            (BlockError::BadSeed { view: 0 }, 9, "bad_seed"),
            (
                BlockError::WrongEpoch {
                    expected: 0,
                    got: 0,
                },
                10,
                "wrong_epoch",
            ),
            (
                BlockError::WrongParentView {
                    expected: 0,
                    got: 0,
                },
                11,
                "wrong_parent_view",
            ),
            (
                BlockError::ConsensusTooLarge { len: 0, max: 0 },
                12,
                "consensus_too_large",
            ),
            (
                BlockError::ConsensusRootMismatch,
                13,
                "consensus_root_mismatch",
            ),
        ],
        BlockError::kind,
        every_block_error_variant_is_listed,
    );
}

/// Does not compile when a variant is added: give it the next number in `kind()`, then a row in
/// the table below.
fn every_pool_error_variant_is_listed(e: &PoolError) {
    match e {
        PoolError::ZeroAmount
        | PoolError::ZeroOutput
        | PoolError::FeeRateTooHigh
        | PoolError::SwapInputTooLarge
        | PoolError::ReservesTooLow
        | PoolError::ReserveOverflow
        | PoolError::PriceLimitExceeded
        | PoolError::PriceOutOfBounds
        | PoolError::WeightOutOfBounds => {}
    }
}

#[test]
fn test_pool_error_kinds_are_frozen() {
    check(
        &[
            (PoolError::ZeroAmount, 0, "zero_amount"),
            (PoolError::ZeroOutput, 1, "zero_output"),
            (PoolError::FeeRateTooHigh, 2, "fee_rate_too_high"),
            (PoolError::SwapInputTooLarge, 3, "swap_input_too_large"),
            (PoolError::ReservesTooLow, 4, "reserves_too_low"),
            (PoolError::ReserveOverflow, 5, "reserve_overflow"),
            (PoolError::PriceLimitExceeded, 6, "price_limit_exceeded"),
            (PoolError::PriceOutOfBounds, 7, "price_out_of_bounds"),
            (PoolError::WeightOutOfBounds, 8, "weight_out_of_bounds"),
        ],
        PoolError::kind,
        every_pool_error_variant_is_listed,
    );
}

/// Does not compile when a variant is added: give it the next number in `kind()`, then a row in
/// the table below.
fn every_genesis_error_variant_is_listed(e: &GenesisError) {
    match e {
        GenesisError::Json(_)
        | GenesisError::DuplicateAccount(_)
        | GenesisError::BelowExistentialDeposit { .. }
        | GenesisError::OverSupply
        | GenesisError::Params(_)
        | GenesisError::GroupKey
        | GenesisError::EpochLength(_)
        | GenesisError::Consensus => {}
    }
}

#[test]
fn test_genesis_error_kinds_are_frozen() {
    check(
        &[
            (GenesisError::Json(json_error()), 0, "json"),
            (
                GenesisError::DuplicateAccount(AccountId([0; 32])),
                1,
                "duplicate_account",
            ),
            (
                GenesisError::BelowExistentialDeposit {
                    account: AccountId([0; 32]),
                    balance: 0,
                    minimum: 0,
                },
                2,
                "below_existential_deposit",
            ),
            (GenesisError::OverSupply, 3, "over_supply"),
            (GenesisError::Params(String::new()), 4, "params"),
            (GenesisError::GroupKey, 5, "group_key"),
            (GenesisError::EpochLength(0), 6, "epoch_length"),
            (GenesisError::Consensus, 7, "consensus"),
        ],
        GenesisError::kind,
        every_genesis_error_variant_is_listed,
    );
}

/// Does not compile when a variant is added: give it the next number in `kind()`, then a row in
/// the table below.
fn every_state_decode_error_variant_is_listed(e: &StateDecodeError) {
    match e {
        StateDecodeError::UnknownItem(_) | StateDecodeError::Entry { .. } => {}
    }
}

#[test]
fn test_state_decode_error_kinds_are_frozen() {
    check(
        &[
            (
                StateDecodeError::UnknownItem(String::new()),
                0,
                "unknown_item",
            ),
            (
                StateDecodeError::Entry {
                    item: String::new(),
                    reason: String::new(),
                },
                1,
                "entry",
            ),
        ],
        StateDecodeError::kind,
        every_state_decode_error_variant_is_listed,
    );
}

/// Does not compile when a variant is added: give it the next number in `kind()`, then a row in
/// the table below.
fn every_supply_error_variant_is_listed(e: &SupplyError) {
    match e {
        SupplyError::TaoUnaccounted { .. }
        | SupplyError::IssuanceMismatch { .. }
        | SupplyError::AlphaUnaccounted { .. }
        | SupplyError::RootStakeMismatch { .. } => {}
    }
}

#[test]
fn test_supply_error_kinds_are_frozen() {
    check(
        &[
            (
                SupplyError::TaoUnaccounted {
                    created: 0,
                    accounted: 0,
                },
                0,
                "tao_unaccounted",
            ),
            (
                SupplyError::IssuanceMismatch {
                    issuance: 0,
                    balances: 0,
                    pools: 0,
                    root: 0,
                },
                1,
                "issuance_mismatch",
            ),
            (
                SupplyError::AlphaUnaccounted {
                    netuid: 0,
                    minted: 0,
                    held: 0,
                },
                2,
                "alpha_unaccounted",
            ),
            (
                SupplyError::RootStakeMismatch {
                    recorded: 0,
                    staked: 0,
                },
                3,
                "root_stake_mismatch",
            ),
        ],
        SupplyError::kind,
        every_supply_error_variant_is_listed,
    );
}

/// Does not compile when a call is added: give it a name in `Call::name`, then a row below.
fn every_call_is_listed(call: &Call) {
    match call {
        Call::Transfer { .. }
        | Call::TransferKeepAlive { .. }
        | Call::TransferAll { .. }
        | Call::RegisterNetwork { .. }
        | Call::StartCall { .. }
        | Call::SetSubnetIdentity { .. }
        | Call::SetHyperparameter { .. }
        | Call::SetIdentity { .. }
        | Call::BurnedRegister { .. }
        | Call::RegisterLimit { .. }
        | Call::ServeAxon { .. }
        | Call::SetWeights { .. }
        | Call::CommitWeights { .. }
        | Call::CommitTimelockedWeights { .. }
        | Call::RevealWeights { .. }
        | Call::BatchCommitWeights { .. }
        | Call::BatchRevealWeights { .. }
        | Call::AddStake { .. }
        | Call::AddStakeLimit { .. }
        | Call::RemoveStake { .. }
        | Call::RemoveStakeLimit { .. }
        | Call::MoveStake { .. }
        | Call::TransferStake { .. }
        | Call::SwapStake { .. }
        | Call::SwapStakeLimit { .. }
        | Call::UnstakeAll { .. }
        | Call::ClaimRoot { .. }
        | Call::UpdateSymbol { .. }
        | Call::RootRegister { .. }
        | Call::RegisterNetworkLimit { .. }
        | Call::AddProxy { .. }
        | Call::RemoveProxy { .. }
        | Call::RemoveProxies
        | Call::Proxy { .. }
        | Call::Announce { .. }
        | Call::RemoveAnnouncement { .. }
        | Call::RejectAnnouncement { .. }
        | Call::ProxyAnnounced { .. }
        | Call::SetCommitment { .. }
        | Call::SwapHotkey { .. }
        | Call::CreatePure { .. }
        | Call::KillPure { .. }
        | Call::AnnounceColdkeySwap { .. }
        | Call::SwapColdkeyAnnounced { .. }
        | Call::DisputeColdkeySwap
        | Call::ClearColdkeySwapAnnouncement
        | Call::Batch { .. }
        | Call::BatchAll { .. }
        | Call::ForceBatch { .. }
        | Call::SetChildren { .. }
        | Call::SetChildkeyTake { .. }
        | Call::SetRootClaimType { .. }
        | Call::IncreaseTake { .. }
        | Call::DecreaseTake { .. }
        | Call::AnnounceValidator { .. }
        | Call::RetireValidator { .. }
        | Call::Governance(_) => {}
    }
}

#[test]
fn test_call_names_are_frozen() {
    let table = [
        (
            Call::Transfer {
                dest: AccountId([0; 32]),
                value: 0,
            },
            "transfer",
        ),
        (
            Call::TransferKeepAlive {
                dest: AccountId([0; 32]),
                value: 0,
            },
            "transfer_keep_alive",
        ),
        (
            Call::TransferAll {
                dest: AccountId([0; 32]),
                keep_alive: false,
            },
            "transfer_all",
        ),
        (
            Call::RegisterNetwork {
                hotkey: AccountId([0; 32]),
            },
            "register_network",
        ),
        (Call::StartCall { netuid: 0 }, "start_call"),
        (
            Call::SetSubnetIdentity {
                netuid: 0,
                identity: SubnetIdentity::default(),
            },
            "set_subnet_identity",
        ),
        (
            Call::SetHyperparameter {
                netuid: 0,
                value: Hyperparameter::Tempo(0),
            },
            "set_hyperparameter",
        ),
        (
            Call::SetIdentity {
                identity: plexus_runtime::ChainIdentity::default(),
            },
            "set_identity",
        ),
        (
            Call::BurnedRegister {
                netuid: 0,
                hotkey: AccountId([0; 32]),
            },
            "burned_register",
        ),
        (
            Call::RegisterLimit {
                netuid: 0,
                hotkey: AccountId([0; 32]),
                limit_price: 0,
            },
            "register_limit",
        ),
        (
            Call::ServeAxon {
                netuid: 0,
                version: 0,
                ip: 0,
                port: 0,
                ip_type: 0,
                protocol: 0,
            },
            "serve_axon",
        ),
        (
            Call::SetWeights {
                netuid: 0,
                dests: Vec::new(),
                weights: Vec::new(),
                version_key: 0,
            },
            "set_weights",
        ),
        (
            Call::CommitWeights {
                netuid: 0,
                commit_hash: H256::ZERO,
            },
            "commit_weights",
        ),
        (
            Call::CommitTimelockedWeights {
                netuid: 0,
                reveal: Round::default(),
                sealed: Vec::new(),
            },
            "commit_timelocked_weights",
        ),
        (
            Call::RevealWeights {
                netuid: 0,
                uids: Vec::new(),
                values: Vec::new(),
                salt: Vec::new(),
                version_key: 0,
            },
            "reveal_weights",
        ),
        (
            Call::BatchCommitWeights {
                netuids: Vec::new(),
                commit_hashes: Vec::new(),
            },
            "batch_commit_weights",
        ),
        (
            Call::BatchRevealWeights {
                netuid: 0,
                uids_list: Vec::new(),
                values_list: Vec::new(),
                salts_list: Vec::new(),
                version_keys: Vec::new(),
            },
            "batch_reveal_weights",
        ),
        (
            Call::AddStake {
                hotkey: AccountId([0; 32]),
                netuid: 0,
                amount: 0,
            },
            "add_stake",
        ),
        (
            Call::AddStakeLimit {
                hotkey: AccountId([0; 32]),
                netuid: 0,
                amount: 0,
                limit_price: 0,
                allow_partial: false,
            },
            "add_stake_limit",
        ),
        (
            Call::RemoveStake {
                hotkey: AccountId([0; 32]),
                netuid: 0,
                amount: 0,
            },
            "remove_stake",
        ),
        (
            Call::RemoveStakeLimit {
                hotkey: AccountId([0; 32]),
                netuid: 0,
                amount: 0,
                limit_price: 0,
                allow_partial: false,
            },
            "remove_stake_limit",
        ),
        (
            Call::MoveStake {
                origin_hotkey: AccountId([0; 32]),
                destination_hotkey: AccountId([0; 32]),
                origin_netuid: 0,
                destination_netuid: 0,
                amount: 0,
            },
            "move_stake",
        ),
        (
            Call::TransferStake {
                destination_coldkey: AccountId([0; 32]),
                hotkey: AccountId([0; 32]),
                origin_netuid: 0,
                destination_netuid: 0,
                amount: 0,
            },
            "transfer_stake",
        ),
        (
            Call::SwapStake {
                hotkey: AccountId([0; 32]),
                origin_netuid: 0,
                destination_netuid: 0,
                amount: 0,
            },
            "swap_stake",
        ),
        (
            Call::SwapStakeLimit {
                hotkey: AccountId([0; 32]),
                origin_netuid: 0,
                destination_netuid: 0,
                amount: 0,
                limit_price: 0,
                allow_partial: false,
            },
            "swap_stake_limit",
        ),
        (
            Call::UnstakeAll {
                hotkey: AccountId([0; 32]),
            },
            "unstake_all",
        ),
        (Call::ClaimRoot { subnets: vec![1] }, "claim_root"),
        (
            Call::RootRegister {
                hotkey: AccountId([0; 32]),
            },
            "root_register",
        ),
        (
            Call::AddProxy {
                delegate: AccountId([0; 32]),
                proxy_type: plexus_runtime::ProxyType::Any,
                delay: 0,
            },
            "add_proxy",
        ),
        (
            Call::RemoveProxy {
                delegate: AccountId([0; 32]),
                proxy_type: plexus_runtime::ProxyType::Any,
                delay: 0,
            },
            "remove_proxy",
        ),
        (Call::RemoveProxies, "remove_proxies"),
        (
            Call::RegisterNetworkLimit {
                hotkey: AccountId([0; 32]),
                max_lock: 0,
            },
            "register_network_limit",
        ),
        (
            Call::Proxy {
                real: AccountId([0; 32]),
                force_proxy_type: None,
                call: Box::new(Call::RemoveProxies),
            },
            "proxy",
        ),
        (
            Call::Announce {
                real: AccountId([0; 32]),
                call_hash: H256([0; 32]),
            },
            "announce",
        ),
        (
            Call::RemoveAnnouncement {
                real: AccountId([0; 32]),
                call_hash: H256([0; 32]),
            },
            "remove_announcement",
        ),
        (
            Call::RejectAnnouncement {
                delegate: AccountId([0; 32]),
                call_hash: H256([0; 32]),
            },
            "reject_announcement",
        ),
        (
            Call::ProxyAnnounced {
                delegate: AccountId([0; 32]),
                real: AccountId([0; 32]),
                force_proxy_type: None,
                call: Box::new(Call::RemoveProxies),
            },
            "proxy_announced",
        ),
        (
            Call::SetCommitment {
                netuid: 1,
                fields: vec![],
            },
            "set_commitment",
        ),
        (
            Call::SwapHotkey {
                hotkey: AccountId([0; 32]),
                new_hotkey: AccountId([1; 32]),
                netuid: None,
            },
            "swap_hotkey",
        ),
        (
            Call::AnnounceColdkeySwap {
                new_coldkey_hash: H256([0; 32]),
            },
            "announce_coldkey_swap",
        ),
        (
            Call::SwapColdkeyAnnounced {
                new_coldkey: AccountId([0; 32]),
            },
            "swap_coldkey_announced",
        ),
        (Call::DisputeColdkeySwap, "dispute_coldkey_swap"),
        (
            Call::ClearColdkeySwapAnnouncement,
            "clear_coldkey_swap_announcement",
        ),
        (
            Call::CreatePure {
                proxy_type: plexus_runtime::ProxyType::Any,
                delay: 0,
                index: 0,
            },
            "create_pure",
        ),
        (
            Call::KillPure {
                spawner: AccountId([0; 32]),
                proxy_type: plexus_runtime::ProxyType::Any,
                index: 0,
                height: 0,
                ext_index: 0,
            },
            "kill_pure",
        ),
        (Call::Batch { calls: vec![] }, "batch"),
        (Call::BatchAll { calls: vec![] }, "batch_all"),
        (Call::ForceBatch { calls: vec![] }, "force_batch"),
        (
            Call::UpdateSymbol {
                netuid: 1,
                symbol: String::new(),
            },
            "update_symbol",
        ),
        (
            Call::SetChildren {
                hotkey: AccountId([0; 32]),
                netuid: 1,
                children: vec![],
            },
            "set_children",
        ),
        (
            Call::SetChildkeyTake {
                hotkey: AccountId([0; 32]),
                netuid: 1,
                take: 0,
            },
            "set_childkey_take",
        ),
        (
            Call::SetRootClaimType {
                claim_type: plexus_runtime::RootClaimType::Keep,
            },
            "set_root_claim_type",
        ),
        (
            Call::IncreaseTake {
                hotkey: AccountId([0; 32]),
                take: 0,
            },
            "increase_take",
        ),
        (
            Call::DecreaseTake {
                hotkey: AccountId([0; 32]),
                take: 0,
            },
            "decrease_take",
        ),
        (
            Call::AnnounceValidator {
                key: plexus_runtime::ValidatorId::default(),
                address: String::new(),
                proof: plexus_runtime::ValidatorProof([0; 64]),
            },
            "announce_validator",
        ),
        (
            Call::RetireValidator {
                key: plexus_runtime::ValidatorId::default(),
            },
            "retire_validator",
        ),
        (Call::Governance(GovernanceCall::SetKey(None)), "governance"),
    ];
    let mut names = BTreeSet::new();
    for (call, name) in &table {
        every_call_is_listed(call);
        assert_eq!(call.name(), *name, "{call:?}");
        assert!(names.insert(*name), "{name} appears twice");
    }
}
