//! The Python subnet (`subnets/python`): a miner and a validator written only with Bittensor's
//! SDK (`bittensor==10.5.0`), run as processes talking to the chain through its
//! Substrate-compatible RPC, exactly as they would talk to Bittensor's.
//!
//! The scripts are built into the binary and written to the state directory. The interpreter is
//! `--python` when given (it must import `bittensor`), else a virtualenv made in the state
//! directory with `python3 -m venv` and the subnet's `requirements.txt` from PyPI, kept between
//! runs.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use tokio::process::{Child, Command};
use tracing::info;

/// The subnet's name, as `--subnets` takes it.
pub(crate) const NAME: &str = "python";
/// What it does, in a line.
pub(crate) const ABOUT: &str =
    "Bittensor's subnet template in Python, on bittensor 10.5.0 unchanged: miners double integers";

const FILES: [(&str, &str); 5] = [
    (
        "requirements.txt",
        include_str!("../../../subnets/python/requirements.txt"),
    ),
    (
        "protocol.py",
        include_str!("../../../subnets/python/protocol.py"),
    ),
    (
        "neuron.py",
        include_str!("../../../subnets/python/neuron.py"),
    ),
    ("miner.py", include_str!("../../../subnets/python/miner.py")),
    (
        "validator.py",
        include_str!("../../../subnets/python/validator.py"),
    ),
];

/// The Python subnet ready to start: its scripts on disk and an interpreter that has
/// `bittensor`.
pub(crate) struct PythonSubnet {
    dir: PathBuf,
    python: PathBuf,
}

impl PythonSubnet {
    /// Writes the scripts under `state_dir` and finds or makes the interpreter; `Err` says what
    /// is missing and what to install.
    pub(crate) fn prepare(state_dir: &Path, python: Option<&Path>) -> Result<Self, String> {
        let dir = state_dir.join(NAME);
        std::fs::create_dir_all(dir.join("logs")).map_err(|e| format!("{}: {e}", dir.display()))?;
        for (name, text) in FILES {
            std::fs::write(dir.join(name), text).map_err(|e| format!("{name}: {e}"))?;
        }
        let python = match python {
            Some(python) => python.to_path_buf(),
            None => venv(&dir)?,
        };
        let imports = std::process::Command::new(&python)
            .args(["-c", "import bittensor"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !imports {
            return Err(format!(
                "{} cannot import bittensor; give --python an interpreter with `pip install -r {}`",
                python.display(),
                dir.join("requirements.txt").display()
            ));
        }
        Ok(Self { dir, python })
    }

    /// Starts a miner of `kind` (`honest` …) serving on `port` of `ip`.
    pub(crate) fn miner(
        &self,
        common: &Neuron,
        kind: &str,
        ip: std::net::IpAddr,
        port: u16,
    ) -> Result<Child, String> {
        let mut command = self.command("miner.py", common);
        command
            .args(["--kind", kind])
            .args(["--axon.port", &port.to_string()])
            .args(["--axon.external_ip", &ip.to_string()]);
        self.spawn(command, &common.name)
    }

    /// Starts a validator whose dendrite says it is at `ip` (the localnet is offline: the SDK
    /// cannot ask the web for its address).
    pub(crate) fn validator(&self, common: &Neuron, ip: std::net::IpAddr) -> Result<Child, String> {
        let mut command = self.command("validator.py", common);
        command.args(["--external-ip", &ip.to_string()]);
        self.spawn(command, &common.name)
    }

    fn command(&self, script: &str, neuron: &Neuron) -> Command {
        let mut command = Command::new(&self.python);
        command
            .arg(self.dir.join(script))
            .current_dir(&self.dir)
            .args([
                "--subtensor.chain_endpoint",
                &format!("ws://{}", neuron.endpoint),
            ])
            .args(["--netuid", &neuron.netuid.to_string()])
            .arg("--wallet.path")
            .arg(self.dir.join("wallets"))
            .args(["--wallet.name", &neuron.name])
            .args(["--hotkey-uri", &neuron.hotkey_uri])
            .args(["--coldkey-uri", &neuron.coldkey_uri]);
        command
    }

    fn spawn(&self, mut command: Command, name: &str) -> Result<Child, String> {
        let log = self.dir.join("logs").join(format!("{name}.log"));
        let file = std::fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
        let err = file.try_clone().map_err(|e| e.to_string())?;
        command
            .stdin(Stdio::null())
            .stdout(file)
            .stderr(err)
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("{}: {e}", self.python.display()))
    }
}

/// Who a Python neuron is and where the chain is.
pub(crate) struct Neuron {
    /// Its name (the wallet's and the log's).
    pub(crate) name: String,
    /// The development key its hotkey comes from.
    pub(crate) hotkey_uri: String,
    /// Its owner's.
    pub(crate) coldkey_uri: String,
    /// The subnet.
    pub(crate) netuid: u16,
    /// The chain's Substrate-compatible RPC.
    pub(crate) endpoint: SocketAddr,
}

/// The subnet's own virtualenv under `dir`, made and filled from PyPI on first use.
fn venv(dir: &Path) -> Result<PathBuf, String> {
    let venv = dir.join("venv");
    let python = venv.join("bin").join("python");
    if python.exists() {
        return Ok(python);
    }
    let missing = "the python subnet needs Python 3 with venv and pip (Debian and Ubuntu: \
                   apt install python3-venv python3-pip) and access to PyPI";
    info!(venv = %venv.display(), "installing bittensor 10.5.0 for the python subnet (once)");
    let made = std::process::Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("python3: {e}; {missing}"))?;
    if !made.status.success() {
        let _ = std::fs::remove_dir_all(&venv);
        return Err(format!(
            "python3 -m venv failed ({}); {missing}",
            String::from_utf8_lossy(&made.stderr).trim()
        ));
    }
    let installed = std::process::Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", "-r"])
        .arg(dir.join("requirements.txt"))
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("pip: {e}; {missing}"))?;
    if !installed.status.success() {
        let _ = std::fs::remove_dir_all(&venv);
        return Err(format!(
            "pip install failed ({}); {missing}",
            String::from_utf8_lossy(&installed.stderr).trim()
        ));
    }
    Ok(python)
}
