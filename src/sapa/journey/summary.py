"""Keeping CustomerJourney, the per-customer summary the funnel report reads, true.

Every row is recomputed from the sources by one set-based statement (no Python loop over
customers): the customer (stage, internal flag), their stage history (the first time they
reached each stage), tickets (first contact channel), orders and the shop's signals. The
same statement refreshes one customer after a stage change, the customers of a batch of
events (sapa.journey.handlers), or every customer (`sapa journey rebuild`, after an import
or to repair). Works on SQLite and PostgreSQL.

Reached dates (`<stage>_at`): the earliest transition into that stage or a later one; for
purchase and repurchase also the first and second order that was not cancelled (so an
imported order history counts without transitions); a customer who skipped a stage passed
through it when they reached the later one. A customer whose current stage has no date at
all (set before the history existed) reached it when they were created.
"""

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection, transaction

from sapa.commerce.models import Order, OrderStatus
from sapa.conversations.models import Ticket
from sapa.core import clock
from sapa.customers.models import Customer, LifecycleStage
from sapa.customers.stages import STAGE_ORDER
from sapa.journey.models import (
    FIRST_CONTACT_API,
    FIRST_CONTACT_IMPORT,
    CustomerJourney,
    JourneySignal,
    StageTransition,
)

REPORT_CURRENCY = "IDR"
# Customers refreshed per statement when a list is given (bounded IN lists).
CHUNK = 500
_FAR_FUTURE = "'9999-12-31 23:59:59'"
_REACHED_COLUMNS = tuple(f"{stage}_at" for stage in STAGE_ORDER)


def refresh_journeys(customer_ids: Iterable[int] | None = None) -> None:
    """Recompute the CustomerJourney rows of `customer_ids` (None: every customer) and drop
    the rows of customers merged into another. Idempotent.

    Call inside or outside a transaction; one statement per CHUNK customers.
    """
    with transaction.atomic():
        if customer_ids is None:
            CustomerJourney.objects.filter(customer__merged_into__isnull=False).delete()
            _upsert(None)
            return
        for chunk in _chunks(sorted(set(customer_ids)), CHUNK):
            CustomerJourney.objects.filter(
                customer_id__in=chunk, customer__merged_into__isnull=False
            ).delete()
            _upsert(chunk)


