//! The second transaction envelope: the Substrate extrinsics Bittensor's clients sign.
//!
//! The Python SDK and `btcli` build version-4 signed extrinsics from the metadata a node serves
//! (`MultiAddress` signer, `MultiSignature`, the signed extensions' era, nonce, tip and
//! metadata-hash mode) and sign the Substrate payload. A signature cannot be moved to another
//! format, so the chain accepts these bytes as they are: [`Extrinsic`] decodes them strictly,
//! keeps them whole (they are what a block stores and what the transaction's hash is taken
//! over), and maps the call onto the [`Call`] Plexus's own envelope carries, so fees, nonces,
//! rate limits and every rule stay in one place.
//!
//! [`CALLS`] is the one list of the pallet calls accepted, with their indices and argument
//! types; the metadata a node serves declares the same list.

use crate::tx::{Call, GovernanceCall};
use crate::InvalidTransaction;
use parity_scale_codec::{Compact, Decode, Encode, Input};
use plexus_primitives::{blake2_256, AccountId, BlockNumber, NetUid, Signature, H256};

/// The runtime description's version the clients see and sign (`CheckSpecVersion`). It changes
/// whenever the metadata does: the clients cache what they decode per spec version.
pub const SPEC_VERSION: u32 = 1;
/// Changes whenever what a signed transaction looks like changes (`CheckTxVersion`).
pub const TRANSACTION_VERSION: u32 = 1;
/// How many recent block hashes the state keeps for mortal extrinsics to name their birth
/// block by (Substrate's `BlockHashCount`); an era can be no longer.
pub const BLOCK_HASH_COUNT: BlockNumber = 4096;

/// `Balances`' pallet index.
pub const BALANCES: u8 = 5;
/// `SubtensorModule`'s pallet index.
pub const SUBTENSOR: u8 = 7;
/// `Sudo`'s pallet index: the governance account's wrapper for root-only calls.
pub const SUDO: u8 = 12;
/// `Utility`'s pallet index (batches).
pub const UTILITY: u8 = 11;
/// `Proxy`'s pallet index.
pub const PROXY: u8 = 16;
/// `AdminUtils`' pallet index (the hyperparameter calls).
pub const ADMIN_UTILS: u8 = 19;

/// An argument's type on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgType {
    /// `bool`.
    Bool,
    /// `u8`.
    U8,
    /// `u16`.
    U16,
    /// `i16`.
    I16,
    /// `u32`.
    U32,
    /// `u64`.
    U64,
    /// `u128`.
    U128,
    /// `Compact<u64>`.
    CompactU64,
    /// `AccountId32`.
    AccountId,
    /// `MultiAddress<AccountId32, ()>` (only `Id` is accepted).
    MultiAddress,
    /// `H256`.
    H256,
    /// `Vec<u16>`.
    VecU16,
    /// `Vec<u8>`, holding UTF-8 text.
    Text,
    /// `Box<RuntimeCall>`: another call of this list, its pallet and call indices first. Only
    /// one level deep: a wrapped call does not wrap another.
    Call,
    /// `BTreeSet<NetUid>`: netuids, encoded as a `Vec<u16>`.
    NetUids,
    /// `Vec<(u64, AccountId32)>`: (proportion, child hotkey) pairs.
    Children,
    /// `RootClaimTypeEnum`: `Swap`, `Keep`, or `KeepSubnets { subnets: BTreeSet<NetUid> }`.
    RootClaimType,
    /// `Vec<RuntimeCall>`: calls of this list (a batch's).
    Calls,
    /// `ProxyType`, by Bittensor's indices.
    ProxyType,
    /// `Option<ProxyType>`.
    OptionProxyType,
}

/// One pallet call the chain accepts in a Substrate extrinsic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallSpec {
    /// The pallet's index.
    pub pallet: u8,
    /// The call's index in its pallet.
    pub index: u8,
    /// The call's name, as the metadata gives it.
    pub name: &'static str,
    /// Argument names and types, in order.
    pub args: &'static [(&'static str, ArgType)],
}

const fn call(
    pallet: u8,
    index: u8,
    name: &'static str,
    args: &'static [(&'static str, ArgType)],
) -> CallSpec {
    CallSpec {
        pallet,
        index,
        name,
        args,
    }
}

use ArgType as A;

