"""Benchmark: the customer-journey funnel report on a large shop.

Loads `--customers` customers (default 200,000) with their first tickets, `--orders` orders
(default 1,000,000) and the stage histories those imply straight into a fresh, migrated
database (COPY on PostgreSQL, executemany on SQLite: an import, not a million actions),
rebuilds the per-customer journey summary from them with the same SQL `sapa journey
rebuild` runs (timed), then times the funnel computation the console page and
GET /api/v1/reports/journey call (sapa.journey.funnel.journey_report), `--runs` times, for
the default period (the last 90 days) and for two years.

    .venv/bin/python bench/journey.py [--db sqlite|postgres] [--customers N] [--orders N]

SQLite defaults to a tenth of the data (20,000 customers, 100,000 orders): the embedded
mode is for one small shop. Prints one JSON line; progress goes to stderr. Target: the
report in under 2 s on PostgreSQL at the full size.
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from _database import SQLITE, add_database_arguments, chosen_vendor, fresh_database
from _server import exit_cleanly_on_sigterm, log, run_sapa, sapa_environment

HISTORY_DAYS = 730
# First contact: most customers write first; the rest first appear with an order.
TICKET_FIRST_SHARE = 0.75
CHANNEL_WEIGHTS = {"whatsapp": 40, "email": 20, "chat": 20, "telegram": 10, "phone": 5, "walkin": 5}
BUYER_SHARE = 0.6
REPEAT_SHARE = 0.65  # of buyers
CANCELLED_SHARE = 0.05
ORDER_STATUSES = {"delivered": 80, "shipped": 8, "paid": 5, "placed": 2, "returned": 5}
CONSIDERATION_SHARE = 0.7  # of customers who wrote first
PREFERENCE_SHARE = 0.35  # of those


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_arguments(parser)
    parser.add_argument("--customers", type=int, default=None, help="200000 (SQLite 20000)")
    parser.add_argument("--orders", type=int, default=None, help="1000000 (SQLite 100000)")
    parser.add_argument("--runs", type=int, default=5, help="timed report runs (5)")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


class _Shop:
    """Rows for the whole shop, built in memory, written by _ticket_loader._insert_rows."""

    def __init__(self, rng: random.Random, *, customers: int, orders: int, now: datetime) -> None:
        self.rng, self.now = rng, now
        self.customers: list[dict[str, Any]] = []
        self.tickets: list[dict[str, Any]] = []
        self.orders: list[dict[str, Any]] = []
        self.transitions: list[dict[str, Any]] = []
        self._build(customers, orders)

    def _moment_after(self, start: datetime, mean_days: float) -> datetime:
        return min(self.now, start + timedelta(days=self.rng.expovariate(1 / mean_days)))

    def _build(self, customer_count: int, order_count: int) -> None:
        rng = self.rng
        created = [
            self.now - timedelta(seconds=rng.random() * HISTORY_DAYS * 86400)
            for _ in range(customer_count)
        ]
        created.sort()
        buyers = [i for i in range(customer_count) if rng.random() < BUYER_SHARE]
        repeaters = [i for i in buyers if rng.random() < REPEAT_SHARE] or buyers
        per_customer = dict.fromkeys(buyers, 1)
        for index in rng.choices(repeaters, k=max(0, order_count - len(buyers))):
            per_customer[index] += 1
        order_id = 0
        for index, joined in enumerate(created):
            customer_id = index + 1
            wrote_first = rng.random() < TICKET_FIRST_SHARE or index not in per_customer
            stage, moments = "awareness", []
            if wrote_first:
                self.tickets.append(self._ticket(customer_id, joined))
                if rng.random() < CONSIDERATION_SHARE:
                    moments.append(("consideration", self._moment_after(joined, 1)))
                    if rng.random() < PREFERENCE_SHARE:
                        moments.append(("preference", self._moment_after(moments[-1][1], 3)))
            placed_times = self._order_times(joined, per_customer.get(index, 0))
            counted = 0
            for placed in placed_times:
                order_id += 1
                cancelled = rng.random() < CANCELLED_SHARE
                status = "cancelled" if cancelled else _pick(rng, ORDER_STATUSES)
                self.orders.append(
                    {
                        "id": order_id,
                        "shop": "default",
                        "number": f"INV-{order_id:08d}",
                        "customer_id": customer_id,
                        "status": status,
                        "total_minor": rng.randrange(35, 900) * 1000,
                        "currency": "IDR",
                        "placed_at": placed,
                        "items": [],
                        "created_at": placed,
                        "updated_at": placed,
                    }
                )
                if not cancelled and counted < 2:
                    counted += 1
                    moments.append(("purchase" if counted == 1 else "repurchase", placed))
            for to_stage, at in sorted(moments, key=lambda m: m[1]):
                if _ORDER.index(to_stage) <= _ORDER.index(stage):
                    continue
                self.transitions.append(
                    {
                        "customer_id": customer_id,
                        "from_stage": stage,
                        "to_stage": to_stage,
                        "at": at,
                        "source": "import",
                        "reason": "",
                    }
                )
                stage = to_stage
            self.customers.append(
                {
                    "id": customer_id,
                    "name": f"Pelanggan {customer_id}",
                    "language": "id",
                    "lifecycle_stage": stage,
                    "notes": "",
                    "is_internal": False,
                    "created_at": joined,
                    "updated_at": joined,
                }
            )
        for number, transition in enumerate(self.transitions, start=1):
            transition["id"] = number

    def _ticket(self, customer_id: int, at: datetime) -> dict[str, Any]:
        return {
            "id": customer_id,
            "number": 1000 + customer_id,
            "subject": "Tanya produk",
            "status": "closed",
            "priority": "normal",
            "priority_rank": 2,
            "origin_channel": _pick(self.rng, CHANNEL_WEIGHTS),
            "customer_id": customer_id,
            "created_at": at,
            "updated_at": at,
            "last_customer_message_at": at,
            "last_message_at": at,
            "last_activity_at": at,
            "solved_at": at,
            "closed_at": at,
        }

    def _order_times(self, joined: datetime, count: int) -> list[datetime]:
        times, moment = [], joined
        for _ in range(count):
            moment = self._moment_after(moment, 20)
            times.append(moment)
        return times


_ORDER = ("awareness", "consideration", "preference", "purchase", "repurchase")


def _load(shop: _Shop) -> None:
    from django.db import connection, transaction

    from _ticket_loader import _insert_rows
    from sapa.commerce.models import Order
    from sapa.conversations.models import Ticket
    from sapa.customers.models import Customer
    from sapa.journey.models import StageTransition

    with transaction.atomic():
        for model, rows in (
            (Customer, shop.customers),
            (Ticket, shop.tickets),
            (Order, shop.orders),
            (StageTransition, shop.transitions),
        ):
            _insert_rows(model, rows)
        if connection.vendor == "postgresql":
            from django.core.management.color import no_style

            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(
                    no_style(), [Customer, Ticket, Order, StageTransition]
                ):
                    cursor.execute(statement)
    _analyze()


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _timed(runs: int, work: Any) -> list[float]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    return seconds


def main() -> None:
    exit_cleanly_on_sigterm()
    args = _arguments()
    vendor = chosen_vendor(args.db)
    small = vendor == SQLITE
    customers = args.customers or (20_000 if small else 200_000)
    orders = args.orders or (100_000 if small else 1_000_000)
    with (
        tempfile.TemporaryDirectory(prefix="sapa-bench-") as temp,
        fresh_database(vendor, var_dir=Path(temp), name=args.db_name) as database,
    ):
        env = sapa_environment(var_dir=Path(temp), database_url=database.url)
        log("sapa migrate")
        run_sapa("migrate", "--no-input", "--verbosity", "0", env=env)
        os.environ.update(env)
        import django

        django.setup()
        from django.utils import timezone

        from sapa.journey.funnel import journey_report
        from sapa.journey.summary import refresh_journeys

        now = timezone.now()
        started = time.perf_counter()
        shop = _Shop(random.Random(args.seed), customers=customers, orders=orders, now=now)
        log(
            f"built {len(shop.customers)} customers, {len(shop.orders)} orders, "
            f"{len(shop.transitions)} transitions in {time.perf_counter() - started:.1f} s"
        )
        started = time.perf_counter()
        _load(shop)
        load_seconds = time.perf_counter() - started
        log(f"loaded in {load_seconds:.1f} s; rebuilding the journey summary")
        started = time.perf_counter()
        refresh_journeys()
        rebuild_seconds = time.perf_counter() - started
        _analyze()
        log(f"rebuilt in {rebuild_seconds:.1f} s; timing the report {args.runs} times")
        today = timezone.localdate(now)
        quarter = {"start": today - timedelta(days=89), "end": today}
        two_years = {"start": today - timedelta(days=HISTORY_DAYS), "end": today}
        journey_report(**quarter)  # warm-up: connection, plans, caches
        quarter_seconds = _timed(args.runs, lambda: journey_report(**quarter))
        years_seconds = _timed(args.runs, lambda: journey_report(**two_years))
        report = journey_report(**two_years)
        steps = [(step.entered, step.converted) for step in report.total.steps]
        log(f"two years: {report.total.customers} customers, buyers {report.total.buyers}, {steps}")
    line = {
        "bench": "journey",
        "db": database.vendor,
        "customers": len(shop.customers),
        "orders": len(shop.orders),
        "transitions": len(shop.transitions),
        "load_s": round(load_seconds, 1),
        "rebuild_s": round(rebuild_seconds, 2),
        "report_90d_p50_s": round(statistics.median(quarter_seconds), 3),
        "report_90d_best_s": round(min(quarter_seconds), 3),
        "report_2y_p50_s": round(statistics.median(years_seconds), 3),
        "report_2y_best_s": round(min(years_seconds), 3),
        "runs": args.runs,
    }
    print(json.dumps(line), flush=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        log("interrupted; cleaned up")
        sys.exit(130)
