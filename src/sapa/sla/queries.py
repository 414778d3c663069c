"""Named reads of SLA data: which policy applies, a ticket's clocks, the inbox's badges and
Overdue view, and the breach report."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from sapa.conversations.models import Priority, Ticket
from sapa.sla.models import (
    BusinessCalendar,
    Holiday,
    SlaClock,
    SlaMetric,
    SlaOutcome,
    SlaPolicy,
    SlaTarget,
)


def matching_policy(ticket: Ticket) -> SlaPolicy | None:
    """The first active policy, by position, whose conditions the ticket meets: its
    customer carries one of the policy's tags (or the policy names none), and it came in on
    one of the policy's channels (or the policy names none)."""
    customer_tags = set(ticket.customer.tags.values_list("name", flat=True))
    for policy in SlaPolicy.objects.filter(is_active=True).select_related("calendar"):
        if policy.customer_tags and not customer_tags & set(policy.customer_tags):
            continue
        if policy.channels and ticket.origin_channel not in policy.channels:
            continue
        return policy
    return None


def open_clocks_of(ticket: Ticket) -> list[SlaClock]:
    """The ticket's running and paused clocks, the soonest due first (paused ones last)."""
    clocks = list(
        SlaClock.objects.filter(ticket=ticket, stopped_at__isnull=True).select_related("calendar")
    )
    order: list[str] = [metric.value for metric in SlaMetric]
    clocks.sort(key=lambda c: (c.due_at is None, c.due_at or c.started_at, order.index(c.metric)))
    return clocks


class BadgeState(StrEnum):
    ON_TRACK = "on_track"
    WARNED = "warned"
    OVERDUE = "overdue"
    PAUSED = "paused"


@dataclass(frozen=True)
class SlaBadge:
    metric: str
    state: BadgeState
    due_at: datetime | None
    zone: str


def due_for_tickets(ticket_ids: Iterable[int], *, now: datetime) -> dict[int, SlaBadge]:
    """Per ticket, its most pressing open clock (the running one due soonest; a paused one
    when none runs), in one query. Tickets without open clocks are left out."""
    ids = list(ticket_ids)
    if not ids:
        return {}
    rows = SlaClock.objects.filter(ticket_id__in=ids, stopped_at__isnull=True).values_list(
        "ticket_id", "metric", "due_at", "warned_at", "breached_at", "calendar__zone"
    )
    badges: dict[int, SlaBadge] = {}
    for ticket_id, metric, due_at, warned_at, breached_at, zone in rows:
        if due_at is None:
            state = BadgeState.PAUSED
        elif breached_at is not None or due_at <= now:
            state = BadgeState.OVERDUE
        elif warned_at is not None:
            state = BadgeState.WARNED
        else:
            state = BadgeState.ON_TRACK
        badge = SlaBadge(metric=metric, state=state, due_at=due_at, zone=zone or "WIB")
        current = badges.get(ticket_id)
        if current is None or _more_pressing(badge, current):
            badges[ticket_id] = badge
    return badges


def _more_pressing(badge: SlaBadge, than: SlaBadge) -> bool:
    if badge.due_at is None:
        return False
    return than.due_at is None or badge.due_at < than.due_at


def overdue_condition(at: datetime) -> Exists:
    """A filter for tickets with a running clock due at or before `at`."""
    return Exists(
        SlaClock.objects.filter(ticket=OuterRef("pk"), running_since__isnull=False, due_at__lte=at)
    )


def list_calendars() -> QuerySet[BusinessCalendar]:
    return BusinessCalendar.objects.annotate(
        holiday_count=Count("holidays", filter=Q(holidays__is_active=True))
    ).order_by("-is_default", "name")


def holidays_in(calendar: BusinessCalendar, year: int) -> QuerySet[Holiday]:
    return Holiday.objects.filter(calendar=calendar, date__year=year).order_by("date")


def list_policies() -> QuerySet[SlaPolicy]:
    return SlaPolicy.objects.select_related("calendar").prefetch_related(
        Prefetch("targets", queryset=SlaTarget.objects.order_by("pk"))
    )


@dataclass(frozen=True)
class BreachRow:
    metric: str
    priority: str
    team: str
    breached: int
    met: int

    @property
    def met_percent(self) -> int | None:
        total = self.breached + self.met
        return round(100 * self.met / total) if total else None

    @property
    def metric_label(self) -> str:
        return str(SlaMetric(self.metric).label)

    @property
    def priority_label(self) -> str:
        return str(Priority(self.priority).label)


@dataclass(frozen=True)
class BreachReport:
    rows: list[BreachRow]
    breached: int
    met: int

    @property
    def met_percent(self) -> int | None:
        total = self.breached + self.met
        return round(100 * self.met / total) if total else None


def breach_report(since: datetime, until: datetime) -> BreachReport:
    """Targets decided in [since, until) by metric, ticket priority and team: how many were
    met and how many breached (a breach counts when it happened, even if the clock still
    runs). One query."""
    decided = Q(stopped_at__gte=since, stopped_at__lt=until, outcome=SlaOutcome.MET)
    breached = Q(breached_at__gte=since, breached_at__lt=until)
    rows = (
        SlaClock.objects.filter(decided | breached)
        .values("metric", "ticket__priority", "ticket__team__name")
        .annotate(met=Count("pk", filter=decided), breached=Count("pk", filter=breached))
        .order_by("metric", "ticket__priority", "ticket__team__name")
    )
    report_rows = [
        BreachRow(
            metric=row["metric"],
            priority=row["ticket__priority"],
            team=row["ticket__team__name"] or "",
            breached=row["breached"],
            met=row["met"],
        )
        for row in rows
    ]
    return BreachReport(
        rows=report_rows,
        breached=sum(r.breached for r in report_rows),
        met=sum(r.met for r in report_rows),
    )
