"""Win-back: a message (with a code, if the settings say so) to customers who bought before
and went quiet — no order and no message from them for `win_back_after_days`.

Once per silence period: a WinBack row per last order (unique), and the outreach's dedupe
key names that order, so the daily run finds the customer again tomorrow and does nothing;
a new order starts a new period.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery

from sapa.commerce.models import Order, OrderStatus
from sapa.conversations.models import Ticket
from sapa.core import clock
from sapa.core.actions import record_event
from sapa.core.actors import Actor
from sapa.customers.models import Customer
from sapa.engagement.models import Purpose
from sapa.engagement.outreach import plan_outreach
from sapa.loyalty.actions.codes import Discount, issue_code_for_order
from sapa.loyalty.actions.sequences import base_values, compose
from sapa.loyalty.models import AfterSaleSettings, PromoCodeKind, WinBack
from sapa.loyalty.queries import get_after_sale_settings
from sapa.loyalty.texts import Template, language_of

WIN_BACK = "win_back"


def win_back_key(customer_id: int, last_order_id: int) -> str:
    return f"win_back:customer:{customer_id}:order:{last_order_id}"


def silent_customers(*, cutoff: datetime) -> QuerySet[Customer]:
    """Customers whose last order that was not cancelled was placed before `cutoff`, who
    wrote no message since `cutoff`, and who have no win-back for that last order yet;
    annotated with `last_order_id`. Ordered by id (for keyset batches).

    One SQL statement: the correlated subqueries use the orders' (customer, -placed_at)
    index and the tickets' index on customer; merged and internal customers are left out.
    """
    orders = Order.objects.filter(customer=OuterRef("pk")).exclude(status=OrderStatus.CANCELLED)
    last_order = orders.order_by("-placed_at", "-pk")
    return (
        Customer.objects.filter(merged_into__isnull=True, is_internal=False)
        .annotate(
            last_order_id=Subquery(last_order.values("pk")[:1]),
            last_order_at=Subquery(last_order.values("placed_at")[:1]),
        )
        .filter(last_order_at__lt=cutoff)
        .exclude(
            Exists(
                Ticket.objects.filter(customer=OuterRef("pk"), last_customer_message_at__gte=cutoff)
            )
        )
        .exclude(Exists(WinBack.objects.filter(last_order_id=OuterRef("last_order_id"))))
        .order_by("pk")
    )


@dataclass(frozen=True)
class WinBackRun:
    planned: int
    # More customers were waiting when the run stopped at its limit (tomorrow's run goes on).
    more_left: bool


def plan_win_backs(*, now: datetime, limit: int, batch: int = 200) -> WinBackRun:
    """Plan a win-back for up to `limit` silent customers (see silent_customers), reading
    them `batch` at a time by id. Nothing when win-back is switched off."""
    config = get_after_sale_settings()
    if not config.win_back_enabled:
        return WinBackRun(planned=0, more_left=False)
    cutoff = now - timedelta(days=config.win_back_after_days)
    actor = Actor.system("win-back")
    planned = 0
    after_id = 0
    while planned < limit:
        rows = list(
            silent_customers(cutoff=cutoff)
            .filter(pk__gt=after_id)
            # the stubs do not see the annotation
            .values_list("pk", "last_order_id")[: min(batch, limit - planned)]  # type: ignore[misc]
        )
        if not rows:
            return WinBackRun(planned=planned, more_left=False)
        for customer_id, last_order_id in rows:
            if plan_win_back(customer_id, last_order_id, config=config, actor=actor):
                planned += 1
        after_id = rows[-1][0]
    more = silent_customers(cutoff=cutoff).filter(pk__gt=after_id).exists()
    return WinBackRun(planned=planned, more_left=more)


def plan_win_back(
    customer_id: int, last_order_id: int, *, config: AfterSaleSettings, actor: Actor
) -> bool:
    """The win-back for the silence after `last_order_id`: a WinBack row, a code if the
    settings say so, the message. False when it existed already (another worker, a rerun).
    A "win_back.planned" Event."""
    order = Order.objects.select_related("customer").get(pk=last_order_id)
    customer = order.customer
    if customer.pk != customer_id:
        return False  # the order moved to another customer (a merge) since it was read
    language = language_of(customer.language)
    try:
        with transaction.atomic():
            win_back = WinBack.objects.create(
                customer=customer, last_order=order, planned_at=clock.now()
            )
            code = None
            if config.win_back_promo:
                code, _created = issue_code_for_order(
                    order,
                    kind=PromoCodeKind.WIN_BACK,
                    discount=Discount.of(config),
                    prefix=config.code_prefix,
                    actor=actor,
                )
                win_back.promo_code = code
                win_back.save(update_fields=["promo_code"])
            subject, text = compose(
                config,
                Template.WIN_BACK,
                language=language,
                values=base_values(customer.name, language),
                code=code,
            )
            outreach, _created = plan_outreach(
                customer,
                kind=WIN_BACK,
                purpose=Purpose.MARKETING,
                dedupe_key=win_back_key(customer.pk, order.pk),
                text=text,
                subject=subject,
                actor=actor,
                meta={"last_order_id": order.pk, "promo_code_id": code.pk if code else None},
            )
            record_event(
                actor,
                "win_back.planned",
                win_back,
                after={
                    "customer_id": customer.pk,
                    "last_order_id": order.pk,
                    "promo_code_id": code.pk if code else None,
                    "outreach_id": outreach.pk,
                },
            )
    except IntegrityError:
        # The WinBack row of this order exists: another worker planned it.
        return False
    return True
