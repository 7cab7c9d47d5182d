//! The model's shape and its parameters as one flat list of numbers: what validators send,
//! hash and merge into. The layout is fixed, so a parameter's index means the same everywhere.

use plexus_sdk::primitives::{blake2_256, H256};
use plexus_subnet_kit::SplitMix64;

/// Bytes the model reads at once; a window is one more, for the last byte's target.
pub const CONTEXT: usize = 64;
/// Width of the residual stream.
pub const DIM: usize = 96;
/// Attention heads per block.
pub const HEADS: usize = 4;
/// Transformer blocks.
pub const LAYERS: usize = 3;
/// Width of each block's feed-forward layer.
pub const HIDDEN: usize = 4 * DIM;
/// Byte-level: one token per byte value.
pub const VOCAB: usize = 256;

/// The shapes of the parameters, in their order in [`Params`]: the byte embedding (also the
/// output layer), the position embedding, each block's layer norms, attention and feed-forward
/// weights, and the final layer norm.
pub fn layout() -> Vec<Vec<usize>> {
    let mut shapes = vec![vec![VOCAB, DIM], vec![CONTEXT, DIM]];
    for _ in 0..LAYERS {
        shapes.extend([
            vec![DIM],         // attention norm gain
            vec![DIM],         // attention norm bias
            vec![DIM, DIM],    // query
            vec![DIM, DIM],    // key
            vec![DIM, DIM],    // value
            vec![DIM, DIM],    // attention output
            vec![DIM],         // feed-forward norm gain
            vec![DIM],         // feed-forward norm bias
            vec![DIM, HIDDEN], // feed-forward in
            vec![HIDDEN],      // its bias
            vec![HIDDEN, DIM], // feed-forward out
            vec![DIM],         // its bias
        ]);
    }
    shapes.extend([vec![DIM], vec![DIM]]);
    shapes
}

/// The number of parameters.
pub fn count() -> usize {
    layout().iter().map(|s| s.iter().product::<usize>()).sum()
}

/// Why bytes are not a model's parameters.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ParamsError {
    /// The wrong number of bytes.
    #[error("{found} bytes of parameters, the model has {expected}")]
    Length {
        /// Bytes given.
        found: usize,
        /// Bytes of [`count`] parameters.
        expected: usize,
    },
    /// A parameter is not a finite number.
    #[error("parameter {0} is not a finite number")]
    NotFinite(usize),
}

/// Every parameter of a model, in [`layout`] order.
#[derive(Debug, Clone, PartialEq)]
pub struct Params(pub Vec<f32>);

impl Params {
    /// A fresh model from `seed`: weights drawn from N(0, 0.02²) (the outputs of each block
    /// scaled down by the square root of twice the depth, so the residual stream starts
    /// small), norm gains 1, biases 0. The same seed gives the same bytes on every machine.
    pub fn init(seed: u64) -> Self {
        let mut rng = SplitMix64::new(seed);
        let mut normal = move || {
            // Box-Muller; off-chain, so floats are fine.
            let (u, v) = (rng.unit().max(1e-12), rng.unit());
            ((-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()) as f32
        };
        let residual = 1.0 / (2.0 * LAYERS as f32).sqrt();
        let mut values = Vec::with_capacity(count());
        for (i, shape) in layout().iter().enumerate() {
            let n: usize = shape.iter().product();
            // Position within a block's twelve; the final norm falls on 0 and 1 like a block's
            // first norm.
            let in_block = i.checked_sub(2).map(|j| j % 12);
            let fill: Box<dyn FnMut() -> f32> = match (shape.len(), in_block) {
                // Norm gains.
                (1, Some(0) | Some(6)) => Box::new(|| 1.0),
                (1, _) => Box::new(|| 0.0),
                // Attention output and feed-forward out write into the residual stream.
                (_, Some(5) | Some(10)) => Box::new(|| 0.02 * residual * normal()),
                _ => Box::new(|| 0.02 * normal()),
            };
            values.extend(std::iter::repeat_with(fill).take(n));
        }
        Self(values)
    }

    /// The parameters as f32 little-endian bytes: what is sent and hashed.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    /// Parameters from [`to_bytes`](Self::to_bytes)' form, checked.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ParamsError> {
        let expected = count() * 4;
        if bytes.len() != expected {
            return Err(ParamsError::Length {
                found: bytes.len(),
                expected,
            });
        }
        let values: Vec<f32> = bytes
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        if let Some(i) = values.iter().position(|v| !v.is_finite()) {
            return Err(ParamsError::NotFinite(i));
        }
        Ok(Self(values))
    }

    /// BLAKE2b-256 of the bytes: the model's name in tasks, answers and on chain.
    pub fn hash(&self) -> H256 {
        blake2_256(&self.to_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_the_model_has_365_thousand_parameters() {
        assert_eq!(count(), 365_280);
        assert_eq!(Params::init(1).0.len(), count());
    }

    #[test]
    fn test_init_repeats_from_its_seed_with_unit_gains_and_zero_biases() {
        let a = Params::init(5);
        assert_eq!(a, Params::init(5));
        assert_ne!(a.hash(), Params::init(6).hash());
        // The first block's attention norm: gain 1, bias 0.
        let first = VOCAB * DIM + CONTEXT * DIM;
        assert!(a.0[first..first + DIM].iter().all(|&v| v == 1.0));
        assert!(a.0[first + DIM..first + 2 * DIM].iter().all(|&v| v == 0.0));
        // The final norm's gain.
        let last = a.0.len() - 2 * DIM;
        assert!(a.0[last..last + DIM].iter().all(|&v| v == 1.0));
        let embedding = &a.0[..VOCAB * DIM];
        let mean = embedding.iter().sum::<f32>() / embedding.len() as f32;
        let std = (embedding.iter().map(|v| (v - mean).powi(2)).sum::<f32>()
            / embedding.len() as f32)
            .sqrt();
        assert!(
            mean.abs() < 0.002 && (0.018..0.022).contains(&std),
            "{mean} {std}"
        );
    }

    #[test]
    fn test_bytes_round_trip_and_bad_bytes_are_refused() {
        let a = Params::init(2);
        assert_eq!(Params::from_bytes(&a.to_bytes()).unwrap(), a);
        assert!(matches!(
            Params::from_bytes(&[0; 12]),
            Err(ParamsError::Length { found: 12, .. })
        ));
        let mut bytes = a.to_bytes();
        bytes[40..44].copy_from_slice(&f32::NAN.to_le_bytes());
        assert_eq!(Params::from_bytes(&bytes), Err(ParamsError::NotFinite(10)));
    }
}
