#!/usr/bin/env python3
"""`keyctl scan` against ripgrep running the same patterns and against `detect-secrets scan`, on
the same tree and in the same run; then `keyctl scan --git` against `git log -p -U0 | rg` on a
generated history.

The tree: the sources of the Swift packages preinstalled in /opt/swift-packages (`git archive` of
their tags, until at least 200 MB of text), plus generated source-like files with planted keys.
Every tool sees the same files: the tree has no .git folder, symbolic links, files with a NUL byte
or files over keyctl's 32 MiB limit (they are removed before timing, so neither keyctl's binary
probe nor ripgrep's binary detection skips anything); ripgrep runs with --no-ignore --hidden, and
the script checks that `rg --files` lists as many files as keyctl scans, with nothing skipped.

ripgrep runs the patterns of keyctl's built-in detectors (Sources/Exposure/Scan/TokenFormat+BuiltIn.swift
and the default local prefix `sk_`), ASCII only (`(?-u)`), no look-around, with its own default
parallelism, output read through a pipe and counted. Two forms are timed: "same patterns", with
keyctl's boundaries (no letter or digit before the prefix, the body ends where its characters
end), and "prefix+body", without boundary checks: the form a user types, which lets ripgrep use
its literal prefilter and is its fastest; it matches a superset. keyctl also checks checksums,
which only makes it report less.

detect-secrets runs as `detect-secrets scan --all-files .` from inside the tree (it skips files
outside its working folder, which is why it found nothing when run from the repository). It
knows the GitHub, Stripe, AWS and Slack formats planted here; keyctl's own format is counted
separately. If it cannot finish the whole tree within --detect-secrets-timeout, both tools are
timed on a subset (the generated files with every planted key, then package folders in name
order, up to --subset-megabytes) and the output says so.

The history: a repository of 10,000+ commits written with `git fast-import`, keys planted in some
commits and removed in later ones. The baseline is the pipeline `git log ... | rg` (the same git
arguments keyctl uses), timed from the same start as keyctl, which runs git itself.

Each comparison prints median times, the ratio, the target, PASS or MISS, the peak resident
memory of both sides (for a pipeline, its largest process) and the planted keys each side found.
Targets (issue 9): keyctl within 2x of ripgrep, at least 10x faster than detect-secrets.
Needs ripgrep (apt-get install ripgrep) and detect-secrets (python3 -m pip install --user detect-secrets).

Usage: bench/scan_vs_ripgrep.py [--no-build] [--megabytes 200] [--commits 10000] [--runs 5]
       [--skip-detect-secrets] [--detect-secrets-timeout 1800] [--subset-megabytes 40]
Run it through the worktree wrapper (`/work/wt/wtrun NAME python3 bench/scan_vs_ripgrep.py`) so
the build, if any, stays incremental.
"""
import argparse
import glob
import hashlib
import json
import os
import random
import shlex
import shutil
import signal
import site
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zlib

import common

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

# keyctl's built-in detectors as (prefix and body, what may not follow the body): the body's
# class plus letters and digits. Mirrors TokenScanner: no letter or digit before the prefix, the
# body's run of characters must have a length in range and not be followed by a letter or digit.
DETECTORS = [
    (r"(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}", "A-Za-z0-9"),
    (r"github_pat_[A-Za-z0-9_]{82}", "A-Za-z0-9_"),
    (r"(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{24,247}", "A-Za-z0-9"),
    (r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}", "A-Za-z0-9"),
    (r"xox[abprs]-[A-Za-z0-9-]{10,250}", "A-Za-z0-9-"),
    (r"AIza[A-Za-z0-9_-]{35}", "A-Za-z0-9_-"),
    (r"glpat-[A-Za-z0-9_-]{20}", "A-Za-z0-9_-"),
    (r"npm_[A-Za-z0-9]{36}", "A-Za-z0-9"),
    (r"SG\.[A-Za-z0-9_.-]{66}", "A-Za-z0-9_.-"),
    (r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,1000}", "A-Za-z0-9_-"),
    (r"sk_[A-Za-z0-9]{49}", "A-Za-z0-9"),  # keyctl's local keys, default prefix
]
SAME_PATTERNS = [f"(?-u)(?:^|[^A-Za-z0-9]){body}(?:[^{stop}]|$)" for body, stop in DETECTORS]
PREFIX_BODY = [f"(?-u){body}" for body, _ in DETECTORS]
RG = ["rg", "--no-ignore", "--hidden", "--no-messages", "-o", "--no-filename", "--no-line-number"]
# The planted kinds detect-secrets has a plugin for.
DETECT_SECRETS_KNOWS = {"github": "GitHubTokenDetector", "stripe": "StripeDetector", "aws": "AWSKeyDetector", "slack": "SlackDetector"}
MAXIMUM_FILE_SIZE = 32 << 20  # FileTreeScan.maximumFileSize


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


