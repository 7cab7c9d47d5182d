"""What the miner and the validator share: arguments, the wallet and the chain connection."""

import argparse
import os

import bittensor as bt
from bittensor_wallet import Keypair, Wallet


def parser(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--subtensor.chain_endpoint", dest="endpoint", required=True,
                   help="the chain's Substrate-compatible RPC, e.g. ws://127.0.0.1:9945")
    p.add_argument("--netuid", type=int, required=True)
    p.add_argument("--wallet.path", dest="wallet_path", required=True)
    p.add_argument("--wallet.name", dest="wallet_name", required=True)
    p.add_argument("--hotkey-uri", required=True,
                   help="the development key the hotkey is derived from, e.g. //Charlie//python//honest-0")
    p.add_argument("--coldkey-uri", required=True, help="the hotkey's owner, e.g. //Charlie")
    p.add_argument("--external-ip", default=None,
                   help="this machine's address as others reach it; by default the SDK asks a web "
                        "service, which an offline localnet cannot")
    return p


def use_external_ip(ip):
    """Answers the SDK's lookup of this machine's public address with `ip`."""
    if ip is None:
        return
    from bittensor.core import dendrite
    from bittensor.utils import networking

    networking.get_external_ip = lambda: ip
    dendrite.get_external_ip = lambda: ip


def wallet(args):
    """A wallet on disk for development keys, written the way Bittensor writes them."""
    w = Wallet(name=args.wallet_name, hotkey="default", path=args.wallet_path)
    os.makedirs(os.path.expanduser(args.wallet_path), exist_ok=True)
    w.set_coldkeypub(Keypair.create_from_uri(args.coldkey_uri), overwrite=True)
    w.set_hotkey(Keypair.create_from_uri(args.hotkey_uri), encrypt=False, overwrite=True)
    return w


def subtensor(args):
    return bt.Subtensor(args.endpoint)
