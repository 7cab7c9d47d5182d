//! A miner's update: the largest entries of its pseudo-gradient (its trained parameters minus
//! the shared ones), sent sparse, and how validators check, apply and merge updates.
//!
//! ```text
//! "PXU1" | parameters u32 | k u32 | k indices u32 (strictly increasing) | k values f32
//! ```
//! All little-endian. Keeping the top [`KEEP_PER_MILLE`]‰ cuts an update to a sixth of the
//! model's size while keeping most of what a few local steps changed.

use crate::params::{count, Params};

/// Parameters kept per thousand.
pub const KEEP_PER_MILLE: usize = 80;

/// The largest change to one parameter an update may carry: a few local steps move a
/// parameter by hundredths.
pub const MAX_CHANGE: f32 = 1.0;

const MAGIC: &[u8; 4] = b"PXU1";

/// How many entries an update keeps.
pub fn keep() -> usize {
    count() * KEEP_PER_MILLE / 1000
}

/// Why bytes are not an update for this model.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum UpdateError {
    /// Not this format.
    #[error("not an update (no PXU1 header)")]
    Magic,
    /// For a model of another size.
    #[error("an update for {0} parameters, the model has {1}")]
    Parameters(usize, usize),
    /// More entries than an update keeps.
    #[error("{0} entries, at most {1}")]
    TooMany(usize, usize),
    /// The length does not match the entry count.
    #[error("{found} bytes for {entries} entries, expected {expected}")]
    Length {
        /// Bytes given.
        found: usize,
        /// Entries declared.
        entries: usize,
        /// Bytes they take.
        expected: usize,
    },
    /// Indices out of order, repeated, or past the model.
    #[error("index {0} out of order or out of range")]
    Index(u32),
    /// A value that is not finite or larger than [`MAX_CHANGE`].
    #[error("entry {0}: not a finite change of at most {MAX_CHANGE}")]
    Value(usize),
}

/// A sparse change to the parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    /// Which parameters, strictly increasing.
    pub indices: Vec<u32>,
    /// By how much.
    pub values: Vec<f32>,
}

impl Update {
    /// The [`keep`] largest entries (by magnitude) of `trained - base`.
    pub fn between(base: &Params, trained: &Params) -> Self {
        let delta: Vec<f32> = trained.0.iter().zip(&base.0).map(|(t, b)| t - b).collect();
        let mut order: Vec<u32> = (0..delta.len() as u32).collect();
        let k = keep().min(order.len());
        if k < order.len() {
            order.select_nth_unstable_by(k, |&a, &b| {
                delta[b as usize]
                    .abs()
                    .total_cmp(&delta[a as usize].abs())
                    .then(a.cmp(&b))
            });
        }
        let mut indices = order[..k].to_vec();
        indices.sort_unstable();
        let values = indices.iter().map(|&i| delta[i as usize]).collect();
        Self { indices, values }
    }

    /// The update's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(12 + self.indices.len() * 8);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(count() as u32).to_le_bytes());
        out.extend_from_slice(&(self.indices.len() as u32).to_le_bytes());
        for i in &self.indices {
            out.extend_from_slice(&i.to_le_bytes());
        }
        for v in &self.values {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out
    }

    /// An update from its bytes, checked against the model.
    pub fn decode(bytes: &[u8]) -> Result<Self, UpdateError> {
        let word = |at: usize| -> Option<u32> {
            Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
        };
        if bytes.get(..4) != Some(MAGIC.as_slice()) {
            return Err(UpdateError::Magic);
        }
        let (Some(parameters), Some(entries)) = (word(4), word(8)) else {
            return Err(UpdateError::Magic);
        };
        let (parameters, entries) = (parameters as usize, entries as usize);
        if parameters != count() {
            return Err(UpdateError::Parameters(parameters, count()));
        }
        if entries > keep() {
            return Err(UpdateError::TooMany(entries, keep()));
        }
        let expected = 12 + entries * 8;
        if bytes.len() != expected {
            return Err(UpdateError::Length {
                found: bytes.len(),
                entries,
                expected,
            });
        }
        let mut indices = Vec::with_capacity(entries);
        for n in 0..entries {
            let index = word(12 + 4 * n).unwrap_or(u32::MAX);
            if index as usize >= parameters || indices.last().is_some_and(|&l| l >= index) {
                return Err(UpdateError::Index(index));
            }
            indices.push(index);
        }
        let values_at = 12 + 4 * entries;
        let mut values = Vec::with_capacity(entries);
        for n in 0..entries {
            let value = f32::from_bits(word(values_at + 4 * n).unwrap_or(u32::MAX));
            if !value.is_finite() || value.abs() > MAX_CHANGE {
                return Err(UpdateError::Value(n));
            }
            values.push(value);
        }
        Ok(Self { indices, values })
    }

