"""Writing to the audit trail. Every other action calls these inside its transaction."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, models, transaction

from sapa.core import clock, event_dispatch
from sapa.core.actors import Actor
from sapa.core.models import Counter, Event, Tag
from sapa.core.tags import normalise_tag


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
    event_dispatch.after_commit([event])
    return event


def record_events(actor: Actor, events: Iterable[PendingEvent]) -> None:
    """Append several Events in one INSERT (the inbound path writes three or four)."""
    at = clock.now()
    rows = [_event_row(actor, pending, at) for pending in events]
    if rows:
        Event.objects.bulk_create(rows)
        event_dispatch.after_commit(rows)


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


def _tag_links() -> list[tuple[type[models.Model], str, str]]:
    """(through model, column naming the tag, column naming the owner) for every
    many-to-many that points at Tag: tickets and customers today, whatever comes later."""
    links = []
    for relation in Tag._meta.related_objects:
        if relation.many_to_many and isinstance(relation, models.ManyToManyRel):
            through = relation.through
            assert through is not None  # filled in when the models are ready
            field = relation.field
            links.append((through, field.m2m_reverse_field_name(), field.m2m_field_name()))
    return links


def rename_tag(tag: Tag, *, name: str, actor: Actor) -> Tag:
    """Rename `tag` to `name` (normalised here). When a tag called `name` exists already the
    two become one: `tag`'s tickets and customers move to it and `tag` is deleted.

    Returns the tag that carries the name now. One transaction; a "tag.renamed" or
    "tag.merged" Event. Raises PermissionDenied, InvalidInput (loc name).
    """
    from sapa.accounts.permissions import Permission, require  # core sits below accounts

    require(actor, Permission.MANAGE_TEAM)
    new_name = normalise_tag(name, loc=["name"])
    if new_name == tag.name:
        return tag
    with transaction.atomic():
        target = Tag.objects.select_for_update().filter(name=new_name).first()
        if target is None:
            before = tag.name
            tag.name = new_name
            tag.save(update_fields=["name"])
            record_event(
                actor, "tag.renamed", tag, before={"name": before}, after={"name": new_name}
            )
            return tag
        moved = 0
        for through, tag_column, owner_column in _tag_links():
            already = through._default_manager.filter(**{tag_column: target}).values(owner_column)
            moved += (
                through._default_manager.filter(**{tag_column: tag})
                .exclude(**{f"{owner_column}__in": already})
                .update(**{tag_column: target})
            )
        record_event(
            actor,
            "tag.merged",
            tag,
            before={"name": tag.name},
            after={"name": target.name, "into_id": target.pk, "links_moved": moved},
        )
        tag.delete()
    return target


def delete_tag(tag: Tag, *, actor: Actor) -> None:
    """Delete `tag` and take it off every ticket and customer. The Event keeps the name and
    how many of each carried it. Raises PermissionDenied."""
    from sapa.accounts.permissions import Permission, require  # core sits below accounts

    require(actor, Permission.MANAGE_TEAM)
    with transaction.atomic():
        usage = {
            f"{through._meta.model_name}_count": through._default_manager.filter(
                **{tag_column: tag}
            ).count()
            for through, tag_column, _owner_column in _tag_links()
        }
        record_event(actor, "tag.deleted", tag, before={"name": tag.name, **usage})
        tag.delete()
