"""Reads a Plexus node through its Substrate-compatible JSON-RPC with bittensor's own SDK, 10.5.0 or 11.3.0.

  substrate_driver.py URL ADDRESS   connect, read the current block and ADDRESS's balance (and an
                                    empty account's), with each client the installed version has;
                                    print one JSON line {client: {"block", "balance", "empty_balance"}}
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


def read_v10(url, address):
    subtensor = bt.Subtensor(url)
    read = {
        "block": subtensor.get_current_block(),
        "balance": subtensor.get_balance(address).rao,
        "empty_balance": subtensor.get_balance(NOBODY).rao,
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


def main(url, address):
    if bt.__version__.startswith("10."):
        result = {"v10": read_v10(url, address), "v10_async": asyncio.run(read_v10_async(url, address))}
    else:
        result = {"v11": read_v11(url, address)}
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
