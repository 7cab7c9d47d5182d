"""The wire protocol of the Python subnet: Bittensor's subnet-template `Dummy` synapse.

A validator sends an integer; a miner answers with twice it. The task is trivial on purpose:
the subnet shows a subnet written for Bittensor, with Bittensor's own SDK, running unchanged on
a Plexus chain, and miners of designed quality being paid accordingly.
"""

import typing

import bittensor as bt


class Dummy(bt.Synapse):
    """An integer in, twice the integer out."""

    dummy_input: int
    dummy_output: typing.Optional[int] = None

    def deserialize(self) -> typing.Optional[int]:
        return self.dummy_output
