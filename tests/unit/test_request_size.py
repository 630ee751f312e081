"""A callback body over MAX_CONTENT_LENGTH gets 413, also when it comes in chunks (Transfer-Encoding:
chunked, no Content-Length), on a real gunicorn with gunicorn.conf.py."""

from __future__ import annotations

import socket

import pytest

from tests.gunicorn_server import gunicorn
from web.hosting import MAX_BODY_BYTES


@pytest.fixture(scope="module")
def server():
    with gunicorn({"WEB_CONCURRENCY": "1"}) as running:
        yield running


def _status(port: int, request: bytes, body_chunks: list[bytes]) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        try:
            for chunk in body_chunks:
                sock.sendall(chunk)
        except OSError:  # the server may answer and close before reading it all
            pass
        answer = b""
        while b"\r\n" not in answer:
            data = sock.recv(4096)
            if not data:
                break
            answer += data
    return int(answer.split(b" ", 2)[1])


def _chunked(total: int, size: int = 64 * 1024) -> list[bytes]:
    body = b'{"output": "' + b"x" * total + b'"}'
    chunks = [body[i:i + size] for i in range(0, len(body), size)]
    return [b"%x\r\n%s\r\n" % (len(c), c) for c in chunks] + [b"0\r\n\r\n"]


HEAD = (b"POST /_dash-update-component HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n")


def test_an_oversized_chunked_body_gets_413(server):
    _, port, _ = server
    request = HEAD + b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    assert _status(port, request, _chunked(MAX_BODY_BYTES + 1024)) == 413


def test_an_oversized_body_with_a_length_gets_413(server):
    _, port, _ = server
    size = MAX_BODY_BYTES + 1024
    request = HEAD + b"Content-Length: %d\r\nConnection: close\r\n\r\n" % size
    assert _status(port, request, [b"x" * size]) == 413


def test_a_small_chunked_body_is_read_as_usual(server):
    _, port, _ = server
    request = HEAD + b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    assert _status(port, request, _chunked(100)) == 400  # read, and refused as an unknown callback


def test_a_chunked_body_of_exactly_the_limit_is_not_refused_as_too_large(server):
    _, port, _ = server
    request = HEAD + b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    chunks = _chunked(MAX_BODY_BYTES - len(b'{"output": ""}'))
    assert _status(port, request, chunks) == 400  # the whole body read: an unknown callback
