//! Private, atomic file writes, for keys and for anything else that must never be found half
//! written (a node's configuration, its chain spec).
//!
//! A key file is written to a temporary file in the same folder (mode 0600), synced, and then
//! moved into place, so a crash leaves either the old file or the new one, never half of one.
//! Without `overwrite`, the final step is a hard link, which fails if the target exists, so an
//! existing key can never be replaced by accident, even by a concurrent writer (on filesystems
//! without hard links, the file is created exclusively instead).

use std::{
    fs::{self, DirBuilder, File, OpenOptions},
    io::{self, Write},
    os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt},
    path::Path,
};

/// Mode of key files.
pub(crate) const FILE_MODE: u32 = 0o600;
/// Mode of wallet folders.
pub(crate) const DIR_MODE: u32 = 0o700;

/// Creates `dir` and its missing parents with mode 0700, and makes `dir` itself 0700 if it
/// already existed with a looser mode (older tools created wallet folders 0755).
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    DirBuilder::new()
        .recursive(true)
        .mode(DIR_MODE)
        .create(dir)?;
    let mode = fs::metadata(dir)?.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        fs::set_permissions(dir, fs::Permissions::from_mode(mode & 0o700))?;
    }
    Ok(())
}

/// Writes `bytes` to `path` atomically with mode 0600; fails with `AlreadyExists` if the file
/// exists and `overwrite` is false.
pub fn write_private(path: &Path, bytes: &[u8], overwrite: bool) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    create_private_dir(dir)?;
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}-{:016x}",
        name.to_string_lossy(),
        std::process::id(),
        rand_core::RngCore::next_u64(&mut rand_core::OsRng)
    ));
    let result = write_then_place(&tmp, path, bytes, overwrite);
    // Whatever happened, the temporary file must not linger (a link leaves it behind).
    let _ = fs::remove_file(&tmp);
    result?;
    File::open(dir)?.sync_all()
}

fn write_then_place(tmp: &Path, path: &Path, bytes: &[u8], overwrite: bool) -> io::Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .open(tmp)?;
    // The mode given to open is reduced by the umask; keys must be 0600 regardless.
    file.set_permissions(fs::Permissions::from_mode(FILE_MODE))?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    if overwrite {
        return fs::rename(tmp, path);
    }
    match fs::hard_link(tmp, path) {
        Err(e) if e.kind() != io::ErrorKind::AlreadyExists => {
            // Some filesystems (FAT, exFAT: cold-storage sticks) have no hard links. There the
            // file is created exclusively and written in place: never clobbering, though a crash
            // mid-write can leave a partial file.
            let mut file = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(FILE_MODE)
                .open(path)?;
            file.write_all(bytes)?;
            file.sync_all()
        }
        result => result,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_write_private_modes_and_no_clobber() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/key");
        write_private(&path, b"one", false).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"one");
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), FILE_MODE);
        assert_eq!(mode(&dir.path().join("a/b")), DIR_MODE);

        fs::set_permissions(dir.path().join("a/b"), fs::Permissions::from_mode(0o755)).unwrap();
        let err = write_private(&path, b"two", false).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&path).unwrap(), b"one");

        write_private(&path, b"three", true).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"three");
        assert_eq!(mode(&dir.path().join("a/b")), DIR_MODE);
        // Only the key remains: no temporary files left behind.
        assert_eq!(fs::read_dir(dir.path().join("a/b")).unwrap().count(), 1);
    }
}
