//! A follower: a node that keeps the whole finalized chain and serves it over RPC without
//! taking part in consensus, for RPC providers, explorers, indexers and anyone who wants to
//! check the chain themselves.
//!
//! It fetches finalized blocks from any node's RPC (`chain_syncBlocks`) and trusts none of it:
//! each run of blocks must end in a block whose finality proof verifies against the chain
//! spec's validators, the blocks must link to that block and to our head by their parent
//! hashes, and every block is re-executed, its state root checked, before it is committed
//! through the same path a validator uses. Transactions submitted to the follower enter its
//! own mempool (so they are checked here first) and are relayed to the upstream node.

use crate::block::PlexusBlock;
use crate::core::{CommitError, Core};
use crate::finality::{FinalityError, FinalityVerifier};
use futures::StreamExt as _;
use futures::channel::mpsc;
use parity_scale_codec::DecodeAll as _;
use plexus_primitives::{BlockNumber, H256};
use plexus_rpc::Client;
use plexus_rpc::types::SyncBlock;
use plexus_rpc_server::Backend as _;
use plexus_runtime::{Block, SignedTransaction};
use std::sync::Arc;
use std::time::Duration;
use tracing::{debug, error, info, warn};

/// Blocks held while waiting for a finality proof that covers them. A later block's proof
/// normally arrives with the next batch; an upstream that never sends one is not followed
/// forever.
const MAX_UNPROVEN: usize = 1024;

/// How often a follower that has caught up asks for new blocks.
const POLL: Duration = Duration::from_millis(250);

/// How long to wait before retrying an upstream that failed or misbehaved.
const RETRY: Duration = Duration::from_secs(2);

/// Why a batch from the upstream was refused. None of these changes anything here.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SyncError {
    #[error("upstream: {0}")]
    Upstream(#[from] plexus_rpc::ClientError),
    #[error("upstream sent height {got} where {expected} was due")]
    Height {
        expected: BlockNumber,
        got: BlockNumber,
    },
    #[error("block {height} does not decode: {reason}")]
    Decode { height: BlockNumber, reason: String },
    #[error("block {height}: {source}")]
    Finality {
        height: BlockNumber,
        source: FinalityError,
    },
    #[error("block {height} does not link to its parent {parent}")]
    Link { height: BlockNumber, parent: H256 },
    #[error("{0} blocks arrived without a finality proof covering any of them")]
    Unproven(usize),
}

/// Fetches, checks and commits finalized blocks from `upstream` until the process stops, and
/// relays the transactions submitted here.
pub(crate) async fn follow(
    core: Arc<Core>,
    verifier: FinalityVerifier,
    upstream: Client,
    transactions: mpsc::UnboundedReceiver<SignedTransaction>,
) {
    let relay = relay(&upstream, transactions);
    let sync = sync(core, verifier, &upstream);
    futures::future::join(relay, sync).await;
}

async fn relay(upstream: &Client, mut transactions: mpsc::UnboundedReceiver<SignedTransaction>) {
    while let Some(tx) = transactions.next().await {
        // The upstream may already know it (another follower relayed it, or it was included);
        // the transaction stays in our mempool either way until a block settles it.
        if let Err(e) = upstream.submit(&tx).await {
            debug!(hash = %tx.hash(), error = %e, "upstream did not take a relayed transaction");
        }
    }
}

async fn sync(core: Arc<Core>, verifier: FinalityVerifier, upstream: &Client) {
    let mut unproven: Vec<(PlexusBlock, Option<Vec<u8>>)> = Vec::new();
    let mut reported_caught_up = false;
    loop {
        match step(&core, &verifier, upstream, &mut unproven).await {
            Ok(Progress::Committed { height, blocks }) => {
                // One block at a time is keeping up; more means catching up.
                if blocks > 1 {
                    reported_caught_up = false;
                }
                if height % 100 == 0 {
                    info!(height, "followed");
                }
            }
            Ok(Progress::Waiting) => {
                if !reported_caught_up {
                    info!(
                        height = core.finalized().head().number,
                        "caught up with the upstream"
                    );
                    reported_caught_up = true;
                }
                tokio::time::sleep(POLL).await;
            }
            Err(StepError::Sync(e)) => {
                warn!(error = %e, "refused what the upstream sent; retrying");
                unproven.clear();
                tokio::time::sleep(RETRY).await;
            }
            Err(StepError::Commit(e)) => {
                // A block with a valid finality proof that does not execute here means this
                // build disagrees with the validators: stop rather than serve a wrong state.
                error!(error = %e, "cannot commit a finalized block; stopping");
                core.halt(format!("cannot commit a finalized block: {e}"));
                return;
            }
        }
    }
}

