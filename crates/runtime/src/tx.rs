//! Transactions: calls, their canonical encoding, signatures and stateless checks.
//!
//! A transaction is SCALE-encoded, in one of two envelopes ([`SignedTransaction`]): Plexus's
//! own, where the signer signs `b"plexus/tx" ‖ SCALE(Transaction)` with sr25519 (context
//! `substrate`), or a Substrate extrinsic as Bittensor's clients sign it ([`Extrinsic`]).
//! Decoding is strict: trailing bytes, non-canonical encodings and oversized input are
//! rejected, so each transaction has exactly one byte form and one hash. Signature checks need
//! only the genesis and recent block hashes ([`CheckContext`]), so they run (batched) before
//! execution, on another core.
//!
//! Each call also has a stable snake_case name ([`Call::name`]), public API like its encoding
//! index: clients see it in the RPC's transaction listings.

use crate::extrinsic::{Era, Extrinsic};
use crate::{
    ChainIdentity, ChainParam, ChainParams, Hyperparameter, InvalidTransaction, Round,
    SubnetIdentity,
};
use parity_scale_codec::{Decode, DecodeLimit, Encode};
use plexus_primitives::{blake2_256, AccountId, Balance, BlockNumber, NetUid, Signature, H256};
use serde::{Deserialize, Serialize};

const SIGNING_DOMAIN: &[u8] = b"plexus/tx";

/// How deeply a transaction's types nest, with room to spare; bounds the decoder's recursion.
const DECODE_DEPTH: u32 = 16;

