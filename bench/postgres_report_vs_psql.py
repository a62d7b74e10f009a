#!/usr/bin/env python3
"""`keyctl report --format json` on a PostgreSQL registry against psql running the same candidate
query (the SQL of Sources/PostgresStore/PostgresKeyRegistry+Report.swift with the default policy,
90d and a 14d warning window, bound as literals) and printing its rows as JSON, at 200,000 and
1,000,000 keys. Target: within 1.5x at 1,000,000; keyctl's peak RSS must not grow with the registry.

The registry is made by `keyctl init`, then filled with COPY: rows as keyctl writes them (random
v4 ids, labels as sorted JSON, epoch seconds, one `current` version per key with its sha256
fingerprint, sha1 and `****` hint, a `revoked` one before it for rotated keys, compromised keys as
`keyctl compromise` leaves them). The audit log stays empty: `report` does not read it. At the
fixed --as-of date about two thirds of the keys are flagged (overdue, due, compromised or
verify_failed); one in 50 is retired.

The baseline is the fastest of three ways psql can print the rows as JSON (one object per row
through COPY, one json_agg array, row_to_json rows), picked in the same run: it prints the query's
columns as stored, while keyctl also formats dates and computes flags, age and due dates.

Usage: bench/postgres_report_vs_psql.py [COUNT ...]   (default: 200000 1000000)
Set KEYCTL_BENCH_NO_BUILD=1 to measure the binary already at .build/release/keyctl, and
KEYCTL_TEST_POSTGRES_URL to use that server instead of a cluster of our own.
"""
import calendar
import csv
import hashlib
import os
import random
import shutil
import sys
import time
import uuid

import common
import postgres_common as pg

AS_OF_DATE = "2026-11-29"
DAY = 86400

# keyctl's candidate query, column for column (KeyRecord.postgresSelection and postgresSource).
QUERY = f"""
SELECT k.name, k.env, k.scopes, k.owner, k.description, k.labels, k.status, k.created_at, k.rotated_at,
       k.max_age_seconds, k.compromised_at, k.compromise_reason, k.last_verified_at, k.last_verify_ok,
       v.fingerprint, v.hint, (SELECT max(o.at) FROM offboardings o WHERE o.key_id = k.id) AS offboarded_at
FROM keys k LEFT JOIN key_versions v ON v.key_id = k.id AND v.stage = 'current'
WHERE k.status != 'retired'
  AND (k.status = 'compromised' OR k.last_verify_ok = 0
       OR coalesce(k.rotated_at, k.created_at) + coalesce(k.max_age_seconds, 7776000::bigint) - 1209600::bigint <= {common.AS_OF}
       OR EXISTS (SELECT 1 FROM offboardings o WHERE o.key_id = k.id AND o.at > coalesce(k.rotated_at, k.created_at) AND o.at <= {common.AS_OF}))
ORDER BY k.env, k.name
"""

# How psql can print the rows as JSON; the fastest in this run is the baseline.
BASELINES = {
    "COPY row_to_json": f"COPY (SELECT row_to_json(r) FROM ({QUERY}) r) TO STDOUT",
    "json_agg": f"SELECT json_agg(r) FROM ({QUERY}) r",
    "row_to_json rows": f"SELECT row_to_json(r) FROM ({QUERY}) r",
}

KEY_COLUMNS = ("id, name, env, scopes, owner, description, labels, status, created_at, rotated_at, max_age_seconds, "
               "compromised_at, compromise_reason, last_verified_at, last_verify_ok")
VERSION_COLUMNS = "id, key_id, fingerprint, sha1, hint, issuer_ref, stage, created_at, revoked_at"


def version(writer, key_id, version_id, index, stage, created, revoked=None):
    secret = f"sk_bench_{stage}_{index:07d}_0123456789abcdef".encode()
    writer.writerow([version_id, key_id, "sha256:" + hashlib.sha256(secret).hexdigest(),
                     hashlib.sha1(secret).hexdigest(), "****" + secret[-4:].decode(), None, stage, created, revoked])


