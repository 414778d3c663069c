"""Setting WhatsApp numbers up (the console's WhatsApp page): one validated action for
creating and changing an account. Secrets typed empty keep the stored ones; events never
carry them."""

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sapa.accounts.models import Team
from sapa.accounts.permissions import Permission, require
from sapa.channels.whatsapp.models import (
    DEFAULT_API_VERSION,
    DEFAULT_GRAPH_BASE_URL,
    WhatsAppAccount,
)
from sapa.core.actions import pending_event, record_events
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput

_ID = re.compile(r"^[0-9]{5,30}$")
_VERSION = re.compile(r"^v[0-9]{1,3}\.[0-9]{1,2}$")
SECRET_FIELDS = ("access_token", "app_secret", "verify_token")


@dataclass(frozen=True)
class AccountSettings:
    """Everything the account form sets. A secret given as "" keeps the stored one."""

    name: str
    phone_number_id: str
    business_account_id: str
    display_phone_number: str = ""
    access_token: str = ""
    app_secret: str = ""
    verify_token: str = ""
    graph_base_url: str = DEFAULT_GRAPH_BASE_URL
    api_version: str = DEFAULT_API_VERSION
    team_id: int | None = None
    is_active: bool = True


def shown_secret(value: str) -> str:
    """A stored secret as the console shows it: its last four characters."""
    return f"••••{value[-4:]}" if len(value) > 8 else ("••••" if value else "")


def _summary(account: WhatsAppAccount) -> dict[str, Any]:
    return {
        "name": account.name,
        "phone_number_id": account.phone_number_id,
        "business_account_id": account.business_account_id,
        "display_phone_number": account.display_phone_number,
        "graph_base_url": account.graph_base_url,
        "api_version": account.api_version,
        "team_id": account.team_id,
        "is_active": account.is_active,
        # Which secrets changed is worth recording; the secrets themselves never are.
        **{f"{name}_hint": shown_secret(getattr(account, name)) for name in SECRET_FIELDS},
    }


def _checked(wanted: AccountSettings, account: WhatsAppAccount | None) -> AccountSettings:
    name = " ".join(wanted.name.split())[:100]
    if not name:
        raise InvalidInput(_("Give the number a name."), loc=["name"])
    for field in ("phone_number_id", "business_account_id"):
        if not _ID.match(getattr(wanted, field).strip()):
            raise InvalidInput(_("Meta's ids are digits only."), loc=[field])
    base = wanted.graph_base_url.strip().rstrip("/") or DEFAULT_GRAPH_BASE_URL
    parts = urlsplit(base)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.query:
        raise InvalidInput(
            _("Write the Graph API address as https://graph.facebook.com."),
            loc=["graph_base_url"],
        )
    version = wanted.api_version.strip() or DEFAULT_API_VERSION
    if not _VERSION.match(version):
        raise InvalidInput(_("Write the API version as v21.0."), loc=["api_version"])
    secrets = {}
    for field in SECRET_FIELDS:
        value = getattr(wanted, field).strip()
        if not value and account is None:
            raise InvalidInput(_("This field is required."), loc=[field])
        if any(ch.isspace() for ch in value):
            raise InvalidInput(_("Paste it without spaces."), loc=[field])
        secrets[field] = value or getattr(account, field)
    if wanted.team_id is not None and not Team.objects.filter(pk=wanted.team_id).exists():
        raise InvalidInput(_("Choose an existing team."), loc=["team"])
    return AccountSettings(
        name=name,
        phone_number_id=wanted.phone_number_id.strip(),
        business_account_id=wanted.business_account_id.strip(),
        display_phone_number=" ".join(wanted.display_phone_number.split())[:32],
        graph_base_url=base,
        api_version=version,
        team_id=wanted.team_id,
        is_active=wanted.is_active,
        **secrets,
    )


def save_account(
    wanted: AccountSettings, *, actor: Actor, account: WhatsAppAccount | None = None
) -> WhatsAppAccount:
    """Create an account (`account` None) or change one. Raises PermissionDenied (admins
    only), InvalidInput naming the field (a phone number id already in use: phone_number_id)."""
    require(actor, Permission.MANAGE_CHANNELS)
    clean = _checked(wanted, account)
    with transaction.atomic():
        before = _summary(account) if account is not None else {}
        row = account or WhatsAppAccount()
        for field in (
            "name",
            "phone_number_id",
            "business_account_id",
            "display_phone_number",
            "graph_base_url",
            "api_version",
            "team_id",
            "is_active",
            *SECRET_FIELDS,
        ):
            setattr(row, field, getattr(clean, field))
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            raise InvalidInput(
                _("Another WhatsApp number already has this phone number id."),
                loc=["phone_number_id"],
            ) from None
        verb = "whatsapp.account_changed" if account is not None else "whatsapp.account_created"
        record_events(actor, [pending_event(verb, row, before=before, after=_summary(row))])
    return row
