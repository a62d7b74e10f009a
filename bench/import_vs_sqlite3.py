#!/usr/bin/env python3
"""Seeding keys through `keyctl import FILE.csv` against the sqlite3 CLI inserting the same rows
(same table, same columns, ids included) in one transaction. Target: within 1.5x at 1,000,000.

Usage: bench/import_vs_sqlite3.py [COUNT ...]   (default: 100000 1000000)
"""
import os
import shutil
import subprocess
import sys
import uuid

import common


def sql_script(path, count):
    with open(path, "w") as out:
        out.write("BEGIN;\n")
        for name, env, scopes, owner, created in common.inventory_rows(count):
            seconds = int(subprocess_free_epoch(created))
            out.write(
                "INSERT INTO keys (id, name, env, scopes, owner, description, labels, status, created_at, rotated_at, "
                f"max_age_seconds) VALUES ('{uuid.uuid4()}', '{name}', '{env}', '{scopes}', '{owner}', NULL, '{{}}', "
                f"'active', {seconds}, NULL, NULL);\n")
        out.write("COMMIT;\n")


def subprocess_free_epoch(text):
    import calendar
    import time
    return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))


def main():
    counts = [int(arg) for arg in sys.argv[1:]] or [100_000, 1_000_000]
    common.build()
    for count in counts:
        folder = common.workdir()
        try:
            empty = os.path.join(folder, "empty.db")
            common.keyctl(empty, "init")
            csv, sql = os.path.join(folder, "keys.csv"), os.path.join(folder, "keys.sql")
            common.write_csv(csv, count)
            sql_script(sql, count)
            target = os.path.join(folder, "target.db")

            def fresh():
                for suffix in ("", "-wal", "-shm"):
                    if os.path.exists(target + suffix):
                        os.remove(target + suffix)
                shutil.copy(empty, target)

            env = dict(os.environ, KEYCTL_DB=target, KEYCTL_ACTOR="bench")
            runs = 3
            keyctl_time = common.timed([common.KEYCTL, "import", csv], runs, env=env, setup=fresh)
            sqlite_time = common.timed(["sh", "-c", f"exec sqlite3 {target} < {sql}"], runs, setup=fresh)
            common.report_line(f"import, {count:,} keys", keyctl_time, sqlite_time, 1.5)
        finally:
            shutil.rmtree(folder)


if __name__ == "__main__":
    main()
