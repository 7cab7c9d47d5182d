//! Who a validator connects to: each consensus epoch's committee (dealers, players and the next
//! epoch's players), at the addresses that epoch's record on chain names, except the validators
//! this node was told to reach elsewhere (`--peer`: from behind a NAT, say).
//!
//! Consensus (glue's orchestrator) tells the peer manager whom to track as it enters each epoch;
//! [`PeerBook`] applies the local overrides and hands the result to the p2p network's manager.

use commonware_consensus::types::Epoch;
use commonware_cryptography::ed25519;
use commonware_glue::dkg::network::{AddressableManager, Addresses, Manager, MissingAddress};
use commonware_p2p::{
    Address, AddressableManager as P2pAddressableManager, PeerSetSubscription, Provider,
    TrackedPeers,
};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A p2p network's peer manager behind consensus's per-epoch peer sets, with some validators'
/// addresses replaced by local ones.
#[derive(Clone)]
pub struct PeerBook<M> {
    inner: AddressableManager<M>,
    overrides: Arc<BTreeMap<ed25519::PublicKey, Address>>,
}

impl<M> std::fmt::Debug for PeerBook<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PeerBook")
            .field("overrides", &self.overrides.len())
            .finish_non_exhaustive()
    }
}

impl<M> PeerBook<M> {
    /// Tracks peers on `manager`, reaching each validator in `overrides` at its address there
    /// rather than at the one on chain.
    pub fn new(manager: M, overrides: BTreeMap<ed25519::PublicKey, Address>) -> Self {
        Self {
            inner: AddressableManager::new(manager),
            overrides: Arc::new(overrides),
        }
    }
}

impl<M> Provider for PeerBook<M>
where
    M: P2pAddressableManager<PublicKey = ed25519::PublicKey>,
{
    type PublicKey = ed25519::PublicKey;

    async fn peer_set(&mut self, id: u64) -> Option<TrackedPeers<Self::PublicKey>> {
        self.inner.peer_set(id).await
    }

    async fn subscribe(&mut self) -> PeerSetSubscription<Self::PublicKey> {
        self.inner.subscribe().await
    }
}

impl<M> Manager for PeerBook<M>
where
    M: P2pAddressableManager<PublicKey = ed25519::PublicKey>,
{
    type Directory = Addresses<ed25519::PublicKey>;
    type Error = MissingAddress<ed25519::PublicKey>;

    fn track(
        &mut self,
        epoch: Epoch,
        peers: TrackedPeers<Self::PublicKey>,
        directory: &Self::Directory,
    ) -> Result<(), Self::Error> {
        if self.overrides.is_empty() {
            return self.inner.track(epoch, peers, directory);
        }
        let local: Addresses<ed25519::PublicKey> = directory
            .clone()
            .into_inner()
            .into_iter()
            .map(|(key, address)| {
                let address = self.overrides.get(&key).cloned().unwrap_or(address);
                (key, address)
            })
            .collect();
        self.inner.track(epoch, peers, &local)
    }
}