def same_file_set(folder):
    """Removes what keyctl and ripgrep would treat differently: symbolic links (keyctl follows
    links to files, ripgrep does not), files with a NUL byte anywhere (keyctl probes the first
    8 KiB, ripgrep stops at the first NUL), files over keyctl's size limit. Returns how many went."""
    removed = 0
    for root, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            if not os.path.islink(path) and os.path.getsize(path) <= MAXIMUM_FILE_SIZE:
                with open(path, "rb") as handle:
                    if b"\0" not in handle.read():
                        continue
            os.remove(path)
            removed += 1
    return removed


class Sample:
    def __init__(self, seconds, peak_kib, output, errors, status, killed):
        self.seconds, self.peak_kib, self.output, self.errors, self.status, self.killed = seconds, peak_kib, output, errors, status, killed


def run_once(command, env=None, cwd=None, timeout=None):
    """One run: wall seconds, peak resident KiB (wait4: the process, or a `sh -c` pipeline's
    largest process), stdout read through a pipe (so no tool can see it writes to /dev/null)."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        # A session of its own, so a timeout ends its worker processes too (they hold the pipe).
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=errors, start_new_session=True)
        timer = threading.Timer(timeout, os.killpg, (process.pid, signal.SIGKILL)) if timeout else None
        if timer:
            timer.start()
        chunks = []
        while chunk := process.stdout.read(1 << 16):
            chunks.append(chunk)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        killed = bool(timer) and not timer.is_alive() and process.returncode == -9
        if timer:
            timer.cancel()
        errors.seek(0)
        return Sample(elapsed, usage.ru_maxrss, b"".join(chunks), errors.read().decode(errors="replace"), process.returncode, killed)


def measure(command, runs, env=None, cwd=None):
    """The median of `runs` runs after a warm-up; the peak of any run; the last run's output."""
    samples = [run_once(command, env, cwd) for _ in range(runs + 1)][1:]
    last = samples[-1]
    return Sample(statistics.median(s.seconds for s in samples), max(s.peak_kib for s in samples), last.output, last.errors, last.status, False)


def comparison(label, keyctl, other, name, target, faster=False):
    """One line: both times and peaks, the ratio, the target and PASS or MISS."""
    ratio = keyctl.seconds / other.seconds
    if faster:
        speedup = other.seconds / keyctl.seconds
        verdict, goal, shown = ("PASS" if speedup >= target else "MISS"), f">= {target:g}x faster", f"{speedup:.1f}x faster"
    else:
        verdict, goal, shown = ("PASS" if ratio <= target else "MISS"), f"<= {target:g}x", f"{ratio:.2f}x"
    print(f"  {label}: keyctl {keyctl.seconds:.2f} s (peak {keyctl.peak_kib / 1024:.0f} MiB) vs {name} {other.seconds:.2f} s "
          f"(peak {other.peak_kib / 1024:.0f} MiB): keyctl/{name} {ratio:.3f}, {shown} (target {goal}) {verdict}")


def rg_command(patterns):
    command = list(RG)
    for pattern in patterns:
        command += ["-e", pattern]
    return command


def found_in_text(output, keys):
    text = output.decode(errors="replace")
    return {key for key in keys if key in text}


def keyctl_findings(sample):
    if sample.status not in (0, 1, 2):
        sys.exit(f"keyctl scan failed (exit {sample.status}): {sample.errors.strip()[:500]}")
    report = json.loads(sample.output)
    return {finding["fingerprint"] for finding in report["findings"]}, report["summary"]


def fingerprint(key):
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def detect_secrets_binary():
    found = shutil.which("detect-secrets")
    if found:
        return found
    candidate = os.path.join(site.getuserbase(), "bin", "detect-secrets")
    return candidate if os.access(candidate, os.X_OK) else None


