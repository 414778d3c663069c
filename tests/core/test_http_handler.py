"""The ASGI handler serves requests through the sync middleware stack, each on a thread of
its own while it runs, reusing threads afterwards."""

import asyncio
import json
import threading

import pytest
from asgiref.testing import ApplicationCommunicator

from sapa.core.http_handler import SyncStackASGIHandler


def _scope(path: str, *, headers: list[tuple[bytes, bytes]] | None = None) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), *(headers or [])],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }


async def _get(handler: SyncStackASGIHandler, path: str, **kwargs) -> tuple[int, dict, bytes]:
    communicator = ApplicationCommunicator(handler, _scope(path, **kwargs))
    await communicator.send_input({"type": "http.request", "body": b"", "more_body": False})
    start = await communicator.receive_output(timeout=10)
    body = b""
    while True:
        part = await communicator.receive_output(timeout=10)
        body += part.get("body", b"")
        if not part.get("more_body"):
            break
    return start["status"], dict(start["headers"]), body


@pytest.mark.django_db(transaction=True)
def test_serves_health_and_api_errors_through_the_middleware_stack():
    handler = SyncStackASGIHandler()

    async def scenario():
        health = await _get(handler, "/healthz")
        unauthorised = await _get(handler, "/api/v1/tickets")
        return health, unauthorised

    health, unauthorised = asyncio.run(scenario())
    assert health[0] == 200
    assert json.loads(health[2]) == {"status": "ok", "database": "ok"}
    assert unauthorised[0] == 401
    assert unauthorised[1][b"WWW-Authenticate"] == b"Bearer"
    # the middleware ran: security headers are set on every response
    assert health[1][b"X-Content-Type-Options"] == b"nosniff"


def test_a_slow_request_does_not_block_another(settings):
    """Two requests in flight run on two threads; the second does not wait for the first."""
    handler = SyncStackASGIHandler()
    entered = threading.Event()
    release = threading.Event()
    seen_threads: set[tuple[int, str]] = set()

    def slow_view(request):
        from django.http import HttpResponse

        seen_threads.add((threading.get_ident(), threading.current_thread().name))
        if request.path == "/slow":
            entered.set()
            assert release.wait(10)
        else:
            release.set()
        return HttpResponse("ok")

    from django.urls import path

    urlconf = type("Urls", (), {"urlpatterns": [path("slow", slow_view), path("fast", slow_view)]})
    settings.ROOT_URLCONF = urlconf

    async def scenario():
        slow = asyncio.create_task(_get(handler, "/slow"))
        await asyncio.get_running_loop().run_in_executor(None, entered.wait, 10)
        fast = await _get(handler, "/fast")
        return await slow, fast

    slow, fast = asyncio.run(scenario())
    assert (slow[0], fast[0]) == (200, 200)
    assert len(seen_threads) == 2
    assert all(name.startswith("sapa-request") for _ident, name in seen_threads)


@pytest.mark.django_db
def test_every_response_says_how_long_the_server_took(client):
    response = client.get("/healthz")
    name, duration = response["Server-Timing"].split(";dur=")
    assert name == "app"
    assert float(duration) >= 0
