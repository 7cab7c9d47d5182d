//! Read-only views assembled from several storage items.

use crate::state::State;
use crate::types::{AxonInfo, NeuronEpoch, Subnet};
use crate::Hyperparameters;
use plexus_primitives::{AccountId, Balance, BlockNumber, NetUid, Uid, H256};
use serde::Serialize;

/// One neuron as the metagraph shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NeuronInfo {
    /// Its uid.
    pub uid: Uid,
    /// Its hotkey.
    pub hotkey: AccountId,
    /// The coldkey owning the hotkey.
    pub coldkey: Option<AccountId>,
    /// Block of registration.
    pub registered_at: BlockNumber,
    /// Block of its last weights or commit.
    pub last_update: BlockNumber,
    /// Whether it holds a validator permit.
    pub validator_permit: bool,
    /// Emission at the last epoch.
    pub emission: Balance,
    /// Alpha staked through its hotkey on this subnet.
    pub stake: Balance,
    /// Its consensus, incentive, dividends and trust from the last epoch.
    pub epoch: NeuronEpoch,
    /// Where it serves.
    pub axon: Option<AxonInfo>,
    /// Its weights: (dest uid, weight).
    pub weights: Vec<(u16, u16)>,
}

/// A subnet's whole public state in one piece: what validators sync and the explorer shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Metagraph {
    /// The subnet.
    pub netuid: NetUid,
    /// The block it describes.
    pub block: BlockNumber,
    /// The subnet record.
    pub subnet: Subnet,
    /// Its hyperparameters.
    pub hyperparameters: Hyperparameters,
    /// Its pool, once seeded.
    pub pool: Option<crate::Pool>,
    /// Alpha waiting for the next epoch.
    pub pending_emission: crate::PendingEmission,
    /// Every neuron, by uid.
    pub neurons: Vec<NeuronInfo>,
}

impl State {
    /// The hash of block `number`, if it is one of the recent blocks the state keeps (not the
    /// head's own, which the state cannot hold).
    pub fn block_hash(&self, number: BlockNumber) -> Option<H256> {
        self.block_hashes.get(&number).copied()
    }

    /// The block the state is at.
    pub fn block(&self) -> BlockNumber {
        self.system.get_ref().map_or(0, |s| s.block)
    }

    /// The metagraph of `netuid`, if the subnet exists.
    pub fn metagraph(&self, netuid: NetUid) -> Option<Metagraph> {
        let subnet = self.subnet(netuid)?.clone();
        let neurons = (0..subnet.n)
            .filter_map(|uid| {
                let n = self.neuron(netuid, uid)?;
                Some(NeuronInfo {
                    uid,
                    hotkey: n.hotkey,
                    coldkey: self.hotkey_owner(&n.hotkey),
                    registered_at: n.registered_at,
                    last_update: n.last_update,
                    validator_permit: n.validator_permit,
                    emission: n.emission,
                    stake: self.hotkey_stake(&n.hotkey, netuid),
                    epoch: n.epoch.clone(),
                    axon: n.axon.clone(),
                    weights: self.weights(netuid, uid).to_vec(),
                })
            })
            .collect();
        Some(Metagraph {
            netuid,
            block: self.block(),
            hyperparameters: self.hyperparameters(netuid)?.clone(),
            pool: self.pool(netuid),
            pending_emission: self.pending_emission(netuid),
            subnet,
            neurons,
        })
    }
}
