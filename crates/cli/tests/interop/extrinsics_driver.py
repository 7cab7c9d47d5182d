"""Acts on a Plexus dev node with Bittensor's own SDK, as a subnet owner, a miner and a staker
would: every call is built from the node's metadata, signed and submitted by the SDK, and its
outcome read back by the SDK from the node's events. Prints one JSON object: each step's
outcome (success, message) and what the SDK reads afterwards.

    python extrinsics_driver.py ws://127.0.0.1:9945 <wallet dir>
"""

import contextlib
import io
import json
import sys

import bittensor as bt
from bittensor_wallet import Keypair, Wallet

DAVE = Keypair.create_from_uri("//Dave").ss58_address


def wallet(name, uri, path):
    w = Wallet(name=name, hotkey="default", path=path)
    w.set_coldkey(Keypair.create_from_uri(uri), encrypt=False, overwrite=True)
    w.set_coldkeypub(Keypair.create_from_uri(uri), overwrite=True)
    w.set_hotkey(Keypair.create_from_uri(uri + "//hot"), encrypt=False, overwrite=True)
    return w


def outcome(response):
    return {"success": bool(response.success), "message": str(response.message)}


def raw(st, module, function, params, w, sign_with="coldkey", nonce=None):
    """A call the SDK's helpers would refuse before sending: the chain's answer is the test."""
    call = st.compose_call(module, function, params)
    try:
        keypair = w.hotkey if sign_with == "hotkey" else w.coldkey
        extrinsic = st.substrate.create_signed_extrinsic(
            call=call, keypair=keypair, nonce=nonce, era={"period": 16}
        )
        receipt = st.substrate.submit_extrinsic(
            extrinsic, wait_for_inclusion=True, wait_for_finalization=True
        )
        if receipt.is_success:
            return {"success": True, "message": "Success"}
        return {"success": False, "message": str(receipt.error_message)}
    except Exception as e:  # the node refused it before the pool
        return {"success": False, "message": str(e)}


def sudo(st, function, params, w):
    """A root call, as Bittensor's localnet scripts send it: wrapped in `Sudo.sudo`."""
    call = st.compose_call("AdminUtils", function, params)
    return raw(st, "Sudo", "sudo", {"call": call}, w)


def next_epoch(st, netuid):
    """Waits until the subnet's next epoch has run."""
    last = st.blocks_since_last_step(netuid)
    while True:
        st.wait_for_block()
        now = st.blocks_since_last_step(netuid)
        if now < last:
            return
        last = now


