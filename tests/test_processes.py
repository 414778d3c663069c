"""Sapa as a user runs it: `sapa run` (web + API + worker) in real processes."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SAPA = [sys.executable, "-m", "sapa"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(SAPA_VAR_DIR=str(var_dir), SAPA_ADMIN_PASSWORD="rahasia-admin-123", **extra)
    return env


def _request(
    url: str, *, token: str = "", body: Any = None, method: str = "GET"
) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310
    request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def _wait_for(url: str, process: subprocess.Popen[str], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"server exited early: {process.stdout.read() if process.stdout else ''}"
            )
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in {seconds}s")


class Served:
    def __init__(self, base: str, token: str, process: subprocess.Popen[str]) -> None:
        self.base, self.token, self.process = base, token, process


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Any]:
    """Start `sapa run` on a free port with its own var dir; stopped with SIGINT (Ctrl-C)."""
    processes: list[subprocess.Popen[str]] = []

    def start(*args: str, **extra_env: str) -> Served:
        port = _free_port()
        env = _env(tmp_path / "var", **extra_env)
        process = subprocess.Popen(
            [*SAPA, "run", "--port", str(port), *args],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        processes.append(process)
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/healthz", process)
        token = subprocess.run(
            [*SAPA, "token", "create", "--user", "admin"],
            env=env, check=True, capture_output=True, text=True,
        ).stdout.strip().splitlines()[-1]  # fmt: skip
        return Served(base, token, process)

    yield start
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _reply_is_delivered(base: str, token: str) -> None:
    status, created = _request(
        f"{base}/api/v1/inbound",
        token=token,
        method="POST",
        body={"channel": "email", "external_id": "<e2e@x>", "from": {"email": "e2e@example.com"},
              "text": "halo, ini tes"},
    )  # fmt: skip
    assert status == 201, created
    ticket_url = f"{base}/api/v1/tickets/{created['ticket_id']}"
    status, sent = _request(
        f"{ticket_url}/replies", token=token, method="POST", body={"text": "Halo!"}
    )
    assert status == 201, sent
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        _status, ticket = _request(ticket_url, token=token)
        outbound = [m for m in ticket["messages"] if m["direction"] == "outbound"]
        if outbound and outbound[0]["delivery_status"] == "sent":
            return
        time.sleep(0.3)
    raise AssertionError("the worker did not deliver the reply")


def test_run_serves_demo_api_and_worker_and_stops_on_ctrl_c(serve):
    """First start: migrated, demo loaded, admin printed; the worker delivers replies; Ctrl-C
    stops web and worker cleanly."""
    served = serve()
    assert _request(f"{served.base}/healthz") == (200, {"status": "ok", "database": "ok"})
    status, spec = _request(f"{served.base}/api/v1/openapi.json")
    assert status == 200
    assert "/api/v1/inbound" in spec["paths"]
    status, tickets = _request(f"{served.base}/api/v1/tickets", token=served.token)
    assert status == 200
    assert len(tickets["items"]) > 5  # the demo's tickets
    _reply_is_delivered(served.base, served.token)
    served.process.send_signal(signal.SIGINT)
    output, _ = served.process.communicate(timeout=30)
    assert served.process.returncode == 0, output
    assert "password: rahasia-admin-123" in output


def test_run_with_redis_queues_work_in_redis(serve, redis_url):
    """With REDIS_URL set, the same processes use Redis for the queue (and channel layer)."""
    import redis

    served = serve("--no-demo", REDIS_URL=redis_url)
    _reply_is_delivered(served.base, served.token)
    # the delivery task went through Redis: enqueued with LPUSH, taken with BRPOP
    stats = redis.Redis.from_url(redis_url).info("commandstats")
    assert stats["cmdstat_lpush"]["calls"] >= 1
    assert stats["cmdstat_brpop"]["calls"] >= 1


def test_healthz_reports_an_unreachable_database(tmp_path):
    """503 naming the problem when the database does not answer."""
    port = _free_port()
    env = _env(tmp_path / "var", DATABASE_URL=f"postgres://postgres@127.0.0.1:{_free_port()}/x")
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "sapa.asgi:application", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, body = _request(f"http://127.0.0.1:{port}/healthz")
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, "uvicorn did not start"
                time.sleep(0.2)
        assert status == 503
        assert body["status"] == "error"
        assert body["database"]
    finally:
        process.terminate()
        process.wait(timeout=10)
