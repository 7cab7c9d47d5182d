"""Drives bittensor 10.5.0's own Dendrite and Axon against Plexus's, for the interop tests.

  synapse_driver.py dendrite PORT AXON_HOTKEY   call the axon at 127.0.0.1:PORT; print one JSON
                                                line of {case: [status, message, output]}
  synapse_driver.py axon PORT                   serve an Axon on 127.0.0.1:PORT; print its hotkey
                                                as JSON once listening, then serve until killed
"""

import asyncio
import json
import sys
import tempfile
import time
import typing

import bittensor as bt
import bittensor.utils.networking as networking
from bittensor.core.chain_data import AxonInfo
from bittensor_wallet import Keypair, Wallet

# Everything stays on loopback: no lookup of this machine's public address.
networking.get_external_ip = lambda: "127.0.0.1"
import bittensor.core.dendrite as dendrite_module  # noqa: E402

dendrite_module.get_external_ip = lambda: "127.0.0.1"


class Double(bt.Synapse):
    """Mirrors the Rust tests' synapse: an int, a str and a list are hashed."""

    input: int
    label: str
    tags: typing.List[str]
    output: typing.Optional[int] = None
    required_hash_fields: typing.ClassVar[typing.Tuple[str, ...]] = ("input", "label", "tags")


class Total(bt.Synapse):
    """A dict is hashed: Python writes it in insertion order, which is not sorted here."""

    weights: typing.Dict[str, int]
    total: typing.Optional[int] = None
    required_hash_fields: typing.ClassVar[typing.Tuple[str, ...]] = ("weights",)


class Slow(bt.Synapse):
    millis: int


class Unserved(bt.Synapse):
    x: int


class Words(bt.StreamingSynapse):
    """Streamed back one word per chunk by the Plexus axon; the chunks are kept as received."""

    text: str
    chunks: typing.List[str] = []
    required_hash_fields: typing.ClassVar[typing.Tuple[str, ...]] = ("text",)

    async def process_streaming_response(self, response):
        async for chunk in response.content.iter_any():
            text = chunk.decode()
            self.chunks.append(text)
            yield text

    def extract_response_json(self, response) -> dict:
        return {"text": self.text, "chunks": self.chunks}


async def call_total(dendrite, info):
    answer = await dendrite.forward(info, Total(weights={"zeta": 1, "alpha": 2, "mid": 3}), timeout=5.0)
    answer = answer[0] if isinstance(answer, list) else answer
    return [answer.dendrite.status_code, answer.dendrite.status_message, answer.total]


async def stream(dendrite, info, text):
    """[status, streamed text, chunks seen] of a streamed call."""
    chunks = []
    final = None
    async for item in await dendrite.forward(info, Words(text=text), timeout=5.0, streaming=True):
        if isinstance(item, bt.Synapse):
            final = item
        else:
            chunks.append(item)
    return [final.dendrite.status_code, "".join(chunks), len(chunks)]


def double(i: int) -> Double:
    return Double(input=i, label="it's \"quoted\"", tags=["a", "b"])


async def call(dendrite, info, synapse, timeout=5.0):
    answer = await dendrite.forward(info, synapse, timeout=timeout, deserialize=False)
    answer = answer[0] if isinstance(answer, list) else answer
    output = getattr(answer, "output", None)
    return [answer.dendrite.status_code, answer.dendrite.status_message, output]


async def dendrite_cases(port: int, axon_hotkey: str):
    alice = bt.Dendrite(wallet=Keypair.create_from_uri("//Validator"))
    stranger = bt.Dendrite(wallet=Keypair.create_from_uri("//Stranger"))
    coldkey = Keypair.create_from_uri("//Anyone").ss58_address
    info = AxonInfo(version=0, ip="127.0.0.1", port=port, ip_type=4, hotkey=axon_hotkey, coldkey=coldkey)
    elsewhere = AxonInfo(
        version=0,
        ip="127.0.0.1",
        port=port,
        ip_type=4,
        hotkey=Keypair.create_from_uri("//OtherMiner").ss58_address,
        coldkey=coldkey,
    )
    results = {
        "ok": await call(alice, info, double(21)),
        "wrong_target": await call(alice, elsewhere, double(1)),
        "blacklisted": await call(stranger, info, double(1)),
        "unknown": await call(alice, info, Unserved(x=1)),
        "timeout": await call(alice, info, Slow(millis=3000), timeout=1.0),
        "streamed": await stream(alice, info, "a b c"),
        "dict": await call_total(alice, info),
    }
    await alice.aclose_session()
    await stranger.aclose_session()
    print(json.dumps(results), flush=True)


def serve_axon(port: int):
    home = tempfile.mkdtemp()
    wallet = Wallet(name="miner", hotkey="default", path=home)
    wallet.create_if_non_existent(coldkey_use_password=False, hotkey_use_password=False)
    axon = bt.Axon(wallet=wallet, port=port, ip="127.0.0.1", external_ip="127.0.0.1")
    stranger = Keypair.create_from_uri("//Stranger").ss58_address

    def forward(synapse: Double) -> Double:
        synapse.output = synapse.input * 2
        return synapse

    def blacklist(synapse: Double) -> typing.Tuple[bool, str]:
        if synapse.dendrite.hotkey == stranger:
            return True, "not registered on this subnet"
        return False, "allowed"

    axon.attach(forward_fn=forward, blacklist_fn=blacklist)
    axon.start()
    print(json.dumps({"hotkey": wallet.hotkey.ss58_address}), flush=True)
    while True:
        time.sleep(1)


if __name__ == "__main__":
    if sys.argv[1] == "dendrite":
        asyncio.run(dendrite_cases(int(sys.argv[2]), sys.argv[3]))
    else:
        serve_axon(int(sys.argv[2]))
