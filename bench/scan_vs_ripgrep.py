#!/usr/bin/env python3
"""`keyctl scan` against ripgrep running the same patterns and against `detect-secrets scan`, on
the same tree and in the same run; then `keyctl scan --git` against `git log -p | rg` on a
generated history.

The tree: the sources of the Swift packages preinstalled in /opt/swift-packages (`git archive` of
their tags, until at least 200 MB of text), plus generated source-like files with planted keys of
every built-in format and keyctl's local format. Both tools see the same files: the tree has no
.git folders and no ignore files, and ripgrep runs with --no-ignore --hidden. The history: a
repository of 10,000+ commits written with `git fast-import`, keys planted in some commits and
removed in later ones.

Targets: keyctl within 2x of ripgrep, at least 10x faster than detect-secrets, every planted key
found. Needs ripgrep (apt-get install ripgrep) and detect-secrets (pip install --user detect-secrets).

Usage: bench/scan_vs_ripgrep.py [--no-build] [--megabytes 200] [--commits 10000] [--skip-detect-secrets]
"""
import argparse
import glob
import hashlib
import json
import os
import random
import shlex
import shutil
import subprocess
import sys
import time
import zlib

import common

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

# The built-in detectors of `keyctl scan` (Sources/Exposure/Scan/TokenFormat+BuiltIn.swift) and the
# default local prefix, as ripgrep patterns. keyctl also checks boundaries and checksums, which
# only makes it report less. `(?-u)` gives ripgrep ASCII word boundaries, its fast path (with
# Unicode `\b` it falls back to a slower engine on non-ASCII text, which would flatter keyctl).
PATTERNS = [
    r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b",
    r"\bgithub_pat_[A-Za-z0-9_]{82}\b",
    r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{24,247}\b",
    r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b",
    r"\bxox[abprs]-[A-Za-z0-9-]{10,250}\b",
    r"\bAIza[A-Za-z0-9_-]{35}\b",
    r"\bglpat-[A-Za-z0-9_-]{20}\b",
    r"\bnpm_[A-Za-z0-9]{36}\b",
    r"\bSG\.[A-Za-z0-9_.-]{66}\b",
    r"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,1000}\b",
    r"\bsk_[A-Za-z0-9]{49}\b",
]


def base62(number, length):
    digits = ""
    for _ in range(length):
        digits = BASE62[number % 62] + digits
        number //= 62
    return digits


def github_token(rng, prefix="ghp_"):
    body = "".join(rng.choice(BASE62) for _ in range(30))
    return prefix + body + base62(zlib.crc32(body.encode()), 6)


def local_key(rng, prefix="sk_"):
    body = "".join(rng.choice(BASE62) for _ in range(43))
    return prefix + body + base62(zlib.crc32((prefix + body).encode()), 6)


def planted_keys(rng):
    """One key of each kind keyctl and detect-secrets both claim to find, and keyctl's own."""
    keys = []
    for index in range(20):
        keys.append(("github", github_token(rng)))
        keys.append(("stripe", "sk_live_" + "".join(rng.choice(BASE62) for _ in range(24))))
        keys.append(("aws", "AKIA" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))))
        keys.append(("slack", "xoxb-" + "".join(rng.choice("0123456789") for _ in range(12)) + "-" + "".join(rng.choice(BASE62) for _ in range(24))))
        keys.append(("keyctl-local", local_key(rng)))
    return keys


def source_tree(folder, megabytes):
    """Checks out package sources from /opt/swift-packages until `megabytes` of text."""
    target = megabytes * 1_000_000
    repositories = sorted(glob.glob("/opt/swift-packages/*/*.git"))
    total = 0
    round_ = 0
    while total < target and round_ < 12:
        for repository in repositories:
            tags = subprocess.run(["git", "--git-dir", repository, "tag", "--sort=-creatordate"], capture_output=True, text=True).stdout.split()
            refs = tags or ["HEAD"]
            if round_ >= len(refs):
                continue
            name = os.path.basename(repository)[:-4] + "-" + refs[round_].replace("/", "_")
            destination = os.path.join(folder, name)
            os.makedirs(destination)
            archive = subprocess.Popen(["git", "--git-dir", repository, "archive", refs[round_]], stdout=subprocess.PIPE)
            subprocess.run(["tar", "-x", "-C", destination], stdin=archive.stdout, check=True)
            archive.wait()
            total = tree_bytes(folder)
            if total >= target:
                break
        round_ += 1
    return total


