//! Printing results as text for people or JSON for programs.

use serde_json::Value;
use std::io::Write;

/// How results are printed.
pub(crate) struct Output {
    json: bool,
    quiet: bool,
}

impl Output {
    pub(crate) fn new(json: bool, quiet: bool) -> Self {
        Self { json, quiet }
    }

    /// Prints `value` as JSON, or `text` for people. `text` is built only when needed (and may
    /// be a zeroizing string when it holds a secret).
    pub(crate) fn result<T: AsRef<str>>(
        &self,
        value: Value,
        text: impl FnOnce() -> T,
    ) -> std::io::Result<()> {
        let mut stdout = std::io::stdout().lock();
        if self.json {
            writeln!(stdout, "{value:#}")
        } else {
            stdout.write_all(text().as_ref().as_bytes())
        }
    }

    /// A note for people (not in JSON or quiet mode), on standard error.
    pub(crate) fn note(&self, text: &str) {
        if !self.json && !self.quiet {
            eprintln!("{text}");
        }
    }

    pub(crate) fn is_json(&self) -> bool {
        self.json
    }

    pub(crate) fn is_quiet(&self) -> bool {
        self.quiet
    }
}
