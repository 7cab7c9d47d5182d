//! SmolLM2-135M-Instruct on candle: the chat prompt every miner and validator builds the same
//! way, greedy generation, and forced decoding that checks a miner's tokens.
//!
//! The system turn is the same in every conversation, so it is run once at load time and its
//! key/value cache is reused: a request pays only for its own prompt. Cloning a primed model
//! shares the weights and copies only that cache.

use crate::{Answer, TOLERANCE};
use candle_core::quantized::gguf_file;
use candle_core::quantized::tokenizer::TokenizerFromGguf as _;
use candle_core::{Device, Tensor};
use candle_transformers::models::quantized_llama::ModelWeights;
use std::path::Path;
use tokenizers::Tokenizer;

/// SmolLM2's own system turn: without it the instruct model often ends its answer at once.
const SYSTEM_TURN: &str = "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, \
                           trained by Hugging Face<|im_end|>\n";

/// The token that ends an answer.
const END_OF_TURN: &str = "<|im_end|>";

/// Why the model could not be loaded or run.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The model file is missing, damaged or not the expected model.
    #[error("{path}: {detail}")]
    File {
        /// The file.
        path: String,
        /// What is wrong with it.
        detail: String,
    },
    /// The tokenizer refused the input.
    #[error("tokenizer: {0}")]
    Tokenize(String),
    /// A tensor operation failed.
    #[error("model: {0}")]
    Run(#[from] candle_core::Error),
}

/// The model, primed with the system turn, and its tokenizer.
pub struct Generator {
    primed: ModelWeights,
    primed_len: usize,
    tokenizer: Tokenizer,
    end: u32,
    vocab: usize,
    layers: usize,
}

impl Generator {
    /// Loads the model from its GGUF file.
    pub fn load(path: &Path) -> Result<Self, ModelError> {
        Self::load_layers(path, None)
    }

    /// Loads the model keeping only its first `layers` blocks (all of them if `None`): a
    /// smaller, faster and worse model made from the same file, as a cheating miner would run.
    pub fn load_layers(path: &Path, layers: Option<usize>) -> Result<Self, ModelError> {
        let file_error = |detail: String| ModelError::File {
            path: path.display().to_string(),
            detail,
        };
        let mut file = std::fs::File::open(path).map_err(|e| file_error(e.to_string()))?;
        let mut content =
            gguf_file::Content::read(&mut file).map_err(|e| file_error(e.to_string()))?;
        let tokenizer = Tokenizer::from_gguf(&content).map_err(|e| file_error(e.to_string()))?;
        let end = tokenizer
            .token_to_id(END_OF_TURN)
            .ok_or_else(|| file_error(format!("the tokenizer has no {END_OF_TURN}")))?;
        let vocab = tokenizer.get_vocab_size(true);
        let all = content
            .metadata
            .get("llama.block_count")
            .and_then(|v| v.to_u32().ok())
            .ok_or_else(|| file_error("not a llama model (no llama.block_count)".into()))?
            as usize;
        let layers = layers.unwrap_or(all).clamp(1, all);
        content.metadata.insert(
            "llama.block_count".into(),
            gguf_file::Value::U32(layers as u32),
        );
        let mut model = ModelWeights::from_gguf(content, &mut file, &Device::Cpu)
            .map_err(|e| file_error(e.to_string()))?;
        let system = encode(&tokenizer, SYSTEM_TURN)?;
        model.forward(&row(&system)?, 0)?;
        Ok(Self {
            primed: model,
            primed_len: system.len(),
            tokenizer,
            end,
            vocab,
            layers,
        })
    }

    /// The token that ends an answer.
    pub fn end(&self) -> u32 {
        self.end
    }

    /// The number of tokens the model knows.
    pub fn vocab(&self) -> usize {
        self.vocab
    }

    /// The blocks the model runs.
    pub fn layers(&self) -> usize {
        self.layers
    }

    /// The text of `tokens`, the end-of-turn token left out.
    pub fn text(&self, tokens: &[u32]) -> String {
        let kept: Vec<u32> = tokens.iter().copied().filter(|&t| t != self.end).collect();
        self.tokenizer.decode(&kept, true).unwrap_or_default()
    }

