#!/usr/bin/env python3
"""A credential provider for keyctl's end-to-end tests, on a free loopback port.

It really issues and revokes keys, and its application endpoint accepts only keys valid now:
  POST   /admin/keys        {"idempotency_key": ..., "scopes": [...]} -> {"id": ..., "secret": ...}
                            (the same idempotency key returns the same key)
  DELETE /admin/keys/<id>   revoke (idempotent)
  POST   /admin/revoke      {"idempotency_key": ...} or {"fingerprint": "sha256:..."}: revoke
  GET    /check             Authorization: Bearer <key> -> 200 if valid, 401 otherwise
  GET    /admin/valid       -> {"count": n, "fingerprints": [...]}
A REST admin API like a commerce platform's, for keyctl's `http` issuer, behind
"Authorization: Bearer admin-token-for-tests":
  POST   /api/admin/api_keys   {"api_key": {"title", "scopes"}}, header Idempotency-Key
                               -> 201 {"api_key": {"id": n, "token": ..., "scopes": [...]}}
  DELETE /api/admin/api_keys/<id> -> 204, or 404 when there is no such key
  POST   /admin/mode        {"mode": "ok" | "garbage" | "slow" | "reject" | "error"}: how the
                            REST admin API answers from now on (for failure tests)
  POST   /admin/revocation  {"mode": "ok" | "ignored" | "unverifiable"}: deletes and revokes are
                            answered but not done (ignored), or /check answers 503 instead of 401
                            for a key that is not valid (unverifiable)
Prints the port on its first line of stdout, then serves until killed.
"""
import hashlib
import http.server
import json
import secrets
import sys
import threading
import time

lock = threading.Lock()
keys = {}          # id -> secret
by_idempotency = {}
ADMIN_TOKEN = "admin-token-for-tests"
mode = "ok"
revocation = "ok"
next_id = [1000]


def fingerprint(secret):
    return "sha256:" + hashlib.sha256(secret.encode()).hexdigest()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=None):
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length) or b"{}")

    def admin_api_refusal(self):
        """Answers for the REST admin API's failure modes; False when it should answer normally."""
        if mode == "slow":
            time.sleep(5)
        if mode == "garbage":
            data = b"<html>502 Bad Gateway</html>"
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return True
        if mode == "error":
            return self.reply(503, {"errors": "maintenance"}) or True
        if mode == "reject" or self.headers.get("Authorization") != f"Bearer {ADMIN_TOKEN}":
            return self.reply(401, {"errors": "[API] Invalid API key or access token"}) or True
        return False

    def do_GET(self):
        if self.path == "/check":
            token = (self.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
            with lock:
                ok = token in keys.values()
            if not ok and revocation == "unverifiable":
                return self.reply(503, {"errors": "unavailable"})
            return self.reply(200 if ok else 401, {"ok": ok})
        if self.path == "/admin/valid":
            with lock:
                return self.reply(200, {"count": len(keys), "fingerprints": sorted(fingerprint(s) for s in keys.values())})
        self.reply(404, {})

    def do_POST(self):
        global mode, revocation
        request = self.body()
        if self.path == "/admin/mode":
            mode = request["mode"]
            return self.reply(204)
        if self.path == "/admin/revocation":
            revocation = request["mode"]
            return self.reply(204)
        if self.path == "/api/admin/api_keys":
            if self.admin_api_refusal():
                return
            with lock:
                token = self.headers.get("Idempotency-Key") or secrets.token_hex(8)
                key_id = by_idempotency.get(token)
                if key_id is None or key_id not in keys:
                    next_id[0] += 1
                    key_id = str(next_id[0])
                    keys[key_id] = "shpat_" + secrets.token_hex(24)
                    by_idempotency[token] = key_id
                body = request.get("api_key") or {}
                return self.reply(201, {"api_key": {"id": int(key_id), "token": keys[key_id], "title": body.get("title"), "scopes": body.get("scopes")}})
        if self.path == "/admin/keys":
            with lock:
                token = request.get("idempotency_key") or secrets.token_hex(8)
                key_id = by_idempotency.get(token)
                if key_id is None or key_id not in keys:
                    key_id = "key_" + secrets.token_hex(6)
                    keys[key_id] = "sk_prov_" + secrets.token_urlsafe(30).replace("-", "x").replace("_", "y")
                    by_idempotency[token] = key_id
                return self.reply(201, {"id": key_id, "secret": keys[key_id]})
        if self.path == "/admin/revoke":
            if revocation == "ignored":
                return self.reply(204)
            with lock:
                key_id = by_idempotency.get(request.get("idempotency_key") or "")
                if key_id:
                    keys.pop(key_id, None)
                wanted = request.get("fingerprint")
                for other in [k for k, s in keys.items() if wanted and fingerprint(s) == wanted]:
                    keys.pop(other, None)
            return self.reply(204)
        self.reply(404, {})

    def do_DELETE(self):
        if self.path.startswith("/api/admin/api_keys/"):
            if self.admin_api_refusal():
                return
            with lock:
                gone = keys.pop(self.path.rsplit("/", 1)[1], None)
            return self.reply(204 if gone else 404, None if gone else {"errors": "Not Found"})
        if self.path.startswith("/admin/keys/"):
            if revocation == "ignored":
                return self.reply(204)
            with lock:
                keys.pop(self.path.rsplit("/", 1)[1], None)
            return self.reply(204)
        self.reply(404, {})


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