const TRANSFER: &[(&str, ArgType)] = &[("dest", A::MultiAddress), ("value", A::CompactU64)];
/// Every call accepted in a Substrate extrinsic, under Bittensor's pallet and call indices and
/// argument names.
pub static CALLS: &[CallSpec] = &[
    call(BALANCES, 0, "transfer_allow_death", TRANSFER),
    call(BALANCES, 3, "transfer_keep_alive", TRANSFER),
    call(
        BALANCES,
        4,
        "transfer_all",
        &[("dest", A::MultiAddress), ("keep_alive", A::Bool)],
    ),
    call(
        SUBTENSOR,
        0,
        "set_weights",
        &[
            ("netuid", A::U16),
            ("dests", A::VecU16),
            ("weights", A::VecU16),
            ("version_key", A::U64),
        ],
    ),
    call(
        SUBTENSOR,
        2,
        "add_stake",
        &[
            ("hotkey", A::AccountId),
            ("netuid", A::U16),
            ("amount_staked", A::U64),
        ],
    ),
    call(
        SUBTENSOR,
        3,
        "remove_stake",
        &[
            ("hotkey", A::AccountId),
            ("netuid", A::U16),
            ("amount_unstaked", A::U64),
        ],
    ),
    call(
        SUBTENSOR,
        4,
        "serve_axon",
        &[
            ("netuid", A::U16),
            ("version", A::U32),
            ("ip", A::U128),
            ("port", A::U16),
            ("ip_type", A::U8),
            ("protocol", A::U8),
            ("placeholder1", A::U8),
            ("placeholder2", A::U8),
        ],
    ),
    call(
        SUBTENSOR,
        7,
        "burned_register",
        &[("netuid", A::U16), ("hotkey", A::AccountId)],
    ),
    call(
        SUBTENSOR,
        59,
        "register_network",
        &[("hotkey", A::AccountId)],
    ),
    call(
        SUBTENSOR,
        65,
        "decrease_take",
        &[("hotkey", A::AccountId), ("take", A::U16)],
    ),
    call(
        SUBTENSOR,
        66,
        "increase_take",
        &[("hotkey", A::AccountId), ("take", A::U16)],
    ),
    call(
        SUBTENSOR,
        68,
        "set_identity",
        &[
            ("name", A::Text),
            ("url", A::Text),
            ("github_repo", A::Text),
            ("image", A::Text),
            ("discord", A::Text),
            ("description", A::Text),
            ("additional", A::Text),
        ],
    ),
    call(
        SUBTENSOR,
        67,
        "set_children",
        &[
            ("hotkey", A::AccountId),
            ("netuid", A::U16),
            ("children", A::Children),
        ],
    ),
    call(
        SUBTENSOR,
        75,
        "set_childkey_take",
        &[
            ("hotkey", A::AccountId),
            ("netuid", A::U16),
            ("take", A::U16),
        ],
    ),
    call(SUBTENSOR, 62, "root_register", &[("hotkey", A::AccountId)]),
    call(SUBTENSOR, 83, "unstake_all", &[("hotkey", A::AccountId)]),
    call(
        SUBTENSOR,
        85,
        "move_stake",
        &[
            ("origin_hotkey", A::AccountId),
            ("destination_hotkey", A::AccountId),
            ("origin_netuid", A::U16),
            ("destination_netuid", A::U16),
            ("alpha_amount", A::U64),
        ],
    ),
    call(
        SUBTENSOR,
        86,
        "transfer_stake",
        &[
            ("destination_coldkey", A::AccountId),
            ("hotkey", A::AccountId),
            ("origin_netuid", A::U16),
            ("destination_netuid", A::U16),
            ("alpha_amount", A::U64),
        ],
    ),
    call(
        SUBTENSOR,
        87,
        "swap_stake",
        &[
            ("hotkey", A::AccountId),
            ("origin_netuid", A::U16),
            ("destination_netuid", A::U16),
            ("alpha_amount", A::U64),
        ],
    ),
    call(
        SUBTENSOR,
        90,
        "swap_stake_limit",
        &[
            ("hotkey", A::AccountId),
            ("origin_netuid", A::U16),
            ("destination_netuid", A::U16),
            ("alpha_amount", A::U64),
            ("limit_price", A::U64),
            ("allow_partial", A::Bool),
        ],
    ),
    call(SUBTENSOR, 92, "start_call", &[("netuid", A::U16)]),
    call(
        SUBTENSOR,
        112,
        "update_symbol",
        &[("netuid", A::U16), ("symbol", A::Text)],
    ),
    call(SUBTENSOR, 121, "claim_root", &[("subnets", A::NetUids)]),
    call(
        SUBTENSOR,
        122,
        "set_root_claim_type",
        &[("new_root_claim_type", A::RootClaimType)],
    ),
    call(
        SUBTENSOR,
        134,
        "register_limit",
        &[
            ("netuid", A::U16),
            ("hotkey", A::AccountId),
            ("limit_price", A::U64),
        ],
    ),
    call(
        SUBTENSOR,
        139,
        "set_tempo",
        &[("netuid", A::U16), ("tempo", A::U16)],
    ),
    call(
        SUBTENSOR,
        140,
        "set_activity_cutoff_factor",
        &[("netuid", A::U16), ("factor_milli", A::U32)],
    ),
    call(SUDO, 0, "sudo", &[("call", A::Call)]),
    call(UTILITY, 0, "batch", &[("calls", A::Calls)]),
    call(UTILITY, 2, "batch_all", &[("calls", A::Calls)]),
    call(UTILITY, 4, "force_batch", &[("calls", A::Calls)]),
    call(
        PROXY,
        0,
        "proxy",
        &[
            ("real", A::MultiAddress),
            ("force_proxy_type", A::OptionProxyType),
            ("call", A::Call),
        ],
    ),
    call(
        PROXY,
        1,
        "add_proxy",
        &[
            ("delegate", A::MultiAddress),
            ("proxy_type", A::ProxyType),
            ("delay", A::U32),
        ],
    ),
    call(
        PROXY,
        2,
        "remove_proxy",
        &[
            ("delegate", A::MultiAddress),
            ("proxy_type", A::ProxyType),
            ("delay", A::U32),
        ],
    ),
    call(PROXY, 3, "remove_proxies", &[]),
    call(
        SUBTENSOR,
        88,
        "add_stake_limit",
        &[
            ("hotkey", A::AccountId),
            ("netuid", A::U16),
            ("amount_staked", A::U64),
            ("limit_price", A::U64),
            ("allow_partial", A::Bool),
        ],
    ),
    call(
        SUBTENSOR,
        89,
        "remove_stake_limit",
        &[
            ("hotkey", A::AccountId),
            ("netuid", A::U16),
            ("amount_unstaked", A::U64),
            ("limit_price", A::U64),
            ("allow_partial", A::Bool),
        ],
    ),
    call(
        SUBTENSOR,
        96,
        "commit_weights",
        &[("netuid", A::U16), ("commit_hash", A::H256)],
    ),
    call(
        SUBTENSOR,
        97,
        "reveal_weights",
        &[
            ("netuid", A::U16),
            ("uids", A::VecU16),
            ("values", A::VecU16),
            ("salt", A::VecU16),
            ("version_key", A::U64),
        ],
    ),
    call(
        SUBTENSOR,
        115,
        "commit_mechanism_weights",
        &[
            ("netuid", A::U16),
            ("mecid", A::U8),
            ("commit_hash", A::H256),
        ],
    ),
    call(
        SUBTENSOR,
        116,
        "reveal_mechanism_weights",
        &[
            ("netuid", A::U16),
            ("mecid", A::U8),
            ("uids", A::VecU16),
            ("values", A::VecU16),
            ("salt", A::VecU16),
            ("version_key", A::U64),
        ],
    ),
    call(
        SUBTENSOR,
        119,
        "set_mechanism_weights",
        &[
            ("netuid", A::U16),
            ("mecid", A::U8),
            ("dests", A::VecU16),
            ("weights", A::VecU16),
            ("version_key", A::U64),
        ],
    ),
    call(
        ADMIN_UTILS,
        3,
        "sudo_set_serving_rate_limit",
        &[("netuid", A::U16), ("serving_rate_limit", A::U64)],
    ),
    call(
        ADMIN_UTILS,
        6,
        "sudo_set_weights_version_key",
        &[("netuid", A::U16), ("weights_version_key", A::U64)],
    ),
    call(
        ADMIN_UTILS,
        7,
        "sudo_set_weights_set_rate_limit",
        &[("netuid", A::U16), ("weights_set_rate_limit", A::U64)],
    ),
    call(
        ADMIN_UTILS,
        13,
        "sudo_set_immunity_period",
        &[("netuid", A::U16), ("immunity_period", A::U16)],
    ),
    call(
        ADMIN_UTILS,
        14,
        "sudo_set_min_allowed_weights",
        &[("netuid", A::U16), ("min_allowed_weights", A::U16)],
    ),
    call(
        ADMIN_UTILS,
        15,
        "sudo_set_max_allowed_uids",
        &[("netuid", A::U16), ("max_allowed_uids", A::U16)],
    ),
    call(
        ADMIN_UTILS,
        17,
        "sudo_set_rho",
        &[("netuid", A::U16), ("rho", A::U16)],
    ),
    call(
        ADMIN_UTILS,
        22,
        "sudo_set_min_burn",
        &[("netuid", A::U16), ("min_burn", A::U64)],
    ),
    call(
        ADMIN_UTILS,
        23,
        "sudo_set_max_burn",
        &[("netuid", A::U16), ("max_burn", A::U64)],
    ),
    call(
        ADMIN_UTILS,
        26,
        "sudo_set_bonds_moving_average",
        &[("netuid", A::U16), ("bonds_moving_average", A::U64)],
    ),
    call(
        ADMIN_UTILS,
        49,
        "sudo_set_commit_reveal_weights_enabled",
        &[("netuid", A::U16), ("enabled", A::Bool)],
    ),
    call(
        ADMIN_UTILS,
        50,
        "sudo_set_liquid_alpha_enabled",
        &[("netuid", A::U16), ("enabled", A::Bool)],
    ),
    call(
        ADMIN_UTILS,
        51,
        "sudo_set_alpha_values",
        &[
            ("netuid", A::U16),
            ("alpha_low", A::U16),
            ("alpha_high", A::U16),
        ],
    ),
    call(
        ADMIN_UTILS,
        57,
        "sudo_set_commit_reveal_weights_interval",
        &[("netuid", A::U16), ("interval", A::U64)],
    ),
    call(
        ADMIN_UTILS,
        60,
        "sudo_set_bonds_penalty",
        &[("netuid", A::U16), ("bonds_penalty", A::U16)],
    ),
    call(
        ADMIN_UTILS,
        69,
        "sudo_set_yuma3_enabled",
        &[("netuid", A::U16), ("enabled", A::Bool)],
    ),
    call(
        ADMIN_UTILS,
        70,
        "sudo_set_bonds_reset_enabled",
        &[("netuid", A::U16), ("enabled", A::Bool)],
    ),
    call(
        ADMIN_UTILS,
        72,
        "sudo_set_owner_immune_neuron_limit",
        &[("netuid", A::U16), ("immune_neurons", A::U16)],
    ),
    call(
        ADMIN_UTILS,
        89,
        "sudo_set_burn_half_life",
        &[("netuid", A::U16), ("burn_half_life", A::U16)],
    ),
    // Root's alone on Bittensor, sent inside `Sudo.sudo` by the governance account; Plexus's
    // owners may send those Plexus lets them set, within the owners' bounds.
    call(
        ADMIN_UTILS,
        16,
        "sudo_set_kappa",
        &[("netuid", A::U16), ("kappa", A::U16)],
    ),
    call(
        ADMIN_UTILS,
        19,
        "sudo_set_network_registration_allowed",
        &[("netuid", A::U16), ("registration_allowed", A::Bool)],
    ),
    call(
        ADMIN_UTILS,
        25,
        "sudo_set_max_allowed_validators",
        &[("netuid", A::U16), ("max_allowed_validators", A::U16)],
    ),
    call(
        ADMIN_UTILS,
        30,
        "sudo_set_tempo",
        &[("netuid", A::U16), ("tempo", A::U16)],
    ),
    call(
        ADMIN_UTILS,
        68,
        "sudo_set_alpha_sigmoid_steepness",
        &[("netuid", A::U16), ("steepness", A::I16)],
    ),
    call(
        ADMIN_UTILS,
        79,
        "sudo_set_min_allowed_uids",
        &[("netuid", A::U16), ("min_allowed_uids", A::U16)],
    ),
    call(
        ADMIN_UTILS,
        84,
        "sudo_set_min_non_immune_uids",
        &[("netuid", A::U16), ("min", A::U16)],
    ),
    // Root's chain-wide parameters: the governance account's alone.
    call(
        ADMIN_UTILS,
        29,
        "sudo_set_network_rate_limit",
        &[("rate_limit", A::U64)],
    ),
    call(
        ADMIN_UTILS,
        36,
        "sudo_set_network_min_lock_cost",
        &[("lock_cost", A::U64)],
    ),
    call(
        ADMIN_UTILS,
        37,
        "sudo_set_subnet_limit",
        &[("max_subnets", A::U16)],
    ),
    call(
        ADMIN_UTILS,
        42,
        "sudo_set_stake_threshold",
        &[("min_stake", A::U64)],
    ),
    call(
        ADMIN_UTILS,
        45,
        "sudo_set_tx_delegate_take_rate_limit",
        &[("tx_rate_limit", A::U64)],
    ),
    call(
        ADMIN_UTILS,
        46,
        "sudo_set_min_delegate_take",
        &[("take", A::U16)],
    ),
    call(
        ADMIN_UTILS,
        74,
        "sudo_set_admin_freeze_window",
        &[("window", A::U16)],
    ),
    call(
        ADMIN_UTILS,
        75,
        "sudo_set_owner_hparam_rate_limit",
        &[("epochs", A::U16)],
    ),
    call(
        ADMIN_UTILS,
        85,
        "sudo_set_start_call_delay",
        &[("delay", A::U64)],
    ),
];

