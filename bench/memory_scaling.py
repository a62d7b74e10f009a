#!/usr/bin/env python3
"""Peak memory of the streaming commands at two registry (or file) sizes: `report --format
prometheus`, `report --format table`, `list` (table and JSON), `audit list` (table and JSON) and
`import` (CSV and JSON). Streaming means memory does not grow with the data: target, the peak at
the larger size within 1.5x of the peak at the smaller one.

The audit log is filled with synthetic events through the sqlite3 CLI (`audit list` reads rows
and does not check the chain; `audit verify` is not measured here).

Usage: bench/memory_scaling.py [SMALL LARGE]   (default: 20000 200000)
"""
import json
import os
import shutil
import sys

import common

TARGET = 1.5
AUDIT_EVENTS = """
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count})
INSERT INTO audit_events (seq, id, at, actor, action, key_name, key_env, details, prev_hash, hash)
SELECT i + 1000000, 'bench-' || i, 1795910400 + i, 'bench', 'key.update', printf('key-%07d', i), 'prod',
       '{{"owner":"team-' || (i % 50) || '"}}', hex(randomblob(32)), hex(randomblob(32)) FROM n;
"""


def write_json(path, count):
    with open(path, "w") as out:
        out.write("[\n")
        for index, (name, env, scopes, owner, created) in enumerate(common.inventory_rows(count)):
            entry = {"name": name, "env": env, "scopes": scopes.split(","), "owner": owner, "created": created}
            out.write(("," if index else "") + json.dumps(entry) + "\n")
        out.write("]\n")


def measure(count):
    """Peak KiB of each command at `count` keys (or rows)."""
    folder, db = common.seeded_registry(count)
    try:
        common.run_sqlite_text(db, AUDIT_EVENTS.format(count=count))
        peaks = {}
        for label, args in [
            ("report --format prometheus", ["report", "--format", "prometheus", "--as-of", "2026-11-29"]),
            ("report --format table", ["report", "--format", "table", "--as-of", "2026-11-29"]),
            ("list --format table", ["list", "--format", "table"]),
            ("list --format json", ["list", "--format", "json"]),
            ("audit list --format table", ["audit", "list", "--format", "table"]),
            ("audit list --format json", ["audit", "list", "--format", "json"]),
        ]:
            peaks[label] = common.timed([common.KEYCTL, *args, "--db", db], 1).peak_kib

        csv, jsonl = os.path.join(folder, "import.csv"), os.path.join(folder, "import.json")
        common.write_csv(csv, count)
        write_json(jsonl, count)
        empty = os.path.join(folder, "empty.db")
        common.keyctl(empty, "init")
        target = os.path.join(folder, "target.db")

        def fresh():
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(target + suffix):
                    os.remove(target + suffix)
            shutil.copy(empty, target)

        env = dict(os.environ, KEYCTL_DB=target, KEYCTL_ACTOR="bench")
        for label, path in [("import CSV", csv), ("import JSON", jsonl)]:
            peaks[label] = common.timed([common.KEYCTL, "import", path], 1, env=env, setup=fresh).peak_kib
            fresh()
            common.keyctl(target, "import", path)
            if common.count_rows(target, "keys") != count:
                sys.exit(f"{label} did not import {count} keys")
        return peaks
    finally:
        shutil.rmtree(folder)


def main():
    small, large = (int(sys.argv[1]), int(sys.argv[2])) if len(sys.argv) > 2 else (20_000, 200_000)
    common.build()
    at_small, at_large = measure(small), measure(large)
    for label in at_small:
        ratio = at_large[label] / at_small[label]
        print(f"{label}: peak {at_small[label] / 1024:.1f} MiB at {small:,}, {at_large[label] / 1024:.1f} MiB at {large:,}, "
              f"ratio {ratio:.2f}x (target <= {TARGET}x) {'PASS' if ratio <= TARGET else 'MISS'}")


if __name__ == "__main__":
    main()
