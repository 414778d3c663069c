"""A real HTTP receiver on 127.0.0.1 for webhook tests, and webhooks allowed to reach it."""

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Received:
    path: str
    headers: Message  # case-insensitive, as HTTP headers are
    body: bytes


@dataclass
class Receiver:
    """Records every request; answers each with the next status of `answers` (200 when the
    list runs out)."""

    url: str
    requests: list[Received] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_status(self) -> int:
        with self.lock:
            return self.answers.pop(0) if self.answers else 200


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    box: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            target = box["receiver"]
            target.requests.append(Received(self.path, self.headers, body))
            status = target.next_status()
            payload = b'{"ok": true}' if status < 300 else b"boom " * 400
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", target.url + "elsewhere")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box["receiver"] = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/hooks/")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield box["receiver"]
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(autouse=True)
def _private_networks_allowed(settings: Any) -> None:
    """The receiver lives on loopback; the SSRF tests switch this off again."""
    settings.SAPA_WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
