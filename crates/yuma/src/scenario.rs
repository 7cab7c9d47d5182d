//! Replay of `yuma-scenario/1` files: an initial subnet state, then steps (weights, stake,
//! neuron replacement, bond resets, hyperparameter changes, epochs) applied in order. Each epoch
//! step yields one [`Line`], the conformance suite's output format.

use crate::{epoch, fixed::I64F64, max_upscale, reset_bonds, Hyperparameters, Inputs, Outputs};
use serde::{Deserialize, Serialize};

/// Largest `n` a scenario may declare (uids are u16).
pub const MAX_N: usize = u16::MAX as usize;

/// Why a scenario cannot be replayed.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// Not JSON of the scenario shape.
    #[error("not a yuma-scenario/1 file: {0}")]
    Json(#[from] serde_json::Error),
    /// A format other than `yuma-scenario/1`.
    #[error("unsupported format {0:?} (expected \"yuma-scenario/1\")")]
    Format(String),
    /// A value that contradicts the rest of the file.
    #[error("step {step}: {problem}")]
    Invalid {
        /// Index of the step (or `initial` when `None`).
        step: usize,
        /// What is wrong.
        problem: String,
    },
    /// A per-uid list of the wrong length.
    #[error("initial.{field} has {len} entries, n is {n}")]
    Length {
        /// The list.
        field: &'static str,
        /// Its length.
        len: usize,
        /// The scenario's n.
        n: usize,
    },
}

/// Hyperparameters as a scenario states them: the epoch's, plus the owner's uid.
#[derive(Debug, Clone, Deserialize)]
struct ScenarioHyperparameters {
    #[serde(flatten)]
    epoch: Hyperparameters,
    owner_uid: Option<u16>,
}

#[derive(Debug, Clone, Deserialize)]
struct Initial {
    stake: Vec<u64>,
    block_at_registration: Vec<u64>,
    last_update: Vec<u64>,
    validator_permit: Vec<bool>,
    #[serde(default)]
    weights: Option<Vec<Vec<(u16, u16)>>>,
    #[serde(default)]
    bonds: Option<Vec<Vec<(u16, u16)>>>,
}

/// One step of a scenario.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Replace a weight row (values max-upscaled as `set_weights` does).
    SetWeights {
        /// The validator.
        uid: u16,
        /// Block of the update.
        block: u64,
        /// Target uids.
        dests: Vec<u16>,
        /// Raw weights.
        values: Vec<u16>,
    },
    /// Change a uid's stake.
    SetStake {
        /// The uid.
        uid: u16,
        /// New stake in RAO.
        stake: u64,
    },
    /// A new hotkey takes the uid.
    ReplaceNeuron {
        /// The uid.
        uid: u16,
        /// Registration block.
        block: u64,
        /// The newcomer's stake.
        stake: u64,
    },
    /// Remove column `uid` from every bond row.
    ResetBonds {
        /// The column.
        uid: u16,
    },
    /// Change one hyperparameter.
    SetHyperparameter {
        /// Its name, as in the `hyperparameters` object.
        name: String,
        /// Its new value.
        value: serde_json::Value,
    },
    /// Run an epoch.
    Epoch {
        /// The block.
        block: u64,
    },
}

#[derive(Debug, Clone, Deserialize)]
struct StepEntry {
    #[serde(flatten)]
    step: Step,
}

/// A scenario file.
#[derive(Debug, Clone, Deserialize)]
pub struct Scenario {
    format: String,
    /// Identifier.
    #[serde(default)]
    pub name: String,
    n: usize,
    hyperparameters: ScenarioHyperparameters,
    rao_emission: u64,
    initial: Initial,
    steps: Vec<StepEntry>,
}

/// The output of one epoch step: its place, then the epoch's outputs (the conformance format
/// reads the fields it knows and ignores the others).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    /// Index of the epoch step in `steps`.
    pub step: usize,
    /// The epoch's block.
    pub block: u64,
    /// What the epoch computed.
    #[serde(flatten)]
    pub outputs: Outputs,
}

impl Scenario {
    /// Parses and validates a scenario.
    pub fn parse(json: &str) -> Result<Self, ScenarioError> {
        let scenario: Self = serde_json::from_str(json)?;
        if scenario.format != "yuma-scenario/1" {
            return Err(ScenarioError::Format(scenario.format));
        }
        let n = scenario.n;
        if n > MAX_N {
            return Err(ScenarioError::Invalid {
                step: 0,
                problem: format!("n = {n} exceeds {MAX_N}"),
            });
        }
        let init = &scenario.initial;
        let lengths = [
            ("stake", init.stake.len()),
            ("block_at_registration", init.block_at_registration.len()),
            ("last_update", init.last_update.len()),
            ("validator_permit", init.validator_permit.len()),
            ("weights", init.weights.as_ref().map_or(n, Vec::len)),
            ("bonds", init.bonds.as_ref().map_or(n, Vec::len)),
        ];
        for (field, len) in lengths {
            if len != n {
                return Err(ScenarioError::Length { field, len, n });
            }
        }
        Ok(scenario)
    }

