"""The current time for actions, which the demo loader (and tests) can set.

Actions call `clock.now()` instead of `timezone.now()` so that a history can be replayed at
the times it happened: the demo's conversations took place over the past weeks, not all in
the second the demo was loaded. The override is a context variable, so it never leaks into
other threads or requests.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

_frozen: ContextVar[datetime | None] = ContextVar("sapa_clock_frozen", default=None)


def now() -> datetime:
    return _frozen.get() or timezone.now()


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Within the block, `now()` returns `moment` (an aware datetime)."""
    if timezone.is_naive(moment):
        raise ValueError("frozen_at needs an aware datetime")
    token = _frozen.set(moment)
    try:
        yield
    finally:
        _frozen.reset(token)