    /// Runs the user's turn: the model, ready to answer `prompt`.
    pub fn prompt(&self, prompt: &str) -> Result<Prompted, ModelError> {
        let turn = format!("<|im_start|>user\n{prompt}{END_OF_TURN}\n<|im_start|>assistant\n");
        let tokens = encode(&self.tokenizer, &turn)?;
        let mut model = self.primed.clone();
        let logits = last_logits(model.forward(&row(&tokens)?, self.primed_len)?)?;
        Ok(Prompted {
            model,
            position: self.primed_len + tokens.len(),
            logits,
            end: self.end,
        })
    }
}

/// The model after a prompt: what it would say next.
#[derive(Clone)]
pub struct Prompted {
    model: ModelWeights,
    position: usize,
    logits: Vec<f32>,
    end: u32,
}

impl Prompted {
    /// The greedy answer of at most `max_tokens` tokens, ending with the end-of-turn token if
    /// the model ended it.
    pub fn generate(&self, max_tokens: usize) -> Result<Answer, ModelError> {
        let mut model = self.model.clone();
        let mut logits = self.logits.clone();
        let mut tokens = Vec::with_capacity(max_tokens);
        for step in 0..max_tokens {
            let next = argmax(&logits);
            tokens.push(next);
            if next == self.end || step + 1 == max_tokens {
                break;
            }
            logits = last_logits(model.forward(&row(&[next])?, self.position + step)?)?;
        }
        Ok(Answer { tokens })
    }

    /// Feeds the first `upto` tokens of `answer` to the model one by one and counts how many
    /// lead it: each the model's most likely token after the ones before, within
    /// [`TOLERANCE`]. It stops at the first that is not, so garbage costs a validator a
    /// single step.
    pub fn check(&self, answer: &Answer, upto: usize) -> Result<usize, ModelError> {
        let mut model = self.model.clone();
        let mut logits = self.logits.clone();
        let upto = upto.min(answer.tokens.len());
        for (step, &token) in answer.tokens[..upto].iter().enumerate() {
            if !within_tolerance(&logits, token) {
                return Ok(step);
            }
            if step + 1 < upto {
                logits = last_logits(model.forward(&row(&[token])?, self.position + step)?)?;
            }
        }
        Ok(upto)
    }
}

fn encode(tokenizer: &Tokenizer, text: &str) -> Result<Vec<u32>, ModelError> {
    let encoding = tokenizer
        .encode(text, false)
        .map_err(|e| ModelError::Tokenize(e.to_string()))?;
    Ok(encoding.get_ids().to_vec())
}

fn row(tokens: &[u32]) -> Result<Tensor, ModelError> {
    Ok(Tensor::new(tokens, &Device::Cpu)?.unsqueeze(0)?)
}

fn last_logits(logits: Tensor) -> Result<Vec<f32>, ModelError> {
    Ok(logits.squeeze(0)?.to_vec1::<f32>()?)
}

/// The most likely token; the lowest id among equals, so every machine breaks ties alike.
fn argmax(logits: &[f32]) -> u32 {
    let mut best = 0;
    for (i, &l) in logits.iter().enumerate() {
        if l > logits[best] {
            best = i;
        }
    }
    best as u32
}

/// Whether `token`'s logit is within [`TOLERANCE`] of the largest: honest inference on
/// another CPU may round differently and pick a near-tie the other way.
fn within_tolerance(logits: &[f32], token: u32) -> bool {
    let Some(&own) = logits.get(token as usize) else {
        return false;
    };
    let best = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    own >= best - TOLERANCE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_argmax_breaks_ties_to_the_lowest_id_and_tolerance_admits_near_ties() {
        assert_eq!(argmax(&[1.0, 3.0, 3.0, 2.0]), 1);
        let logits = [1.0, 3.0, 3.0 - TOLERANCE / 2.0, 2.0];
        assert!(within_tolerance(&logits, 1));
        assert!(within_tolerance(&logits, 2));
        assert!(!within_tolerance(&logits, 3));
        assert!(!within_tolerance(&logits, 99));
    }

    #[test]
    fn test_a_missing_or_foreign_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("model.gguf");
        let err = Generator::load(&path).err().unwrap();
        assert!(err.to_string().contains("model.gguf"), "{err}");
        std::fs::write(&path, b"GGUF but not really").unwrap();
        let err = Generator::load(&path).err().unwrap();
        assert!(matches!(err, ModelError::File { .. }), "{err}");
    }
}
