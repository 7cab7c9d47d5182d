//! Forecast tomorrow's weather: an example subnet after Zeus, on real NOAA daily observations
//! for Seattle and New York, 2012–2015 (`data/`, public domain).
//!
//! A validator picks cities and days, sends miners the observations up to each day, and asks
//! for the maximum temperature of the next [`HORIZON`] days. Answers are committed before any
//! is revealed (`plexus-subnet-kit`), then scored by skill against persistence (tomorrow is
//! like today) over every day of the task: `clamp(1.5 - RMSE / RMSE_persistence, 0, 1)`, so
//! persistence itself scores 0.5 and beating it is what earns. The validator's moving average
//! spreads a miner's score over many tasks and days.
//!
//! Miners: [`Regression`] (honest: least squares on the last two years with a seasonal cycle),
//! [`Persistence`] (mediocre), [`Noise`] (random), and the kit's lazy and copying miners.
//!
//! # What this is not
//! Not a real forecast service: the observations are from a public data set, so a miner that
//! read it could look the answers up. The subnet shows the mechanism; a live one would score
//! against observations made after the commitments.

mod data;
mod forecast;
mod validator;

pub use data::{DataError, Dataset};
pub use forecast::{Noise, Persistence, Regression};
pub use validator::{score, WeatherValidator};

use plexus_sdk::axon::RunningAxon;
use plexus_subnet_kit::{
    serve, serve_kind, validate, BoxFuture, Kind, MinerContext, Subnet, SubnetError, Unavailable,
    ValidatorContext, Work,
};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Days ahead each forecast covers.
pub const HORIZON: usize = 3;

/// Days of observations sent with each case.
pub const HISTORY: usize = 540;

/// One place and day to forecast from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    /// The city.
    pub city: String,
    /// Days since 2012-01-01 of the first observation given (for the seasonal cycle).
    pub first_day: u32,
    /// Daily maximum temperature, °C, oldest first, up to and including today.
    pub temp_max: Vec<f64>,
    /// Daily minimum temperature, °C, the same days.
    pub temp_min: Vec<f64>,
}

/// A task: several cases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// The cases.
    pub cases: Vec<Case>,
}

/// An answer: for each case, the maximum temperature of the next [`HORIZON`] days, °C.
pub type Answer = Vec<Vec<f64>>;

/// The weather subnet's work.
pub struct WeatherWork;

impl Work for WeatherWork {
    const COMMIT: &'static str = "WeatherCommit";
    const REVEAL: &'static str = "WeatherReveal";
    type Task = Task;
    type Answer = Answer;
}

/// The subnet, for the localnet.
pub struct Weather {
    data: Arc<Dataset>,
}

impl Weather {
    /// The subnet on the data set shipped with it.
    pub fn new() -> Result<Self, DataError> {
        Ok(Self {
            data: Arc::new(Dataset::shipped()?),
        })
    }
}

impl Subnet for Weather {
    fn name(&self) -> &'static str {
        "weather"
    }

    fn about(&self) -> &'static str {
        "next-days temperature, NOAA Seattle and New York 2012-2015, skill against persistence"
    }

    fn check(&self) -> Result<(), Unavailable> {
        Ok(())
    }

    fn serve(
        &self,
        kind: Kind,
        context: MinerContext,
    ) -> BoxFuture<'static, Result<RunningAxon, SubnetError>> {
        serve_kind::<WeatherWork>(kind, context, move |context| match kind {
            Kind::Mediocre => Box::pin(serve::<WeatherWork, _>(context, Persistence)),
            Kind::Random => Box::pin(serve::<WeatherWork, _>(context, Noise::default())),
            _ => Box::pin(serve::<WeatherWork, _>(context, Regression)),
        })
    }

    fn validate(
        &self,
        context: ValidatorContext,
        stop: BoxFuture<'static, ()>,
    ) -> BoxFuture<'static, Result<(), SubnetError>> {
        let data = self.data.clone();
        Box::pin(validate(context, stop, move |dendrite, metagraph| {
            WeatherValidator::new(data, dendrite, metagraph)
        }))
    }
}
