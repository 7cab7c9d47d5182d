//! The block as consensus sees it: Plexus's SCALE block behind Commonware's traits.
//!
//! The digest consensus votes on is our own header hash (BLAKE2b-256 of the SCALE header), carried
//! in Commonware's 32-byte `sha256::Digest` container; nothing here runs SHA-256 over a block. The
//! header commits to the transactions root, to the consensus context the block was proposed in
//! (epoch, view, parent's view, leader) and to its consensus payload, so the digest covers the
//! whole block.
//!
//! The consensus payload (the validators' resharing record, opaque to the chain's rules) is
//! decoded once, when the block is, and a block whose payload or leader does not decode is not
//! a block: resharing reads the payload of every finalized block and must never meet one it
//! cannot read.

use crate::consensus::{ConsensusPayload, MAX_PARTICIPANTS, mode_version};
use bytes::{Buf as _, BufMut};
use commonware_codec::{
    Buf, Copying, Decode as _, DecodeExt as _, EncodeSize, Error as CodecError, Read, ReadExt as _,
    Write, varint::UInt,
};
use commonware_consensus::simplex::types::Context;
use commonware_consensus::types::{Epoch, Round, View};
use commonware_consensus::{
    Block as ConsensusBlock, BoundedBlock, CertifiableBlock, Heightable, types::Height,
};
use commonware_cryptography::{Digestible, ed25519, sha256};
use commonware_glue::dkg::ReshareBlock;
use parity_scale_codec::{DecodeLimit, Encode};
use plexus_primitives::H256;
use plexus_runtime::{Block, Header};
use std::sync::Arc;

/// The digest consensus agrees on: a Plexus header hash.
pub type BlockDigest = sha256::Digest;

/// The largest encoded block any validator accepts. Part of the wire format: every validator
/// must use the same value, and it may grow across upgrades but never shrink.
pub const MAX_BLOCK_BYTES: u32 = 4 * 1024 * 1024;

/// SCALE nesting depth accepted when decoding a block from a peer.
const MAX_DECODE_DEPTH: u32 = 64;

/// A Plexus block with its encoding, hash, leader and consensus payload decoded once.
#[derive(Clone)]
pub struct PlexusBlock {
    block: Arc<Block>,
    encoded: Arc<[u8]>,
    digest: BlockDigest,
    leader: ed25519::PublicKey,
    payload: Option<Arc<ConsensusPayload>>,
}

impl PartialEq for PlexusBlock {
    fn eq(&self, other: &Self) -> bool {
        // The digest commits to everything else.
        self.digest == other.digest && self.encoded == other.encoded
    }
}

impl Eq for PlexusBlock {}

impl std::fmt::Debug for PlexusBlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlexusBlock")
            .field("header", self.header())
            .field("transactions", &self.block.transactions.len())
            .field("consensus_bytes", &self.block.consensus.len())
            .finish()
    }
}

impl PlexusBlock {
    /// Wraps a block, encoding and hashing it and decoding its leader and consensus payload;
    /// fails if either does not decode.
    pub fn new(block: Block) -> Result<Self, CodecError> {
        let leader = ed25519::PublicKey::decode(Copying(&block.header.leader.0[..]))?;
        let payload = if block.consensus.is_empty() {
            None
        } else {
            let payload = ConsensusPayload::decode_cfg(
                Copying(&block.consensus[..]),
                &(MAX_PARTICIPANTS, mode_version()),
            )?;
            // The decoder reads every byte; the payload must also re-encode to them, so that it
            // has one form.
            if commonware_codec::Encode::encode(&payload).as_ref() != block.consensus.as_slice() {
                return Err(CodecError::Invalid(
                    "PlexusBlock",
                    "non-canonical consensus payload",
                ));
            }
            Some(Arc::new(payload))
        };
        let encoded: Arc<[u8]> = block.encode().into();
        let digest = to_digest(block.header.hash());
        Ok(Self {
            block: Arc::new(block),
            encoded,
            digest,
            leader,
            payload,
        })
    }

    /// The block.
    pub fn block(&self) -> &Block {
        &self.block
    }

    /// Its header.
    pub fn header(&self) -> &Header {
        &self.block.header
    }

    /// Its hash, as Plexus names blocks.
    pub fn hash(&self) -> H256 {
        H256(self.digest.0)
    }

    /// Length of its SCALE encoding.
    pub fn encoded_len(&self) -> usize {
        self.encoded.len()
    }
}

/// A Plexus hash as a consensus digest.
pub fn to_digest(hash: H256) -> BlockDigest {
    sha256::Digest(hash.0)
}

impl Digestible for PlexusBlock {
    type Digest = BlockDigest;

    fn digest(&self) -> BlockDigest {
        self.digest
    }
}

impl Heightable for PlexusBlock {
    fn height(&self) -> Height {
        Height::new(self.block.header.number)
    }
}

impl ConsensusBlock for PlexusBlock {
    fn parent(&self) -> BlockDigest {
        to_digest(self.block.header.parent_hash)
    }
}

