//! Write Rust functions that pass hidden tests: an example subnet after Ridges, on the
//! HumanEval-Rust tasks (`data/`, MIT) whose reference solutions pass.
//!
//! A validator sends a task's prompt (signature and doc comment); miners commit to a function
//! body and reveal it (`plexus-subnet-kit`); the validator compiles prompt, body and the
//! task's hidden tests in a [`Sandbox`] and scores 1 if every test passes, else 0. Answers that
//! name the file system, network, processes and the like are rejected before compiling
//! ([`sandbox::check`]); CPU, memory and time limits stop the rest.
//!
//! Miners: [`Reference`] (honest: it knows the reference solutions, standing in for a good
//! model), [`Partial`] (mediocre: about half of them, `todo!()` otherwise), [`WrongTask`]
//! (random: another task's body), and the kit's lazy and copying miners.
//!
//! # What this is not
//! Not a general sandbox for untrusted code: it relies on plain `rustc` with a source check
//! and process limits, which suits function bodies scored by tests, not arbitrary programs.

pub mod sandbox;
mod tasks;

pub use sandbox::{Limits, Outcome, Sandbox};
pub use tasks::{shipped, Problem, TasksError};

use plexus_sdk::axon::{Dendrite, RunningAxon};
use plexus_sdk::{Metagraph, Round, Validator};
use plexus_subnet_kit::{
    query_round, serve, serve_kind, validate, BoxFuture, Job, Kind, MinerContext, Solver,
    SplitMix64, Subnet, SubnetError, Unavailable, ValidatorContext, Work,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// A task: which problem, and its prompt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// The problem's id.
    pub problem: String,
    /// The signature and doc comment; the answer continues it.
    pub prompt: String,
}

/// The code subnet's work; an answer is a function body up to and including its closing brace.
pub struct CodeWork;

impl Work for CodeWork {
    const COMMIT: &'static str = "CodeCommit";
    const REVEAL: &'static str = "CodeReveal";
    type Task = Task;
    type Answer = String;
}

/// The problems by id.
type Problems = Arc<BTreeMap<String, Problem>>;

/// Answers with the reference solution.
pub struct Reference(Problems);

impl Solver<CodeWork> for Reference {
    async fn solve(&self, job: Job<CodeWork>) -> Option<String> {
        self.0
            .get(&job.task.problem)
            .map(|p| p.canonical_solution.clone())
    }
}

/// Knows the reference solutions of about half of the problems (those whose id hashes even),
/// and answers `todo!()` to the rest.
pub struct Partial(Problems);

impl Solver<CodeWork> for Partial {
    async fn solve(&self, job: Job<CodeWork>) -> Option<String> {
        let problem = self.0.get(&job.task.problem)?;
        let hash = problem
            .task_id
            .bytes()
            .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
        Some(if hash % 2 == 0 {
            problem.canonical_solution.clone()
        } else {
            "todo!()\n}".into()
        })
    }
}

/// Answers with the reference body of a random other problem.
pub struct WrongTask(Problems, Mutex<SplitMix64>);

impl Solver<CodeWork> for WrongTask {
    async fn solve(&self, _job: Job<CodeWork>) -> Option<String> {
        let index = self
            .1
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .below(self.0.len());
        self.0
            .values()
            .nth(index)
            .map(|p| p.canonical_solution.clone())
    }
}

/// Asks up to 16 serving miners the same problem each round and tests each distinct answer.
pub struct CodeValidator {
    problems: Problems,
    sandbox: Arc<Sandbox>,
    dendrite: Dendrite,
    metagraph: Metagraph,
    rng: SplitMix64,
}

impl CodeValidator {
    /// A validator over `problems`, testing in `sandbox`.
    pub fn new(
        problems: Problems,
        sandbox: Arc<Sandbox>,
        dendrite: Dendrite,
        metagraph: Metagraph,
    ) -> Self {
        Self {
            problems,
            sandbox,
            dendrite,
            metagraph,
            rng: SplitMix64::from_entropy(),
        }
    }
}

impl Validator for CodeValidator {
    async fn forward(&mut self, round: Round<'_>) -> Vec<(u16, f64)> {
        let Some(problem) = self
            .problems
            .values()
            .nth(self.rng.below(self.problems.len()))
            .cloned()
        else {
            return Vec::new();
        };
        let task = Task {
            problem: problem.task_id.clone(),
            prompt: problem.prompt.clone(),
        };
        let task_id = self.rng.next_u64();
        let answers =
            query_round::<CodeWork>(&self.dendrite, &self.metagraph, &round, task_id, &task).await;
        // Miners that give the same body get the same result; each is compiled once.
        let mut tested: BTreeMap<String, f64> = BTreeMap::new();
        let mut rewards = Vec::with_capacity(answers.len());
        for (uid, answer) in answers {
            let Some(body) = answer else {
                rewards.push((uid, 0.0));
                continue;
            };
            let score = match tested.get(&body) {
                Some(score) => *score,
                None => {
                    let outcome = self
                        .sandbox
                        .run(&problem.prompt, &body, &problem.test)
                        .await;
                    tracing::debug!(uid, problem = %problem.task_id, ?outcome, "answer tested");
                    tested.insert(body, outcome.score());
                    outcome.score()
                }
            };
            rewards.push((uid, score));
        }
        rewards
    }
}

/// The subnet, for the localnet.
pub struct Code {
    problems: Problems,
}

impl Code {
    /// The subnet on the problems shipped with it.
    pub fn new() -> Result<Self, TasksError> {
        let problems = shipped()?
            .into_iter()
            .map(|p| (p.task_id.clone(), p))
            .collect();
        Ok(Self {
            problems: Arc::new(problems),
        })
    }
}

impl Subnet for Code {
    fn name(&self) -> &'static str {
        "code"
    }

    fn about(&self) -> &'static str {
        "Rust function bodies for 146 HumanEval-Rust tasks, compiled and tested in a sandbox"
    }

    fn check(&self) -> Result<(), Unavailable> {
        let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
        let found = std::process::Command::new(&rustc)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if found {
            Ok(())
        } else {
            Err(Unavailable {
                what: "rustc (validators compile the answers)".into(),
                reason: format!("`{rustc} --version` did not run"),
                fix: "install Rust with rustup, or set RUSTC to a rustc binary".into(),
            })
        }
    }

    fn serve(
        &self,
        kind: Kind,
        context: MinerContext,
    ) -> BoxFuture<'static, Result<RunningAxon, SubnetError>> {
        let problems = self.problems.clone();
        serve_kind::<CodeWork>(kind, context, move |context| match kind {
            Kind::Mediocre => Box::pin(serve::<CodeWork, _>(context, Partial(problems))),
            Kind::Random => Box::pin(serve::<CodeWork, _>(
                context,
                WrongTask(problems, Mutex::new(SplitMix64::from_entropy())),
            )),
            _ => Box::pin(serve::<CodeWork, _>(context, Reference(problems))),
        })
    }

    fn validate(
        &self,
        context: ValidatorContext,
        stop: BoxFuture<'static, ()>,
    ) -> BoxFuture<'static, Result<(), SubnetError>> {
        let problems = self.problems.clone();
        Box::pin(async move {
            let sandbox = Arc::new(Sandbox::new(Limits::default()).await);
            validate(context, stop, move |dendrite, metagraph| {
                CodeValidator::new(problems, sandbox, dendrite, metagraph)
            })
            .await
        })
    }
}
