//! A running localnet: the chain, the subnets set up on it, and their neurons.

use crate::error::LocalnetError;
use crate::nodes::{self, dev_key, Nodes};
use crate::python::{self, PythonSubnet};
use crate::setup::{self, Payers, Plan};
use crate::{localnet_dir, Args};
use plexus_axon::RunningAxon;
use plexus_primitives::AccountId;
use plexus_sdk::{Metagraph, MinerSettings, Submitter, ValidatorSettings};
use plexus_subnet_kit::{Kind, MinerContext, Subnet, ValidatorContext};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tracing::{error, info};

/// A miner or validator of a running subnet.
#[derive(Debug, Clone)]
pub struct NeuronInfo {
    /// Its hotkey.
    pub hotkey: AccountId,
    /// Its name in the view (`honest-0`, `validator-1`).
    pub name: String,
    /// For miners, the kind, whose [`Kind::quality`] the rewards should follow.
    pub kind: Option<Kind>,
}

/// A subnet the localnet runs.
#[derive(Debug, Clone)]
pub struct RunningSubnet {
    /// Its name.
    pub name: String,
    /// What it does.
    pub about: String,
    /// Its netuid.
    pub netuid: u16,
    /// Its miners, in the order started.
    pub miners: Vec<NeuronInfo>,
    /// Its validators.
    pub validators: Vec<NeuronInfo>,
}

/// A running localnet; [`stop`](Self::stop) ends it cleanly.
pub struct Localnet {
    /// The first node's RPC URL.
    pub rpc_url: String,
    /// The explorer's URL, if it serves one.
    pub explorer_url: Option<String>,
    /// The subnets running.
    pub subnets: Vec<RunningSubnet>,
    /// Subnets that could not run, with the reason and what to do about it.
    pub skipped: Vec<(String, String)>,
    /// Chain validators.
    pub validators: usize,
    /// Where the state is kept.
    pub state_dir: PathBuf,
    nodes: Nodes,
    axons: Vec<RunningAxon>,
    /// The python subnet's miners and validators.
    processes: Vec<tokio::process::Child>,
    neurons: Vec<tokio::task::JoinHandle<()>>,
    stop: tokio::sync::watch::Sender<bool>,
    _explorer: Option<plexus_explorer::Explorer>,
}

/// The subnet called `name`, or why it cannot run here.
fn subnet(name: &str) -> Result<Box<dyn Subnet>, String> {
    match name {
        "weather" => plexus_subnet_weather::Weather::new()
            .map(|s| Box::new(s) as Box<dyn Subnet>)
            .map_err(|e| e.to_string()),
        "code" => plexus_subnet_code::Code::new()
            .map(|s| Box::new(s) as Box<dyn Subnet>)
            .map_err(|e| e.to_string()),
        "embeddings" => Ok(Box::new(plexus_subnet_embeddings::Embeddings::new())),
        "textgen" => Ok(Box::new(plexus_subnet_textgen::TextGen::new())),
        "training" => Ok(Box::new(plexus_subnet_training::Training)),
        other => Err(format!(
            "no subnet called {other:?} (there are: {})",
            crate::SUBNETS.join(", ")
        )),
    }
}

