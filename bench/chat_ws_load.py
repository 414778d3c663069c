"""Benchmark: the chat widget's websocket under many open widgets.

Starts Sapa like an operator would (one uvicorn process on a fresh database, see
_server.py), makes one chat widget, then opens `--idle` visitor websockets that stay
silent (widgets left open in browser tabs) and `--active` visitors that chat: each sends
`--turns` messages over its websocket, waiting for the bot's answer to each and then
`--think` seconds before the next (0: as fast as the server answers, its throughput).
Everything runs on loopback with bounded concurrency.

Reports the bot's answer time as the visitor sees it (message sent on the websocket to
the bot's reply arriving on it), how many idle connections dropped, and the server's
memory: resident set before and after the idle connections, per connection.

    .venv/bin/python bench/chat_ws_load.py [--db sqlite|postgres] [--idle 500] [--active 50]

Prints one JSON line on stdout; progress goes to stderr.
"""

import argparse
import asyncio
import itertools
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

from _database import add_database_arguments, chosen_vendor, fresh_database
from _http_load import percentile_ms, run_async
from _server import (
    add_server_arguments,
    exit_cleanly_on_sigterm,
    log,
    prepare_instance,
    run_sapa,
    running_server,
    sapa_environment,
)

# Messages an active visitor cycles through: ones the bot always answers (greetings,
# thanks, menu keys), so a visitor never ends up handed to a person mid-run.
SCRIPT = ["halo kak", "makasih ya min", "selamat siang", "oke terima kasih", "P", "hai min"]
REPLY_TIMEOUT_SECONDS = 15
SETUP_CONCURRENCY = 25

_MAKE_WIDGET = """
import json
from sapa.bot.config import get_settings
from sapa.channels.chat.models import ChatWidget
settings = get_settings()
settings.channels = ["chat"]
settings.business_hours = ""
settings.save()
widget = ChatWidget.objects.create(
    name="Bench", allowed_origins=ORIGIN, business_hours="mon-sun 00:00-23:59"
)
print(json.dumps({"key": widget.key}))
"""


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class Visitor:
    def __init__(self, session: aiohttp.ClientSession, base_url: str, key: str):
        self.session, self.base_url, self.key = session, base_url, key
        self.token = ""
        self.socket: aiohttp.ClientWebSocketResponse | None = None

    async def open(self) -> None:
        async with self.session.post(
            f"{self.base_url}/chat/v1/session", json={"key": self.key, "lang": "id"}
        ) as response:
            response.raise_for_status()
            self.token = (await response.json())["token"]
        ws_url = self.base_url.replace("http://", "ws://") + f"/ws/chat/?token={self.token}"
        self.socket = await self.session.ws_connect(ws_url, origin=self.base_url, heartbeat=None)

    async def next_event(self, timeout: float) -> dict[str, Any]:
        assert self.socket is not None
        message = await self.socket.receive(timeout=timeout)
        if message.type != aiohttp.WSMsgType.TEXT:
            raise ConnectionError(f"websocket {message.type.name}")
        return dict(json.loads(message.data))

    async def turn(self, text: str, client_id: str) -> float:
        """Send `text`; seconds until the bot's answer arrives."""
        assert self.socket is not None
        started = time.perf_counter()
        await self.socket.send_json({"type": "message", "text": text, "client_id": client_id})
        deadline = started + REPLY_TIMEOUT_SECONDS
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError("no answer from the bot")
            event = await self.next_event(left)
            if event.get("type") == "message" and event["message"]["author"] == "bot":
                return time.perf_counter() - started


async def _open_all(visitors: list[Visitor]) -> int:
    gate = asyncio.Semaphore(SETUP_CONCURRENCY)
    failed = 0

    async def one(visitor: Visitor) -> None:
        nonlocal failed
        async with gate:
            try:
                await visitor.open()
            except (TimeoutError, aiohttp.ClientError, OSError) as error:
                failed += 1
                log(f"could not open a visitor: {error}")

    await asyncio.gather(*(one(v) for v in visitors))
    return failed


async def _drain(visitor: Visitor) -> None:
    """Read what a freshly opened socket is sent (its status) so it does not count later."""
    try:
        while True:
            await visitor.next_event(0.2)
    except TimeoutError:
        return


