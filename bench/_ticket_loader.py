"""Loading a large, realistic helpdesk into a fresh, migrated Sapa database, fast.

Runs inside the benchmark process with Django set up on the run's environment, and writes
rows directly: PostgreSQL through COPY, SQLite through executemany on the raw connection,
with explicit ids, in one transaction. It bypasses actions (and Events) on purpose: it
stands in for months of traffic, not for one request. The ticket-number counter is left
past the highest number, so tickets created afterwards get fresh numbers.
"""

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

# This module imports models: import it only after django.setup().
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from sapa.accounts.models import Agent, Role, Team
from sapa.conversations.models import (
    PRIORITY_RANK,
    AuthorKind,
    Direction,
    Message,
    Priority,
    Ticket,
    TicketStatus,
)
from sapa.conversations.numbering import FIRST_TICKET_NUMBER, skip_ticket_numbers_through
from sapa.core.models import Tag
from sapa.customers.models import Customer, Identity, LifecycleStage

STATUS_WEIGHTS = {
    TicketStatus.NEW: 6,
    TicketStatus.OPEN: 32,
    TicketStatus.PENDING: 12,
    TicketStatus.ON_HOLD: 3,
    TicketStatus.SOLVED: 17,
    TicketStatus.CLOSED: 30,
}
PRIORITY_WEIGHTS = {Priority.LOW: 10, Priority.NORMAL: 70, Priority.HIGH: 15, Priority.URGENT: 5}
CHANNEL_WEIGHTS = {"whatsapp": 40, "email": 25, "chat": 25, "telegram": 10}
IDENTITY_KIND = {
    "whatsapp": "whatsapp",
    "email": "email",
    "chat": "chat_visitor",
    "telegram": "telegram",
}
TAGS = [
    "pengiriman", "pembayaran", "retur", "refund", "promo", "garansi",
    "stok", "komplain", "ukuran", "alamat", "vip", "reseller",
]  # fmt: skip
SUBJECTS = [
    "Pesanan belum sampai", "Tanya stok", "Pembayaran belum terverifikasi", "Barang rusak",
    "Tukar ukuran", "Kode promo tidak bisa dipakai", "Ongkir ke luar Jawa", "Batalkan pesanan",
    "Resi tidak update", "Klaim garansi", "Warna tidak sesuai", "Minta invoice",
]  # fmt: skip
FIRST_NAMES = ["Budi", "Siti", "Agus", "Dewi", "Rina", "Andi", "Putri", "Joko", "Wulan", "Fajar"]
LAST_NAMES = ["Santoso", "Wijaya", "Saputra", "Lestari", "Hidayat", "Pratama", "Kusuma"]
HISTORY_DAYS = 180
# Tickets still waiting on someone mostly moved recently; finished ones are spread out.
RECENT_DAYS = 45
OPEN_LIKE = {TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.ON_HOLD}
CUSTOMERS_PER_TICKET = 0.6
AGENTS = 12
TEAMS = ("Pengiriman", "Pembayaran", "Retur")


@dataclass(frozen=True)
class LoadSummary:
    tickets: int
    open_tickets: int
    customers: int
    messages: int


def _pick(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), list(weights.values()))[0]


def _start_id(model: type[models.Model]) -> int:
    last = model.objects.aggregate(models.Max("pk"))["pk__max"]
    return int(last or 0) + 1


def _column_converter(field: "models.Field[Any, Any]", *, sqlite: bool) -> Any:
    """How a Python value of `field` is written (None: as it is)."""
    if isinstance(field, models.JSONField):
        return json.dumps
    if sqlite and isinstance(field, models.DateTimeField):
        # What Django's SQLite backend stores: naive UTC, "YYYY-MM-DD HH:MM:SS.ffffff".
        return lambda value: str(value.astimezone(UTC).replace(tzinfo=None))
    if sqlite and isinstance(field, models.BooleanField):
        return int
    return None