def write_registry_rows(count, keys_path, versions_path):
    """Writes the CSV (COPY format) of `keys` and of `key_versions` for `count` keys, streamed to
    files: this process stays small, since a child's peak RSS starts from its parent's."""
    rng = random.Random(7)

    def uuid4():
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    with open(keys_path, "w", newline="") as keys, open(versions_path, "w", newline="") as versions:
        key_writer, version_writer = csv.writer(keys), csv.writer(versions)
        for index, (name, env, scopes, owner, created) in enumerate(common.inventory_rows(count)):
            created = calendar.timegm(time.strptime(created, "%Y-%m-%dT%H:%M:%SZ"))
            key_id = uuid4()
            rotated = created + rng.randrange(common.AS_OF - created) if index % 7 == 0 else None
            status, compromised_at, reason = "active", None, None
            if index % 50 == 49:
                status = "retired"
            elif index % 10 == 3:
                status, compromised_at, reason = "compromised", common.AS_OF - rng.randrange(30 * DAY), "bench: found in a CI log"
            verified, verify_ok = (common.AS_OF - rng.randrange(30 * DAY), 0 if index % 25 == 0 else 1) if index % 5 == 0 else (None, None)
            key_writer.writerow([
                key_id, name, env, scopes, owner, None, '{"tier":"gold"}' if index % 13 == 0 else "{}", status,
                created, rotated, 30 * DAY if index % 11 == 0 else None, compromised_at, reason, verified, verify_ok])
            if rotated is None:
                version(version_writer, key_id, uuid4(), index, "current", created)
            else:
                version(version_writer, key_id, uuid4(), index, "revoked", created, rotated)
                version(version_writer, key_id, uuid4(), index, "current", rotated)


def seed(server_url, folder, count):
    """A fresh registry database of `count` keys; returns its name and URL."""
    name = f"pgbench_report_{count}"
    url = pg.recreate_database(server_url, name)
    common.keyctl(url, "init")
    keys, versions = os.path.join(folder, "keys.csv"), os.path.join(folder, "versions.csv")
    write_registry_rows(count, keys, versions)
    pg.psql(url, f"\\copy keys ({KEY_COLUMNS}) FROM '{keys}' (FORMAT csv)")
    pg.psql(url, f"\\copy key_versions ({VERSION_COLUMNS}) FROM '{versions}' (FORMAT csv)")
    pg.psql(url, "VACUUM ANALYZE")
    os.remove(keys)
    os.remove(versions)
    return name, url


def psql_json(url, sql):
    return ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql]


def run(server_url, folder, count, env):
    """Times both sides on a registry of `count` keys, prints the result; returns keyctl's peak RSS."""
    name, url = seed(server_url, folder, count)
    try:
        runs = 3
        report = [common.KEYCTL, "report", "--format", "json", "--as-of", AS_OF_DATE, "--db", url]
        keyctl_time = common.timed(report, runs, env=env)
        baselines = {label: common.timed(psql_json(url, sql), runs) for label, sql in BASELINES.items()}
        fastest = min(baselines, key=lambda label: baselines[label].seconds)
        for label, timing in baselines.items():
            print(f"  psql {label}: {timing.seconds * 1000:.1f} ms", flush=True)
        flagged = pg.count_in_output(report, b'"flags"', env=env)
        for label, sql in BASELINES.items():
            rows = pg.count_in_output(psql_json(url, sql), b'{"name":')
            if rows != flagged:
                sys.exit(f"{count} keys: keyctl flagged {flagged} keys, psql ({label}) printed {rows} rows")
        pg.report_line(f"report --format json on PostgreSQL, {count:,} keys ({flagged:,} flagged; psql: {fastest})",
                       keyctl_time, baselines[fastest], 1.5)
        return keyctl_time.peak_kib
    finally:
        pg.drop_database(server_url, name)


def main():
    counts = [int(arg) for arg in sys.argv[1:]] or [200_000, 1_000_000]
    common.build()
    folder = common.workdir()
    os.environ["XDG_CONFIG_HOME"] = folder  # nor a user's keyctl.toml
    os.environ.pop("KEYCTL_CONFIG", None)
    env = dict(os.environ, KEYCTL_ACTOR="bench")
    peaks = {}
    try:
        with pg.server() as server_url:
            os.chdir(folder)  # no ./keyctl.toml: the default policy, as in QUERY
            try:
                for count in counts:
                    peaks[count] = run(server_url, folder, count, env)
            finally:
                os.chdir(common.ROOT)
    finally:
        shutil.rmtree(folder)
    print("keyctl peak RSS: " + ", ".join(f"{count:,} keys {kib / 1024:.1f} MiB" for count, kib in sorted(peaks.items())))


if __name__ == "__main__":
    main()
