//! A miner's side: its synapse handlers ([`Miner`]), who may call them (from the metagraph),
//! and its address kept on chain ([`serve_miner`]).

use crate::metagraph::Metagraph;
use plexus_axon::{Axon, AxonConfig, Gate, RunningAxon, Synapse};
use plexus_keys::{KeyError, Keypair};
use plexus_primitives::AccountId;
use plexus_rpc::{SubmitError, Submitter};
use plexus_runtime::Call;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::sync::Arc;
use std::time::Duration;
use tracing::{error, info};

/// Who may call a miner, judged against the subnet's newest metagraph; callers with more
/// stake are served first when the axon is busy.
#[derive(Clone)]
pub struct MetagraphGate {
    metagraph: Metagraph,
    /// Callers must hold a validator permit.
    pub require_permit: bool,
    /// Callers must have at least this much stake weight, rao: alpha and root TAO (× the
    /// chain's `tao_weight`), counting what parent hotkeys lend them, as Yuma weighs them.
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
        let neuron = snapshot
            .uid(hotkey)
            .and_then(|uid| snapshot.neuron(uid))
            .ok_or("not registered on this subnet")?;
        if self.require_permit && !neuron.validator_permit {
            return Err("no validator permit".into());
        }
        if neuron.total_stake < self.min_stake {
            return Err(format!(
                "stake {} below the minimum {}",
                neuron.total_stake, self.min_stake
            ));
        }
        Ok(())
    }

    /// The caller's stake weight on the subnet, rao; 0 if it is not registered. A validator
    /// that validates with weight lent by its parents ranks by that weight.
    fn priority(&self, hotkey: &AccountId) -> u64 {
        let snapshot = self.metagraph.snapshot();
        snapshot
            .uid(hotkey)
            .and_then(|uid| snapshot.neuron(uid))
            .map_or(0, |n| n.total_stake)
    }
}

/// A subnet's mining logic: the synapses it answers, each with a typed handler that gets the
/// miner (shared between requests) and the request.
///
/// ```
/// use plexus_axon::{Field, Synapse};
/// use plexus_sdk::{Miner, Routes};
/// use serde::{Deserialize, Serialize};
/// use std::sync::Arc;
///
/// #[derive(Serialize, Deserialize)]
/// struct Double {
///     input: i64,
///     output: Option<i64>,
/// }
///
/// impl Synapse for Double {
///     const NAME: &'static str = "Double";
///     const HASH_FIELDS: &'static [&'static str] = &["input"];
///     fn fields() -> Vec<Field> {
///         vec![Field::of::<i64>("input"), Field::of::<Option<i64>>("output")]
///     }
/// }
///
/// struct Doubler {
///     factor: i64,
/// }
///
/// impl Miner for Doubler {
///     fn routes(routes: Routes<Self>) -> Routes<Self> {
///         routes.handle(|miner: Arc<Self>, mut task: Double| async move {
///             task.output = Some(task.input * miner.factor);
///             task
///         })
///     }
/// }
/// ```
pub trait Miner: Send + Sync + Sized + 'static {
    /// Adds one [`Routes::handle`] per synapse the miner answers.
    fn routes(routes: Routes<Self>) -> Routes<Self>;
}

/// A miner's synapse handlers being attached to its axon.
pub struct Routes<M> {
    miner: Arc<M>,
    axon: Axon,
}

impl<M: Send + Sync + 'static> Routes<M> {
    /// Answers synapse `S` with `handler`, which gets the miner and the request and returns
    /// the request with its outputs filled in, or an error (answered 500, see
    /// [`plexus_axon::Answered`]).
    pub fn handle<S, F, Fut, R>(self, handler: F) -> Self
    where
        S: Synapse,
        F: Fn(Arc<M>, S) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: plexus_axon::Answered<S>,
    {
        let miner = self.miner.clone();
        Self {
            axon: self
                .axon
                .route(move |synapse: S| handler(miner.clone(), synapse)),
            miner: self.miner,
        }
    }
}

