//! The validator: the shared model to every miner, each update measured on the miner's own
//! shards and on held-out text once the answers are in, the accepted ones averaged into the
//! next shared model, whose held-out loss is published on chain round by round.

use crate::data::{assigned, held_out_shards, shard_windows, windows};
use crate::model::evaluate;
use crate::params::{Params, CONTEXT};
use crate::score::{scores, Gains, MIN_GAIN};
use crate::update::{merge, Update};
use crate::{decode_update, encode_model, Answer, Task, TrainingWork, STEPS};
use plexus_sdk::axon::Dendrite;
use plexus_sdk::keys::Keypair;
use plexus_sdk::primitives::{blake2_256_parts, AccountId};
use plexus_sdk::rpc::series::Series;
use plexus_sdk::{publish_series, Metagraph, Submitter, Validator};
use plexus_subnet_kit::{check_rng, query_round_timed, Answered, SplitMix64};
use std::path::PathBuf;
use std::time::Duration;

/// A round's training takes seconds on a busy CPU, and the model is over a megabyte.
const CALL_TIMEOUT: Duration = Duration::from_secs(60);
/// Held-out windows drawn per round.
const MEASURED: usize = 32;
/// Updates a round needs for a control (below it, a shard's transfer is taken as 1).
const CONTROL_MIN: usize = 3;
/// The held-out windows of the published curve: fixed, so rounds compare.
const CURVE_WINDOWS: usize = 48;
/// The seed every validator's first shared model starts from.
pub const INIT_SEED: u64 = 0x706c_6578_7573;

/// What a round of scoring gives.
#[derive(Debug)]
pub struct Round {
    /// Each answering miner's score in [0, 1].
    pub scores: Vec<(u16, f64)>,
    /// The next shared model (the same one if nothing was accepted, or if merging the accepted
    /// updates did not lower the held-out loss).
    pub model: Params,
    /// Updates accepted and merged.
    pub merged: usize,
}

/// Scores a round's answers to the task with `model` and `seed`: `hotkeys` names each uid's
/// hotkey (whose shards its update is measured on), `rng` draws the windows measured. `None`
/// if the validator's own model failed.
pub fn score_round(
    model: &Params,
    seed: &[u8; 32],
    answers: &[Answered<Answer>],
    hotkeys: &[(u16, AccountId)],
    rng: &mut SplitMix64,
) -> Option<Round> {
    let model_hash = hex::encode(model.hash().0);
    // Every well-formed update for this model, with whose shards it must fit.
    let mut decoded: Vec<(u16, AccountId, Update)> = Vec::new();
    let mut gains = Vec::with_capacity(answers.len());
    for answered in answers {
        let hotkey = hotkeys
            .iter()
            .find(|(u, _)| *u == answered.uid)
            .map(|h| h.1);
        let update = answered
            .answer
            .as_ref()
            .filter(|a| a.model_hash == model_hash)
            .and_then(decode_update);
        match (hotkey, update) {
            (Some(hotkey), Some(update)) => decoded.push((answered.uid, hotkey, update)),
            _ => gains.push((answered.uid, None)),
        }
    }
    // The control: all of the round's updates averaged. Its gain on a miner's shard against
    // its gain on held-out text says how well general learning transfers to that shard, so a
    // shard that is simply easy does not pass for one trained on.
    let control = (decoded.len() >= CONTROL_MIN).then(|| {
        merge(
            model,
            &decoded.iter().map(|(_, _, u)| u).collect::<Vec<_>>(),
        )
    });
    let held = windows(&held_out_shards(), MEASURED, CONTEXT + 1, rng);
    let held_before = evaluate(model, &held).ok()?;
    let control_held = match &control {
        Some(c) => Some(held_before - evaluate(c, &held).ok()?),
        None => None,
    };
    let mut updates: Vec<Update> = Vec::new();
    for (uid, hotkey, update) in decoded {
        let own = shard_windows(&assigned(seed, &hotkey), CONTEXT + 1);
        let own_before = evaluate(model, &own).ok()?;
        let candidate = update.apply(model, 1.0);
        let assigned_gain = own_before - evaluate(&candidate, &own).ok()?;
        let held_out = held_before - evaluate(&candidate, &held).ok()?;
        let transfer = match (&control, control_held) {
            (Some(c), Some(on_held)) if on_held >= MIN_GAIN => {
                ((own_before - evaluate(c, &own).ok()?) / on_held).clamp(0.5, 2.0)
            }
            _ => 1.0,
        };
        let measured = Gains {
            assigned: assigned_gain,
            held_out,
            transfer,
        };
        gains.push((uid, Some(measured)));
        if measured.accepted() {
            updates.push(update);
        }
    }
    let accepted: Vec<&Update> = updates.iter().collect();
    let merged = merge(model, &accepted);
    let (model, merged) = if !accepted.is_empty() && evaluate(&merged, &held).ok()? < held_before {
        (merged, accepted.len())
    } else {
        (model.clone(), 0)
    };
    Some(Round {
        scores: scores(&gains),
        model,
        merged,
    })
}

/// What a validator keeps between restarts: its shared model, its round and the curve.
struct Saved {
    round: u64,
    model: Params,
    curve: Series,
}

/// Trains a shared model with up to 16 serving miners per round.
pub struct TrainingValidator {
    dendrite: Dendrite,
    metagraph: Metagraph,
    chain: Submitter,
    hotkey: Keypair,
    netuid: u16,
    state: Saved,
    path: Option<PathBuf>,
    curve_windows: Vec<Vec<u8>>,
    rng: SplitMix64,
}

