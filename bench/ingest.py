"""Benchmark: inbound messages per second through POST /api/v1/inbound.

Starts Sapa like an operator would (see _server.py) on a fresh database, warms it up, then
sends `--requests` messages from `--concurrency` clients: new customers, follow-ups from
customers already known (same channel and address, so they thread into their open ticket;
on email half of them also carry In-Reply-To), and duplicates (an earlier message posted
again, answered 200 created:false). Channels mixed: WhatsApp, email, web chat, Telegram.

    .venv/bin/python bench/ingest.py [--db sqlite|postgres] [--concurrency 16] [--requests 3000]

Prints one JSON line on stdout; progress goes to stderr.
"""

import argparse
import asyncio
import json
import random
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _database import add_database_arguments, chosen_vendor, fresh_database
from _http_load import (
    LoadResult,
    PlannedRequest,
    api_session,
    drive,
    percentile_ms,
    run_async,
)
from _server import (
    add_server_arguments,
    exit_cleanly_on_sigterm,
    log,
    prepare_instance,
    running_server,
    sapa_environment,
)

INBOUND_PATH = "/api/v1/inbound"
# Share of each kind of request in the timed run (the rest are follow-ups).
NEW_SHARE = 0.35
DUPLICATE_SHARE = 0.15
CHANNEL_WEIGHTS = {"whatsapp": 40, "email": 25, "chat": 25, "telegram": 10}
# Follow-ups go to customers seen recently (a conversation comes in bursts).
RECENT_CUSTOMERS = 400

FIRST_NAMES = [
    "Budi", "Siti", "Agus", "Dewi", "Rina", "Andi", "Putri", "Joko", "Wulan", "Fajar",
    "Indah", "Rizky", "Ayu", "Dimas", "Nur", "Bayu", "Lestari", "Hendra", "Maya", "Yusuf",
]  # fmt: skip
LAST_NAMES = [
    "Santoso", "Wijaya", "Saputra", "Lestari", "Hidayat", "Pratama", "Kusuma", "Nugroho",
    "Siregar", "Simanjuntak", "Harahap", "Setiawan", "Rahmawati", "Gunawan", "Wibowo",
]  # fmt: skip
SENTENCES = [
    "Halo kak, pesanan saya dengan nomor INV/2024/{order} belum sampai sampai sekarang.",
    "Min, paketnya kok masih di gudang ya? Sudah lima hari nih.",
    "Apakah produk ini ready stok ukuran L warna hitam?",
    "Saya sudah transfer tadi pagi tapi status pesanan masih menunggu pembayaran.",
    "Barang yang saya terima rusak, kemasannya penyok dan ada yang pecah.",
    "Bisa tukar ukuran tidak kak? Ternyata kekecilan.",
    "Kode promo HEMAT50 tidak bisa dipakai di checkout, kenapa ya?",
    "Terima kasih, paketnya sudah sampai dengan selamat.",
    "Ongkir ke Makassar berapa ya kak kalau pakai JNE?",
    "Tolong dibantu, saya mau batalkan pesanan karena salah alamat.",
    "Resi pengirimannya belum update dari kemarin.",
    "Gan, ini garansinya berapa lama? Ada garansi resmi?",
    "Saya mau komplain, yang datang warnanya beda dengan yang di foto.",
    "Oke kak, saya tunggu kabarnya ya.",
]
EMAIL_DOMAINS = ["gmail.com", "yahoo.co.id", "outlook.com", "contoh.co.id"]


@dataclass
class SimulatedCustomer:
    """Someone writing in on one channel from one address."""

    number: int
    channel: str
    sender: dict[str, str]
    first_request: int  # index in the whole run (warm-up first) of the customer's first message
    external_ids: list[str] = field(default_factory=list)


