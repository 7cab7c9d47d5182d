//! Running a miner's code: checked for forbidden items, compiled with plain `rustc` (no cargo,
//! so no build script or dependency runs) in a fresh temporary directory, and its tests run
//! under CPU-time, memory and file-size limits, with no network where the machine
//! allows a network namespace, and within a wall-clock timeout.
//!
//! The source check is the first line of defence and does not depend on the machine: an
//! answer may not name the file system, the network, processes, the environment, threads or
//! raw memory, nor use `unsafe`, `extern`, attributes or the `include!` family. The limits
//! stop what the check cannot see: loops that never end and allocations without bound.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::process::Command;
use tokio::sync::Semaphore;

/// Identifiers an answer may not contain, anywhere (paths, `use` lists, macros).
const FORBIDDEN: &[&str] = &[
    "unsafe",
    "extern",
    "fs",
    "File",
    "OpenOptions",
    "net",
    "TcpStream",
    "TcpListener",
    "UdpSocket",
    "process",
    "Command",
    "exit",
    "abort",
    "env",
    "os",
    "thread",
    "spawn",
    "ptr",
    "transmute",
    "alloc",
    "asm",
    "global_asm",
    "include",
    "include_str",
    "include_bytes",
    "option_env",
    "concat_idents",
    "libc",
    "mod",
    "crate",
    "macro_rules",
    "leak",
    "forget",
    "io",
    "stdin",
];

/// What running an answer came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every test passed.
    Passed,
    /// Rejected before compiling.
    Rejected(String),
    /// `rustc` refused it.
    CompileError,
    /// A test failed, or the binary was stopped by a limit.
    Failed,
    /// It ran past the wall-clock limit and was killed.
    TimedOut,
    /// The sandbox itself failed (no `rustc`, no temporary directory).
    Error(String),
}

impl Outcome {
    /// 1 for [`Passed`](Self::Passed), else 0.
    pub fn score(&self) -> f64 {
        if *self == Outcome::Passed {
            1.0
        } else {
            0.0
        }
    }
}

/// Checks `body` for forbidden items; `Err` names the first found.
pub fn check(body: &str) -> Result<(), String> {
    if body.len() > 64 * 1024 {
        return Err("longer than 64 KiB".into());
    }
    // Attributes (`#[link]`, `#![feature]`, `#[path]`) and raw identifiers (`r#fs`) both need `#`.
    if body.contains('#') {
        return Err("`#` (attributes and raw identifiers are not allowed)".into());
    }
    let mut word = String::new();
    for c in body.chars().chain(std::iter::once(' ')) {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        if FORBIDDEN.contains(&word.as_str()) {
            return Err(format!("`{word}` is not allowed"));
        }
        word.clear();
    }
    Ok(())
}

/// Limits on one test run.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// CPU seconds for the test binary.
    pub cpu_seconds: u64,
    /// Address space of the test binary, bytes.
    pub memory_bytes: u64,
    /// Wall-clock time for compiling, and again for running.
    pub wall: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            cpu_seconds: 5,
            memory_bytes: 512 * 1024 * 1024,
            wall: Duration::from_secs(30),
        }
    }
}

/// How the machine isolates a test binary's network: `unshare -n` as root, `unshare -rn` in a
/// user namespace otherwise, or not at all (the source check still applies).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NetworkIsolation {
    Namespace,
    UserNamespace,
    None,
}

async fn works(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .await
        .is_ok_and(|s| s.success())
}

/// Compiles and tests answers, one at a time per sandbox.
pub struct Sandbox {
    limits: Limits,
    network: NetworkIsolation,
    rustc: PathBuf,
    // Compiling takes a core; the sandbox never takes more than one.
    slot: Semaphore,
}

