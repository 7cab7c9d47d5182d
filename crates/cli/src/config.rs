//! The settings file: defaults for the network and the wallet, below flags and environment
//! variables, above the built-in defaults (as btcli's `config.yml` is).

use anyhow::{bail, Context as _, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// `config.toml`. Every field is optional; unknown ones are refused so a typo is noticed.
#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Settings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) network: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) wallet_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) wallet_path: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) wallet_hotkey: Option<String>,
}

/// The names `config set` and `config clear` accept.
pub(crate) const KEYS: [&str; 4] = ["network", "wallet_name", "wallet_path", "wallet_hotkey"];

impl Settings {
    /// Reads `path`; a missing file is empty settings unless the user named it (`explicit`).
    pub(crate) fn load(path: &Path, explicit: bool) -> Result<Self> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
                return Ok(Self::default())
            }
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        toml::from_str(&text).with_context(|| {
            format!(
                "{} is not a valid settings file (keys: {})",
                path.display(),
                KEYS.join(", ")
            )
        })
    }

    pub(crate) fn save(&self, path: &Path) -> Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let text = toml::to_string(self).context("writing settings")?;
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
    }

    /// Sets `key` to `value`, or clears it with `None`.
    pub(crate) fn update(&mut self, key: &str, value: Option<String>) -> Result<()> {
        match key {
            "network" => {
                if let Some(network) = &value {
                    network_url(network)?;
                }
                self.network = value;
            }
            "wallet_name" => self.wallet_name = value,
            "wallet_path" => self.wallet_path = value.map(PathBuf::from),
            "wallet_hotkey" => self.wallet_hotkey = value,
            other => bail!(
                "unknown setting {other:?}; settings are {}",
                KEYS.join(", ")
            ),
        }
        Ok(())
    }
}

/// The RPC URL of a network name: `local`, or a node's URL. `ws://` URLs (btcli's habit) mean
/// the same node's HTTP port.
pub(crate) fn network_url(network: &str) -> Result<String> {
    let network = network.trim();
    if network == "local" {
        return Ok("http://127.0.0.1:9944".into());
    }
    if let Some(rest) = network.strip_prefix("ws://") {
        return Ok(format!("http://{rest}"));
    }
    if network.starts_with("http://") {
        return Ok(network.to_string());
    }
    if network.starts_with("https://") || network.starts_with("wss://") {
        bail!(
            "{network}: TLS is not built in; reach the node over http:// (e.g. through an SSH tunnel or a local proxy)"
        );
    }
    bail!("unknown network {network:?}: use `local` or a node's URL such as http://127.0.0.1:9944")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_network_names_resolve_to_urls() {
        assert_eq!(network_url("local").unwrap(), "http://127.0.0.1:9944");
        assert_eq!(
            network_url("ws://10.0.0.1:9944").unwrap(),
            "http://10.0.0.1:9944"
        );
        assert_eq!(network_url("http://node:9944").unwrap(), "http://node:9944");
        assert!(network_url("finney")
            .unwrap_err()
            .to_string()
            .contains("unknown network"));
        assert!(network_url("wss://x")
            .unwrap_err()
            .to_string()
            .contains("TLS"));
    }

    #[test]
    fn test_settings_refuse_unknown_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "netwrok = \"local\"\n").unwrap();
        let err = Settings::load(&path, true).err().unwrap();
        assert!(format!("{err:#}").contains("keys: network"), "{err:#}");
        assert!(Settings::load(&dir.path().join("none.toml"), false).is_ok());
        assert!(Settings::load(&dir.path().join("none.toml"), true).is_err());
    }
}
