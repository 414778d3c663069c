"""Reads worth naming: which account serves a ticket, and what the composer offers for
WhatsApp (whether the customer's 24-hour window is open, the approved templates)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sapa.channels.kinds import Channel
from sapa.channels.registry import capabilities
from sapa.channels.whatsapp.models import TemplateStatus, WhatsAppAccount, WhatsAppTemplate
from sapa.conversations.models import Direction, Message, Ticket
from sapa.core import clock


def active_accounts() -> list[WhatsAppAccount]:
    return list(WhatsAppAccount.objects.filter(is_active=True).order_by("pk"))


def account_for_ticket(ticket: Ticket) -> WhatsAppAccount | None:
    """The active account the customer last wrote to on this ticket (else on any of their
    tickets), else the first active account; None when there is none."""
    for scope in ({"ticket": ticket}, {"ticket__customer_id": ticket.customer_id}):
        meta = (
            Message.objects.filter(channel=Channel.WHATSAPP, direction=Direction.INBOUND, **scope)
            .order_by("-created_at", "-pk")
            .values_list("meta", flat=True)
            .first()
        )
        account_id = _account_id(meta)
        if account_id is not None:
            found = WhatsAppAccount.objects.filter(pk=account_id, is_active=True).first()
            if found is not None:
                return found
    return WhatsAppAccount.objects.filter(is_active=True).order_by("pk").first()


def _account_id(meta: object) -> int | None:
    details = meta.get("whatsapp") if isinstance(meta, dict) else None
    account_id = details.get("account_id") if isinstance(details, dict) else None
    return account_id if isinstance(account_id, int) else None


def sendable_templates(account: WhatsAppAccount) -> list[WhatsAppTemplate]:
    return list(
        WhatsAppTemplate.objects.filter(
            account=account, status=TemplateStatus.APPROVED, unsupported_reason=""
        ).order_by("name", "language")
    )


@dataclass(frozen=True)
class ComposerTemplates:
    """What the ticket composer shows for WhatsApp: whether free-form replies still go, and
    the approved templates of the account that serves the ticket."""

    account: WhatsAppAccount
    window_open: bool
    window_started_at: datetime | None
    templates: list[WhatsAppTemplate]


def composer_templates(ticket: Ticket, *, channels: list[str]) -> ComposerTemplates | None:
    """None unless a reply can go out on WhatsApp (`channels`: the reply options) and an
    active account serves it. At most three queries (one without accounts)."""
    if Channel.WHATSAPP not in channels:
        return None
    accounts = {account.pk: account for account in active_accounts()}
    if not accounts:
        return None
    latest = (
        Message.objects.filter(
            ticket__customer_id=ticket.customer_id,
            channel=Channel.WHATSAPP,
            direction=Direction.INBOUND,
        )
        .order_by("-created_at", "-pk")
        .values_list("created_at", "meta")
        .first()
    )
    last, meta = latest if latest is not None else (None, None)
    account = accounts.get(_account_id(meta) or 0) or next(iter(accounts.values()))
    seconds = capabilities(Channel.WHATSAPP).reply_window_seconds
    is_open = seconds is None or (
        last is not None and clock.now() - last <= timedelta(seconds=seconds)
    )
    return ComposerTemplates(
        account=account,
        window_open=is_open,
        window_started_at=last,
        templates=sendable_templates(account),
    )
