"""The ASGI handler for HTTP: Django's, with the request's sync work kept on one thread.

Django's own ASGI handler runs sync middleware in async mode, hopping to a worker thread
for each middleware hook (about a dozen hops per request), and starts a fresh thread per
request. Sapa's views and middleware are all sync, so this handler builds the middleware
chain in sync mode, runs the whole chain and view in one `sync_to_async` call, and reuses
single-thread executors across requests. Measured on the ingest benchmark: about a fifth
more requests per second at lower latency (docs/decisions/0006-http-handler.md).

Each request still has a thread of its own while it runs: a slow request never blocks
another, and the thread's database connection is its own.
"""

import queue
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponseBase

# Idle single-thread executors, taken by a request and given back when it ends.
_idle_executors: "queue.SimpleQueue[ThreadPoolExecutor]" = queue.SimpleQueue()


def _take_executor() -> ThreadPoolExecutor:
    try:
        return _idle_executors.get_nowait()
    except queue.Empty:
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="sapa-request")


class SyncStackASGIHandler(ASGIHandler):
    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        executor = _take_executor()
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.handle(scope, receive, send)
        finally:
            _idle_executors.put(executor)
