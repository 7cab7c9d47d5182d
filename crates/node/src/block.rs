//! The block as consensus sees it: Plexus's SCALE block behind Commonware's traits.
//!
//! The digest consensus votes on is our own header hash (BLAKE2b-256 of the SCALE header), carried
//! in Commonware's 32-byte `sha256::Digest` container; nothing here runs SHA-256 over a block. The
//! header commits to the transactions root, so the digest covers the whole block.

use bytes::{Buf as _, BufMut};
use commonware_codec::{
    Buf, EncodeSize, Error as CodecError, Read, ReadExt as _, Write, varint::UInt,
};
use commonware_consensus::{Block as ConsensusBlock, BoundedBlock, Heightable, types::Height};
use commonware_cryptography::{Digestible, sha256};
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

/// A Plexus block with its encoding and hash computed once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlexusBlock {
    block: Arc<Block>,
    encoded: Arc<[u8]>,
    digest: BlockDigest,
}

impl PlexusBlock {
    /// Wraps a block, encoding and hashing it.
    pub fn new(block: Block) -> Self {
        let encoded: Arc<[u8]> = block.encode().into();
        let digest = to_digest(block.header.hash());
        Self {
            block: Arc::new(block),
            encoded,
            digest,
        }
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
        Ok(Self::new(block))
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
    use commonware_codec::{DecodeExt as _, Encode as _};

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
                seeds: vec![],
            },
            transactions: vec![],
        })
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
}
