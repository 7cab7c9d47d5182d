"""Reads a Plexus node through its Substrate-compatible JSON-RPC with bittensor 10.5.0's own SDK.

  substrate_driver.py URL ADDRESS   connect (sync and async), read the current block and ADDRESS's
                                    balance; print one JSON line of what was read
"""

import asyncio
import json
import sys

import bittensor as bt


async def read_async(url, address):
    async with bt.AsyncSubtensor(url) as subtensor:
        return {
            "block": await subtensor.get_current_block(),
            "balance": (await subtensor.get_balance(address)).rao,
        }


def main(url, address):
    subtensor = bt.Subtensor(url)
    result = {
        "sync": {
            "block": subtensor.get_current_block(),
            "balance": subtensor.get_balance(address).rao,
            "empty_balance": subtensor.get_balance(bt.Keypair.create_from_uri("//Nobody").ss58_address).rao,
        },
        "async": asyncio.run(read_async(url, address)),
    }
    subtensor.close()
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