/// What a transaction asks the chain to do. The signer is the coldkey or the hotkey as each
/// variant says.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, Serialize, Deserialize)]
#[serde(tag = "call", rename_all = "snake_case")]
pub enum Call {
    /// Coldkey: send `value` rao; the sender may drop below the existential deposit (and be
    /// removed).
    #[codec(index = 0)]
    Transfer {
        /// Recipient.
        dest: AccountId,
        /// Amount in rao.
        value: Balance,
    },
    /// Coldkey: send `value` rao, keeping the sender at or above the existential deposit.
    #[codec(index = 1)]
    TransferKeepAlive {
        /// Recipient.
        dest: AccountId,
        /// Amount in rao.
        value: Balance,
    },
    /// Coldkey: send everything (less the existential deposit if `keep_alive`).
    #[codec(index = 2)]
    TransferAll {
        /// Recipient.
        dest: AccountId,
        /// Whether the sender keeps the existential deposit.
        keep_alive: bool,
    },
    /// Coldkey: register a new subnet, locking the current lock cost; `hotkey` becomes uid 0.
    #[codec(index = 10)]
    RegisterNetwork {
        /// The owner's hotkey.
        hotkey: AccountId,
    },
    /// Owner coldkey: start the subnet's emission from the next block.
    #[codec(index = 11)]
    StartCall {
        /// The subnet.
        netuid: NetUid,
    },
    /// Owner coldkey: describe the subnet.
    #[codec(index = 12)]
    SetSubnetIdentity {
        /// The subnet.
        netuid: NetUid,
        /// The description.
        identity: SubnetIdentity,
    },
    /// Coldkey: describe itself to stakers; an identity with every field empty removes it.
    #[codec(index = 14)]
    SetIdentity {
        /// The description.
        identity: ChainIdentity,
    },
    /// Owner coldkey: change one hyperparameter.
    #[codec(index = 13)]
    SetHyperparameter {
        /// The subnet.
        netuid: NetUid,
        /// The new value.
        value: Hyperparameter,
    },
    /// Coldkey: register `hotkey` on a subnet, paying the current registration price.
    #[codec(index = 20)]
    BurnedRegister {
        /// The subnet.
        netuid: NetUid,
        /// The hotkey to register (owned by the signer, or not yet owned by anyone).
        hotkey: AccountId,
    },
    /// Coldkey: [`Call::BurnedRegister`], unless the price has risen above `limit_price`, so a
    /// registration sent at one price is not charged a higher one.
    #[codec(index = 22)]
    RegisterLimit {
        /// The subnet.
        netuid: NetUid,
        /// The hotkey to register.
        hotkey: AccountId,
        /// The most the signer pays, rao.
        limit_price: Balance,
    },
    /// Hotkey (free): publish where the neuron serves.
    #[codec(index = 21)]
    ServeAxon {
        /// The subnet.
        netuid: NetUid,
        /// Software version.
        version: u32,
        /// Address (IPv4 in the low 32 bits).
        ip: u128,
        /// Port.
        port: u16,
        /// 4 or 6.
        ip_type: u8,
        /// Wire protocol.
        protocol: u8,
    },
    /// Hotkey (free): set weights directly (commit-reveal off).
    #[codec(index = 30)]
    SetWeights {
        /// The subnet.
        netuid: NetUid,
        /// Uids weighted.
        dests: Vec<u16>,
        /// Their weights.
        weights: Vec<u16>,
        /// The validator's version key.
        version_key: u64,
    },
    /// Hotkey (free): commit to weights to reveal later.
    #[codec(index = 31)]
    CommitWeights {
        /// The subnet.
        netuid: NetUid,
        /// Hash of the weights (see [`commit_hash`](crate::commit_hash)).
        commit_hash: H256,
    },
    /// Hotkey (free): weights timelocked to a future consensus round; the chain opens and applies
    /// them at the end of the block that carries that round's seed. `sealed` is
    /// `plexus_timelock::seal` of [`timelocked_weights_plaintext`](crate::timelocked_weights_plaintext)
    /// under [`timelocked_weights_aad`](crate::timelocked_weights_aad), to the round.
    #[codec(index = 35)]
    CommitTimelockedWeights {
        /// The subnet.
        netuid: NetUid,
        /// The consensus round whose seed opens them.
        reveal: Round,
        /// The sealed weights.
        sealed: Vec<u8>,
    },
    /// Hotkey (free): reveal committed weights.
    #[codec(index = 32)]
    RevealWeights {
        /// The subnet.
        netuid: NetUid,
        /// Uids weighted.
        uids: Vec<u16>,
        /// Their weights.
        values: Vec<u16>,
        /// The salt committed with them.
        salt: Vec<u16>,
        /// The version key committed with them.
        version_key: u64,
    },
    /// Hotkey (free): commit on several subnets.
    #[codec(index = 33)]
    BatchCommitWeights {
        /// The subnets.
        netuids: Vec<NetUid>,
        /// One hash per subnet.
        commit_hashes: Vec<H256>,
    },
    /// Hotkey (free): reveal several commits on one subnet.
    #[codec(index = 34)]
    BatchRevealWeights {
        /// The subnet.
        netuid: NetUid,
        /// Uids of each reveal.
        uids_list: Vec<Vec<u16>>,
        /// Weights of each reveal.
        values_list: Vec<Vec<u16>>,
        /// Salt of each reveal.
        salts_list: Vec<Vec<u16>>,
        /// Version key of each reveal.
        version_keys: Vec<u64>,
    },
    /// Coldkey: stake `amount` TAO through `hotkey` on a started subnet, buying its alpha.
    #[codec(index = 60)]
    AddStake {
        /// The hotkey staked through (any registered or owned hotkey).
        hotkey: AccountId,
        /// The subnet.
        netuid: NetUid,
        /// TAO to spend, rao.
        amount: Balance,
    },
    /// Coldkey: as `AddStake`, paying at most `limit_price` rao per alpha; with
    /// `allow_partial` buys what it can up to that price, otherwise all or nothing.
    #[codec(index = 61)]
    AddStakeLimit {
        /// The hotkey.
        hotkey: AccountId,
        /// The subnet.
        netuid: NetUid,
        /// TAO to spend at most.
        amount: Balance,
        /// Highest price, rao per alpha.
        limit_price: u64,
        /// Whether a partial fill is acceptable.
        allow_partial: bool,
    },
    /// Coldkey: unstake `amount` alpha from `hotkey` on `netuid`, selling it for TAO.
    #[codec(index = 62)]
    RemoveStake {
        /// The hotkey.
        hotkey: AccountId,
        /// The subnet.
        netuid: NetUid,
        /// Alpha to sell.
        amount: Balance,
    },
    /// Coldkey: as `RemoveStake`, accepting at least `limit_price` rao per alpha.
    #[codec(index = 63)]
    RemoveStakeLimit {
        /// The hotkey.
        hotkey: AccountId,
        /// The subnet.
        netuid: NetUid,
        /// Alpha to sell at most.
        amount: Balance,
        /// Lowest price, rao per alpha.
        limit_price: u64,
        /// Whether a partial fill is acceptable.
        allow_partial: bool,
    },
    /// Coldkey: move stake to another hotkey and/or subnet (across subnets: sold, then bought).
    #[codec(index = 64)]
    MoveStake {
        /// The hotkey the stake is on.
        origin_hotkey: AccountId,
        /// The hotkey it moves to.
        destination_hotkey: AccountId,
        /// The subnet it is on.
        origin_netuid: NetUid,
        /// The subnet it moves to.
        destination_netuid: NetUid,
        /// Alpha to move.
        amount: Balance,
    },
    /// Coldkey: give stake to another coldkey (same hotkey).
    #[codec(index = 65)]
    TransferStake {
        /// The new owner.
        destination_coldkey: AccountId,
        /// The hotkey.
        hotkey: AccountId,
        /// The subnet it is on.
        origin_netuid: NetUid,
        /// The subnet it moves to.
        destination_netuid: NetUid,
        /// Alpha to move.
        amount: Balance,
    },
    /// Coldkey: move stake to another subnet on the same hotkey.
    #[codec(index = 66)]
    SwapStake {
        /// The hotkey.
        hotkey: AccountId,
        /// The subnet it is on.
        origin_netuid: NetUid,
        /// The subnet it moves to.
        destination_netuid: NetUid,
        /// Alpha to move.
        amount: Balance,
    },
    /// Coldkey: [`Call::SwapStake`], unless the price of origin alpha in destination alpha
    /// after the swap falls below `limit_price` (×10⁹); with `allow_partial`, as much as keeps
    /// it there.
    #[codec(index = 68)]
    SwapStakeLimit {
        /// The hotkey.
        hotkey: AccountId,
        /// The subnet it is on.
        origin_netuid: NetUid,
        /// The subnet it moves to.
        destination_netuid: NetUid,
        /// Alpha to move, at most.
        amount: Balance,
        /// The lowest price of origin alpha in destination alpha accepted, ×10⁹.
        limit_price: u64,
        /// Whether to move less rather than nothing.
        allow_partial: bool,
    },
    /// Coldkey: sell all stake through `hotkey` on every subnet.
    #[codec(index = 67)]
    UnstakeAll {
        /// The hotkey.
        hotkey: AccountId,
    },
    /// Any account: let `delegate` sign calls of `proxy_type` for it, after announcing them
    /// `delay` blocks ahead if `delay` is not 0. Reserves a deposit.
    #[codec(index = 80)]
    AddProxy {
        /// Who may sign.
        delegate: AccountId,
        /// Which calls.
        proxy_type: crate::ProxyType,
        /// Blocks between announcing a call and making it.
        delay: BlockNumber,
    },
    /// Removes one proxy, given exactly as added.
    #[codec(index = 81)]
    RemoveProxy {
        /// Who could sign.
        delegate: AccountId,
        /// Which calls.
        proxy_type: crate::ProxyType,
        /// Its delay.
        delay: BlockNumber,
    },
    /// Removes every proxy of the signer.
    #[codec(index = 82)]
    RemoveProxies,
    /// A delegate: make `call` for `real`, within the proxy's type (the first of the signer's
    /// proxies for `real`, or the one of `force_proxy_type`).
    #[codec(index = 83)]
    Proxy {
        /// For whom.
        real: AccountId,
        /// Which of the signer's proxy types to use.
        force_proxy_type: Option<crate::ProxyType>,
        /// The call (`proxied_call` in JSON, where `call` names the variant).
        #[serde(rename = "proxied_call")]
        call: Box<Call>,
    },
    /// A delayed delegate: announce the BLAKE2b-256 hash of a call it will make for `real`.
    #[codec(index = 84)]
    Announce {
        /// For whom.
        real: AccountId,
        /// The call's hash.
        call_hash: H256,
    },
    /// A delegate withdraws one of its announcements.
    #[codec(index = 85)]
    RemoveAnnouncement {
        /// For whom it was.
        real: AccountId,
        /// The call's hash.
        call_hash: H256,
    },
    /// A real account vetoes a call its delegate announced.
    #[codec(index = 86)]
    RejectAnnouncement {
        /// The delegate.
        delegate: AccountId,
        /// The call's hash.
        call_hash: H256,
    },
    /// Anyone: make a call `delegate` announced for `real` once its delay has passed.
    #[codec(index = 87)]
    ProxyAnnounced {
        /// Who announced it.
        delegate: AccountId,
        /// For whom.
        real: AccountId,
        /// Which of the delegate's proxy types to use.
        force_proxy_type: Option<crate::ProxyType>,
        /// The call announced (`proxied_call` in JSON).
        #[serde(rename = "proxied_call")]
        call: Box<Call>,
    },
    /// Hotkey registered on `netuid` (free, like axons and weights; hotkeys hold no TAO):
    /// publish `fields` there for validators to read (replacing its last commitment), within
    /// the space limit per epoch, which bounds what a hotkey can write.
    #[codec(index = 91)]
    SetCommitment {
        /// The subnet.
        netuid: NetUid,
        /// At most [`MAX_COMMITMENT_FIELDS`](crate::MAX_COMMITMENT_FIELDS) fields.
        fields: Vec<crate::CommitmentField>,
    },
    /// Coldkey owning `hotkey`: move everything it holds to `new_hotkey` (claimed for the
    /// signer), on every subnet or only `netuid`, for a burned cost; rate-limited.
    #[codec(index = 92)]
    SwapHotkey {
        /// The hotkey to retire.
        hotkey: AccountId,
        /// The one taking its place; it must hold nothing yet.
        new_hotkey: AccountId,
        /// One subnet only, or all (and root).
        netuid: Option<NetUid>,
    },
    /// Coldkey: announce a swap to the coldkey whose 32 bytes hash (BLAKE2b-256) to
    /// `new_coldkey_hash`; the first announcement costs (burned). Until the swap is made or
    /// cleared, the coldkey can make no other call.
    #[codec(index = 93)]
    AnnounceColdkeySwap {
        /// BLAKE2b-256 of the new coldkey.
        new_coldkey_hash: H256,
    },
    /// Coldkey: after the announcement's delay, move everything to `new_coldkey`.
    #[codec(index = 94)]
    SwapColdkeyAnnounced {
        /// The coldkey announced.
        new_coldkey: AccountId,
    },
    /// Coldkey: dispute its own announced swap (someone else holds the key): the coldkey is
    /// frozen until governance resets it.
    #[codec(index = 95)]
    DisputeColdkeySwap,
    /// Coldkey: withdraw its announcement, once the reannouncement delay has passed too.
    #[codec(index = 96)]
    ClearColdkeySwapAnnouncement,
    /// Any account: create a keyless ("pure") account whose only proxy is the signer, of
    /// `proxy_type`; its address follows from the signer, this block, this transaction's
    /// position and `index`. Reserves a deposit from the signer.
    #[codec(index = 97)]
    CreatePure {
        /// What the signer may do for it.
        proxy_type: crate::ProxyType,
        /// Announcement delay, blocks.
        delay: BlockNumber,
        /// Tells apart several created in one transaction.
        index: u16,
    },
    /// The pure account itself (through its proxy): remove it, returning the deposit to its
    /// spawner. Its funds are lost with it, so empty it first.
    #[codec(index = 98)]
    KillPure {
        /// Who created it.
        spawner: AccountId,
        /// The type it was created with.
        proxy_type: crate::ProxyType,
        /// Its index.
        index: u16,
        /// The block it was created in.
        height: BlockNumber,
        /// The position of the creating transaction in that block.
        ext_index: u32,
    },
    /// Calls in order, stopping at the first that fails (those before it stay done).
    #[codec(index = 88)]
    Batch {
        /// The calls (no batches among them).
        calls: Vec<Call>,
    },
    /// Calls in order, all or none.
    #[codec(index = 89)]
    BatchAll {
        /// The calls.
        calls: Vec<Call>,
    },
    /// Calls in order, each done if it can be.
    #[codec(index = 90)]
    ForceBatch {
        /// The calls.
        calls: Vec<Call>,
    },
    /// Coldkey: [`Call::RegisterNetwork`], unless the lock cost is above `max_lock`.
    #[codec(index = 25)]
    RegisterNetworkLimit {
        /// The owner hotkey.
        hotkey: AccountId,
        /// The most the signer will lock, rao.
        max_lock: Balance,
    },
    /// Coldkey: register `hotkey` on root (claiming it if nobody owns it); when root is full
    /// it replaces the member with least root stake, if it has more.
    #[codec(index = 24)]
    RootRegister {
        /// The hotkey.
        hotkey: AccountId,
    },
    /// Subnet owner: give the subnet's token another symbol from [`SYMBOLS`](crate::SYMBOLS),
    /// one no other subnet uses.
    #[codec(index = 23)]
    UpdateSymbol {
        /// The subnet.
        netuid: NetUid,
        /// The symbol.
        symbol: String,
    },
    /// Coldkey owning `hotkey`: make these (proportion of `u64::MAX`, child hotkey) its
    /// children on `netuid` (at most [`MAX_CHILDREN`](crate::MAX_CHILDREN); empty: revoke
    /// them all), after the chain's cooldown, at the subnet's next epoch.
    #[codec(index = 70)]
    SetChildren {
        /// The parent hotkey.
        hotkey: AccountId,
        /// The subnet.
        netuid: NetUid,
        /// (proportion, child hotkey).
        children: Vec<(u64, AccountId)>,
    },
    /// Coldkey owning `hotkey`: the share of its parents' dividends it keeps on `netuid`
    /// (u16 proportion, at most the chain's maximum; raising it is rate-limited).
    #[codec(index = 71)]
    SetChildkeyTake {
        /// The child hotkey.
        hotkey: AccountId,
        /// The subnet.
        netuid: NetUid,
        /// The take.
        take: u16,
    },
    /// Coldkey: claim the root dividends owed on these subnets (1 to
    /// [`MAX_CLAIM_SUBNETS`](crate::MAX_CLAIM_SUBNETS)), through every hotkey the signer
    /// stakes on root through, as its claim type says.
    #[codec(index = 121)]
    ClaimRoot {
        /// The subnets whose dividends to claim.
        subnets: Vec<NetUid>,
    },
    /// Coldkey: choose what root dividends become when claimed.
    #[codec(index = 122)]
    SetRootClaimType {
        /// The choice.
        claim_type: crate::RootClaimType,
    },
    /// Coldkey owning `hotkey`: raise its delegate take (at most the chain's maximum, once per
    /// `delegate_take_rate_limit` blocks).
    #[codec(index = 50)]
    IncreaseTake {
        /// The hotkey.
        hotkey: AccountId,
        /// The new take (u16 proportion).
        take: u16,
    },
    /// Coldkey owning `hotkey`: lower its delegate take (at least the chain's minimum).
    #[codec(index = 51)]
    DecreaseTake {
        /// The hotkey.
        hotkey: AccountId,
        /// The new take (u16 proportion).
        take: u16,
    },
    /// Governance (free): a privileged change.
    #[codec(index = 40)]
    Governance(GovernanceCall),
    /// Anyone: announce a consensus validator (again: move it, for the committees fixed from
    /// then on): its ed25519 `key`, the `address` it listens on (`IP:port`), and `proof`, the
    /// key's signature over
    /// [`validator_proof_message`](crate::validator_proof_message). Governance may then
    /// schedule it into a committee.
    #[codec(index = 130)]
    AnnounceValidator {
        /// Its consensus key.
        key: crate::ValidatorId,
        /// Where it listens.
        address: String,
        /// The key's proof of possession.
        proof: crate::ValidatorProof,
    },
    /// The account that announced a validator withdraws it: committees fixed from now on
    /// leave it out.
    #[codec(index = 131)]
    RetireValidator {
        /// Its consensus key.
        key: crate::ValidatorId,
    },
}

