//! The settings every neuron needs, with Bittensor's names, from flags, the environment and a
//! TOML file.
//!
//! A flag wins over its environment variable, which wins over the file given with `--config`,
//! which wins over the default. The file's keys are the flags' names, a dotted flag becoming a
//! table:
//!
//! ```toml
//! netuid = 1
//! node = "http://10.0.0.5:9944"
//! state-dir = "/var/lib/neuron"
//!
//! [wallet]
//! path = "~/.bittensor/wallets"
//! name = "miner"
//! hotkey = "default"
//!
//! [axon]
//! port = 8091
//! external_ip = "203.0.113.7"
//! external_port = 443
//! ```

use crate::miner::MinerSettings;
use clap::Args;
use plexus_keys::wallet::{expand_home, DEFAULT_HOTKEY, DEFAULT_WALLET_NAME, DEFAULT_WALLET_PATH};
use serde::Deserialize;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

const DEFAULT_NODE: &str = "http://127.0.0.1:9944";
const DEFAULT_AXON_PORT: u16 = 8091;
const DEFAULT_STATE_DIR: &str = "~/.plexus/neurons";

/// Flags (and environment variables) shared by miners and validators; `#[command(flatten)]`
/// them into a neuron's own arguments and [`load`](Self::load) them.
///
/// Every field is optional here because an unset flag may still be set by the config file;
/// [`NeuronConfig`] holds the values that apply.
#[derive(Debug, Clone, Default, Args)]
pub struct NeuronArgs {
    /// A TOML file with any of these settings (e.g. `netuid = 1`, `[wallet] name = "miner"`);
    /// flags and environment variables override it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The subnet.
    #[arg(long, env = "BT_NETUID")]
    pub netuid: Option<u16>,
    /// The node's RPC URL [default: http://127.0.0.1:9944].
    #[arg(long, env = "PLEXUS_NODE")]
    pub node: Option<String>,
    /// The wallets' directory [default: ~/.bittensor/wallets].
    #[arg(long = "wallet.path", env = "BT_WALLET_PATH")]
    pub wallet_path: Option<PathBuf>,
    /// The wallet [default: default].
    #[arg(long = "wallet.name", env = "BT_WALLET_NAME")]
    pub wallet_name: Option<String>,
    /// The hotkey the neuron signs with [default: default].
    #[arg(long = "wallet.hotkey", env = "BT_WALLET_HOTKEY")]
    pub wallet_hotkey: Option<String>,
    /// Where the axon listens [default: 8091].
    #[arg(long = "axon.port", env = "BT_AXON_PORT")]
    pub axon_port: Option<u16>,
    /// The address validators should reach the axon at [default: this machine's address on
    /// the route to the node].
    #[arg(long = "axon.external_ip", env = "BT_AXON_EXTERNAL_IP")]
    pub external_ip: Option<IpAddr>,
    /// The port validators should reach the axon at [default: axon.port].
    #[arg(long = "axon.external_port", env = "BT_AXON_EXTERNAL_PORT")]
    pub external_port: Option<u16>,
    /// Where a neuron keeps its state, a validator's scores [default: ~/.plexus/neurons].
    #[arg(long, env = "PLEXUS_NEURON_DIR")]
    pub state_dir: Option<PathBuf>,
}

/// The settings that apply, once flags, environment, file and defaults are merged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeuronConfig {
    /// The subnet.
    pub netuid: u16,
    /// The node's RPC URL.
    pub node: String,
    /// The wallets' directory.
    pub wallet_path: PathBuf,
    /// The wallet.
    pub wallet_name: String,
    /// The hotkey the neuron signs with.
    pub wallet_hotkey: String,
    /// Where the axon listens.
    pub axon_port: u16,
    /// The address validators should reach the axon at, if set.
    pub external_ip: Option<IpAddr>,
    /// The port validators should reach the axon at, if not `axon_port`.
    pub external_port: Option<u16>,
    /// Where a neuron keeps its state.
    pub state_dir: PathBuf,
}

