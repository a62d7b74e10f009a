#!/usr/bin/env python3
"""`keyctl rotate --overdue --concurrency 16` on 1,000 overdue keys whose exec adapters (issuer
create and delete, deploy hook, verifier) each take 20 ms, against the ideal wall time:
calls x latency / concurrency. Target: within 1.3x.

Usage: bench/rotate_overdue.py [KEYS] [CONCURRENCY] [LATENCY_MS]   (default: 1000 16 20)
"""
import os
import shutil
import stat
import sys
import time

import common

ADAPTER = """#!/bin/sh
# A stand-in for a provider call: reads the JSON request, takes {latency} ms, answers. Shell
# builtins only, but for sleep, so that process start-up stays small next to the latency.
IFS= read -r input
sleep {seconds}
case "$input" in
  *'"create"'*) key=${{input#*\\"idempotency_key\\":\\"}}; key=${{key%%\\"*}}; printf '{{"secret":"sk_bench_%s","id":"%s"}}' "$key" "$key" ;;
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
            out.write(ADAPTER.format(latency=latency_ms, seconds=latency_ms / 1000))
        os.chmod(adapter, stat.S_IRWXU)
        with open(os.path.join(folder, "keyctl.toml"), "w") as out:
            out.write(f"""
[rotation]
issuer = "provider"
targets = ["redeploy"]
verifier = "ping"
grace = "0m"

[issuers.provider]
type = "exec"
command = ["{adapter}"]

[targets.redeploy]
type = "exec"
command = ["{adapter}"]

[verifiers.ping]
type = "exec"
command = ["{adapter}"]
""")
        db = os.path.join(folder, "registry.db")
        csv = os.path.join(folder, "keys.csv")
        with open(csv, "w") as out:
            out.write("name,env,scopes,created\n")
            for index in range(keys):
                out.write(f"key-{index:05d},prod,orders:write,2025-01-01\n")
        env = dict(os.environ, KEYCTL_DB=db, KEYCTL_CONFIG=os.path.join(folder, "keyctl.toml"),
                   XDG_CONFIG_HOME=os.path.join(folder, "config"), KEYCTL_ACTOR="bench")
        common.keyctl(db, "init")
        common.keyctl(db, "import", csv)
        import subprocess
        start = time.perf_counter()
        result = subprocess.run([common.KEYCTL, "rotate", "--overdue", "--concurrency", str(concurrency)],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
        summary = result.stdout.decode().strip().splitlines()[-1] if result.stdout else result.stderr.decode()
        # Per rotation: issuer create, deploy hook, verifier, issuer delete (an exec hook cannot read
        # the old secret back, so there is no revocation check).
        calls = keys * 4
        ideal = calls * latency_ms / 1000 / concurrency
        ratio = elapsed / ideal
        # Baseline in the same run: the same number of adapter calls started by xargs at the same
        # concurrency, with nothing else: what process start-up alone costs on this machine.
        start = time.perf_counter()
        subprocess.run(f"seq {calls} | xargs -P{concurrency} -n1 {adapter} > /dev/null", shell=True, check=True)
        floor = time.perf_counter() - start
        print(f"rotate --overdue: {summary}")
        print(f"baseline: the same {calls:,} adapter calls launched by xargs -P{concurrency}: {floor:.2f} s "
              f"({floor / ideal:.2f}x ideal); keyctl / baseline {elapsed / floor:.2f}x")
        print(f"rotate --overdue, {keys:,} keys, concurrency {concurrency}, {latency_ms} ms adapters: "
              f"{elapsed:.2f} s, ideal {ideal:.2f} s ({calls:,} calls x {latency_ms} ms / {concurrency}), "
              f"ratio {ratio:.2f}x (target <= 1.3x) {'PASS' if ratio <= 1.3 else 'MISS'}")
        if result.returncode != 0:
            sys.exit(f"keyctl exited {result.returncode}: {result.stderr.decode()[:500]}")
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
