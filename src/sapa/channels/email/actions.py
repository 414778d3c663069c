"""Taking in an email, whichever road it came by (IMAP, HTTP, the CLI): one function.

Every email is kept raw (compressed) with what became of it: taken into a ticket, a
duplicate, our own mail (a loop, ignored), a bounce (the recipient marked as bouncing, the
bounced message failed), or quarantined with the reason when it cannot be taken in at all.
"""

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sapa.channels.email.ids import message_pk_from_id
from sapa.channels.email.inbound import to_inbound
from sapa.channels.email.mailboxes import own_addresses
from sapa.channels.email.models import InboundEmail, InboundSource, InboundStatus, Mailbox
from sapa.channels.email.parsing import Bounce, ParsedEmail, UnparseableEmail, parse_email
from sapa.channels.kinds import Channel, IdentityKind
from sapa.conversations.actions import receive_inbound
from sapa.conversations.actions.automatic import send_automatic
from sapa.conversations.actions.delivery import record_bounce
from sapa.conversations.models import Direction, Message, Ticket
from sapa.core import clock
from sapa.core.actions import pending_event, record_events
from sapa.core.actors import Actor
from sapa.customers.models import Identity

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestOutcome:
    status: InboundStatus
    inbound_email_id: int
    reason: str = ""
    ticket_id: int | None = None
    ticket_number: int | None = None
    message_id: int | None = None


def ingest_email(raw: bytes, *, mailbox: Mailbox | None, source: InboundSource) -> IngestOutcome:
    """Take in one raw RFC 5322 message that arrived at `mailbox`. Never raises for bad
    input: what cannot be parsed is quarantined. Safe to call twice with the same email."""
    if len(raw) > settings.SAPA_EMAIL_MAX_RAW_BYTES:
        reason = f"larger than the {settings.SAPA_EMAIL_MAX_RAW_BYTES} bytes limit"
        return _keep_aside(raw, mailbox, source, reason=reason)
    try:
        parsed = parse_email(
            raw,
            max_attachment_bytes=settings.SAPA_MAX_ATTACHMENT_BYTES,
            max_attachments=settings.SAPA_MAX_ATTACHMENTS,
        )
    except UnparseableEmail as error:
        return _keep_aside(raw, mailbox, source, reason=error.reason)
    # (A Message-ID seen before is found by receive_inbound's dedupe, and the unique
    # (mailbox, Message-ID) of the kept original: no lookup up front on the common path.)
    own = own_addresses()
    if parsed.sender.address in own:
        reason = f"sent from our own address {parsed.sender.address} (a loop)"
        return _record(raw, parsed, mailbox, source, InboundStatus.IGNORED, reason=reason)
    if parsed.bounce is not None:
        return _take_bounce(raw, parsed, mailbox, source, parsed.bounce)
    return _take_into_ticket(raw, parsed, mailbox, source, own)


def reprocess(inbound: InboundEmail, *, actor: Actor) -> IngestOutcome:
    """Run a kept-aside email through the road again (after a parser fix, say). One
    transaction: if the new attempt fails, the kept row stays as it was."""
    raw, mailbox, source = inbound.raw, inbound.mailbox, InboundSource(inbound.source)
    with transaction.atomic():
        record_events(
            actor,
            [pending_event("email.reprocessed", inbound, before={"status": inbound.status})],
        )
        inbound.delete()
        return ingest_email(raw, mailbox=mailbox, source=source)


def discard(inbound: InboundEmail, *, actor: Actor) -> None:
    """Mark a quarantined email as dealt with; its raw bytes stay for the record."""
    with transaction.atomic():
        before = inbound.status
        inbound.status = InboundStatus.DISCARDED
        inbound.save(update_fields=["status"])
        record_events(
            actor,
            [pending_event("email.discarded", inbound, before={"status": before})],
        )


def _seen_before(mailbox: Mailbox | None, message_id: str) -> IngestOutcome | None:
    found = (
        InboundEmail.objects.filter(mailbox=mailbox, message_id=message_id)
        .select_related("ticket_message")
        .order_by()
        .first()
    )
    if found is None:
        return None
    stored = found.ticket_message
    return IngestOutcome(
        status=InboundStatus.DUPLICATE,
        inbound_email_id=found.pk,
        reason=_("Already taken in (%(status)s).") % {"status": found.get_status_display()},
        ticket_id=stored.ticket_id if stored else None,
        message_id=stored.pk if stored else None,
    )


def _keep_aside(
    raw: bytes, mailbox: Mailbox | None, source: InboundSource, *, reason: str
) -> IngestOutcome:
    message_id = f"sapa-{hashlib.sha256(raw).hexdigest()[:32]}@missing-message-id"
    seen = _seen_before(mailbox, message_id)
    if seen is not None:
        return seen
    logger.warning("email quarantined (%s): %s", mailbox, reason)
    return _store(
        InboundEmail(
            mailbox=mailbox,
            source=source,
            status=InboundStatus.QUARANTINED,
            reason=reason,
            message_id=message_id,
            size_bytes=len(raw),
            raw_compressed=InboundEmail.compress(raw),
        )
    )


