//! The tasks: HumanEval-Rust problems whose reference solutions pass, shipped with the crate.

use serde::Deserialize;

/// One problem.
#[derive(Debug, Clone, Deserialize)]
pub struct Problem {
    /// Its id, such as `CodeGen/53bba69a5d80`.
    pub task_id: String,
    /// The signature and doc comment, up to the opening brace of the body.
    pub prompt: String,
    /// The reference body (with the closing brace).
    pub canonical_solution: String,
    /// The hidden `#[cfg(test)]` module.
    pub test: String,
}

/// Why the problems could not be read.
#[derive(Debug, thiserror::Error)]
#[error("code tasks, line {line}: {source}")]
pub struct TasksError {
    line: usize,
    source: serde_json::Error,
}

const SHIPPED: &str = include_str!("../data/humaneval_rust.jsonl");

/// Every shipped problem.
pub fn shipped() -> Result<Vec<Problem>, TasksError> {
    SHIPPED
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| {
            serde_json::from_str(line).map_err(|source| TasksError {
                line: index + 1,
                source,
            })
        })
        .collect()
}