/// The wire format: a varint length, then the SCALE block.
impl Write for PlexusBlock {
    fn write(&self, buf: &mut impl BufMut) {
        // Blocks over `MAX_BLOCK_BYTES` are never built, so the length fits a u32.
        UInt(self.encoded.len() as u32).write(buf);
        buf.put_slice(&self.encoded);
    }
}

impl EncodeSize for PlexusBlock {
    fn encode_size(&self) -> usize {
        UInt(self.encoded.len() as u32).encode_size() + self.encoded.len()
    }
}

impl Read for PlexusBlock {
    type Cfg = ();

    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, CodecError> {
        let len = UInt::<u32>::read(buf)?.0;
        if len > MAX_BLOCK_BYTES {
            return Err(CodecError::InvalidLength(len as usize));
        }
        let len = len as usize;
        if buf.remaining() < len {
            return Err(CodecError::EndOfBuffer);
        }
        let mut bytes = vec![0u8; len];
        buf.copy_to_slice(&mut bytes);
        let block = Block::decode_all_with_depth_limit(MAX_DECODE_DEPTH, &mut bytes.as_slice())
            .map_err(|_| CodecError::Invalid("PlexusBlock", "not a SCALE block"))?;
        // Canonical bytes only: a block that re-encodes differently would have two wire forms.
        if block.encode() != bytes {
            return Err(CodecError::Invalid("PlexusBlock", "non-canonical encoding"));
        }
        Self::new(block)
    }
}

impl ReshareBlock for PlexusBlock {
    type Variant = crate::consensus::Variant;
    type PublicKey = ed25519::PublicKey;
    type Directory = commonware_glue::dkg::network::Addresses<ed25519::PublicKey>;

    fn payload(&self) -> Option<ConsensusPayload> {
        self.payload.as_deref().cloned()
    }
}

/// The consensus context a block was proposed in, as its header records it.
impl CertifiableBlock for PlexusBlock {
    type Context = Context<BlockDigest, ed25519::PublicKey>;

    fn context(&self) -> Self::Context {
        let header = self.header();
        Context {
            round: Round::new(Epoch::new(header.epoch), View::new(header.view)),
            leader: self.leader.clone(),
            parent: (View::new(header.parent_view), self.parent()),
        }
    }
}

