"""Benchmark: signed WhatsApp webhook deliveries, end to end.

Starts Sapa like an operator would on a fresh database: uvicorn (`--workers` processes) and
`--worker-processes` workers (`sapa worker`). On SQLite the queue is SqliteHuey beside the
database; on PostgreSQL it is Redis (a private redis-server on a free port). One WhatsApp
account is set up; then `--deliveries` webhook POSTs go to /hooks/whatsapp/ from
`--concurrency` clients, each signed with the app secret (X-Hub-Signature-256) and carrying
one text message: new customers and returning ones, 10% replays of an earlier delivery (the
same bytes, as Meta retries), 1% forged (a wrong signature). The web request checks the
signature and keeps the delivery; the workers take each message in (customer, ticket,
message). The bench waits until every message is stored (or `--timeout`).

    .venv/bin/python bench/webhooks.py [--db sqlite|postgres] [--deliveries 2000]

Prints one JSON line: deliveries, rps (webhook requests answered per second), p50/p95_ms
(their latency), stored (messages stored), duplicates_stored (must be 0), forged_accepted
(forged requests answered 2xx or kept: must be 0), end_to_end_rps (messages stored per
second, from the first request to the last message stored) and errors. Progress: stderr.
"""

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import json
import random
import secrets
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from _database import add_database_arguments, chosen_vendor, fresh_database
from _http_load import percentile_ms, run_async
from _server import exit_cleanly_on_sigterm, log, prepare_instance, running_server, sapa_environment
from routing import private_redis, running_workers

SCENARIO = Path(__file__).with_name("_webhooks_scenario.py")
PHONE_NUMBER_ID = "100000000000001"
REPLAY_SHARE = 0.10
FORGED_SHARE = 0.01
RETURNING_SHARE = 0.5
TEXTS = [
    "Halo kak, pesanan saya belum sampai, bisa dicek?",
    "Min, sudah transfer tapi status masih menunggu pembayaran",
    "Apakah buku ini ready stok?",
    "Saya mau retur, barangnya rusak",
    "Terima kasih kak, paketnya sudah sampai",
]


@dataclass(frozen=True)
class Planned:
    kind: str  # "new", "replay" or "forged"
    body: bytes
    signature: str


def _signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def plan(count: int, *, secret: str, seed: int, marker: str) -> tuple[list[Planned], int]:
    """The requests in order, and how many distinct messages they carry."""
    rng = random.Random(seed)
    planned: list[Planned] = []
    customers: list[str] = []
    unique = 0
    for number in range(count):
        roll = rng.random()
        if roll < FORGED_SHARE:
            body = _body(f"wamid.{marker}.{number}", "6289900000000", marker, number)
            planned.append(Planned("forged", body, _signature("not-the-app-secret", body)))
            continue
        earlier = [p for p in planned[-500:] if p.kind == "new"]
        if roll < FORGED_SHARE + REPLAY_SHARE and earlier:
            again = rng.choice(earlier)
            planned.append(Planned("replay", again.body, again.signature))
            continue
        if customers and rng.random() < RETURNING_SHARE:
            sender = rng.choice(customers[-300:])
        else:
            sender = f"62812{len(customers):08d}"
            customers.append(sender)
        body = _body(f"wamid.bench{seed}.{number:07d}", sender, rng.choice(TEXTS), number)
        planned.append(Planned("new", body, _signature(secret, body)))
        unique += 1
    return planned, unique


def _body(wamid: str, sender: str, text: str, number: int) -> bytes:
    payload: dict[str, Any] = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "200000000000001",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "6281100000001",
                                "phone_number_id": PHONE_NUMBER_ID,
                            },
                            "contacts": [
                                {"profile": {"name": f"Pelanggan {sender[-4:]}"}, "wa_id": sender}
                            ],
                            "messages": [
                                {
                                    "from": sender,
                                    "id": wamid,
                                    "timestamp": str(1795000000 + number),
                                    "type": "text",
                                    "text": {"body": text},
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }
    return json.dumps(payload, separators=(",", ":")).encode()


def scenario_output(env: dict[str, str], *args: str) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, str(SCENARIO), *args],
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        stderr=sys.stderr,
        text=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Outcome:
    kind: str
    status: int
    seconds: float


