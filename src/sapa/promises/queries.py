"""Named reads of promises: for one customer, for the console's list, for the report."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from sapa.accounts.models import Agent
from sapa.accounts.queries import team_ids_of
from sapa.conversations.queries import visible_tickets
from sapa.core import clock
from sapa.core.cursors import decode_cursor, encode_cursor
from sapa.customers.models import Customer
from sapa.promises.exceptions import PromiseNotFound
from sapa.promises.models import Promise, PromiseStatus

# Open promises the customer panel lists at most (the oldest due first).
PANEL_LIMIT = 20


def _with_people(promises: QuerySet[Promise]) -> QuerySet[Promise]:
    return promises.select_related("ticket", "owner", "created_by")


def access_promise(agent: Agent, promise_id: int) -> Promise:
    """The promise, if `agent` may see its ticket or is its owner or maker; PromiseNotFound
    otherwise (also when it exists)."""
    promise = (
        _with_people(Promise.objects.all())
        .filter(pk=promise_id)
        .filter(Q(ticket__in=visible_tickets(agent)) | Q(owner=agent) | Q(created_by=agent))
        .first()
    )
    if promise is None:
        raise PromiseNotFound()
    return promise


@dataclass(frozen=True)
class CustomerPromises:
    """What the customer panel shows: the open promises (each with `ticket_visible`, whether
    the reader may open its ticket), and how many were kept and broken so far."""

    open: Sequence[Promise]
    kept: int
    broken: int


def customer_promises(agent: Agent, customer: Customer) -> CustomerPromises:
    """Every agent sees the open promises made to the customer on any of their tickets:
    a colleague's promise is exactly what the next agent must not miss. Two queries."""
    promises = list(
        _with_people(Promise.objects.filter(customer=customer, status=PromiseStatus.OPEN))
        .annotate(ticket_visible=Exists(visible_tickets(agent).filter(pk=OuterRef("ticket_id"))))
        .order_by("due_at", "pk")[:PANEL_LIMIT]
    )
    counts = Promise.objects.filter(customer=customer).aggregate(
        kept=Count("pk", filter=Q(status=PromiseStatus.KEPT)),
        broken=Count("pk", filter=Q(status=PromiseStatus.BROKEN)),
    )
    return CustomerPromises(open=promises, kept=counts["kept"], broken=counts["broken"])


def customer_promise_page(
    customer: Customer, *, statuses: tuple[str, ...], cursor: str | None, limit: int
) -> tuple[list[Promise], str | None]:
    """One page of the customer's promises (with `statuses`, all when empty), the soonest
    due first, and the next page's cursor. Raises InvalidInput for a malformed cursor."""
    promises = Promise.objects.filter(customer=customer)
    if statuses:
        promises = promises.filter(status__in=statuses)
    return _page(promises, cursor=cursor, limit=limit)


def _page(
    promises: QuerySet[Promise], *, cursor: str | None, limit: int
) -> tuple[list[Promise], str | None]:
    if cursor:
        at, pk = decode_cursor(cursor, shape=(datetime, int))
        promises = promises.filter(Q(due_at__gte=at) & (Q(due_at__gt=at) | Q(due_at=at, pk__gt=pk)))
    page = list(_with_people(promises).order_by("due_at", "pk")[: limit + 1])
    next_cursor = None
    if len(page) > limit:
        page = page[:limit]
        next_cursor = encode_cursor(page[-1].due_at, page[-1].pk)
    return page, next_cursor


class Scope(StrEnum):
    MINE = "mine"  # owned by the reader
    TEAM = "team"  # on tickets of the reader's teams
    ALL = "all"  # on every ticket the reader may see


def list_open_promises(
    agent: Agent, *, scope: Scope, cursor: str | None, limit: int
) -> tuple[list[Promise], str | None]:
    """One page of open promises in `scope`, the earliest due first (so overdue ones lead),
    and the next page's cursor. Raises InvalidInput for a malformed cursor."""
    promises = Promise.objects.filter(status=PromiseStatus.OPEN)
    if scope == Scope.MINE:
        promises = promises.filter(owner=agent)
    elif scope == Scope.TEAM:
        promises = promises.filter(ticket__team_id__in=team_ids_of(agent))
    else:
        promises = promises.filter(ticket__in=visible_tickets(agent))
    return _page(promises, cursor=cursor, limit=limit)


@dataclass(frozen=True)
class AgentPromiseStats:
    agent: Agent
    kept: int
    broken: int
    open_overdue: int

    @property
    def kept_share(self) -> float | None:
        """Kept among those settled kept or broken, 0..1; None before any."""
        settled = self.kept + self.broken
        return self.kept / settled if settled else None


def promise_report(since: datetime, until: datetime) -> list[AgentPromiseStats]:
    """Per owner: promises settled kept or broken in [since, until), and those open past
    their due time now. Agents with none are left out; most broken first. Two queries."""
    now = clock.now()
    settled = (PromiseStatus.KEPT, PromiseStatus.BROKEN)
    rows = (
        Promise.objects.filter(
            Q(status__in=settled, resolved_at__gte=since, resolved_at__lt=until)
            | Q(status=PromiseStatus.OPEN, due_at__lt=now)
        )
        .values("owner_id")
        .annotate(
            kept=Count("pk", filter=Q(status=PromiseStatus.KEPT)),
            broken=Count("pk", filter=Q(status=PromiseStatus.BROKEN)),
            open_overdue=Count("pk", filter=Q(status=PromiseStatus.OPEN)),
        )
    )
    counts = {row["owner_id"]: row for row in rows}
    agents = Agent.objects.filter(pk__in=counts).order_by("first_name", "username")
    stats = [
        AgentPromiseStats(
            agent=agent,
            kept=counts[agent.pk]["kept"],
            broken=counts[agent.pk]["broken"],
            open_overdue=counts[agent.pk]["open_overdue"],
        )
        for agent in agents
    ]
    return sorted(stats, key=lambda s: (-s.broken, -s.open_overdue, s.agent.display_name))