/// Changes only the governance account may make.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, Serialize, Deserialize)]
#[serde(tag = "governance_call", rename_all = "snake_case")]
pub enum GovernanceCall {
    /// Replace the chain parameters.
    #[codec(index = 0)]
    SetChainParams(ChainParams),
    /// Set any hyperparameter of any subnet, without the owner's rate limits.
    #[codec(index = 1)]
    SetHyperparameter {
        /// The subnet.
        netuid: NetUid,
        /// The new value.
        value: Hyperparameter,
    },
    /// Hand governance to another account, or to nobody.
    #[codec(index = 2)]
    SetKey(Option<AccountId>),
    /// Change one chain parameter.
    #[codec(index = 3)]
    SetChainParam(ChainParam),
    /// Lift a coldkey's disputed (or any) swap announcement.
    #[codec(index = 4)]
    ResetColdkeySwap(AccountId),
    /// Schedule the consensus committee: announced validators, which become the committee of
    /// the epoch after next at the next consensus epoch's first block.
    #[codec(index = 5)]
    ScheduleValidators(Vec<crate::ValidatorId>),
}

impl Call {
    /// The call's stable name, its variant's name in snake_case (`transfer`, `add_stake`,
    /// `governance`): public API, reported by the RPC, never changed or reused, like the error
    /// kinds (see [`ErrorKind`](crate::ErrorKind)).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Transfer { .. } => "transfer",
            Self::TransferKeepAlive { .. } => "transfer_keep_alive",
            Self::TransferAll { .. } => "transfer_all",
            Self::RegisterNetwork { .. } => "register_network",
            Self::StartCall { .. } => "start_call",
            Self::SetSubnetIdentity { .. } => "set_subnet_identity",
            Self::SetHyperparameter { .. } => "set_hyperparameter",
            Self::SetIdentity { .. } => "set_identity",
            Self::UpdateSymbol { .. } => "update_symbol",
            Self::RootRegister { .. } => "root_register",
            Self::RegisterNetworkLimit { .. } => "register_network_limit",
            Self::AddProxy { .. } => "add_proxy",
            Self::RemoveProxy { .. } => "remove_proxy",
            Self::RemoveProxies => "remove_proxies",
            Self::Proxy { .. } => "proxy",
            Self::Announce { .. } => "announce",
            Self::RemoveAnnouncement { .. } => "remove_announcement",
            Self::RejectAnnouncement { .. } => "reject_announcement",
            Self::ProxyAnnounced { .. } => "proxy_announced",
            Self::SetCommitment { .. } => "set_commitment",
            Self::SwapHotkey { .. } => "swap_hotkey",
            Self::AnnounceColdkeySwap { .. } => "announce_coldkey_swap",
            Self::SwapColdkeyAnnounced { .. } => "swap_coldkey_announced",
            Self::DisputeColdkeySwap => "dispute_coldkey_swap",
            Self::ClearColdkeySwapAnnouncement => "clear_coldkey_swap_announcement",
            Self::CreatePure { .. } => "create_pure",
            Self::KillPure { .. } => "kill_pure",
            Self::Batch { .. } => "batch",
            Self::BatchAll { .. } => "batch_all",
            Self::ForceBatch { .. } => "force_batch",
            Self::BurnedRegister { .. } => "burned_register",
            Self::RegisterLimit { .. } => "register_limit",
            Self::ServeAxon { .. } => "serve_axon",
            Self::SetWeights { .. } => "set_weights",
            Self::CommitWeights { .. } => "commit_weights",
            Self::CommitTimelockedWeights { .. } => "commit_timelocked_weights",
            Self::RevealWeights { .. } => "reveal_weights",
            Self::BatchCommitWeights { .. } => "batch_commit_weights",
            Self::BatchRevealWeights { .. } => "batch_reveal_weights",
            Self::AddStake { .. } => "add_stake",
            Self::AddStakeLimit { .. } => "add_stake_limit",
            Self::RemoveStake { .. } => "remove_stake",
            Self::RemoveStakeLimit { .. } => "remove_stake_limit",
            Self::MoveStake { .. } => "move_stake",
            Self::TransferStake { .. } => "transfer_stake",
            Self::SwapStake { .. } => "swap_stake",
            Self::SwapStakeLimit { .. } => "swap_stake_limit",
            Self::UnstakeAll { .. } => "unstake_all",
            Self::ClaimRoot { .. } => "claim_root",
            Self::SetChildren { .. } => "set_children",
            Self::SetChildkeyTake { .. } => "set_childkey_take",
            Self::SetRootClaimType { .. } => "set_root_claim_type",
            Self::IncreaseTake { .. } => "increase_take",
            Self::DecreaseTake { .. } => "decrease_take",
            Self::AnnounceValidator { .. } => "announce_validator",
            Self::RetireValidator { .. } => "retire_validator",
            Self::Governance(_) => "governance",
        }
    }

    /// BLAKE2b-256 of the call's encoding: what a delayed proxy announces.
    pub fn hash(&self) -> H256 {
        blake2_256(&self.encode())
    }

    /// Whether the call pays no fee. Free calls must succeed to be valid (see
    /// [`InvalidTransaction::FreeCallFails`]).
    pub fn is_free(&self) -> bool {
        matches!(
            self,
            Self::ServeAxon { .. }
                | Self::SetCommitment { .. }
                | Self::SetWeights { .. }
                | Self::CommitWeights { .. }
                | Self::CommitTimelockedWeights { .. }
                | Self::RevealWeights { .. }
                | Self::BatchCommitWeights { .. }
                | Self::BatchRevealWeights { .. }
                | Self::Governance(_)
        )
    }
}

