//! The encoder: all-MiniLM-L6-v2 (a 6-layer BERT) on candle, mean pooling over the real
//! tokens and L2 normalisation, as sentence-transformers computes it.

use crate::ModelFiles;
use crate::DIM;
use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config, DTYPE};
use std::path::Path;
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

/// Tokens per sentence at most: the model's `max_seq_length` (sentence_bert_config.json), where
/// the shipped tokenizer.json would cut at 128.
const MAX_TOKENS: usize = 256;

/// Why the model could not be loaded or run.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// A model file is missing, damaged or of the wrong shape.
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

fn file_error(path: &Path) -> impl FnOnce(String) -> ModelError + '_ {
    move |detail| ModelError::File {
        path: path.display().to_string(),
        detail,
    }
}

/// Sentence embeddings of [`DIM`] dimensions, unit length.
pub struct Encoder {
    model: BertModel,
    tokenizer: Tokenizer,
}

impl Encoder {
    /// Loads the model from its files.
    pub fn load(files: &ModelFiles) -> Result<Self, ModelError> {
        let text =
            std::fs::read(&files.config).map_err(|e| file_error(&files.config)(e.to_string()))?;
        let config: Config =
            serde_json::from_slice(&text).map_err(|e| file_error(&files.config)(e.to_string()))?;
        if config.hidden_size != DIM {
            return Err(file_error(&files.config)(format!(
                "hidden size {}, this subnet's embeddings have {DIM}",
                config.hidden_size
            )));
        }
        // Read into memory rather than mapped: mapping needs `unsafe`, and the file is 91 MB.
        let weights =
            std::fs::read(&files.weights).map_err(|e| file_error(&files.weights)(e.to_string()))?;
        let vb = VarBuilder::from_buffered_safetensors(weights, DTYPE, &Device::Cpu)
            .map_err(|e| file_error(&files.weights)(e.to_string()))?;
        let model =
            BertModel::load(vb, &config).map_err(|e| file_error(&files.weights)(e.to_string()))?;
        let tokenizer = Tokenizer::from_file(&files.tokenizer)
            .map_err(|e| file_error(&files.tokenizer)(e.to_string()))?;
        Self::new(model, tokenizer)
    }