enum Progress {
    Committed { height: BlockNumber, blocks: usize },
    Waiting,
}

enum StepError {
    Sync(SyncError),
    Commit(CommitError),
}

impl From<SyncError> for StepError {
    fn from(e: SyncError) -> Self {
        Self::Sync(e)
    }
}

/// One round: fetch what follows the blocks we hold, and commit every block a proof covers.
async fn step(
    core: &Core,
    verifier: &FinalityVerifier,
    upstream: &Client,
    unproven: &mut Vec<(PlexusBlock, Option<Vec<u8>>)>,
) -> Result<Progress, StepError> {
    let head = core.finalized().head().clone();
    let next = head.number + 1 + unproven.len() as u64;
    let batch = upstream
        .sync_blocks(next, None)
        .await
        .map_err(SyncError::from)?;
    core.saw_tip(batch.finalized);
    if batch.blocks.is_empty() {
        return Ok(Progress::Waiting);
    }
    for (expected, sync_block) in (next..).zip(batch.blocks) {
        unproven.push(decode(expected, sync_block)?);
    }
    let Some(proven) = check(verifier, head.hash(), unproven)? else {
        if unproven.len() > MAX_UNPROVEN {
            return Err(SyncError::Unproven(unproven.len()).into());
        }
        return Ok(Progress::Waiting);
    };
    let mut height = head.number;
    let blocks = proven + 1;
    for (block, proof) in unproven.drain(..=proven) {
        core.commit(&block, proof.as_deref())
            .map_err(StepError::Commit)?;
        height = block.header().number;
    }
    Ok(Progress::Committed { height, blocks })
}

fn decode(
    expected: BlockNumber,
    sync_block: SyncBlock,
) -> Result<(PlexusBlock, Option<Vec<u8>>), SyncError> {
    if sync_block.height != expected {
        return Err(SyncError::Height {
            expected,
            got: sync_block.height,
        });
    }
    let bad = |reason: String| SyncError::Decode {
        height: expected,
        reason,
    };
    if sync_block.block.0.len() > crate::block::MAX_BLOCK_BYTES as usize {
        return Err(bad("larger than a block may be".into()));
    }
    let block = Block::decode_all(&mut &sync_block.block.0[..]).map_err(|e| bad(e.to_string()))?;
    if block.header.number != expected {
        return Err(bad(format!(
            "its header says height {}",
            block.header.number
        )));
    }
    let block = PlexusBlock::new(block).map_err(|e| bad(e.to_string()))?;
    Ok((block, sync_block.finality.map(|p| p.0)))
}

/// Checks every proof among `blocks` and that they link to `head` and to each other; returns
/// the index of the highest block with a proof, below which every block is covered by it.
fn check(
    verifier: &FinalityVerifier,
    head: H256,
    blocks: &[(PlexusBlock, Option<Vec<u8>>)],
) -> Result<Option<usize>, SyncError> {
    let mut parent = head;
    let mut proven = None;
    for (index, (block, proof)) in blocks.iter().enumerate() {
        let header = block.header();
        if header.parent_hash != parent {
            return Err(SyncError::Link {
                height: header.number,
                parent: header.parent_hash,
            });
        }
        parent = block.hash();
        if let Some(proof) = proof {
            verifier
                .verify(block, proof)
                .map_err(|source| SyncError::Finality {
                    height: header.number,
                    source,
                })?;
            proven = Some(index);
        }
    }
    Ok(proven)
}