/// The signed part of a transaction.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct Transaction {
    /// Who signs and pays.
    pub signer: AccountId,
    /// The signer's next nonce.
    pub nonce: u64,
    /// Hash of the chain's genesis block, so the transaction is valid on one chain only.
    pub genesis_hash: H256,
    /// Last block in which it may be included, if limited.
    pub valid_until: Option<BlockNumber>,
    /// Extra rao paid (and burned) on top of the fee, for priority in the mempool; free calls
    /// may tip too.
    pub tip: Balance,
    /// What to do.
    pub call: Call,
}

impl Transaction {
    /// The bytes the signer signs.
    pub fn signing_payload(&self) -> Vec<u8> {
        let mut payload = SIGNING_DOMAIN.to_vec();
        self.encode_to(&mut payload);
        payload
    }

    /// Signs with a raw sr25519 keypair (tools and tests; wallets sign the
    /// [`Transaction::signing_payload`] themselves).
    pub fn sign(self, keypair: &schnorrkel::Keypair) -> SignedTransaction {
        let signature = plexus_primitives::sign(keypair, &self.signing_payload());
        SignedTransaction::Plexus {
            transaction: self,
            signature,
        }
    }
}

/// A transaction as it travels and as blocks store it, in one of two envelopes.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub enum SignedTransaction {
    /// Plexus's own: a [`Transaction`] and the signer's signature over its
    /// [`Transaction::signing_payload`].
    #[codec(index = 0)]
    Plexus {
        /// What is signed.
        transaction: Transaction,
        /// The signature.
        signature: Signature,
    },
    /// A Substrate extrinsic as Bittensor's clients sign it, kept byte for byte.
    #[codec(index = 1)]
    Substrate(Extrinsic),
}

