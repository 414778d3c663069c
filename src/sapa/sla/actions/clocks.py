"""The clocks on each ticket, moved by the ticket's committed events (sapa.sla.handlers).

Every transition takes the event's time, not the time it is handled, so a worker that runs
late computes the same due times. Each is idempotent: a clock is keyed by ticket, metric and
run, remembers the time of the last event applied (`changed_at`) and ignores older ones, and
a transition to the state a clock is already in changes nothing.

- first response: starts with the ticket, stops at the first reply by a person;
- next response: starts when the customer writes after a first response, stops at the next
  reply by a person;
- resolution: starts with the ticket, stops when it is solved or closed, resumes (keeping
  the time spent) when it is reopened;
- all of them pause while the ticket is pending or on hold (waiting on the customer), and
  get new targets when the priority changes.

Clock rows are derived from ticket events, which are the audit trail; only a breach is
recorded as an Event of its own ("sla.breached"), here for late stops and in
sapa.sla.actions.alerts for the ones the sweep finds.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Max

from sapa.conversations.actions.locking import lock_ticket
from sapa.conversations.models import Ticket, TicketStatus
from sapa.core.actions import record_event
from sapa.core.actors import Actor
from sapa.sla.business_time import CalendarSpec, add_business_seconds, business_seconds_between
from sapa.sla.calendars import calendar_spec
from sapa.sla.models import (
    BusinessCalendar,
    SlaClock,
    SlaMetric,
    SlaOutcome,
    SlaPolicy,
    SlaTarget,
)
from sapa.sla.queries import matching_policy

SLA_ACTOR = Actor.automation("sla")
RESPONSE_METRICS = (SlaMetric.FIRST_RESPONSE, SlaMetric.NEXT_RESPONSE)
PAUSED_STATUSES = (TicketStatus.PENDING, TicketStatus.ON_HOLD)
DONE_STATUSES = (TicketStatus.SOLVED, TicketStatus.CLOSED)


class _Specs:
    """Calendar specs loaded once per transition (a calendar's holidays are one query)."""

    def __init__(self) -> None:
        self._loaded: dict[int, CalendarSpec] = {}

    def of(self, calendar: BusinessCalendar) -> CalendarSpec:
        if calendar.pk not in self._loaded:
            self._loaded[calendar.pk] = calendar_spec(calendar)
        return self._loaded[calendar.pk]


def _warn_seconds(clock: SlaClock) -> int:
    """How long before the due time the warning comes: the policy's setting, but never
    earlier than half-way through the target."""
    minutes = clock.policy.warn_before_minutes if clock.policy is not None else 0
    return min(minutes * 60, clock.target_seconds // 2)


def _schedule(clock: SlaClock, spec: CalendarSpec) -> None:
    """Due and warning times of a running clock, from what remains of its target."""
    assert clock.running_since is not None
    remaining = max(0, clock.target_seconds - clock.elapsed_seconds)
    clock.due_at = add_business_seconds(spec, clock.running_since, remaining)
    warn = _warn_seconds(clock)
    clock.warn_at = (
        add_business_seconds(spec, clock.running_since, max(0, remaining - warn)) if warn else None
    )


def _run_until(clock: SlaClock, at: datetime, spec: CalendarSpec) -> None:
    """Add the business time since the clock last started running to `elapsed_seconds`."""
    if clock.running_since is not None:
        clock.elapsed_seconds += business_seconds_between(spec, clock.running_since, at)


_FIELDS = [
    "target_seconds",
    "elapsed_seconds",
    "running_since",
    "due_at",
    "warn_at",
    "warned_at",
    "breached_at",
    "stopped_at",
    "outcome",
    "changed_at",
]


def _target_seconds(policy: SlaPolicy | None, priority: str, metric: str) -> int | None:
    if policy is None:
        return None
    target = SlaTarget.objects.filter(policy=policy, priority=priority).first()
    minutes = target.minutes_for(metric) if target is not None else None
    return minutes * 60 if minutes is not None else None


def _new_clock(
    ticket: Ticket,
    *,
    metric: SlaMetric,
    run: int,
    policy: SlaPolicy,
    at: datetime,
    specs: _Specs,
) -> SlaClock | None:
    seconds = _target_seconds(policy, ticket.priority, metric)
    if seconds is None:
        return None
    clock = SlaClock(
        ticket=ticket,
        metric=metric,
        run=run,
        policy=policy,
        calendar=policy.calendar,
        target_seconds=seconds,
        started_at=at,
        running_since=at,
        changed_at=at,
    )
    _schedule(clock, specs.of(policy.calendar))
    clock.save()
    return clock


def _open_clocks(ticket: Ticket, metrics: Iterable[str] = tuple(SlaMetric)) -> list[SlaClock]:
    return list(
        SlaClock.objects.filter(ticket=ticket, metric__in=list(metrics), stopped_at__isnull=True)
        .select_related("ticket", "policy", "calendar")
        .order_by("pk")
    )


def _spec_for(clock: SlaClock, specs: _Specs) -> CalendarSpec | None:
    return specs.of(clock.calendar) if clock.calendar is not None else None


def _stop(
    clock: SlaClock, at: datetime, specs: _Specs, *, outcome: SlaOutcome | None = None
) -> None:
    spec = _spec_for(clock, specs)
    if spec is not None:
        _run_until(clock, at, spec)
    late = (
        clock.breached_at is not None
        or (clock.due_at is not None and at > clock.due_at)
        or clock.elapsed_seconds > clock.target_seconds
    )
    if outcome is None:
        outcome = SlaOutcome.BREACHED if late else SlaOutcome.MET
    if outcome == SlaOutcome.BREACHED and clock.breached_at is None:
        clock.breached_at = clock.due_at or at
        record_event(
            SLA_ACTOR,
            "sla.breached",
            clock.ticket,
            after={
                "metric": clock.metric,
                "due_at": clock.breached_at.isoformat(),
                "zone": clock.calendar.zone if clock.calendar is not None else "WIB",
                "clock_id": clock.pk,
            },
        )
    clock.outcome = outcome
    clock.stopped_at = at
    clock.running_since = clock.due_at = clock.warn_at = None
    clock.changed_at = at
    clock.save(update_fields=_FIELDS)


def _pause(clock: SlaClock, at: datetime, specs: _Specs) -> None:
    spec = _spec_for(clock, specs)
    if clock.running_since is None or spec is None:
        return
    _run_until(clock, at, spec)
    clock.running_since = clock.due_at = clock.warn_at = None
    clock.changed_at = at
    clock.save(update_fields=_FIELDS)


def _resume(clock: SlaClock, at: datetime, specs: _Specs) -> None:
    spec = _spec_for(clock, specs)
    if clock.running_since is not None or spec is None:
        return
    clock.running_since = at
    clock.stopped_at = None
    clock.outcome = SlaOutcome.RUNNING
    _schedule(clock, spec)
    clock.changed_at = at
    clock.save(update_fields=_FIELDS)


def _current(clocks: Iterable[SlaClock], at: datetime) -> list[SlaClock]:
    """The clocks an event at `at` may still move (not changed by a later event)."""
    return [c for c in clocks if c.changed_at <= at]


def start_clocks(ticket: Ticket, *, at: datetime) -> list[SlaClock]:
    """Start the first-response and resolution clocks of a new ticket under the first
    matching policy's targets for its priority. Nothing when it has them already."""
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        if SlaClock.objects.filter(ticket=ticket, run=1).exists():
            return []
        policy = matching_policy(ticket)
        if policy is None:
            return []
        specs = _Specs()
        started = [
            _new_clock(ticket, metric=metric, run=1, policy=policy, at=at, specs=specs)
            for metric in (SlaMetric.FIRST_RESPONSE, SlaMetric.RESOLUTION)
        ]
    return [c for c in started if c is not None]


def record_response(ticket: Ticket, *, at: datetime) -> None:
    """A person answered the customer at `at`: the response clocks started before then stop
    (breached when late)."""
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        specs = _Specs()
        for clock in _current(_open_clocks(ticket, RESPONSE_METRICS), at):
            if clock.started_at <= at:
                _stop(clock, at, specs)


def start_next_response(ticket: Ticket, *, at: datetime) -> SlaClock | None:
    """The customer wrote at `at` on a ticket that had its first response: a next-response
    clock starts, unless one is open or one already started for this message."""
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        if ticket.first_response_at is None or ticket.first_response_at > at:
            return None
        if ticket.status in DONE_STATUSES:
            return None
        earlier = SlaClock.objects.filter(ticket=ticket, metric=SlaMetric.NEXT_RESPONSE)
        if (
            earlier.filter(stopped_at__isnull=True).exists()
            or earlier.filter(started_at__gte=at).exists()
        ):
            return None
        policy = _ticket_policy(ticket)
        if policy is None:
            return None
        run = (earlier.aggregate(last=Max("run"))["last"] or 0) + 1
        clock = _new_clock(
            ticket, metric=SlaMetric.NEXT_RESPONSE, run=run, policy=policy, at=at, specs=_Specs()
        )
        if clock is not None and ticket.status in PAUSED_STATUSES:
            _pause(clock, at, _Specs())
    return clock


def _ticket_policy(ticket: Ticket) -> SlaPolicy | None:
    """The policy the ticket's clocks started under (kept for its life), else the first
    matching one now."""
    first = (
        SlaClock.objects.filter(ticket=ticket, policy__isnull=False)
        .select_related("policy__calendar")
        .order_by("pk")
        .first()
    )
    return first.policy if first is not None else matching_policy(ticket)


def follow_status(ticket: Ticket, *, status: str, at: datetime) -> None:
    """The ticket's status became `status` at `at`: pending and on hold pause every clock,
    solved and closed stop them, open resumes them (a solved ticket's resolution clock
    included, with the time it had spent)."""
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        specs = _Specs()
        if status in PAUSED_STATUSES:
            for clock in _current(_open_clocks(ticket), at):
                _pause(clock, at, specs)
        elif status in DONE_STATUSES:
            for clock in _current(_open_clocks(ticket), at):
                _stop(clock, at, specs)
        elif ticket.status not in DONE_STATUSES:
            for clock in _current(_open_clocks(ticket), at):
                _resume(clock, at, specs)
            _reopen_resolution(ticket, at, specs)


def _reopen_resolution(ticket: Ticket, at: datetime, specs: _Specs) -> None:
    clock = (
        SlaClock.objects.filter(
            ticket=ticket, metric=SlaMetric.RESOLUTION, stopped_at__isnull=False
        )
        .exclude(outcome=SlaOutcome.CANCELLED)
        .select_related("policy", "calendar")
        .order_by("-run")
        .first()
    )
    if clock is None or clock.changed_at > at:
        return
    if SlaClock.objects.filter(
        ticket=ticket, metric=SlaMetric.RESOLUTION, stopped_at__isnull=True
    ).exists():
        return
    _resume(clock, at, specs)


def retarget_clocks(ticket: Ticket, *, at: datetime) -> None:
    """The priority changed at `at`: open clocks take their policy's targets for the new
    priority, keeping the time spent; a clock whose target is gone stops as cancelled. A
    clock already warned is warned again when its new due time leaves room for it."""
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        specs = _Specs()
        for clock in _current(_open_clocks(ticket), at):
            seconds = _target_seconds(clock.policy, ticket.priority, clock.metric)
            if seconds is None:
                _stop(clock, at, specs, outcome=SlaOutcome.CANCELLED)
                continue
            if seconds == clock.target_seconds:
                continue
            spec = _spec_for(clock, specs)
            clock.target_seconds = seconds
            if clock.running_since is not None and spec is not None:
                _run_until(clock, at, spec)
                clock.running_since = at
                _schedule(clock, spec)
                if clock.warned_at is not None and clock.warn_at and clock.warn_at > at:
                    clock.warned_at = None
            clock.changed_at = at
            clock.save(update_fields=_FIELDS)


def retime_running_clocks(calendar: BusinessCalendar) -> int:
    """New due times for the calendar's running clocks after its hours or holidays changed
    (time already spent is not counted again). Call inside the changing transaction."""
    spec = calendar_spec(calendar)
    clocks = list(
        SlaClock.objects.filter(calendar=calendar, running_since__isnull=False).select_related(
            "policy"
        )
    )
    for clock in clocks:
        _schedule(clock, spec)
    SlaClock.objects.bulk_update(clocks, ["due_at", "warn_at"], batch_size=500)
    return len(clocks)
