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

/// Epochs whose incentive is added up: one epoch's ranking can tie a weak miner with the
/// worthless ones by chance (a round that happened to miss it); a few do not.
const JUDGED: u64 = 3;

/// Where judging a subnet stands.
#[derive(Debug, Default)]
pub(crate) struct Judge {
    /// The epoch index when every validator's weights were first on chain.
    since: Option<u64>,
    /// The last epoch whose incentive was added.
    last: Option<u64>,
    /// Each miner's incentive added over the epochs judged so far.
    totals: Vec<u32>,
    judged: u64,
}

impl Judge {
    /// Each miner's (kind, incentive summed over `JUDGED` epochs), once the subnet has run
    /// `EPOCHS` epochs since every validator's weights were on chain.
    pub(crate) async fn judged(
        &mut self,
        client: &Client,
        subnet: &RunningSubnet,
    ) -> Option<Vec<(Kind, u32)>> {
        let options = MetagraphOptions {
            weights: true,
            bonds: false,
        };
        let metagraph = client
            .metagraph(subnet.netuid, options, None)
            .await
            .ok()??;
        let info = client.subnet(subnet.netuid, None).await.ok()??;
        let neuron = |hotkey| metagraph.neurons.iter().find(|n| n.hotkey == hotkey);
        let all_set = subnet.validators.iter().all(|v| {
            neuron(v.hotkey).is_some_and(|n| n.weights.as_ref().is_some_and(|w| !w.is_empty()))
        });
        let epoch = info.summary.epoch_index;
        match self.since {
            None if all_set => self.since = Some(epoch),
            Some(first) if epoch >= first + EPOCHS && self.last != Some(epoch) => {
                self.last = Some(epoch);
                let incentive: Vec<u32> = subnet
                    .miners
                    .iter()
                    .map(|m| neuron(m.hotkey).map_or(0, |n| u32::from(n.incentive)))
                    .collect();
                self.totals.resize(incentive.len(), 0);
                for (total, i) in self.totals.iter_mut().zip(incentive) {
                    *total += i;
                }
                self.judged += 1;
                if self.judged == JUDGED {
                    return Some(
                        subnet
                            .miners
                            .iter()
                            .map(|m| m.kind.unwrap())
                            .zip(self.totals.iter().copied())
                            .collect(),
                    );
                }
            }
            _ => {}
        }
        None
    }
}