def _insert_rows(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> None:
    """Write `rows` (attname -> value; missing fields take their default) into `model`'s
    table: COPY on PostgreSQL, executemany on SQLite."""
    sqlite = connection.vendor == "sqlite"
    fields = list(model._meta.concrete_fields)
    columns = [
        (field.attname, field.get_default(), _column_converter(field, sqlite=sqlite))
        for field in fields
    ]

    def values(row: dict[str, Any]) -> tuple[Any, ...]:
        prepared = []
        for attname, default, convert in columns:
            value = row.get(attname, default)
            prepared.append(convert(value) if convert and value is not None else value)
        return tuple(prepared)

    table = model._meta.db_table
    names = [str(field.column) for field in fields]
    if sqlite:
        placeholders = ", ".join("?" for _ in names)
        quoted = ", ".join(connection.ops.quote_name(name) for name in names)
        statement = (
            f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({placeholders})"  # noqa: S608 -- names from the model, values bound
        )
        connection.connection.executemany(statement, map(values, rows))
        return
    from psycopg import sql

    copy_statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join([sql.Identifier(name) for name in names])
    )
    with connection.cursor() as cursor, cursor.cursor.copy(copy_statement) as copy:
        for row in rows:
            copy.write_row(values(row))


def _staff(rng: random.Random) -> tuple[list[int], list[int], list[int]]:
    """Teams, agents (some in each team) and tags; returns their ids."""
    teams = Team.objects.bulk_create(
        Team(name=name, slug=name.lower(), created_at=timezone.now()) for name in TEAMS
    )
    agents = Agent.objects.bulk_create(
        Agent(
            username=f"agen{number}",
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            email=f"agen{number}@toko.example.id",
            password="!",  # unusable: these agents never log in
            role=Role.AGENT,
        )
        for number in range(1, AGENTS + 1)
    )
    Agent.teams.through.objects.bulk_create(
        Agent.teams.through(agent_id=agent.pk, team_id=teams[index % len(teams)].pk)
        for index, agent in enumerate(agents)
    )
    tags = Tag.objects.bulk_create(Tag(name=name) for name in TAGS)
    return [t.pk for t in teams], [a.pk for a in agents], [t.pk for t in tags]


def _customers(rng: random.Random, count: int, *, now: datetime) -> list[tuple[int, str]]:
    """Insert customers with one identity each; return (customer id, channel) pairs."""
    first_customer, first_identity = _start_id(Customer), _start_id(Identity)
    customers, identities, made = [], [], []
    for offset in range(count):
        customer_id = first_customer + offset
        channel = _pick(rng, CHANNEL_WEIGHTS)
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        joined = now - timedelta(days=HISTORY_DAYS + 30 * rng.random())
        customers.append(
            {
                "id": customer_id,
                "name": name,
                "lifecycle_stage": LifecycleStage.PURCHASE,
                "created_at": joined,
                "updated_at": joined,
            }
        )
        value = {
            "whatsapp": f"+62813{customer_id:08d}",
            "email": f"{name.split()[0].lower()}.{customer_id}@contoh.co.id",
            "chat": f"visitor-{customer_id}",
            "telegram": str(800_000_000 + customer_id),
        }[channel]
        identities.append(
            {
                "id": first_identity + offset,
                "customer_id": customer_id,
                "kind": IDENTITY_KIND[channel],
                "value": value,
                "created_at": joined,
            }
        )
        made.append((customer_id, channel))
    _insert_rows(Customer, customers)
    _insert_rows(Identity, identities)
    return made


def _ticket_times(rng: random.Random, status: str, *, now: datetime) -> tuple[datetime, datetime]:
    """(created_at, last_activity_at) for a ticket in `status`."""
    days = RECENT_DAYS if status in OPEN_LIKE else HISTORY_DAYS
    last_activity = now - timedelta(seconds=rng.random() * days * 86400)
    if rng.random() < 0.01:  # a few share a second exactly: the cursor's tie-breaker
        last_activity = last_activity.replace(microsecond=0)
    created = last_activity - timedelta(seconds=rng.expovariate(1 / (2 * 86400)))
    return created, last_activity