impl SignedTransaction {
    /// Decodes one transaction from exactly `bytes`, refusing anything longer than
    /// `max_bytes`, trailing bytes and non-canonical encodings.
    pub fn decode_bytes(bytes: &[u8], max_bytes: u32) -> Result<Self, InvalidTransaction> {
        if bytes.len() > max_bytes as usize {
            return Err(InvalidTransaction::TooBig {
                size: bytes.len(),
                max: max_bytes,
            });
        }
        let tx = Self::decode_all_with_depth_limit(DECODE_DEPTH, &mut &bytes[..])
            .map_err(|e| InvalidTransaction::Malformed(e.to_string()))?;
        // SCALE has a few encodings that decode to the same value (non-minimal compact
        // lengths); requiring the re-encoding to match gives one byte form per transaction.
        if tx.encode() != bytes {
            return Err(InvalidTransaction::Malformed(
                "non-canonical encoding".into(),
            ));
        }
        Ok(tx)
    }

    /// The transaction's hash: BLAKE2b-256 of its encoding, or of the extrinsic's bytes (the
    /// hash Substrate clients compute).
    pub fn hash(&self) -> H256 {
        match self {
            Self::Plexus { .. } => blake2_256(&self.encode()),
            Self::Substrate(extrinsic) => extrinsic.hash(),
        }
    }

