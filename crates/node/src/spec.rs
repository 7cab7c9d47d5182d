//! The chain specification: the state machine's genesis plus the consensus validator set of
//! epoch 0, their addresses and their shares' public polynomial (in the genesis block's
//! consensus record), and the namespace derived from it that keeps one chain's signed messages
//! from another's.

use crate::consensus::{ConsensusPayload, Identity, MAX_PARTICIPANTS, Polynomial, Variant};
use crate::key::ValidatorShare;
use commonware_codec::{Decode as _, DecodeExt, Encode as _};
use commonware_consensus::types::Epoch;
use commonware_cryptography::bls12381::dkg::feldman_desmedt;
use commonware_cryptography::bls12381::primitives::sharing::Mode;
use commonware_cryptography::ed25519;
use commonware_glue::dkg::network::Addresses;
use commonware_glue::dkg::types::{EpochInfo, EpochOutcome, Payload};
use commonware_p2p::Address;
use commonware_utils::{Faults as _, N3f1, ordered::Set};
use plexus_primitives::H256;
use plexus_runtime::Genesis;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::SocketAddr;

/// Epoch 0's record as the genesis block carries it: its committee, their shares' public
/// polynomial and their addresses.
pub type GenesisEpoch = EpochInfo<Variant, ed25519::PublicKey, Addresses<ed25519::PublicKey>>;

/// Everything every node of one network must agree on before block 1.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainSpec {
    /// The state machine's genesis (balances, parameters, timestamp). Its `consensus` record
    /// is epoch 0's: the validators below, the public polynomial of their shares of the group
    /// key (whose constant term is `group_key`), and their addresses.
    pub genesis: Genesis,
    /// Epoch 0's validators: their ed25519 public keys, as hex.
    pub validators: Vec<String>,
    /// Where each validator listens for the others (`IP:port`), in the order of `validators`.
    pub addresses: Vec<String>,
}

/// Why a chain specification is unusable.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// Not valid JSON for a [`ChainSpec`].
    #[error("chain spec is not valid: {0}")]
    Json(#[from] serde_json::Error),
    /// A validator key that is not a 32-byte ed25519 public key in hex.
    #[error("validator {index} is not an ed25519 public key in hex: {value}")]
    BadValidator {
        /// Its position in the list.
        index: usize,
        /// What was given.
        value: String,
    },
    /// The same validator twice.
    #[error("validator {0} appears twice")]
    DuplicateValidator(String),
    /// No validators at all.
    #[error("a chain needs at least one validator")]
    NoValidators,
    /// More validators than a committee may have.
    #[error("{0} validators; a committee has at most {MAX_PARTICIPANTS}")]
    TooManyValidators(usize),
    /// Not one address per validator, or one that is not `IP:port`.
    #[error("addresses must list one IP:port per validator, in order: {0}")]
    BadAddresses(String),
    /// Consensus epochs too short for every validator to lead a block in each one's second
    /// half, where dealers' logs must land for a resharing to succeed.
    #[error(
        "epoch_length {length} is too short for {validators} validators: give at least {minimum}"
    )]
    EpochTooShort {
        /// The spec's epoch length.
        length: u64,
        /// How many validators there are.
        validators: usize,
        /// The shortest that works.
        minimum: u64,
    },
    /// The genesis's consensus record is not epoch 0 of these validators.
    #[error("the genesis's consensus record is not epoch 0 of these validators: {0}")]
    BadEpochZero(String),
    /// The polynomial is not a sharing of a group key among these validators.
    #[error("the chain spec's polynomial is not valid for its {validators} validators: {reason}")]
    BadPolynomial {
        /// How many validators the spec lists.
        validators: usize,
        /// What is wrong.
        reason: String,
    },
    /// A key that is not one of the spec's validators.
    #[error("this key is not one of the chain spec's validators")]
    NotAValidator,
    /// A share that is not the one the spec's polynomial gives this validator.
    #[error("this share of the group key is not the one the chain spec gives this validator")]
    WrongShare,
    /// The state machine's genesis is invalid.
    #[error(transparent)]
    Genesis(#[from] plexus_runtime::GenesisError),
}

impl ChainSpec {
    /// Parses and checks a chain specification.
    pub fn from_json(text: &str) -> Result<Self, SpecError> {
        let spec: Self = serde_json::from_str(text)?;
        spec.genesis.validate()?;
        spec.polynomial()?;
        spec.check_epoch_length()?;
        Ok(spec)
    }