def load_tickets(count: int, *, seed: int = 1) -> LoadSummary:
    """Insert `count` tickets (one inbound message each) with their customers, some teams,
    agents and tags, into the migrated database the settings name."""
    rng = random.Random(seed)
    now = timezone.now()
    with transaction.atomic():
        team_ids, agent_ids, tag_ids = _staff(rng)
        customers = _customers(rng, max(1, int(count * CUSTOMERS_PER_TICKET)), now=now)
        drafts = []
        for _ in range(count):
            customer_id, channel = rng.choice(customers)
            status = _pick(rng, STATUS_WEIGHTS)
            created, last_activity = _ticket_times(rng, status, now=now)
            drafts.append((created, last_activity, status, customer_id, channel))
        drafts.sort(key=lambda draft: draft[0])  # numbers and ids follow creation
        first_ticket, first_message = _start_id(Ticket), _start_id(Message)
        first_number = max(FIRST_TICKET_NUMBER, _next_counter_value())
        tickets, messages, ticket_tags = [], [], []
        open_tickets = 0
        for offset, (created, last_activity, status, customer_id, channel) in enumerate(drafts):
            ticket_id = first_ticket + offset
            open_tickets += status == TicketStatus.OPEN
            priority = _pick(rng, PRIORITY_WEIGHTS)
            finished = status in (TicketStatus.SOLVED, TicketStatus.CLOSED)
            answered = status != TicketStatus.NEW
            first_response = created + timedelta(seconds=rng.uniform(300, 8 * 3600))
            tickets.append(
                {
                    "id": ticket_id,
                    "number": first_number + offset,
                    "subject": f"{rng.choice(SUBJECTS)} #{rng.randint(10000, 99999)}",
                    "status": status,
                    "priority": priority,
                    "priority_rank": PRIORITY_RANK[priority],
                    "origin_channel": channel,
                    "customer_id": customer_id,
                    "team_id": rng.choice(team_ids) if rng.random() < 0.8 else None,
                    "assignee_id": rng.choice(agent_ids)
                    if answered and rng.random() < 0.7
                    else None,
                    "created_at": created,
                    "updated_at": last_activity,
                    "first_response_at": min(first_response, last_activity) if answered else None,
                    "last_customer_message_at": created,
                    "last_message_at": last_activity,
                    "last_activity_at": last_activity,
                    "solved_at": last_activity if finished else None,
                    "closed_at": last_activity if status == TicketStatus.CLOSED else None,
                }
            )
            messages.append(
                {
                    "id": first_message + offset,
                    "ticket_id": ticket_id,
                    "direction": Direction.INBOUND,
                    "channel": channel,
                    "author_kind": AuthorKind.CUSTOMER,
                    "author_customer_id": customer_id,
                    "text": "Halo kak, mau tanya soal pesanan saya. Mohon dibantu ya.",
                    "external_id": f"load-{seed}-{ticket_id}",
                    "sent_at": created,
                    "created_at": created,
                }
            )
            if rng.random() < 0.3:
                for tag_id in rng.sample(tag_ids, rng.randint(1, 2)):
                    ticket_tags.append({"ticket_id": ticket_id, "tag_id": tag_id})
        _insert_rows(Ticket, tickets)
        _insert_rows(Message, messages)
        first_link = _start_id(Ticket.tags.through)
        for offset, link in enumerate(ticket_tags):
            link["id"] = first_link + offset
        _insert_rows(Ticket.tags.through, ticket_tags)
        skip_ticket_numbers_through(first_number + count - 1)
        _reset_sequences()
    _analyze()
    return LoadSummary(count, open_tickets, len(customers), count)


def _next_counter_value() -> int:
    highest = Ticket.objects.order_by("-number").values_list("number", flat=True).first()
    return int(highest) + 1 if highest is not None else FIRST_TICKET_NUMBER


def _reset_sequences() -> None:
    """PostgreSQL: identity sequences past the explicit ids (SQLite's AUTOINCREMENT follows
    the largest id by itself)."""
    if connection.vendor != "postgresql":
        return
    loaded = [Customer, Identity, Ticket, Message, Ticket.tags.through]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), loaded):
            cursor.execute(statement)


def _analyze() -> None:
    """PostgreSQL: what autovacuum would do shortly after such a load (planner statistics,
    visibility map). SQLite gets nothing: Sapa does not run ANALYZE there either."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