    /// Who signed.
    pub fn signer(&self) -> AccountId {
        match self {
            Self::Plexus { transaction, .. } => transaction.signer,
            Self::Substrate(extrinsic) => extrinsic.signer(),
        }
    }

    /// The signer's nonce.
    pub fn nonce(&self) -> u64 {
        match self {
            Self::Plexus { transaction, .. } => transaction.nonce,
            Self::Substrate(extrinsic) => extrinsic.nonce(),
        }
    }

    /// The tip, rao.
    pub fn tip(&self) -> Balance {
        match self {
            Self::Plexus { transaction, .. } => transaction.tip,
            Self::Substrate(extrinsic) => extrinsic.tip(),
        }
    }

    /// What it asks the chain to do.
    pub fn call(&self) -> &Call {
        match self {
            Self::Plexus { transaction, .. } => &transaction.call,
            Self::Substrate(extrinsic) => extrinsic.call(),
        }
    }

    /// Checks the signature for the chain `context` describes.
    pub fn check(
        self,
        context: &CheckContext<'_>,
    ) -> Result<CheckedTransaction, InvalidTransaction> {
        check_batch(vec![self], context)
            .map(|mut checked| checked.remove(0))
            .map_err(|(_, e)| e)
    }

    /// The signed statement in Plexus's terms, with what its signature covers: the signer,
    /// the message and the signature.
    fn prepare(
        &self,
        context: &CheckContext<'_>,
    ) -> Result<(Transaction, Vec<u8>, Signature), InvalidTransaction> {
        match self {
            Self::Plexus {
                transaction,
                signature,
            } => Ok((
                transaction.clone(),
                transaction.signing_payload(),
                *signature,
            )),
            Self::Substrate(extrinsic) => {
                let era = extrinsic.era();
                let birth = era.birth(context.block);
                let birth_hash = match era {
                    Era::Immortal => context.genesis_hash,
                    Era::Mortal { .. } => context
                        .block_hash(birth)
                        .ok_or(InvalidTransaction::AncientBirthBlock { birth })?,
                };
                let transaction = Transaction {
                    signer: extrinsic.signer(),
                    nonce: extrinsic.nonce(),
                    genesis_hash: context.genesis_hash,
                    valid_until: era.valid_until(context.block),
                    tip: extrinsic.tip(),
                    call: extrinsic.call().clone(),
                };
                let payload = extrinsic.signing_payload(context.genesis_hash, birth_hash);
                Ok((transaction, payload, extrinsic.signature()))
            }
        }
    }
}

