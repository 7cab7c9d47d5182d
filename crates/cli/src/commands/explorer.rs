//! `plexus explorer`, and the explorer served beside `plexus node run --explorer`.

use crate::cli::ExplorerArgs;
use crate::commands::Context;
use anyhow::{Context as _, Result};
use plexus_explorer::Explorer;
use plexus_rpc::Connector;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Starts the explorer, waiting up to `patience` for the node to answer.
async fn start(rpc: &str, listen: SocketAddr, patience: Duration) -> Result<Explorer> {
    let deadline = Instant::now() + patience;
    loop {
        match Explorer::start(rpc, listen).await {
            Ok(explorer) => return Ok(explorer),
            Err(plexus_explorer::ExplorerError::Rpc(e)) if Instant::now() < deadline => {
                tracing::debug!(error = %e, "waiting for the node");
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            Err(e) => return Err(e).with_context(|| format!("explorer for {rpc}")),
        }
    }
}

pub(crate) fn run(args: &ExplorerArgs, ctx: &Context) -> Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let explorer = start(&args.rpc, args.listen, Duration::from_secs(5)).await?;
        let url = format!("http://{}", explorer.local_addr());
        ctx.out.result(
            serde_json::json!({ "explorer": url, "rpc": args.rpc }),
            || format!("explorer at {url} (node {}); Ctrl-C stops it\n", args.rpc),
        )?;
        tokio::signal::ctrl_c().await?;
        Ok(ExitCode::SUCCESS)
    })
}

/// Serves the explorer from its own thread for as long as the process runs, reading the node
/// beside it in process.
pub(crate) fn serve_beside_node(node: Connector, listen: SocketAddr) {
    std::thread::spawn(move || {
        let runtime = match tokio::runtime::Runtime::new() {
            Ok(runtime) => runtime,
            Err(e) => return tracing::error!(error = %e, "explorer not started"),
        };
        runtime.block_on(async {
            match Explorer::start_in_process(node, listen).await {
                Ok(explorer) => {
                    tracing::info!(address = %explorer.local_addr(), "explorer listening");
                    std::future::pending::<()>().await;
                }
                Err(e) => tracing::error!(error = %e, "explorer not started"),
            }
        });
    });
}
