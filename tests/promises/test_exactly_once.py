"""Two workers sweeping at the same moment: a promise due in the past produces one
reminder, one due notice and one follow-up message, never two. Real threads, each with its
own database connection and transactions (SQLite and PostgreSQL)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection

from sapa.conversations.models import Direction, Message, Notification, NotificationKind
from sapa.core.models import Event
from sapa.promises.models import Promise
from sapa.promises.timers import SweepResult, run_due_steps
from tests.promises.conftest import moment, promise_due_in

pytestmark = pytest.mark.django_db(transaction=True)

FOLLOW_UP = "Apakah pesanan Anda sudah diterima?"
WORKERS = 2


def _sweep_concurrently(workers: int) -> list[SweepResult]:
    start = threading.Barrier(workers)

    def worker(_index: int) -> SweepResult:
        try:
            start.wait(timeout=10)
            return run_due_steps()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(worker, range(workers)))


@pytest.mark.parametrize("rounds", [1, 3])
def test_two_workers_remind_notify_and_follow_up_exactly_once(ticket, rina, rounds):
    # given three promises due yesterday, with follow-ups
    made = moment() - timedelta(days=2)
    promises = [
        promise_due_in(ticket, rina, at=made, hours=24, follow_up_text=FOLLOW_UP, text=f"Janji {i}")
        for i in range(3)
    ]
    # when two workers sweep at once, `rounds` times
    results = [r for _ in range(rounds) for r in _sweep_concurrently(WORKERS)]
    # then each step happened once per promise, whichever worker did it
    assert sum(r.reminded for r in results) == 3
    assert sum(r.due for r in results) == 3
    assert sum(r.followed_up for r in results) == 3
    reminders = Notification.objects.filter(kind=NotificationKind.PROMISE_REMINDER)
    dues = Notification.objects.filter(kind=NotificationKind.PROMISE_DUE)
    for notifications in (reminders, dues):
        texts = [
            detail.split(" · ")[0] for detail in notifications.values_list("detail", flat=True)
        ]
        assert sorted(texts) == ["Janji 0", "Janji 1", "Janji 2"]
    messages = Message.objects.filter(direction=Direction.OUTBOUND, text=FOLLOW_UP)
    assert messages.count() == 3
    for promise in Promise.objects.filter(pk__in=[p.pk for p in promises]):
        assert promise.follow_up_message_id in set(messages.values_list("pk", flat=True))
    for verb in ("promise.reminded", "promise.due", "promise.followed_up"):
        assert Event.objects.filter(verb=verb).count() == 3, verb
