"""Shared helpers for the PostgreSQL benchmarks: a server, throwaway databases, psql, and the
result line (keyctl against psql, in the same run, as bench/common.py does against sqlite3).

The server is KEYCTL_TEST_POSTGRES_URL when set (databases named `pgbench_*` are created and
dropped there), else a cluster of our own started with scripts/postgres-test-server and stopped
at the end, so other users of a shared server neither slow the runs down nor see them.
"""
import contextlib
import os
import re
import subprocess
import sys
import urllib.parse

import common

SERVER_SCRIPT = os.path.join(common.ROOT, "scripts", "postgres-test-server")


@contextlib.contextmanager
def server():
    """Yields the URL of a PostgreSQL server's `postgres` database, as a superuser."""
    url = os.environ.get("KEYCTL_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    started = subprocess.run([SERVER_SCRIPT, "start"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if started.returncode != 0:
        sys.exit(f"postgres-test-server start failed: {started.stderr.decode()}")
    exports = dict(re.findall(r"export (\w+)='([^']*)'", started.stdout.decode()))
    try:
        yield exports["KEYCTL_TEST_POSTGRES_URL"]
    finally:
        subprocess.run([SERVER_SCRIPT, "stop", exports["KEYCTL_TEST_POSTGRES_DIR"]], check=False)


def database_url(server_url, name):
    """The URL of database `name` on the server of `server_url`."""
    parts = urllib.parse.urlsplit(server_url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def psql(url, sql=None, file=None, stdin=None, stdout=subprocess.DEVNULL):
    """Runs psql on `url` with `sql` (-c) or `file` (-f), stopping at the first error, unaligned
    and without headers; exits on failure. `stdin` is bytes for COPY ... FROM STDIN."""
    command = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url]
    command += ["-c", sql] if sql is not None else ["-f", file]
    result = subprocess.run(command, input=stdin, stdout=stdout, stderr=subprocess.PIPE)
    if result.returncode != 0:
        sys.exit(f"psql failed: {result.stderr.decode()}")
    return result.stdout


def recreate_database(server_url, name, template=None):
    """Drops database `name` (which must start with `pgbench_`) if it exists and creates it empty,
    or as a copy of `template`."""
    assert name.startswith("pgbench_")
    psql(server_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql(server_url, f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
    return database_url(server_url, name)


def drop_database(server_url, name):
    assert name.startswith("pgbench_")
    psql(server_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def report_line(label, keyctl, baseline, target=None):
    """Prints keyctl's and psql's time and peak memory, the ratio, and the target with PASS or
    MISS (or `target: report only` when there is none)."""
    ratio = keyctl.seconds / baseline.seconds
    verdict = "target: report only" if target is None else \
        f"(target <= {target}x) {'PASS' if ratio <= target else 'MISS'}"
    print(f"{label}: keyctl {keyctl.seconds * 1000:.1f} ms (peak {keyctl.peak_kib / 1024:.1f} MiB), "
          f"psql {baseline.seconds * 1000:.1f} ms (peak {baseline.peak_kib / 1024:.1f} MiB), "
          f"ratio {ratio:.2f}x {verdict}", flush=True)
    return ratio


def count_in_output(command, needle, env=None):
    """How many times `needle` occurs in what `command` prints, read in chunks: the benchmark
    process stays small, since a child's peak RSS (ru_maxrss) starts from its parent's."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    found, tail = 0, b""
    while chunk := process.stdout.read(1 << 20):
        data = tail + chunk
        found += data.count(needle)
        tail = data[len(data) - len(needle) + 1:]  # a needle cut in two by the chunk's end
    stderr = process.stderr.read()
    if process.wait() not in (0, 1, 2):
        sys.exit(f"{command[0]} failed: {stderr.decode()}")
    return found
