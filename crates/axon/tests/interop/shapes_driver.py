"""Synapse shapes where a Python peer and a Plexus one could disagree, driven by bittensor 10.5.0.

  shapes_driver.py dendrite PORT AXON_HOTKEY   run every case against the axon at 127.0.0.1:PORT;
                                               print one JSON line {case: [status, message, value]}
  shapes_driver.py axon PORT                   serve the same synapses from a Python Axon; print its
                                               hotkey as JSON once listening, then serve until killed

The tests run the dendrite cases against this Python axon (the control) and against a Plexus axon,
and expect the same results; and a Plexus dendrite against this axon.
"""

import asyncio
import enum
import json
import sys
import tempfile
import time
import typing

import bittensor as bt
import bittensor.utils.networking as networking
import pydantic
from bittensor.core.chain_data import AxonInfo
from bittensor_wallet import Keypair, Wallet

networking.get_external_ip = lambda: "127.0.0.1"
import bittensor.core.dendrite as dendrite_module  # noqa: E402

dendrite_module.get_external_ip = lambda: "127.0.0.1"


class Mode(str, enum.Enum):
    FAST = "fast"
    SLOW = "it's slow"


class Shapes(bt.Synapse):
    """Every field is hashed, and each has a shape whose str() differs from its JSON."""

    weights: typing.Dict[int, float]
    span: typing.Optional[typing.Tuple[int, int]] = None
    mode: typing.Optional[Mode] = None
    scale: float
    names: typing.List[str]
    total: typing.Optional[float] = None
    required_hash_fields: typing.ClassVar[typing.Tuple[str, ...]] = ("weights", "span", "mode", "scale", "names")


# The same route as the caller's class with a field the axon's class does not declare, and one
# without a field the axon's class requires.
ShapesWide = pydantic.create_model("Shapes", __base__=Shapes, big=(int, 2**60 + 1))
ShapesNarrow = pydantic.create_model(
    "Shapes",
    __base__=bt.Synapse,
    weights=(typing.Dict[int, float], ...),
    names=(typing.List[str], ...),
)


class Echo(bt.Synapse):
    """Its answer repeats `x`: Python's axon cannot write a NaN into an answer."""

    x: float
    y: typing.Optional[float] = None
    required_hash_fields: typing.ClassVar[typing.Tuple[str, ...]] = ("x",)


class Failing(bt.Synapse):
    """Its handler fails."""

    x: int


class Drip(bt.StreamingSynapse):
    """Streamed a chunk every 0.4 s, for longer than the caller waits."""

    chunks: int

    async def process_streaming_response(self, response):
        async for chunk in response.content.iter_any():
            yield chunk.decode()

    def extract_response_json(self, response) -> dict:
        return {"chunks": self.chunks}


def shapes(cls=Shapes):
    fields = dict(
        weights={3: 0.5, 1: 2},
        span=(1, 2),
        mode=Mode.SLOW,
        scale=3,
        names=["a\u00a0b", "z\u200dw", "it's", "\u2028", "plain"],
    )
    if cls is ShapesNarrow:
        fields = {"weights": fields["weights"], "names": fields["names"]}
    return cls(**fields)


async def call(dendrite, info, synapse, timeout=5.0):
    answer = await dendrite.forward(info, synapse, timeout=timeout, deserialize=False)
    answer = answer[0] if isinstance(answer, list) else answer
    message = answer.dendrite.status_message or ""
    # The error id is fresh each time; its form is what must match.
    if message.startswith("Internal Server Error #"):
        message = "Internal Server Error #<id>"
    return [answer.dendrite.status_code, message, getattr(answer, "total", None)]


async def drip(dendrite, info):
    chunks = []
    final = None
    async for item in await dendrite.forward(info, Drip(chunks=10), timeout=1.5, streaming=True):
        if isinstance(item, bt.Synapse):
            final = item
        else:
            chunks.append(item)
    return [final.dendrite.status_code, final.dendrite.status_message, len(chunks) > 0]


async def dendrite_cases(port: int, axon_hotkey: str):
    caller = bt.Dendrite(wallet=Keypair.create_from_uri("//Validator"))
    coldkey = Keypair.create_from_uri("//Anyone").ss58_address
    info = AxonInfo(version=0, ip="127.0.0.1", port=port, ip_type=4, hotkey=axon_hotkey, coldkey=coldkey)
    results = {
        "shapes": await call(caller, info, shapes()),
        "unknown_field": await call(caller, info, shapes(ShapesWide)),
        "missing_field": await call(caller, info, shapes(ShapesNarrow)),
        "handler_fails": await call(caller, info, Failing(x=1)),
        "after_failure": await call(caller, info, shapes()),
        "ping": await call(caller, info, bt.Synapse()),
        "finite": await call(caller, info, Echo(x=2.5)),
        "non_finite": await call(caller, info, Echo(x=float("nan"))),
        "stream_timeout": await drip(caller, info),
    }
    await caller.aclose_session()
    print(json.dumps(results), flush=True)


def serve_axon(port: int):
    home = tempfile.mkdtemp()
    wallet = Wallet(name="miner", hotkey="default", path=home)
    wallet.create_if_non_existent(coldkey_use_password=False, hotkey_use_password=False)
    axon = bt.Axon(wallet=wallet, port=port, ip="127.0.0.1", external_ip="127.0.0.1")

    def forward_shapes(synapse: Shapes) -> Shapes:
        synapse.total = sum(synapse.weights.values()) * synapse.scale
        return synapse

    def forward_echo(synapse: Echo) -> Echo:
        synapse.y = synapse.x
        return synapse

    def forward_failing(synapse: Failing) -> Failing:
        raise ValueError("the handler failed on purpose")

    def forward_drip(synapse: Drip) -> Drip:
        async def stream(send):
            for i in range(synapse.chunks):
                await asyncio.sleep(0.4)
                await send({"type": "http.response.body", "body": f"{i} ".encode(), "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})

        return synapse.create_streaming_response(stream)

    axon.attach(forward_fn=forward_shapes)
    axon.attach(forward_fn=forward_echo)
    axon.attach(forward_fn=forward_failing)
    axon.attach(forward_fn=forward_drip)
    axon.start()
    print(json.dumps({"hotkey": wallet.hotkey.ss58_address}), flush=True)
    while True:
        time.sleep(1)


if __name__ == "__main__":
    if sys.argv[1] == "dendrite":
        asyncio.run(dendrite_cases(int(sys.argv[2]), sys.argv[3]))
    else:
        serve_axon(int(sys.argv[2]))
