//! The byte-level transformer on candle: its forward pass, the loss a validator measures, and
//! the local steps a miner takes (AdamW through candle's autograd).
//!
//! Pre-norm blocks (layer norm, causal self-attention, layer norm, GELU feed-forward), learned
//! positions, and the byte embedding reused as the output layer; see [`layout`] for the
//! parameters.

use crate::params::{layout, Params, CONTEXT, DIM, HEADS, LAYERS, VOCAB};
use candle_core::{DType, Device, Tensor, Var, D};
use candle_nn::{AdamW, Optimizer, ParamsAdamW};

/// Why the model could not run.
#[derive(Debug, thiserror::Error)]
#[error("model: {0}")]
pub struct ModelError(#[from] candle_core::Error);

/// The parameters as tensors, in [`layout`] order.
fn tensors(params: &Params) -> Result<Vec<Tensor>, ModelError> {
    let mut at = 0;
    layout()
        .into_iter()
        .map(|shape| {
            let n: usize = shape.iter().product();
            let slice = &params.0[at..at + n];
            at += n;
            Ok(Tensor::from_slice(slice, shape.as_slice(), &Device::Cpu)?)
        })
        .collect()
}

fn layer_norm(x: &Tensor, gain: &Tensor, bias: &Tensor) -> candle_core::Result<Tensor> {
    let mean = x.mean_keepdim(D::Minus1)?;
    let centred = x.broadcast_sub(&mean)?;
    let variance = centred.sqr()?.mean_keepdim(D::Minus1)?;
    centred
        .broadcast_div(&(variance + 1e-5)?.sqrt()?)?
        .broadcast_mul(gain)?
        .broadcast_add(bias)
}

/// Logits for every position of `inputs` ([batch, CONTEXT] byte values).
fn forward(p: &[Tensor], inputs: &Tensor, mask: &Tensor) -> candle_core::Result<Tensor> {
    let (batch, len) = inputs.dims2()?;
    let head = DIM / HEADS;
    let (embedding, positions) = (&p[0], &p[1]);
    let mut x = embedding
        .index_select(&inputs.flatten_all()?, 0)?
        .reshape((batch, len, DIM))?
        .broadcast_add(&positions.narrow(0, 0, len)?)?;
    for block in 0..LAYERS {
        let w = &p[2 + 12 * block..2 + 12 * (block + 1)];
        let h = layer_norm(&x, &w[0], &w[1])?;
        let split = |t: Tensor| -> candle_core::Result<Tensor> {
            t.reshape((batch, len, HEADS, head))?
                .transpose(1, 2)?
                .contiguous()
        };
        let q = split(h.broadcast_matmul(&w[2])?)?;
        let k = split(h.broadcast_matmul(&w[3])?)?;
        let v = split(h.broadcast_matmul(&w[4])?)?;
        let scores = (q.matmul(&k.t()?)? / (head as f64).sqrt())?.broadcast_add(mask)?;
        let attention = candle_nn::ops::softmax(&scores, D::Minus1)?;
        let mixed = attention
            .matmul(&v)?
            .transpose(1, 2)?
            .reshape((batch, len, DIM))?;
        x = (x + mixed.broadcast_matmul(&w[5])?)?;
        let h = layer_norm(&x, &w[6], &w[7])?;
        let inner = h.broadcast_matmul(&w[8])?.broadcast_add(&w[9])?.gelu()?;
        x = (x + inner.broadcast_matmul(&w[10])?.broadcast_add(&w[11])?)?;
    }
    let last = p.len();
    let x = layer_norm(&x, &p[last - 2], &p[last - 1])?;
    x.broadcast_matmul(&embedding.t()?)
}

/// A position may look at itself and before: a large negative number above the diagonal
/// (not infinity, which would make a masked row's softmax gradient NaN).
fn causal_mask(len: usize) -> candle_core::Result<Tensor> {
    let values: Vec<f32> = (0..len * len)
        .map(|i| if i % len > i / len { -1e9 } else { 0.0 })
        .collect();
    Tensor::from_vec(values, (len, len), &Device::Cpu)
}

/// The mean cross-entropy (nats per byte) of predicting each byte of `windows` from the ones
/// before it; each window is [`CONTEXT`] + 1 bytes.
fn loss(p: &[Tensor], windows: &[Vec<u8>]) -> candle_core::Result<Tensor> {
    let batch = windows.len();
    let inputs: Vec<u32> = windows
        .iter()
        .flat_map(|w| w[..CONTEXT].iter().map(|&b| u32::from(b)))
        .collect();
    let targets: Vec<u32> = windows
        .iter()
        .flat_map(|w| w[1..=CONTEXT].iter().map(|&b| u32::from(b)))
        .collect();
    let inputs = Tensor::from_vec(inputs, (batch, CONTEXT), &Device::Cpu)?;
    let targets = Tensor::from_vec(targets, batch * CONTEXT, &Device::Cpu)?;
    let logits = forward(p, &inputs, &causal_mask(CONTEXT)?)?.reshape((batch * CONTEXT, VOCAB))?;
    candle_nn::loss::cross_entropy(&logits, &targets)
}

fn well_sized(windows: &[Vec<u8>]) -> bool {
    !windows.is_empty() && windows.iter().all(|w| w.len() == CONTEXT + 1)
}

/// The model's loss on `windows`, in nats per byte (ln 256 ≈ 5.55 is knowing nothing).
pub fn evaluate(params: &Params, windows: &[Vec<u8>]) -> Result<f32, ModelError> {
    if !well_sized(windows) {
        return Err(
            candle_core::Error::Msg(format!("windows must be {} bytes", CONTEXT + 1)).into(),
        );
    }
    Ok(loss(&tensors(params)?, windows)?.to_scalar::<f32>()?)
}

/// How a miner trains in a round.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    /// AdamW steps.
    pub steps: usize,
    /// Windows per step.
    pub batch: usize,
    /// AdamW's learning rate.
    pub learning_rate: f64,
}

