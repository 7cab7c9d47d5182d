"""Acts on a Plexus dev node with bittensor 11's intents and raw calls, after
`extrinsics_driver.py` has made subnets NETUID and NETUID_2: a transfer, a registration, an
axon, stake added (slippage-protected, so `add_stake_limit`) and removed, weights, stake moved,
transferred and swapped (with and without a price limit), takes, an account emptied, a hash
commit and its reveal, and two failures. Prints one JSON object: each step's outcome and what
the SDK reads afterwards.

    python extrinsics_v11_driver.py ws://127.0.0.1:9945 NETUID NETUID_2
"""

import hashlib
import json
import sys

import bittensor as bt
from bittensor_core import Keypair

DAVE = Keypair.create_from_uri("//Dave").ss58_address


class DevWallet:
    """A wallet of development keys, in the shape bittensor 11 takes (`bt.KeyedWallet`)."""

    def __init__(self, uri):
        self.coldkey = Keypair.create_from_uri(uri)
        self.coldkeypub = self.coldkey
        self.hotkey = Keypair.create_from_uri(uri + "//hot")


def outcome(result):
    return {"success": bool(result.success), "message": str(result.message)}


def attempt(run):
    try:
        return outcome(run())
    except Exception as e:  # refused before the pool, or by the SDK
        return {"success": False, "message": f"{type(e).__name__}: {e}"}


def next_epoch(s, netuid):
    """Waits until the subnet's next epoch has run."""
    last = s.epochs.blocks_since_last_step(netuid)
    while True:
        s.wait_for_block()
        now = s.epochs.blocks_since_last_step(netuid)
        if now < last:
            return
        last = now


def commit_hash(hotkey, netuid, uids, values, salt, version_key):
    """Bittensor's weights commit hash: BLAKE2b-256 of the SCALE-encoded reveal."""
    vec16 = lambda xs: bytes([len(xs) << 2]) + b"".join(x.to_bytes(2, "little") for x in xs)
    data = (
        hotkey.public_key
        + netuid.to_bytes(2, "little")
        + vec16(uids)
        + vec16(values)
        + vec16(salt)
        + version_key.to_bytes(8, "little")
    )
    return "0x" + hashlib.blake2b(data, digest_size=32).hexdigest()