/// A decoded argument.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Arg {
    Int(u128),
    Signed(i16),
    Bool(bool),
    Account(AccountId),
    Hash(H256),
    U16s(Vec<u16>),
    Text(String),
    Call(Box<Call>),
    Children(Vec<(u64, AccountId)>),
    ClaimType(crate::RootClaimType),
    Calls(Vec<Call>),
    ProxyType(Option<crate::ProxyType>),
}

/// A transaction's lifetime: forever, or `period` blocks from the block whose number is
/// `phase` modulo `period` (Substrate's `Era`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Era {
    /// Valid at any block.
    Immortal,
    /// Valid from its birth block for `period` blocks.
    Mortal {
        /// A power of two, 4 to 65,536.
        period: u64,
        /// The birth block's number modulo `period`.
        phase: u64,
    },
}

impl Era {
    fn decode(input: &mut &[u8]) -> Result<Self, String> {
        let first = u8::decode(input).map_err(|_| "no era".to_string())?;
        if first == 0 {
            return Ok(Self::Immortal);
        }
        let second = u8::decode(input).map_err(|_| "a truncated era".to_string())?;
        let encoded = u64::from(first) | (u64::from(second) << 8);
        let period = 2u64 << (encoded % 16);
        let quantize = (period >> 12).max(1);
        let phase = (encoded >> 4) * quantize;
        if period < 4 || phase >= period {
            return Err("an invalid era".into());
        }
        Ok(Self::Mortal { period, phase })
    }