/// `params` after `schedule.steps` AdamW steps, each on the windows `batches` gives for it.
pub fn train(
    params: &Params,
    schedule: Schedule,
    mut batches: impl FnMut(usize) -> Vec<Vec<u8>>,
) -> Result<Params, ModelError> {
    let vars: Vec<Var> = tensors(params)?
        .iter()
        .map(Var::from_tensor)
        .collect::<candle_core::Result<_>>()?;
    let mut optimizer = AdamW::new(
        vars.clone(),
        ParamsAdamW {
            lr: schedule.learning_rate,
            weight_decay: 0.0,
            ..ParamsAdamW::default()
        },
    )?;
    for step in 0..schedule.steps {
        let windows = batches(step);
        if !well_sized(&windows) {
            return Err(candle_core::Error::Msg("a batch of malformed windows".into()).into());
        }
        let p: Vec<Tensor> = vars.iter().map(|v| v.as_tensor().clone()).collect();
        optimizer.backward_step(&loss(&p, &windows)?)?;
    }
    let mut values = Vec::with_capacity(params.0.len());
    for var in &vars {
        values.extend(
            var.as_tensor()
                .flatten_all()?
                .to_dtype(DType::F32)?
                .to_vec1::<f32>()?,
        );
    }
    Ok(Params(values))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{held_out_shards, training_shards, windows};
    use plexus_subnet_kit::SplitMix64;

    #[test]
    fn test_a_fresh_model_knows_nothing_and_training_teaches_it() {
        let params = Params::init(1);
        let mut rng = SplitMix64::new(2);
        let held = windows(&held_out_shards(), 16, CONTEXT + 1, &mut rng);
        let before = evaluate(&params, &held).unwrap();
        // Near ln 256: a uniform guess.
        assert!((before - 5.545).abs() < 0.05, "{before}");
        let train_shards = training_shards();
        let schedule = Schedule {
            steps: 12,
            batch: 16,
            learning_rate: 3e-3,
        };
        let trained = train(&params, schedule, |_| {
            windows(&train_shards, schedule.batch, CONTEXT + 1, &mut rng)
        })
        .unwrap();
        let after = evaluate(&trained, &held).unwrap();
        assert!(after < before - 1.0, "{before} -> {after}");
    }

    #[test]
    fn test_malformed_windows_are_errors() {
        let params = Params::init(1);
        assert!(evaluate(&params, &[]).is_err());
        assert!(evaluate(&params, &[vec![0; 10]]).is_err());
    }
}
