"""Agents (and the bot) writing on a ticket: replies to the customer and internal notes."""

from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from sapa.accounts.permissions import Permission, require
from sapa.channels.messages import InboundAttachment
from sapa.channels.registry import capabilities
from sapa.conversations.actions.attachments import attach_stored
from sapa.conversations.actions.locking import lock_ticket
from sapa.conversations.actions.notifications import notify_mentions
from sapa.conversations.actions.ticket_state import apply_status
from sapa.conversations.attachment_files import store_file
from sapa.conversations.exceptions import (
    ChannelCannotSend,
    NoAddressForChannel,
    OutsideReplyWindow,
    TicketClosed,
)
from sapa.conversations.html import html_to_text, sanitise_html
from sapa.conversations.models import (
    AuthorKind,
    DeliveryStatus,
    Direction,
    Message,
    OutboxItem,
    Ticket,
    TicketStatus,
)
from sapa.conversations.realtime import announce_ticket_change
from sapa.conversations.reply_routing import address_for, reply_options
from sapa.core import clock
from sapa.core.actions import PendingEvent, pending_event, record_events
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput
from sapa.core.models import ActorKind

_AUTHOR_KIND = {
    ActorKind.AGENT: AuthorKind.AGENT,
    ActorKind.INTEGRATION: AuthorKind.AGENT,
    ActorKind.BOT: AuthorKind.BOT,
    ActorKind.SYSTEM: AuthorKind.SYSTEM,
}


def reply(
    ticket: Ticket,
    *,
    text: str,
    actor: Actor,
    channel: str | None = None,
    html: str = "",
    status_after: TicketStatus | None = None,
    attachments: Sequence[InboundAttachment] = (),
    meta: dict[str, object] | None = None,
    approved_template: bool = False,
) -> Message:
    """Send `text` to the ticket's customer and optionally set the ticket's status.

    Goes out on `channel`, by default the channel of the customer's latest message that can
    carry a reply. Writes the message and its outbox item in one transaction; the delivery
    task is enqueued on commit. `approved_template`: the message is a template the provider
    approved in advance (a WhatsApp template, named in `meta`), which the channel carries
    outside its reply window, so the window is not checked. Raises PermissionDenied,
    TicketClosed, ChannelCannotSend, NoAddressForChannel, OutsideReplyWindow, InvalidInput.
    """
    require(actor, Permission.REPLY)
    text = _checked_text(text, html)
    _check_attachments(attachments)
    stored = [
        store_file(a.content, filename=a.filename, content_type=a.content_type) for a in attachments
    ]
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        if ticket.status == TicketStatus.CLOSED:
            raise TicketClosed()
        channel = channel or _default_reply_channel(ticket)
        if not capabilities(channel).can_send:
            raise ChannelCannotSend()
        if stored and not capabilities(channel).supports_attachments:
            raise InvalidInput(
                _("This channel cannot carry attachments."), loc=["body", "attachments"]
            )
        if not approved_template:
            _check_reply_window(ticket, channel)
        to_address = _reply_address(ticket, channel)
        on_store = capabilities(channel).delivered_on_store
        now = clock.now()
        message = Message.objects.create(
            ticket=ticket,
            direction=Direction.OUTBOUND,
            channel=channel,
            author_kind=_AUTHOR_KIND.get(actor.kind, AuthorKind.SYSTEM),
            author_agent=actor.agent,
            text=text,
            html=sanitise_html(html) if capabilities(channel).supports_html else "",
            to_address=to_address,
            delivery_status=DeliveryStatus.SENT if on_store else DeliveryStatus.QUEUED,
            meta=meta or {},
            sent_at=now if on_store else None,
            created_at=now,
        )
        attach_stored(message, stored)
        outbox = None
        if not on_store:
            outbox = OutboxItem.objects.create(
                message=message, channel=channel, next_attempt_at=now
            )
        events: list[PendingEvent] = [
            pending_event(
                "message.replied",
                ticket,
                after={"message_id": message.pk, "channel": channel, "to": to_address},
            )
        ]
        updates: dict[str, object] = {"last_message_at": now, "last_activity_at": now}
        # The first response a person gave (the bot's and automatic ones do not count).
        automatic = actor.kind in (ActorKind.SYSTEM, ActorKind.BOT, ActorKind.AUTOMATION)
        if ticket.first_response_at is None and not automatic:
            updates["first_response_at"] = now
        for field, value in updates.items():
            setattr(ticket, field, value)
        # A person's first answer opens a new ticket; the bot's or an automatic one leaves it new.
        opens = ticket.status == TicketStatus.NEW and not automatic
        target = status_after or (TicketStatus.OPEN if opens else None)
        status_fields = apply_status(ticket, target, now=now, events=events) if target else []
        ticket.save(update_fields=[*updates, *status_fields, "updated_at"])
        record_events(actor, events)
        announce_ticket_change(
            ticket_id=ticket.pk,
            team_id=ticket.team_id,
            assignee_id=ticket.assignee_id,
            kind="message",
        )
        if outbox is not None:
            outbox_id = outbox.pk
            transaction.on_commit(lambda: _enqueue_delivery(outbox_id))
    return message


