//! Judging a running localnet's subnet: its miners' incentive once it has run some epochs with
//! weights, and the rank correlation with the quality each miner was built with.

use plexus_localnet::RunningSubnet;
use plexus_rpc::types::MetagraphOptions;
use plexus_rpc::Client;
use plexus_subnet_kit::Kind;

/// Epochs, after every validator has set weights once, before rewards are judged.
const EPOCHS: u64 = 4;

fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        // Ties share the mean of the ranks they span.
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for k in i..=j {
            ranks[order[k]] = rank;
        }
        i = j + 1;
    }
    ranks
}

pub(crate) fn spearman(a: &[f64], b: &[f64]) -> f64 {
    let (ra, rb) = (ranks(a), ranks(b));
    let n = ra.len() as f64;
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = ra.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = rb.iter().map(|y| (y - mb).powi(2)).sum();
    if va == 0.0 || vb == 0.0 {
        return 0.0;
    }
    cov / (va * vb).sqrt()
}

#[test]
fn test_spearman_of_known_orders() {
    assert!((spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]) - 1.0).abs() < 1e-12);
    assert!((spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
    assert_eq!(ranks(&[5.0, 1.0, 5.0]), vec![2.5, 1.0, 2.5]);
}

/// Each miner's (kind, incentive) once the subnet has run `EPOCHS` epochs with weights.
pub(crate) async fn judged(
    client: &Client,
    subnet: &RunningSubnet,
    since: &mut Option<u64>,
) -> Option<Vec<(Kind, u16)>> {
    let metagraph = client
        .metagraph(subnet.netuid, MetagraphOptions::default(), None)
        .await
        .ok()??;
    let info = client.subnet(subnet.netuid, None).await.ok()??;
    let neuron = |hotkey| metagraph.neurons.iter().find(|n| n.hotkey == hotkey);
    let all_set = subnet
        .validators
        .iter()
        .all(|v| neuron(v.hotkey).is_some_and(|n| n.last_update != 0));
    let epoch = info.summary.epoch_index;
    match since {
        None if all_set => *since = Some(epoch),
        Some(first) if epoch >= *first + EPOCHS => {
            return Some(
                subnet
                    .miners
                    .iter()
                    .map(|m| (m.kind.unwrap(), neuron(m.hotkey).map_or(0, |n| n.incentive)))
                    .collect(),
            );
        }
        _ => {}
    }
    None
}
