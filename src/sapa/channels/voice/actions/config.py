"""Setting the phone up (console, MANAGE_CHANNELS): lines, departments, and where each
hand-off entry of the phone menu goes. The menu's entries themselves are the bot's menu
tree "phone" (sapa.bot.config)."""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sapa.accounts.models import Team
from sapa.accounts.permissions import Permission, require
from sapa.bot.models import MenuAction, MenuNode
from sapa.channels.voice.models import (
    MAX_VOICEMAIL_SECONDS,
    Department,
    MenuRoute,
    Provider,
    RouteKind,
    VoiceLanguage,
    VoiceLine,
)
from sapa.core.actions import pending_event, record_events
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput
from sapa.customers.addresses import InvalidAddress, normalise_phone
from sapa.sla.models import BusinessCalendar

PHONE_MENU = "phone"
MAX_RING_SECONDS = 120


@dataclass(frozen=True)
class LineSettings:
    name: str
    number: str
    # "" keeps the stored token (the console never shows it back).
    auth_token: str
    provider: str = Provider.TWILIO
    team_id: int | None = None
    calendar_id: int | None = None
    default_department_id: int | None = None
    language: str = VoiceLanguage.INDONESIAN
    greeting: str = ""
    greeting_en: str = ""
    voicemail_max_seconds: int = MAX_VOICEMAIL_SECONDS
    transcribe_voicemail: bool = True
    is_active: bool = True


def _phone(raw: str, field: str) -> str:
    try:
        return normalise_phone(raw)
    except InvalidAddress as error:
        raise InvalidInput(str(error), loc=[field]) from None


def _line_summary(line: VoiceLine) -> dict[str, Any]:
    # Never the auth token: events are read by people who may not see it.
    return {
        "name": line.name,
        "number": line.number,
        "provider": line.provider,
        "team_id": line.team_id,
        "calendar_id": line.calendar_id,
        "default_department_id": line.default_department_id,
        "language": line.language,
        "voicemail_max_seconds": line.voicemail_max_seconds,
        "transcribe_voicemail": line.transcribe_voicemail,
        "active": line.is_active,
    }


def save_line(wanted: LineSettings, *, actor: Actor, line: VoiceLine | None = None) -> VoiceLine:
    """Create a line, or update `line`. Raises PermissionDenied or InvalidInput naming the
    field (name, number, auth_token, provider, team, calendar, default_department,
    language, voicemail_max_seconds)."""
    require(actor, Permission.MANAGE_CHANNELS)
    if not wanted.name.strip():
        raise InvalidInput(_("Give the line a name."), loc=["name"])
    number = _phone(wanted.number, "number")
    clash = VoiceLine.objects.filter(number=number)
    if line is not None:
        clash = clash.exclude(pk=line.pk)
    if clash.exists():
        raise InvalidInput(_("Another line has this number."), loc=["number"])
    token = wanted.auth_token.strip()
    if not token and (line is None or not line.auth_token):
        raise InvalidInput(
            _("Paste the provider's auth token: it checks that calls come from it."),
            loc=["auth_token"],
        )
    if wanted.provider not in Provider.values:
        raise InvalidInput(_("Choose a provider."), loc=["provider"])
    if wanted.language not in VoiceLanguage.values:
        raise InvalidInput(_("Choose a language."), loc=["language"])
    if not 5 <= wanted.voicemail_max_seconds <= MAX_VOICEMAIL_SECONDS:
        raise InvalidInput(
            _("A voicemail can last from 5 to %(limit)d seconds.")
            % {"limit": MAX_VOICEMAIL_SECONDS},
            loc=["voicemail_max_seconds"],
        )
    for field, model, pk in (
        ("team", Team, wanted.team_id),
        ("calendar", BusinessCalendar, wanted.calendar_id),
        ("default_department", Department, wanted.default_department_id),
    ):
        if pk is not None and not model.objects.filter(pk=pk).exists():
            raise InvalidInput(_("Choose one from the list."), loc=[field])
    with transaction.atomic():
        target = line or VoiceLine()
        before = _line_summary(target) if line else {}
        target.name = wanted.name.strip()[:100]
        target.number = number
        if token:
            target.auth_token = token[:200]
        target.provider = wanted.provider
        target.team_id = wanted.team_id
        target.calendar_id = wanted.calendar_id
        target.default_department_id = wanted.default_department_id
        target.language = wanted.language
        target.greeting = wanted.greeting.strip()[:300]
        target.greeting_en = wanted.greeting_en.strip()[:300]
        target.voicemail_max_seconds = wanted.voicemail_max_seconds
        target.transcribe_voicemail = wanted.transcribe_voicemail
        target.is_active = wanted.is_active
        target.save()
        after = {**_line_summary(target), "auth_token_changed": bool(token)}
        verb = "voice.line_updated" if line else "voice.line_created"
        record_events(actor, [pending_event(verb, target, before=before, after=after)])
    return target


