//! Reading secrets (passwords, mnemonics) from the user.
//!
//! In a terminal, secrets are prompted for without echo. When standard input is not a terminal,
//! they are read from it one per line, in the order they would have been prompted for, so that
//! scripts can pipe them in. A keyfile's `BT_PW_…` variable, when set, supplies its password
//! without asking at all.

use anyhow::{bail, Context as _, Result};
use plexus_keys::{password, Password};
use std::{
    io::{BufRead, IsTerminal},
    path::Path,
};
use zeroize::Zeroizing;

/// Where secrets come from.
pub(crate) struct Prompter {
    interactive: bool,
}

impl Prompter {
    pub(crate) fn new(no_prompt: bool) -> Self {
        Self {
            interactive: !no_prompt && std::io::stdin().is_terminal(),
        }
    }

    /// One secret line: prompted for without echo, or read from standard input.
    pub(crate) fn secret(&self, prompt: &str) -> Result<Zeroizing<String>> {
        if self.interactive {
            return Ok(Zeroizing::new(
                rpassword::prompt_password(prompt).context("reading from the terminal")?,
            ));
        }
        let mut line = Zeroizing::new(String::new());
        let n = std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading standard input")?;
        if n == 0 {
            bail!(
                "{} (standard input is closed and no terminal is attached)",
                prompt.trim_end_matches([':', ' '])
            );
        }
        while line.ends_with(['\n', '\r']) {
            line.pop();
        }
        Ok(line)
    }

    /// The password of an existing encrypted keyfile.
    pub(crate) fn existing_password(&self, keyfile: &Path) -> Result<Password> {
        if let Some(password) = password::from_env(keyfile) {
            return Ok(password);
        }
        let secret = self
            .secret(&format!("Password for {}: ", keyfile.display()))
            .with_context(|| {
                format!(
                    "{} is encrypted: enter its password in a terminal, pipe it to standard input, or set {}",
                    keyfile.display(),
                    password::env_var_name(keyfile)
                )
            })?;
        Ok(Password::new(secret.to_string()))
    }

    /// A password for a new encrypted keyfile. One that is typed or piped is checked for
    /// strength (and confirmed when typed); one set deliberately in `BT_PW_…` is taken as it is,
    /// as Bittensor's tools take it.
    pub(crate) fn new_password(&self, keyfile: &Path) -> Result<Password> {
        if let Some(password) = password::from_env(keyfile) {
            return Ok(password);
        }
        const ATTEMPTS: usize = 3;
        for _ in 0..ATTEMPTS {
            let first = self.secret(&format!("New password for {}: ", keyfile.display()))?;
            if let Err(weak) = password::check_strength(&first) {
                if !self.interactive {
                    return Err(weak.into());
                }
                eprintln!("{weak}");
                continue;
            }
            if self.interactive {
                let again = self.secret("Repeat the password: ")?;
                if *again != *first {
                    eprintln!("The passwords differ; try again.");
                    continue;
                }
            }
            return Ok(Password::new(first.to_string()));
        }
        bail!("no acceptable password after {ATTEMPTS} attempts")
    }
}