/// Why the settings could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The config file could not be read.
    #[error("cannot read the config file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The config file is not valid TOML, has a key no flag has, or a value of the wrong kind.
    #[error("config file {path}: {source}")]
    Parse {
        /// The file.
        path: String,
        /// What is wrong and where, naming the key.
        source: toml::de::Error,
    },
    /// A setting without a default is set nowhere.
    #[error(
        "{name} is not set: pass --{name}, set {env} or put `{name} = ...` in the config file"
    )]
    Missing {
        /// The setting's flag and key.
        name: &'static str,
        /// Its environment variable.
        env: &'static str,
    },
}

/// The config file's layout; unknown keys are refused so a typo is not silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    netuid: Option<u16>,
    node: Option<String>,
    #[serde(rename = "state-dir")]
    state_dir: Option<PathBuf>,
    #[serde(default)]
    wallet: WalletFile,
    #[serde(default)]
    axon: AxonFile,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct WalletFile {
    path: Option<PathBuf>,
    name: Option<String>,
    hotkey: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AxonFile {
    port: Option<u16>,
    external_ip: Option<IpAddr>,
    external_port: Option<u16>,
}

impl File {
    fn read(path: &Path) -> Result<Self, ConfigError> {
        let path = expand_home(path);
        let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        toml::from_str(&text).map_err(|source| ConfigError::Parse {
            path: path.display().to_string(),
            source,
        })
    }
}

impl NeuronArgs {
    /// Merges the flags and environment (already in `self`) over the config file, if one was
    /// given, and that over the defaults.
    pub fn load(&self) -> Result<NeuronConfig, ConfigError> {
        let file = match &self.config {
            Some(path) => File::read(path)?,
            None => File::default(),
        };
        let netuid = self.netuid.or(file.netuid).ok_or(ConfigError::Missing {
            name: "netuid",
            env: "BT_NETUID",
        })?;
        Ok(NeuronConfig {
            netuid,
            node: pick(&self.node, file.node, DEFAULT_NODE.into()),
            wallet_path: pick(
                &self.wallet_path,
                file.wallet.path,
                DEFAULT_WALLET_PATH.into(),
            ),
            wallet_name: pick(
                &self.wallet_name,
                file.wallet.name,
                DEFAULT_WALLET_NAME.into(),
            ),
            wallet_hotkey: pick(
                &self.wallet_hotkey,
                file.wallet.hotkey,
                DEFAULT_HOTKEY.into(),
            ),
            axon_port: pick(&self.axon_port, file.axon.port, DEFAULT_AXON_PORT),
            external_ip: self.external_ip.or(file.axon.external_ip),
            external_port: self.external_port.or(file.axon.external_port),
            state_dir: pick(&self.state_dir, file.state_dir, DEFAULT_STATE_DIR.into()),
        })
    }
}

fn pick<T: Clone>(given: &Option<T>, from_file: Option<T>, default: T) -> T {
    given.clone().or(from_file).unwrap_or(default)
}

impl NeuronConfig {
    /// The hotkey, read from the wallet (unencrypted hotkeys, as Bittensor keeps them).
    pub fn hotkey(&self) -> Result<plexus_keys::Keypair, plexus_keys::WalletError> {
        let path = expand_home(&self.wallet_path);
        plexus_keys::Wallet::new(&path, &self.wallet_name, &self.wallet_hotkey)?.hotkey(None)
    }

    /// A miner's settings: listening on every interface at `axon_port`, publishing the
    /// external address if one is set, software `version`.
    pub fn miner_settings(&self, version: u32) -> MinerSettings {
        let listen = SocketAddr::from(([0, 0, 0, 0], self.axon_port));
        let mut settings = MinerSettings::new(self.netuid, listen, version);
        settings.external_ip = self.external_ip;
        settings.external_port = self.external_port;
        settings
    }

    /// A file in the state directory.
    pub fn state_file(&self, name: &str) -> PathBuf {
        expand_home(&self.state_dir).join(name)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        neuron: NeuronArgs,
    }

    fn parse(args: &[&str]) -> NeuronArgs {
        Cli::try_parse_from(std::iter::once("neuron").chain(args.iter().copied()))
            .unwrap()
            .neuron
    }

    fn write(dir: &tempfile::TempDir, text: &str) -> String {
        let path = dir.path().join("neuron.toml");
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    }

    const FILE: &str = r#"
netuid = 3
node = "http://10.0.0.5:9944"
state-dir = "/var/lib/neuron"

[wallet]
name = "from-file"
hotkey = "file-hotkey"

[axon]
port = 9000
external_ip = "203.0.113.7"
external_port = 443
"#;

    // The only test that touches the environment, so parallel tests cannot see its variables.
    #[test]
    fn test_flags_win_over_environment_over_file_over_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(&dir, FILE);

        let config = parse(&["--config", &path]).load().unwrap();
        assert_eq!(config.netuid, 3);
        assert_eq!(config.node, "http://10.0.0.5:9944");
        assert_eq!(config.state_dir, PathBuf::from("/var/lib/neuron"));
        assert_eq!(config.wallet_name, "from-file");
        assert_eq!(config.wallet_hotkey, "file-hotkey");
        assert_eq!(config.wallet_path, PathBuf::from(DEFAULT_WALLET_PATH));
        assert_eq!(config.axon_port, 9000);
        assert_eq!(config.external_ip, Some(IpAddr::from([203, 0, 113, 7])));
        assert_eq!(config.external_port, Some(443));

        std::env::set_var("BT_AXON_PORT", "9100");
        std::env::set_var("BT_WALLET_NAME", "from-env");
        let from_env = parse(&["--config", &path, "--wallet.name", "from-flag"]).load();
        std::env::remove_var("BT_AXON_PORT");
        std::env::remove_var("BT_WALLET_NAME");
        let config = from_env.unwrap();
        assert_eq!(config.axon_port, 9100, "environment over file");
        assert_eq!(config.wallet_name, "from-flag", "flag over environment");
        assert_eq!(config.wallet_hotkey, "file-hotkey");

        let config = parse(&["--netuid", "7"]).load().unwrap();
        assert_eq!(
            config,
            NeuronConfig {
                netuid: 7,
                node: DEFAULT_NODE.into(),
                wallet_path: DEFAULT_WALLET_PATH.into(),
                wallet_name: DEFAULT_WALLET_NAME.into(),
                wallet_hotkey: DEFAULT_HOTKEY.into(),
                axon_port: DEFAULT_AXON_PORT,
                external_ip: None,
                external_port: None,
                state_dir: DEFAULT_STATE_DIR.into(),
            }
        );
    }

    #[test]
    fn test_an_unknown_key_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        for (text, key) in [
            ("netuid = 1\nnetuids = 2\n", "netuids"),
            ("netuid = 1\n[wallet]\nnmae = \"x\"\n", "nmae"),
            (
                "netuid = 1\n[axon]\nexternal-ip = \"1.2.3.4\"\n",
                "external-ip",
            ),
        ] {
            let path = write(&dir, text);
            let error = parse(&["--config", &path]).load().unwrap_err();
            let message = error.to_string();
            assert!(matches!(error, ConfigError::Parse { .. }), "{message}");
            assert!(message.contains(&format!("`{key}`")), "{message}");
            assert!(message.contains(&path), "{message}");
        }
    }

    #[test]
    fn test_a_missing_file_or_a_bad_value_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("absent.toml").display().to_string();
        let error = parse(&["--config", &missing]).load().unwrap_err();
        assert!(matches!(error, ConfigError::Read { .. }));
        assert!(error.to_string().contains(&missing), "{error}");

        let path = write(&dir, "netuid = 1\n[axon]\nport = 70000\n");
        let error = parse(&["--config", &path]).load().unwrap_err();
        assert!(matches!(error, ConfigError::Parse { .. }), "{error}");
        assert!(error.to_string().contains("port"), "{error}");

        let error = parse(&[]).load().unwrap_err();
        assert!(matches!(error, ConfigError::Missing { name: "netuid", .. }));
        assert!(error.to_string().contains("--netuid"), "{error}");
    }
}
