//! A subnet's metagraph, read from a node in one call and kept current as blocks finalize.

use plexus_primitives::{AccountId, H256};
use plexus_rpc::types::{Metagraph as RpcMetagraph, MetagraphNeuron, MetagraphOptions, SubnetInfo};
use plexus_rpc::{Client, ClientError};
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::sync::watch;
use tracing::warn;

/// One block's view of a subnet: every neuron and the subnet's parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// Every neuron by uid, with stake, scores, permits and axons.
    pub metagraph: RpcMetagraph,
    /// The subnet: hyperparameters, epoch counters, price.
    pub subnet: SubnetInfo,
}

/// Why a metagraph could not be read.
#[derive(Debug, thiserror::Error)]
pub enum MetagraphError {
    /// The node failed or could not be reached.
    #[error("node: {0}")]
    Rpc(#[from] ClientError),
    /// The subnet does not exist.
    #[error("subnet {0} does not exist")]
    NoSubnet(u16),
}

impl Snapshot {
    /// Reads the subnet and its metagraph at the node's finalized head.
    pub async fn fetch(client: &Client, netuid: u16) -> Result<Self, MetagraphError> {
        let metagraph = client
            .metagraph(netuid, MetagraphOptions::default(), None)
            .await?
            .ok_or(MetagraphError::NoSubnet(netuid))?;
        // The same block as the metagraph, so the two always agree.
        let at = Some(plexus_rpc::types::BlockId::Hash(metagraph.block_hash));
        let subnet = client
            .subnet(netuid, at)
            .await?
            .ok_or(MetagraphError::NoSubnet(netuid))?;
        Ok(Self { metagraph, subnet })
    }

    /// The block it describes.
    pub fn block(&self) -> u64 {
        self.metagraph.block
    }

    /// Every neuron, by uid.
    pub fn neurons(&self) -> &[MetagraphNeuron] {
        &self.metagraph.neurons
    }

    /// The uid of `hotkey`, if it is registered.
    pub fn uid(&self, hotkey: &AccountId) -> Option<u16> {
        self.neurons()
            .iter()
            .find(|n| n.hotkey == *hotkey)
            .map(|n| n.uid)
    }

    /// The neuron at `uid`.
    pub fn neuron(&self, uid: u16) -> Option<&MetagraphNeuron> {
        self.neurons().get(usize::from(uid))
    }

    /// Every hotkey, by uid.
    pub fn hotkeys(&self) -> Vec<AccountId> {
        self.neurons().iter().map(|n| n.hotkey).collect()
    }
}

/// A metagraph shared between tasks and refreshed from the node on every finalized block.
#[derive(Clone)]
pub struct Metagraph {
    current: Arc<RwLock<Arc<Snapshot>>>,
    changed: watch::Receiver<u64>,
    client: Arc<Client>,
    /// The chain's group key, read once when following starts: every beacon value must be
    /// signed by it.
    group_key: Option<Vec<u8>>,
}

impl Metagraph {
    /// Reads the metagraph once, then keeps it current in a background task for as long as
    /// any clone of the returned handle lives.
    pub async fn follow(url: &str, netuid: u16) -> Result<Self, MetagraphError> {
        let client = Arc::new(Client::new(url)?);
        let group_key = client.info().await?.group_key;
        let first = Snapshot::fetch(&client, netuid).await?;
        let (tell, changed) = watch::channel(first.block());
        let current = Arc::new(RwLock::new(Arc::new(first)));
        let weak = Arc::downgrade(&current);
        let refreshing = client.clone();
        tokio::spawn(async move {
            let client = refreshing;
            loop {
                if let Err(e) = refresh(&client, netuid, &weak, &tell).await {
                    if weak.strong_count() == 0 {
                        return;
                    }
                    warn!(netuid, error = %e, "metagraph updates interrupted; reconnecting");
                }
                if weak.strong_count() == 0 {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
        Ok(Self {
            current,
            changed,
            client,
            group_key,
        })
    }

    /// The chain's randomness recorded by block `height`, checked against the chain's group
    /// key; `None` on a chain without a beacon, or if the node's answer does not check. Asked
    /// of the node only when called, so neurons that do not draw from the beacon never pay for
    /// its check.
    pub async fn randomness(&self, height: u64) -> Result<Option<H256>, MetagraphError> {
        let Some(group_key) = &self.group_key else {
            return Ok(None);
        };
        let answer = self.client.randomness(height).await?;
        Ok(answer
            .filter(|r| &r.group_key == group_key)
            .and_then(|r| checked_randomness(&r)))
    }

    /// The newest snapshot.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Waits until a snapshot newer than block `after` arrives, and returns it.
    pub async fn newer_than(&mut self, after: u64) -> Arc<Snapshot> {
        let _ = self.changed.wait_for(|block| *block > after).await;
        self.snapshot()
    }
}

/// The beacon's value if its proof checks: the signature is the group's over the round, and the
/// value is its hash.
fn checked_randomness(r: &plexus_rpc::types::Randomness) -> Option<H256> {
    let round = plexus_timelock::Round {
        epoch: r.epoch,
        view: r.view,
    };
    let signature: &[u8; plexus_timelock::SIGNATURE_LEN] =
        r.signature.as_slice().try_into().ok()?;
    let valid = plexus_timelock::verify_seed(&r.group_key, &r.namespace, round, signature)
        && plexus_timelock::beacon(signature) == r.randomness.0;
    if !valid {
        warn!(
            height = r.height,
            "the node's randomness does not check; ignoring it"
        );
    }
    valid.then_some(r.randomness)
}

/// Fetches the metagraph on every finalized head until the subscription ends or the handle is
/// gone.
async fn refresh(
    client: &Client,
    netuid: u16,
    current: &std::sync::Weak<RwLock<Arc<Snapshot>>>,
    tell: &watch::Sender<u64>,
) -> Result<(), MetagraphError> {
    let mut heads = client.subscribe_finalized_heads().await?;
    while let Some(head) = heads.next().await {
        let head = head?;
        let Some(current) = current.upgrade() else {
            return Ok(());
        };
        let known = current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .block();
        if head.number <= known {
            continue;
        }
        let snapshot = Arc::new(Snapshot::fetch(client, netuid).await?);
        let block = snapshot.block();
        *current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = snapshot;
        let _ = tell.send(block);
    }
    Ok(())
}
