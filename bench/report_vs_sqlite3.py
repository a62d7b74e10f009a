#!/usr/bin/env python3
"""`keyctl report --format json` against the sqlite3 CLI running the same overdue query with
JSON output, at 100,000 and 1,000,000 keys. Target: within 1.5x at 1,000,000.

Usage: bench/report_vs_sqlite3.py [COUNT ...]   (default: 100000 1000000)
"""
import os
import shutil
import sys

import common

# The query keyctl runs for `report` with the default policy (90d, warning 14d), same columns.
QUERY = f"""
SELECT k.name, k.env, k.scopes, k.owner, k.description, k.labels, k.status, k.created_at, k.rotated_at,
       k.max_age_seconds, k.compromised_at, k.compromise_reason, k.last_verified_at, k.last_verify_ok,
       v.fingerprint, v.hint
FROM keys k LEFT JOIN key_versions v ON v.key_id = k.id AND v.stage = 'current'
WHERE k.status != 'retired'
  AND (k.status = 'compromised' OR k.last_verify_ok = 0
       OR coalesce(k.rotated_at, k.created_at) + coalesce(k.max_age_seconds, 7776000) - 1209600 <= {common.AS_OF})
ORDER BY k.env, k.name;
"""


def main():
    counts = [int(arg) for arg in sys.argv[1:]] or [100_000, 1_000_000]
    common.build()
    for count in counts:
        folder, db = common.seeded_registry(count)
        try:
            runs = 5 if count <= 100_000 else 3
            keyctl_time = common.timed(
                [common.KEYCTL, "report", "--format", "json", "--as-of", "2026-11-29", "--db", db], runs)
            sqlite_time = common.timed(["sqlite3", "-json", db, QUERY], runs)
            flagged = common.keyctl(db, "report", "--format", "json", "--as-of", "2026-11-29", stdout=-1).stdout.count(b'"flags"')
            common.report_line(f"report --format json, {count:,} keys ({flagged:,} flagged)", keyctl_time, sqlite_time, 1.5)
        finally:
            shutil.rmtree(folder)


if __name__ == "__main__":
    main()