    /// The shortest consensus epoch for `validators`: its second half, where dealers' logs must
    /// land, gives each of them at least two turns to lead. The chain holds every committee it
    /// fixes to the same rule.
    pub fn min_epoch_length(validators: usize) -> u64 {
        (plexus_runtime::BLOCKS_PER_VALIDATOR * validators as u64).max(16)
    }

    /// Checks the genesis's epoch length (if any) against [`ChainSpec::min_epoch_length`].
    fn check_epoch_length(&self) -> Result<(), SpecError> {
        let validators = self.validators.len();
        let minimum = Self::min_epoch_length(validators);
        match self.genesis.epoch_length {
            Some(length) if length < minimum => Err(SpecError::EpochTooShort {
                length,
                validators,
                minimum,
            }),
            _ => Ok(()),
        }
    }

    /// A chain specification whose group key a trusted dealer (this call) splits among
    /// `validators`, reachable at `addresses` (in the same order), with each validator's share,
    /// in the order of `validators`. Whoever runs it sees every share, so it suits development
    /// networks and genesis ceremonies among parties that trust the dealer; the shares must
    /// reach their validators privately.
    pub fn with_trusted_deal(
        genesis: Genesis,
        validators: Vec<String>,
        addresses: Vec<SocketAddr>,
    ) -> Result<(Self, Vec<ValidatorShare>), SpecError> {
        let mut spec = Self {
            genesis,
            validators,
            addresses: addresses.iter().map(ToString::to_string).collect(),
        };
        let set = spec.validator_set()?;
        let directory = spec.addresses()?;
        let (output, shares) = feldman_desmedt::deal::<Variant, _, N3f1>(
            commonware_utils::sys_rng(),
            Mode::NonZeroCounter,
            set.clone(),
        )
        .map_err(|e| SpecError::BadPolynomial {
            validators: spec.validators.len(),
            reason: e.to_string(),
        })?;
        spec.genesis.group_key = Some(hex::encode(output.public().public().encode()));
        let epoch_zero: GenesisEpoch = EpochInfo {
            outcome: EpochOutcome::Success,
            epoch: Epoch::zero(),
            output,
            players: set.clone(),
            next_players: set,
            directory: directory.into_iter().collect(),
        };
        spec.genesis.consensus = Some(hex::encode(
            ConsensusPayload::EpochInfo(epoch_zero).encode(),
        ));
        let mut ordered = Vec::with_capacity(spec.validators.len());
        for key in spec.validator_keys()? {
            let share = shares
                .get_value(&key)
                .cloned()
                .ok_or_else(|| SpecError::DuplicateValidator(hex::encode(key.encode())))?;
            ordered.push(ValidatorShare(share));
        }
        spec.genesis.validate()?;
        spec.polynomial()?;
        spec.check_epoch_length()?;
        Ok((spec, ordered))
    }

    /// Epoch 0's record from the genesis, checked against the spec: these validators as its
    /// dealers, players and next players, at these addresses, after a successful deal.
    pub fn epoch_zero(&self) -> Result<GenesisEpoch, SpecError> {
        let bad = |reason: &str| SpecError::BadEpochZero(reason.to_string());
        let bytes = self.genesis.consensus_bytes()?;
        if bytes.is_empty() {
            return Err(bad("there is none"));
        }
        let payload = ConsensusPayload::decode_cfg(
            bytes::Bytes::from(bytes),
            &(MAX_PARTICIPANTS, crate::consensus::mode_version()),
        )
        .map_err(|e| SpecError::BadEpochZero(e.to_string()))?;
        let Payload::EpochInfo(info) = payload else {
            return Err(bad("it is a dealer's log"));
        };
        let validators = self.validator_set()?;
        if info.epoch != Epoch::zero() || info.outcome != EpochOutcome::Success {
            return Err(bad("it is not a successful epoch 0"));
        }
        if info.players != validators
            || info.next_players != validators
            || info.output.players() != &validators
        {
            return Err(bad("its committee is not the spec's validators"));
        }
        let addresses = self.addresses()?;
        if info
            .directory
            .clone()
            .into_inner()
            .into_iter()
            .collect::<BTreeMap<_, _>>()
            != addresses
        {
            return Err(bad("its addresses are not the spec's"));
        }
        Ok(info)
    }

