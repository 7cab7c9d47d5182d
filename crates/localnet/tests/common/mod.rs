//! What the localnet tests share: a quick localnet's arguments.

use plexus_localnet::Args;
use std::net::TcpListener;
use std::path::Path;

/// A one-node localnet in `state` running `subnets`, with short blocks and tempo, its RPC and
/// its Substrate-compatible RPC on free ports, no explorer and the plain view.
pub(crate) fn quick_args(
    state: &Path,
    subnets: Vec<String>,
    miners: usize,
    validators: usize,
) -> Args {
    let free = || {
        TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
    };
    let rpc = free();
    Args {
        validators: 1,
        subnets,
        miners,
        subnet_validators: validators,
        tempo: 10,
        block_time_ms: 300,
        state_dir: state.to_path_buf(),
        fresh: false,
        rpc,
        substrate_rpc: free(),
        no_substrate_rpc: false,
        explorer: rpc,
        no_explorer: true,
        plain: true,
        python: None,
    }
}
