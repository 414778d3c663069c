"""Named reads of the phone channel: a line by its webhook key, where a menu entry sends
the caller, a ticket's calls."""

from dataclasses import dataclass

from django.db.models import QuerySet

from sapa.bot.models import MenuNode
from sapa.channels.voice.models import CallRecord, Department, MenuRoute, RouteKind, VoiceLine


def line_for_key(key: str) -> VoiceLine | None:
    """The active line whose webhooks live under `key`."""
    return (
        VoiceLine.objects.filter(key=key, is_active=True)
        .select_related("default_department", "calendar")
        .first()
    )


@dataclass(frozen=True)
class Destination:
    """Where a caller goes: a department, or (department None) voicemail."""

    department: Department | None

    @property
    def is_voicemail(self) -> bool:
        return self.department is None


def default_destination(line: VoiceLine) -> Destination:
    """A person: the line's default department when it is active, else voicemail."""
    department = line.default_department
    if department is not None and department.is_active:
        return Destination(department)
    return Destination(None)


def destination_for(node: MenuNode, line: VoiceLine) -> Destination:
    """Where the hand-off entry `node` sends the caller: its route (a department, or
    voicemail), else the active department of the entry's team, else the line's default."""
    route = MenuRoute.objects.filter(node=node).select_related("department").first()
    if route is not None:
        if route.kind == RouteKind.VOICEMAIL:
            return Destination(None)
        if route.department is not None and route.department.is_active:
            return Destination(route.department)
    if node.team_id is not None:
        department = (
            Department.objects.filter(team_id=node.team_id, is_active=True).order_by("pk").first()
        )
        if department is not None:
            return Destination(department)
    return default_destination(line)


def routes_by_node(nodes: list[MenuNode]) -> dict[int, MenuRoute]:
    routes = MenuRoute.objects.filter(node__in=nodes).select_related("department")
    return {route.node_id: route for route in routes}


def list_lines() -> QuerySet[VoiceLine]:
    return VoiceLine.objects.select_related("team", "calendar", "default_department").order_by(
        "name"
    )


def list_departments() -> QuerySet[Department]:
    return Department.objects.select_related("team").order_by("name")


def calls_of_ticket(ticket_id: int) -> QuerySet[CallRecord]:
    return CallRecord.objects.filter(ticket_id=ticket_id).order_by("-started_at")
