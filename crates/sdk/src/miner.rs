//! A miner's side: who may call its axon (from the metagraph), and keeping its address on chain.

use crate::chain::{Chain, ChainError};
use crate::metagraph::Metagraph;
use plexus_axon::{Axon, Gate, RunningAxon};
use plexus_keys::Keypair;
use plexus_primitives::AccountId;
use plexus_runtime::Call;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;
use tracing::{error, info};

/// Who may call a miner, judged against the subnet's newest metagraph.
#[derive(Clone)]
pub struct MetagraphGate {
    metagraph: Metagraph,
    /// Callers must hold a validator permit.
    pub require_permit: bool,
    /// Callers must have at least this much alpha staked, rao.
    pub min_stake: u64,
}

impl MetagraphGate {
    /// Registered hotkeys only (Bittensor's default blacklist).
    pub fn registered(metagraph: Metagraph) -> Self {
        Self {
            metagraph,
            require_permit: false,
            min_stake: 0,
        }
    }
}

impl Gate for MetagraphGate {
    fn admit(&self, hotkey: &AccountId) -> Result<(), String> {
        let snapshot = self.metagraph.snapshot();
        let uid = snapshot
            .uid(hotkey)
            .ok_or_else(|| "not registered on this subnet".to_string())?;
        let neuron = snapshot
            .neuron(uid)
            .ok_or("not registered on this subnet")?;
        if self.require_permit && !neuron.validator_permit {
            return Err("no validator permit".into());
        }
        if neuron.stake < self.min_stake {
            return Err(format!(
                "stake {} below the minimum {}",
                neuron.stake, self.min_stake
            ));
        }
        Ok(())
    }
}

/// Where a miner listens and what it publishes.
#[derive(Debug, Clone)]
pub struct MinerSettings {
    /// The subnet.
    pub netuid: u16,
    /// Where the axon listens.
    pub listen: SocketAddr,
    /// The address validators should use (behind NAT or a proxy it differs from `listen`).
    pub external: SocketAddr,
    /// The software version published with the address.
    pub version: u32,
}

/// Why a miner could not start.
#[derive(Debug, thiserror::Error)]
pub enum MinerError {
    /// The hotkey has no uid on the subnet.
    #[error("hotkey {hotkey} is not registered on subnet {netuid}")]
    NotRegistered {
        /// The hotkey.
        hotkey: String,
        /// The subnet.
        netuid: u16,
    },
    /// The axon could not listen.
    #[error("axon cannot listen on {address}: {source}")]
    Listen {
        /// The address.
        address: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// Publishing the address failed.
    #[error("publishing the axon's address: {0}")]
    Serve(#[from] ChainError),
}

fn ip_fields(ip: IpAddr) -> (u128, u8) {
    match ip {
        IpAddr::V4(v4) => (u128::from(u32::from(v4)), 4),
        IpAddr::V6(v6) => (u128::from(v6), 6),
    }
}

/// Publishes the miner's address unless the chain already has it.
async fn publish(
    chain: &Chain,
    hotkey: &Keypair,
    metagraph: &Metagraph,
    settings: &MinerSettings,
) -> Result<(), MinerError> {
    let snapshot = metagraph.snapshot();
    let uid = snapshot
        .uid(&hotkey.account())
        .ok_or_else(|| MinerError::NotRegistered {
            hotkey: hotkey.account().to_string(),
            netuid: settings.netuid,
        })?;
    let published = snapshot.neuron(uid).and_then(|n| n.axon.clone());
    let current = published.is_some_and(|a| {
        a.ip == settings.external.ip().to_string() && a.port == settings.external.port()
    });
    if current {
        return Ok(());
    }
    let (ip, ip_type) = ip_fields(settings.external.ip());
    let call = Call::ServeAxon {
        netuid: settings.netuid,
        version: settings.version,
        ip,
        port: settings.external.port(),
        ip_type,
        protocol: 4,
    };
    let inclusion = chain.submit(hotkey, call).await?;
    info!(
        netuid = settings.netuid,
        address = %settings.external,
        block = inclusion.block_number,
        "axon address published"
    );
    Ok(())
}

/// Starts `axon` and publishes its address on chain; then, for as long as the returned axon
/// runs, checks every minute that the chain still has that address and publishes it again if
/// not (after a re-registration, say).
pub async fn serve_miner(
    chain: Chain,
    hotkey: Keypair,
    metagraph: Metagraph,
    settings: MinerSettings,
    axon: Axon,
) -> Result<RunningAxon, MinerError> {
    let running = axon
        .serve(settings.listen)
        .await
        .map_err(|source| MinerError::Listen {
            address: settings.listen,
            source,
        })?;
    publish(&chain, &hotkey, &metagraph, &settings).await?;
    let watched = running.stopped();
    tokio::spawn(async move {
        let mut watched = std::pin::pin!(watched);
        loop {
            tokio::select! {
                () = &mut watched => return,
                () = tokio::time::sleep(Duration::from_secs(60)) => {}
            }
            if let Err(e) = publish(&chain, &hotkey, &metagraph, &settings).await {
                error!(error = %e, "keeping the axon's address on chain failed");
            }
        }
    });
    Ok(running)
}
