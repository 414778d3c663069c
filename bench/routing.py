"""Benchmark: routing under load, with real workers.

Starts Sapa like an operator would on a fresh database: one web process (uvicorn) and two
worker processes (`sapa worker`). On SQLite the queue is SqliteHuey beside the database;
on PostgreSQL it is Redis (a private redis-server on a free port), as in a deployment with
several machines. A team of `--agents` online agents with capacities and skills routes by
best skill match; routing rules send payment questions to agents with the skill
"pembayaran" and returns to "retur". Then `--tickets` new customers write at once through
POST /api/v1/inbound from `--concurrency` clients, and the bench waits until every ticket
is assigned (or `--timeout`).

    .venv/bin/python bench/routing.py [--db sqlite|postgres] [--tickets 1000] [--agents 10]

Prints one JSON line: tickets, assigned, double_assignments (tickets given to an agent
more than once), over_capacity (agents above their capacity), skill_mismatches (tickets
given to an agent without the skill or level a rule asked for), decisions_per_s (assigned
tickets per second, from the first message to the last assignment) and p50/p95_ms (from the
ticket's creation to its assignment). Progress goes to stderr.
"""

import argparse
import contextlib
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib import request as urlrequest

from _database import add_database_arguments, chosen_vendor, fresh_database
from _server import (
    exit_cleanly_on_sigterm,
    log,
    prepare_instance,
    running_server,
    sapa_environment,
)

SCENARIO = Path(__file__).with_name("_routing_scenario.py")
TEXTS = [
    ("Min, saya sudah transfer tapi status masih menunggu pembayaran", "pembayaran"),
    ("Kak, pembayaran via VA gagal terus, gmn ya?", "pembayaran"),
    ("Saya mau retur, barangnya rusak pas sampai", "retur"),
    ("Bisa tukar ukuran? kekecilan kak, mau retur", "retur"),
    ("Halo, pesanan saya belum sampai, bisa dicek?", ""),
    ("Ongkir ke Makassar berapa ya kak?", ""),
]


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_arguments(parser)
    parser.add_argument("--tickets", type=int, default=1000, help="new tickets (1000)")
    parser.add_argument("--agents", type=int, default=10, help="agents in the team (10)")
    parser.add_argument("--concurrency", type=int, default=16, help="HTTP clients (16)")
    parser.add_argument("--worker-processes", type=int, default=2, help="sapa worker (2)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait (300)")
    parser.add_argument(
        "--rate",
        type=float,
        default=0,
        help="messages per second, paced (default 0: all at once, as fast as the server takes)",
    )
    return parser.parse_args()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def private_redis(work_dir: Path) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is needed for the PostgreSQL run")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
         "no", "--dir", str(work_dir)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port)):
                break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextlib.contextmanager
def running_workers(env: dict[str, str], count: int) -> Iterator[None]:
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "sapa", "worker", "--no-imap-watch"],
            env=env,
            stdout=sys.stderr,
            stderr=sys.stderr,
        )
        for _ in range(count)
    ]
    try:
        yield
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def scenario(command: str, env: dict[str, str], *args: str) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, str(SCENARIO), command, *args],
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        stderr=sys.stderr,
        text=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def post_all(
    base_url: str, token: str, count: int, concurrency: int, seed: int, rate: float
) -> int:
    started = time.monotonic()

    def post(number: int) -> int:
        if rate:
            time.sleep(max(0.0, started + number / rate - time.monotonic()))
        text, _skill = TEXTS[(number * 7 + seed) % len(TEXTS)]
        body = {
            "channel": "whatsapp" if number % 3 else "email",
            "external_id": f"bench-routing-{seed}-{number}",
            "from": {"name": f"Pelanggan {number}", "phone": f"0813{number:08d}"}
            if number % 3
            else {"name": f"Pelanggan {number}", "email": f"p{number}@contoh.co.id"},
            "text": text,
        }
        req = urlrequest.Request(  # noqa: S310
            f"{base_url}/api/v1/inbound",
            data=json.dumps(body).encode(),
            method="POST",
            headers={"content-type": "application/json", "authorization": f"Bearer {token}"},
        )
        with urlrequest.urlopen(req, timeout=60) as response:  # noqa: S310
            return int(response.status)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        statuses = list(pool.map(post, range(count)))
    return sum(1 for status in statuses if status != 201)


def main() -> None:
    exit_cleanly_on_sigterm()
    args = _arguments()
    vendor = chosen_vendor(args.db)
    with (
        tempfile.TemporaryDirectory(prefix="sapa-bench-routing-") as temp,
        fresh_database(vendor, var_dir=Path(temp), name=args.db_name) as database,
        contextlib.ExitStack() as stack,
    ):
        env = sapa_environment(var_dir=Path(temp), database_url=database.url)
        if database.vendor == "postgresql":
            env["REDIS_URL"] = stack.enter_context(private_redis(Path(temp)))
        token = prepare_instance(env)
        scenario("setup", env, "--agents", str(args.agents), "--tickets", str(args.tickets))
        with running_server(env, workers=1) as server, running_workers(env, args.worker_processes):
            log(f"posting {args.tickets} messages from {args.concurrency} clients")
            started = time.time()
            errors = post_all(
                server.base_url, token, args.tickets, args.concurrency, seed=7, rate=args.rate
            )
            log(f"posted in {time.time() - started:.1f} s; waiting for assignment")
            deadline = time.monotonic() + args.timeout
            while True:
                report = scenario("report", env)
                if report["assigned"] >= report["tickets"] - errors or time.monotonic() > deadline:
                    break
                log(f"assigned {report['assigned']}/{report['tickets']}")
                time.sleep(1)
        line = {
            "bench": "routing",
            "db": database.vendor,
            "rate": args.rate or "burst",
            **report,
            "post_errors": errors,
        }
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        log("interrupted; cleaned up")
        sys.exit(130)
