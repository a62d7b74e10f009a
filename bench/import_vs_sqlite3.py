#!/usr/bin/env python3
"""Seeding keys through `keyctl import FILE.csv` against the sqlite3 CLI loading the same CSV the
way one would by hand: `.import` into a staging table, then one `INSERT ... SELECT` into a table
shaped like keyctl's `keys` (the schema `keyctl init` creates: same columns, constraints and
indexes), with an id per row and the dates converted to epoch seconds, in one sqlite3 process and
one transaction. Target: within 1.5x at 1,000,000.

Usage: bench/import_vs_sqlite3.py [COUNT ...]   (default: 100000 1000000)
"""
import os
import shutil
import sys

import common

# What keyctl does per row, in SQL: a random UUID-shaped id, the scopes as given (the bench's
# scopes are already sorted), labels '{}', status 'active', created as epoch seconds.
BASELINE = """
PRAGMA synchronous = NORMAL;
CREATE TEMP TABLE staging (name TEXT, env TEXT, scopes TEXT, owner TEXT, created TEXT);
.import --csv --skip 1 --schema temp {csv} staging
BEGIN;
INSERT INTO keys (id, name, env, scopes, owner, description, labels, status, created_at, rotated_at, max_age_seconds)
SELECT substr(u, 1, 8) || '-' || substr(u, 9, 4) || '-' || substr(u, 13, 4) || '-' || substr(u, 17, 4) || '-' || substr(u, 21),
       name, env, scopes, owner, NULL, '{{}}', 'active', unixepoch(created), NULL, NULL
FROM (SELECT lower(hex(randomblob(16))) AS u, * FROM temp.staging);
COMMIT;
"""


def main():
    counts = [int(arg) for arg in sys.argv[1:]] or [100_000, 1_000_000]
    common.build()
    for count in counts:
        folder = common.workdir()
        try:
            empty = os.path.join(folder, "empty.db")
            common.keyctl(empty, "init")
            csv, script = os.path.join(folder, "keys.csv"), os.path.join(folder, "baseline.sql")
            common.write_csv(csv, count)
            with open(script, "w") as out:
                out.write(BASELINE.format(csv=csv))
            target = os.path.join(folder, "target.db")

            def fresh():
                for suffix in ("", "-wal", "-shm"):
                    if os.path.exists(target + suffix):
                        os.remove(target + suffix)
                shutil.copy(empty, target)

            env = dict(os.environ, KEYCTL_DB=target, KEYCTL_ACTOR="bench")
            runs = 3
            keyctl_time = common.timed([common.KEYCTL, "import", csv], runs, env=env, setup=fresh)
            fresh()
            common.keyctl(target, "import", csv)
            imported = common.count_rows(target, "keys")
            sqlite_time = common.timed(["sh", "-c", f'exec sqlite3 "{target}" < "{script}"'], runs, setup=fresh)
            fresh()
            common.run_sqlite(target, script)
            loaded = common.count_rows(target, "keys")
            if imported != count or loaded != count:
                sys.exit(f"expected {count} rows on both sides, keyctl wrote {imported}, sqlite3 {loaded}")
            common.report_line(f"import, {count:,} keys", keyctl_time, sqlite_time, 1.5)
        finally:
            shutil.rmtree(folder)


if __name__ == "__main__":
    main()