    /// The birth block for a transaction applied at block `current`: the last block at or
    /// before it whose number is the phase modulo the period.
    pub fn birth(&self, current: BlockNumber) -> BlockNumber {
        match *self {
            Self::Immortal => 0,
            Self::Mortal { period, phase } => {
                (current.max(phase) - phase) / period * period + phase
            }
        }
    }

    /// The last block a transaction applied at `current` is valid in, `None` if immortal.
    pub fn valid_until(&self, current: BlockNumber) -> Option<BlockNumber> {
        match *self {
            Self::Immortal => None,
            Self::Mortal { period, .. } => Some(self.birth(current).saturating_add(period - 1)),
        }
    }
}

/// A signed Substrate extrinsic, decoded, with its bytes kept whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extrinsic {
    /// Every byte, the length prefix included: what a block stores and the hash covers.
    bytes: Vec<u8>,
    /// Where the signed extensions' bytes (era, nonce, tip, mode) start and the call starts.
    extra_at: usize,
    call_at: usize,
    signer: AccountId,
    signature: Signature,
    era: Era,
    nonce: u32,
    tip: u64,
    call: Call,
}

fn malformed(why: impl Into<String>) -> InvalidTransaction {
    InvalidTransaction::Malformed(why.into())
}

impl Extrinsic {
    /// Decodes `bytes` (length prefix included) strictly: the prefix must give the exact
    /// length, every field must decode, and nothing may follow the call's arguments.
    pub fn decode_bytes(bytes: &[u8], max_bytes: u32) -> Result<Self, InvalidTransaction> {
        if bytes.len() > max_bytes as usize {
            return Err(InvalidTransaction::TooBig {
                size: bytes.len(),
                max: max_bytes,
            });
        }
        let mut input = bytes;
        let length = Compact::<u32>::decode(&mut input)
            .map_err(|_| malformed("no length prefix"))?
            .0;
        let prefix = bytes.len() - input.len();
        if Compact(length).encode().len() != prefix {
            return Err(malformed("a non-canonical length prefix"));
        }
        if length as usize != input.len() {
            return Err(malformed(format!(
                "the length prefix says {length} bytes, {} follow",
                input.len()
            )));
        }
        match u8::decode(&mut input).map_err(|_| malformed("no version"))? {
            0x84 => {}
            0x04 => return Err(malformed("unsigned extrinsics are not accepted")),
            v => return Err(malformed(format!("extrinsic version {v:#04x} is not 0x84"))),
        }
        if u8::decode(&mut input).map_err(|_| malformed("no address"))? != 0 {
            return Err(malformed("the signer must be a MultiAddress::Id"));
        }
        let signer = AccountId(<[u8; 32]>::decode(&mut input).map_err(|_| malformed("no signer"))?);
        match u8::decode(&mut input).map_err(|_| malformed("no signature"))? {
            1 => {}
            0 => {
                return Err(malformed(
                    "ed25519 signatures are not accepted; sign with sr25519",
                ))
            }
            2 => {
                return Err(malformed(
                    "ecdsa signatures are not accepted; sign with sr25519",
                ))
            }
            v => return Err(malformed(format!("unknown signature type {v}"))),
        }
        let signature =
            Signature(<[u8; 64]>::decode(&mut input).map_err(|_| malformed("a short signature"))?);
        let extra_at = bytes.len() - input.len();
        let era = Era::decode(&mut input).map_err(malformed)?;
        let nonce = Compact::<u32>::decode(&mut input)
            .map_err(|_| malformed("no nonce"))?
            .0;
        let tip = Compact::<u64>::decode(&mut input)
            .map_err(|_| malformed("no tip"))?
            .0;
        match u8::decode(&mut input).map_err(|_| malformed("no metadata-hash mode"))? {
            0 => {}
            1 => {
                return Err(malformed(
                    "CheckMetadataHash mode 1 is not supported; use 0",
                ))
            }
            v => return Err(malformed(format!("unknown metadata-hash mode {v}"))),
        }
        let call_at = bytes.len() - input.len();
        let call = decode_call(&mut input, 0)?;
        if !input.is_empty() {
            return Err(malformed(format!(
                "{} bytes after the call's arguments",
                input.len()
            )));
        }
        Ok(Self {
            bytes: bytes.to_vec(),
            extra_at,
            call_at,
            signer,
            signature,
            era,
            nonce,
            tip,
            call,
        })
    }

    /// Every byte, the length prefix included.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The extrinsic hash the clients compute: BLAKE2b-256 of every byte.
    pub fn hash(&self) -> H256 {
        blake2_256(&self.bytes)
    }

    /// The signer.
    pub fn signer(&self) -> AccountId {
        self.signer
    }

    /// The signature.
    pub fn signature(&self) -> Signature {
        self.signature
    }

    /// Its lifetime.
    pub fn era(&self) -> Era {
        self.era
    }

    /// The signer's nonce.
    pub fn nonce(&self) -> u64 {
        u64::from(self.nonce)
    }

    /// The tip, rao.
    pub fn tip(&self) -> u64 {
        self.tip
    }

    /// The Plexus call it maps onto.
    pub fn call(&self) -> &Call {
        &self.call
    }

    /// What the signer signed, for a chain whose genesis is `genesis_hash` and where the era's
    /// birth block is `birth_hash` (the genesis hash if immortal): the call, the extensions'
    /// bytes, then spec and transaction versions, genesis and birth hashes and the (absent)
    /// metadata hash; hashed with BLAKE2b-256 if longer than 256 bytes.
    pub fn signing_payload(&self, genesis_hash: H256, birth_hash: H256) -> Vec<u8> {
        signing_payload(
            &self.bytes[self.call_at..],
            &self.bytes[self.extra_at..self.call_at],
            genesis_hash,
            birth_hash,
        )
    }
}

/// What is signed: the call, the extensions' bytes, the spec and transaction versions, the
/// genesis and birth hashes and the absent metadata hash; BLAKE2b-256 of that when longer than
/// 256 bytes.
fn signing_payload(call: &[u8], extra: &[u8], genesis_hash: H256, birth_hash: H256) -> Vec<u8> {
    let mut payload = Vec::with_capacity(call.len() + extra.len() + 73);
    payload.extend_from_slice(call);
    payload.extend_from_slice(extra);
    SPEC_VERSION.encode_to(&mut payload);
    TRANSACTION_VERSION.encode_to(&mut payload);
    payload.extend_from_slice(&genesis_hash.0);
    payload.extend_from_slice(&birth_hash.0);
    payload.push(0);
    if payload.len() > 256 {
        return blake2_256(&payload).0.to_vec();
    }
    payload
}

