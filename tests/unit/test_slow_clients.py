"""Slow clients (a header line every second or so, the "slowloris" pattern) cannot tie up a real
gunicorn started with gunicorn.conf.py: /healthz still answers while a dozen of them are held,
and the server drops them once their headers have taken too long."""

from __future__ import annotations

import select
import socket
import threading
import time
import urllib.request

from tests.gunicorn_server import gunicorn

SLOW_CONNECTIONS = 12  # more than the 2 workers x 4 threads a threaded gunicorn had
REQUEST_TIMEOUT = 5  # generous: an idle server answers /healthz in milliseconds


class SlowClient:
    """One connection that sends a request's headers a line at a time and never finishes them."""

    def __init__(self, port: int, n: int):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        self.n = n
        self.lines = 0
        self.dropped = False

    def trickle(self) -> None:
        """Send one more header line, unless the server has closed the connection."""
        if self.dropped:
            return
        readable, _, _ = select.select([self.sock], [], [], 0)
        try:
            if readable and not self.sock.recv(4096):
                raise ConnectionResetError
            self.sock.sendall(b"X-Slow-%d-%d: keep waiting\r\n" % (self.n, self.lines))
            self.lines += 1
        except OSError:
            self.dropped = True
            self.sock.close()


def test_slow_clients_neither_block_the_server_nor_stay_connected():
    with gunicorn() as (base, port, log):
        clients = [SlowClient(port, n) for n in range(SLOW_CONNECTIONS)]
        stop = threading.Event()

        def trickle_all() -> None:
            while not stop.is_set() and not all(c.dropped for c in clients):
                for client in clients:
                    client.trickle()
                stop.wait(1.0)

        trickler = threading.Thread(target=trickle_all, daemon=True)
        trickler.start()
        try:
            time.sleep(2.5)  # every slow connection has been accepted and is sending headers
            assert sum(c.lines for c in clients) >= SLOW_CONNECTIONS  # they are being held
            for _ in range(3):
                with urllib.request.urlopen(base + "/healthz", timeout=REQUEST_TIMEOUT) as response:
                    assert response.status == 200
            # A header read timeout ends them, well before a thread-per-connection server would.
            trickler.join(timeout=30)
            assert all(c.dropped for c in clients), [c.lines for c in clients if not c.dropped]
            with urllib.request.urlopen(base + "/healthz", timeout=REQUEST_TIMEOUT) as response:
                assert response.status == 200
        finally:
            stop.set()
            trickler.join(timeout=5)
            for client in clients:
                client.sock.close()
