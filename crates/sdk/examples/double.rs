//! The smallest subnet: miners double a number, validators check the answers.
//!
//! ```sh
//! cargo run -p plexus-sdk --example double -- --netuid 1 --wallet.name miner miner
//! cargo run -p plexus-sdk --example double -- --config validator.toml validator
//! ```

use clap::{Parser, Subcommand};
use plexus_axon::{Dendrite, Synapse, Target};
use plexus_sdk::{
    Metagraph, Miner, NeuronArgs, Round, Routes, Submitter, Validator, ValidatorSettings,
};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;

/// The task: `output` must be twice `input`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Double {
    pub(crate) input: i64,
    pub(crate) output: Option<i64>,
}

impl Synapse for Double {
    const NAME: &'static str = "Double";
    const HASH_FIELDS: &'static [&'static str] = &["input"];
}

/// A miner; a dishonest one adds instead of doubling.
pub(crate) struct DoubleMiner {
    pub(crate) honest: bool,
}

impl Miner for DoubleMiner {
    fn routes(routes: Routes<Self>) -> Routes<Self> {
        routes.handle(|miner: Arc<Self>, mut task: Double| async move {
            task.output = Some(if miner.honest {
                task.input * 2
            } else {
                task.input + 1
            });
            task
        })
    }
}

/// Asks up to 16 serving miners a fresh number each round; 1 for a right answer, else 0.
pub(crate) struct DoubleValidator {
    pub(crate) dendrite: Dendrite,
}

impl Validator for DoubleValidator {
    async fn forward(&mut self, round: Round<'_>) -> Vec<(u16, f64)> {
        let input = 1_000 + round.number as i64;
        let targets: Vec<(u16, Target)> = round
            .sample_serving(16)
            .into_iter()
            .filter_map(|uid| {
                let neuron = round.snapshot.neuron(uid)?;
                let axon = neuron.axon.as_ref()?;
                let ip = axon.ip.parse().ok()?;
                Some((
                    uid,
                    Target {
                        ip,
                        port: axon.port,
                        hotkey: neuron.hotkey,
                    },
                ))
            })
            .collect();
        let task = Double {
            input,
            output: None,
        };
        let calls = targets.iter().map(|(uid, target)| {
            let (dendrite, task) = (&self.dendrite, &task);
            async move {
                let answer = dendrite.call(target, task, Duration::from_secs(5)).await;
                let right = answer.synapse.and_then(|d| d.output) == Some(input * 2);
                (*uid, if right { 1.0 } else { 0.0 })
            }
        });
        futures::future::join_all(calls).await
    }
}

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    neuron: NeuronArgs,
    #[command(subcommand)]
    role: Role,
}

#[derive(Subcommand)]
enum Role {
    /// Serve the doubling task.
    Miner,
    /// Check miners and set weights.
    Validator,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt().with_env_filter("info").init();
    let cli = Cli::parse();
    let config = cli.neuron.load()?;
    let hotkey = config.hotkey()?;
    let chain = Submitter::connect(&config.node).await?;
    let metagraph = Metagraph::follow(&config.node, config.netuid).await?;
    match cli.role {
        Role::Miner => {
            let settings = config.miner_settings(1);
            let miner = DoubleMiner { honest: true };
            let _axon = plexus_sdk::serve_miner(chain, hotkey, metagraph, settings, miner).await?;
            tokio::signal::ctrl_c().await?;
        }
        Role::Validator => {
            let settings = ValidatorSettings {
                netuid: config.netuid,
                moving_average_alpha: 0.1,
                state_path: config.state_file("double.json"),
                version_key: 0,
                round_interval: Duration::from_secs(5),
            };
            let mut logic = DoubleValidator {
                dendrite: Dendrite::new(config.hotkey()?, 64),
            };
            let stop = async {
                let _ = tokio::signal::ctrl_c().await;
            };
            plexus_sdk::run_validator(&chain, &hotkey, &metagraph, &settings, &mut logic, stop)
                .await?;
        }
    }
    Ok(())
}
