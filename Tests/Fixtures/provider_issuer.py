#!/usr/bin/env python3
"""keyctl's exec issuer protocol, backed by fake_provider.py at $PROVIDER_URL."""
import json
import os
import sys
import urllib.error
import urllib.request

base = os.environ["PROVIDER_URL"]
request = json.load(sys.stdin)


def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=5) as response:
            text = response.read()
            return json.loads(text) if text else None
    except (urllib.error.URLError, ConnectionError) as error:
        print(f"provider unreachable: {error}", file=sys.stderr)
        sys.exit(75)


if request["action"] == "create":
    created = call("POST", "/admin/keys", {"idempotency_key": request["idempotency_key"], "scopes": request["scopes"]})
    json.dump({"secret": created["secret"], "id": created["id"]}, sys.stdout)
elif request["action"] == "delete":
    if request.get("id"):
        call("DELETE", "/admin/keys/" + request["id"])
    call("POST", "/admin/revoke", {"idempotency_key": request.get("idempotency_key"), "fingerprint": request.get("fingerprint")})
else:
    print("unknown action", file=sys.stderr)
    sys.exit(2)
