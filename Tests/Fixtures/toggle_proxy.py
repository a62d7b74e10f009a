#!/usr/bin/env python3
"""A TCP proxy on a free loopback port to 127.0.0.1:UPSTREAM, for tests of a service going down.

Prints its port and its process id on the first line (python3 may be a wrapper's child). SIGUSR1 takes the service down (connections are refused and
open ones cut); SIGUSR2 brings it back. Exits with the process that started it.
"""
import os
import signal
import socket
import sys
import threading
import time

upstream = int(sys.argv[1])
parent = os.getppid()
port = None
listener = None
up = True
connections = []
lock = threading.Lock()


def listen():
    global listener, port
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port or 0))
    port = listener.getsockname()[1]
    listener.listen(64)
    threading.Thread(target=accept, args=(listener,), daemon=True).start()


def pipe(source, sink):
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def accept(sock):
    while True:
        try:
            client, _ = sock.accept()
        except OSError:
            return
        try:
            server = socket.create_connection(("127.0.0.1", upstream))
        except OSError:
            client.close()
            continue
        with lock:
            connections.extend([client, server])
        threading.Thread(target=pipe, args=(client, server), daemon=True).start()
        threading.Thread(target=pipe, args=(server, client), daemon=True).start()


def down(*_):
    global up
    if not up:
        return
    up = False
    try:
        listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
    except OSError:
        pass
    listener.close()
    with lock:
        for s in connections:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        connections.clear()


def back(*_):
    global up
    if not up:
        up = True
        listen()


listen()
# A parent's thread may have had these blocked when it spawned us; the mask is inherited.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1, signal.SIGUSR2})
signal.signal(signal.SIGUSR1, down)
signal.signal(signal.SIGUSR2, back)
print(port, os.getpid(), flush=True)
while os.getppid() == parent:
    time.sleep(0.5)
