"""Setting mailboxes up: from the console, the CLI (`sapa email mailbox ...`) or the
environment (SAPA_EMAIL_MAILBOXES). One validated action for all three."""

import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from sapa.accounts.models import Team
from sapa.channels.email.models import Mailbox
from sapa.channels.email.servers import BadServerURL, parse_server_url
from sapa.core.actions import pending_event, record_events
from sapa.core.actors import Actor
from sapa.core.environment import ConfigurationError
from sapa.core.exceptions import InvalidInput

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailboxSettings:
    address: str
    name: str
    team_id: int | None = None
    aliases: str = ""
    imap_url: str = ""
    imap_move_to: str = ""
    smtp_url: str = ""
    auto_acknowledge: bool = False
    is_active: bool = True


def save_mailbox(
    wanted: MailboxSettings, *, actor: Actor, mailbox: Mailbox | None = None, from_env: bool = False
) -> Mailbox:
    """Create a mailbox, or update `mailbox`; raises InvalidInput naming the bad field.
    Passwords never reach the event log (only the redacted server URLs)."""
    address = wanted.address.strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise InvalidInput(_("Enter a valid email address."), loc=["address"]) from None
    for field, url, protocol in (
        ("imap_url", wanted.imap_url, "imap"),
        ("smtp_url", wanted.smtp_url, "smtp"),
    ):
        if url.strip():
            try:
                parse_server_url(url, protocol)
            except BadServerURL as error:
                raise InvalidInput(str(error), loc=[field]) from None
    clash = Mailbox.objects.filter(address=address)
    if mailbox is not None:
        clash = clash.exclude(pk=mailbox.pk)
    if clash.exists():
        raise InvalidInput(_("Another mailbox has this address."), loc=["address"])
    with transaction.atomic():
        target = mailbox or Mailbox()
        before = _summary(target) if mailbox else {}
        target.address = address
        target.name = wanted.name.strip() or address
        target.team_id = wanted.team_id
        target.aliases = "\n".join(
            a.strip().lower() for a in wanted.aliases.replace(",", "\n").splitlines() if a.strip()
        )
        target.imap_url = wanted.imap_url.strip()
        target.imap_move_to = wanted.imap_move_to.strip()
        target.smtp_url = wanted.smtp_url.strip()
        target.auto_acknowledge = wanted.auto_acknowledge
        target.is_active = wanted.is_active
        target.from_environment = from_env
        target.save()
        verb = "mailbox.updated" if mailbox else "mailbox.created"
        record_events(actor, [pending_event(verb, target, before=before, after=_summary(target))])
    return target


def _summary(mailbox: Mailbox) -> dict[str, object]:
    def redacted(url: str, protocol: str) -> str:
        try:
            return parse_server_url(url, protocol).redacted() if url else ""
        except BadServerURL:
            return "(invalid)"

    return {
        "address": mailbox.address,
        "name": mailbox.name,
        "team_id": mailbox.team_id,
        "imap": redacted(mailbox.imap_url, "imap"),
        "smtp": redacted(mailbox.smtp_url, "smtp"),
        "active": mailbox.is_active,
    }


def apply_environment_mailboxes() -> list[Mailbox]:
    """Create or update the mailboxes SAPA_EMAIL_MAILBOXES describes (a JSON list); raises
    ConfigurationError with the reason when it is malformed."""
    raw = settings.SAPA_EMAIL_MAILBOXES.strip()
    if not raw:
        return []
    try:
        entries = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ConfigurationError(f"SAPA_EMAIL_MAILBOXES is not valid JSON: {error}") from None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ConfigurationError("SAPA_EMAIL_MAILBOXES must be a JSON list of objects")
    saved = []
    actor = Actor.system("environment")
    for index, entry in enumerate(entries):
        team_name = str(entry.get("team") or "")
        team = Team.objects.filter(name=team_name).first() if team_name else None
        if team_name and team is None:
            raise ConfigurationError(f"SAPA_EMAIL_MAILBOXES[{index}]: no team {team_name!r}")
        wanted = MailboxSettings(
            address=str(entry.get("address", "")),
            name=str(entry.get("name", "")),
            team_id=team.pk if team else None,
            aliases=",".join(entry.get("aliases", [])),
            imap_url=str(entry.get("imap", "")),
            imap_move_to=str(entry.get("move_to", "")),
            smtp_url=str(entry.get("smtp", "")),
            auto_acknowledge=bool(entry.get("auto_acknowledge", False)),
        )
        existing = Mailbox.objects.filter(address=wanted.address.strip().lower()).first()
        try:
            saved.append(save_mailbox(wanted, actor=actor, mailbox=existing, from_env=True))
        except InvalidInput as error:
            raise ConfigurationError(f"SAPA_EMAIL_MAILBOXES[{index}]: {error}") from None
    return saved
