"""A stand-in for Meta's Graph API on a loopback port: it records every request, checks the
bearer token, answers the calls Sapa makes (send, upload, media, templates) the way the
Cloud API does, and can be told to fail the next sends with an error code."""

import itertools
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

TOKEN = "EAAtesttoken1234567890"
VERSION = "v21.0"


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class FakeMedia:
    content: bytes
    mime_type: str
    declared_size: int | None = None


@dataclass
class FakeGraph:
    base_url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    media: dict[str, FakeMedia] = field(default_factory=dict)
    templates: list[dict[str, Any]] = field(default_factory=list)
    page_size: int = 2
    # (HTTP status, body) answers for the next sends, first first.
    send_errors: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    media_errors: list[int] = field(default_factory=list)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def sent(self) -> list[dict[str, Any]]:
        """The JSON of every message sent so far, oldest first."""
        return [
            r.json() for r in self.requests if r.method == "POST" and r.path.endswith("/messages")
        ]

    def uploads(self) -> list[Recorded]:
        return [r for r in self.requests if r.method == "POST" and r.path.endswith("/media")]

    def fail_next_send(self, code: int, message: str = "", *, status: int = 400) -> None:
        self.send_errors.append(
            (
                status,
                {
                    "error": {
                        "message": message or f"(#{code}) error",
                        "type": "OAuthException",
                        "code": code,
                        "error_data": {"messaging_product": "whatsapp", "details": message},
                        "fbtrace_id": "AbCdEf",
                    }
                },
            )
        )

    def next_id(self) -> int:
        return next(self._ids)


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _record(self) -> Recorded:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        recorded = Recorded(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        self.server.fake.requests.append(recorded)
        return recorded

    def _send_json(self, status: int, data: Any) -> None:
        raw = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _authorised(self, recorded: Recorded) -> bool:
        if recorded.headers.get("authorization") == f"Bearer {TOKEN}":
            return True
        self._send_json(
            401,
            {
                "error": {
                    "message": "Error validating access token: Session has expired.",
                    "type": "OAuthException",
                    "code": 190,
                    "error_subcode": 463,
                    "fbtrace_id": "AbCdEf",
                }
            },
        )
        return False

    def do_GET(self) -> None:
        recorded = self._record()
        if not self._authorised(recorded):
            return
        fake = self.server.fake
        if match := re.fullmatch(r"/media-files/(.+)", recorded.path):
            found = fake.media.get(match.group(1))
            if found is None:
                self._send_json(404, {"error": {"message": "gone", "code": 100}})
                return
            self.send_response(200)
            self.send_header("Content-Type", found.mime_type)
            self.send_header("Content-Length", str(len(found.content)))
            self.end_headers()
            self.wfile.write(found.content)
            return
        if match := re.fullmatch(rf"/{VERSION}/(\d+)/message_templates", recorded.path):
            self._templates(recorded)
            return
        if match := re.fullmatch(rf"/{VERSION}/([\w.-]+)", recorded.path):
            if fake.media_errors:
                self._send_json(fake.media_errors.pop(0), {"error": {"message": "down", "code": 2}})
                return
            media_id = match.group(1)
            found = fake.media.get(media_id)
            if found is None:
                self._send_json(400, {"error": {"message": "no media", "code": 100}})
                return
            size = found.declared_size if found.declared_size is not None else len(found.content)
            self._send_json(
                200,
                {
                    "messaging_product": "whatsapp",
                    "url": f"{fake.base_url}/media-files/{media_id}",
                    "mime_type": found.mime_type,
                    "sha256": "0" * 64,
                    "file_size": str(size),
                    "id": media_id,
                },
            )
            return
        self._send_json(404, {"error": {"message": "unknown path", "code": 100}})

    def _templates(self, recorded: Recorded) -> None:
        fake = self.server.fake
        start = int(recorded.query.get("after", ["0"])[0])
        page = fake.templates[start : start + fake.page_size]
        answer: dict[str, Any] = {"data": page, "paging": {"cursors": {"before": str(start)}}}
        if start + fake.page_size < len(fake.templates):
            after = str(start + fake.page_size)
            answer["paging"]["cursors"]["after"] = after
            answer["paging"]["next"] = f"https://graph.facebook.com/next?after={after}"
        self._send_json(200, answer)

    def do_POST(self) -> None:
        recorded = self._record()
        if not self._authorised(recorded):
            return
        fake = self.server.fake
        if re.fullmatch(rf"/{VERSION}/(\d+)/media", recorded.path):
            self._send_json(200, {"id": f"upload-{fake.next_id()}"})
            return
        if re.fullmatch(rf"/{VERSION}/(\d+)/messages", recorded.path):
            if fake.send_errors:
                status, body = fake.send_errors.pop(0)
                self._send_json(status, body)
                return
            sent = recorded.json()
            wamid = f"wamid.OUT{fake.next_id():06d}"
            self._send_json(
                200,
                {
                    "messaging_product": "whatsapp",
                    "contacts": [{"input": sent.get("to"), "wa_id": sent.get("to")}],
                    "messages": [{"id": wamid}],
                },
            )
            return
        self._send_json(404, {"error": {"message": "unknown path", "code": 100}})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeGraph


def start() -> tuple[_Server, threading.Thread]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.fake = FakeGraph(base_url=f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread
