"""A miner of the Python subnet, in the shape of Bittensor's subnet template: an Axon serving
`Dummy`, published on chain with `serve_axon`. Its `--kind` sets how well it works:

    honest    always right
    mediocre  right half the time
    lazy      answers nothing
    random    answers noise
    copier    answers the previous question's answer
"""

import random
import time

import bittensor as bt

from neuron import parser, subtensor, wallet
from protocol import Dummy


def main():
    p = parser(__doc__)
    p.add_argument("--kind", choices=["honest", "mediocre", "lazy", "random", "copier"],
                   required=True)
    p.add_argument("--axon.port", dest="port", type=int, required=True)
    p.add_argument("--axon.external_ip", dest="external_ip", required=True)
    args = p.parse_args()
    last = {"answer": None}

    def forward(synapse: Dummy) -> Dummy:
        right = synapse.dummy_input * 2
        if args.kind == "honest":
            synapse.dummy_output = right
        elif args.kind == "mediocre":
            synapse.dummy_output = right if random.random() < 0.5 else right + 1
        elif args.kind == "random":
            synapse.dummy_output = random.randint(0, 10**6)
        elif args.kind == "copier":
            synapse.dummy_output = last["answer"]
        last["answer"] = right
        return synapse

    w = wallet(args)
    chain = subtensor(args)
    axon = bt.Axon(wallet=w, port=args.port, external_ip=args.external_ip)
    axon.attach(forward_fn=forward)
    served = chain.serve_axon(args.netuid, axon)
    if not served.success:
        raise SystemExit(f"serve_axon failed: {served.message}")
    axon.start()
    bt.logging.info(f"{args.kind} miner serving on port {args.port}, netuid {args.netuid}")
    while True:
        time.sleep(60)


if __name__ == "__main__":
    main()
