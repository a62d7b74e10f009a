"""Shared helpers for keyctl's benchmarks: build, seed, time, print ratios.

Every benchmark measures keyctl and a baseline (the sqlite3 CLI doing the same work) in the
same run and prints the ratio; absolute times on a shared machine mean little.
"""
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEYCTL = os.path.join(ROOT, ".build", "release", "keyctl")
AS_OF = 1_795_910_400  # 2026-11-29T00:00:00Z, fixed so runs are comparable


def build():
    """Builds the release binary the way it ships (scripts/build). Set KEYCTL_BENCH_NO_BUILD=1 to
    measure the binary already at .build/release/keyctl."""
    if os.environ.get("KEYCTL_BENCH_NO_BUILD") == "1":
        return
    subprocess.run([os.path.join(ROOT, "scripts", "build")], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def workdir():
    return tempfile.mkdtemp(prefix="keyctl-bench-")


def inventory_rows(count, seed=42):
    """(name, env, scopes, owner, created) rows; created spread over the last 200 days."""
    rng = random.Random(seed)
    envs = ["prod", "staging", "dev"]
    scopes = ["products:read", "orders:write,products:read", "*", "inventory:write"]
    for index in range(count):
        created = AS_OF - rng.randrange(200 * 86400)
        day = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(created))
        yield (f"key-{index:07d}", envs[index % 3], scopes[index % 4], f"team-{index % 50}", day)


def write_csv(path, count):
    with open(path, "w") as out:
        out.write("name,env,scopes,owner,created\n")
        for name, env, scopes, owner, created in inventory_rows(count):
            out.write(f'{name},{env},"{scopes}",{owner},{created}\n')


def keyctl(db, *args, stdout=subprocess.DEVNULL, check=True):
    env = dict(os.environ, KEYCTL_DB=db, KEYCTL_ACTOR="bench")
    result = subprocess.run([KEYCTL, *args], env=env, stdout=stdout, stderr=subprocess.PIPE)
    if check and result.returncode not in (0, 1, 2):
        sys.exit(f"keyctl {' '.join(args)} failed: {result.stderr.decode()}")
    return result


def count_rows(db, table):
    """How many rows `table` of the SQLite file `db` holds, read with the sqlite3 CLI."""
    result = subprocess.run(["sqlite3", db, f"SELECT count(*) FROM {table}"], stdout=subprocess.PIPE, check=True)
    return int(result.stdout)


def run_sqlite(db, script):
    """Runs the sqlite3 CLI on `db` with `script` (a file) as its input; exits on failure."""
    with open(script) as source:
        result = subprocess.run(["sqlite3", "-bail", db], stdin=source, stderr=subprocess.PIPE)
    if result.returncode != 0:
        sys.exit(f"sqlite3 failed: {result.stderr.decode()}")


def run_sqlite_text(db, sql):
    """Runs `sql` with the sqlite3 CLI on `db`; exits on failure."""
    result = subprocess.run(["sqlite3", "-bail", db], input=sql.encode(), stderr=subprocess.PIPE)
    if result.returncode != 0:
        sys.exit(f"sqlite3 failed: {result.stderr.decode()}")


def seeded_registry(count):
    """A fresh registry holding `count` keys, seeded through `keyctl import`."""
    folder = workdir()
    db = os.path.join(folder, "registry.db")
    csv = os.path.join(folder, "keys.csv")
    write_csv(csv, count)
    keyctl(db, "init")
    keyctl(db, "import", csv)
    return folder, db


class Timing:
    """A command's median wall time over its runs, and the largest resident set any run reached."""

    def __init__(self, seconds, peak_kib):
        self.seconds = seconds
        self.peak_kib = peak_kib


def timed(command, runs, env=None, stdout=subprocess.DEVNULL, setup=None):
    """The median wall time of `runs` runs of `command` (a list), after one warm-up run, and its
    peak memory (ru_maxrss of the process itself, read with wait4)."""
    samples = []
    peak = 0
    for attempt in range(runs + 1):
        if setup:
            setup()
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=stdout, stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(process.pid, 0)
        process.returncode = 0
        elapsed = time.perf_counter() - start
        if attempt:
            samples.append(elapsed)
            peak = max(peak, usage.ru_maxrss)
    return Timing(statistics.median(samples), peak)


def timed_alternately(commands, runs, env=None, stdout=subprocess.DEVNULL, setups=None):
    """Like `timed` for several commands whose runs alternate (a, b, a, b, ...), so that a
    neighbour's load on a shared machine weighs on each command alike. One Timing per command.
    `setups`, when given, holds for each command a callable (or None) run before each of its runs."""
    samples = [[] for _ in commands]
    peaks = [0 for _ in commands]
    for attempt in range(runs + 1):
        for index, command in enumerate(commands):
            if setups and setups[index]:
                setups[index]()
            start = time.perf_counter()
            process = subprocess.Popen(command, env=env, stdout=stdout, stderr=subprocess.DEVNULL)
            _, _, usage = os.wait4(process.pid, 0)
            elapsed = time.perf_counter() - start
            if attempt:
                samples[index].append(elapsed)
                peaks[index] = max(peaks[index], usage.ru_maxrss)
    return [Timing(statistics.median(times), peak) for times, peak in zip(samples, peaks)]


def report_line(label, keyctl, baseline, target):
    """Prints keyctl's and the baseline's time and peak memory, the ratio, the target and PASS or MISS."""
    ratio = keyctl.seconds / baseline.seconds
    verdict = "PASS" if ratio <= target else "MISS"
    print(f"{label}: keyctl {keyctl.seconds * 1000:.1f} ms (peak {keyctl.peak_kib / 1024:.1f} MiB), "
          f"sqlite3 {baseline.seconds * 1000:.1f} ms (peak {baseline.peak_kib / 1024:.1f} MiB), "
          f"ratio {ratio:.2f}x (target <= {target}x) {verdict}")
    return ratio
