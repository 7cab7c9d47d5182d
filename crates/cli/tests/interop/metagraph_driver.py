"""Reads a subnet of a Plexus node through its Substrate-compatible JSON-RPC with bittensor's own SDK.

  metagraph_driver.py URL NETUID COLDKEY   with 10.5.0: the metagraph (lite, full, and by Metagraph.sync),
                                           neurons_lite, hyperparameters, subnets and dynamic info, COLDKEY's
                                           stakes and the delegates, all at one block, and some of it again
                                           with AsyncSubtensor; with 11.3.0 the same through its namespaces.
                                           Prints one JSON line.
"""

import asyncio
import json
import sys

import bittensor as bt


def floats(values):
    return [float(v) for v in values]


def events_of(s, number):
    """System.Events of block NUMBER as bittensor decodes them: [phase, pallet, event, fee or amount]."""
    records = s.substrate.query("System", "Events", block_hash=s.get_block_hash(number))
    out = []
    for record in getattr(records, "value", records):
        # The event records Substrate clients decode: the phase, the extrinsic's index, the
        # pallet, the event's name and its fields.
        phase = record["extrinsic_idx"] if record["phase"] == "ApplyExtrinsic" else -1
        pallet, name, fields = record["module_id"], record["event_id"], record["attributes"]
        amount = None
        if name == "TransactionFeePaid":
            amount = fields["actual_fee"]
        elif name == "Transfer":
            amount = fields["amount"]
        elif name in ("StakeAdded", "StakeRemoved"):
            amount = fields[3]
        out.append([phase, pallet, name, amount])
    return out


def read_v10(url, netuid, coldkey):
    s = bt.Subtensor(url)
    block = s.get_current_block()
    lite = s.metagraph(netuid, block=block)
    full = s.metagraph(netuid, lite=False, block=block)
    synced = bt.Metagraph(netuid=netuid, network=url, lite=True, sync=False)
    synced.sync(block=block, subtensor=s)
    hp = s.get_subnet_hyperparameters(netuid, block=block)
    dynamic = s.subnet(netuid, block=block)
    read = {
        "block": block,
        "metagraph": {
            "n": int(lite.n),
            "uids": [int(u) for u in lite.uids],
            "hotkeys": list(lite.hotkeys),
            "coldkeys": list(lite.coldkeys),
            "alpha_stake": floats(lite.alpha_stake),
            "total_stake": floats(lite.total_stake),
            "incentive": floats(lite.incentive),
            "dividends": floats(lite.dividends),
            "consensus": floats(lite.consensus),
            "validator_trust": floats(lite.validator_trust),
            "emission": floats(lite.emission),
            "last_update": [int(x) for x in lite.last_update],
            "active": [int(x) for x in lite.active],
            "validator_permit": [bool(x) for x in lite.validator_permit],
            "axons": [[a.ip, a.port] for a in lite.axons],
        },
        "full": {"weights": [floats(row) for row in full.weights], "bonds": [floats(row) for row in full.bonds]},
        "synced": {"n": int(synced.n), "hotkeys": list(synced.hotkeys)},
        "neurons": [
            {"uid": n.uid, "hotkey": n.hotkey, "stake": n.stake.rao, "weights": [list(w) for w in n.weights],
             "bonds": [list(b) for b in n.bonds]}
            for n in s.neurons(netuid, block=block)
        ],
        "neurons_lite": [{"uid": n.uid, "hotkey": n.hotkey, "stake": n.stake.rao} for n in s.neurons_lite(netuid, block=block)],
        "hyperparameters": {
            "tempo": hp.tempo, "kappa": hp.kappa, "immunity_period": hp.immunity_period,
            "min_allowed_weights": hp.min_allowed_weights, "max_weight_limit": hp.max_weight_limit,
            "weights_rate_limit": hp.weights_rate_limit, "weights_version": hp.weights_version,
            "commit_reveal_weights_enabled": hp.commit_reveal_weights_enabled,
            "max_validators": hp.max_validators, "min_burn": hp.min_burn, "max_burn": hp.max_burn,
        },
        "subnet": {
            "netuid": dynamic.netuid, "tempo": dynamic.tempo, "owner_coldkey": dynamic.owner_coldkey,
            "owner_hotkey": dynamic.owner_hotkey, "tao_in": dynamic.tao_in.rao, "alpha_in": dynamic.alpha_in.rao,
            "emission": dynamic.emission.rao, "price": dynamic.price.rao,
        },
        "subnets": {
            "info": sorted(i.netuid for i in s.get_all_subnets_info(block=block)),
            "all": {str(d.netuid): d.price.rao for d in s.all_subnets(block=block)},
        },
        "stakes": [[x.hotkey_ss58, x.netuid, x.stake.rao] for x in s.get_stake_info_for_coldkey(coldkey, block=block)],
        "delegates": sorted([d.hotkey_ss58, d.owner_ss58, d.registrations] for d in s.get_delegates(block=block)),
        "events": [events_of(s, n) for n in range(1, block + 1)],
        "tempo": s.tempo(netuid, block=block),
        "weights_rate_limit": s.weights_rate_limit(netuid, block=block),
    }
    s.close()
    return read


async def read_v10_async(url, netuid, block):
    async with bt.AsyncSubtensor(url) as s:
        metagraph = await s.metagraph(netuid, block=block)
        neurons = await s.neurons_lite(netuid, block=block)
        hp = await s.get_subnet_hyperparameters(netuid, block=block)
        return {
            "hotkeys": list(metagraph.hotkeys),
            "incentive": floats(metagraph.incentive),
            "dividends": floats(metagraph.dividends),
            "stakes": [n.stake.rao for n in neurons],
            "tempo": hp.tempo,
        }


def read_v11(url, netuid, coldkey):
    s = bt.Subtensor(url)
    metagraph = s.subnets.metagraph(netuid)
    block = metagraph.block
    return {
        "block": block,
        "metagraph": {"hotkeys": list(metagraph.hotkeys)},
        "neurons": [{"uid": n.uid, "hotkey": n.hotkey, "stake": n.total_stake.rao} for n in s.neurons.all(netuid)],
        "subnets": sorted(x.netuid for x in s.subnets.all()),
        "tempo": s.subnets.info(netuid).tempo,
        "hyperparameters": {k: v for k, v in s.subnets.subnet_hyperparameters(netuid).items() if k in ("tempo", "kappa")},
        "positions": [[p.hotkey, p.netuid] for p in s.staking.positions(coldkey)],
        "delegates": sorted(d.hotkey for d in s.delegation.delegates()),
        "weights_rate_limit": s.hyperparameters.weights_rate_limit(netuid),
        "since_update": [s.block, s.epochs.blocks_since_last_update(netuid, 0)],
    }


def main(url, netuid, coldkey):
    if bt.__version__.startswith("10."):
        v10 = read_v10(url, netuid, coldkey)
        result = {"v10": v10, "v10_async": asyncio.run(read_v10_async(url, netuid, v10["block"]))}
    else:
        result = {"v11": read_v11(url, netuid, coldkey)}
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
