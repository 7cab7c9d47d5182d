"""Acts on a Plexus dev node with bittensor 11's intents and raw calls, after
`extrinsics_driver.py` has made subnet NETUID: a transfer, a registration, an axon, stake
added (slippage-protected, so `add_stake_limit`) and removed, weights, and two failures.
Prints one JSON object: each step's outcome and what the SDK reads afterwards.

    python extrinsics_v11_driver.py ws://127.0.0.1:9945 NETUID
"""

import json
import sys

import bittensor as bt
from bittensor_core import Keypair

DAVE = Keypair.create_from_uri("//Dave").ss58_address


class DevWallet:
    """A wallet of development keys, in the shape bittensor 11 takes (`bt.KeyedWallet`)."""

    def __init__(self, uri):
        self.coldkey = Keypair.create_from_uri(uri)
        self.coldkeypub = self.coldkey
        self.hotkey = Keypair.create_from_uri(uri + "//hot")


def outcome(result):
    return {"success": bool(result.success), "message": str(result.message)}


def attempt(run):
    try:
        return outcome(run())
    except Exception as e:  # refused before the pool, or by the SDK
        return {"success": False, "message": f"{type(e).__name__}: {e}"}


def main():
    url, netuid = sys.argv[1], int(sys.argv[2])
    s = bt.Subtensor(url)
    C = bt.calls.SubtensorModule
    carol, alice, poor = DevWallet("//Carol"), DevWallet("//Alice"), DevWallet("//Poor")
    hot = carol.hotkey.ss58_address
    steps = {}
    steps["fund"] = attempt(
        lambda: s.execute(bt.Transfer(dest_ss58=carol.coldkey.ss58_address, amount_tao=100), alice)
    )
    dave_before = s.balances.get(DAVE).rao
    steps["transfer"] = attempt(lambda: s.execute(bt.Transfer(dest_ss58=DAVE, amount_tao=1), carol))
    steps["burned_register"] = attempt(
        lambda: s.submit_call(C.burned_register(netuid=netuid, hotkey=hot), carol)
    )
    steps["serve_axon"] = attempt(
        lambda: s.execute(bt.ServeAxon(netuid=netuid, ip="203.0.113.8", port=8092), carol)
    )
    steps["add_stake"] = attempt(
        lambda: s.execute(bt.AddStake(hotkey_ss58=hot, netuid=netuid, amount_tao=2), carol)
    )
    steps["remove_stake"] = attempt(
        lambda: s.execute(bt.RemoveStake(hotkey_ss58=hot, netuid=netuid, amount_alpha=0.5), carol)
    )
    while s.epochs.blocks_since_last_update(netuid, 0) <= s.hyperparameters.weights_rate_limit(netuid):
        s.wait_for_block()
    steps["set_weights"] = attempt(
        lambda: s.execute(bt.SetWeights(netuid=netuid, uids=[0, 1], weights=[0.5, 0.5]), alice)
    )
    steps["insufficient_balance"] = attempt(
        lambda: s.execute(
            bt.AddStake(hotkey_ss58=hot, netuid=netuid, amount_tao=5, slippage_protection=False), poor
        )
    )
    steps["not_registered"] = attempt(
        lambda: s.execute(bt.ServeAxon(netuid=netuid, ip="203.0.113.9", port=8093), poor)
    )
    read = {
        "dave_gain": s.balances.get(DAVE).rao - dave_before,
        "uid": s.neurons.uid(hot, netuid),
        "stake": s.staking.stake(carol.coldkeypub.ss58_address, hot, netuid).rao,
    }
    print(json.dumps({"steps": steps, "read": read}))


if __name__ == "__main__":
    main()