    /// The public polynomial of epoch 0's shares, checked against the validator set: one share
    /// per validator, and a quorum of them (more than two thirds) needed to sign.
    pub fn polynomial(&self) -> Result<Polynomial, SpecError> {
        let validators = self.validator_set()?;
        let bad = |reason: String| SpecError::BadPolynomial {
            validators: validators.len(),
            reason,
        };
        let polynomial = self.epoch_zero()?.output.public().clone();
        if polynomial.total().get() as usize != validators.len() {
            return Err(bad(format!("it shares among {}", polynomial.total())));
        }
        let quorum = N3f1::quorum(validators.len());
        if polynomial.required() != quorum {
            return Err(bad(format!(
                "it needs {} signers, not a quorum of {quorum}",
                polynomial.required()
            )));
        }
        // The runtime checks seeds against the genesis's copy of the group key.
        let identity = hex::encode(polynomial.public().encode());
        if self
            .genesis
            .group_key
            .as_deref()
            .map(|k| k.trim_start_matches("0x"))
            != Some(&identity)
        {
            return Err(bad("its group key is not the genesis's group_key".into()));
        }
        Ok(polynomial)
    }

    /// Checks that `share` is the share the polynomial gives the validator with public key
    /// `key` (hex), so that a validator started with the wrong file says so instead of casting
    /// votes nobody can count.
    pub fn check_share(&self, key: &str, share: &ValidatorShare) -> Result<(), SpecError> {
        use commonware_utils::ordered::Quorum as _;
        let polynomial = self.polynomial()?;
        let index = hex::decode(key.trim_start_matches("0x"))
            .ok()
            .and_then(|bytes| ed25519::PublicKey::decode(bytes::Bytes::from(bytes)).ok())
            .and_then(|key| self.validator_set().ok()?.index(&key))
            .ok_or(SpecError::NotAValidator)?;
        let fits = share.0.index == index
            && polynomial
                .partial_public(index)
                .is_ok_and(|public| public == share.0.public::<Variant>());
        if fits {
            Ok(())
        } else {
            Err(SpecError::WrongShare)
        }
    }

    /// The group key: what a follower needs to check finality proofs and seeds.
    pub fn identity(&self) -> Result<Identity, SpecError> {
        Ok(*self.polynomial()?.public())
    }

    /// The validator set, in the canonical order every node shares.
    pub fn validator_set(&self) -> Result<Set<ed25519::PublicKey>, SpecError> {
        Ok(Set::from_iter_dedup(self.validator_keys()?))
    }

    /// Each validator's address.
    pub fn addresses(&self) -> Result<BTreeMap<ed25519::PublicKey, Address>, SpecError> {
        let keys = self.validator_keys()?;
        if self.addresses.len() != keys.len() {
            return Err(SpecError::BadAddresses(format!(
                "{} addresses for {} validators",
                self.addresses.len(),
                keys.len()
            )));
        }
        keys.into_iter()
            .zip(&self.addresses)
            .map(|(key, text)| {
                let socket: SocketAddr = text
                    .parse()
                    .map_err(|_| SpecError::BadAddresses(format!("{text:?} is not IP:port")))?;
                Ok((key, Address::Symmetric(socket)))
            })
            .collect()
    }

    /// The validator keys in the spec's order.
    fn validator_keys(&self) -> Result<Vec<ed25519::PublicKey>, SpecError> {
        if self.validators.is_empty() {
            return Err(SpecError::NoValidators);
        }
        if self.validators.len() > MAX_PARTICIPANTS.get() as usize {
            return Err(SpecError::TooManyValidators(self.validators.len()));
        }
        let mut keys = Vec::with_capacity(self.validators.len());
        for (index, value) in self.validators.iter().enumerate() {
            let bad = || SpecError::BadValidator {
                index,
                value: value.clone(),
            };
            let bytes = hex::decode(value.trim_start_matches("0x")).map_err(|_| bad())?;
            let key = ed25519::PublicKey::decode(bytes::Bytes::from(bytes)).map_err(|_| bad())?;
            if keys.contains(&key) {
                return Err(SpecError::DuplicateValidator(value.clone()));
            }
            keys.push(key);
        }
        Ok(keys)
    }
}