/// Signs `call` (a pallet call's bytes, as [`CALLS`] lays them out) as a Substrate extrinsic
/// of `keypair` with `nonce` for the chain whose genesis is `genesis_hash`: immortal, or
/// `mortal` for `(period, birth block number, birth block hash)`. For tools, tests and
/// benchmarks; Bittensor's clients build their own.
pub fn sign(
    keypair: &schnorrkel::Keypair,
    genesis_hash: H256,
    mortal: Option<(u64, BlockNumber, H256)>,
    nonce: u32,
    call: &[u8],
) -> Vec<u8> {
    let (mut extra, birth_hash) = match mortal {
        None => (vec![0], genesis_hash),
        Some((period, birth, hash)) => {
            let period = period.clamp(4, 1 << 16).next_power_of_two();
            let quantize = (period >> 12).max(1);
            let phase = birth % period / quantize;
            let encoded = (u64::from(period.trailing_zeros()) - 1).clamp(1, 15) | (phase << 4);
            let encoded = u16::try_from(encoded).unwrap_or(u16::MAX);
            (encoded.to_le_bytes().to_vec(), hash)
        }
    };
    Compact(nonce).encode_to(&mut extra);
    Compact(0u64).encode_to(&mut extra);
    extra.push(0);
    let payload = signing_payload(call, &extra, genesis_hash, birth_hash);
    let signature = plexus_primitives::sign(keypair, &payload);
    let mut body = vec![0x84, 0x00];
    body.extend_from_slice(&keypair.public.to_bytes());
    body.push(0x01);
    body.extend_from_slice(&signature.0);
    body.extend_from_slice(&extra);
    body.extend_from_slice(call);
    let mut bytes = Compact(u32::try_from(body.len()).unwrap_or(u32::MAX)).encode();
    bytes.extend(body);
    bytes
}

impl Encode for Extrinsic {
    fn size_hint(&self) -> usize {
        self.bytes.len()
    }

    fn encode_to<T: parity_scale_codec::Output + ?Sized>(&self, dest: &mut T) {
        // The bytes begin with their own length, so they delimit themselves.
        dest.write(&self.bytes);
    }
}

impl Decode for Extrinsic {
    fn decode<I: Input>(input: &mut I) -> Result<Self, parity_scale_codec::Error> {
        let length = Compact::<u32>::decode(input)?.0;
        let mut bytes = Compact(length).encode();
        let prefix = bytes.len();
        let body_len = length as usize;
        if input.remaining_len()?.is_some_and(|left| left < body_len) {
            return Err("extrinsic longer than its input".into());
        }
        bytes.resize(prefix + body_len, 0);
        input.read(&mut bytes[prefix..])?;
        Self::decode_bytes(&bytes, u32::MAX).map_err(|_| "malformed extrinsic".into())
    }
}

/// How deep calls may wrap calls (a proxy of a batch of proxy calls, …).
const MAX_CALL_DEPTH: u32 = 4;

fn decode_call(input: &mut &[u8], depth: u32) -> Result<Call, InvalidTransaction> {
    let pallet = u8::decode(input).map_err(|_| malformed("no call"))?;
    let index = u8::decode(input).map_err(|_| malformed("no call index"))?;
    let spec = CALLS
        .iter()
        .find(|c| c.pallet == pallet && c.index == index)
        .ok_or_else(|| malformed(format!("unknown call {pallet}.{index}")))?;
    let mut args = Vec::with_capacity(spec.args.len());
    for (name, ty) in spec.args {
        let arg = if matches!(ty, A::Call | A::Calls) {
            if depth >= MAX_CALL_DEPTH {
                return Err(malformed(format!("{} nested too deep", spec.name)));
            }
            if *ty == A::Call {
                Arg::Call(Box::new(decode_call(input, depth + 1)?))
            } else {
                let count = Compact::<u32>::decode(input)
                    .map_err(|_| malformed(format!("{}'s argument {name}: too short", spec.name)))?
                    .0;
                // Every call takes at least its two index bytes: a count beyond what is left
                // is a lie, refused before allocating for it.
                if count as usize > input.len() / 2 {
                    return Err(malformed(format!("{}: more calls than bytes", spec.name)));
                }
                let calls = (0..count)
                    .map(|_| decode_call(input, depth + 1))
                    .collect::<Result<Vec<Call>, _>>()?;
                Arg::Calls(calls)
            }
        } else {
            decode_arg(*ty, input)
                .map_err(|e| malformed(format!("{}'s argument {name}: {e}", spec.name)))?
        };
        args.push(arg);
    }
    to_call(spec.name, args).map_err(|e| malformed(format!("{}: {e}", spec.name)))
}

fn decode_arg(ty: ArgType, input: &mut &[u8]) -> Result<Arg, String> {
    let short = |_| "too short".to_string();
    Ok(match ty {
        A::Bool => Arg::Bool(bool::decode(input).map_err(|_| "not a bool".to_string())?),
        A::U8 => Arg::Int(u8::decode(input).map_err(short)?.into()),
        A::U16 => Arg::Int(u16::decode(input).map_err(short)?.into()),
        A::I16 => Arg::Signed(i16::decode(input).map_err(short)?),
        A::U32 => Arg::Int(u32::decode(input).map_err(short)?.into()),
        A::U64 => Arg::Int(u64::decode(input).map_err(short)?.into()),
        A::U128 => Arg::Int(u128::decode(input).map_err(short)?),
        A::CompactU64 => {
            let before = *input;
            let value = Compact::<u64>::decode(input).map_err(short)?.0;
            if Compact(value).encode().len() != before.len() - input.len() {
                return Err("a non-canonical compact integer".into());
            }
            Arg::Int(value.into())
        }
        A::AccountId => Arg::Account(AccountId(<[u8; 32]>::decode(input).map_err(short)?)),
        A::MultiAddress => match u8::decode(input).map_err(short)? {
            0 => Arg::Account(AccountId(<[u8; 32]>::decode(input).map_err(short)?)),
            v => return Err(format!("MultiAddress variant {v}; only Id (0) is accepted")),
        },
        A::H256 => Arg::Hash(H256(<[u8; 32]>::decode(input).map_err(short)?)),
        A::VecU16 => {
            let before = *input;
            let values = Vec::<u16>::decode(input).map_err(short)?;
            if values.encode().len() != before.len() - input.len() {
                return Err("a non-canonical length".into());
            }
            Arg::U16s(values)
        }
        A::Text => {
            let before = *input;
            let bytes = Vec::<u8>::decode(input).map_err(short)?;
            if bytes.encode().len() != before.len() - input.len() {
                return Err("a non-canonical length".into());
            }
            Arg::Text(String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())?)
        }
        A::Call | A::Calls => return Err("a call where a value belongs".into()),
        A::ProxyType => Arg::ProxyType(Some(proxy_type(u8::decode(input).map_err(short)?)?)),
        A::OptionProxyType => Arg::ProxyType(match u8::decode(input).map_err(short)? {
            0 => None,
            1 => Some(proxy_type(u8::decode(input).map_err(short)?)?),
            v => return Err(format!("Option variant {v}")),
        }),
        A::NetUids => Arg::U16s(netuid_set(input)?),
        A::Children => {
            let before = *input;
            let pairs = Vec::<(u64, [u8; 32])>::decode(input).map_err(short)?;
            if pairs.encode().len() != before.len() - input.len() {
                return Err("a non-canonical length".into());
            }
            Arg::Children(pairs.into_iter().map(|(p, a)| (p, AccountId(a))).collect())
        }
        A::RootClaimType => Arg::ClaimType(match u8::decode(input).map_err(short)? {
            0 => crate::RootClaimType::Swap,
            1 => crate::RootClaimType::Keep,
            2 => crate::RootClaimType::KeepSubnets {
                subnets: netuid_set(input)?,
            },
            v => return Err(format!("RootClaimTypeEnum variant {v} does not exist")),
        }),
    })
}