def _record(
    raw: bytes,
    parsed: ParsedEmail,
    mailbox: Mailbox | None,
    source: InboundSource,
    status: InboundStatus,
    *,
    reason: str = "",
) -> IngestOutcome:
    return _store(_row(raw, parsed, mailbox, source, status, reason=reason))


def _row(
    raw: bytes,
    parsed: ParsedEmail,
    mailbox: Mailbox | None,
    source: InboundSource,
    status: InboundStatus,
    *,
    reason: str = "",
) -> InboundEmail:
    return InboundEmail(
        mailbox=mailbox,
        source=source,
        status=status,
        reason=reason,
        message_id=parsed.message_id[:500],
        sender=parsed.sender.address[:320],
        subject=parsed.subject[:300],
        size_bytes=len(raw),
        raw_compressed=InboundEmail.compress(raw),
    )


def _store(row: InboundEmail) -> IngestOutcome:
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        # Another poller stored the same email a moment ago.
        seen = _seen_before(row.mailbox, row.message_id)
        if seen is None:
            raise
        return seen
    status = InboundStatus(row.status)
    return IngestOutcome(status=status, inbound_email_id=row.pk, reason=row.reason)


def _take_bounce(
    raw: bytes,
    parsed: ParsedEmail,
    mailbox: Mailbox | None,
    source: InboundSource,
    bounce: Bounce,
) -> IngestOutcome:
    reason = " ".join(p for p in (bounce.status, bounce.diagnostic) if p).strip()
    reason = reason or _("The receiving server returned the message.")
    bounced = _bounced_message(bounce.original_message_id)
    with transaction.atomic():
        outcome = _record(raw, parsed, mailbox, source, InboundStatus.BOUNCE, reason=reason)
        if not bounce.permanent:
            # A delay notice: the server is still trying.
            return outcome
        now = clock.now()
        Identity.objects.filter(kind=IdentityKind.EMAIL, value__in=bounce.recipients).update(
            bouncing_since=now, bounce_reason=reason[:2000]
        )
        if bounced is not None:
            record_bounce(bounced, reason=reason)
    return IngestOutcome(
        status=InboundStatus.BOUNCE,
        inbound_email_id=outcome.inbound_email_id,
        reason=reason,
        ticket_id=bounced.ticket_id if bounced else None,
        message_id=bounced.pk if bounced else None,
    )


def _bounced_message(original_id: str) -> Message | None:
    if not original_id:
        return None
    pk = message_pk_from_id(original_id)
    found = Message.objects.filter(direction=Direction.OUTBOUND, channel=Channel.EMAIL)
    if pk is not None:
        return found.filter(pk=pk).first()
    return found.filter(external_id=original_id).first()


def _take_into_ticket(
    raw: bytes,
    parsed: ParsedEmail,
    mailbox: Mailbox | None,
    source: InboundSource,
    own: frozenset[str],
) -> IngestOutcome:
    inbound = to_inbound(parsed, mailbox=mailbox, own=own)
    via = Actor.system(f"email:{source}")
    try:
        with transaction.atomic():
            result = receive_inbound(inbound, via=via)
            status = InboundStatus.PROCESSED if result.created else InboundStatus.DUPLICATE
            row = _row(raw, parsed, mailbox, source, status)
            row.ticket_message_id = result.message_id if result.created else None
            row.save()
    except IntegrityError:
        seen = _seen_before(mailbox, parsed.message_id)
        if seen is None:
            raise
        return seen
    if result.created and mailbox is not None and mailbox.auto_acknowledge:
        transaction.on_commit(lambda: _acknowledge(mailbox, result.message_id, result.ticket_id))
    return IngestOutcome(
        status=status,
        inbound_email_id=row.pk,
        ticket_id=result.ticket_id,
        ticket_number=result.ticket_number,
        message_id=result.message_id,
    )


def _acknowledge(mailbox: Mailbox, message_id: int, ticket_id: int) -> None:
    """The mailbox's automatic "we have your mail" answer to a new ticket's first mail."""
    message = Message.objects.get(pk=message_id)
    ticket = Ticket.objects.get(pk=ticket_id)
    if ticket.messages.filter(direction=Direction.INBOUND).count() != 1:
        return
    text = _(
        "Hello,\n\nThank you for writing to %(shop)s. We have received your message as ticket "
        "#%(number)s and will answer as soon as we can. Replying to this email adds to the "
        "same ticket.\n\n%(shop)s"
    ) % {"shop": mailbox.name, "number": ticket.number}
    send_automatic(ticket, text=text, trigger=message, reason="email.acknowledgement")
