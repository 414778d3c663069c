"""Writing to the audit trail. Every other action calls these inside its transaction."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, models, transaction

from sapa.core import clock
from sapa.core.actors import Actor
from sapa.core.models import Counter, Event, Tag


@dataclass
class PendingEvent:
    verb: str
    subject_type: str
    subject_id: int
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)


def _event_row(actor: Actor, pending: PendingEvent, at: datetime) -> Event:
    return Event(
        at=at,
        actor_kind=actor.kind,
        actor_agent=actor.agent,
        actor_label=actor.label[:200],
        verb=pending.verb,
        subject_type=pending.subject_type,
        subject_id=pending.subject_id,
        before=pending.before,
        after=pending.after,
    )


def record_event(
    actor: Actor,
    verb: str,
    subject: models.Model,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> Event:
    """Append one Event about `subject`. Call inside the action's transaction."""
    pending = PendingEvent(
        verb=verb,
        subject_type=subject._meta.model_name or "",
        subject_id=int(subject.pk),
        before=before or {},
        after=after or {},
    )
    event = _event_row(actor, pending, clock.now())
    event.save()
    return event


def record_events(actor: Actor, events: Iterable[PendingEvent]) -> None:
    """Append several Events in one INSERT (the inbound path writes three or four)."""
    at = clock.now()
    rows = [_event_row(actor, pending, at) for pending in events]
    if rows:
        Event.objects.bulk_create(rows)


def pending_event(
    verb: str,
    subject: models.Model,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> PendingEvent:
    return PendingEvent(
        verb=verb,
        subject_type=subject._meta.model_name or "",
        subject_id=int(subject.pk),
        before=before or {},
        after=after or {},
    )


def next_counter_value(name: str, *, start: int = 0) -> int:
    """Increment the counter `name` (created at `start` if new) and return its new value.

    Must run inside a transaction: the UPDATE keeps the counter row locked until commit, so
    concurrent callers get distinct, gap-free values in commit order.
    """
    assert transaction.get_connection().in_atomic_block, "next_counter_value needs a transaction"
    value = _increment(name)
    if value is None:
        Counter.objects.get_or_create(name=name, defaults={"value": start})
        value = _increment(name)
    assert value is not None
    return value


def _increment(name: str) -> int | None:
    # One statement instead of UPDATE then SELECT (SQLite 3.35+ and PostgreSQL both RETURN).
    table = connection.ops.quote_name(Counter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET value = value + 1 WHERE name = %s RETURNING value",  # noqa: S608
            [name],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else None


def raise_counter_to(name: str, value: int) -> None:
    """Make the counter at least `value` (after an import that used numbers itself)."""
    counter, _created = Counter.objects.get_or_create(name=name, defaults={"value": value})
    Counter.objects.filter(pk=counter.pk, value__lt=value).update(value=value)


def ensure_tags(names: Iterable[str]) -> list[Tag]:
    """Return Tag rows for `names` (already normalised), creating the missing ones."""
    wanted = sorted(set(names))
    if not wanted:
        return []
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=wanted)}
    missing = [Tag(name=name) for name in wanted if name not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {tag.name: tag for tag in Tag.objects.filter(name__in=wanted)}
    return [existing[name] for name in wanted]
