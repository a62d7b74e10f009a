#!/usr/bin/env python3
"""`keyctl rotate --overdue --concurrency 16` on 1,000 overdue keys, each registered with its
real secret so that every step calls its adapter (issuer create, deploy hook, verifier, issuer
delete of the old credential), against xargs making exactly the same adapter calls in the same
run: every call an adapter receives is logged (kind and input), then replayed through
`xargs -P16` with the same inputs. keyctl and xargs then take turns (five runs each, after one
warm-up), so that a neighbour's load weighs on both alike; the medians are compared.
Target: keyctl within 1.2x of xargs.

Usage: bench/rotate_overdue.py [KEYS] [CONCURRENCY] [LATENCY_MS]   (default: 1000 16 20)
"""
import collections
import os
import shutil
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import common

# A stand-in for a provider call. Argument 1 is the adapter kind; with argument 2 (a replay),
# the input comes from that file. Each call appends "KIND INPUT" to its log (O_APPEND: one
# write per line), then takes LATENCY ms. Shell builtins only, but for sleep.
ADAPTER = """#!/bin/sh
kind=$1
if [ -n "$2" ]; then exec < "$2"; log={folder}/replay.log; else log={folder}/calls.log; fi
IFS= read -r input
printf '%s %s\\n' "$kind" "$input" >> "$log"
sleep {seconds}
case "$kind $input" in
  issuer*'"create"'*) key=${{input#*\\"idempotency_key\\":\\"}}; key=${{key%%\\"*}}; printf '{{"secret":"sk_bench_%s","id":"%s"}}' "$key" "$key" ;;
esac
exit 0
"""


def main():
    keys = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    concurrency = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    latency_ms = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    common.build()
    folder = common.workdir()
    try:
        adapter = os.path.join(folder, "adapter.sh")
        with open(adapter, "w") as out:
            out.write(ADAPTER.format(folder=folder, seconds=latency_ms / 1000))
        os.chmod(adapter, stat.S_IRWXU)
        config = os.path.join(folder, "keyctl.toml")
        with open(config, "w") as out:
            out.write(f"""
[rotation]
issuer = "provider"
targets = ["redeploy"]
verifier = "ping"
grace = "0m"

[issuers.provider]
type = "exec"
command = ["{adapter}", "issuer"]

[targets.redeploy]
type = "exec"
command = ["{adapter}", "target"]

[verifiers.ping]
type = "exec"
command = ["{adapter}", "verifier"]
""")
        seeded = os.path.join(folder, "seeded.db")
        common.keyctl(seeded, "init")
        env = dict(os.environ, KEYCTL_CONFIG=config, XDG_CONFIG_HOME=os.path.join(folder, "config"), KEYCTL_ACTOR="bench")

        def add(index):
            # Each key gets its own secret, so that the rotation's delete has a credential to delete.
            result = subprocess.run(
                [common.KEYCTL, "add", f"key-{index:05d}", "--env", "prod", "--scopes", "orders:write",
                 "--rotated", "2025-01-01", "--secret-stdin", "--db", seeded],
                input=f"sk_old_{index:05d}".encode(), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if result.returncode != 0:
                sys.exit(f"keyctl add failed: {result.stderr.decode()}")

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(add, range(keys)))

        db = os.path.join(folder, "registry.db")
        calls_log, replay_log = os.path.join(folder, "calls.log"), os.path.join(folder, "replay.log")

        def fresh_registry():
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(db + suffix):
                    os.remove(db + suffix)
            shutil.copy(seeded, db)
            if os.path.exists(calls_log):
                os.remove(calls_log)

        rotate = [common.KEYCTL, "rotate", "--overdue", "--concurrency", str(concurrency), "--db", db]
        # One run records the calls keyctl makes, for xargs to replay.
        fresh_registry()
        subprocess.run(rotate, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        calls = read_calls(calls_log)

        # The same calls, replayed by xargs at the same concurrency: one input file per call.
        inputs = os.path.join(folder, "inputs")
        os.makedirs(inputs)
        plan = os.path.join(folder, "plan.txt")
        with open(plan, "w") as out:
            for number, (kind, line) in enumerate(calls):
                path = os.path.join(inputs, f"{number}.in")
                with open(path, "w") as call:
                    call.write(line + "\n")
                out.write(f"{kind} {path}\n")

        def fresh_replay():
            if os.path.exists(replay_log):
                os.remove(replay_log)

        # Then keyctl and xargs take turns, so that the machine's load weighs on both alike.
        replay = ["sh", "-c", f'exec xargs -P{concurrency} -L1 "{adapter}" < "{plan}"']
        keyctl_time, xargs_time = common.timed_alternately(
            [rotate, replay], runs=5, env=env, setups=[fresh_registry, fresh_replay])
        if collections.Counter(map(call_kind, read_calls(calls_log))) != collections.Counter(map(call_kind, calls)):
            sys.exit("keyctl made other calls from one run to the next")
        replayed = read_calls(replay_log)

        kinds = collections.Counter(call_kind(call) for call in calls)
        if collections.Counter(call_kind(call) for call in replayed) != kinds:
            sys.exit("xargs did not make the same calls as keyctl")
        expected = {"issuer create": keys, "target deploy": keys, "verifier verify": keys, "issuer delete": keys}
        missing = {kind: count for kind, count in expected.items() if kinds.get(kind, 0) != count}
        breakdown = ", ".join(f"{count:,} {kind}" for kind, count in sorted(kinds.items()))
        print(f"adapter calls keyctl made (replayed by xargs): {len(calls):,} = {breakdown}")
        if missing:
            print(f"warning: expected one call of each step per key; got {missing}")
        ideal = len(calls) * latency_ms / 1000 / concurrency
        print(f"ideal (calls x {latency_ms} ms / {concurrency}): {ideal:.2f} s; "
              f"xargs {xargs_time.seconds / ideal:.2f}x ideal, keyctl {keyctl_time.seconds / ideal:.2f}x ideal")
        ratio = keyctl_time.seconds / xargs_time.seconds
        print(f"rotate --overdue, {keys:,} keys, concurrency {concurrency}, {latency_ms} ms adapters: "
              f"keyctl {keyctl_time.seconds:.2f} s (peak {keyctl_time.peak_kib / 1024:.1f} MiB), "
              f"xargs {xargs_time.seconds:.2f} s (peak {xargs_time.peak_kib / 1024:.1f} MiB), "
              f"ratio {ratio:.2f}x (target <= 1.2x) {'PASS' if ratio <= 1.2 else 'MISS'}")
    finally:
        shutil.rmtree(folder)


def read_calls(path):
    """(kind, input line) for every logged call."""
    with open(path) as log:
        return [tuple(line.rstrip("\n").split(" ", 1)) if " " in line else (line.strip(), "") for line in log]


def call_kind(call):
    """`issuer create`, `issuer delete`, `target deploy`, `verifier verify`..."""
    kind, line = call
    if kind == "issuer":
        for action in ("create", "delete"):
            if f'"action":"{action}"' in line.replace(" ", ""):
                return f"issuer {action}"
        return "issuer ?"
    return {"target": "target deploy", "verifier": "verifier verify"}.get(kind, kind)


if __name__ == "__main__":
    main()
