"""Benchmark: server time of the agent console's two busiest pages on a large helpdesk.

Loads `--tickets` tickets (default 100,000) into a fresh database, gives one ticket
`--messages` messages (default 200, posted through the API like any channel would), signs
in to the console as the admin (who sees every ticket: the heaviest inbox), and times the
inbox ("All open", first page), its saved-view counts (a fragment the inbox loads right
after itself) and the ticket's page (latest 50 of its messages), interleaved, `--requests`
of each. Server time comes from the `Server-Timing` header (time
inside Django); the client-side latency is printed to stderr too.

    .venv/bin/python bench/console.py [--db sqlite|postgres] [--tickets 100000]

Prints one JSON line on stdout; progress goes to stderr.
"""

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from yarl import URL

from _database import add_database_arguments, chosen_vendor, fresh_database
from _http_load import api_session, percentile_ms, run_async
from _preload import load_tickets_into
from _server import (
    ADMIN_USERNAME,
    add_server_arguments,
    exit_cleanly_on_sigterm,
    log,
    prepare_instance,
    running_server,
    sapa_environment,
)

INBOX_PATH = "/inbox/?view=open"
# The saved views' counts, which the inbox loads right after itself.
COUNTS_PATH = "/inbox/views/?view=open"
WARMUP_REQUESTS = 10
_SERVER_TIMING = re.compile(r"app;dur=([0-9.]+)")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_arguments(parser)
    parser.add_argument("--tickets", type=int, default=100_000, help="tickets to load (100000)")
    parser.add_argument("--messages", type=int, default=200, help="messages on the ticket (200)")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page (200)")
    add_server_arguments(parser)
    return parser.parse_args()


async def _ticket_with_messages(base_url: str, token: str, count: int) -> int:
    """One customer writes `count` messages on WhatsApp: one ticket of `count` messages."""
    ticket_id = 0
    async with api_session(base_url, token, connections=1) as session:
        for number in range(count):
            body = {
                "channel": "whatsapp",
                "external_id": f"wamid.bench-console-{number}",
                "from": {"name": "Rina Kurniawati", "phone": "+6281299990000"},
                "text": f"Pesan ke-{number + 1}: paket INV-10398 masih transit di Hub Cakung?",
            }
            async with session.post("/api/v1/inbound", json=body) as response:
                response.raise_for_status()
                ticket_id = (await response.json())["ticket_id"]
    return ticket_id


async def _signed_in(base_url: str, password: str) -> aiohttp.ClientSession:
    # unsafe=True: the default jar refuses cookies from IP addresses such as 127.0.0.1.
    session = aiohttp.ClientSession(
        base_url=base_url,
        cookie_jar=aiohttp.CookieJar(unsafe=True),
        timeout=aiohttp.ClientTimeout(total=60),
    )
    try:
        async with session.get("/login/") as response:
            response.raise_for_status()
        csrf = session.cookie_jar.filter_cookies(URL(base_url)).get("csrftoken")
        if csrf is None:
            raise RuntimeError("the login page set no CSRF cookie")
        form = {
            "username": ADMIN_USERNAME,
            "password": password,
            "csrfmiddlewaretoken": csrf.value,
        }
        async with session.post(
            "/login/", data=form, headers={"Referer": f"{base_url}/login/"}, allow_redirects=False
        ) as response:
            if response.status != 302:
                raise RuntimeError(f"sign-in failed with {response.status}")
    except BaseException:
        await session.close()
        raise
    return session


async def _time(session: aiohttp.ClientSession, path: str) -> tuple[float, float]:
    """(server seconds, client seconds) of one GET."""
    started = time.perf_counter()
    async with session.get(path) as response:
        await response.read()
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}")
        timing = _SERVER_TIMING.search(response.headers.get("Server-Timing", ""))
    client = time.perf_counter() - started
    if timing is None:
        raise RuntimeError(f"{path} sent no Server-Timing header")
    return float(timing.group(1)) / 1000, client


async def _measure(base_url: str, token: str, password: str, args: argparse.Namespace) -> dict:
    log(f"posting {args.messages} messages into one ticket")
    ticket_id = await _ticket_with_messages(base_url, token, args.messages)
    ticket_path = f"/tickets/{ticket_id}/"
    session = await _signed_in(base_url, password)
    try:
        for _ in range(WARMUP_REQUESTS):
            await _time(session, INBOX_PATH)
            await _time(session, ticket_path)
        timings: dict[str, list[tuple[float, float]]] = {"inbox": [], "counts": [], "ticket": []}
        for _ in range(args.requests):
            timings["inbox"].append(await _time(session, INBOX_PATH))
            timings["counts"].append(await _time(session, COUNTS_PATH))
            timings["ticket"].append(await _time(session, ticket_path))
    finally:
        await session.close()
    result: dict[str, object] = {}
    for page, pairs in timings.items():
        server = [s for s, _c in pairs]
        client = [c for _s, c in pairs]
        result[f"{page}_p50_ms"] = percentile_ms(server, 0.50)
        result[f"{page}_p95_ms"] = percentile_ms(server, 0.95)
        p50, p95 = percentile_ms(client, 0.5), percentile_ms(client, 0.95)
        log(f"{page}: client-side p50 {p50} ms, p95 {p95} ms")
    return result


def main() -> None:
    exit_cleanly_on_sigterm()
    args = _arguments()
    vendor = chosen_vendor(args.db)
    with (
        tempfile.TemporaryDirectory(prefix="sapa-bench-") as temp,
        fresh_database(vendor, var_dir=Path(temp), name=args.db_name) as database,
    ):
        env = sapa_environment(var_dir=Path(temp), database_url=database.url)
        token = prepare_instance(env)
        load_tickets_into(env, tickets=args.tickets, seed=args.seed)
        with running_server(env, workers=args.workers) as server:
            figures = run_async(
                lambda: _measure(server.base_url, token, env["SAPA_ADMIN_PASSWORD"], args)
            )
    line = {
        "bench": "console",
        "db": vendor,
        "tickets": args.tickets,
        "ticket_messages": args.messages,
        **figures,
        "requests": args.requests,
    }
    print(json.dumps(line), flush=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