async def _chat(
    visitor: Visitor, number: int, args: argparse.Namespace, latencies: list[float]
) -> int:
    errors = 0
    ids = itertools.count()
    await _drain(visitor)
    # Visitors start spread over the first think time, as people do.
    await asyncio.sleep(args.think * number / max(1, args.active))
    for step in range(args.turns):
        text = SCRIPT[(number + step) % len(SCRIPT)]
        try:
            latencies.append(await visitor.turn(text, f"b{number}-{next(ids)}"))
        except (TimeoutError, ConnectionError) as error:
            errors += 1
            log(f"visitor {number}: {error}")
        # the bot may send more than one message; let them arrive before the next turn
        await _drain(visitor)
        await asyncio.sleep(args.think)
    return errors


async def measure(base_url: str, key: str, pid: int, args: argparse.Namespace) -> dict[str, Any]:
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(
        connector=connector,
        cookie_jar=aiohttp.DummyCookieJar(),
        headers={"Origin": base_url},
        timeout=aiohttp.ClientTimeout(total=60),
    ) as session:
        warm = Visitor(session, base_url, key)
        await warm.open()
        await _drain(warm)
        await warm.turn("halo", "warm-1")  # loads the models
        await asyncio.sleep(1)
        rss_before = _rss_kb(pid)
        idle = [Visitor(session, base_url, key) for _ in range(args.idle)]
        log(f"opening {args.idle} idle widgets")
        failed_idle = await _open_all(idle)
        await asyncio.sleep(2)
        rss_idle = _rss_kb(pid)
        active = [Visitor(session, base_url, key) for _ in range(args.active)]
        log(f"opening {args.active} chatting visitors")
        failed_active = await _open_all(active)
        latencies: list[float] = []
        started = time.perf_counter()
        errors = await asyncio.gather(
            *(_chat(v, n, args, latencies) for n, v in enumerate(active) if v.socket)
        )
        elapsed = time.perf_counter() - started
        rss_end = _rss_kb(pid)
        dropped = sum(1 for v in idle if v.socket is None or v.socket.closed)
        for visitor in [warm, *idle, *active]:
            if visitor.socket is not None:
                await visitor.socket.close()
    opened_idle = args.idle - failed_idle
    return {
        "idle_connections": opened_idle,
        "idle_dropped": dropped - failed_idle,
        "active_visitors": args.active - failed_active,
        "turns": len(latencies),
        "turn_errors": sum(errors),
        "turns_per_second": round(len(latencies) / elapsed, 1) if elapsed else 0,
        "reply_p50_ms": percentile_ms(latencies, 0.50) if latencies else None,
        "reply_p95_ms": percentile_ms(latencies, 0.95) if latencies else None,
        "reply_max_ms": round(max(latencies) * 1000, 1) if latencies else 0,
        "rss_before_mb": round(rss_before / 1024, 1),
        "rss_with_idle_mb": round(rss_idle / 1024, 1),
        "rss_end_mb": round(rss_end / 1024, 1),
        "kb_per_idle_connection": round((rss_idle - rss_before) / max(1, opened_idle), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_arguments(parser)
    add_server_arguments(parser)
    parser.add_argument("--idle", type=int, default=500)
    parser.add_argument("--active", type=int, default=50)
    parser.add_argument("--turns", type=int, default=6)
    parser.add_argument(
        "--think",
        type=float,
        default=5.0,
        help="seconds a visitor waits after an answer before writing again (0: flat out)",
    )
    args = parser.parse_args()
    exit_cleanly_on_sigterm()
    with tempfile.TemporaryDirectory(prefix="sapa-bench-chat-") as tmp:
        var_dir = Path(tmp)
        with fresh_database(chosen_vendor(args.db), var_dir=var_dir, name=args.db_name) as db:
            env = sapa_environment(var_dir=var_dir, database_url=db.url)
            env.update(
                SAPA_CHAT_NEW_VISITORS_PER_IP_PER_HOUR="100000",
                SAPA_CHAT_MESSAGES_PER_MINUTE="1000",
                SAPA_CHAT_CONNECTS_PER_IP_PER_MINUTE="100000",
            )
            prepare_instance(env)
            with running_server(env, workers=1) as server:
                script = _MAKE_WIDGET.replace("ORIGIN", repr(server.base_url))
                key = json.loads(run_sapa("shell", "-c", script, env=env).strip().splitlines()[-1])
                result = run_async(lambda: measure(server.base_url, key["key"], server.pid, args))
    result = {"bench": "chat_ws_load", "db": db.vendor, "think_s": args.think, **result}
    print(json.dumps(result), flush=True)
    failed = result["idle_connections"] < args.idle or result["active_visitors"] < args.active
    if result["turn_errors"] or result["idle_dropped"] or failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