impl Localnet {
    /// Starts the chain (resuming the one in the state directory unless `--fresh`), sets up
    /// the subnets and starts their miners and validators. Subnets whose data or models are
    /// missing are skipped and listed in [`skipped`](Self::skipped).
    pub async fn start(args: &Args) -> Result<Self, LocalnetError> {
        if args.validators == 0 || args.validators > 16 {
            return Err(LocalnetError::Args("--validators must be 1 to 16".into()));
        }
        if args.subnet_validators == 0 || args.miners == 0 {
            return Err(LocalnetError::Args(
                "each subnet needs at least one validator and one miner".into(),
            ));
        }
        if args.tempo < 2 {
            return Err(LocalnetError::Args(
                "--tempo must be at least 2 blocks".into(),
            ));
        }
        let mut chosen = Vec::new();
        let mut skipped = Vec::new();
        let wants_python = args.subnets.iter().any(|name| name == python::NAME);
        for name in args.subnets.iter().filter(|name| *name != python::NAME) {
            match subnet(name).and_then(|s| s.check().map(|()| s).map_err(|e| e.to_string())) {
                Ok(s) => chosen.push(s),
                Err(reason) => {
                    error!(subnet = %name, %reason, "subnet skipped");
                    skipped.push((name.clone(), reason));
                }
            }
        }
        let dir = localnet_dir(args)?;
        let python = if !wants_python {
            None
        } else if args.no_substrate_rpc {
            let reason = "it needs the Substrate-compatible RPC (drop --no-substrate-rpc)";
            skipped.push((python::NAME.to_string(), reason.to_string()));
            None
        } else {
            if args.fresh {
                // Keep the virtualenv across fresh starts: it is a download, not chain state.
                let _ = std::fs::remove_dir_all(dir.join(python::NAME).join("wallets"));
            }
            match PythonSubnet::prepare(&dir, args.python.as_deref()) {
                Ok(subnet) => Some(subnet),
                Err(reason) => {
                    error!(subnet = python::NAME, %reason, "subnet skipped");
                    skipped.push((python::NAME.to_string(), reason));
                    None
                }
            }
        };
        if chosen.is_empty() && python.is_none() {
            return Err(LocalnetError::Args(format!(
                "no subnet can run: {}",
                skipped
                    .iter()
                    .map(|(n, r)| format!("{n}: {r}"))
                    .collect::<Vec<_>>()
                    .join("; ")
            )));
        }

        let (spec, keys) = nodes::prepare(&dir, args.validators, args.fresh)?;
        let mut nodes = Nodes::start(
            &dir,
            &spec,
            keys,
            Duration::from_millis(args.block_time_ms),
            args.rpc,
            (!args.no_substrate_rpc).then_some(args.substrate_rpc),
        )?;
        let rpc_url = format!("http://{}", args.rpc);
        let chain = match connect(&rpc_url, &mut nodes).await {
            Ok(chain) => chain,
            Err(e) => {
                nodes.stop().await;
                return Err(e);
            }
        };
        let (stop, _) = tokio::sync::watch::channel(false);
        let mut localnet = Self {
            rpc_url,
            explorer_url: None,
            subnets: Vec::new(),
            skipped,
            validators: args.validators,
            state_dir: dir,
            nodes,
            axons: Vec::new(),
            processes: Vec::new(),
            neurons: Vec::new(),
            stop,
            _explorer: None,
        };
        if let Err(e) = localnet.populate(args, &chain, chosen, python).await {
            localnet.stop().await;
            return Err(e);
        }
        if !args.no_explorer {
            match plexus_explorer::Explorer::start(&localnet.rpc_url, args.explorer).await {
                Ok(explorer) => {
                    localnet.explorer_url = Some(format!("http://{}", explorer.local_addr()));
                    localnet._explorer = Some(explorer);
                }
                Err(e) => error!(error = %e, "explorer not started"),
            }
        }
        Ok(localnet)
    }

