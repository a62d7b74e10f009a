#!/usr/bin/env python3
"""`keyctl import FILE.csv` of 1,000,000 keys into an empty PostgreSQL registry against psql
loading the same CSV the way one would by hand: `\\copy` into a staging table, then one
`INSERT ... SELECT` into keyctl's own `keys` table (a database made by `keyctl init`: same columns,
constraints and indexes), with a random v4 id per row and the dates converted to epoch seconds,
plus the one `key.import` audit event keyctl appends, in one psql process and one transaction.
keyctl writes nothing else (no versions). No target: the ratio is reported only.

Each run starts from a fresh copy of the empty registry (CREATE DATABASE ... TEMPLATE), made
before the clock starts.

Usage: bench/postgres_import_vs_copy.py [COUNT ...]   (default: 1000000)
Set KEYCTL_BENCH_NO_BUILD=1 to measure the binary already at .build/release/keyctl, and
KEYCTL_TEST_POSTGRES_URL to use that server instead of a cluster of our own.
"""
import os
import shutil
import sys

import common
import postgres_common as pg

EMPTY, TARGET = "pgbench_import_empty", "pgbench_import_target"

# What keyctl does per row, in SQL: a random UUID-shaped id, the scopes as given (the bench's
# scopes are already sorted), labels '{}', status 'active', created as epoch seconds; then its
# audit event, chained to the head (the empty registry has none, so the previous hash is zeros).
BASELINE = """
BEGIN;
CREATE TEMP TABLE staging (name text, env text, scopes text, owner text, created text) ON COMMIT DROP;
\\copy staging FROM '{csv}' (FORMAT csv, HEADER true)
INSERT INTO keys (id, name, env, scopes, owner, description, labels, status, created_at, rotated_at, max_age_seconds)
SELECT gen_random_uuid()::text, name, env, scopes, owner, NULL, '{{}}', 'active',
       extract(epoch FROM created::timestamptz)::bigint, NULL, NULL
FROM staging;
INSERT INTO audit_events (seq, id, at, actor, action, key_name, key_env, details, prev_hash, hash)
SELECT coalesce(max(seq), 0) + 1, gen_random_uuid()::text, extract(epoch FROM now())::bigint, 'bench', 'key.import',
       NULL, NULL, '{{"count":"{count}","source":"keys.csv"}}', repeat('0', 64), encode(sha256('bench'), 'hex')
FROM audit_events;
COMMIT;
"""

# The rows' count and digest, all but their random ids, to check that both sides wrote the same.
DIGEST = """
SELECT count(*) || ' ' || md5(string_agg(concat_ws('|', name, env, scopes, owner, description, labels, status, created_at,
                                                   rotated_at, max_age_seconds, length(id)), ',' ORDER BY env, name))
FROM keys
"""


def run(server_url, folder, count):
    csv, script = os.path.join(folder, "keys.csv"), os.path.join(folder, "baseline.sql")
    common.write_csv(csv, count)
    with open(script, "w") as out:
        out.write(BASELINE.format(csv=csv, count=count))
    empty = pg.recreate_database(server_url, EMPTY)
    common.keyctl(empty, "init")

    def fresh():
        return pg.recreate_database(server_url, TARGET, template=EMPTY)

    target = pg.database_url(server_url, TARGET)
    try:
        env = dict(os.environ, KEYCTL_DB=target, KEYCTL_ACTOR="bench")
        runs = 3
        keyctl_time = common.timed([common.KEYCTL, "import", csv], runs, env=env, setup=fresh)
        imported = pg.psql(target, DIGEST, stdout=-1)
        psql_time = common.timed(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", target, "-f", script],
                                 runs, setup=fresh)
        loaded = pg.psql(target, DIGEST, stdout=-1)
        if imported != loaded or not imported.startswith(f"{count} ".encode()):
            sys.exit(f"expected the same {count} rows on both sides, keyctl wrote {imported}, psql {loaded}")
        pg.report_line(f"import into PostgreSQL, {count:,} keys", keyctl_time, psql_time)
    finally:
        pg.drop_database(server_url, TARGET)
        pg.drop_database(server_url, EMPTY)


def main():
    counts = [int(arg) for arg in sys.argv[1:]] or [1_000_000]
    common.build()
    folder = common.workdir()
    os.environ["XDG_CONFIG_HOME"] = folder  # no user's keyctl.toml
    os.environ.pop("KEYCTL_CONFIG", None)
    try:
        with pg.server() as server_url:
            os.chdir(folder)  # nor a ./keyctl.toml
            try:
                for count in counts:
                    run(server_url, folder, count)
            finally:
                os.chdir(common.ROOT)
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
