"""Driving the server with concurrent keep-alive HTTP clients and timing every request.

One process, one event loop (uvloop when installed), one aiohttp connection pool of
`concurrency` connections: the client should leave the CPU to the server it measures.
Request bodies are built before the clock starts.
"""

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import aiohttp

T = TypeVar("T")


@dataclass(frozen=True)
class PlannedRequest:
    method: str
    path: str
    kind: str  # what the request stands for in the workload ("new", "first_page", ...)
    expected_status: int
    body: bytes | None = None


@dataclass(frozen=True)
class Outcome:
    kind: str
    status: int  # 0: no HTTP answer (connection error, timeout)
    seconds: float

    @property
    def is_error(self) -> bool:
        return self.status == 0 or self.status >= 400


@dataclass(frozen=True)
class LoadResult:
    outcomes: list[Outcome]
    elapsed_seconds: float
    unexpected: dict[str, int]  # "kind status" -> count, for answers other than expected


def run_async(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run `main()` on uvloop if it is installed (less client CPU), else asyncio's loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main())
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main())


@asynccontextmanager
async def api_session(
    base_url: str, token: str, *, connections: int
) -> AsyncIterator[aiohttp.ClientSession]:
    """An aiohttp session that sends the bearer token and keeps `connections` alive."""
    connector = aiohttp.TCPConnector(limit=connections, keepalive_timeout=60, ttl_dns_cache=None)
    async with aiohttp.ClientSession(
        base_url=base_url,
        connector=connector,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        cookie_jar=aiohttp.DummyCookieJar(),
        timeout=aiohttp.ClientTimeout(total=120),
    ) as session:
        yield session


async def _send(session: aiohttp.ClientSession, request: PlannedRequest) -> Outcome:
    started = time.perf_counter()
    try:
        async with session.request(request.method, request.path, data=request.body) as response:
            await response.read()
            status = response.status
    except (aiohttp.ClientError, TimeoutError):
        status = 0
    return Outcome(request.kind, status, time.perf_counter() - started)


async def drive(
    session: aiohttp.ClientSession,
    requests: Sequence[PlannedRequest],
    *,
    concurrency: int,
    start_interval_seconds: float = 0,
) -> LoadResult:
    """Send `requests` in order from `concurrency` clients, each one request at a time.

    With `start_interval_seconds`, client i starts i intervals after the first. Used in the
    warm-up: uvicorn's workers share one listening socket, and a burst of new connections
    tends to land on one worker (which then serves those keep-alive connections for the
    whole run); connections opened one by one go to whichever worker is free.
    """
    pending: Iterator[PlannedRequest] = iter(requests)
    outcomes: list[Outcome] = []
    unexpected: dict[str, int] = {}

    async def client(number: int) -> None:
        await asyncio.sleep(number * start_interval_seconds)
        for request in pending:
            outcome = await _send(session, request)
            outcomes.append(outcome)
            if outcome.status != request.expected_status:
                key = f"{request.kind} {outcome.status}"
                unexpected[key] = unexpected.get(key, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(client(number) for number in range(concurrency)))
    return LoadResult(outcomes, time.perf_counter() - started, unexpected)


def percentile_ms(seconds: Sequence[float], fraction: float) -> float:
    """The `fraction` percentile (0..1, linear interpolation) of `seconds`, in milliseconds."""
    if not seconds:
        return float("nan")
    ordered = sorted(seconds)
    position = (len(ordered) - 1) * fraction
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    value = ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)
    return round(value * 1000, 2)