def subset(tree, destination, megabytes, keys):
    """The generated files (every planted key), then whole package folders in name order, until
    `megabytes`; hard links, so it costs no space."""
    folders = ["generated"] + sorted(name for name in os.listdir(tree) if name != "generated")
    total = 0
    for name in folders:
        if total >= megabytes * 1_000_000:
            break
        shutil.copytree(os.path.join(tree, name), os.path.join(destination, name), copy_function=os.link)
        total = tree_bytes(destination)
    return total


def detect_secrets_found(output, keys):
    """Planted keys in detect-secrets' report (its `hashed_secret` is a SHA-1), by kind, and the
    plugins that reported them."""
    report = json.loads(output or b"{}")
    types = {}
    for items in report.get("results", {}).values():
        for item in items:
            types.setdefault(item["hashed_secret"], set()).add(item["type"])
    by_kind = {}
    for kind, key in keys:
        hit = hashlib.sha1(key.encode()).hexdigest() in types
        entry = by_kind.setdefault(kind, [0, 0, set()])
        entry[0] += hit
        entry[1] += 1
        entry[2] |= types.get(hashlib.sha1(key.encode()).hexdigest(), set())
    return by_kind


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--megabytes", type=int, default=200)
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-detect-secrets", action="store_true")
    parser.add_argument("--detect-secrets-timeout", type=int, default=1800)
    parser.add_argument("--subset-megabytes", type=int, default=40)
    options = parser.parse_args()
    if not shutil.which("rg"):
        sys.exit("rg is not installed (apt-get install ripgrep)")
    detect_secrets = None if options.skip_detect_secrets else detect_secrets_binary()
    if not options.skip_detect_secrets and not detect_secrets:
        sys.exit("detect-secrets is not installed (python3 -m pip install --user detect-secrets)")
    if not options.no_build:
        common.build()
    rng = random.Random(7)
    folder = common.workdir()
    try:
        keys = planted_keys(rng)
        tree = os.path.join(folder, "tree")
        os.makedirs(tree)
        source_tree(tree, options.megabytes)
        plant(tree, keys, rng)
        removed = same_file_set(tree)
        total = tree_bytes(tree)
        files = sum(len(names) for _, _, names in os.walk(tree))
        print(f"tree: {total / 1e6:.0f} MB of text in {files:,} files, {len(keys)} planted keys "
              f"({removed} symlinks, binary or >32 MiB files removed so every tool sees the same files)")
        print(f"rg {subprocess.run(['rg', '--version'], capture_output=True, text=True).stdout.split()[1]}, "
              f"{os.cpu_count()} cores, each tool with its own default parallelism, median of {options.runs} runs after a warm-up")

        db = os.path.join(folder, "registry.db")
        common.keyctl(db, "init")
        env = dict(os.environ, KEYCTL_DB=db, KEYCTL_ACTOR="bench")
        for index, (_, key) in enumerate(keys[:2]):
            subprocess.run([common.KEYCTL, "add", f"planted-{index}", "--env", "prod", "--scopes", "x:read", "--secret-stdin"],
                           input=key.encode(), env=env, check=True, stdout=subprocess.DEVNULL)
        planted = {fingerprint(key): key for _, key in keys}

        keyctl_tree = measure([common.KEYCTL, "scan", tree, "--format", "json"], options.runs, env=env)
        found, summary = keyctl_findings(keyctl_tree)
        rg_files = len(subprocess.run(["rg", "--files", "--no-ignore", "--hidden", tree], capture_output=True).stdout.splitlines())
        skipped = sum(summary["skipped"].values())
        if summary["files"] != rg_files or skipped:
            sys.exit(f"file sets differ: keyctl scanned {summary['files']} files and skipped {skipped}, rg lists {rg_files}")
        print(f"\n1. tree scan, {summary['files']:,} files ({summary['bytes'] / 1e6:.0f} MB) for both keyctl and rg; "
              f"planted keys found: keyctl {len(found & planted.keys())}/{len(keys)}")
        for label, patterns in (("rg, same patterns (keyctl's boundaries)", SAME_PATTERNS),
                                ("rg, prefix+body only (no boundaries, its fastest form)", PREFIX_BODY)):
            rg_tree = measure(rg_command(patterns) + [tree], options.runs)
            print(f"  {label}: found {len(found_in_text(rg_tree.output, planted.values()))}/{len(keys)}, "
                  f"{len(rg_tree.output.splitlines())} matches")
            comparison("time", keyctl_tree, rg_tree, "rg", 2.0)

        if detect_secrets:
            print("\n2. detect-secrets " + subprocess.run([detect_secrets, "--version"], capture_output=True, text=True).stdout.strip()
                  + ": `detect-secrets scan --all-files .` run from inside the scanned folder, one run")
            where, ds_keys, keyctl_side = tree, keys, keyctl_tree
            attempt = run_once([detect_secrets, "scan", "--all-files", "."], cwd=tree, timeout=options.detect_secrets_timeout)
            if attempt.killed:
                print(f"  the whole tree did not finish within {options.detect_secrets_timeout} s: both tools measured on a subset")
                where = os.path.join(folder, "subset")
                os.makedirs(where)
                size = subset(tree, where, options.subset_megabytes, keys)
                count = sum(len(names) for _, _, names in os.walk(where))
                print(f"  subset: {size / 1e6:.0f} MB in {count:,} files (generated/ with all {len(keys)} planted keys, then package folders by name)")
                keyctl_side = measure([common.KEYCTL, "scan", where, "--format", "json"], options.runs, env=env)
                attempt = run_once([detect_secrets, "scan", "--all-files", "."], cwd=where)
            if attempt.status != 0:
                print(f"  detect-secrets failed (exit {attempt.status}): {attempt.errors.strip().splitlines()[-1:]}")
            found, _ = keyctl_findings(keyctl_side)
            by_kind = detect_secrets_found(attempt.output, ds_keys)
            known = [kind for kind in by_kind if kind in DETECT_SECRETS_KNOWS]
            hits = sum(by_kind[kind][0] for kind in known)
            count = sum(by_kind[kind][1] for kind in known)
            keyctl_hits = sum(fingerprint(key) in found for kind, key in ds_keys if kind in DETECT_SECRETS_KNOWS)
            print(f"  planted keys of formats it knows ({', '.join(f'{kind}: {DETECT_SECRETS_KNOWS[kind]}' for kind in known)}): "
                  f"detect-secrets {hits}/{count}, keyctl {keyctl_hits}/{count}")
            for kind, (hit, count, types) in by_kind.items():
                print(f"    {kind}: {hit}/{count}" + (f" (reported as {', '.join(sorted(types))})" if types else "")
                      + ("" if kind in DETECT_SECRETS_KNOWS else " (no plugin for this format; not counted)"))
            comparison("time", keyctl_side, attempt, "detect-secrets", 10.0, faster=True)

        repository, in_history = history(folder, options.commits, keys, rng)
        commits = int(subprocess.run(["git", "-C", repository, "rev-list", "--count", "HEAD"], capture_output=True, text=True).stdout)
        keyctl_history = measure([common.KEYCTL, "scan", repository, "--git", "--format", "json"], options.runs, env=env)
        found, summary = keyctl_findings(keyctl_history)
        wanted = {fingerprint(key) for key in in_history}
        print(f"\n3. history: {commits:,} commits, keyctl read {summary['commits']:,} commits ({summary['bytes'] / 1e6:.1f} MB added); "
              f"planted keys found: keyctl {len(wanted & found)}/{len(in_history)}")
        # keyctl's exact git command (Sources/Exposure/Scan/GitHistory.swift).
        git_log = ("git --no-replace-objects -C {} -c core.quotePath=false -c log.showSignature=false -c diff.noprefix=false "
                   "-c core.bigFileThreshold=512m -c i18n.logOutputEncoding=UTF-8 -c log.showRoot=true "
                   "log -p -U0 --full-history --text --no-color --no-ext-diff --no-textconv --no-notes --no-relative "
                   "--src-prefix=a/ --dst-prefix=b/ '--format=%x00%H%x00%at%x00%an <%ae>'").format(shlex.quote(repository))
        for label, patterns in (("git log | rg, same patterns", SAME_PATTERNS), ("git log | rg, prefix+body only", PREFIX_BODY)):
            # --text: the commit markers of keyctl's git format are NUL bytes, which rg would take for binary.
            pipeline = git_log + " | " + " ".join(shlex.quote(part) for part in rg_command(patterns) + ["--text"])
            git_rg = measure(["sh", "-c", pipeline], options.runs)
            print(f"  {label}: found {len(found_in_text(git_rg.output, in_history))}/{len(in_history)}")
            comparison("time", keyctl_history, git_rg, "git log | rg", 2.0)
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
