//! A validator's main loop: query miners, score them, and put the scores on chain every tempo.
//!
//! The subnet's own logic is one method, [`Validator::forward`]: given the current metagraph,
//! query some miners and say how well each did. [`run_validator`] does the rest: a moving
//! average of the rewards per uid, reset when a uid changes hands; weights normalised to the
//! subnet's limits and submitted once per tempo, only within the rate limit and only with a
//! validator permit; commit-then-reveal when the subnet asks for it, with the reveal sent in
//! the right epoch; scores and unrevealed commits saved after every round, so a restart loses
//! nothing. Weights that fail are logged as errors and reported to [`Validator::weights_failed`],
//! because weights lost in silence cost a validator its dividends.

use crate::metagraph::{Metagraph, Snapshot};
use crate::weights::{weights_for_chain, Scores, WeightLimits};
use plexus_keys::Keypair;
use plexus_rpc::{SubmitError, Submitter};
use plexus_runtime::{Call, DispatchError};
use rand_core::RngCore as _;
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::path::PathBuf;
use std::time::Duration;
use tracing::{error, info, warn};

/// What one round of a validator sees.
pub struct Round<'a> {
    /// Rounds completed before this one (kept across restarts).
    pub number: u64,
    /// The subnet at the newest finalized block.
    pub snapshot: &'a Snapshot,
    /// This validator's uid.
    pub uid: u16,
}

impl Round<'_> {
    /// Up to `count` uids that serve an axon, other than this validator's, taking turns round
    /// by round so every miner is queried as often as the others.
    pub fn sample_serving(&self, count: usize) -> Vec<u16> {
        let serving: Vec<u16> = self
            .snapshot
            .neurons()
            .iter()
            .filter(|n| n.uid != self.uid)
            .filter(|n| {
                n.axon
                    .as_ref()
                    .is_some_and(|a| a.port != 0 && a.ip != "0.0.0.0")
            })
            .map(|n| n.uid)
            .collect();
        if serving.is_empty() {
            return serving;
        }
        let count = count.min(serving.len());
        let start = (self.number as usize).wrapping_mul(count) % serving.len();
        (0..count)
            .map(|i| serving[(start + i) % serving.len()])
            .collect()
    }
}

/// A subnet's validation logic.
pub trait Validator: Send {
    /// Queries miners and returns a reward in [0, 1] for each uid it judged. Uids it does not
    /// mention keep their score.
    fn forward(&mut self, round: Round<'_>) -> impl Future<Output = Vec<(u16, f64)>> + Send;

    /// Told when weights could not be set, committed or revealed, or are due without a permit
    /// (once per tempo); the loop has already logged it as an error and carries on.
    fn weights_failed(&mut self, _error: &ValidatorError) {}
}

/// How the loop runs.
#[derive(Debug, Clone)]
pub struct ValidatorSettings {
    /// The subnet.
    pub netuid: u16,
    /// How far one round moves a score towards its reward (Bittensor's default 0.1).
    pub moving_average_alpha: f64,
    /// Where scores and unrevealed commits are kept between restarts.
    pub state_path: PathBuf,
    /// The version key sent with weights (the subnet may require a minimum).
    pub version_key: u64,
    /// Pause between rounds.
    pub round_interval: Duration,
}

/// Why the loop stopped, or why a weight update failed.
#[derive(Debug, thiserror::Error)]
pub enum ValidatorError {
    /// The hotkey has no uid on the subnet (never registered, or deregistered).
    #[error("hotkey {hotkey} is not registered on subnet {netuid}")]
    NotRegistered {
        /// The hotkey.
        hotkey: String,
        /// The subnet.
        netuid: u16,
    },
    /// Weights are due but the validator holds no permit, so the chain would refuse them;
    /// none are sent until it gets one.
    #[error("uid {uid} on subnet {netuid} has no validator permit: not setting weights, which the chain would refuse")]
    NoPermit {
        /// The subnet.
        netuid: u16,
        /// The validator's uid.
        uid: u16,
    },
    /// The chain refused or lost the transaction.
    #[error("{what}: {source}")]
    Chain {
        /// What was being done.
        what: &'static str,
        /// Why it failed.
        source: SubmitError,
    },
    /// The subnet timelocks weights but the chain reports no usable group key to seal them to.
    #[error("subnet {netuid} timelocks weights, but the chain has no usable group key")]
    NoGroupKey {
        /// The subnet.
        netuid: u16,
    },
    /// The scores cannot become a valid weight row.
    #[error("weights: {0}")]
    Weights(#[from] crate::weights::WeightsError),
    /// The state file could not be read or written.
    #[error(transparent)]
    State(#[from] StateError),
}

/// Why the validator's state file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The file could not be read or written.
    #[error("state file {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What failed.
        source: std::io::Error,
    },
    /// The file is not a state file.
    #[error("state file {path} is not valid: {source}")]
    Format {
        /// The file.
        path: String,
        /// What is wrong.
        source: serde_json::Error,
    },
}

/// A commit waiting for its reveal epoch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct PendingReveal {
    /// The epoch in which it may be revealed.
    reveal_epoch: u64,
    uids: Vec<u16>,
    values: Vec<u16>,
    salt: Vec<u16>,
    version_key: u64,
}

