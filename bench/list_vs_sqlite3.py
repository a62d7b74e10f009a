#!/usr/bin/env python3
"""`keyctl list` on a 1,000-key registry against the sqlite3 CLI printing the same rows, as whole
processes: both are dominated by process start-up. keyctl is the binary as it ships, installed by
scripts/install (Swift runtime linked statically) into a temporary prefix. Target: within 2.5x.

Also prints start-up alone (`keyctl --version` against `sqlite3 -version`), for reading, no target.

Usage: bench/list_vs_sqlite3.py [COUNT] [RUNS]   (defaults: 1000 keys, 30 runs; median of the runs,
keyctl's and sqlite3's alternating)
"""
import os
import shutil
import subprocess
import sys
import tempfile

import common

TARGET = 2.5
QUERY = """
SELECT k.name, k.env, k.scopes, k.owner, k.description, k.labels, k.status, k.created_at, k.rotated_at,
       k.max_age_seconds, k.compromised_at, k.compromise_reason, k.last_verified_at, k.last_verify_ok,
       v.fingerprint, v.hint
FROM keys k LEFT JOIN key_versions v ON v.key_id = k.id AND v.stage = 'current'
ORDER BY k.env, k.name;
"""


def install(prefix):
    """scripts/install into `prefix`: the release build with the static Swift runtime."""
    subprocess.run([os.path.join(common.ROOT, "scripts", "install"), "--prefix", prefix],
                   cwd=common.ROOT, check=True, stdout=subprocess.DEVNULL)
    return os.path.join(prefix, "bin", "keyctl")


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    prefix = tempfile.mkdtemp(prefix="keyctl-bench-prefix-")
    folder = None
    try:
        common.KEYCTL = install(prefix)
        folder, db = common.seeded_registry(count)
        # The same environment for both: no KEYCTL_* variables, the registry named on the command line.
        env = {"PATH": "/usr/bin:/bin", "HOME": folder}
        for fmt, mode in (("json", "-json"), ("table", "-column")):
            keyctl_time, sqlite_time = common.timed_alternately(
                [[common.KEYCTL, "list", "--format", fmt, "--db", db], ["sqlite3", mode, db, QUERY]], runs, env=env)
            common.report_line(f"list --format {fmt}, {count:,} keys", keyctl_time, sqlite_time, TARGET)
        keyctl_start, sqlite_start = common.timed_alternately([[common.KEYCTL, "--version"], ["sqlite3", "-version"]], runs, env=env)
        print(f"start-up alone: keyctl --version {keyctl_start.seconds * 1000:.1f} ms "
              f"(peak {keyctl_start.peak_kib / 1024:.1f} MiB), sqlite3 -version {sqlite_start.seconds * 1000:.1f} ms "
              f"(peak {sqlite_start.peak_kib / 1024:.1f} MiB), ratio {keyctl_start.seconds / sqlite_start.seconds:.2f}x")
    finally:
        shutil.rmtree(prefix)
        if folder:
            shutil.rmtree(folder)


if __name__ == "__main__":
    main()