    async fn populate(
        &mut self,
        args: &Args,
        chain: &Submitter,
        chosen: Vec<Box<dyn Subnet>>,
        python: Option<PythonSubnet>,
    ) -> Result<(), LocalnetError> {
        let mut names: Vec<(&str, &str)> = chosen.iter().map(|s| (s.name(), s.about())).collect();
        if python.is_some() {
            names.push((python::NAME, python::ABOUT));
        }
        let mut plans = Vec::new();
        let mut running = Vec::new();
        for (name, about) in names {
            let validators = (0..args.subnet_validators)
                .map(|i| {
                    neuron(
                        &format!("//Bob//{name}//validator-{i}"),
                        format!("validator-{i}"),
                        None,
                    )
                })
                .collect::<Result<Vec<_>, _>>()?;
            let miners = (0..args.miners)
                .map(|i| {
                    let kind = Kind::ALL[i % Kind::ALL.len()];
                    let label = format!("{}-{i}", kind.name());
                    neuron(&format!("//Charlie//{name}//{label}"), label, Some(kind))
                })
                .collect::<Result<Vec<_>, _>>()?;
            plans.push(Plan {
                name: name.to_string(),
                // Bittensor's validators cannot seal weights to this chain's beacon: the python
                // subnet sets them in the clear.
                timelocked: name != python::NAME,
                owner_hotkey: dev_key(&format!("//Alice//{name}"))?.account(),
                validators: validators.iter().map(|n| n.hotkey).collect(),
                miners: miners.iter().map(|n| n.hotkey).collect(),
            });
            running.push(RunningSubnet {
                name: name.to_string(),
                about: about.to_string(),
                netuid: 0,
                miners,
                validators,
            });
        }
        let payers = Payers {
            owner: dev_key("//Alice")?,
            validators: dev_key("//Bob")?,
            miners: dev_key("//Charlie")?,
        };
        let started = Instant::now();
        let netuids = setup::set_up(chain, &payers, &plans, args.tempo).await?;
        info!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            "subnets set up"
        );
        for (running, netuid) in running.iter_mut().zip(netuids) {
            running.netuid = netuid;
        }
        let rust = chosen.len();
        for (subnet, running) in chosen.into_iter().zip(&running) {
            self.start_neurons(&*subnet, running).await?;
        }
        if let (Some(python), Some(running)) = (python, running.get(rust)) {
            self.start_python(&python, running, args.substrate_rpc)?;
        }
        self.subnets = running;
        Ok(())
    }

    /// Starts the python subnet's miners and validators as processes on Bittensor's SDK.
    fn start_python(
        &mut self,
        python: &PythonSubnet,
        running: &RunningSubnet,
        endpoint: SocketAddr,
    ) -> Result<(), LocalnetError> {
        let fail = LocalnetError::Python;
        let neuron = |who: &NeuronInfo, owner: &str| python::Neuron {
            name: who.name.clone(),
            hotkey_uri: format!("{owner}//{}//{}", running.name, who.name),
            coldkey_uri: owner.to_string(),
            netuid: running.netuid,
            endpoint,
        };
        // As for the Rust miners: 127.0.0.1 is refused as an axon address.
        let ip = std::net::IpAddr::from([127, 0, 0, 2]);
        for miner in &running.miners {
            let port = std::net::TcpListener::bind((ip, 0))
                .and_then(|l| l.local_addr())
                .map_err(|e| fail(e.to_string()))?
                .port();
            let kind = miner.kind.unwrap_or(Kind::Honest).name();
            let child = python
                .miner(&neuron(miner, "//Charlie"), kind, ip, port)
                .map_err(fail)?;
            self.processes.push(child);
        }
        for validator in &running.validators {
            let child = python
                .validator(&neuron(validator, "//Bob"), ip)
                .map_err(fail)?;
            self.processes.push(child);
        }
        Ok(())
    }

    async fn start_neurons(
        &mut self,
        subnet: &dyn Subnet,
        running: &RunningSubnet,
    ) -> Result<(), LocalnetError> {
        let netuid = running.netuid;
        let metagraph = Metagraph::follow(&self.rpc_url, netuid).await?;
        let fail = |source| LocalnetError::Subnet {
            subnet: running.name.clone(),
            source,
        };
        let copy_from = running
            .miners
            .iter()
            .find(|m| m.kind == Some(Kind::Honest))
            .map(|m| m.hotkey);
        for miner in &running.miners {
            let uri = format!("//Charlie//{}//{}", running.name, miner.name);
            // The chain refuses 127.0.0.1 as an axon address, as Bittensor's does; the rest
            // of 127/8 is loopback too.
            let listen: SocketAddr = ([127, 0, 0, 2], 0).into();
            let mut settings = MinerSettings::new(netuid, listen, 1);
            settings.external_ip = Some(listen.ip());
            let context = MinerContext {
                chain: Submitter::connect(&self.rpc_url).await?,
                hotkey: dev_key(&uri)?,
                metagraph: metagraph.clone(),
                settings,
                copy_from,
            };
            let kind = miner.kind.unwrap_or(Kind::Honest);
            let axon = subnet.serve(kind, context).await.map_err(fail)?;
            self.axons.push(axon);
        }
        for validator in &running.validators {
            let uri = format!("//Bob//{}//{}", running.name, validator.name);
            let state_path = self
                .state_dir
                .join("neurons")
                .join(&running.name)
                .join(format!("{}.json", validator.name));
            let context = ValidatorContext {
                chain: Submitter::connect(&self.rpc_url).await?,
                hotkey: dev_key(&uri)?,
                metagraph: metagraph.clone(),
                settings: ValidatorSettings {
                    netuid,
                    moving_average_alpha: 0.2,
                    state_path,
                    version_key: 0,
                    round_interval: subnet.round_interval(),
                },
            };
            let mut stopped = self.stop.subscribe();
            let stop = Box::pin(async move {
                let _ = stopped.wait_for(|s| *s).await;
            });
            let name = format!("{}/{}", running.name, validator.name);
            let run = subnet.validate(context, stop);
            self.neurons.push(tokio::spawn(async move {
                if let Err(e) = run.await {
                    error!(validator = %name, error = %e, "validator stopped");
                }
            }));
        }
        Ok(())
    }

    /// A node's failure, if one has failed since the last call.
    pub fn node_failure(&mut self) -> Option<LocalnetError> {
        self.nodes.failure()
    }

    /// Stops the validators (letting each finish its round and save its scores), the miners,
    /// the explorer and the nodes, in that order.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.neurons {
            // A round ends within the query timeout and the reveal wait.
            if tokio::time::timeout(Duration::from_secs(40), task)
                .await
                .is_err()
            {
                error!("a validator did not stop in time");
            }
        }
        drop(self.axons);
        for mut process in self.processes {
            let _ = process.kill().await;
        }
        drop(self._explorer);
        self.nodes.stop().await;
    }
}

fn neuron(uri: &str, name: String, kind: Option<Kind>) -> Result<NeuronInfo, LocalnetError> {
    Ok(NeuronInfo {
        hotkey: dev_key(uri)?.account(),
        name,
        kind,
    })
}

/// Connects once the first node has finalized a block, or fails with the node's own error.
async fn connect(url: &str, nodes: &mut Nodes) -> Result<Submitter, LocalnetError> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(failure) = nodes.failure() {
            return Err(failure);
        }
        if let Ok(chain) = Submitter::connect(url).await {
            if chain
                .client()
                .health()
                .await
                .is_ok_and(|h| h.finalized >= 1)
            {
                return Ok(chain);
            }
        }
        if Instant::now() > deadline {
            return Err(LocalnetError::Node {
                index: 0,
                reason: format!("no finalized block at {url} within 60 s"),
            });
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