/// What checking a signature needs to know of the chain: its genesis, the block the
/// transaction is checked for, and the hashes of recent blocks (the birth blocks of mortal
/// Substrate extrinsics, whose hash is part of what was signed).
pub struct CheckContext<'a> {
    /// The chain's genesis hash.
    pub genesis_hash: H256,
    /// The block the transaction would be applied in.
    pub block: BlockNumber,
    /// The head the block builds on: its number and hash.
    pub head: (BlockNumber, H256),
    /// The state at the head, which keeps the hashes of the blocks before it.
    pub state: &'a crate::State,
}

impl CheckContext<'_> {
    fn block_hash(&self, number: BlockNumber) -> Option<H256> {
        if number == self.head.0 {
            return Some(self.head.1);
        }
        if number == 0 {
            return Some(self.genesis_hash);
        }
        self.state.block_hash(number)
    }
}

/// A transaction whose signature has been checked, with its hash and encoded length computed
/// once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedTransaction {
    signed: SignedTransaction,
    transaction: Transaction,
    hash: H256,
    encoded_len: u32,
}

impl CheckedTransaction {
    fn new(signed: SignedTransaction, transaction: Transaction) -> Self {
        // Encoded once: the hash and the length come from the same bytes.
        let (hash, encoded_len) = match &signed {
            SignedTransaction::Plexus { .. } => {
                let encoded = signed.encode();
                (blake2_256(&encoded), encoded.len())
            }
            SignedTransaction::Substrate(extrinsic) => (extrinsic.hash(), extrinsic.bytes().len()),
        };
        Self {
            hash,
            encoded_len: u32::try_from(encoded_len).unwrap_or(u32::MAX),
            transaction,
            signed,
        }
    }

