"""After-commit fan-out of events to the domains that react to them: routing, SLA clocks,
automations, promises and outgoing webhooks.

Every action writes its Events through `record_event(s)`, inside its transaction. Those
register one `on_commit` hook that enqueues `sapa.core.tasks.dispatch_events` with the new
event ids; the worker loads the events and hands them, in id order, to each handler module
named in `settings.SAPA_EVENT_HANDLERS`, in the order listed there. A handler module has:

    INTERESTED_IN: tuple[str, ...]     # verb prefixes, e.g. ("ticket.", "message.received")
    def on_events(events: list[Event]) -> None

Handlers must be idempotent: a task may run twice (a worker dies after the work, before the
acknowledgement), and the periodic sweeps of each domain repair what a lost task missed. One
handler raising is logged and does not stop the others.

Events written while `suppressed()` is active (the demo loader replaying history) are not
dispatched: history must not page agents or message customers.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction

if TYPE_CHECKING:
    from sapa.core.models import Event

logger = logging.getLogger(__name__)

_suppressed: ContextVar[bool] = ContextVar("sapa_events_suppressed", default=False)


@dataclass(frozen=True)
class Handler:
    name: str
    interested_in: tuple[str, ...]
    on_events: Callable[[list[Event]], None]

    def wants(self, verb: str) -> bool:
        return verb.startswith(self.interested_in)


@cache
def _handlers(paths: tuple[str, ...]) -> tuple[Handler, ...]:
    loaded = []
    for path in paths:
        module = importlib.import_module(path)
        loaded.append(
            Handler(
                name=path,
                interested_in=tuple(module.INTERESTED_IN),
                on_events=module.on_events,
            )
        )
    return tuple(loaded)


def handlers() -> tuple[Handler, ...]:
    return _handlers(tuple(settings.SAPA_EVENT_HANDLERS))


@contextmanager
def suppressed() -> Iterator[None]:
    """Within the block, recorded events reach no handler."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def after_commit(events: Iterable[Event]) -> None:
    """Called by record_event(s) inside the action's transaction: once it commits, the
    events some handler wants are enqueued for the worker.

    All events of one transaction travel in one task: the ids wait on the connection, and
    the first commit hook to run takes them all (the others find nothing left). Each call
    registers its own hook, so events of a rolled-back savepoint do not take the hook of
    the ones that stay; ids of rolled-back events are simply not found by the worker.
    """
    if _suppressed.get():
        return
    wanted = [e.pk for e in events if any(h.wants(e.verb) for h in handlers())]
    if not wanted:
        return
    connection = transaction.get_connection()
    pending: list[int] = getattr(connection, _PENDING, None) or []
    if not pending:
        setattr(connection, _PENDING, pending)
    pending.extend(wanted)
    transaction.on_commit(lambda: _enqueue_pending(connection))


_PENDING = "sapa_pending_event_ids"


def _enqueue_pending(connection: object) -> None:
    ids: list[int] = getattr(connection, _PENDING, None) or []
    if not ids:
        return
    setattr(connection, _PENDING, [])
    from sapa.core.tasks import dispatch_events

    try:
        dispatch_events(sorted(set(ids)))
    except Exception:
        # The queue being down must not fail a request whose data is committed; the
        # domains' sweeps pick up what was missed.
        logger.exception("could not enqueue events %s", ids)


def dispatch(events: Sequence[Event]) -> None:
    """Hand `events` to every interested handler (the worker's side)."""
    for handler in handlers():
        wanted = [e for e in events if handler.wants(e.verb)]
        if not wanted:
            continue
        try:
            handler.on_events(wanted)
        except Exception:
            logger.exception("event handler %s failed on %s", handler.name, [e.pk for e in wanted])