    /// `base` with this update added, times `scale`.
    pub fn apply(&self, base: &Params, scale: f32) -> Params {
        let mut out = base.clone();
        self.add_to(&mut out, scale);
        out
    }

    fn add_to(&self, params: &mut Params, scale: f32) {
        for (&i, &v) in self.indices.iter().zip(&self.values) {
            if let Some(p) = params.0.get_mut(i as usize) {
                *p += scale * v;
            }
        }
    }
}

/// `base` moved by the average of `updates`: each update counts for an equal share, so a
/// parameter only one of them changed moves by that change over their number.
pub fn merge(base: &Params, updates: &[&Update]) -> Params {
    let mut out = base.clone();
    if updates.is_empty() {
        return out;
    }
    let share = 1.0 / updates.len() as f32;
    for update in updates {
        update.add_to(&mut out, share);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trained(base: &Params) -> Params {
        let mut t = base.clone();
        for (i, p) in t.0.iter_mut().enumerate() {
            *p += ((i % 1000) as f32 - 500.0) * 1e-5;
        }
        t
    }

    #[test]
    fn test_between_keeps_the_largest_changes_and_round_trips() {
        let base = Params::init(1);
        let update = Update::between(&base, &trained(&base));
        assert_eq!(update.indices.len(), keep());
        assert!(update.indices.windows(2).all(|w| w[0] < w[1]));
        // Every kept change is at least as large as every dropped one.
        let smallest_kept = update
            .values
            .iter()
            .map(|v| v.abs())
            .fold(f32::MAX, f32::min);
        assert!(smallest_kept >= 0.0046, "{smallest_kept}");
        let bytes = update.encode();
        assert_eq!(bytes.len(), 12 + keep() * 8);
        assert_eq!(Update::decode(&bytes).unwrap(), update);
        // A sixth of the model's bytes, or less.
        assert!(bytes.len() * 6 <= count() * 4, "{}", bytes.len());
    }

    #[test]
    fn test_malformed_updates_are_refused_with_their_reason() {
        let base = Params::init(1);
        let good = Update::between(&base, &trained(&base)).encode();
        assert_eq!(Update::decode(b"nope"), Err(UpdateError::Magic));
        assert!(matches!(
            Update::decode(&good[..good.len() - 1]),
            Err(UpdateError::Length { .. })
        ));
        let mut wrong_size = good.clone();
        wrong_size[4..8].copy_from_slice(&7u32.to_le_bytes());
        assert_eq!(
            Update::decode(&wrong_size),
            Err(UpdateError::Parameters(7, count()))
        );
        let mut too_many = good.clone();
        too_many[8..12].copy_from_slice(&(keep() as u32 + 1).to_le_bytes());
        assert!(matches!(
            Update::decode(&too_many),
            Err(UpdateError::TooMany(..))
        ));
        let mut unordered = good.clone();
        unordered[16..20].copy_from_slice(&0u32.to_le_bytes());
        assert!(matches!(
            Update::decode(&unordered),
            Err(UpdateError::Index(0))
        ));
        let mut huge = good.clone();
        let at = 12 + 4 * keep();
        huge[at..at + 4].copy_from_slice(&2.0f32.to_le_bytes());
        assert_eq!(Update::decode(&huge), Err(UpdateError::Value(0)));
        huge[at..at + 4].copy_from_slice(&f32::NAN.to_le_bytes());
        assert_eq!(Update::decode(&huge), Err(UpdateError::Value(0)));
    }

    #[test]
    fn test_merge_averages_and_apply_adds() {
        let base = Params::init(1);
        let a = Update {
            indices: vec![0, 5],
            values: vec![0.2, 0.4],
        };
        let b = Update {
            indices: vec![5],
            values: vec![0.2],
        };
        let merged = merge(&base, &[&a, &b]);
        assert!((merged.0[0] - (base.0[0] + 0.1)).abs() < 1e-6);
        assert!((merged.0[5] - (base.0[5] + 0.3)).abs() < 1e-6);
        assert_eq!(merged.0[1], base.0[1]);
        assert_eq!(merge(&base, &[]), base);
        let applied = a.apply(&base, 1.0);
        assert!((applied.0[5] - (base.0[5] + 0.4)).abs() < 1e-6);
    }
}