@dataclass(frozen=True)
class DepartmentSettings:
    name: str
    phone_number: str = ""
    queue_name: str = ""
    team_id: int | None = None
    ring_seconds: int = 25
    is_active: bool = True


def _department_summary(department: Department) -> dict[str, Any]:
    return {
        "name": department.name,
        "phone_number": department.phone_number,
        "queue_name": department.queue_name,
        "team_id": department.team_id,
        "ring_seconds": department.ring_seconds,
        "active": department.is_active,
    }


def save_department(
    wanted: DepartmentSettings, *, actor: Actor, department: Department | None = None
) -> Department:
    """Create a department, or update `department`: a phone number to put callers through
    to, or else a provider queue. Raises PermissionDenied or InvalidInput naming the field
    (name, phone_number, queue_name, team, ring_seconds)."""
    require(actor, Permission.MANAGE_CHANNELS)
    name = wanted.name.strip()[:100]
    if not name:
        raise InvalidInput(_("Give the department a name."), loc=["name"])
    clash = Department.objects.filter(name__iexact=name)
    if department is not None:
        clash = clash.exclude(pk=department.pk)
    if clash.exists():
        raise InvalidInput(_("Another department has this name."), loc=["name"])
    number = _phone(wanted.phone_number, "phone_number") if wanted.phone_number.strip() else ""
    queue = wanted.queue_name.strip()
    if not number and not queue:
        raise InvalidInput(
            _("Give a phone number to put callers through to, or a queue name."),
            loc=["phone_number"],
        )
    if len(queue) > 64 or any(ch.isspace() for ch in queue):
        raise InvalidInput(
            _("A queue name is one word of at most 64 characters."), loc=["queue_name"]
        )
    if not 5 <= wanted.ring_seconds <= MAX_RING_SECONDS:
        raise InvalidInput(
            _("Ring for 5 to %(limit)d seconds.") % {"limit": MAX_RING_SECONDS},
            loc=["ring_seconds"],
        )
    if wanted.team_id is not None and not Team.objects.filter(pk=wanted.team_id).exists():
        raise InvalidInput(_("Choose an existing team."), loc=["team"])
    with transaction.atomic():
        target = department or Department()
        before = _department_summary(target) if department else {}
        target.name = name
        target.phone_number = number
        target.queue_name = queue
        target.team_id = wanted.team_id
        target.ring_seconds = wanted.ring_seconds
        target.is_active = wanted.is_active
        target.save()
        verb = "voice.department_updated" if department else "voice.department_created"
        record_events(
            actor,
            [pending_event(verb, target, before=before, after=_department_summary(target))],
        )
    return target


def set_menu_route(
    node: MenuNode, *, kind: str, department_id: int | None, actor: Actor
) -> MenuRoute | None:
    """Where the phone menu's hand-off entry `node` sends callers: a department, or
    voicemail; kind "" removes the choice (the entry's team's department is used). Raises
    PermissionDenied or InvalidInput (node, kind, department)."""
    require(actor, Permission.MANAGE_CHANNELS)
    if node.menu != PHONE_MENU or node.action != MenuAction.HANDOFF:
        raise InvalidInput(
            _("Only the phone menu's hand-off entries are put through."), loc=["node"]
        )
    if kind and kind not in RouteKind.values:
        raise InvalidInput(_("Choose where the entry goes."), loc=["kind"])
    if kind == RouteKind.DIAL and (
        department_id is None or not Department.objects.filter(pk=department_id).exists()
    ):
        raise InvalidInput(
            _("Choose the department to put callers through to."), loc=["department"]
        )
    with transaction.atomic():
        found = MenuRoute.objects.select_for_update().filter(node=node).first()
        before = {"kind": found.kind, "department_id": found.department_id} if found else {}
        if not kind:
            if found is not None:
                found.delete()
            after: dict[str, Any] = {}
            route = None
        else:
            route = found or MenuRoute(node=node)
            route.kind = kind
            route.department_id = department_id if kind == RouteKind.DIAL else None
            route.save()
            after = {"kind": route.kind, "department_id": route.department_id}
        record_events(
            actor, [pending_event("voice.menu_route_set", node, before=before, after=after)]
        )
    return route