def main():
    url, netuid, netuid_2 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    s = bt.Subtensor(url)
    C = bt.calls.SubtensorModule
    carol, alice, poor = DevWallet("//Carol"), DevWallet("//Alice"), DevWallet("//Poor")
    hot = carol.hotkey.ss58_address
    steps = {}
    steps["fund"] = attempt(
        lambda: s.execute(bt.Transfer(dest_ss58=carol.coldkey.ss58_address, amount_tao=100), alice)
    )
    dave_before = s.balances.get(DAVE).rao
    steps["transfer"] = attempt(lambda: s.execute(bt.Transfer(dest_ss58=DAVE, amount_tao=1), carol))
    dave_gain = s.balances.get(DAVE).rao - dave_before
    steps["burned_register"] = attempt(
        lambda: s.submit_call(C.burned_register(netuid=netuid, hotkey=hot), carol)
    )
    steps["serve_axon"] = attempt(
        lambda: s.execute(bt.ServeAxon(netuid=netuid, ip="203.0.113.8", port=8092), carol)
    )
    steps["add_stake"] = attempt(
        lambda: s.execute(bt.AddStake(hotkey_ss58=hot, netuid=netuid, amount_tao=2), carol)
    )
    steps["remove_stake"] = attempt(
        lambda: s.execute(bt.RemoveStake(hotkey_ss58=hot, netuid=netuid, amount_alpha=0.5), carol)
    )
    while s.epochs.blocks_since_last_update(netuid, 0) <= s.hyperparameters.weights_rate_limit(netuid):
        s.wait_for_block()
    steps["set_weights"] = attempt(
        lambda: s.execute(bt.SetWeights(netuid=netuid, uids=[0, 1], weights=[0.5, 0.5]), alice)
    )
    steps["weights_too_soon"] = attempt(
        lambda: s.execute(bt.SetWeights(netuid=netuid, uids=[0, 1], weights=[0.25, 0.75]), alice)
    )
    # Stake moved to Alice's hotkey, to Dave's coldkey and to the second subnet, with the
    # intents' default slippage protection and without.
    eighth = s.staking.stake(carol.coldkeypub.ss58_address, hot, netuid).rao / 1e9 / 8
    owner_hot = alice.hotkey.ss58_address
    for name, protected in [("move_stake", False), ("move_stake_safe", True)]:
        steps[name] = attempt(
            lambda: s.execute(
                bt.MoveStake(
                    origin_hotkey_ss58=hot,
                    origin_netuid=netuid,
                    dest_hotkey_ss58=owner_hot,
                    dest_netuid=netuid,
                    amount_alpha=eighth,
                    slippage_protection=protected,
                ),
                carol,
            )
        )
    steps["transfer_stake"] = attempt(
        lambda: s.execute(
            bt.TransferStake(
                dest_coldkey_ss58=DAVE,
                hotkey_ss58=hot,
                origin_netuid=netuid,
                dest_netuid=netuid,
                amount_alpha=eighth,
            ),
            carol,
        )
    )
    for name, protected in [("swap_stake", False), ("swap_stake_limit", True)]:
        steps[name] = attempt(
            lambda: s.execute(
                bt.SwapStake(
                    hotkey_ss58=hot,
                    origin_netuid=netuid,
                    dest_netuid=netuid_2,
                    amount_alpha=eighth,
                    slippage_protection=protected,
                ),
                carol,
            )
        )
    steps["decrease_take"] = attempt(lambda: s.execute(bt.DecreaseTake(take=0.1, hotkey_ss58=hot), carol))
    steps["increase_take"] = attempt(lambda: s.execute(bt.IncreaseTake(take=0.12, hotkey_ss58=hot), carol))
    spender = DevWallet("//Spender11")
    steps["fund_spender"] = attempt(
        lambda: s.execute(bt.Transfer(dest_ss58=spender.coldkey.ss58_address, amount_tao=3), alice)
    )
    steps["transfer_all"] = attempt(
        lambda: s.execute(bt.TransferAll(dest_ss58=DAVE, keep_alive=False), spender)
    )
    # Hash commit-reveal through raw calls (v11 has no intent for it), signed by the owner's
    # hotkey once the owner has turned it back on.
    steps["commit_reveal_on"] = attempt(
        lambda: s.submit_call(
            bt.calls.AdminUtils.sudo_set_commit_reveal_weights_enabled(netuid=netuid, enabled=True),
            alice,
        )
    )
    reveal = dict(uids=[0, 1], values=[65535, 16384], salt=[4, 5, 6], version_key=0)
    steps["commit_weights"] = attempt(
        lambda: s.submit_call(
            C.commit_weights(netuid=netuid, commit_hash=commit_hash(alice.hotkey, netuid, **reveal)),
            alice,
            signer="hotkey",
        )
    )
    next_epoch(s, netuid)
    steps["reveal_weights"] = attempt(
        lambda: s.submit_call(C.reveal_weights(netuid=netuid, **reveal), alice, signer="hotkey")
    )
    # A subnet of Alice's made and started by intents, and an owner's hyperparameter.
    steps["register_subnet"] = attempt(
        lambda: s.execute(bt.RegisterSubnet(hotkey_ss58=alice.hotkey.ss58_address), alice)
    )
    netuid_3 = max(x.netuid for x in s.subnets.all())
    steps["start_call"] = attempt(lambda: s.execute(bt.StartCall(netuid=netuid_3), alice))
    steps["set_hyperparameter"] = attempt(
        lambda: s.execute(
            bt.SetHyperparameter(netuid=netuid_3, name="immunity_period", value=4000), alice
        )
    )

    # Failures, each with its reason.
    steps["price_limit"] = attempt(
        lambda: s.execute(
            bt.AddStakeLimit(hotkey_ss58=hot, netuid=netuid, amount_tao=1, limit_price_rao=1), carol
        )
    )
    transfer = bt.calls.Balances.transfer_keep_alive(dest=DAVE, value=10**9)
    def replayed():
        unsigned = s.prepare_call(transfer, address=carol.coldkey.ss58_address, nonce=0)
        return s.submit_signature(unsigned, carol.coldkey.sign(unsigned.payload))
    steps["bad_nonce"] = attempt(replayed)
    steps["insufficient_balance"] = attempt(
        lambda: s.execute(
            bt.AddStake(hotkey_ss58=hot, netuid=netuid, amount_tao=5, slippage_protection=False), poor
        )
    )
    steps["not_registered"] = attempt(
        lambda: s.execute(bt.ServeAxon(netuid=netuid, ip="203.0.113.9", port=8093), poor)
    )
    read = {
        "netuid_3": netuid_3,
        "dave_gain": dave_gain,
        "uid": s.neurons.uid(hot, netuid),
        "stake": s.staking.stake(carol.coldkeypub.ss58_address, hot, netuid).rao,
        "swapped": s.staking.stake(carol.coldkeypub.ss58_address, hot, netuid_2).rao,
        "spender": s.balances.get(spender.coldkey.ss58_address).rao,
    }
    print(json.dumps({"steps": steps, "read": read}))


if __name__ == "__main__":
    main()
