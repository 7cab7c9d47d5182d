"""Times a subnet's metagraph read by bittensor's SDK through Plexus's Substrate-compatible interface,
and the same Python process reading it from Plexus's own RPC (`state_metagraph`, one HTTP call).

  metagraph_bench.py SUBSTRATE_URL RPC_URL NETUID   prints one line per measurement
"""

import json
import statistics
import sys
import time
import urllib.request

import bittensor as bt

ROUNDS = 30


def timed(call):
    call()  # warm: the SDK loads the metadata, both open their connection
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.mean(times), statistics.median(times)


def own_rpc(url, netuid, full):
    body = json.dumps({
        "jsonrpc": "2.0", "id": 1, "method": "state_metagraph",
        "params": [netuid, {"weights": full, "bonds": full}, None],
    }).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        answer = json.loads(response.read())
    assert len(answer["result"]["neurons"]) > 0


def raw_calls(subtensor, netuid):
    """The runtime-API calls metagraph(lite) makes, answered but not decoded."""
    n = netuid.to_bytes(2, "little").hex()
    indexes = "2901" + "".join(i.to_bytes(2, "little").hex() for i in range(74))  # Vec<u16> of 0..=73
    for method, data in [
        ("NeuronInfoRuntimeApi_get_neurons_lite", n),
        ("SubnetInfoRuntimeApi_get_subnet_state", n),
        ("SubnetInfoRuntimeApi_get_selective_mechagraph", n + "00" + indexes),
    ]:
        subtensor.substrate.rpc_request("state_call", [method, data, None])


def main(substrate_url, rpc_url, netuid):
    subtensor = bt.Subtensor(substrate_url)
    n = int(subtensor.metagraph(netuid).n)
    for name, call in [
        ("bittensor 10.5.0 metagraph(lite) via Substrate RPC", lambda: subtensor.metagraph(netuid)),
        ("bittensor 10.5.0 metagraph(lite=False) via Substrate RPC", lambda: subtensor.metagraph(netuid, lite=False)),
        ("its three runtime-API calls, not decoded", lambda: raw_calls(subtensor, netuid)),
        ("python state_metagraph via Plexus RPC", lambda: own_rpc(rpc_url, netuid, False)),
        ("python state_metagraph weights+bonds via Plexus RPC", lambda: own_rpc(rpc_url, netuid, True)),
    ]:
        mean, median = timed(call)
        print(f"{name} (uids={n}, {ROUNDS} rounds): mean {mean:.1f} ms, median {median:.1f} ms", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