    /// The steps, in order.
    pub fn steps(&self) -> impl Iterator<Item = &Step> {
        self.steps.iter().map(|s| &s.step)
    }
}

/// The mutable subnet state a scenario evolves.
struct State {
    n: usize,
    hyperparameters: Hyperparameters,
    owner_uid: Option<u16>,
    stake: Vec<u64>,
    block_at_registration: Vec<u64>,
    last_update: Vec<u64>,
    validator_permit: Vec<bool>,
    weights: Vec<Vec<(u16, u16)>>,
    bonds: Vec<Vec<(u16, u16)>>,
}

impl State {
    fn uid(&self, step: usize, uid: u16) -> Result<usize, ScenarioError> {
        let i = usize::from(uid);
        if i < self.n {
            Ok(i)
        } else {
            Err(ScenarioError::Invalid {
                step,
                problem: format!("uid {uid} is out of range (n = {})", self.n),
            })
        }
    }

    fn set_hyperparameter(
        &mut self,
        step: usize,
        name: &str,
        value: &serde_json::Value,
    ) -> Result<(), ScenarioError> {
        let invalid = |problem: String| ScenarioError::Invalid { step, problem };
        if name == "owner_uid" {
            self.owner_uid = serde_json::from_value(value.clone())
                .map_err(|e| invalid(format!("owner_uid: {e}")))?;
            return Ok(());
        }
        let mut all =
            serde_json::to_value(&self.hyperparameters).map_err(|e| invalid(e.to_string()))?;
        let slot = all
            .get_mut(name)
            .ok_or_else(|| invalid(format!("unknown hyperparameter {name:?}")))?;
        *slot = value.clone();
        self.hyperparameters =
            serde_json::from_value(all).map_err(|e| invalid(format!("{name}: {e}")))?;
        Ok(())
    }

    fn apply(
        &mut self,
        index: usize,
        step: &Step,
        rao_emission: u64,
    ) -> Result<Option<Line>, ScenarioError> {
        match step {
            Step::SetWeights {
                uid,
                block,
                dests,
                values,
            } => {
                let i = self.uid(index, *uid)?;
                if dests.len() != values.len() {
                    return Err(ScenarioError::Invalid {
                        step: index,
                        problem: format!("{} dests but {} values", dests.len(), values.len()),
                    });
                }
                self.weights[i] = dests.iter().copied().zip(max_upscale(values)).collect();
                self.last_update[i] = *block;
            }
            Step::SetStake { uid, stake } => {
                let i = self.uid(index, *uid)?;
                self.stake[i] = *stake;
            }
            Step::ReplaceNeuron { uid, block, stake } => {
                let i = self.uid(index, *uid)?;
                self.weights[i].clear();
                self.bonds[i].clear();
                for row in &mut self.weights {
                    row.iter_mut().filter(|e| e.0 == *uid).for_each(|e| e.1 = 0);
                }
                self.validator_permit[i] = false;
                self.block_at_registration[i] = *block;
                self.last_update[i] = *block;
                self.stake[i] = *stake;
            }
            Step::ResetBonds { uid } => reset_bonds(&mut self.bonds, *uid),
            Step::SetHyperparameter { name, value } => {
                self.set_hyperparameter(index, name, value)?
            }
            Step::Epoch { block } => {
                let inputs = Inputs {
                    n: u16::try_from(self.n).unwrap_or(u16::MAX),
                    block: *block,
                    hyperparameters: self.hyperparameters.clone(),
                    stake: self.stake.iter().map(|s| I64F64::from_u64(*s)).collect(),
                    block_at_registration: self.block_at_registration.clone(),
                    last_update: self.last_update.clone(),
                    validator_permit: self.validator_permit.clone(),
                    weights: self.weights.clone(),
                    bonds: self.bonds.clone(),
                    owner_uid: self.owner_uid,
                    last_mechanism_step_block: 0,
                    rao_emission,
                    commit_blocks: None,
                };
                let outputs = epoch(&inputs);
                self.validator_permit.clone_from(&outputs.validator_permit);
                self.bonds.clone_from(&outputs.bonds);
                return Ok(Some(Line {
                    step: index,
                    block: *block,
                    outputs,
                }));
            }
        }
        Ok(None)
    }
}

/// Replays a scenario, calling `on_line` with each epoch's line as it is computed.
pub fn replay(scenario: &Scenario, mut on_line: impl FnMut(&Line)) -> Result<(), ScenarioError> {
    let n = scenario.n;
    let init = &scenario.initial;
    let mut state = State {
        n,
        hyperparameters: scenario.hyperparameters.epoch.clone(),
        owner_uid: scenario.hyperparameters.owner_uid,
        stake: init.stake.clone(),
        block_at_registration: init.block_at_registration.clone(),
        last_update: init.last_update.clone(),
        validator_permit: init.validator_permit.clone(),
        weights: init.weights.clone().unwrap_or_else(|| vec![Vec::new(); n]),
        bonds: init.bonds.clone().unwrap_or_else(|| vec![Vec::new(); n]),
    };
    for (index, step) in scenario.steps().enumerate() {
        if let Some(line) = state.apply(index, step, scenario.rao_emission)? {
            on_line(&line);
        }
    }
    Ok(())
}
