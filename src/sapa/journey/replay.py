"""Deriving the stage history of customers whose events no handler saw: history replayed
with event dispatch suppressed (the demo loader), or data imported straight into tables.

For each customer, the rules (sapa.journey.rules) are applied to what is stored, in time
order, as the journey handler would have applied them live: inbound messages, pre-sale tags
given to their tickets (from the tag Events), the shop's signals and their orders that were
not cancelled. Stages set by hand and imported ones stay where they are in time and the
rules carry on from them, forward only. The customer's transitions made by rules (and by
the order count in commerce) are replaced by the derived ones; their stage becomes where
the history ends. Python per customer (a few queries each): meant for the demo and for
imports, not for a live system, which the handler keeps true.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q

from sapa.commerce.models import Order, OrderStatus
from sapa.conversations.models import Direction, Message, Ticket
from sapa.core.actions import record_event
from sapa.core.actors import Actor
from sapa.core.models import Event
from sapa.customers.models import Customer, LifecycleStage
from sapa.customers.stages import is_later
from sapa.journey.history import SOURCE_IMPORT
from sapa.journey.models import JourneySignal, StageTransition
from sapa.journey.rules import RuleHit, message_hit, order_hit, signal_hit, tag_hit
from sapa.journey.summary import refresh_journeys


@dataclass(frozen=True)
class _Moment:
    at: datetime
    order: int  # among moments at the same time: kept transitions first, then as stored
    kept: StageTransition | None = None
    hit: RuleHit | None = None
    text: str = ""  # a message, judged when the walk reaches it
    ticket_number: int = 0


def replay_journeys(customer_ids: Iterable[int], *, actor: Actor) -> int:
    """Re-derive the stage history of `customer_ids` (merged ones are skipped) and refresh
    their journey summaries. One transaction per customer, one "journey.replayed" Event
    for each whose history changed. Returns how many changed."""
    changed = 0
    ids = sorted(set(customer_ids))
    for customer in Customer.objects.filter(pk__in=ids, merged_into__isnull=True).order_by("pk"):
        with transaction.atomic():
            changed += _replay(customer, actor=actor)
    refresh_journeys(ids)
    return changed


def _replay(customer: Customer, *, actor: Actor) -> bool:
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    existing = list(StageTransition.objects.filter(customer=customer).order_by("at", "pk"))
    kept = [t for t in existing if t.is_by_hand or t.source == SOURCE_IMPORT]
    moments = sorted(_moments(customer, kept), key=lambda m: (m.at, m.order))
    stage: str = LifecycleStage.AWARENESS
    derived: list[StageTransition] = []
    for moment in moments:
        if moment.kept is not None:
            stage = moment.kept.to_stage
            continue
        hit = moment.hit
        if hit is None:
            hit = message_hit(moment.text, current=stage, ticket_number=moment.ticket_number)
        if hit is not None and is_later(hit.stage, than=stage):
            derived.append(
                StageTransition(
                    customer=customer,
                    from_stage=stage,
                    to_stage=hit.stage,
                    at=moment.at,
                    source=hit.source,
                    reason=hit.reason[:300],
                )
            )
            stage = hit.stage
    replaced = [t for t in existing if t not in kept]
    if _same(replaced, derived) and stage == customer.lifecycle_stage:
        return False
    StageTransition.objects.filter(pk__in=[t.pk for t in replaced]).delete()
    StageTransition.objects.bulk_create(derived)
    before = customer.lifecycle_stage
    if stage != before:
        customer.lifecycle_stage = stage
        customer.save(update_fields=["lifecycle_stage", "updated_at"])
    record_event(
        actor,
        "journey.replayed",
        customer,
        before={"stage": before, "transitions": len(replaced)},
        after={"stage": stage, "transitions": len(derived)},
    )
    return True


def _same(stored: list[StageTransition], derived: list[StageTransition]) -> bool:
    def key(t: StageTransition) -> tuple[str, str, datetime, str]:
        return (t.from_stage, t.to_stage, t.at, t.source)

    return [key(t) for t in stored] == [key(t) for t in derived]


def _moments(customer: Customer, kept: list[StageTransition]) -> list[_Moment]:
    moments = [_Moment(t.at, 0, kept=t) for t in kept]
    if not customer.is_internal:  # colleagues' questions and tags say nothing of a sale
        moments.extend(_conversation_moments(customer))
    for kind, at, note in JourneySignal.objects.filter(customer=customer).values_list(
        "kind", "at", "note"
    ):
        moments.append(_Moment(at, 1, hit=signal_hit(kind, note=note)))
    placed = (
        Order.objects.filter(customer=customer)
        .exclude(status=OrderStatus.CANCELLED)
        .order_by("placed_at", "pk")
        .values_list("placed_at", flat=True)[:2]
    )
    for count, at in enumerate(placed, start=1):
        hit = order_hit(count)
        if hit is not None:
            moments.append(_Moment(at, 1, hit=hit))
    return moments


def _conversation_moments(customer: Customer) -> list[_Moment]:
    messages = (
        Message.objects.filter(
            Q(author_customer=customer)
            | Q(author_customer__isnull=True, ticket__customer=customer),
            direction=Direction.INBOUND,
            auto_reply="",
        )
        .order_by("created_at", "pk")
        .values_list("created_at", "text", "ticket__number")
    )
    moments = [_Moment(at, 1, text=text, ticket_number=number) for at, text, number in messages]
    tickets = dict(Ticket.objects.filter(customer=customer).values_list("pk", "number"))
    tag_events = Event.objects.filter(
        verb="ticket.tagged", subject_type="ticket", subject_id__in=list(tickets)
    ).order_by("at", "pk")
    for event in tag_events:
        added = set(event.after.get("tags", [])) - set(event.before.get("tags", []))
        hit = tag_hit(added, ticket_number=tickets[event.subject_id])
        if hit is not None:
            moments.append(_Moment(event.at, 1, hit=hit))
    return moments