@dataclass
class WorkloadPlanner:
    """Builds request bodies in order, deterministically from `seed`."""

    seed: int
    # Only customers and messages this many requests old are followed up or repeated: by
    # then their first request has almost surely been answered.
    settle_gap: int
    rng: random.Random = field(init=False)
    customers: list[SimulatedCustomer] = field(default_factory=list)
    sent: list[tuple[int, bytes]] = field(default_factory=list)  # (request index, body)
    index: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def plan(self, count: int, *, only_new: bool = False) -> list[PlannedRequest]:
        planned = []
        for _ in range(count):
            roll = self.rng.random()
            settled = self.index - self.settle_gap
            nobody_settled = not self.customers or self.customers[0].first_request > settled
            if only_new or nobody_settled or roll < NEW_SHARE:
                planned.append(self._new_customer())
            elif roll < NEW_SHARE + DUPLICATE_SHARE:
                planned.append(self._duplicate(settled))
            else:
                planned.append(self._follow_up(settled))
            self.index += 1
        return planned

    def _text(self) -> str:
        count = self.rng.randint(1, 4)
        sentences = self.rng.sample(SENTENCES, count)
        return " ".join(s.format(order=self.rng.randint(10000, 99999)) for s in sentences)

    def _new_customer(self) -> PlannedRequest:
        number = len(self.customers) + 1
        channel = self.rng.choices(list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values()))[0]
        name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
        email = f"{name.split()[0].lower()}.{number}@{self.rng.choice(EMAIL_DOMAINS)}"
        sender: dict[str, str] = {"name": name}
        if channel == "email":
            sender["email"] = email
        elif channel == "whatsapp":
            sender["phone"] = f"0812{number:08d}"
        elif channel == "chat":
            sender["handle"] = f"visitor-{self.seed}-{number}"
            if self.rng.random() < 0.3:  # visitors who leave their email in the widget
                sender["email"] = email
        else:
            sender["handle"] = str(700_000_000 + number)
        customer = SimulatedCustomer(number, channel, sender, first_request=self.index)
        self.customers.append(customer)
        return self._message(customer, kind="new", subject_line=True)

    def _follow_up(self, settled: int) -> PlannedRequest:
        recent = self._settled_customers(settled)[-RECENT_CUSTOMERS:]
        customer = self.rng.choice(recent)
        return self._message(customer, kind="follow_up", subject_line=False)

    def _settled_customers(self, settled: int) -> list[SimulatedCustomer]:
        # Customers are in creation order; bisect by hand on first_request.
        low, high = 0, len(self.customers)
        while low < high:
            middle = (low + high) // 2
            if self.customers[middle].first_request <= settled:
                low = middle + 1
            else:
                high = middle
        return self.customers[:low]

    def _duplicate(self, settled: int) -> PlannedRequest:
        candidates = [body for index, body in self.sent[-2000:] if index <= settled]
        if not candidates:
            return self._follow_up(settled)
        return PlannedRequest("POST", INBOUND_PATH, "duplicate", 200, self.rng.choice(candidates))

    def _message(
        self, customer: SimulatedCustomer, *, kind: str, subject_line: bool
    ) -> PlannedRequest:
        sequence = len(customer.external_ids) + 1
        if customer.channel == "email":
            external_id = f"<{customer.number}.{sequence}.{self.seed}@mail.example.id>"
        elif customer.channel == "whatsapp":
            external_id = f"wamid.{self.seed}{customer.number:08d}{sequence:04d}"
        else:
            external_id = f"{customer.channel}-{self.seed}-{customer.number}-{sequence}"
        text = self._text()
        payload: dict[str, Any] = {
            "channel": customer.channel,
            "external_id": external_id,
            "from": customer.sender,
            "text": text,
        }
        if customer.channel == "email":
            payload["subject"] = "Pertanyaan pesanan" if subject_line else "Re: Pertanyaan pesanan"
            if self.rng.random() < 0.5:
                payload["html"] = f"<p>{text}</p><p>Salam,<br>{customer.sender['name']}</p>"
            if customer.external_ids and self.rng.random() < 0.5:
                payload["in_reply_to"] = customer.external_ids[-1]
        customer.external_ids.append(external_id)
        body = json.dumps(payload).encode()
        self.sent.append((self.index, body))
        return PlannedRequest("POST", INBOUND_PATH, kind, 201, body)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_arguments(parser)
    parser.add_argument("--concurrency", type=int, default=16, help="clients (default: 16)")
    parser.add_argument("--requests", type=int, default=3000, help="timed requests (3000)")
    parser.add_argument("--warmup", type=int, default=300, help="untimed requests first (300)")
    add_server_arguments(parser)
    return parser.parse_args()


def main() -> None:
    exit_cleanly_on_sigterm()
    args = _arguments()
    vendor = chosen_vendor(args.db)
    planner = WorkloadPlanner(seed=args.seed, settle_gap=4 * args.concurrency)
    # Warm-up: customers to follow up, then the timed mix; every code path runs once.
    warmup = planner.plan(args.warmup // 2, only_new=True)
    warmup += planner.plan(args.warmup - len(warmup))
    timed = planner.plan(args.requests)

    with (
        tempfile.TemporaryDirectory(prefix="sapa-bench-") as temp,
        fresh_database(vendor, var_dir=Path(temp), name=args.db_name) as database,
    ):
        env = sapa_environment(var_dir=Path(temp), database_url=database.url)
        token = prepare_instance(env)
        with running_server(env, workers=args.workers) as server:

            async def measure() -> LoadResult:
                async with api_session(server.base_url, token, connections=args.concurrency) as s:
                    log(f"warm-up: {len(warmup)} requests")
                    await drive(
                        s, warmup, concurrency=args.concurrency, start_interval_seconds=0.05
                    )
                    if args.hold:
                        log(f"holding {args.hold} s; uvicorn workers: {server.worker_pids()}")
                        await asyncio.sleep(args.hold)
                    log(f"timed: {len(timed)} requests from {args.concurrency} clients")
                    cpu_before = server.worker_cpu_seconds()
                    result = await drive(s, timed, concurrency=args.concurrency)
                    log(server.describe_worker_cpu(cpu_before, result.elapsed_seconds))
                    return result

            result = run_async(measure)

    if result.unexpected:
        log(f"unexpected answers (kind status: count): {result.unexpected}")
    seconds = [outcome.seconds for outcome in result.outcomes]
    line = {
        "bench": "ingest",
        "db": database.vendor,
        "concurrency": args.concurrency,
        "requests": len(result.outcomes),
        "rps": round(len(result.outcomes) / result.elapsed_seconds, 1),
        "p50_ms": percentile_ms(seconds, 0.50),
        "p95_ms": percentile_ms(seconds, 0.95),
        "p99_ms": percentile_ms(seconds, 0.99),
        "errors": sum(outcome.is_error for outcome in result.outcomes),
    }
    print(json.dumps(line), flush=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        log("interrupted; cleaned up")
        sys.exit(130)
