#!/usr/bin/env bash
# Four validators, then six, each on its own network host: a Linux network namespace with its
# own address on a bridge, so consensus, gossip, backfill and resharing cross real (virtual)
# network interfaces rather than loopback. Links get 50-200 ms of delay and 5% loss with
# `tc netem` where the kernel has it. The run finalizes blocks, kills one host's node, keeps
# finalizing with the other three, restarts it, goes on through resharings of the group key
# (24-block consensus epochs); then two more hosts, running since the start outside the
# committee, join (`plexus node join`, governance's `plexus node schedule`), the six finalize,
# one of the new ones is killed and restarted, and all six must end on the same blocks.
#
# Needs root (namespaces), iproute2, curl. Usage: sudo scripts/multihost.sh [PLEXUS_BINARY]
# (default: target/release/plexus, built first if missing). Exit status 0 means every check held.
set -euo pipefail

HOSTS=6
GENESIS=4
BRIDGE=plexbr0
NET=10.88.0
BIN="${1:-}"
WORK="$(mktemp -d)"
PIDS=()

log() { printf '[multihost] %s\n' "$*" >&2; }
fail() { log "FAILED: $*"; exit 1; }

cleanup() {
    for pid in "${PIDS[@]:-}"; do
        [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    for i in $(seq 0 $((HOSTS - 1))); do
        ip netns del "plexus-h$i" 2>/dev/null || true
    done
    ip link del "$BRIDGE" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || fail "run as root: network namespaces need it"
command -v ip >/dev/null || fail "iproute2 (ip) is missing"
command -v curl >/dev/null || fail "curl is missing"
if [ -z "$BIN" ]; then
    BIN="target/release/plexus"
    [ -x "$BIN" ] || cargo build --release -p plexus-cli --locked
fi
[ -x "$BIN" ] || fail "no plexus binary at $BIN"
BIN="$(realpath "$BIN")"

# The hosts: a bridge in this namespace, one veth pair per host (after whatever a killed run
# left behind).
for i in $(seq 0 $((HOSTS - 1))); do ip netns del "plexus-h$i" 2>/dev/null || true; done
ip link del "$BRIDGE" 2>/dev/null || true
ip link add "$BRIDGE" type bridge
ip link set "$BRIDGE" up
NETEM=yes
for i in $(seq 0 $((HOSTS - 1))); do
    ns="plexus-h$i"
    ip netns add "$ns"
    ip link add "ph$i" type veth peer name "eth0" netns "$ns"
    ip link set "ph$i" master "$BRIDGE" up
    ip -n "$ns" addr add "$NET.$((10 + i))/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    # 50 ms plus up to 150 ms of jitter, and 5% loss, on every packet a host sends.
    if ! ip netns exec "$ns" tc qdisc add dev eth0 root netem delay 125ms 75ms loss 5% 2>/dev/null; then
        NETEM=no
    fi
done
if [ "$NETEM" = no ]; then
    log "this kernel has no netem qdisc: links run without added delay and loss"
fi

addr() { echo "$NET.$((10 + $1))"; }
rpc() { # rpc HOST METHOD [PARAMS]
    ip netns exec "plexus-h$1" curl -s --max-time 5 -H 'content-type: application/json' \
        -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$2\",\"params\":${3:-[]}}" \
        "http://$(addr "$1"):9944"
}
finalized() { rpc "$1" chain_finalizedHead | sed -n 's/.*"number":\([0-9]*\).*/\1/p'; }
block_hash() { rpc "$1" chain_block "[$2]" | sed -n 's/.*"header":{"number":[0-9]*,"hash":"\(0x[0-9a-f]*\)".*/\1/p'; }

# Keys, one chain spec with the group key dealt to the first four, and each host's
# configuration; the last two have no share: they follow until they join.
keys=()
for i in $(seq 0 $((HOSTS - 1))); do
    keys+=("$("$BIN" node key --data-dir "$WORK/h$i")")
done
spec_args=()
for i in $(seq 0 $((GENESIS - 1))); do spec_args+=(--validator "${keys[$i]}@$(addr "$i"):30400"); done
"$BIN" node spec "${spec_args[@]}" --chain-id plexus-multihost --epoch-length 24 -o "$WORK/spec.json" \
    --shares-dir "$WORK/shares" >/dev/null
for i in $(seq 0 $((HOSTS - 1))); do
    share=()
    [ "$i" -lt "$GENESIS" ] && share=(--share "$WORK/shares/${keys[$i]}.share")
    "$BIN" node init --data-dir "$WORK/h$i" --chain-spec "$WORK/spec.json" "${share[@]}" \
        --listen "$(addr "$i"):30400" --rpc "$(addr "$i"):9944" >/dev/null 2>&1
done

start() {
    ip netns exec "plexus-h$1" "$BIN" node run --data-dir "$WORK/h$1" --no-substrate-rpc \
        >"$WORK/h$1.log" 2>&1 &
    PIDS[$1]=$!
}
wait_height() { # wait_height HEIGHT SECONDS HOST...
    local height="$1" deadline=$((SECONDS + $2)) host
    shift 2
    for host in "$@"; do
        until [ "$(finalized "$host" || echo 0)" -ge "$height" ] 2>/dev/null; do
            [ "$SECONDS" -lt "$deadline" ] || fail "host $host did not reach height $height (log: $(tail -3 "$WORK/h$host.log"))"
            sleep 1
        done
    done
}

for i in $(seq 0 $((HOSTS - 1))); do start "$i"; done
wait_height 10 180 0 1 2 3
log "four hosts finalized block 10"

# One host crashes; three of four are a quorum and keep finalizing.
kill -9 "${PIDS[3]}"
wait "${PIDS[3]}" 2>/dev/null || true
PIDS[3]=""
base="$(finalized 0)"
wait_height $((base + 10)) 180 0 1 2
log "three hosts finalized 10 more blocks without host 3 (to $((base + 10)))"

# It restarts and catches up from its peers.
start 3
target="$(finalized 0)"
wait_height "$target" 180 3
log "host 3 restarted and caught up to block $target"

# Consensus epochs are 24 blocks (four per validator, for the six to come): by block 50 the
# four have reshared the group key twice, the restarted host included, and consensus went on in
# each new epoch.
wait_height 50 300 0 1 2 3
target="$(finalized 0)"
epoch="$(rpc 0 chain_finalizedHead | sed -n 's/.*"epoch":\([0-9]*\).*/\1/p')"
[ "${epoch:-0}" -ge 2 ] || fail "the finalized head is in epoch ${epoch:-?}, not 2 or later"
log "all four finalized block 50, in consensus epoch $epoch"

# Two validators join: every validator announces itself on chain (signed by //Alice's coldkey,
# with its node key's proof; the genesis four too, so that a committee may name them), and
# governance (//Alice on this chain) schedules the six.
plexus() { ip netns exec plexus-h0 "$BIN" --network "http://$(addr 0):9944" \
    --wallet-path "$WORK/wallets" --wallet-name alice -y "$@"; }
"$BIN" --wallet-path "$WORK/wallets" --wallet-name alice wallet regen-coldkey --uri //Alice \
    --no-password >/dev/null
for i in $(seq 0 $((HOSTS - 1))); do
    plexus node join --data-dir "$WORK/h$i" --address "$(addr "$i"):30400" >/dev/null \
        || fail "host $i could not announce itself"
done
schedule=()
for key in "${keys[@]}"; do schedule+=(--validator "$key"); done
plexus node schedule "${schedule[@]}" >/dev/null || fail "the six could not be scheduled"
from=""
deadline=$((SECONDS + 300))
until [ -n "$from" ]; do
    [ "$SECONDS" -lt "$deadline" ] || fail "no committee of six was fixed"
    sleep 1
    from="$(rpc 0 state_validators | tr -d ' \n' | sed -n 's/.*"committee":{"from_epoch":\([0-9]*\),.*/\1/p')"
done
log "the chain fixed a committee of six, serving from epoch $from"

# The six finalize ten blocks in their epoch (five of six must sign, so the new ones do).
start_six=$((from * 24))
wait_height $((start_six + 10)) 600 0 1 2 3 4 5
log "all six finalized block $((start_six + 10)), in an epoch of the six"

# A new validator crashes; five of six keep finalizing; it restarts and catches up.
kill -9 "${PIDS[5]}"
wait "${PIDS[5]}" 2>/dev/null || true
PIDS[5]=""
base="$(finalized 0)"
wait_height $((base + 10)) 300 0 1 2 3 4
start 5
target="$(finalized 0)"
wait_height "$target" 300 5
log "host 5 crashed, the five finalized to $((base + 10)), and it caught up to block $target"

# Every host has the same blocks.
for height in 1 $((target / 2)) "$target"; do
    expected="$(block_hash 0 "$height")"
    [ -n "$expected" ] || fail "no block $height on host 0"
    for i in $(seq 1 $((HOSTS - 1))); do
        got="$(block_hash "$i" "$height")"
        [ "$got" = "$expected" ] || fail "host $i has $got at height $height, host 0 has $expected"
    done
done
log "all six hosts agree on blocks 1, $((target / 2)) and $target (netem: $NETEM)"