    /// An encoder from a model and a tokenizer already built (a test's tiny random BERT).
    /// Padding is set to the longest sentence of each batch, whatever the tokenizer had.
    pub fn new(model: BertModel, mut tokenizer: Tokenizer) -> Result<Self, ModelError> {
        // The shipped tokenizer pads every sentence to 128 tokens; padding to the batch's
        // longest gives the same embeddings (the padding is masked) for less work.
        tokenizer.with_padding(Some(PaddingParams {
            strategy: PaddingStrategy::BatchLongest,
            ..PaddingParams::default()
        }));
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: MAX_TOKENS,
                ..TruncationParams::default()
            }))
            .map_err(|e| ModelError::Tokenize(e.to_string()))?;
        Ok(Self { model, tokenizer })
    }

    /// The embedding of each sentence, in order.
    pub fn embed(&self, sentences: &[String]) -> Result<Vec<Vec<f32>>, ModelError> {
        if sentences.is_empty() {
            return Ok(Vec::new());
        }
        let encodings = self
            .tokenizer
            .encode_batch(sentences.to_vec(), true)
            .map_err(|e| ModelError::Tokenize(e.to_string()))?;
        let n = encodings.len();
        let len = encodings.first().map_or(0, |e| e.get_ids().len());
        let mut ids = Vec::with_capacity(n * len);
        let mut mask = Vec::with_capacity(n * len);
        for encoding in &encodings {
            if encoding.get_ids().len() != len {
                return Err(ModelError::Tokenize("uneven padding in a batch".into()));
            }
            ids.extend_from_slice(encoding.get_ids());
            mask.extend_from_slice(encoding.get_attention_mask());
        }
        let device = &self.model.device;
        let ids = Tensor::from_vec(ids, (n, len), device)?;
        let mask = Tensor::from_vec(mask, (n, len), device)?;
        let types = ids.zeros_like()?;
        let hidden = self.model.forward(&ids, &types, Some(&mask))?;
        // Mean over the real tokens only: padding positions must not pull the average.
        let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
        let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
        let counts = mask.sum(1)?.maximum(1.0)?;
        let mean = summed.broadcast_div(&counts)?;
        let norms = mean.sqr()?.sum_keepdim(1)?.sqrt()?.maximum(1e-12)?;
        Ok(mean.broadcast_div(&norms)?.to_vec2::<f32>()?)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::score::cosine;
    use candle_nn::VarMap;
    use candle_transformers::models::bert::{HiddenAct, PositionEmbeddingType};

    /// A BERT with random weights and a character-level WordPiece tokenizer: the encoder's
    /// logic without the download.
    pub(crate) fn tiny() -> Encoder {
        let config = Config {
            vocab_size: 128,
            hidden_size: DIM,
            num_hidden_layers: 1,
            num_attention_heads: 4,
            intermediate_size: 64,
            hidden_act: HiddenAct::Gelu,
            hidden_dropout_prob: 0.0,
            max_position_embeddings: 512,
            type_vocab_size: 2,
            initializer_range: 0.02,
            layer_norm_eps: 1e-12,
            pad_token_id: 0,
            position_embedding_type: PositionEmbeddingType::Absolute,
            use_cache: false,
            classifier_dropout: None,
            model_type: None,
        };
        let varmap = VarMap::new();
        let vb = VarBuilder::from_varmap(&varmap, DTYPE, &Device::Cpu);
        let model = BertModel::load(vb, &config).unwrap();
        let mut vocab = serde_json::Map::new();
        let specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"];
        let chars = "abcdefghijklmnopqrstuvwxyz0123456789";
        let tokens = specials
            .iter()
            .map(|s| s.to_string())
            .chain(chars.chars().map(String::from))
            .chain(chars.chars().map(|c| format!("##{c}")))
            .chain(".,;:!?'()-".chars().map(String::from));
        for (id, token) in tokens.enumerate() {
            vocab.insert(token, id.into());
        }
        let json = serde_json::json!({
            "version": "1.0",
            "truncation": null,
            "padding": null,
            "added_tokens": [],
            "normalizer": {"type": "BertNormalizer", "clean_text": true,
                "handle_chinese_chars": true, "strip_accents": null, "lowercase": true},
            "pre_tokenizer": {"type": "BertPreTokenizer"},
            "post_processor": {"type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]},
            "decoder": null,
            "model": {"type": "WordPiece", "unk_token": "[UNK]",
                "continuing_subword_prefix": "##", "max_input_chars_per_word": 100,
                "vocab": vocab},
        });
        let tokenizer: Tokenizer = json.to_string().parse().unwrap();
        Encoder::new(model, tokenizer).unwrap()
    }

    fn sentences(texts: &[&str]) -> Vec<String> {
        texts.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn test_embeddings_are_unit_vectors_of_dim() {
        let encoder = tiny();
        let out = encoder
            .embed(&sentences(&[
                "a short one.",
                "a much longer sentence than that.",
            ]))
            .unwrap();
        assert_eq!(out.len(), 2);
        for v in &out {
            assert_eq!(v.len(), DIM);
            let norm: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            assert!((norm - 1.0).abs() < 1e-4, "{norm}");
        }
        assert!(encoder.embed(&[]).unwrap().is_empty());
    }

    #[test]
    fn test_padding_in_a_batch_does_not_change_an_embedding() {
        let encoder = tiny();
        let alone = encoder.embed(&sentences(&["hi."])).unwrap();
        let batched = encoder
            .embed(&sentences(&[
                "hi.",
                "a sentence many tokens longer than the first one.",
            ]))
            .unwrap();
        let cos = cosine(&alone[0], &batched[0]);
        assert!(cos > 0.99999, "{cos}");
    }

    #[test]
    fn test_damaged_model_files_are_clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        let files = ModelFiles {
            weights: dir.path().join("model.safetensors"),
            tokenizer: dir.path().join("tokenizer.json"),
            config: dir.path().join("config.json"),
        };
        let err = Encoder::load(&files).err().unwrap();
        assert!(err.to_string().contains("config.json"), "{err}");

        std::fs::write(&files.config, br#"{"hidden_size": 384"#).unwrap();
        let err = Encoder::load(&files).err().unwrap();
        assert!(err.to_string().contains("config.json"), "{err}");

        let config = serde_json::json!({
            "vocab_size": 128, "hidden_size": DIM, "num_hidden_layers": 1,
            "num_attention_heads": 4, "intermediate_size": 64, "hidden_act": "gelu",
            "hidden_dropout_prob": 0.0, "max_position_embeddings": 64, "type_vocab_size": 2,
            "initializer_range": 0.02, "layer_norm_eps": 1e-12, "pad_token_id": 0,
        });
        std::fs::write(&files.config, config.to_string()).unwrap();
        std::fs::write(&files.weights, b"\x08\x00\x00\x00\x00\x00\x00\x00{}garbage").unwrap();
        let err = Encoder::load(&files).err().unwrap();
        assert!(
            matches!(&err, ModelError::File { path, .. } if path.ends_with("model.safetensors")),
            "{err}"
        );
        let mut wrong_dim = config.clone();
        wrong_dim["hidden_size"] = 768.into();
        std::fs::write(&files.config, wrong_dim.to_string()).unwrap();
        let err = Encoder::load(&files).err().unwrap();
        assert!(err.to_string().contains("hidden size 768"), "{err}");
    }
}
