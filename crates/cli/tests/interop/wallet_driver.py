"""Drives the real Python wallet packages for Plexus's interop tests.

Runs under either `bittensor-wallet` (4.x) or `bittensor` (11.x, keys from `bittensor_core`),
whichever the interpreter's virtualenv holds, and prints one JSON object as the last line of its output.

  create  PATH NAME HOTKEY PASSWORD   encrypted coldkey + plain hotkey; prints their keyfile data
  load    PATH NAME HOTKEY            coldkey (password from BT_PW_...), public files, hotkey
  hotkey  PATH NAME HOTKEY            the hotkey alone
  sign    PATH NAME HOTKEY MESSAGE    the hotkey's signature of MESSAGE (hex)
  verify  SS58 MESSAGE SIGHEX CRYPTO  whether the signature verifies
"""

import json
import sys

try:
    import bittensor
    import bittensor_core as keys

    PACKAGE = "bittensor " + bittensor.__version__
    Wallet = bittensor.Wallet
except ImportError:
    import bittensor_wallet as keys
    from bittensor_wallet import Wallet
    from bittensor_wallet.keyfile import serialized_keypair_to_keyfile_data

    PACKAGE = "bittensor-wallet"
    keys.serialized_keypair_to_keyfile_data = serialized_keypair_to_keyfile_data

serialize = keys.serialized_keypair_to_keyfile_data


def keyfile_data(keypair):
    return json.loads(bytes(serialize(keypair)))


def create(path, name, hotkey, password):
    wallet = Wallet(name=name, hotkey=hotkey, path=path)
    wallet.create_new_coldkey(
        n_words=12, use_password=True, coldkey_password=password, overwrite=False, suppress=True,
        save_coldkey_to_env=False,
    )
    wallet.create_new_hotkey(n_words=12, use_password=False, overwrite=False, suppress=True)
    wallet = Wallet(name=name, hotkey=hotkey, path=path)
    return {
        "coldkey": keyfile_data(wallet.get_coldkey(password=password)),
        "hotkey": keyfile_data(wallet.hotkey),
    }


def load(path, name, hotkey):
    wallet = Wallet(name=name, hotkey=hotkey, path=path)
    # No password argument: the package must take it from the BT_PW_... variable.
    return {
        "coldkey": keyfile_data(wallet.coldkey),
        "coldkeypub": wallet.coldkeypub.ss58_address,
        "hotkeypub": wallet.hotkeypub.ss58_address,
        "hotkey": keyfile_data(wallet.hotkey),
    }


def hotkey_only(path, name, hotkey):
    return {"hotkey": keyfile_data(Wallet(name=name, hotkey=hotkey, path=path).hotkey)}


def sign(path, name, hotkey, message):
    pair = Wallet(name=name, hotkey=hotkey, path=path).hotkey
    return {"signer": pair.ss58_address, "signature": bytes(pair.sign(message.encode())).hex()}


def verify(ss58, message, signature, crypto):
    public = keys.Keypair(ss58_address=ss58, crypto_type=int(crypto))
    return {"valid": bool(public.verify(message.encode(), bytes.fromhex(signature.removeprefix("0x"))))}


def main():
    command, args = sys.argv[1], sys.argv[2:]
    result = {"create": create, "load": load, "hotkey": hotkey_only, "sign": sign, "verify": verify}[command](*args)
    result["package"] = PACKAGE
    # The packages print progress ("Encrypting...") on stdout themselves: the result is the last line.
    sys.stdout.write("\n" + json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
