//! The observations: parsed once from the CSV shipped with the crate.

/// Why the data set could not be read.
#[derive(Debug, thiserror::Error)]
#[error("weather data, line {line}: {reason}")]
pub struct DataError {
    line: usize,
    reason: String,
}

/// One city's consecutive days from 2012-01-01.
#[derive(Debug, Clone)]
pub struct Series {
    /// The city.
    pub city: String,
    /// Daily maximum temperature, °C.
    pub temp_max: Vec<f64>,
    /// Daily minimum temperature, °C.
    pub temp_min: Vec<f64>,
}

/// Every city's series.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// By city, in the file's order.
    pub series: Vec<Series>,
}

const SHIPPED: &str = include_str!("../data/weather.csv");

impl Dataset {
    /// The data set shipped in `data/weather.csv`.
    pub fn shipped() -> Result<Self, DataError> {
        Self::parse(SHIPPED)
    }

    /// Parses `location,date,precipitation,temp_max,temp_min,wind,weather` rows; each city's
    /// rows must be consecutive days (the seasonal cycle counts days by position).
    pub fn parse(text: &str) -> Result<Self, DataError> {
        let mut series: Vec<Series> = Vec::new();
        for (index, row) in text.lines().enumerate().skip(1) {
            let fail = |reason: &str| DataError {
                line: index + 1,
                reason: reason.to_string(),
            };
            if row.trim().is_empty() {
                continue;
            }
            let fields: Vec<&str> = row.split(',').collect();
            let [city, _date, _precipitation, max, min, ..] = fields.as_slice() else {
                return Err(fail("too few fields"));
            };
            let number = |text: &str| {
                text.parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| fail("not a number"))
            };
            let (max, min) = (number(max)?, number(min)?);
            match series.iter_mut().find(|s| s.city == *city) {
                Some(s) => {
                    s.temp_max.push(max);
                    s.temp_min.push(min);
                }
                None => series.push(Series {
                    city: (*city).to_string(),
                    temp_max: vec![max],
                    temp_min: vec![min],
                }),
            }
        }
        if series.is_empty() {
            return Err(DataError {
                line: 1,
                reason: "no rows".into(),
            });
        }
        Ok(Self { series })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn test_shipped_data_has_both_cities_for_four_years() {
        let data = Dataset::shipped().unwrap();
        let cities: Vec<&str> = data.series.iter().map(|s| s.city.as_str()).collect();
        assert_eq!(cities, ["Seattle", "New York"]);
        for s in &data.series {
            assert_eq!(s.temp_max.len(), 1461);
            assert_eq!(s.temp_min.len(), 1461);
        }
        // The file's first row: Seattle, 2012-01-01, 12.8 °C / 5.0 °C.
        assert_eq!(data.series[0].temp_max[0], 12.8);
        assert_eq!(data.series[0].temp_min[0], 5.0);
    }

    #[test]
    fn test_bad_rows_are_errors_with_their_line() {
        let error = Dataset::parse("h\nSeattle,2012-01-01,0,x,1,1,sun\n").unwrap_err();
        assert_eq!(error.to_string(), "weather data, line 2: not a number");
        assert!(Dataset::parse("h\nSeattle,2012\n").is_err());
        assert!(Dataset::parse("h\n").is_err());
    }
}
