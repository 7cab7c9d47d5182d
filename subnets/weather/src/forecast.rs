//! The miners' forecasts.

use crate::{Answer, Case, Task, WeatherWork, HORIZON};
use plexus_subnet_kit::{Job, SharedRng, Solver};
use std::f64::consts::TAU;

const YEAR: f64 = 365.25;

/// Tomorrow is like today: the baseline every miner is measured against.
pub struct Persistence;

fn persist(case: &Case) -> Vec<f64> {
    vec![case.temp_max.last().copied().unwrap_or(0.0); HORIZON]
}

impl Solver<WeatherWork> for Persistence {
    async fn solve(&self, job: Job<WeatherWork>) -> Option<Answer> {
        Some(job.task.cases.iter().map(persist).collect())
    }
}

/// Random temperatures in a plausible range.
#[derive(Default)]
pub struct Noise(SharedRng);

impl Solver<WeatherWork> for Noise {
    async fn solve(&self, job: Job<WeatherWork>) -> Option<Answer> {
        let mut rng = self.0.lock();
        Some(
            job.task
                .cases
                .iter()
                .map(|_| (0..HORIZON).map(|_| -10.0 + 45.0 * rng.unit()).collect())
                .collect(),
        )
    }
}

/// Least squares per lead time `k` on the case's own history: the maximum `k` days later from
/// today's maximum and minimum and the seasonal cycle (one annual harmonic) of the target day.
pub struct Regression;

const FEATURES: usize = 5;

fn features(case: &Case, today: usize, lead: usize) -> [f64; FEATURES] {
    let day = f64::from(case.first_day) + (today + lead) as f64;
    let phase = TAU * day / YEAR;
    [
        1.0,
        case.temp_max[today],
        case.temp_min[today],
        phase.sin(),
        phase.cos(),
    ]
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting; `None` if singular.
fn solve_linear(
    mut a: [[f64; FEATURES]; FEATURES],
    mut b: [f64; FEATURES],
) -> Option<[f64; FEATURES]> {
    for col in 0..FEATURES {
        let pivot = (col..FEATURES).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-9 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..FEATURES {
            let factor = a[row][col] / a[col][col];
            let pivot_row = a[col];
            for (value, above) in a[row].iter_mut().zip(pivot_row).skip(col) {
                *value -= factor * above;
            }
            b[row] -= factor * b[col];
        }
    }
    let mut x = [0.0; FEATURES];
    for row in (0..FEATURES).rev() {
        let tail: f64 = (row + 1..FEATURES).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - tail) / a[row][row];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// The regression's forecast for one case; persistence where the history is too short or
/// degenerate to fit.
pub(crate) fn regress(case: &Case) -> Vec<f64> {
    let n = case.temp_max.len().min(case.temp_min.len());
    if n < 4 * FEATURES + HORIZON {
        return persist(case);
    }
    (1..=HORIZON)
        .map(|lead| {
            let mut ata = [[0.0; FEATURES]; FEATURES];
            let mut atb = [0.0; FEATURES];
            for today in 0..n - lead {
                let x = features(case, today, lead);
                let y = case.temp_max[today + lead];
                for i in 0..FEATURES {
                    for j in 0..FEATURES {
                        ata[i][j] += x[i] * x[j];
                    }
                    atb[i] += x[i] * y;
                }
            }
            let x = features(case, n - 1, lead);
            match solve_linear(ata, atb) {
                Some(coef) => coef.iter().zip(x).map(|(c, v)| c * v).sum(),
                None => case.temp_max[n - 1],
            }
        })
        .collect()
}

impl Solver<WeatherWork> for Regression {
    async fn solve(&self, job: Job<WeatherWork>) -> Option<Answer> {
        let task: &Task = &job.task;
        Some(task.cases.iter().map(regress).collect())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use plexus_subnet_kit::SplitMix64;

    #[test]
    fn test_regression_follows_a_seasonal_series_where_persistence_lags() {
        // An annual cycle plus day-to-day jitter of at most 0.5 °C.
        let mut rng = SplitMix64::new(3);
        let days = 720;
        let season = |d: usize| 15.0 + 10.0 * (TAU * d as f64 / YEAR).sin();
        let temp_max: Vec<f64> = (0..days).map(|d| season(d) + rng.unit() - 0.5).collect();
        let temp_min = temp_max
            .iter()
            .map(|t| t - 8.0 + rng.unit() - 0.5)
            .collect();
        let case = Case {
            city: "x".into(),
            first_day: 0,
            temp_max,
            temp_min,
        };
        let forecast = regress(&case);
        for (k, f) in forecast.iter().enumerate() {
            assert!((f - season(days + k)).abs() < 0.6, "{k}: {f}");
        }
    }

    #[test]
    fn test_short_or_empty_histories_fall_back_to_persistence() {
        let case = Case {
            city: "x".into(),
            first_day: 0,
            temp_max: vec![3.0; 5],
            temp_min: vec![1.0; 5],
        };
        assert_eq!(regress(&case), vec![3.0; HORIZON]);
        let empty = Case {
            temp_max: Vec::new(),
            temp_min: Vec::new(),
            ..case
        };
        assert_eq!(regress(&empty), vec![0.0; HORIZON]);
    }
}
