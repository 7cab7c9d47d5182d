"""Reads a Plexus node through its Substrate-compatible JSON-RPC with bittensor's own SDK, 10.5.0 or 11.3.0.

  substrate_driver.py URL ADDRESS HOTKEY   connect, read the current block and ADDRESS's balance
                                           (and an empty account's) with each client the installed
                                           version has, and with 10.5.0 subnet 1's state and HOTKEY's
                                           registration; print one JSON line {client: {...}}
"""

import asyncio
import json
import sys

import bittensor as bt

try:
    from bittensor_wallet import Keypair  # bittensor 10
except ImportError:
    from bittensor_core import Keypair  # bittensor 11

NOBODY = Keypair.create_from_uri("//Nobody").ss58_address


async def read_v10_async(url, address):
    async with bt.AsyncSubtensor(url) as subtensor:
        return {
            "block": await subtensor.get_current_block(),
            "balance": (await subtensor.get_balance(address)).rao,
            "empty_balance": (await subtensor.get_balance(NOBODY)).rao,
        }


def read_v10(url, address, hotkey):
    subtensor = bt.Subtensor(url)
    read = {
        "block": subtensor.get_current_block(),
        "balance": subtensor.get_balance(address).rao,
        "empty_balance": subtensor.get_balance(NOBODY).rao,
        "subnet": {
            "exists": subtensor.subnet_exists(1),
            "missing_exists": subtensor.subnet_exists(2),
            "owner_registered": subtensor.is_hotkey_registered(hotkey, 1),
            "owner_registered_anywhere": subtensor.is_hotkey_registered(hotkey),
            "owner_netuids": subtensor.get_netuids_for_hotkey(hotkey),
            "owner_uid": subtensor.get_uid_for_hotkey_on_subnet(hotkey, 1),
            "stranger_registered": subtensor.is_hotkey_registered(NOBODY, 1),
            "tempo": subtensor.tempo(1),
            "weights_rate_limit": subtensor.weights_rate_limit(1),
            "blocks_since_last_update": subtensor.blocks_since_last_update(1, 0),
        },
    }
    subtensor.close()
    return read


def read_v11(url, address):
    subtensor = bt.Subtensor(url)
    return {
        "block": subtensor.block,
        "balance": subtensor.balances.get(address).rao,
        "empty_balance": subtensor.balances.get(NOBODY).rao,
    }


def main(url, address, hotkey):
    if bt.__version__.startswith("10."):
        result = {"v10": read_v10(url, address, hotkey), "v10_async": asyncio.run(read_v10_async(url, address))}
    else:
        result = {"v11": read_v11(url, address)}
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