/// A `ProxyType` by Bittensor's index; the kinds Plexus has not (the senate's and others) are
/// refused by name.
fn proxy_type(index: u8) -> Result<crate::ProxyType, String> {
    crate::ProxyType::ALL
        .into_iter()
        .find(|t| t.encode() == [index])
        .ok_or_else(|| format!("proxy type {index} does not exist on Plexus"))
}

/// A `BTreeSet<NetUid>`: canonical only if strictly increasing, as the set encodes itself.
fn netuid_set(input: &mut &[u8]) -> Result<Vec<u16>, String> {
    let before = *input;
    let values = Vec::<u16>::decode(input).map_err(|e| format!("too short: {e}"))?;
    if values.encode().len() != before.len() - input.len() {
        return Err("a non-canonical length".into());
    }
    if values.windows(2).any(|w| w[0] >= w[1]) {
        return Err("a set whose members are not strictly increasing".into());
    }
    Ok(values)
}

/// Reads decoded arguments in order.
struct Args(std::vec::IntoIter<Arg>);

impl Args {
    fn int<T: TryFrom<u128>>(&mut self) -> Result<T, String> {
        match self.0.next() {
            Some(Arg::Int(v)) => T::try_from(v).map_err(|_| "an integer out of range".into()),
            _ => Err("an integer expected".into()),
        }
    }

    fn netuid(&mut self) -> Result<NetUid, String> {
        self.int::<NetUid>()
    }

    fn i16(&mut self) -> Result<i16, String> {
        match self.0.next() {
            Some(Arg::Signed(v)) => Ok(v),
            _ => Err("a signed integer expected".into()),
        }
    }

    fn text(&mut self) -> Result<String, String> {
        match self.0.next() {
            Some(Arg::Text(v)) => Ok(v),
            _ => Err("text expected".into()),
        }
    }

    fn call(&mut self) -> Result<Call, String> {
        match self.0.next() {
            Some(Arg::Call(v)) => Ok(*v),
            _ => Err("a call expected".into()),
        }
    }

    fn bool(&mut self) -> Result<bool, String> {
        match self.0.next() {
            Some(Arg::Bool(v)) => Ok(v),
            _ => Err("a bool expected".into()),
        }
    }

    fn account(&mut self) -> Result<AccountId, String> {
        match self.0.next() {
            Some(Arg::Account(v)) => Ok(v),
            _ => Err("an account expected".into()),
        }
    }

    fn hash(&mut self) -> Result<H256, String> {
        match self.0.next() {
            Some(Arg::Hash(v)) => Ok(v),
            _ => Err("a hash expected".into()),
        }
    }

    fn children(&mut self) -> Result<Vec<(u64, AccountId)>, String> {
        match self.0.next() {
            Some(Arg::Children(v)) => Ok(v),
            _ => Err("a list of children expected".into()),
        }
    }

    fn calls(&mut self) -> Result<Vec<Call>, String> {
        match self.0.next() {
            Some(Arg::Calls(v)) => Ok(v),
            _ => Err("calls expected".into()),
        }
    }

    fn proxy_type(&mut self) -> Result<Option<crate::ProxyType>, String> {
        match self.0.next() {
            Some(Arg::ProxyType(v)) => Ok(v),
            _ => Err("a proxy type expected".into()),
        }
    }

    fn claim_type(&mut self) -> Result<crate::RootClaimType, String> {
        match self.0.next() {
            Some(Arg::ClaimType(v)) => Ok(v),
            _ => Err("a root claim type expected".into()),
        }
    }

    fn u16s(&mut self) -> Result<Vec<u16>, String> {
        match self.0.next() {
            Some(Arg::U16s(v)) => Ok(v),
            _ => Err("a list expected".into()),
        }
    }

    /// Plexus has one mechanism per subnet, Bittensor's mechanism 0.
    fn mechanism(&mut self) -> Result<(), String> {
        match self.int::<u8>()? {
            0 => Ok(()),
            id => Err(format!(
                "mechanism {id} does not exist; subnets have mechanism 0 only"
            )),
        }
    }
}

fn chain_param(change: crate::ChainParam) -> Call {
    Call::Governance(GovernanceCall::SetChainParam(change))
}