/// Everything the loop keeps across restarts.
#[derive(Debug, Default, Serialize, Deserialize)]
struct State {
    rounds: u64,
    scores: Scores,
    pending: Vec<PendingReveal>,
    /// The block by which the chain will have opened our last timelocked weights: no new commit
    /// before it (a view is at least a block, so the reveal view comes no later).
    #[serde(default)]
    timelocked_until: Option<u64>,
}

impl State {
    fn load(path: &std::path::Path) -> Result<Self, StateError> {
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text).map_err(|source| StateError::Format {
                path: path.display().to_string(),
                source,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(source) => Err(StateError::Io {
                path: path.display().to_string(),
                source,
            }),
        }
    }

    fn save(&self, path: &std::path::Path) -> Result<(), StateError> {
        let io = |source| StateError::Io {
            path: path.display().to_string(),
            source,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let text = serde_json::to_string(self).map_err(|source| StateError::Format {
            path: path.display().to_string(),
            source,
        })?;
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, text).map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)
    }
}

/// Runs `validator` until `stop` completes or the hotkey is found unregistered.
pub async fn run_validator<V: Validator>(
    chain: &Submitter,
    hotkey: &Keypair,
    metagraph: &Metagraph,
    settings: &ValidatorSettings,
    validator: &mut V,
    stop: impl Future<Output = ()>,
) -> Result<(), ValidatorError> {
    let mut state = State::load(&settings.state_path)?;
    let mut stop = std::pin::pin!(stop);
    let mut permit_reported_at = None;
    loop {
        let snapshot = metagraph.snapshot();
        let uid = snapshot
            .uid(&hotkey.account())
            .ok_or_else(|| ValidatorError::NotRegistered {
                hotkey: hotkey.account().to_string(),
                netuid: settings.netuid,
            })?;
        state.scores.resync(&snapshot.hotkeys());
        let rewards = validator
            .forward(Round {
                number: state.rounds,
                snapshot: &snapshot,
                uid,
            })
            .await;
        state.scores.update(&rewards, settings.moving_average_alpha);
        state.rounds += 1;
        state.save(&settings.state_path)?;

        // Weights go out against the newest state, not the one the round started from.
        let snapshot = metagraph.snapshot();
        let mut step = WeightStep {
            chain,
            hotkey,
            settings,
            snapshot: &snapshot,
            uid,
        };
        if let Err(error) = step.reveal_due(&mut state.pending).await {
            error!(netuid = settings.netuid, %error, "revealing weights failed");
            validator.weights_failed(&error);
        }
        match step.set_if_due(&mut state, &mut permit_reported_at).await {
            Ok(()) => {}
            Err(error) => {
                error!(netuid = settings.netuid, %error, "setting weights failed");
                validator.weights_failed(&error);
            }
        }
        state.save(&settings.state_path)?;

        tokio::select! {
            () = &mut stop => return Ok(()),
            () = tokio::time::sleep(settings.round_interval) => {}
        }
    }
}

