#!/usr/bin/env python3
"""keyctl's own CPU per rotation, with adapters that cost nothing outside keyctl: the local issuer
(mints in process) and an env-file target (a file rewrite under its lock), no verifier. Rotates
KEYS overdue keys one at a time (`rotate --overdue --concurrency 1`) and divides keyctl's user and
system CPU time, and its wall time, by the rotations it made. What is left is keyctl itself: the
registry's write transactions (each committed before the next outside step), sealing, the
file rewrite (fsynced) and process start-up, amortised over the batch.

There is no outside tool doing the same work to compare with, so this prints the figures only
(bench/rotate_overdue.py holds the ratio against xargs).

Usage: bench/rotation_cpu.py [--no-build] [KEYS]   (default 300)
"""
import os
import resource
import subprocess
import sys
import time

import common


def main():
    counts = [int(arg) for arg in sys.argv[1:] if arg.isdigit()]
    keys = counts[0] if counts else 300
    if "--no-build" not in sys.argv:
        common.build()
    folder = common.workdir()
    db = os.path.join(folder, "registry.db")
    envs = os.path.join(folder, "env")
    os.makedirs(envs)
    config = os.path.join(folder, "keyctl.toml")
    with open(config, "w") as out:
        out.write(f"""
[rotation]
issuer = "mint"
targets = ["app-env"]
grace = "0m"

[issuers.mint]
type = "local"
prefix = "sk_bench_"

[targets.app-env]
type = "env-file"
path = "{envs}/{{name}}.env"
variable = "API_KEY"
""")
    env = dict(os.environ, KEYCTL_DB=db, KEYCTL_CONFIG=config, KEYCTL_ACTOR="bench",
               XDG_CONFIG_HOME=os.path.join(folder, "config"))
    run = lambda *args, stdin=None: subprocess.run([common.KEYCTL, *args], env=env, input=stdin,
                                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
    run("init")
    for index in range(keys):
        name = f"key-{index:05d}"
        secret = f"old-secret-{index:05d}-0123456789abcdef"
        with open(os.path.join(envs, f"{name}.env"), "w") as out:
            out.write(f"# app settings\nAPI_KEY={secret}\n")
        run("add", name, "--env", "prod", "--scopes", "orders:write", "--created", "2025-01-01",
            "--secret-stdin", stdin=secret.encode())
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run([common.KEYCTL, "rotate", "--overdue", "--concurrency", "1"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    summary = result.stdout.decode().strip().splitlines()[-1] if result.stdout else result.stderr.decode()
    if result.returncode != 0:
        sys.exit(f"rotate --overdue exited {result.returncode}: {summary}")
    user = (after.ru_utime - before.ru_utime) / keys * 1000
    system = (after.ru_stime - before.ru_stime) / keys * 1000
    print(f"rotate --overdue, {keys} keys, local issuer + env-file target, concurrency 1: {summary}")
    print(f"  keyctl CPU per rotation: {user + system:.2f} ms (user {user:.2f}, system {system:.2f})")
    print(f"  wall per rotation: {wall / keys * 1000:.2f} ms; peak memory {after.ru_maxrss / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