/// How a miner serves and what it publishes.
#[derive(Debug, Clone)]
pub struct MinerSettings {
    /// The subnet.
    pub netuid: u16,
    /// Where the axon listens.
    pub listen: SocketAddr,
    /// The IP validators should use (behind NAT, Docker or a proxy). `None`: this machine's
    /// address on the route to the node, found again at every check.
    pub external_ip: Option<IpAddr>,
    /// The port validators should use. `None`: the port the axon listens on.
    pub external_port: Option<u16>,
    /// The software version published with the address.
    pub version: u32,
    /// Only callers with a validator permit.
    pub require_permit: bool,
    /// Only callers with at least this much alpha staked, rao.
    pub min_stake: u64,
    /// The axon's limits.
    pub axon: AxonConfig,
    /// How often the published address is checked against the chain's record.
    pub check_interval: Duration,
}

impl MinerSettings {
    /// Settings for `netuid` listening on `listen`: the address found from the route to the
    /// node, any registered caller, the axon's default limits, a check every minute.
    pub fn new(netuid: u16, listen: SocketAddr, version: u32) -> Self {
        Self {
            netuid,
            listen,
            external_ip: None,
            external_port: None,
            version,
            require_permit: false,
            min_stake: 0,
            axon: AxonConfig::default(),
            check_interval: Duration::from_secs(60),
        }
    }
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
    /// The hotkey could not be copied for the axon to sign with.
    #[error("hotkey: {0}")]
    Key(#[from] KeyError),
    /// The axon could not listen.
    #[error("axon cannot listen on {address}: {source}")]
    Listen {
        /// The address.
        address: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// No external IP is set and none could be found from the route to the node.
    #[error("cannot find this machine's address towards the node {node} (set axon.external_ip): {reason}")]
    NoAddress {
        /// The node's URL.
        node: String,
        /// Why.
        reason: String,
    },
    /// Publishing the address failed.
    #[error("publishing the axon's address {address}: {source}")]
    Serve {
        /// The address.
        address: SocketAddr,
        /// Why.
        source: SubmitError,
    },
}

fn ip_fields(ip: IpAddr) -> (u128, u8) {
    match ip {
        IpAddr::V4(v4) => (u128::from(u32::from(v4)), 4),
        IpAddr::V6(v6) => (u128::from(v6), 6),
    }
}

/// The local address this machine would send from to reach `node` (`http://host[:port]/…`).
///
/// A connected UDP socket makes the kernel choose the route and source address without
/// sending anything, so no outside service learns of the miner.
async fn address_towards(node: &str) -> Result<IpAddr, MinerError> {
    let fail = |reason: String| MinerError::NoAddress {
        node: node.to_string(),
        reason,
    };
    let rest = node.split_once("://").map_or(node, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    if authority.is_empty() {
        return Err(fail("no host in the URL".into()));
    }
    // A port after the host, not a colon inside an IPv6 literal.
    let has_port = authority
        .rsplit_once(':')
        .is_some_and(|(host, _)| !host.is_empty() && (!host.contains(':') || host.ends_with(']')));
    let target = if has_port {
        authority.to_string()
    } else {
        format!("{authority}:80")
    };
    let remote = tokio::net::lookup_host(&target)
        .await
        .map_err(|e| fail(e.to_string()))?
        .next()
        .ok_or_else(|| fail("the host has no address".into()))?;
    let unspecified = match remote {
        SocketAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        SocketAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
    };
    let socket = UdpSocket::bind((unspecified, 0)).map_err(|e| fail(e.to_string()))?;
    socket.connect(remote).map_err(|e| fail(e.to_string()))?;
    Ok(socket.local_addr().map_err(|e| fail(e.to_string()))?.ip())
}

/// Publishes `address` unless the chain already has it; returns the block it was published
/// in, if it was.
async fn publish(
    chain: &Submitter,
    hotkey: &Keypair,
    metagraph: &Metagraph,
    settings: &MinerSettings,
    address: SocketAddr,
) -> Result<Option<u64>, MinerError> {
    let snapshot = metagraph.snapshot();
    let uid = snapshot
        .uid(&hotkey.account())
        .ok_or_else(|| MinerError::NotRegistered {
            hotkey: hotkey.account().to_string(),
            netuid: settings.netuid,
        })?;
    let published = snapshot.neuron(uid).and_then(|n| n.axon.clone());
    if published.is_some_and(|a| a.ip == address.ip().to_string() && a.port == address.port()) {
        return Ok(None);
    }
    let (ip, ip_type) = ip_fields(address.ip());
    let call = Call::ServeAxon {
        netuid: settings.netuid,
        version: settings.version,
        ip,
        port: address.port(),
        ip_type,
        protocol: 4,
    };
    let inclusion = chain
        .submit(hotkey, call)
        .await
        .map_err(|source| MinerError::Serve { address, source })?;
    info!(
        netuid = settings.netuid,
        %address,
        block = inclusion.block_number,
        "axon address published"
    );
    Ok(Some(inclusion.block_number))
}

/// Runs `miner`: an axon with its routes, admitting callers through a [`MetagraphGate`] with
/// the settings' rules, and its address published on chain. Then, for as long as the returned
/// axon runs, every `check_interval` the address is found again (unless set) and published
/// again if it changed or the chain's record differs (after a re-registration, say).
pub async fn serve_miner<M: Miner>(
    chain: Submitter,
    hotkey: Keypair,
    metagraph: Metagraph,
    settings: MinerSettings,
    miner: M,
) -> Result<RunningAxon, MinerError> {
    let gate = MetagraphGate {
        metagraph: metagraph.clone(),
        require_permit: settings.require_permit,
        min_stake: settings.min_stake,
    };
    // The axon signs its answers and this task signs serve calls, each with its own copy.
    let axon_key = Keypair::from_private_key(hotkey.crypto(), &hotkey.private_key())?;
    let routes = M::routes(Routes {
        miner: Arc::new(miner),
        axon: Axon::new(axon_key, gate).config(settings.axon.clone()),
    });
    let running =
        routes
            .axon
            .serve(settings.listen)
            .await
            .map_err(|source| MinerError::Listen {
                address: settings.listen,
                source,
            })?;
    let port = settings
        .external_port
        .unwrap_or(running.local_addr().port());
    let ip = match settings.external_ip {
        Some(ip) => ip,
        None => address_towards(chain.url()).await?,
    };
    let mut address = SocketAddr::new(ip, port);
    let mut published_at = publish(&chain, &hotkey, &metagraph, &settings, address).await?;
    let watched = running.stopped();
    tokio::spawn(async move {
        let mut watched = std::pin::pin!(watched);
        loop {
            tokio::select! {
                () = &mut watched => return,
                () = tokio::time::sleep(settings.check_interval) => {}
            }
            if settings.external_ip.is_none() {
                match address_towards(chain.url()).await {
                    Ok(ip) if ip != address.ip() => {
                        info!(old = %address.ip(), new = %ip, "this machine's address changed");
                        address.set_ip(ip);
                    }
                    Ok(_) => {}
                    Err(e) => error!(error = %e, "finding the axon's address failed"),
                }
            }
            // Until the metagraph shows the block of the last publication it still holds the
            // old record, which would look like a change.
            if published_at.is_some_and(|block| metagraph.snapshot().block() < block) {
                continue;
            }
            match publish(&chain, &hotkey, &metagraph, &settings, address).await {
                Ok(Some(block)) => published_at = Some(block),
                Ok(None) => {}
                Err(e) => error!(error = %e, "keeping the axon's address on chain failed"),
            }
        }
    });
    Ok(running)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[tokio::test]
    async fn test_the_address_towards_a_loopback_node_is_loopback() {
        let v4 = IpAddr::from([127, 0, 0, 1]);
        for node in [
            "http://127.0.0.1:9944",
            "http://127.0.0.1",
            "http://user@127.0.0.1:9944/rpc?x=1",
            "127.0.0.1:9944",
        ] {
            assert_eq!(address_towards(node).await.unwrap(), v4, "{node}");
        }
        assert!(address_towards("http://localhost:9944")
            .await
            .unwrap()
            .is_loopback());
        // No IPv6 on the machine is no failure of this code.
        if UdpSocket::bind("[::1]:0").is_ok() {
            assert_eq!(
                address_towards("http://[::1]:9944").await.unwrap(),
                IpAddr::from(Ipv6Addr::LOCALHOST)
            );
        }
    }

    #[tokio::test]
    async fn test_a_node_url_without_a_host_is_a_clear_error() {
        for node in ["http://", "http:///rpc", "http://@"] {
            let error = address_towards(node).await.unwrap_err();
            assert!(matches!(error, MinerError::NoAddress { .. }), "{node}");
            assert!(error.to_string().contains("axon.external_ip"), "{error}");
        }
    }
}