def tree_bytes(folder):
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            if os.path.isfile(path) and not os.path.islink(path):
                total += os.path.getsize(path)
    return total


def plant(folder, keys, rng, files=200):
    """Generated Python-like files of about 100 KB, the keys spread among them."""
    os.makedirs(os.path.join(folder, "generated"))
    words = ["config", "value", "request", "token_count", "handler", "items", "result", "session", "client", "retry"]
    for index in range(files):
        lines = []
        for number in range(2000):
            lines.append(f"    {rng.choice(words)}_{number} = compute({rng.choice(words)}, {number}, '{rng.choice(words)}')")
        for offset in range(index, len(keys), files):
            kind, key = keys[offset]
            lines.insert(rng.randrange(len(lines)), f'    {kind.replace("-", "_")}_key = "{key}"')
        with open(os.path.join(folder, "generated", f"module_{index:03d}.py"), "w") as out:
            out.write("def generated():\n" + "\n".join(lines) + "\n")


def history(folder, commits, keys, rng):
    """A repository of `commits` commits made with git fast-import; each planted key is added in
    one commit and removed a few commits later."""
    repository = os.path.join(folder, "history")
    subprocess.run(["git", "init", "-q", repository], check=True)
    stream = []
    plant_at = {rng.randrange(1, commits - 10): key for _, key in keys}
    files = {f"src/file_{index:03d}.py": [f"line {n} of file {index}" for n in range(20)] for index in range(200)}
    secrets_in = {}
    mark = 0
    for number in range(1, commits + 1):
        path = f"src/file_{number % 200:03d}.py"
        lines = files[path]
        lines[rng.randrange(len(lines))] = f"changed in commit {number}: value = {rng.random()}"
        if number in plant_at:
            lines.append(f'API_KEY = "{plant_at[number]}"')
            secrets_in[path] = number
        elif path in secrets_in and number - secrets_in[path] > 400:
            files[path] = lines = [line for line in lines if "API_KEY" not in line]
            del secrets_in[path]
        data = ("\n".join(lines) + "\n").encode()
        mark += 1
        stream.append(b"commit refs/heads/main\n")
        stream.append(f"mark :{mark}\ncommitter Bench <bench@example.com> {1_700_000_000 + number} +0000\n".encode())
        message = f"commit {number}".encode()
        stream.append(b"data %d\n%s\n" % (len(message), message))
        stream.append(b"M 644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data))
    subprocess.run(["git", "-C", repository, "fast-import", "--quiet"], input=b"".join(stream), check=True)
    subprocess.run(["git", "-C", repository, "checkout", "-q", "main"], check=True)
    return repository, set(plant_at.values())


def once(command, shell=False):
    """One timed run: wall seconds and peak resident KiB (wait4)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, shell=shell, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(process.pid, 0)
    return common.Timing(time.perf_counter() - start, usage.ru_maxrss)


def line(label, keyctl, other, name, target, faster=False):
    ratio = keyctl.seconds / other.seconds
    verdict = ("PASS" if other.seconds / keyctl.seconds >= target else "MISS") if faster else ("PASS" if ratio <= target else "MISS")
    goal = f"target: keyctl >= {target}x faster" if faster else f"target <= {target}x"
    print(f"{label}: keyctl {keyctl.seconds:.2f} s (peak {keyctl.peak_kib / 1024:.1f} MiB), {name} {other.seconds:.2f} s "
          f"(peak {other.peak_kib / 1024:.1f} MiB), keyctl/{name} {ratio:.3f}x ({goal}) {verdict}")


def keyctl_found(db, arguments):
    env = dict(os.environ, KEYCTL_DB=db, KEYCTL_ACTOR="bench")
    result = subprocess.run([common.KEYCTL, "scan", *arguments, "--format", "json"], env=env, capture_output=True)
    if result.returncode not in (0, 1, 2):
        sys.exit(f"keyctl scan failed: {result.stderr.decode()}")
    report = json.loads(result.stdout)
    return {finding["fingerprint"] for finding in report["findings"]}, report["summary"]


def fingerprint(key):
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--megabytes", type=int, default=200)
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--skip-detect-secrets", action="store_true")
    options = parser.parse_args()
    if not options.no_build:
        common.build()
    for tool in ["rg"] + ([] if options.skip_detect_secrets else ["detect-secrets"]):
        if not shutil.which(tool):
            sys.exit(f"{tool} is not installed (see the docstring)")
    rng = random.Random(7)
    folder = common.workdir()
    try:
        keys = planted_keys(rng)
        tree = os.path.join(folder, "tree")
        os.makedirs(tree)
        source = source_tree(tree, options.megabytes)
        plant(tree, keys, rng)
        total = tree_bytes(tree)
        files = sum(len(names) for _, _, names in os.walk(tree))
        print(f"tree: {total / 1e6:.0f} MB in {files:,} files ({source / 1e6:.0f} MB of package sources), {len(keys)} planted keys")

        db = os.path.join(folder, "registry.db")
        common.keyctl(db, "init")
        for index, (_, key) in enumerate(keys[:2]):
            env = dict(os.environ, KEYCTL_DB=db, KEYCTL_ACTOR="bench")
            subprocess.run([common.KEYCTL, "add", f"planted-{index}", "--env", "prod", "--scopes", "x:read", "--secret-stdin"],
                           input=key.encode(), env=env, check=True, stdout=subprocess.DEVNULL)
        env = dict(os.environ, KEYCTL_DB=db, KEYCTL_ACTOR="bench")
        rg = ["rg", "--no-ignore", "--hidden", "--no-messages", "-o", "--no-filename", "--no-line-number"]
        for pattern in PATTERNS:
            rg += ["-e", "(?-u)" + pattern]
        keyctl_tree = common.timed([common.KEYCTL, "scan", tree, "--format", "json"], 5, env=env)
        rg_tree = common.timed(rg + [tree], 5)
        found, summary = keyctl_found(db, [tree])
        rg_found = set(subprocess.run(rg + [tree], capture_output=True, text=True).stdout.split())
        planted = {fingerprint(key) for _, key in keys}
        print(f"keyctl scanned {summary['files']:,} files ({summary['bytes'] / 1e6:.0f} MB), skipped {summary['skipped']}")
        print(f"planted keys found: keyctl {len(planted & found)}/{len(keys)}, ripgrep {sum(key in rg_found for _, key in keys)}/{len(keys)}")
        line("tree scan", keyctl_tree, rg_tree, "ripgrep", 2.0)

        if not options.skip_detect_secrets:
            detect = ["detect-secrets", "scan", "--all-files", tree]
            detect_time = once(detect)
            result = subprocess.run(detect, capture_output=True, text=True)
            if result.returncode != 0:
                print(f"detect-secrets failed (exit {result.returncode}): {result.stderr.strip().splitlines()[-1:]}; its time is not comparable")
            report = json.loads(result.stdout or "{}")
            hashes = {item["hashed_secret"] for items in report.get("results", {}).values() for item in items}
            by_kind = {}
            for kind, key in keys:
                by_kind.setdefault(kind, [0, 0])
                by_kind[kind][1] += 1
                by_kind[kind][0] += hashlib.sha1(key.encode()).hexdigest() in hashes
            print("detect-secrets found: " + ", ".join(f"{kind} {hit}/{count}" for kind, (hit, count) in by_kind.items()))
            line("tree scan", keyctl_tree, detect_time, "detect-secrets", 10.0, faster=True)

        repository, in_history = history(folder, options.commits, keys, rng)
        commits = int(subprocess.run(["git", "-C", repository, "rev-list", "--count", "HEAD"], capture_output=True, text=True).stdout)
        keyctl_history = common.timed([common.KEYCTL, "scan", repository, "--git", "--format", "json"], 5, env=env)
        pipeline = "git -C {} log -p -U0 --full-history | {}".format(shlex.quote(repository), " ".join(shlex.quote(part) for part in rg))
        git_rg = common.timed(["sh", "-c", pipeline], 5)
        found, summary = keyctl_found(db, [repository, "--git"])
        rg_found = set(subprocess.run(["sh", "-c", pipeline], capture_output=True, text=True).stdout.split())
        print(f"history: {commits:,} commits, keyctl read {summary['commits']:,} commits ({summary['bytes'] / 1e6:.1f} MB added)")
        wanted = {fingerprint(key) for key in in_history}
        print(f"planted keys found in history: keyctl {len(wanted & found)}/{len(in_history)}, "
              f"git log -p | rg {sum(key in rg_found for key in in_history)}/{len(in_history)}")
        line("history scan", keyctl_history, git_rg, "git log -p | rg", 2.0)
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
