"""A stand-in for the Telegram Bot API on a loopback port: it answers the methods Sapa calls
the way Telegram does (the documented JSON shapes and error bodies), serves files, and
records every call so tests can read what Sapa sent."""

import email.parser
import email.policy
import itertools
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

BOT_ID = 7000000001
BOT_TOKEN = "7000000001:AAHfakeTokenForTestsOnly_0123456789ab"


@dataclass
class Call:
    method: str
    token: str
    params: dict[str, Any]
    files: dict[str, tuple[str, str, bytes]] = field(default_factory=dict)


class FakeTelegram:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.queued: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id -> (file_path, bytes)
        self.downloads: list[str] = []
        self.bot = {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Toko Buku",
            "username": "tokobuku_bot",
        }
        self._message_ids = itertools.count(5000)
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeTelegram":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- what tests set up ----------------------------------------------------------
    def answer_next(self, method: str, status: int, body: dict[str, Any]) -> None:
        """The next call of `method` gets this answer instead of the usual one."""
        self.queued.setdefault(method, []).append((status, body))

    def fail_next(self, method: str, status: int, description: str, **parameters: Any) -> None:
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if parameters:
            body["parameters"] = parameters
        self.answer_next(method, status, body)

    def add_file(self, file_id: str, content: bytes, *, path: str = "") -> None:
        self.files[file_id] = (path or f"documents/{file_id}.bin", content)

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    # --- answering --------------------------------------------------------------------
    def _answer(self, call: Call) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.calls.append(call)
            queued = self.queued.get(call.method)
            if queued:
                return queued.pop(0)
        if call.method == "getMe":
            return 200, {"ok": True, "result": self.bot}
        if call.method in ("sendMessage", "sendPhoto", "sendDocument"):
            chat = {"id": int(call.params.get("chat_id", 0)), "type": "private"}
            result = {"message_id": next(self._message_ids), "chat": chat, "date": 1767225600}
            return 200, {"ok": True, "result": result}
        if call.method == "getFile":
            found = self.files.get(str(call.params.get("file_id")))
            if found is None:
                return 400, {
                    "ok": False,
                    "error_code": 400,
                    "description": "Bad Request: invalid file_id",
                }
            path, content = found
            result = {
                "file_id": call.params["file_id"],
                "file_size": len(content),
                "file_path": path,
            }
            return 200, {"ok": True, "result": result}
        return 200, {"ok": True, "result": True}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                # /file/bot<token>/<file_path>
                prefix = f"/file/bot{BOT_TOKEN}/"
                if not self.path.startswith(prefix):
                    self._send(404, b"Not Found", "text/plain")
                    return
                wanted = self.path[len(prefix) :]
                fake.downloads.append(wanted)
                for path, content in fake.files.values():
                    if path == wanted:
                        self._send(200, content, "application/octet-stream")
                        return
                self._send(404, b"Not Found", "text/plain")

            def do_POST(self) -> None:
                token, _sep, method = self.path.removeprefix("/bot").partition("/")
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                kind = self.headers.get("Content-Type", "")
                params, files = _read_body(body, kind)
                if token != BOT_TOKEN:
                    status, answer = (
                        401,
                        {"ok": False, "error_code": 401, "description": "Unauthorized"},
                    )
                    fake.calls.append(Call(method, token, params, files))
                else:
                    status, answer = fake._answer(Call(method, token, params, files))
                self._send(status, json.dumps(answer).encode(), "application/json")

        return Handler


def _read_body(
    body: bytes, content_type: str
) -> tuple[dict[str, Any], dict[str, tuple[str, str, bytes]]]:
    if content_type.startswith("application/json"):
        return json.loads(body or b"{}"), {}
    if not content_type.startswith("multipart/form-data"):
        return {}, {}
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    params: dict[str, Any] = {}
    files: dict[str, tuple[str, str, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        content = part.get_payload(decode=True) or b""
        if filename is not None:
            files[str(name)] = (filename, part.get_content_type(), content)
        else:
            params[str(name)] = content.decode()
    return params, files
