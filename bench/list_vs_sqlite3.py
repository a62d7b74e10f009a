#!/usr/bin/env python3
"""`keyctl list` on a 1,000-key registry against the sqlite3 CLI's whole-process time for the
same query. Both are dominated by process start-up. Target: within 4x.

Usage: bench/list_vs_sqlite3.py [COUNT]   (default: 1000)
"""
import shutil
import sys

import common

QUERY = """
SELECT k.name, k.env, k.scopes, k.owner, k.description, k.labels, k.status, k.created_at, k.rotated_at,
       k.max_age_seconds, k.compromised_at, k.compromise_reason, k.last_verified_at, k.last_verify_ok,
       v.fingerprint, v.hint
FROM keys k LEFT JOIN key_versions v ON v.key_id = k.id AND v.stage = 'current'
ORDER BY k.env, k.name;
"""


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    common.build()
    folder, db = common.seeded_registry(count)
    try:
        for fmt, mode in (("json", "-json"), ("table", "-column")):
            keyctl_time = common.timed([common.KEYCTL, "list", "--format", fmt, "--db", db], 30)
            sqlite_time = common.timed(["sqlite3", mode, db, QUERY], 30)
            common.report_line(f"list --format {fmt}, {count:,} keys", keyctl_time, sqlite_time, 4.0)
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
