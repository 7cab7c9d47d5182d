//! The two synapses of a commit-then-reveal query, and the commitment that binds them.

use plexus_sdk::axon::{Field, Synapse};
use plexus_sdk::primitives::{blake2_256_parts, AccountId};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::marker::PhantomData;

/// A subnet's work: what validators ask and what miners answer.
pub trait Work: Send + Sync + 'static {
    /// The synapse names, one per step (each is an axon route).
    const COMMIT: &'static str;
    /// See [`COMMIT`](Self::COMMIT).
    const REVEAL: &'static str;
    /// What a validator asks.
    type Task: Serialize + DeserializeOwned + Clone + Send + Sync + 'static;
    /// What a miner answers.
    type Answer: Serialize + DeserializeOwned + Send + Sync + 'static;
}

/// Step one: the task, answered with a commitment to the answer.
#[derive(Serialize, Deserialize)]
#[serde(bound = "")]
pub struct Commit<W: Work> {
    /// Chosen by the validator; the reveal names it.
    pub task_id: u64,
    /// The first block at which the miner may reveal.
    pub reveal_at: u64,
    /// The task.
    pub task: W::Task,
    /// The miner's [`commitment`], hex; none if it has no answer.
    pub commitment: Option<String>,
}

impl<W: Work> Synapse for Commit<W> {
    const NAME: &'static str = W::COMMIT;
    const HASH_FIELDS: &'static [&'static str] = &["task_id", "reveal_at"];

    /// The fields a Python class would declare as `int` (the task's type is the subnet's).
    fn fields() -> Vec<Field> {
        vec![
            Field::of::<u64>("task_id"),
            Field::of::<u64>("reveal_at"),
            Field::of::<Option<String>>("commitment"),
        ]
    }
}

/// Step two: the answer and the salt behind a commitment.
#[derive(Serialize, Deserialize)]
#[serde(bound = "")]
pub struct Reveal<W: Work> {
    /// The task committed to.
    pub task_id: u64,
    /// The answer as the JSON text that was hashed (a parsed and re-encoded float could differ
    /// in its last digit and break the hash).
    pub answer: Option<String>,
    /// The salt, hex.
    pub salt: Option<String>,
    #[serde(skip)]
    work: PhantomData<W>,
}

impl<W: Work> Reveal<W> {
    /// A request to reveal the answer to `task_id`.
    pub fn request(task_id: u64) -> Self {
        Self {
            task_id,
            answer: None,
            salt: None,
            work: PhantomData,
        }
    }
}

impl<W: Work> Synapse for Reveal<W> {
    const NAME: &'static str = W::REVEAL;
    const HASH_FIELDS: &'static [&'static str] = &["task_id"];

    fn fields() -> Vec<Field> {
        vec![
            Field::of::<u64>("task_id"),
            Field::of::<Option<String>>("answer"),
            Field::of::<Option<String>>("salt"),
        ]
    }
}

/// The hash a miner commits: its hotkey, the task, the answer's JSON text and a salt, each
/// length-delimited, so no two different inputs share one and no other hotkey can claim it.
pub fn commitment(hotkey: &AccountId, task_id: u64, answer: &str, salt: &str) -> String {
    let answer_len = (answer.len() as u64).to_le_bytes();
    let salt_len = (salt.len() as u64).to_le_bytes();
    let hash = blake2_256_parts(&[
        b"plexus-subnet-commit",
        &hotkey.0,
        &task_id.to_le_bytes(),
        &answer_len,
        answer.as_bytes(),
        &salt_len,
        salt.as_bytes(),
    ]);
    hex::encode(hash.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_commitment_binds_hotkey_task_answer_and_salt() {
        let (a, b) = (AccountId([1; 32]), AccountId([2; 32]));
        let base = commitment(&a, 7, "[1.5]", "00");
        assert_eq!(base, commitment(&a, 7, "[1.5]", "00"));
        assert_ne!(base, commitment(&b, 7, "[1.5]", "00"));
        assert_ne!(base, commitment(&a, 8, "[1.5]", "00"));
        assert_ne!(base, commitment(&a, 7, "[1.50]", "00"));
        assert_ne!(base, commitment(&a, 7, "[1.5]", "01"));
        // Moving a byte from the answer into the salt changes it too.
        assert_ne!(commitment(&a, 7, "ab", "c"), commitment(&a, 7, "a", "bc"));
    }
}