impl Sandbox {
    /// A sandbox with `limits`, finding out how this machine can isolate the network.
    pub async fn new(limits: Limits) -> Self {
        let network = if works("unshare", &["-n", "true"]).await {
            NetworkIsolation::Namespace
        } else if works("unshare", &["-rn", "true"]).await {
            NetworkIsolation::UserNamespace
        } else {
            tracing::warn!("no network namespace available: answers are kept off the network by the source check alone");
            NetworkIsolation::None
        };
        Self {
            limits,
            network,
            rustc: PathBuf::from(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into())),
            slot: Semaphore::new(1),
        }
    }

    /// Whether `rustc` runs here.
    pub async fn has_rustc(&self) -> bool {
        works(&self.rustc.to_string_lossy(), &["--version"]).await
    }

    /// Runs `body` as the body of `prompt`'s function against `test`.
    pub async fn run(&self, prompt: &str, body: &str, test: &str) -> Outcome {
        if let Err(reason) = check(body) {
            return Outcome::Rejected(reason);
        }
        let Ok(_slot) = self.slot.acquire().await else {
            return Outcome::Error("sandbox closed".into());
        };
        let dir = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(e) => return Outcome::Error(format!("temporary directory: {e}")),
        };
        let source = dir.path().join("answer.rs");
        let binary = dir.path().join("answer");
        let text = format!("{prompt}{body}\n\n{test}\n");
        if let Err(e) = std::fs::write(&source, text) {
            return Outcome::Error(format!("writing the source: {e}"));
        }
        match self.compile(dir.path(), &source, &binary).await {
            Ok(true) => {}
            Ok(false) => return Outcome::CompileError,
            Err(outcome) => return outcome,
        }
        self.test(dir.path(), &binary).await
    }

    async fn compile(&self, dir: &Path, source: &Path, binary: &Path) -> Result<bool, Outcome> {
        let mut rustc = Command::new(&self.rustc);
        rustc
            .args([
                "--edition",
                "2021",
                "--test",
                "-C",
                "opt-level=1",
                "-C",
                "debuginfo=0",
            ])
            .arg("-o")
            .arg(binary)
            .arg(source)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true);
        match tokio::time::timeout(self.limits.wall, rustc.status()).await {
            Err(_) => Err(Outcome::TimedOut),
            Ok(Err(e)) => Err(Outcome::Error(format!("running rustc: {e}"))),
            Ok(Ok(status)) => Ok(status.success()),
        }
    }

    async fn test(&self, dir: &Path, binary: &Path) -> Outcome {
        let memory_kib = self.limits.memory_bytes / 1024;
        // `ulimit` in a shell sets the limits on the process that then becomes the test
        // binary, without any unsafe code here; `exec` keeps the process id, so a kill on
        // timeout reaches the binary itself. One option per `ulimit`, as dash requires. No
        // process limit: root is exempt from it, and the source check keeps processes out.
        let script = format!(
            "ulimit -t {} && ulimit -v {memory_kib} && ulimit -f 1024 && ulimit -c 0 && exec \"$@\"",
            self.limits.cpu_seconds
        );
        let mut command = Command::new("sh");
        command.arg("-c").arg(script).arg("sh");
        match self.network {
            NetworkIsolation::Namespace => {
                command.args(["unshare", "-n"]);
            }
            NetworkIsolation::UserNamespace => {
                command.args(["unshare", "-rn"]);
            }
            NetworkIsolation::None => {}
        }
        command
            .arg(binary)
            .args(["--test-threads=1", "-q"])
            .current_dir(dir)
            .env_clear()
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true);
        match tokio::time::timeout(self.limits.wall, command.status()).await {
            Err(_) => Outcome::TimedOut,
            Ok(Err(e)) => Outcome::Error(format!("running the tests: {e}")),
            Ok(Ok(status)) if status.success() => Outcome::Passed,
            Ok(Ok(_)) => Outcome::Failed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_check_rejects_forbidden_items_however_they_are_written() {
        for body in [
            "std::fs::read_to_string(\"/etc/passwd\").is_ok() }",
            "use std::{fs, net}; true }",
            "use std::process::Command; true }",
            "unsafe { true } }",
            "#[link(name = \"c\")] extern {} true }",
            "let r#fs = 1; true }",
            "include_str!(\"/etc/passwd\").is_empty() }",
            "std::env::var(\"HOME\").is_ok() }",
            "std::thread::spawn(|| ()); true }",
        ] {
            assert!(check(body).is_err(), "{body}");
        }
        assert_eq!(check("numbers.iter().any(|x| *x > 0.5) }"), Ok(()));
        // Words inside other words are fine.
        assert_eq!(
            check("let offset = 1; let files_count = offset; true }"),
            Ok(())
        );
    }
}