fn to_call(name: &str, args: Vec<Arg>) -> Result<Call, String> {
    use crate::ChainParam as P;
    use crate::Hyperparameter as H;
    let mut a = Args(args.into_iter());
    Ok(match name {
        "transfer_allow_death" => Call::Transfer {
            dest: a.account()?,
            value: a.int()?,
        },
        "transfer_keep_alive" => Call::TransferKeepAlive {
            dest: a.account()?,
            value: a.int()?,
        },
        "transfer_all" => Call::TransferAll {
            dest: a.account()?,
            keep_alive: a.bool()?,
        },
        "set_weights" => Call::SetWeights {
            netuid: a.netuid()?,
            dests: a.u16s()?,
            weights: a.u16s()?,
            version_key: a.int()?,
        },
        "set_mechanism_weights" => {
            let netuid = a.netuid()?;
            a.mechanism()?;
            Call::SetWeights {
                netuid,
                dests: a.u16s()?,
                weights: a.u16s()?,
                version_key: a.int()?,
            }
        }
        "add_stake" => Call::AddStake {
            hotkey: a.account()?,
            netuid: a.netuid()?,
            amount: a.int()?,
        },
        "remove_stake" => Call::RemoveStake {
            hotkey: a.account()?,
            netuid: a.netuid()?,
            amount: a.int()?,
        },
        "add_stake_limit" => Call::AddStakeLimit {
            hotkey: a.account()?,
            netuid: a.netuid()?,
            amount: a.int()?,
            limit_price: a.int()?,
            allow_partial: a.bool()?,
        },
        "remove_stake_limit" => Call::RemoveStakeLimit {
            hotkey: a.account()?,
            netuid: a.netuid()?,
            amount: a.int()?,
            limit_price: a.int()?,
            allow_partial: a.bool()?,
        },
        "serve_axon" => Call::ServeAxon {
            netuid: a.netuid()?,
            version: a.int()?,
            ip: a.int()?,
            port: a.int()?,
            ip_type: a.int()?,
            protocol: a.int()?,
        },
        "burned_register" => Call::BurnedRegister {
            netuid: a.netuid()?,
            hotkey: a.account()?,
        },
        "register_limit" => Call::RegisterLimit {
            netuid: a.netuid()?,
            hotkey: a.account()?,
            limit_price: a.int()?,
        },
        "set_tempo" => Call::SetHyperparameter {
            netuid: a.netuid()?,
            value: H::Tempo(a.int()?),
        },
        "set_activity_cutoff_factor" => Call::SetHyperparameter {
            netuid: a.netuid()?,
            value: H::ActivityCutoffFactorMilli(a.int()?),
        },
        // Root on Bittensor is the governance account on Plexus, and what it may do there is
        // set hyperparameters without the owners' bounds.
        "sudo" => match a.call()? {
            Call::SetHyperparameter { netuid, value } => {
                Call::Governance(GovernanceCall::SetHyperparameter { netuid, value })
            }
            governance @ Call::Governance(GovernanceCall::SetChainParam(_)) => governance,
            other => {
                return Err(format!(
                    "Sudo.sudo wraps only hyperparameter calls on Plexus, not {}",
                    other.name()
                ))
            }
        },
        "commit_weights" => Call::CommitWeights {
            netuid: a.netuid()?,
            commit_hash: a.hash()?,
        },
        "commit_mechanism_weights" => {
            let netuid = a.netuid()?;
            a.mechanism()?;
            Call::CommitWeights {
                netuid,
                commit_hash: a.hash()?,
            }
        }
        "reveal_weights" => Call::RevealWeights {
            netuid: a.netuid()?,
            uids: a.u16s()?,
            values: a.u16s()?,
            salt: a.u16s()?,
            version_key: a.int()?,
        },
        "reveal_mechanism_weights" => {
            let netuid = a.netuid()?;
            a.mechanism()?;
            Call::RevealWeights {
                netuid,
                uids: a.u16s()?,
                values: a.u16s()?,
                salt: a.u16s()?,
                version_key: a.int()?,
            }
        }
        "register_network" => Call::RegisterNetwork {
            hotkey: a.account()?,
        },
        "decrease_take" => Call::DecreaseTake {
            hotkey: a.account()?,
            take: a.int()?,
        },
        "increase_take" => Call::IncreaseTake {
            hotkey: a.account()?,
            take: a.int()?,
        },
        "set_identity" => Call::SetIdentity {
            identity: crate::ChainIdentity {
                name: a.text()?,
                url: a.text()?,
                github_repo: a.text()?,
                image: a.text()?,
                discord: a.text()?,
                description: a.text()?,
                additional: a.text()?,
            },
        },
        "unstake_all" => Call::UnstakeAll {
            hotkey: a.account()?,
        },
        "batch" => Call::Batch { calls: a.calls()? },
        "batch_all" => Call::BatchAll { calls: a.calls()? },
        "force_batch" => Call::ForceBatch { calls: a.calls()? },
        "proxy" => Call::Proxy {
            real: a.account()?,
            force_proxy_type: a.proxy_type()?,
            call: Box::new(a.call()?),
        },
        "add_proxy" | "remove_proxy" => {
            let delegate = a.account()?;
            let proxy_type = a.proxy_type()?.ok_or("a proxy type expected")?;
            let delay = a.int()?;
            if name == "add_proxy" {
                Call::AddProxy {
                    delegate,
                    proxy_type,
                    delay,
                }
            } else {
                Call::RemoveProxy {
                    delegate,
                    proxy_type,
                    delay,
                }
            }
        }
        "remove_proxies" => Call::RemoveProxies,
        "root_register" => Call::RootRegister {
            hotkey: a.account()?,
        },
        "set_children" => Call::SetChildren {
            hotkey: a.account()?,
            netuid: a.netuid()?,
            children: a.children()?,
        },
        "set_childkey_take" => Call::SetChildkeyTake {
            hotkey: a.account()?,
            netuid: a.netuid()?,
            take: a.int()?,
        },
        "update_symbol" => Call::UpdateSymbol {
            netuid: a.netuid()?,
            symbol: a.text()?,
        },
        "claim_root" => Call::ClaimRoot { subnets: a.u16s()? },
        "set_root_claim_type" => Call::SetRootClaimType {
            claim_type: a.claim_type()?,
        },
        "move_stake" => Call::MoveStake {
            origin_hotkey: a.account()?,
            destination_hotkey: a.account()?,
            origin_netuid: a.netuid()?,
            destination_netuid: a.netuid()?,
            amount: a.int()?,
        },
        "transfer_stake" => Call::TransferStake {
            destination_coldkey: a.account()?,
            hotkey: a.account()?,
            origin_netuid: a.netuid()?,
            destination_netuid: a.netuid()?,
            amount: a.int()?,
        },
        "swap_stake" => Call::SwapStake {
            hotkey: a.account()?,
            origin_netuid: a.netuid()?,
            destination_netuid: a.netuid()?,
            amount: a.int()?,
        },
        "swap_stake_limit" => Call::SwapStakeLimit {
            hotkey: a.account()?,
            origin_netuid: a.netuid()?,
            destination_netuid: a.netuid()?,
            amount: a.int()?,
            limit_price: a.int()?,
            allow_partial: a.bool()?,
        },
        "start_call" => Call::StartCall {
            netuid: a.netuid()?,
        },
        "sudo_set_network_rate_limit" => chain_param(P::NetworkRateLimit(a.int()?)),
        "sudo_set_network_min_lock_cost" => chain_param(P::NetworkMinLock(a.int()?)),
        "sudo_set_subnet_limit" => chain_param(P::SubnetLimit(a.int()?)),
        "sudo_set_stake_threshold" => chain_param(P::StakeThreshold(a.int()?)),
        "sudo_set_tx_delegate_take_rate_limit" => chain_param(P::DelegateTakeRateLimit(a.int()?)),
        "sudo_set_min_delegate_take" => chain_param(P::MinDelegateTake(a.int()?)),
        "sudo_set_admin_freeze_window" => chain_param(P::AdminFreezeWindow(a.int()?)),
        "sudo_set_owner_hparam_rate_limit" => chain_param(P::OwnerHyperparamRateLimit(a.int()?)),
        "sudo_set_start_call_delay" => chain_param(P::StartCallDelay(a.int()?)),
        "sudo_set_alpha_values" => Call::SetHyperparameter {
            netuid: a.netuid()?,
            value: H::AlphaValues {
                low: a.int()?,
                high: a.int()?,
            },
        },
        owner_call if owner_call.starts_with("sudo_set_") => {
            let netuid = a.netuid()?;
            let value = match owner_call {
                "sudo_set_serving_rate_limit" => H::ServingRateLimit(a.int()?),
                "sudo_set_weights_version_key" => H::WeightsVersionKey(a.int()?),
                // Root's alone on Bittensor; on Plexus an owner's, within the owners' bounds.
                "sudo_set_weights_set_rate_limit" => H::WeightsRateLimit(a.int()?),
                "sudo_set_immunity_period" => H::ImmunityPeriod(a.int()?),
                "sudo_set_min_allowed_weights" => H::MinAllowedWeights(a.int()?),
                "sudo_set_max_allowed_uids" => H::MaxAllowedUids(a.int()?),
                "sudo_set_rho" => H::Rho(a.int()?),
                "sudo_set_min_burn" => H::MinBurn(a.int()?),
                "sudo_set_max_burn" => H::MaxBurn(a.int()?),
                "sudo_set_bonds_moving_average" => H::BondsMovingAverage(a.int()?),
                "sudo_set_commit_reveal_weights_enabled" => H::CommitReveal(a.bool()?),
                "sudo_set_liquid_alpha_enabled" => H::LiquidAlpha(a.bool()?),
                "sudo_set_commit_reveal_weights_interval" => H::RevealPeriodEpochs(a.int()?),
                "sudo_set_bonds_penalty" => H::BondsPenalty(a.int()?),
                "sudo_set_yuma3_enabled" => H::Yuma3(a.bool()?),
                "sudo_set_bonds_reset_enabled" => H::BondsReset(a.bool()?),
                "sudo_set_owner_immune_neuron_limit" => H::ImmuneOwnerUidsLimit(a.int()?),
                "sudo_set_burn_half_life" => H::BurnHalfLife(a.int()?),
                "sudo_set_kappa" => H::Kappa(a.int()?),
                "sudo_set_network_registration_allowed" => H::RegistrationAllowed(a.bool()?),
                "sudo_set_max_allowed_validators" => H::MaxAllowedValidators(a.int()?),
                "sudo_set_tempo" => H::Tempo(a.int()?),
                "sudo_set_alpha_sigmoid_steepness" => H::AlphaSigmoidSteepness(a.i16()?),
                "sudo_set_min_allowed_uids" => H::MinAllowedUids(a.int()?),
                "sudo_set_min_non_immune_uids" => H::MinNonImmuneUids(a.int()?),
                other => return Err(format!("{other} has no Plexus equivalent")),
            };
            Call::SetHyperparameter { netuid, value }
        }
        other => return Err(format!("{other} has no Plexus equivalent")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_eras_decode_as_the_spec_gives_them() {
        // Period 128 at block 100: 0x46 0x06; period 16 at block 100: 0x43 0x00.
        let era = Era::decode(&mut &[0x46, 0x06][..]).unwrap();
        assert_eq!(
            era,
            Era::Mortal {
                period: 128,
                phase: 100
            }
        );
        assert_eq!(era.birth(100), 100);
        assert_eq!(era.birth(227), 100);
        assert_eq!(era.birth(228), 228);
        assert_eq!(era.valid_until(150), Some(227));
        let era = Era::decode(&mut &[0x43, 0x00][..]).unwrap();
        assert_eq!(
            era,
            Era::Mortal {
                period: 16,
                phase: 4
            }
        );
        assert_eq!(era.birth(100), 100);
        assert_eq!(era.birth(3), 4);
        assert_eq!(Era::decode(&mut &[0x00][..]).unwrap(), Era::Immortal);
        assert!(Era::decode(&mut &[0x46][..]).is_err());
    }

    #[test]
    fn test_signed_eras_are_the_clients() {
        let keypair = schnorrkel::MiniSecretKey::from_bytes(&[1; 32])
            .unwrap()
            .expand_to_keypair(schnorrkel::ExpansionMode::Ed25519);
        let call = [
            BALANCES, 4, 0, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
            7, 7, 7, 7, 7, 7, 7, 7, 1,
        ];
        let bytes = sign(
            &keypair,
            H256([3; 32]),
            Some((128, 100, H256([4; 32]))),
            5,
            &call,
        );
        // Prefix (2), version, address (33), signature type and signature (65): then the era.
        assert_eq!(bytes[101..103], [0x46, 0x06]);
        let extrinsic = Extrinsic::decode_bytes(&bytes, 1 << 16).unwrap();
        assert_eq!(
            extrinsic.era(),
            Era::Mortal {
                period: 128,
                phase: 100
            }
        );
        assert_eq!(extrinsic.nonce(), 5);
        let payload = extrinsic.signing_payload(H256([3; 32]), H256([4; 32]));
        assert!(plexus_primitives::verify(
            &extrinsic.signer(),
            &payload,
            &extrinsic.signature()
        ));
        let immortal = sign(&keypair, H256([3; 32]), None, 0, &call);
        assert_eq!(immortal[101], 0);
    }

    #[test]
    fn test_every_call_has_a_plexus_equivalent() {
        for spec in CALLS {
            let args = spec
                .args
                .iter()
                .map(|(_, ty)| match ty {
                    A::Bool => Arg::Bool(false),
                    A::AccountId | A::MultiAddress => Arg::Account(AccountId([1; 32])),
                    A::H256 => Arg::Hash(H256([2; 32])),
                    A::VecU16 | A::NetUids => Arg::U16s(vec![1]),
                    A::Calls => Arg::Calls(vec![Call::RemoveProxies]),
                    A::ProxyType | A::OptionProxyType => {
                        Arg::ProxyType(Some(crate::ProxyType::Staking))
                    }
                    A::Children => Arg::Children(vec![(1, AccountId([3; 32]))]),
                    A::RootClaimType => Arg::ClaimType(crate::RootClaimType::Keep),
                    A::I16 => Arg::Signed(0),
                    A::Text => Arg::Text("plexus".into()),
                    A::Call => Arg::Call(Box::new(Call::SetHyperparameter {
                        netuid: 1,
                        value: crate::Hyperparameter::Tempo(10),
                    })),
                    _ => Arg::Int(0),
                })
                .collect();
            to_call(spec.name, args).unwrap_or_else(|e| panic!("{}: {e}", spec.name));
        }
    }
}
