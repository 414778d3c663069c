"""Benchmark: GET /api/v1/tickets?status=open latency on a large helpdesk.

Loads `--tickets` tickets (default 100,000; about a third open) straight into a fresh
database (see _ticket_loader.py), starts Sapa like an operator would (see _server.py), then
times two pages, interleaved, `--requests` of each, from `--concurrency` clients: the first
page, and the page after `--depth` pages of the cursor chain (at the default 50 per page and
depth 200: open tickets 10,001 to 10,050, reached by following next_cursor).

    .venv/bin/python bench/tickets_list.py [--db sqlite|postgres] [--tickets 100000]

Prints one JSON line on stdout ("requests" counts the timed requests of each page kind,
"deep_page_depth" the pages before the deep one); progress goes to stderr.
"""

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

import aiohttp

from _database import add_database_arguments, chosen_vendor, fresh_database
from _http_load import (
    LoadResult,
    PlannedRequest,
    api_session,
    drive,
    percentile_ms,
    run_async,
)
from _preload import load_tickets_into
from _server import (
    add_server_arguments,
    exit_cleanly_on_sigterm,
    log,
    prepare_instance,
    running_server,
    sapa_environment,
)

LIST_PATH = "/api/v1/tickets?status=open"
WARMUP_REQUESTS = 20


async def _deep_cursor(session: aiohttp.ClientSession, depth: int) -> tuple[str | None, int]:
    """Follow next_cursor from the first page for `depth` pages (fewer if the chain ends
    first); return the cursor of the page after them and how many pages were followed."""
    cursor, reached = None, 0
    for _ in range(depth):
        path = LIST_PATH + (f"&cursor={quote(cursor)}" if cursor else "")
        async with session.get(path) as response:
            response.raise_for_status()
            page = await response.json()
        if page["next_cursor"] is None:
            break
        cursor, reached = page["next_cursor"], reached + 1
    return cursor, reached


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_arguments(parser)
    parser.add_argument("--tickets", type=int, default=100_000, help="tickets to load (100000)")
    parser.add_argument("--depth", type=int, default=200, help="pages into the chain (200)")
    parser.add_argument(
        "--requests", type=int, default=300, help="timed requests of each page kind (300)"
    )
    parser.add_argument("--concurrency", type=int, default=1, help="clients (default: 1)")
    add_server_arguments(parser)
    return parser.parse_args()


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

            async def measure() -> tuple[LoadResult, int]:
                async with api_session(server.base_url, token, connections=args.concurrency) as s:
                    log(f"following next_cursor {args.depth} pages deep")
                    cursor, depth = await _deep_cursor(s, args.depth)
                    deep_path = LIST_PATH + (f"&cursor={quote(cursor)}" if cursor else "")
                    first = PlannedRequest("GET", LIST_PATH, "first_page", 200)
                    deep = PlannedRequest("GET", deep_path, "deep_page", 200)
                    await drive(
                        s,
                        [first, deep] * WARMUP_REQUESTS,
                        concurrency=args.concurrency,
                        start_interval_seconds=0.05,
                    )
                    if args.hold:
                        log(f"holding {args.hold} s; uvicorn workers: {server.worker_pids()}")
                        await asyncio.sleep(args.hold)
                    log(f"timed: {args.requests} of each page from {args.concurrency} clients")
                    cpu_before = server.worker_cpu_seconds()
                    result = await drive(
                        s, [first, deep] * args.requests, concurrency=args.concurrency
                    )
                    log(server.describe_worker_cpu(cpu_before, result.elapsed_seconds))
                    return result, depth

            result, depth = run_async(measure)

    if result.unexpected:
        log(f"unexpected answers (kind status: count): {result.unexpected}")
    first_seconds = [o.seconds for o in result.outcomes if o.kind == "first_page"]
    deep_seconds = [o.seconds for o in result.outcomes if o.kind == "deep_page"]
    line = {
        "bench": "tickets_list",
        "db": database.vendor,
        "tickets": args.tickets,
        "first_page_p50_ms": percentile_ms(first_seconds, 0.50),
        "first_page_p95_ms": percentile_ms(first_seconds, 0.95),
        "deep_page_p50_ms": percentile_ms(deep_seconds, 0.50),
        "deep_page_p95_ms": percentile_ms(deep_seconds, 0.95),
        "deep_page_depth": depth,
        "requests": args.requests,
    }
    print(json.dumps(line), flush=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        log("interrupted; cleaned up")
        sys.exit(130)