def _chunks(ids: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _earliest(*expressions: str) -> str:
    """SQL for the earliest non-null of `expressions` (NULL when all are)."""
    if len(expressions) == 1:
        return expressions[0]
    if connection.vendor == "postgresql":
        return f"LEAST({', '.join(expressions)})"
    # SQLite's scalar MIN() is NULL as soon as one argument is; its datetimes are text.
    padded = ", ".join(f"COALESCE({e}, {_FAR_FUTURE})" for e in expressions)
    return f"NULLIF(MIN({padded}), {_FAR_FUTURE})"


def _stage_list(stages: Iterable[str]) -> str:
    return ", ".join(f"'{stage}'" for stage in stages)


def _upsert(customer_ids: list[int] | None) -> None:
    """One INSERT ... SELECT ... ON CONFLICT DO UPDATE for `customer_ids` (None: all)."""
    params: list[Any] = []

    def only(column: str) -> str:
        if customer_ids is None:
            return "1 = 1"
        params.extend(customer_ids)
        return f"{column} IN ({', '.join(['%s'] * len(customer_ids))})"

    customers = _q(Customer._meta.db_table)
    transitions = _q(StageTransition._meta.db_table)
    tickets = _q(Ticket._meta.db_table)
    orders = _q(Order._meta.db_table)
    signals = _q(JourneySignal._meta.db_table)
    journeys = _q(CustomerJourney._meta.db_table)
    cancelled = f"'{OrderStatus.CANCELLED.value}'"
    currency = f"'{REPORT_CURRENCY}'"

    reached = [
        f"MIN(CASE WHEN s.to_stage IN ({_stage_list(STAGE_ORDER[k:])}) THEN s.at END) AS r{k}"
        for k in range(1, len(STAGE_ORDER))
    ]
    last_into = [
        f"MAX(CASE WHEN s.to_stage = '{stage}' THEN s.at END) AS l{k}"
        for k, stage in enumerate(STAGE_ORDER)
    ]
    since = " ".join(f"WHEN '{stage}' THEN tr.l{k}" for k, stage in enumerate(STAGE_ORDER))
    purchase = STAGE_ORDER.index(LifecycleStage.PURCHASE)
    repurchase = STAGE_ORDER.index(LifecycleStage.REPURCHASE)
    raw = {k: f"tr.r{k}" for k in range(1, len(STAGE_ORDER))}
    raw[purchase] = _earliest(raw[purchase], "od.first_at")
    raw[repurchase] = _earliest(raw[repurchase], "o2.placed_at")
    last = len(STAGE_ORDER) - 1
    chained = {k: _earliest(*(f"p{j}" for j in range(k, last + 1))) for k in range(1, last + 1)}
    final = {0: _earliest("created_at", *(f"q{k}" for k in range(1, last + 1)))}
    for k in range(1, last + 1):
        final[k] = (
            f"COALESCE(q{k}, CASE WHEN stage IN ({_stage_list(STAGE_ORDER[k:])}) "
            f"THEN created_at END)"
        )
    columns = [
        "customer_id", "stage", "stage_since", "is_internal", "first_contact_channel",
        "first_contact_at", *_REACHED_COLUMNS, "first_order_at", "orders_count",
        "revenue_minor", "updated_at",
    ]  # fmt: skip
    values = [
        "customer_id",
        "stage",
        "COALESCE(since, created_at)",
        "is_internal",
        f"CASE WHEN ticket_at IS NOT NULL AND (api_at IS NULL OR ticket_at <= api_at) "
        f"THEN origin_channel WHEN api_at IS NOT NULL THEN '{FIRST_CONTACT_API}' "
        f"ELSE '{FIRST_CONTACT_IMPORT}' END",
        _earliest("ticket_at", "api_at"),
        *(final[k] for k in range(len(STAGE_ORDER))),
        "first_at",
        "orders_count",
        "revenue_minor",
        "%s",
    ]
    # Placeholders in the order of the text: each filter's ids, then the time. A customer's
    # transitions are theirs and those of the customers merged into them.
    transition_filter = (
        "1 = 1" if customer_ids is None else f"({only('cc.id')} OR {only('cc.merged_into_id')})"
    )
    ticket_filter = only("customer_id")
    order_filter = only("customer_id")
    second_order_filter = only("customer_id")
    contact_order_filter = only("customer_id")
    contact_signal_filter = only("customer_id")
    customer_filter = only("c.id")
    sql = f"""
        WITH tr AS (
            -- CAST: SQLite only joins through an index on a column with an affinity.
            SELECT CAST(COALESCE(cc.merged_into_id, cc.id) AS BIGINT) AS root,
                   {", ".join(reached)}, {", ".join(last_into)}
            FROM {transitions} s JOIN {customers} cc ON cc.id = s.customer_id
            WHERE {transition_filter}
            GROUP BY CAST(COALESCE(cc.merged_into_id, cc.id) AS BIGINT)
        ), ft AS (
            SELECT customer_id, origin_channel, created_at FROM (
                SELECT customer_id, origin_channel, created_at,
                       ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY created_at, id) AS rn
                FROM {tickets} WHERE {ticket_filter}
            ) first_tickets WHERE rn = 1
        ), od AS (
            SELECT customer_id, COUNT(*) AS n, MIN(placed_at) AS first_at,
                   SUM(CASE WHEN currency = {currency} THEN total_minor ELSE 0 END) AS revenue
            FROM {orders} WHERE status <> {cancelled} AND {order_filter}
            GROUP BY customer_id
        ), o2 AS (
            SELECT customer_id, placed_at FROM (
                SELECT customer_id, placed_at,
                       ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY placed_at, id) AS rn
                FROM {orders} WHERE status <> {cancelled} AND {second_order_filter}
            ) second_orders WHERE rn = 2
        ), oa AS (
            SELECT customer_id, MIN(at) AS at FROM (
                SELECT customer_id, placed_at AS at FROM {orders} WHERE {contact_order_filter}
                UNION ALL
                SELECT customer_id, at FROM {signals} WHERE {contact_signal_filter}
            ) api_contacts GROUP BY customer_id
        ), base AS (
            SELECT c.id AS customer_id, c.lifecycle_stage AS stage, c.is_internal,
                   c.created_at, CASE c.lifecycle_stage {since} END AS since,
                   ft.origin_channel, ft.created_at AS ticket_at, oa.at AS api_at,
                   od.first_at, COALESCE(od.n, 0) AS orders_count,
                   COALESCE(od.revenue, 0) AS revenue_minor,
                   {", ".join(f"{raw[k]} AS p{k}" for k in range(1, last + 1))}
            FROM {customers} c
            LEFT JOIN tr ON tr.root = c.id
            LEFT JOIN ft ON ft.customer_id = c.id
            LEFT JOIN od ON od.customer_id = c.id
            LEFT JOIN o2 ON o2.customer_id = c.id
            LEFT JOIN oa ON oa.customer_id = c.id
            WHERE c.merged_into_id IS NULL AND {customer_filter}
        ), chain AS (
            SELECT base.*, {", ".join(f"{chained[k]} AS q{k}" for k in range(1, last + 1))}
            FROM base
        )
        INSERT INTO {journeys} ({", ".join(_q(c) for c in columns)})
        SELECT {", ".join(values)} FROM chain WHERE 1 = 1
        ON CONFLICT ({_q("customer_id")}) DO UPDATE SET
            {", ".join(f"{_q(c)} = excluded.{_q(c)}" for c in columns[1:])}
    """  # noqa: S608 -- names from the models and constants; values are bound
    params.append(clock.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