/// One pass of the weight-setting rules against one snapshot.
struct WeightStep<'a> {
    chain: &'a Submitter,
    hotkey: &'a Keypair,
    settings: &'a ValidatorSettings,
    snapshot: &'a Snapshot,
    uid: u16,
}

impl WeightStep<'_> {
    /// Sends the oldest commit whose reveal epoch has come; drops those that can no longer be
    /// revealed.
    ///
    /// A commit's reveal epoch is computed from the epoch seen before submitting it; if an
    /// epoch passed before it was included, the chain's is one later. So a reveal is tried in
    /// the computed epoch and the next (the chain answers "too early" to the first), and only
    /// given up after that.
    async fn reveal_due(&mut self, pending: &mut Vec<PendingReveal>) -> Result<(), ValidatorError> {
        let epoch = self.snapshot.subnet.summary.epoch_index;
        let (expired, rest): (Vec<_>, Vec<_>) = pending
            .drain(..)
            .partition(|p| p.reveal_epoch.saturating_add(1) < epoch);
        *pending = rest;
        if !expired.is_empty() {
            warn!(
                netuid = self.settings.netuid,
                count = expired.len(),
                "commits expired before they could be revealed"
            );
        }
        let Some(index) = pending.iter().position(|p| p.reveal_epoch <= epoch) else {
            return Ok(());
        };
        let reveal = pending[index].clone();
        let call = Call::RevealWeights {
            netuid: self.settings.netuid,
            uids: reveal.uids.clone(),
            values: reveal.values.clone(),
            salt: reveal.salt.clone(),
            version_key: reveal.version_key,
        };
        match self.chain.submit(self.hotkey, call).await {
            Ok(inclusion) => {
                // Revealing a commit discards it and every older one on chain.
                pending.drain(..=index);
                info!(
                    netuid = self.settings.netuid,
                    block = inclusion.block_number,
                    "weights revealed"
                );
                Ok(())
            }
            Err(e)
                if e.failure()
                    .is_some_and(|f| f.kind == DispatchError::REVEAL_TOO_EARLY.name()) =>
            {
                Ok(())
            }
            Err(source) => {
                pending.remove(index);
                Err(ValidatorError::Chain {
                    what: "revealing weights",
                    source,
                })
            }
        }
    }

    /// Sets (or commits) weights if a tempo has passed since the last ones and the rate limit
    /// and permit allow it.
    async fn set_if_due(
        &mut self,
        state: &mut State,
        permit_reported_at: &mut Option<u64>,
    ) -> Result<(), ValidatorError> {
        let Some(neuron) = self.snapshot.neuron(self.uid) else {
            return Ok(());
        };
        let hyper = &self.snapshot.subnet.hyperparameters;
        let block = self.snapshot.block();
        let wait = u64::from(hyper.tempo).max(hyper.weights_rate_limit);
        if neuron.last_update != 0 && block < neuron.last_update.saturating_add(wait) {
            return Ok(());
        }
        if state.timelocked_until.is_some_and(|until| block < until) {
            return Ok(());
        }
        let is_owner = self.snapshot.subnet.summary.owner_hotkey == self.hotkey.account();
        if !neuron.validator_permit && !is_owner {
            // Weights are due every round until a permit comes; once per tempo is loud enough.
            if permit_reported_at.is_none_or(|at| block >= at + u64::from(hyper.tempo)) {
                *permit_reported_at = Some(block);
                return Err(ValidatorError::NoPermit {
                    netuid: self.settings.netuid,
                    uid: self.uid,
                });
            }
            return Ok(());
        }
        let row = weights_for_chain(
            state.scores.values(),
            WeightLimits {
                min_allowed_weights: hyper.min_allowed_weights,
                max_weight_limit: hyper.max_weight_limit,
            },
        )?;
        let (uids, values): (Vec<u16>, Vec<u16>) = row.into_iter().unzip();
        let version_key = self.settings.version_key.max(hyper.weights_version_key);
        let netuid = self.settings.netuid;
        if hyper.commit_reveal && hyper.timelocked_weights {
            // Sealed to a view about `reveal_period_epochs` tempos ahead: the chain opens them
            // itself then, whether or not this validator is still running, and nobody (this
            // validator included) can read or withhold them before.
            let info =
                self.chain
                    .client()
                    .info()
                    .await
                    .map_err(|source| ValidatorError::Chain {
                        what: "reading the group key",
                        source: SubmitError::Rpc(source),
                    })?;
            let (reveal, call) = plexus_rpc::timelocked_weights_call(
                &info,
                hyper,
                &self.hotkey.account(),
                netuid,
                &uids,
                &values,
                version_key,
            )
            .map_err(|_| ValidatorError::NoGroupKey { netuid })?;
            let ahead = info.round().views_until(reveal, info.epoch_length);
            let inclusion = self
                .chain
                .submit(self.hotkey, call)
                .await
                .map_err(|source| ValidatorError::Chain {
                    what: "committing timelocked weights",
                    source,
                })?;
            state.timelocked_until = Some(inclusion.block_number + ahead);
            info!(
                netuid,
                block = inclusion.block_number,
                reveal_epoch = reveal.epoch,
                reveal_view = reveal.view,
                "weights timelocked"
            );
        } else if hyper.commit_reveal {
            let salt: Vec<u16> = (0..8)
                .map(|_| (rand_core::OsRng.next_u32() & 0xffff) as u16)
                .collect();
            let hash = plexus_runtime::commit_hash(
                &self.hotkey.account(),
                netuid,
                &uids,
                &values,
                &salt,
                version_key,
            );
            let call = Call::CommitWeights {
                netuid,
                commit_hash: hash,
            };
            let inclusion = self
                .chain
                .submit(self.hotkey, call)
                .await
                .map_err(|source| ValidatorError::Chain {
                    what: "committing weights",
                    source,
                })?;
            // The chain records the epoch current at inclusion.
            let epoch = self.snapshot.subnet.summary.epoch_index;
            state.pending.push(PendingReveal {
                reveal_epoch: epoch + hyper.reveal_period_epochs,
                uids,
                values,
                salt,
                version_key,
            });
            info!(netuid, block = inclusion.block_number, "weights committed");
        } else {
            let call = Call::SetWeights {
                netuid,
                dests: uids,
                weights: values,
                version_key,
            };
            let inclusion = self
                .chain
                .submit(self.hotkey, call)
                .await
                .map_err(|source| ValidatorError::Chain {
                    what: "setting weights",
                    source,
                })?;
            info!(netuid, block = inclusion.block_number, "weights set");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plexus_primitives::AccountId;

    #[test]
    fn test_state_survives_a_save_and_load_and_a_missing_file_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/validator.json");
        let empty = State::load(&path).unwrap();
        assert_eq!((empty.rounds, empty.pending.len()), (0, 0));
        let mut state = State {
            rounds: 7,
            ..State::default()
        };
        state.scores.resync(&[AccountId([1; 32])]);
        state.scores.update(&[(0, 0.7)], 1.0);
        state.pending.push(PendingReveal {
            reveal_epoch: 3,
            uids: vec![0],
            values: vec![65535],
            salt: vec![1, 2],
            version_key: 0,
        });
        state.save(&path).unwrap();
        let loaded = State::load(&path).unwrap();
        assert_eq!(loaded.rounds, 7);
        assert_eq!(loaded.scores, state.scores);
        assert_eq!(loaded.pending, state.pending);
        std::fs::write(&path, "not json").unwrap();
        assert!(matches!(State::load(&path), Err(StateError::Format { .. })));
    }
}
