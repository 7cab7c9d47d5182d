//! Running the `plexus` binary as a user would, in a private home folder.

use serde_json::Value;
use std::{
    io::Write,
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
    process::{Command, Output, Stdio},
};

/// A loopback port nobody listens on right now, below the range the system hands out to
/// outgoing connections (from 32768 on Linux): a port taken from that range could become a
/// client's source port before the node under test binds it, and the hostile tests open tens
/// of thousands of client connections. Each call in a process gets a different port.
pub(crate) fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    const FIRST: u32 = 20_000;
    const COUNT: u32 = 12_000;
    // Test binaries run side by side: each starts at a place of its own.
    let start = std::process::id().wrapping_mul(2_654_435_761) % COUNT;
    loop {
        let port = FIRST + (start + NEXT.fetch_add(1, Ordering::Relaxed)) % COUNT;
        let port = u16::try_from(port).unwrap();
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

pub(crate) const DEV_PHRASE: &str =
    "bottom drive obey lake curtain smoke basket hold race lonely fit walk";

pub(crate) struct Env {
    pub(crate) dir: tempfile::TempDir,
}

pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Run {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {}", self.stdout))
    }
}

impl Env {
    pub(crate) fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub(crate) fn wallets(&self) -> PathBuf {
        self.dir.path().join("wallets")
    }

    pub(crate) fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_plexus"));
        cmd.env_clear()
            .env("HOME", self.dir.path())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .arg("--wallet-path")
            .arg(self.wallets())
            .args(args);
        cmd
    }

    pub(crate) fn run_with(&self, args: &[&str], stdin: &str, envs: &[(String, String)]) -> Run {
        let mut cmd = self.command(args);
        cmd.envs(envs.iter().cloned())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        // The command may exit before reading its input (e.g. on a bad keyfile): a closed pipe is fine.
        let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
        let Output {
            status,
            stdout,
            stderr,
        } = child.wait_with_output().unwrap();
        Run {
            code: status.code().unwrap_or(-1),
            stdout: String::from_utf8(stdout).unwrap(),
            stderr: String::from_utf8(stderr).unwrap(),
        }
    }

    pub(crate) fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, "", &[])
    }

    pub(crate) fn ok(&self, args: &[&str]) -> Run {
        let run = self.run(args);
        assert_eq!(run.code, 0, "{args:?} failed: {}", run.stderr);
        run
    }

    pub(crate) fn fails(&self, args: &[&str], code: i32) -> Run {
        let run = self.run(args);
        assert_eq!(run.code, code, "{args:?}: {}{}", run.stdout, run.stderr);
        run
    }
}

pub(crate) fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

impl Env {
    /// Like [`Env::ok`], with extra environment variables.
    pub(crate) fn ok_with(&self, args: &[&str], envs: &[(String, String)]) -> Run {
        let run = self.run_with(args, "", envs);
        assert_eq!(run.code, 0, "{args:?} failed: {}", run.stderr);
        run
    }
}

/// The `BT_PW_…` variable that gives `password` for the keyfile at `path`.
pub(crate) fn password_var(path: &Path, password: &str) -> (String, String) {
    let password = plexus_keys::Password::new(password.into());
    (
        plexus_keys::password::env_var_name(path),
        plexus_keys::password::env_value(path, &password),
    )
}