impl BoundedBlock for PlexusBlock {
    fn max_encode_size(_: &()) -> usize {
        // The widest u32 varint is five bytes.
        5 + MAX_BLOCK_BYTES as usize
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use commonware_codec::Encode as _;
    use commonware_cryptography::Signer as _;
    use commonware_cryptography::bls12381::dkg::feldman_desmedt::{Dealer, Info, Reveal, deal};
    use commonware_cryptography::bls12381::primitives::sharing::Mode;
    use commonware_glue::dkg::types::{EpochInfo, EpochOutcome, Payload};
    use commonware_p2p::Address;
    use commonware_utils::{N3f1, ordered::Set};

    fn decode(bytes: &[u8]) -> Result<PlexusBlock, CodecError> {
        PlexusBlock::decode(bytes::Bytes::copy_from_slice(bytes))
    }

    fn sample() -> PlexusBlock {
        PlexusBlock::new(Block {
            header: Header {
                number: 7,
                parent_hash: H256([3; 32]),
                timestamp: 1_700_000_000_000,
                transactions_root: plexus_runtime::transactions_root(&[]),
                state_root: H256([9; 32]),
                epoch: 0,
                view: 7,
                parent_view: 6,
                leader: plexus_runtime::ValidatorId::default(),
                consensus_root: plexus_runtime::consensus_root(&[]),
                seeds: vec![],
            },
            transactions: vec![],
            consensus: vec![],
        })
        .unwrap()
    }

    #[test]
    fn round_trips_and_keeps_the_header_hash_as_digest() {
        let block = sample();
        let bytes = block.encode();
        let decoded = decode(bytes.as_ref()).unwrap();
        assert_eq!(decoded, block);
        assert_eq!(decoded.digest().0, block.header().hash().0);
        assert_eq!(decoded.height(), Height::new(7));
        assert_eq!(decoded.parent().0, [3; 32]);
    }

    #[test]
    fn rejects_truncated_oversized_and_trailing_input() {
        let bytes = sample().encode().to_vec();
        assert!(decode(&bytes[..bytes.len() - 1]).is_err());
        let mut long = bytes.clone();
        long.push(0);
        assert!(decode(long.as_slice()).is_err());
        let mut huge = Vec::new();
        UInt(MAX_BLOCK_BYTES + 1).write(&mut huge);
        assert!(matches!(
            decode(huge.as_slice()),
            Err(CodecError::InvalidLength(_))
        ));
    }

    #[test]
    fn rejects_a_length_prefix_that_disagrees_with_the_block() {
        // A declared length covering one byte more than the block: the SCALE decode must use
        // every byte, so the extra byte makes it invalid rather than silently ignored.
        let block = sample();
        let scale = block.block().encode();
        let mut bytes = Vec::new();
        UInt(scale.len() as u32 + 1).write(&mut bytes);
        bytes.extend_from_slice(&scale);
        bytes.push(0);
        assert!(decode(bytes.as_slice()).is_err());
    }

    /// Four validators' keys, a trusted deal among them, and epoch 0's record of it.
    fn epoch_zero() -> (
        Vec<ed25519::PrivateKey>,
        Vec<commonware_cryptography::bls12381::primitives::group::Share>,
        EpochInfo<crate::consensus::Variant, ed25519::PublicKey, Addresses>,
    ) {
        let keys: Vec<_> = (0..4).map(ed25519::PrivateKey::from_seed).collect();
        let players: Set<ed25519::PublicKey> =
            Set::from_iter_dedup(keys.iter().map(|k| k.public_key()));
        let (output, shares) = deal::<crate::consensus::Variant, _, N3f1>(
            commonware_utils::test_rng(),
            Mode::NonZeroCounter,
            players.clone(),
        )
        .unwrap();
        let directory = players
            .iter()
            .enumerate()
            .map(|(i, key)| {
                let socket = std::net::SocketAddr::from(([127, 0, 0, 1], 30_000 + i as u16));
                (key.clone(), Address::Symmetric(socket))
            })
            .collect();
        let shares = players
            .iter()
            .map(|key| shares.get_value(key).unwrap().clone())
            .collect();
        let info = EpochInfo {
            outcome: EpochOutcome::Success,
            epoch: Epoch::zero(),
            output,
            players: players.clone(),
            next_players: players,
            directory,
        };
        (keys, shares, info)
    }

    type Addresses = commonware_glue::dkg::network::Addresses<ed25519::PublicKey>;

    /// `sample()` carrying `consensus` (with its root), through the wire decoder.
    fn with_payload(consensus: Vec<u8>) -> Result<PlexusBlock, CodecError> {
        let mut block = sample().block().clone();
        block.header.consensus_root = plexus_runtime::consensus_root(&consensus);
        block.consensus = consensus;
        let scale = block.encode();
        let mut bytes = Vec::new();
        UInt(scale.len() as u32).write(&mut bytes);
        bytes.extend_from_slice(&scale);
        decode(&bytes)
    }

    #[test]
    fn carries_an_epoch_info_and_a_dealer_log_through_the_wire() {
        let (keys, shares, info) = epoch_zero();
        let epoch_info = Payload::EpochInfo(info.clone());
        let block = with_payload(epoch_info.encode().to_vec()).unwrap();
        assert!(block.payload() == Some(epoch_info));

        // A dealer's log of resharing epoch 0's shares to the same players.
        let dealing = Info::new::<N3f1>(
            b"plexus-test",
            1,
            Some(info.output.clone()),
            Mode::NonZeroCounter,
            Reveal::V1,
            info.players.clone(),
            info.players.clone(),
        )
        .unwrap();
        let (dealer, _, _) = Dealer::start::<N3f1>(
            commonware_utils::test_rng(),
            dealing,
            keys[0].clone(),
            Some(shares[0].clone()),
        )
        .unwrap();
        let log = Payload::DealerLog(dealer.finalize::<N3f1>());
        let block = with_payload(log.encode().to_vec()).unwrap();
        assert!(block.payload() == Some(log));
        assert!(sample().payload().is_none());
    }

    #[test]
    fn refuses_a_payload_that_does_not_decode_has_trailing_bytes_or_another_form() {
        let (_, _, info) = epoch_zero();
        let bytes = Payload::EpochInfo(info).encode().to_vec();
        assert!(with_payload(vec![7, 1, 2, 3]).is_err(), "an unknown kind");
        assert!(
            with_payload(bytes[..bytes.len() - 1].to_vec()).is_err(),
            "truncated"
        );
        let mut trailing = bytes.clone();
        trailing.push(0);
        assert!(with_payload(trailing).is_err(), "trailing bytes");
        // The block must commit to its payload, which the chain's rules check; a payload
        // that does not decode is refused here whatever its root.
        let mut block = sample().block().clone();
        block.consensus = vec![1, 0];
        assert!(PlexusBlock::new(block).is_err());
    }

    #[test]
    fn the_largest_payload_fits_a_block() {
        let max = ConsensusPayload::max_encode_size(MAX_PARTICIPANTS);
        assert!(max <= plexus_runtime::MAX_CONSENSUS_BYTES, "{max}");
        assert!(plexus_runtime::MAX_CONSENSUS_BYTES < MAX_BLOCK_BYTES as usize / 2);
    }

    #[test]
    fn its_context_is_the_one_its_header_names() {
        let mut block = sample().block().clone();
        let leader = ed25519::PrivateKey::from_seed(3).public_key();
        block.header.leader = plexus_runtime::ValidatorId(leader.as_ref().try_into().unwrap());
        block.header.epoch = 2;
        let block = PlexusBlock::new(block).unwrap();
        let context = block.context();
        assert_eq!(context.round, Round::new(Epoch::new(2), View::new(7)));
        assert_eq!(context.leader, leader);
        assert_eq!(context.parent, (View::new(6), block.parent()));
    }
}