    /// The transaction, in Plexus's terms whatever its envelope.
    pub fn transaction(&self) -> &Transaction {
        &self.transaction
    }

    /// The transaction as signed.
    pub fn signed(&self) -> &SignedTransaction {
        &self.signed
    }

    /// Its hash ([`SignedTransaction::hash`]).
    pub fn hash(&self) -> H256 {
        self.hash
    }

    /// The length its fee is charged on: its encoding, or the extrinsic's bytes.
    pub fn encoded_len(&self) -> u32 {
        self.encoded_len
    }
}

/// Why a mortal extrinsic whose signature fails at `context` is refused, when it is because its
/// era is over: it was signed for the previous cycle's birth block, and its lifetime ended.
/// One more verification, paid only by extrinsics that already failed one.
fn expired(tx: &SignedTransaction, context: &CheckContext<'_>) -> Option<InvalidTransaction> {
    let SignedTransaction::Substrate(extrinsic) = tx else {
        return None;
    };
    let Era::Mortal { period, .. } = extrinsic.era() else {
        return None;
    };
    let earlier = extrinsic.era().birth(context.block).checked_sub(period)?;
    let payload = extrinsic.signing_payload(context.genesis_hash, context.block_hash(earlier)?);
    plexus_primitives::verify(&extrinsic.signer(), &payload, &extrinsic.signature()).then_some(
        InvalidTransaction::Expired {
            valid_until: earlier + period - 1,
            block: context.block,
        },
    )
}

/// Checks many transactions' signatures at once (one batch verification, far cheaper than one
/// by one). On failure, returns the index of the first bad transaction.
pub fn check_batch(
    txs: Vec<SignedTransaction>,
    context: &CheckContext<'_>,
) -> Result<Vec<CheckedTransaction>, (usize, InvalidTransaction)> {
    let mut prepared = Vec::with_capacity(txs.len());
    for (index, tx) in txs.iter().enumerate() {
        prepared.push(tx.prepare(context).map_err(|e| (index, e))?);
    }
    let items: Vec<_> = prepared
        .iter()
        .map(|(t, payload, signature)| (t.signer, payload.as_slice(), *signature))
        .collect();
    if !plexus_primitives::verify_batch(&items) {
        if let Some(bad) = items
            .iter()
            .position(|(who, msg, sig)| !plexus_primitives::verify(who, msg, sig))
        {
            return Err((
                bad,
                expired(&txs[bad], context).unwrap_or(InvalidTransaction::BadSignature),
            ));
        }
    }
    Ok(txs
        .into_iter()
        .zip(prepared)
        .map(|(tx, (transaction, _, _))| CheckedTransaction::new(tx, transaction))
        .collect())
}
