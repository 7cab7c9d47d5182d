//! Why a localnet could not start.

/// Why a localnet could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum LocalnetError {
    /// The state directory cannot be used.
    #[error("state directory: {0}")]
    StateDir(String),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What failed.
        source: std::io::Error,
    },
    /// The flags cannot make a network.
    #[error("{0}")]
    Args(String),
    /// A node could not start.
    #[error("node {index}: {reason}")]
    Node {
        /// Which node.
        index: usize,
        /// Why.
        reason: String,
    },
    /// A setup transaction failed.
    #[error("setup: {0}")]
    Setup(String),
    /// The node's RPC failed.
    #[error("node RPC: {0}")]
    Rpc(#[from] plexus_rpc::ClientError),
    /// A call could not be made.
    #[error(transparent)]
    Chain(#[from] plexus_sdk::SubmitError),
    /// A metagraph could not be read.
    #[error(transparent)]
    Metagraph(#[from] plexus_sdk::MetagraphError),
    /// A miner or validator could not start.
    #[error("subnet {subnet}: {source}")]
    Subnet {
        /// The subnet.
        subnet: String,
        /// Why.
        source: plexus_subnet_kit::SubnetError,
    },
    /// A process of the python subnet could not start.
    #[error("subnet python: {0}")]
    Python(String),
}

impl LocalnetError {
    pub(crate) fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> Self + '_ {
        move |source| Self::Io {
            path: path.display().to_string(),
            source,
        }
    }
}
