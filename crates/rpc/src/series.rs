//! A numbered series of measurements a neuron publishes in its chain commitment (a training
//! subnet's held-out loss per round, say), in a compact form that fits one commitment field,
//! so explorers and dashboards can plot it without knowing the subnet.
//!
//! ```text
//! "PXS1" | name length u8 | name (UTF-8) | unit length u8 | unit | scale u32 |
//! points u8 | points × (x u32, y i32)            little-endian; a point's value is y / scale
//! ```

use plexus_runtime::CommitmentField;

const MAGIC: &[u8; 4] = b"PXS1";

/// A named series of (x, value) points.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// What is measured, for people: `held-out loss`.
    pub name: String,
    /// Its unit: `nats/byte`.
    pub unit: String,
    /// Values are stored as integers of 1/`scale`.
    pub scale: u32,
    /// (x, value as stored), x increasing: a round, an epoch, a block.
    pub points: Vec<(u32, i32)>,
}

impl Series {
    /// A series with no points yet.
    pub fn new(name: &str, unit: &str, scale: u32) -> Self {
        Self {
            name: name.into(),
            unit: unit.into(),
            scale: scale.max(1),
            points: Vec::new(),
        }
    }

    /// Adds `value` at `x`, rounded to the series' scale.
    pub fn push(&mut self, x: u32, value: f64) {
        let stored = (value * f64::from(self.scale)).round();
        let stored = stored.clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32;
        self.points.push((x, stored));
    }

    /// The points as (x, value).
    pub fn values(&self) -> Vec<(u32, f64)> {
        self.points
            .iter()
            .map(|&(x, y)| (x, f64::from(y) / f64::from(self.scale)))
            .collect()
    }

    /// The series in at most `limit` bytes: the newest points that fit (name and unit cut to
    /// 64 bytes each at a character boundary).
    pub fn encode(&self, limit: usize) -> Vec<u8> {
        let cut = |s: &str| -> Vec<u8> {
            let mut end = s.len().min(64);
            while !s.is_char_boundary(end) {
                end -= 1;
            }
            s.as_bytes()[..end].to_vec()
        };
        let (name, unit) = (cut(&self.name), cut(&self.unit));
        let mut out = Vec::with_capacity(limit);
        out.extend_from_slice(MAGIC);
        out.push(name.len() as u8);
        out.extend_from_slice(&name);
        out.push(unit.len() as u8);
        out.extend_from_slice(&unit);
        out.extend_from_slice(&self.scale.to_le_bytes());
        let room = limit.saturating_sub(out.len() + 1) / 8;
        let kept = &self.points[self.points.len().saturating_sub(room.min(255))..];
        out.push(kept.len() as u8);
        for (x, y) in kept {
            out.extend_from_slice(&x.to_le_bytes());
            out.extend_from_slice(&y.to_le_bytes());
        }
        out
    }

    /// A series from [`encode`](Self::encode)'s bytes; `None` for anything else.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        let rest = bytes.strip_prefix(MAGIC.as_slice())?;
        let (name, rest) = text(rest)?;
        let (unit, rest) = text(rest)?;
        let scale = u32::from_le_bytes(rest.get(..4)?.try_into().ok()?);
        let (&count, rest) = rest.get(4..)?.split_first()?;
        if scale == 0 || rest.len() != usize::from(count) * 8 {
            return None;
        }
        let points: Vec<(u32, i32)> = rest
            .chunks_exact(8)
            .map(|c| {
                (
                    u32::from_le_bytes([c[0], c[1], c[2], c[3]]),
                    i32::from_le_bytes([c[4], c[5], c[6], c[7]]),
                )
            })
            .collect();
        if points.windows(2).any(|w| w[0].0 >= w[1].0) {
            return None;
        }
        Some(Self {
            name,
            unit,
            scale,
            points,
        })
    }

    /// The series a commitment field holds, if it holds one.
    pub fn from_field(field: &CommitmentField) -> Option<Self> {
        match field {
            CommitmentField::Raw(bytes)
            | CommitmentField::BigRaw(bytes)
            | CommitmentField::Revealed { data: bytes, .. } => Self::decode(bytes),
            _ => None,
        }
    }
}

fn text(bytes: &[u8]) -> Option<(String, &[u8])> {
    let (&len, rest) = bytes.split_first()?;
    let len = usize::from(len);
    let text = String::from_utf8(rest.get(..len)?.to_vec()).ok()?;
    Some((text, &rest[len..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_series_round_trip_and_keep_the_newest_points_that_fit() {
        let mut series = Series::new("held-out loss", "nats/byte", 10_000);
        for round in 0..100 {
            series.push(round, 5.5 - f64::from(round) * 0.01);
        }
        let bytes = series.encode(512);
        assert!(bytes.len() <= 512);
        let back = Series::decode(&bytes).unwrap();
        assert_eq!(back.name, "held-out loss");
        assert_eq!(back.unit, "nats/byte");
        let values = back.values();
        assert_eq!(values.last().unwrap().0, 99);
        assert!((values.last().unwrap().1 - 4.51).abs() < 1e-9);
        assert_eq!(values.len(), (512 - 4 - 14 - 10 - 4 - 1) / 8);
        let field = CommitmentField::BigRaw(bytes.clone());
        assert_eq!(Series::from_field(&field), Some(back));
        assert_eq!(Series::from_field(&CommitmentField::ResetBonds), None);
    }

    #[test]
    fn test_other_bytes_are_not_a_series() {
        assert_eq!(Series::decode(b"hello"), None);
        let mut series = Series::new("x", "", 1);
        series.push(1, 1.0);
        series.push(2, 2.0);
        let bytes = series.encode(128);
        assert_eq!(Series::decode(&bytes[..bytes.len() - 1]), None);
        // Points out of order.
        let mut swapped = series.clone();
        swapped.points.reverse();
        assert_eq!(Series::decode(&swapped.encode(128)), None);
        // A zero scale.
        let mut zero = bytes.clone();
        let at = 4 + 2 + 1;
        zero[at..at + 4].copy_from_slice(&0u32.to_le_bytes());
        assert_eq!(Series::decode(&zero), None);
    }
}