async def send_all(
    base_url: str, planned: list[Planned], concurrency: int
) -> tuple[list[Outcome], float]:
    connector = aiohttp.TCPConnector(limit=concurrency, keepalive_timeout=60)
    pending = iter(planned)
    outcomes: list[Outcome] = []
    async with aiohttp.ClientSession(
        base_url=base_url, connector=connector, timeout=aiohttp.ClientTimeout(total=120)
    ) as session:

        async def client(number: int) -> None:
            await asyncio.sleep(number * 0.02)
            for request in pending:
                started = time.perf_counter()
                try:
                    async with session.post(
                        "/hooks/whatsapp/",
                        data=request.body,
                        headers={
                            "Content-Type": "application/json",
                            "X-Hub-Signature-256": request.signature,
                        },
                    ) as response:
                        await response.read()
                        status = response.status
                except (aiohttp.ClientError, TimeoutError):
                    status = 0
                outcomes.append(Outcome(request.kind, status, time.perf_counter() - started))

        started = time.perf_counter()
        await asyncio.gather(*(client(n) for n in range(concurrency)))
    return outcomes, time.perf_counter() - started


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_arguments(parser)
    parser.add_argument("--deliveries", type=int, default=2000, help="webhook POSTs (2000)")
    parser.add_argument("--concurrency", type=int, default=16, help="HTTP clients (16)")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers (2)")
    parser.add_argument("--worker-processes", type=int, default=2, help="sapa worker (2)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait (600)")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


def main() -> None:
    exit_cleanly_on_sigterm()
    args = _arguments()
    vendor = chosen_vendor(args.db)
    secret = secrets.token_hex(16)
    marker = f"forged{secrets.token_hex(4)}"
    planned, unique = plan(args.deliveries, secret=secret, seed=args.seed, marker=marker)
    with (
        tempfile.TemporaryDirectory(prefix="sapa-bench-webhooks-") as temp,
        fresh_database(vendor, var_dir=Path(temp), name=args.db_name) as database,
        contextlib.ExitStack() as stack,
    ):
        env = sapa_environment(var_dir=Path(temp), database_url=database.url)
        if database.vendor == "postgresql":
            env["REDIS_URL"] = stack.enter_context(private_redis(Path(temp)))
        prepare_instance(env)
        scenario_output(env, "setup", "--secret", secret, "--phone-number-id", PHONE_NUMBER_ID)
        with (
            running_server(env, workers=args.workers) as server,
            running_workers(env, args.worker_processes),
        ):
            log(
                f"posting {len(planned)} deliveries ({unique} messages), {args.concurrency} clients"
            )
            first_request_at = time.time()
            outcomes, elapsed = run_async(
                lambda: send_all(server.base_url, planned, args.concurrency)
            )
            log(f"answered in {elapsed:.1f} s; waiting for the workers")
            deadline = time.monotonic() + args.timeout
            while True:
                report = scenario_output(env, "report", "--forged-marker", marker)
                if report["stored"] >= unique or time.monotonic() > deadline:
                    break
                log(f"stored {report['stored']}/{unique}, {report['waiting']} deliveries waiting")
                time.sleep(1)
    seconds = [o.seconds for o in outcomes]
    forged_answered = sum(1 for o in outcomes if o.kind == "forged" and 200 <= o.status < 300)
    last = report.get("last_stored_at") or time.time()
    line = {
        "bench": "webhooks",
        "db": database.vendor,
        "concurrency": args.concurrency,
        "deliveries": len(outcomes),
        "rps": round(len(outcomes) / elapsed, 1),
        "p50_ms": percentile_ms(seconds, 0.50),
        "p95_ms": percentile_ms(seconds, 0.95),
        "messages": unique,
        "stored": report["stored"],
        "duplicates_stored": report["duplicates_stored"],
        "forged_accepted": forged_answered + report["forged_kept"],
        "end_to_end_rps": round(report["stored"] / max(last - first_request_at, 1e-9), 1),
        "errors": sum(1 for o in outcomes if o.status != (401 if o.kind == "forged" else 200)),
    }
    print(json.dumps(line), flush=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        log("interrupted; cleaned up")
        sys.exit(130)
