"""Setting walk-in up (the console's Stores and kiosks page, admins): locations, and the
kiosk devices that log visits through the API with their own tokens.

A kiosk token is `sapa_kiosk_` + 40 random URL-safe characters, shown once; only its
SHA-256 is stored (like API tokens: 240 random bits need no slow hash).
"""

import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sapa.accounts.models import Agent, Team
from sapa.accounts.permissions import Permission, has_permission, require
from sapa.channels.walkin.models import KioskDevice, LocationKind, StoreLocation
from sapa.core import clock
from sapa.core.actions import record_event
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput

KIOSK_TOKEN_PREFIX = "sapa_kiosk_"  # noqa: S105 (a public prefix, not a secret)
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,19}$")


@dataclass(frozen=True)
class LocationSettings:
    code: str
    name: str
    kind: str = LocationKind.STORE
    address: str = ""
    team_id: int | None = None
    follow_up_owner_id: int | None = None
    is_active: bool = True


def _checked(wanted: LocationSettings, location: StoreLocation | None) -> dict[str, Any]:
    code = wanted.code.strip().upper()
    if not _CODE.match(code):
        raise InvalidInput(
            _("Use up to 20 letters, digits, - or _, e.g. JKT-01."), loc=["body", "code"]
        )
    taken = StoreLocation.objects.filter(code=code)
    if location is not None:
        taken = taken.exclude(pk=location.pk)
    if taken.exists():
        raise InvalidInput(_("Another location has this code."), loc=["body", "code"])
    name = " ".join(wanted.name.split())
    if not name:
        raise InvalidInput(_("Give the location a name."), loc=["body", "name"])
    if wanted.kind not in LocationKind.values:
        raise InvalidInput(_("Choose a kind of location."), loc=["body", "kind"])
    if wanted.team_id is not None and not Team.objects.filter(pk=wanted.team_id).exists():
        raise InvalidInput(_("Choose an existing team."), loc=["body", "team"])
    if wanted.follow_up_owner_id is not None:
        owner = Agent.objects.filter(pk=wanted.follow_up_owner_id, is_active=True).first()
        if owner is None or not has_permission(owner, Permission.REPLY):
            raise InvalidInput(
                _("Choose an active agent who can answer customers."),
                loc=["body", "follow_up_owner"],
            )
    return {
        "code": code,
        "name": name[:120],
        "kind": wanted.kind,
        "address": wanted.address.strip()[:2000],
        "team_id": wanted.team_id,
        "follow_up_owner_id": wanted.follow_up_owner_id,
        "is_active": wanted.is_active,
    }


def _summary(location: StoreLocation) -> dict[str, Any]:
    return {
        "code": location.code,
        "name": location.name,
        "kind": location.kind,
        "team_id": location.team_id,
        "follow_up_owner_id": location.follow_up_owner_id,
        "active": location.is_active,
    }


def save_location(
    wanted: LocationSettings, *, actor: Actor, location: StoreLocation | None = None
) -> StoreLocation:
    """Create a location, or change `location`. Raises PermissionDenied, InvalidInput
    naming the field (code, name, kind, team, follow_up_owner)."""
    require(actor, Permission.MANAGE_CHANNELS)
    fields = _checked(wanted, location)
    with transaction.atomic():
        target = location or StoreLocation()
        before = _summary(target) if location else {}
        for field, value in fields.items():
            setattr(target, field, value)
        target.save()
        verb = "walkin_location.updated" if location else "walkin_location.created"
        record_event(actor, verb, target, before=before, after=_summary(target))
    return target


def hash_kiosk_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_kiosk(location: StoreLocation, *, name: str, actor: Actor) -> tuple[KioskDevice, str]:
    """A kiosk device of `location` and its token (plain text, shown once). Raises
    PermissionDenied, InvalidInput (name)."""
    require(actor, Permission.MANAGE_CHANNELS)
    name = " ".join(name.split())[:100]
    if not name:
        raise InvalidInput(
            _("Give the kiosk a name, e.g. “Tablet at the counter”."), loc=["body", "name"]
        )
    raw = KIOSK_TOKEN_PREFIX + secrets.token_urlsafe(30)
    with transaction.atomic():
        kiosk = KioskDevice.objects.create(
            location=location,
            name=name,
            prefix=raw[: len(KIOSK_TOKEN_PREFIX) + 6],
            token_hash=hash_kiosk_token(raw),
            created_by=actor.agent,
        )
        record_event(
            actor, "walkin_kiosk.created", kiosk, after={"location": location.code, "name": name}
        )
    return kiosk, raw


def revoke_kiosk(kiosk: KioskDevice, *, actor: Actor) -> KioskDevice:
    """The kiosk's token stops working at once. Raises PermissionDenied."""
    require(actor, Permission.MANAGE_CHANNELS)
    if kiosk.revoked_at is not None:
        return kiosk
    with transaction.atomic():
        kiosk.revoked_at = clock.now()
        kiosk.save(update_fields=["revoked_at"])
        record_event(actor, "walkin_kiosk.revoked", kiosk, after={"name": kiosk.name})
    return kiosk