/// The namespace that separates a chain's consensus messages, finality proofs and peer
/// handshakes from any other chain's.
pub fn namespace(genesis_hash: H256) -> Vec<u8> {
    // The runtime checks seeds under the same namespace.
    plexus_runtime::consensus_namespace(genesis_hash)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::key::insecure_key;

    fn genesis() -> Genesis {
        Genesis {
            chain_id: "spec-test".into(),
            timestamp: 0,
            governance: None,
            balances: vec![],
            params: plexus_runtime::ChainParams::default(),
            group_key: None,
            epoch_length: None,
            consensus: None,
        }
    }

    fn addresses(n: u16) -> Vec<SocketAddr> {
        (0..n)
            .map(|i| SocketAddr::from(([127, 0, 0, 1], 30_000 + i)))
            .collect()
    }

    #[test]
    fn test_a_dealt_spec_round_trips_and_each_share_fits_only_its_validator() {
        let keys: Vec<String> = (0..4).map(|i| insecure_key(i).public_hex()).collect();
        let (spec, shares) =
            ChainSpec::with_trusted_deal(genesis(), keys.clone(), addresses(4)).unwrap();
        let parsed = ChainSpec::from_json(&serde_json::to_string(&spec).unwrap()).unwrap();
        assert_eq!(parsed.identity().unwrap(), spec.identity().unwrap());
        // Four validators tolerate one fault: three must sign.
        assert_eq!(parsed.polynomial().unwrap().required(), 3);
        for (i, key) in keys.iter().enumerate() {
            for (j, share) in shares.iter().enumerate() {
                let checked = spec.check_share(key, share);
                if i == j {
                    checked.unwrap();
                } else {
                    assert!(matches!(checked, Err(SpecError::WrongShare)));
                }
            }
        }
        let stranger = insecure_key(9).public_hex();
        assert!(matches!(
            spec.check_share(&stranger, &shares[0]),
            Err(SpecError::NotAValidator)
        ));
        // Another deal for the same validators is another group key.
        let (other, _) = ChainSpec::with_trusted_deal(genesis(), keys, addresses(4)).unwrap();
        assert_ne!(other.identity().unwrap(), spec.identity().unwrap());
    }

    #[test]
    fn test_epoch_zero_for_another_committee_or_other_addresses_is_refused() {
        let four: Vec<String> = (0..4).map(|i| insecure_key(i).public_hex()).collect();
        let (spec, _) = ChainSpec::with_trusted_deal(genesis(), four, addresses(4)).unwrap();
        let info = spec.epoch_zero().unwrap();
        assert_eq!(info.players, spec.validator_set().unwrap());
        assert_eq!(info.output.public(), &spec.polynomial().unwrap());

        let mut three = spec.clone();
        three.validators.pop();
        three.addresses.pop();
        assert!(matches!(
            three.polynomial(),
            Err(SpecError::BadEpochZero(_))
        ));
        let mut moved = spec.clone();
        moved.addresses.swap(0, 1);
        assert!(matches!(
            moved.epoch_zero(),
            Err(SpecError::BadEpochZero(_))
        ));
        let mut unparsable = spec.clone();
        unparsable.addresses[2] = "somewhere".into();
        assert!(matches!(
            unparsable.epoch_zero(),
            Err(SpecError::BadAddresses(_))
        ));
        let mut missing = spec.clone();
        missing.addresses.pop();
        assert!(matches!(
            missing.epoch_zero(),
            Err(SpecError::BadAddresses(_))
        ));
        let mut garbled = spec.clone();
        let record = garbled.genesis.consensus.as_mut().unwrap();
        record.truncate(record.len() - 2);
        assert!(matches!(
            ChainSpec::from_json(&serde_json::to_string(&garbled).unwrap()),
            Err(SpecError::BadEpochZero(_))
        ));
        let mut short = spec.clone();
        short.genesis.epoch_length = Some(15);
        assert!(matches!(
            ChainSpec::from_json(&serde_json::to_string(&short).unwrap()),
            Err(SpecError::EpochTooShort { minimum: 16, .. })
        ));
        let mut other_key = spec;
        let (another, _) =
            ChainSpec::with_trusted_deal(genesis(), other_key.validators.clone(), addresses(4))
                .unwrap();
        other_key.genesis.group_key = another.genesis.group_key;
        assert!(matches!(
            other_key.polynomial(),
            Err(SpecError::BadPolynomial { .. })
        ));
    }
}