def _enqueue_delivery(outbox_id: int) -> None:
    from sapa.conversations.tasks import deliver_outbox_item

    deliver_outbox_item(outbox_id)


def add_note(ticket: Ticket, *, text: str, actor: Actor, html: str = "") -> Message:
    """Add an internal note (never sent to the customer); agents @mentioned in it who may see
    the ticket are notified. Raises PermissionDenied, InvalidInput."""
    require(actor, Permission.REPLY)
    text = _checked_text(text, html)
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        now = clock.now()
        note = Message.objects.create(
            ticket=ticket,
            direction=Direction.NOTE,
            channel="",
            author_kind=_AUTHOR_KIND.get(actor.kind, AuthorKind.SYSTEM),
            author_agent=actor.agent,
            text=text,
            html=sanitise_html(html),
            created_at=now,
        )
        ticket.last_activity_at = now
        ticket.save(update_fields=["last_activity_at", "updated_at"])
        mentioned = notify_mentions(text, ticket=ticket, actor=actor)
        record_events(
            actor,
            [
                pending_event(
                    "note.added",
                    ticket,
                    after={"message_id": note.pk, "mentioned": [a.pk for a in mentioned]},
                )
            ],
        )
        announce_ticket_change(
            ticket_id=ticket.pk, team_id=ticket.team_id, assignee_id=ticket.assignee_id, kind="note"
        )
    return note


def _checked_text(text: str, html: str) -> str:
    text = text.strip() or html_to_text(sanitise_html(html))
    if not text:
        raise InvalidInput(_("Write something before sending."), loc=["body", "text"])
    if len(text) > settings.SAPA_MAX_MESSAGE_CHARS:
        raise InvalidInput(
            _("The text is longer than %(limit)d characters.")
            % {"limit": settings.SAPA_MAX_MESSAGE_CHARS},
            loc=["body", "text"],
        )
    return text


def _check_attachments(attachments: Sequence[InboundAttachment]) -> None:
    if len(attachments) > settings.SAPA_MAX_ATTACHMENTS:
        raise InvalidInput(
            _("At most %(count)d attachments.") % {"count": settings.SAPA_MAX_ATTACHMENTS},
            loc=["body", "attachments"],
        )
    limit = settings.SAPA_MAX_ATTACHMENT_BYTES
    for attachment in attachments:
        if len(attachment.content) > limit:
            raise InvalidInput(
                _("%(name)s is larger than %(limit)s.")
                % {"name": attachment.filename, "limit": filesizeformat(limit)},
                loc=["body", "attachments"],
            )


def _default_reply_channel(ticket: Ticket) -> str:
    options = reply_options(ticket)
    if not options:
        raise NoAddressForChannel(_("The customer has no address that a reply can be sent to."))
    return options[0].channel


def _reply_address(ticket: Ticket, channel: str) -> str:
    address = address_for(ticket, channel)
    if address is None:
        raise NoAddressForChannel()
    return address


def _check_reply_window(ticket: Ticket, channel: str) -> None:
    window_seconds = capabilities(channel).reply_window_seconds
    if window_seconds is None:
        return
    last_inbound = (
        Message.objects.filter(
            ticket__customer_id=ticket.customer_id, channel=channel, direction=Direction.INBOUND
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if last_inbound is None or clock.now() - last_inbound > timedelta(seconds=window_seconds):
        raise OutsideReplyWindow()
