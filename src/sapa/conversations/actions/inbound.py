"""The inbound road: every channel's message enters Sapa through `receive_inbound`."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sapa.accounts.models import Agent
from sapa.channels.kinds import IdentityKind
from sapa.channels.messages import InboundMessage, InboundResult
from sapa.conversations.actions.attachments import attach_stored
from sapa.conversations.actions.notifications import notify
from sapa.conversations.attachment_files import StoredFile, store_file
from sapa.conversations.html import html_to_text, sanitise_html
from sapa.conversations.models import (
    AuthorKind,
    Direction,
    Message,
    NotificationKind,
    Ticket,
    TicketParticipant,
    TicketStatus,
)
from sapa.conversations.numbering import next_ticket_number
from sapa.conversations.realtime import announce_ticket_change
from sapa.core import clock
from sapa.core.actions import PendingEvent, pending_event, record_events
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput
from sapa.customers.actions import resolve_customer
from sapa.customers.models import Customer, Identity

logger = logging.getLogger(__name__)

# Integrity errors from a concurrent transaction creating the same identity or message are
# resolved by trying again: the second time, the row is there to be found.
MAX_ATTEMPTS = 3
# How many of a message's references threading looks up (the newest ones).
MAX_REFERENCES = 20
SUBJECT_FROM_TEXT_CHARS = 80
# Copied addresses taken from one message (a mail to a whole list stays a mail).
MAX_PARTICIPANTS = 20


def receive_inbound(message: InboundMessage, *, via: Actor | None = None) -> InboundResult:
    """Store one inbound message: customer, ticket, message, attachments and events.

    Idempotent on (channel, external_id): a message seen before returns its original ids
    with created=False and writes nothing. Otherwise, in one transaction: resolve the customer
    by identity; thread into a ticket (explicit ticket_id, then in_reply_to and references,
    then a quoted ticket number, then - for channels that thread by recency - the customer's
    latest non-closed ticket on the channel whose last message is within
    SAPA_THREAD_WINDOW_HOURS, else a new ticket; a closed ticket gets a follow-up; only
    tickets the sender owns or takes part in qualify); store the message, attachments and
    participants; reopen a pending or solved ticket unless the message is an auto-reply.
    Raises InvalidInput for an unknown ticket_id or one of another customer. `via` (the
    integration or adapter that handed the message over) is recorded on the message's event.
    """
    duplicate = _find_duplicate(message)
    if duplicate is not None:
        return duplicate
    stored = [
        store_file(a.content, filename=a.filename, content_type=a.content_type)
        for a in message.attachments
    ]
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                return _receive(message, stored, via)
        except IntegrityError:
            duplicate = _find_duplicate(message)
            if duplicate is not None:
                return duplicate
            if attempt == MAX_ATTEMPTS:
                raise
            logger.info("inbound %s/%s raced, retrying", message.channel, message.external_id)
    raise AssertionError("unreachable")


def _find_duplicate(message: InboundMessage) -> InboundResult | None:
    found = (
        Message.objects.filter(channel=message.channel, external_id=message.external_id)
        .values_list("pk", "ticket_id", "ticket__number", "ticket__customer_id")
        .first()
    )
    if found is None:
        return None
    message_id, ticket_id, ticket_number, customer_id = found
    return InboundResult(
        ticket_id=ticket_id,
        ticket_number=ticket_number,
        message_id=message_id,
        customer_id=customer_id,
        created=False,
    )


def _receive(message: InboundMessage, stored: list[StoredFile], via: Actor | None) -> InboundResult:
    actor = Actor.customer(label=message.addresses[0].value)
    events: list[PendingEvent] = []
    customer, customer_created = resolve_customer(
        message.addresses, name=message.sender_name, events=events
    )
    if message.addresses[0].kind == IdentityKind.EMAIL and not customer_created:
        # They wrote from it, so it works again (a bounce may have been a full mailbox).
        Identity.objects.filter(
            customer=customer, value=message.addresses[0].value, bouncing_since__isnull=False
        ).update(bouncing_since=None, bounce_reason="")
    now = clock.now()
    ticket, ticket_created = _thread(
        message, customer, now=now, is_new_customer=customer_created, events=events
    )

    html = sanitise_html(message.html)
    text = message.text or html_to_text(html)
    stored_message = Message.objects.create(
        ticket=ticket,
        direction=Direction.INBOUND,
        channel=message.channel,
        author_kind=AuthorKind.CUSTOMER,
        author_customer=customer,
        text=text,
        quoted_text=message.quoted_text,
        html=html,
        auto_reply=message.auto_reply[:200],
        meta=message.meta,
        external_id=message.external_id,
        sent_at=message.sent_at or now,
        created_at=now,
    )
    attach_stored(stored_message, stored)
    if message.participants:
        _add_participants(message, ticket, sender=customer, now=now, events=events)
    events.append(
        pending_event(
            "message.received",
            ticket,
            after={
                "message_id": stored_message.pk,
                "channel": message.channel,
                "via": f"{via.kind}:{via.label}" if via else "",
            },
        )
    )
    record_events(actor, events)
    announce_ticket_change(
        ticket_id=ticket.pk,
        team_id=ticket.team_id,
        assignee_id=ticket.assignee_id,
        kind="new" if ticket_created else "message",
    )
    if ticket.assignee_id is not None and not ticket_created and not message.auto_reply:
        notify(
            Agent.objects.filter(pk=ticket.assignee_id),
            ticket=ticket,
            kind=NotificationKind.CUSTOMER_REPLIED,
            actor=actor,
        )
    return InboundResult(
        ticket_id=ticket.pk,
        ticket_number=ticket.number,
        message_id=stored_message.pk,
        customer_id=customer.pk,
        created=True,
    )


def _thread(
    message: InboundMessage,
    customer: Customer,
    *,
    now: datetime,
    is_new_customer: bool,
    events: list[PendingEvent],
) -> tuple[Ticket, bool]:
    """The ticket this message belongs to, updated for its arrival, or a new one (True)."""
    ticket = (
        _explicit_ticket(message, customer)
        or _replied_ticket(message, customer)
        or _numbered_ticket(message, customer)
        or (
            _recent_ticket(message, customer, now=now)
            if message.thread_by_recency and not is_new_customer
            else None
        )
    )
    if ticket is None or ticket.status == TicketStatus.CLOSED:
        return _open_ticket(message, customer, now=now, follow_up_of=ticket, events=events), True

    updates: dict[str, object] = {
        "last_customer_message_at": now,
        "last_message_at": now,
        "last_activity_at": now,
    }
    # An out-of-office answer is recorded, but does not pull a waiting ticket back.
    if ticket.status in (TicketStatus.PENDING, TicketStatus.SOLVED) and not message.auto_reply:
        events.append(
            pending_event(
                "ticket.reopened",
                ticket,
                before={"status": ticket.status},
                after={"status": TicketStatus.OPEN},
            )
        )
        updates.update(status=TicketStatus.OPEN, solved_at=None)
    for field, value in updates.items():
        setattr(ticket, field, value)
    ticket.save(update_fields=[*updates, "updated_at"])
    return ticket, False


def _add_participants(
    message: InboundMessage,
    ticket: Ticket,
    *,
    sender: Customer,
    now: datetime,
    events: list[PendingEvent],
) -> None:
    """Everyone the message was copied to joins the ticket (as a customer of their own)."""
    known = set(TicketParticipant.objects.filter(ticket=ticket).values_list("channel", "address"))
    for participant in message.participants[:MAX_PARTICIPANTS]:
        key = (message.channel, participant.address.value)
        if key in known or participant.address in message.addresses:
            continue
        person, _created = resolve_customer(
            (participant.address,), name=participant.name, events=events
        )
        if person.pk in (sender.pk, ticket.customer_id):
            continue
        TicketParticipant.objects.create(
            ticket=ticket,
            customer=person,
            channel=message.channel,
            address=participant.address.value,
            created_at=now,
        )
        known.add(key)
        events.append(
            pending_event(
                "ticket.participant_added",
                ticket,
                after={"customer_id": person.pk, "address": participant.address.value},
            )
        )


def _explicit_ticket(message: InboundMessage, customer: Customer) -> Ticket | None:
    if message.ticket_id is None:
        return None
    ticket = Ticket.objects.select_for_update().filter(pk=message.ticket_id).first()
    if ticket is None:
        raise InvalidInput(_("No ticket has this id."), loc=["body", "ticket_id"])
    # One customer's words never go into another customer's conversation by id alone.
    if ticket.customer_id != customer.pk:
        raise InvalidInput(
            _("This ticket belongs to another customer than the sender."),
            loc=["body", "ticket_id"],
        )
    return ticket


def _replied_ticket(message: InboundMessage, customer: Customer) -> Ticket | None:
    """The sender's ticket holding the message `in_reply_to` (then the newest of
    `references`) names. A reference to a ticket the sender is neither the customer nor a
    participant of is ignored: a header alone never files one customer's words into another's
    conversation."""
    wanted = [i for i in dict.fromkeys([message.in_reply_to, *reversed(message.references)]) if i]
    if not wanted:
        return None
    candidates = list(
        Message.objects.filter(external_id__in=wanted[:MAX_REFERENCES]).values_list(
            "external_id", "channel", "ticket_id"
        )[: MAX_REFERENCES * 2]
    )
    if not candidates:
        return None
    allowed = _tickets_open_to(customer, {ticket_id for _id, _channel, ticket_id in candidates})
    rank = {external_id: index for index, external_id in enumerate(wanted)}
    candidates.sort(key=lambda c: (rank.get(c[0] or "", len(rank)), c[1] != message.channel))
    ticket_id = next((c[2] for c in candidates if c[2] in allowed), None)
    if ticket_id is None:
        return None
    return Ticket.objects.select_for_update().get(pk=ticket_id)


def _numbered_ticket(message: InboundMessage, customer: Customer) -> Ticket | None:
    """The ticket whose number the sender quoted, when it is theirs (or they take part)."""
    if message.ticket_number is None:
        return None
    ticket_id = (
        Ticket.objects.filter(number=message.ticket_number).values_list("pk", flat=True).first()
    )
    if ticket_id is None or not _tickets_open_to(customer, {ticket_id}):
        return None
    return Ticket.objects.select_for_update().get(pk=ticket_id)


def _tickets_open_to(customer: Customer, ticket_ids: set[int]) -> set[int]:
    """Those of `ticket_ids` that `customer` may write on: theirs, or ones they were copied on."""
    own = set(
        Ticket.objects.filter(pk__in=ticket_ids, customer=customer).values_list("pk", flat=True)
    )
    if own == ticket_ids:
        return own
    copied = TicketParticipant.objects.filter(
        ticket_id__in=ticket_ids - own, customer=customer
    ).values_list("ticket_id", flat=True)
    return own | set(copied)


def _recent_ticket(message: InboundMessage, customer: Customer, *, now: datetime) -> Ticket | None:
    window = timedelta(hours=settings.SAPA_THREAD_WINDOW_HOURS)
    return (
        Ticket.objects.select_for_update()
        .filter(
            customer=customer,
            origin_channel=message.channel,
            last_message_at__gte=now - window,
        )
        .exclude(status=TicketStatus.CLOSED)
        .order_by("-last_message_at")
        .first()
    )


def _open_ticket(
    message: InboundMessage,
    customer: Customer,
    *,
    now: datetime,
    follow_up_of: Ticket | None,
    events: list[PendingEvent],
) -> Ticket:
    text = message.text or html_to_text(sanitise_html(message.html))
    subject = message.subject.strip() or _first_line(text)
    ticket = Ticket.objects.create(
        number=next_ticket_number(),
        subject=subject[:300],
        origin_channel=message.channel,
        customer=customer,
        team_id=message.team_id,
        follow_up_of=follow_up_of,
        created_at=now,
        last_customer_message_at=now,
        last_message_at=now,
        last_activity_at=now,
    )
    events.append(
        pending_event(
            "ticket.created",
            ticket,
            after={
                "number": ticket.number,
                "channel": message.channel,
                "customer_id": customer.pk,
                "follow_up_of": follow_up_of.pk if follow_up_of else None,
            },
        )
    )
    return ticket


def _first_line(text: str) -> str:
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(line) <= SUBJECT_FROM_TEXT_CHARS:
        return line
    return line[: SUBJECT_FROM_TEXT_CHARS - 1].rsplit(" ", 1)[0] + "…"