def main():
    url, path = sys.argv[1], sys.argv[2]
    st = bt.Subtensor(url)
    alice = wallet("alice", "//Alice", path)
    bob = wallet("bob", "//Bob", path)
    poor = wallet("poor", "//Poor", path)
    # A second hotkey of Alice's, for btcli to register and stake on.
    miner = Wallet(name="alice", hotkey="miner", path=path)
    miner.set_hotkey(Keypair.create_from_uri("//Alice//miner"), encrypt=False, overwrite=True)
    miner = Wallet(name="alice", hotkey="miner2", path=path)
    miner.set_hotkey(Keypair.create_from_uri("//Alice//miner2"), encrypt=False, overwrite=True)
    steps = {}

    steps["transfer"] = outcome(
        st.transfer(alice, bob.coldkeypub.ss58_address, bt.Balance.from_tao(2))
    )
    steps["transfer_poor"] = outcome(
        st.transfer(alice, poor.coldkeypub.ss58_address, bt.Balance.from_tao(0.01))
    )
    steps["register_subnet"] = outcome(st.register_subnet(alice))
    netuid = max(st.get_all_subnets_netuid())
    steps["start_call"] = outcome(
        st.start_call(alice, netuid, wait_for_finalization=True)
    )
    # Alice is the dev chain's governance key, Bittensor's sudo: no freeze window before epochs,
    # a tempo of 10 blocks, no wait between subnet registrations or take increases.
    steps["sudo_freeze_window"] = sudo(st, "sudo_set_admin_freeze_window", {"window": 0}, alice)
    steps["sudo_tempo"] = sudo(st, "sudo_set_tempo", {"netuid": netuid, "tempo": 10}, alice)
    steps["sudo_network_rate_limit"] = sudo(
        st, "sudo_set_network_rate_limit", {"rate_limit": 0}, alice
    )
    steps["sudo_take_rate_limit"] = sudo(
        st, "sudo_set_tx_delegate_take_rate_limit", {"tx_rate_limit": 0}, alice
    )
    # And lets weights be set every 2 blocks (Bittensor's root alone may; Plexus's owners may).
    steps["weights_rate_limit"] = raw(
        st,
        "AdminUtils",
        "sudo_set_weights_set_rate_limit",
        {"netuid": netuid, "weights_set_rate_limit": 2},
        alice,
    )
    steps["burned_register"] = outcome(st.burned_register(bob, netuid))
    # Hash commit-reveal, on by default: commit, then reveal in the next epoch.
    weights = dict(uids=[0, 1], weights=[65535, 32768], salt=[1, 2, 3])
    steps["commit_weights"] = outcome(
        st.commit_weights(
            alice, netuid, **weights, wait_for_inclusion=True, wait_for_finalization=True
        )
    )
    next_epoch(st, netuid)
    steps["reveal_weights"] = outcome(st.reveal_weights(alice, netuid, **weights))
    # The owner turns commit-reveal off (an AdminUtils hyperparameter call), so weights are set
    # directly.
    steps["commit_reveal_off"] = raw(
        st,
        "AdminUtils",
        "sudo_set_commit_reveal_weights_enabled",
        {"netuid": netuid, "enabled": False},
        alice,
    )
    # A documentation address: the chain refuses loopback, as Bittensor's does.
    axon = bt.Axon(wallet=bob, ip="127.0.0.1", port=8091, external_ip="192.0.2.1")
    steps["serve_axon"] = outcome(st.serve_axon(netuid, axon))
    hot = bob.hotkey.ss58_address
    steps["add_stake"] = outcome(
        st.add_stake(bob, netuid, hot, bt.Balance.from_tao(10))
    )
    steps["add_stake_limit"] = outcome(
        st.add_stake(bob, netuid, hot, bt.Balance.from_tao(1), safe_staking=True, rate_tolerance=0.05)
    )
    stake = st.get_stake(bob.coldkeypub.ss58_address, hot, netuid)
    steps["unstake"] = outcome(
        st.unstake(bob, netuid, hot, bt.Balance.from_rao(stake.rao // 4).set_unit(netuid))
    )
    steps["unstake_limit"] = outcome(
        st.unstake(
            bob,
            netuid,
            hot,
            bt.Balance.from_rao(stake.rao // 8).set_unit(netuid),
            safe_unstaking=True,
            rate_tolerance=0.05,
        )
    )
    # TAO on root (netuid 0) through Bob's hotkey, 1:1, plain and slippage-protected, and back.
    steps["root_stake"] = outcome(st.add_stake(bob, 0, hot, bt.Balance.from_tao(5)))
    steps["root_stake_limit"] = outcome(
        st.add_stake(bob, 0, hot, bt.Balance.from_tao(5), safe_staking=True)
    )
    steps["root_unstake"] = outcome(st.unstake(bob, 0, hot, bt.Balance.from_tao(2)))
    # Stake moved between hotkeys, coldkeys and subnets: a second subnet for the last.
    steps["register_subnet_2"] = outcome(st.register_subnet(alice))
    netuid_2 = max(st.get_all_subnets_netuid())
    steps["start_call_2"] = outcome(st.start_call(alice, netuid_2))
    alpha = lambda rao: bt.Balance.from_rao(rao).set_unit(netuid)
    steps["move_stake"] = outcome(
        st.move_stake(bob, netuid, hot, netuid, alice.hotkey.ss58_address, alpha(stake.rao // 16))
    )
    steps["transfer_stake"] = outcome(
        st.transfer_stake(bob, DAVE, hot, netuid, netuid, alpha(stake.rao // 16))
    )
    steps["swap_stake"] = outcome(
        st.swap_stake(bob, hot, netuid, netuid_2, alpha(stake.rao // 16))
    )
    steps["decrease_take"] = outcome(st.set_delegate_take(bob, hot, 0.10))
    steps["increase_take"] = outcome(st.set_delegate_take(bob, hot, 0.15))
    # Transfers that may empty the sender: all of a fresh account's balance, then some of it.
    spender = wallet("spender", "//Spender", path)
    steps["fund_spender"] = outcome(
        st.transfer(alice, spender.coldkeypub.ss58_address, bt.Balance.from_tao(3))
    )
    steps["transfer_allow_death"] = outcome(
        st.transfer(spender, DAVE, bt.Balance.from_tao(1), keep_alive=False)
    )
    steps["transfer_all"] = outcome(st.transfer(spender, DAVE, None, transfer_all=True))
    while st.blocks_since_last_update(netuid, 0) <= st.weights_rate_limit(netuid):
        st.wait_for_block()
    steps["set_weights"] = outcome(
        st.set_weights(alice, netuid, uids=[0, 1], weights=[0.5, 0.5])
    )

    # Failures the chain reports, each sent as the SDK sends it but without its own pre-checks.
    steps["weights_too_soon"] = raw(
        st,
        "SubtensorModule",
        "set_weights",
        {"netuid": netuid, "dests": [0, 1], "weights": [1, 1], "version_key": 0},
        alice,
        sign_with="hotkey",
    )
    steps["not_registered"] = raw(
        st,
        "SubtensorModule",
        "set_weights",
        {"netuid": netuid, "dests": [0], "weights": [1], "version_key": 0},
        poor,
        sign_with="hotkey",
    )
    steps["insufficient_balance"] = raw(
        st,
        "SubtensorModule",
        "add_stake",
        {"hotkey": hot, "netuid": netuid, "amount_staked": 5 * 10**9},
        poor,
    )
    steps["bad_nonce"] = raw(
        st,
        "Balances",
        "transfer_keep_alive",
        {"dest": bob.coldkeypub.ss58_address, "value": 10**9},
        alice,
        nonce=0,
    )
    steps["price_limit"] = raw(
        st,
        "SubtensorModule",
        "add_stake_limit",
        {
            "hotkey": hot,
            "netuid": netuid,
            "amount_staked": 10**9,
            "limit_price": 1,
            "allow_partial": False,
        },
        bob,
    )

    # Alice describes herself to stakers.
    steps["set_identity"] = raw(
        st,
        "SubtensorModule",
        "set_identity",
        {
            "name": "Alice's validator",
            "url": "https://plexus.example",
            "github_repo": "",
            "image": "",
            "discord": "alice",
            "description": "Validates honestly",
            "additional": "",
        },
        alice,
    )
    # Alice's hotkey lends half its weight to Bob's (pending for the chain's cooldown); Bob's
    # hotkey takes 1.5% of what it earns for her; Bob keeps his root dividends from this
    # subnet as alpha; the owner renames the subnet's token.
    steps["set_children"] = raw(
        st,
        "SubtensorModule",
        "set_children",
        {"hotkey": alice.hotkey.ss58_address, "netuid": netuid, "children": [[2**63, hot]]},
        alice,
    )
    steps["too_many_children"] = raw(
        st,
        "SubtensorModule",
        "set_children",
        {
            "hotkey": alice.hotkey.ss58_address,
            "netuid": netuid,
            "children": [[1, Keypair.create_from_uri(f"//Child{i}").ss58_address] for i in range(6)],
        },
        alice,
    )
    steps["set_childkey_take"] = raw(
        st,
        "SubtensorModule",
        "set_childkey_take",
        {"hotkey": hot, "netuid": netuid, "take": 1000},
        bob,
    )
    steps["childkey_take_too_high"] = raw(
        st,
        "SubtensorModule",
        "set_childkey_take",
        {"hotkey": hot, "netuid": netuid, "take": 20000},
        bob,
    )
    steps["set_root_claim_type"] = raw(
        st,
        "SubtensorModule",
        "set_root_claim_type",
        {"new_root_claim_type": {"KeepSubnets": {"subnets": [netuid]}}},
        bob,
    )
    steps["claim_root_nothing"] = raw(
        st, "SubtensorModule", "claim_root", {"subnets": [netuid]}, bob
    )
    steps["claim_root_no_subnets"] = raw(
        st, "SubtensorModule", "claim_root", {"subnets": []}, bob
    )
    steps["update_symbol"] = raw(
        st, "SubtensorModule", "update_symbol", {"netuid": netuid, "symbol": "ω"}, alice
    )
    steps["symbol_unknown"] = raw(
        st, "SubtensorModule", "update_symbol", {"netuid": netuid, "symbol": "zz"}, alice
    )
    # Bob lets Dave stake for him through Bittensor's Proxy pallet; Dave stakes 1 TAO for Bob
    # without Bob signing; Bob sends two transfers as one all-or-nothing batch.
    dave = wallet("dave", "//Dave", path)
    steps["add_proxy"] = raw(
        st,
        "Proxy",
        "add_proxy",
        {"delegate": DAVE, "proxy_type": "Staking", "delay": 0},
        bob,
    )
    before_proxy = st.get_stake(bob.coldkeypub.ss58_address, hot, netuid).rao
    inner = st.compose_call(
        "SubtensorModule",
        "add_stake",
        {"hotkey": hot, "netuid": netuid, "amount_staked": 10**9},
    )
    steps["proxy_add_stake"] = raw(
        st,
        "Proxy",
        "proxy",
        {"real": bob.coldkeypub.ss58_address, "force_proxy_type": None, "call": inner},
        dave,
    )
    after_proxy = st.get_stake(bob.coldkeypub.ss58_address, hot, netuid).rao
    pay = st.compose_call("Balances", "transfer_keep_alive", {"dest": DAVE, "value": 10**8})
    steps["batch_all"] = raw(st, "Utility", "batch_all", {"calls": [pay, pay]}, bob)
    # For btcli's commit-reveal, which follows: owners' hyperparameter calls without a wait,
    # and 30 blocks to reveal in.
    steps["sudo_owner_rate_limit"] = sudo(
        st, "sudo_set_owner_hparam_rate_limit", {"epochs": 0}, alice
    )
    steps["sudo_tempo_30"] = sudo(st, "sudo_set_tempo", {"netuid": netuid, "tempo": 30}, alice)
    steps["registration_price_limit"] = raw(
        st,
        "SubtensorModule",
        "register_limit",
        {"netuid": netuid, "hotkey": poor.hotkey.ss58_address, "limit_price": 1},
        alice,
    )

    # The SDK prints the address it looks up; the output is this script's JSON alone.
    with contextlib.redirect_stdout(io.StringIO()):
        identity = st.query_identity(alice.coldkeypub.ss58_address)
    read = {
        "identity": [identity.name, identity.url, identity.discord] if identity else None,
        "netuid": netuid,
        "netuid_2": netuid_2,
        "root_stake": st.get_stake(bob.coldkeypub.ss58_address, hot, 0).rao,
        "pending_children": st.get_children_pending(alice.hotkey.ss58_address, netuid),
        "children": st.get_children(alice.hotkey.ss58_address, netuid),
        "root_claim_type": str(st.get_root_claim_type(bob.coldkeypub.ss58_address)),
        "symbol": st.subnet(netuid).symbol,
        "stake_by_proxy": [before_proxy, after_proxy],
        "spender": st.get_balance(spender.coldkeypub.ss58_address).rao,
        "take": st.get_delegate_take(hot),
        "bob": st.get_balance(bob.coldkeypub.ss58_address).rao,
        "uid": st.get_uid_for_hotkey_on_subnet(hot, netuid),
        "stake": st.get_stake(bob.coldkeypub.ss58_address, hot, netuid).rao,
        "axon_port": st.get_neuron_for_pubkey_and_subnet(hot, netuid).axon_info.port,
    }
    print(json.dumps({"steps": steps, "read": read}))


if __name__ == "__main__":
    main()
