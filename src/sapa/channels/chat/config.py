"""Setting chat widgets up (the console's Chat widgets page): one validated action for
creating and changing a widget, and one for switching it off."""

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils.translation import gettext as _

from sapa.accounts.models import Team
from sapa.accounts.permissions import Permission, require
from sapa.channels.chat.models import DEFAULT_MAX_UPLOAD_BYTES, ChatWidget
from sapa.core.actions import pending_event, record_events
from sapa.core.actors import Actor
from sapa.core.business_hours import parse_hours
from sapa.core.exceptions import InvalidInput

PRECHAT_FIELDS = ("name", "email", "whatsapp")
MAX_UPLOAD_BYTES = 25 * 1024 * 1024
MAX_ORIGINS = 50
_COLOUR = re.compile(r"^#[0-9a-f]{6}$")
_HOST = re.compile(
    r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$"
)


@dataclass(frozen=True)
class WidgetSettings:
    name: str
    allowed_origins: str = ""
    team_id: int | None = None
    title: str = ""
    title_en: str = ""
    colour: str = "#0f766e"
    prechat_fields: tuple[str, ...] = ()
    prechat_required: bool = False
    business_hours: str = ""
    bot_enabled: bool = True
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    is_active: bool = True


def normalise_origin(text: str) -> str:
    """`https://Toko.example:8443/` -> `https://toko.example:8443`. Raises InvalidInput
    (loc allowed_origins) for anything but http(s)://host[:port] without a path."""
    bad = InvalidInput(
        _("“%(origin)s” is not an origin: write it as https://shop.example (no path).")
        % {"origin": text[:100]},
        loc=["allowed_origins"],
    )
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError:
        raise bad from None
    host = (parts.hostname or "").lower()
    if (
        parts.scheme.lower() not in ("http", "https")
        or not host
        or parts.username is not None
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or "@" in parts.netloc
        or not _HOST.match(host)
    ):
        raise bad
    return f"{parts.scheme.lower()}://{host}" + (f":{port}" if port is not None else "")


def _origins(text: str) -> str:
    origins: dict[str, None] = {}
    for line in text.replace(",", "\n").split():
        origins.setdefault(normalise_origin(line), None)
    if len(origins) > MAX_ORIGINS:
        raise InvalidInput(
            _("At most %(count)d origins.") % {"count": MAX_ORIGINS}, loc=["allowed_origins"]
        )
    return "\n".join(origins)


def _checked(wanted: WidgetSettings) -> dict[str, Any]:
    """The widget's fields as they will be stored; raises InvalidInput naming the field."""
    name = " ".join(wanted.name.split())
    if not name:
        raise InvalidInput(_("Give the widget a name."), loc=["name"])
    colour = wanted.colour.strip().lower()
    if not _COLOUR.match(colour):
        raise InvalidInput(_("Write the colour as #rrggbb, e.g. #0f766e."), loc=["colour"])
    unknown = [f for f in wanted.prechat_fields if f not in PRECHAT_FIELDS]
    if unknown:
        raise InvalidInput(_("Unknown pre-chat field."), loc=["prechat_fields"])
    hours = wanted.business_hours.strip()
    try:
        parse_hours(hours)
    except InvalidInput as error:
        raise InvalidInput(error.message, loc=["business_hours"]) from None
    if not 0 < wanted.max_upload_bytes <= MAX_UPLOAD_BYTES:
        raise InvalidInput(_("Files can be at most 25 MB."), loc=["max_upload_bytes"])
    if wanted.team_id is not None and not Team.objects.filter(pk=wanted.team_id).exists():
        raise InvalidInput(_("Choose an existing team."), loc=["team"])
    return {
        "name": name[:100],
        "allowed_origins": _origins(wanted.allowed_origins),
        "team_id": wanted.team_id,
        "title": wanted.title.strip()[:80],
        "title_en": wanted.title_en.strip()[:80],
        "colour": colour,
        "prechat_fields": [f for f in PRECHAT_FIELDS if f in wanted.prechat_fields],
        "prechat_required": wanted.prechat_required and bool(wanted.prechat_fields),
        "business_hours": hours,
        "bot_enabled": wanted.bot_enabled,
        "max_upload_bytes": wanted.max_upload_bytes,
        "is_active": wanted.is_active,
    }


def _summary(widget: ChatWidget) -> dict[str, Any]:
    return {
        "name": widget.name,
        "origins": widget.origins(),
        "team_id": widget.team_id,
        "colour": widget.colour,
        "prechat_fields": list(widget.prechat_fields),
        "prechat_required": widget.prechat_required,
        "business_hours": widget.business_hours,
        "bot_enabled": widget.bot_enabled,
        "max_upload_bytes": widget.max_upload_bytes,
        "active": widget.is_active,
    }


def save_widget(
    wanted: WidgetSettings, *, actor: Actor, widget: ChatWidget | None = None
) -> ChatWidget:
    """Create a widget (with a new key), or update `widget` (its key stays: it is in the
    shop's pages). Raises PermissionDenied (admins only) or InvalidInput naming the field."""
    require(actor, Permission.MANAGE_CHANNELS)
    fields = _checked(wanted)
    with transaction.atomic():
        target = widget or ChatWidget()
        before = _summary(target) if widget else {}
        for field, value in fields.items():
            setattr(target, field, value)
        target.save()
        verb = "chat_widget.updated" if widget else "chat_widget.created"
        record_events(actor, [pending_event(verb, target, before=before, after=_summary(target))])
    return target


def deactivate_widget(widget: ChatWidget, *, actor: Actor) -> ChatWidget:
    """Switch the widget off: its script shows nothing and it takes no new messages. Its
    conversations stay. Raises PermissionDenied."""
    require(actor, Permission.MANAGE_CHANNELS)
    if not widget.is_active:
        return widget
    with transaction.atomic():
        widget.is_active = False
        widget.save(update_fields=["is_active", "updated_at"])
        record_events(
            actor,
            [
                pending_event(
                    "chat_widget.deactivated",
                    widget,
                    before={"active": True},
                    after={"active": False},
                )
            ],
        )
    return widget