impl TrainingValidator {
    /// A validator of subnet `netuid` querying with `dendrite` and publishing its curve as
    /// `hotkey` through `chain`; its shared model and curve are kept in `path` if given (and
    /// resumed from it).
    pub fn new(
        netuid: u16,
        dendrite: Dendrite,
        metagraph: Metagraph,
        chain: Submitter,
        hotkey: Keypair,
        path: Option<PathBuf>,
    ) -> Self {
        let state = path.as_deref().and_then(load).unwrap_or_else(|| Saved {
            round: 0,
            model: Params::init(INIT_SEED),
            curve: Series::new("shared model's held-out loss", "nats/byte", 10_000),
        });
        Self {
            dendrite,
            metagraph,
            chain,
            hotkey,
            netuid,
            state,
            path,
            curve_windows: curve_windows(),
            rng: SplitMix64::from_entropy(),
        }
    }

    /// The shared model now.
    pub fn model(&self) -> &Params {
        &self.state.model
    }

    /// The published curve: held-out loss by round.
    pub fn curve(&self) -> &Series {
        &self.state.curve
    }

    async fn publish(&mut self) {
        let hash = self.state.model.hash();
        let published = tokio::time::timeout(
            Duration::from_secs(30),
            publish_series(
                &self.chain,
                &self.hotkey,
                self.netuid,
                Some(hash),
                &self.state.curve,
            ),
        )
        .await;
        match published {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "publishing the shared model failed"),
            Err(_) => tracing::warn!("publishing the shared model timed out"),
        }
    }
}

/// The fixed held-out windows whose loss is the published curve.
pub fn curve_windows() -> Vec<Vec<u8>> {
    windows(
        &held_out_shards(),
        CURVE_WINDOWS,
        CONTEXT + 1,
        &mut SplitMix64::new(INIT_SEED),
    )
}

fn load(path: &std::path::Path) -> Option<Saved> {
    let bytes = std::fs::read(path).ok()?;
    let round = u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?);
    let curve_len = u32::from_le_bytes(bytes.get(8..12)?.try_into().ok()?) as usize;
    let curve = Series::decode(bytes.get(12..12 + curve_len)?)?;
    let model = Params::from_bytes(bytes.get(12 + curve_len..)?).ok()?;
    Some(Saved {
        round,
        model,
        curve,
    })
}

fn save(path: &std::path::Path, state: &Saved) -> std::io::Result<()> {
    let curve = state.curve.encode(4096);
    let mut bytes = Vec::with_capacity(12 + curve.len() + state.model.0.len() * 4);
    bytes.extend_from_slice(&state.round.to_le_bytes());
    bytes.extend_from_slice(&(curve.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&curve);
    bytes.extend_from_slice(&state.model.to_bytes());
    // The first round can end before the loop has saved any scores beside it.
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let partial = path.with_extension("partial");
    std::fs::write(&partial, bytes)?;
    std::fs::rename(&partial, path)
}

impl Validator for TrainingValidator {
    async fn forward(&mut self, round: plexus_sdk::Round<'_>) -> Vec<(u16, f64)> {
        let own = round
            .snapshot
            .neuron(round.uid)
            .map_or(AccountId([0; 32]), |n| n.hotkey);
        let number = self.state.round;
        let seed = blake2_256_parts(&[
            b"plexus-training-seed",
            &own.0,
            &number.to_le_bytes(),
            &self.rng.next_u64().to_le_bytes(),
        ])
        .0;
        let task = Task {
            round: number,
            seed: hex::encode(seed),
            model: encode_model(&self.state.model),
            model_hash: hex::encode(self.state.model.hash().0),
            steps: STEPS,
        };
        let task_id = self.rng.next_u64();
        let answers = query_round_timed::<TrainingWork>(
            &self.dendrite,
            &self.metagraph,
            &round,
            task_id,
            &task,
            CALL_TIMEOUT,
        )
        .await;
        let hotkeys: Vec<(u16, AccountId)> = answers
            .iter()
            .filter_map(|a| Some((a.uid, round.snapshot.neuron(a.uid)?.hotkey)))
            .collect();
        let mut rng = check_rng(&self.metagraph, &round, task_id, &mut self.rng).await;
        let model = self.state.model.clone();
        let curve_windows = self.curve_windows.clone();
        let scored = tokio::task::spawn_blocking(move || {
            let round = score_round(&model, &seed, &answers, &hotkeys, &mut rng)?;
            let loss = evaluate(&round.model, &curve_windows).ok()?;
            Some((round, loss))
        })
        .await;
        let Ok(Some((outcome, loss))) = scored else {
            // Our own model failed: no scores this round rather than zeros for everyone.
            return Vec::new();
        };
        tracing::info!(
            round = number,
            merged = outcome.merged,
            held_out_loss = loss,
            "training round"
        );
        self.state.model = outcome.model;
        self.state.round += 1;
        self.state
            .curve
            .push(number.min(u64::from(u32::MAX)) as u32, f64::from(loss));
        if let Some(path) = &self.path {
            if let Err(e) = save(path, &self.state) {
                tracing::warn!(path = %path.display(), error = %e, "saving the shared model failed");
            }
        }
        self.publish().await;
        outcome.scores
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_the_shared_model_is_saved_in_a_new_folder_and_resumed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("neurons").join("training").join("v.model");
        let mut curve = Series::new("loss", "nats/byte", 10_000);
        curve.push(0, 5.0);
        let state = Saved {
            round: 3,
            model: Params::init(1),
            curve,
        };
        save(&path, &state).unwrap();
        let back = load(&path).unwrap();
        assert_eq!(back.round, 3);
        assert_eq!(back.model, state.model);
        assert_eq!(back.curve, state.curve);
    }
}
