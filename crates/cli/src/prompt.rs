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
    terminal: bool,
    no_prompt: bool,
}

impl Prompter {
    pub(crate) fn new(no_prompt: bool) -> Self {
        Self {
            terminal: std::io::stdin().is_terminal(),
            no_prompt,
        }
    }

    fn interactive(&self) -> bool {
        self.terminal && !self.no_prompt
    }

    /// One secret line: prompted for without echo, or read from standard input.
    pub(crate) fn secret(&self, prompt: &str) -> Result<Zeroizing<String>> {
        if self.interactive() {
            return Ok(Zeroizing::new(
                rpassword::prompt_password(prompt).context("reading from the terminal")?,
            ));
        }
        if self.terminal {
            // Reading a terminal without the prompt would echo the secret as it is typed.
            bail!(
                "{} is needed, and --no-prompt forbids asking for it",
                prompt.trim_end_matches([':', ' '])
            );
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

    /// Asks before something that costs or moves funds. `--no-prompt` answers yes; without a
    /// terminal the question cannot be asked, so the command stops and says how to proceed.
    pub(crate) fn confirm(&self, question: &str) -> Result<bool> {
        if self.no_prompt {
            return Ok(true);
        }
        if !self.terminal {
            bail!("{question} needs confirmation: run in a terminal, or pass -y (--no-prompt) to go ahead without asking");
        }
        eprint!("{question} [y/N] ");
        let mut answer = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut answer)
            .context("reading the answer")?;
        Ok(matches!(
            answer.trim().to_ascii_lowercase().as_str(),
            "y" | "yes"
        ))
    }

    /// A password typed or piped: surrounding whitespace is dropped, as Bittensor's wallet
    /// tools drop it, so that a wallet's password means the same in both.
    fn password_line(&self, prompt: &str) -> Result<Password> {
        let line = self.secret(prompt)?;
        Ok(Password::new(line.trim().to_string()))
    }

    /// The password of an existing encrypted keyfile, and whether it came from `BT_PW_…`.
    pub(crate) fn existing_password(&self, keyfile: &Path) -> Result<(Password, bool)> {
        if let Some(password) = password::from_env(keyfile)? {
            return Ok((password, true));
        }
        let password = self
            .password_line(&format!("Password for {}: ", keyfile.display()))
            .with_context(|| {
                format!(
                    "{} is encrypted: enter its password in a terminal, pipe it to standard input, or set {}",
                    keyfile.display(),
                    password::env_var_name(keyfile)
                )
            })?;
        Ok((password, false))
    }

    /// A password for a new encrypted keyfile. One that is typed or piped is checked for
    /// strength (and confirmed when typed); one set deliberately in `BT_PW_…` is taken as it is,
    /// as Bittensor's tools take it.
    pub(crate) fn new_password(&self, keyfile: &Path) -> Result<Password> {
        if let Some(password) = password::from_env(keyfile)? {
            return Ok(password);
        }
        const ATTEMPTS: usize = 3;
        for _ in 0..ATTEMPTS {
            let first = self.password_line(&format!("New password for {}: ", keyfile.display()))?;
            if let Err(weak) = password::check_strength(&String::from_utf8_lossy(first.as_bytes()))
            {
                if !self.interactive() {
                    return Err(weak.into());
                }
                eprintln!("{weak}");
                continue;
            }
            if self.interactive() {
                let again = self.password_line("Repeat the password: ")?;
                if again.as_bytes() != first.as_bytes() {
                    eprintln!("The passwords differ; try again.");
                    continue;
                }
            }
            return Ok(first);
        }
        bail!("no acceptable password after {ATTEMPTS} attempts")
    }
}
