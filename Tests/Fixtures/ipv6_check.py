#!/usr/bin/env python3
"""An HTTP server on a free port of the IPv6 loopback address ::1 only, for tests that plain HTTP
to [::1] really connects there. Prints its port on the first line. GET /check answers 200 to
"Authorization: Bearer good" and 401 to anything else. Exits with the process that started it.
"""
import http.server
import os
import socket
import sys
import threading
import time


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        accepted = self.path == "/check" and self.headers.get("Authorization") == "Bearer good"
        self.send_response(200 if accepted else 401)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6


parent = os.getppid()
server = Server(("::1", 0), Handler)
print(server.server_address[1], flush=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
while os.getppid() == parent:
    time.sleep(0.5)
sys.exit(0)
