//! The settings every neuron needs, from flags or the environment, with Bittensor's names.

use clap::Args;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

/// Flags (and environment variables) shared by miners and validators; `#[command(flatten)]`
/// them into a neuron's own arguments.
#[derive(Debug, Clone, Args)]
pub struct NeuronArgs {
    /// The subnet.
    #[arg(long, env = "BT_NETUID")]
    pub netuid: u16,
    /// The node's RPC URL.
    #[arg(long, env = "PLEXUS_NODE", default_value = "http://127.0.0.1:9944")]
    pub node: String,
    /// The wallets' directory.
    #[arg(
        long = "wallet.path",
        env = "BT_WALLET_PATH",
        default_value = "~/.bittensor/wallets"
    )]
    pub wallet_path: PathBuf,
    /// The wallet.
    #[arg(
        long = "wallet.name",
        env = "BT_WALLET_NAME",
        default_value = "default"
    )]
    pub wallet_name: String,
    /// The hotkey the neuron signs with.
    #[arg(
        long = "wallet.hotkey",
        env = "BT_WALLET_HOTKEY",
        default_value = "default"
    )]
    pub hotkey: String,
    /// Where the axon listens.
    #[arg(long = "axon.port", env = "BT_AXON_PORT", default_value_t = 8091)]
    pub axon_port: u16,
    /// The address validators should reach the axon at (behind NAT, Docker or a proxy).
    #[arg(long = "axon.external_ip", env = "BT_AXON_EXTERNAL_IP")]
    pub external_ip: Option<IpAddr>,
    /// The port validators should reach the axon at, if not `axon.port`.
    #[arg(long = "axon.external_port", env = "BT_AXON_EXTERNAL_PORT")]
    pub external_port: Option<u16>,
    /// Where a neuron keeps its state (a validator's scores).
    #[arg(long, env = "PLEXUS_NEURON_DIR", default_value = "~/.plexus/neurons")]
    pub state_dir: PathBuf,
}

impl NeuronArgs {
    /// The hotkey, read from the wallet (unencrypted hotkeys, as Bittensor keeps them).
    pub fn hotkey(&self) -> Result<plexus_keys::Keypair, plexus_keys::WalletError> {
        let path = plexus_keys::wallet::expand_home(&self.wallet_path);
        plexus_keys::Wallet::new(&path, &self.wallet_name, &self.hotkey)?.hotkey(None)
    }

    /// Where the axon listens, and the address it publishes.
    pub fn axon_addresses(&self) -> (SocketAddr, SocketAddr) {
        let listen = SocketAddr::from(([0, 0, 0, 0], self.axon_port));
        let ip = self.external_ip.unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let external = SocketAddr::new(ip, self.external_port.unwrap_or(self.axon_port));
        (listen, external)
    }
}
