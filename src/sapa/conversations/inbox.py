"""The inbox's saved views: Mine, Unassigned, My teams, All open, Overdue, Pending, Solved.

Each view is a set of filters over the tickets an agent may see; their counts come from one
aggregate query.
"""

from dataclasses import replace
from enum import StrEnum

from django.db.models import Count, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sapa.accounts.models import Agent
from sapa.accounts.queries import team_ids_of
from sapa.conversations.models import TicketStatus
from sapa.conversations.queries import TicketFilters, visible_tickets
from sapa.core import clock

ACTIVE = (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.ON_HOLD)
WAITING_ON_US = (TicketStatus.NEW, TicketStatus.OPEN)


class SavedView(StrEnum):
    MINE = "mine"
    UNASSIGNED = "unassigned"
    MY_TEAMS = "teams"
    ALL_OPEN = "open"
    OVERDUE = "overdue"
    PENDING = "pending"
    SOLVED = "solved"


VIEW_LABELS: dict[SavedView, Promise] = {
    SavedView.MINE: _("Mine"),
    SavedView.UNASSIGNED: _("Unassigned"),
    SavedView.MY_TEAMS: _("My teams"),
    SavedView.ALL_OPEN: _("All open"),
    SavedView.OVERDUE: pgettext_lazy("inbox view: SLA target passed", "Overdue"),
    SavedView.PENDING: _("Pending"),
    SavedView.SOLVED: _("Solved"),
}


def view_filters(view: SavedView, agent: Agent) -> TicketFilters:
    if view == SavedView.MINE:
        return TicketFilters(statuses=ACTIVE, assignee_id=agent.pk)
    if view == SavedView.UNASSIGNED:
        return TicketFilters(statuses=WAITING_ON_US, unassigned=True)
    if view == SavedView.MY_TEAMS:
        return TicketFilters(statuses=ACTIVE, team_ids=tuple(team_ids_of(agent)))
    if view == SavedView.OVERDUE:
        return TicketFilters(statuses=ACTIVE, overdue_at=clock.now())
    if view == SavedView.PENDING:
        return TicketFilters(statuses=(TicketStatus.PENDING, TicketStatus.ON_HOLD))
    if view == SavedView.SOLVED:
        return TicketFilters(statuses=(TicketStatus.SOLVED,))
    return TicketFilters(statuses=WAITING_ON_US)


def combine(view_part: TicketFilters, chosen: TicketFilters) -> TicketFilters:
    """The view's filters narrowed by what the agent chose in the filter bar."""
    return replace(
        view_part,
        statuses=chosen.statuses or view_part.statuses,
        priority=chosen.priority,
        assignee_id=chosen.assignee_id if chosen.assignee_id is not None else view_part.assignee_id,
        unassigned=view_part.unassigned or chosen.unassigned,
        team_id=chosen.team_id,
        channel=chosen.channel,
        tag=chosen.tag,
        text=chosen.text,
    )


def view_counts(agent: Agent) -> dict[SavedView, int]:
    """How many tickets each view holds for `agent`, in one query (closed ones skipped)."""
    from sapa.sla.queries import overdue_condition  # sla sits above conversations

    team_ids = team_ids_of(agent)
    active = Q(status__in=ACTIVE)
    counts = (
        visible_tickets(agent)
        .exclude(status=TicketStatus.CLOSED)
        .aggregate(
            mine=Count("pk", filter=active & Q(assignee_id=agent.pk)),
            unassigned=Count("pk", filter=Q(status__in=WAITING_ON_US, assignee__isnull=True)),
            teams=Count("pk", filter=active & Q(team_id__in=team_ids)),
            open=Count("pk", filter=Q(status__in=WAITING_ON_US)),
            overdue=Count("pk", filter=active & Q(overdue_condition(clock.now()))),
            pending=Count("pk", filter=Q(status__in=(TicketStatus.PENDING, TicketStatus.ON_HOLD))),
            solved=Count("pk", filter=Q(status=TicketStatus.SOLVED)),
        )
    )
    return {view: counts[view.value] for view in SavedView}
