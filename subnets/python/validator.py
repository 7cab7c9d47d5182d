"""A validator of the Python subnet, in the shape of Bittensor's subnet template: each round it
reads the metagraph, asks every serving miner to double a random integer through its Dendrite,
scores the answers (1 right, 0 otherwise) into a moving average, and sets the averages as
weights whenever the subnet's rate limit allows.
"""

import asyncio
import random
import time

import bittensor as bt

from neuron import parser, subtensor, use_external_ip, wallet
from protocol import Dummy


def main():
    p = parser(__doc__)
    p.add_argument("--alpha", type=float, default=0.2, help="the moving average's weight of a round")
    p.add_argument("--round-seconds", type=float, default=1.0)
    args = p.parse_args()
    use_external_ip(args.external_ip)
    w = wallet(args)
    chain = subtensor(args)
    dendrite = bt.Dendrite(wallet=w)
    me = w.hotkey.ss58_address
    scores = {}
    loop = asyncio.new_event_loop()
    while True:
        metagraph = chain.metagraph(args.netuid)
        if me not in metagraph.hotkeys:
            raise SystemExit(f"{me} is not registered on subnet {args.netuid}")
        my_uid = metagraph.hotkeys.index(me)
        uids = [uid for uid, axon in enumerate(metagraph.axons) if axon.is_serving and uid != my_uid]
        question = random.randint(0, 10**6)
        answers = loop.run_until_complete(
            dendrite.forward([metagraph.axons[uid] for uid in uids], Dummy(dummy_input=question),
                             deserialize=True, timeout=5)
        )
        for uid, answer in zip(uids, answers):
            reward = 1.0 if answer == question * 2 else 0.0
            scores[uid] = (1 - args.alpha) * scores.get(uid, 0.0) + args.alpha * reward
        since = chain.blocks_since_last_update(args.netuid, my_uid)
        if sum(scores.values()) > 0 and (since is None or since > chain.weights_rate_limit(args.netuid)):
            ranked = sorted(scores)
            result = chain.set_weights(w, args.netuid, uids=ranked,
                                       weights=[scores[uid] for uid in ranked],
                                       wait_for_inclusion=True, wait_for_finalization=False)
            bt.logging.info(f"weights {dict(zip(ranked, (round(scores[u], 3) for u in ranked)))}: "
                            f"{result.success} {result.message}")
        time.sleep(args.round_seconds)


if __name__ == "__main__":
    main()
