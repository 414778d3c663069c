"""Taking in webhook deliveries: kept raw first (in the request), processed by the worker.

Every signed delivery is kept byte for byte with what became of it. Processing reads its
customer messages (each through `receive_inbound`, deduplicated on the wamid, so Meta's
retries store nothing twice), its status updates (through `record_provider_status`, which
never moves a message backwards) and its template review results. What cannot be taken in
quarantines the delivery with the reason; the rest of it is still taken. A media download
that fails for a while, or a status that names a message whose send is not recorded yet,
is tried again a few times before it is given up on (the message then keeps a note).
"""

import hashlib
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from sapa.channels.kinds import Channel
from sapa.channels.messages import InboundAttachment
from sapa.channels.whatsapp.errors import explain, is_temporary
from sapa.channels.whatsapp.graph import GraphClient, GraphError, MediaTooLarge
from sapa.channels.whatsapp.inbound import media_of, sender_address, to_inbound
from sapa.channels.whatsapp.models import (
    DeliveryStatus,
    WhatsAppAccount,
    WhatsAppWebhookDelivery,
)
from sapa.channels.whatsapp.parsing import (
    IncomingMessage,
    NotAWebhook,
    StatusUpdate,
    load_json,
    parse_delivery,
)
from sapa.conversations.actions import receive_inbound
from sapa.conversations.actions.delivery import record_provider_status
from sapa.conversations.models import Message
from sapa.core import clock
from sapa.core.actions import pending_event, record_events
from sapa.core.actors import Actor
from sapa.customers.addresses import InvalidAddress

logger = logging.getLogger(__name__)

VIA = Actor.system("whatsapp")
# Processing attempts of one delivery while something in it may still come right.
MAX_ATTEMPTS = 4
RETRY_SECONDS = 30


@dataclass(frozen=True)
class Receipt:
    """What the webhook request did with a delivery."""

    delivery_id: int | None
    duplicate: bool = False
    malformed: bool = False


def keep_delivery(body: bytes, *, signed_by_id: int) -> Receipt:
    """Keep one delivery (signed with the app secret of account `signed_by_id`) and have the
    worker process it once this commits. A body kept before (Meta sends a delivery again
    until it gets a 200) is not kept twice. A body that is not JSON is kept quarantined,
    with the reason, and not processed."""
    status, reason = DeliveryStatus.RECEIVED, ""
    try:
        load_json(body)
    except NotAWebhook as error:
        status, reason = DeliveryStatus.QUARANTINED, str(error)
    row = WhatsAppWebhookDelivery(
        status=status,
        reason=reason,
        body=body,
        body_sha256=hashlib.sha256(body).hexdigest(),
        size_bytes=len(body),
        signed_by_id=signed_by_id,
        received_at=clock.now(),
    )
    if not _inserted(row):
        return Receipt(delivery_id=None, duplicate=True, malformed=bool(reason))
    if status == DeliveryStatus.RECEIVED:
        row_id = row.pk
        transaction.on_commit(lambda: _enqueue_processing(row_id))
    if reason:
        logger.warning("whatsapp delivery %s quarantined: %s", row.pk, reason)
    return Receipt(delivery_id=row.pk, malformed=bool(reason))


def _inserted(row: WhatsAppWebhookDelivery) -> bool:
    """INSERT `row`; False when a delivery with the same body is kept already. Outside a
    transaction the INSERT commits by itself: one round trip instead of three, on the
    webhook's hot path."""
    try:
        if transaction.get_connection().in_atomic_block:
            with transaction.atomic():
                row.save(force_insert=True)
        else:
            row.save(force_insert=True)
    except IntegrityError:
        return False
    return True


def _enqueue_processing(delivery_id: int) -> None:
    from sapa.channels.whatsapp.tasks import process_delivery_task

    process_delivery_task(delivery_id)


def _enqueue_bot_turn(message_id: int, choice: str | None) -> None:
    from sapa.channels.whatsapp.tasks import bot_turn

    bot_turn(message_id, choice)


@dataclass
class _Work:
    """What processing one delivery took in, and what it could not."""

    final_attempt: bool
    messages: int = 0
    duplicates: int = 0
    statuses: int = 0
    unmatched_statuses: int = 0
    templates: int = 0
    problems: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    _bot: bool | None = None

    def bot_enabled(self) -> bool:
        """Whether the bot answers on WhatsApp (asked once per delivery): no task for it
        when it does not."""
        if self._bot is None:
            from sapa.bot.engine import enabled_on

            self._bot = enabled_on(Channel.WHATSAPP)
        return self._bot


@dataclass(frozen=True)
class Processed:
    delivery: WhatsAppWebhookDelivery
    # Seconds after which to process it again (something in it may still come right).
    retry_in_seconds: int | None = None


def process_delivery(delivery_id: int) -> Processed | None:
    """Take in what one kept delivery holds (see the module docstring). Safe to run again
    on the same delivery. None when it is gone or discarded."""
    delivery = (
        WhatsAppWebhookDelivery.objects.select_related("signed_by").filter(pk=delivery_id).first()
    )
    if delivery is None or delivery.status == DeliveryStatus.DISCARDED:
        return None
    delivery.attempts += 1
    try:
        parsed = parse_delivery(bytes(delivery.body))
    except NotAWebhook as error:
        return Processed(_finish(delivery, DeliveryStatus.QUARANTINED, str(error)))
    accounts = _SignerAccounts(delivery.signed_by)
    work = _Work(final_attempt=delivery.attempts >= MAX_ATTEMPTS)
    work.problems += parsed.problems
    for message in parsed.messages:
        _take_message(message, accounts, work)
    for update in parsed.statuses:
        _take_status(update, accounts, work)
    if parsed.template_updates:
        from sapa.channels.whatsapp.message_templates import record_review

        for review in parsed.template_updates:
            work.templates += record_review(review, accounts=accounts.all())
    if (work.waiting or work.unmatched_statuses) and not work.final_attempt:
        reason = _("Waiting to try again: %(what)s") % {
            "what": "; ".join(work.waiting) or _("status updates for messages not sent yet")
        }
        delivery = _finish(delivery, DeliveryStatus.RECEIVED, reason, work, done=False)
        return Processed(delivery, retry_in_seconds=RETRY_SECONDS * delivery.attempts)
    return Processed(_finish(delivery, *_verdict(work, parsed.other_fields), work))


def _verdict(work: _Work, other_fields: list[str]) -> tuple[DeliveryStatus, str]:
    notes = []
    if work.unmatched_statuses:
        notes.append(
            _("%(count)d status updates for messages Sapa did not send.")
            % {"count": work.unmatched_statuses}
        )
    if work.problems:
        return DeliveryStatus.QUARANTINED, "; ".join([*work.problems, *notes])
    if not (work.messages or work.duplicates or work.statuses or work.templates):
        if other_fields:
            notes.append(
                _("Nothing Sapa uses (%(fields)s).")
                % {"fields": ", ".join(sorted(set(other_fields)))}
            )
        return DeliveryStatus.IGNORED, " ".join(notes) or _("Nothing Sapa uses.")
    return DeliveryStatus.PROCESSED, " ".join(notes)


def _finish(
    delivery: WhatsAppWebhookDelivery,
    status: DeliveryStatus,
    reason: str,
    work: _Work | None = None,
    *,
    done: bool = True,
) -> WhatsAppWebhookDelivery:
    delivery.status = status
    delivery.reason = reason[:5000]
    fields = ["status", "reason", "attempts"]
    if work is not None:
        delivery.messages_taken = work.messages
        delivery.statuses_taken = work.statuses
        fields += ["messages_taken", "statuses_taken"]
    if done:
        delivery.processed_at = clock.now()
        fields.append("processed_at")
    delivery.save(update_fields=fields)
    return delivery


class _SignerAccounts:
    """The active accounts a delivery may speak for, by phone number id: those holding the
    app secret that signed it (a change for another Meta app's number is not trusted). The
    signer itself is the usual answer and costs no query."""

    def __init__(self, signer: WhatsAppAccount | None) -> None:
        self.signer = signer
        self._found: dict[str, WhatsAppAccount | None] = {}
        if signer is not None and signer.is_active:
            self._found[signer.phone_number_id] = signer

    def get(self, phone_number_id: str) -> WhatsAppAccount | None:
        if self.signer is None:
            return None
        if phone_number_id not in self._found:
            self._found[phone_number_id] = WhatsAppAccount.objects.filter(
                is_active=True, app_secret=self.signer.app_secret, phone_number_id=phone_number_id
            ).first()
        return self._found[phone_number_id]

    def all(self) -> list[WhatsAppAccount]:
        if self.signer is None:
            return []
        return list(
            WhatsAppAccount.objects.filter(is_active=True, app_secret=self.signer.app_secret)
        )


def _take_message(message: IncomingMessage, accounts: _SignerAccounts, work: _Work) -> None:
    account = accounts.get(message.phone_number_id)
    if account is None:
        work.problems.append(
            _("message %(id)s: no active account has phone number id %(number)s")
            % {"id": message.wamid, "number": message.phone_number_id}
        )
        return
    # Media is fetched before the message is stored: a message stored already is not
    # fetched again (receive_inbound finds every other repeat itself).
    if (
        media_of(message) is not None
        and Message.objects.filter(channel=Channel.WHATSAPP, external_id=message.wamid).exists()
    ):
        work.duplicates += 1
        return
    try:
        address = sender_address(message.wa_id)
    except InvalidAddress:
        work.problems.append(
            _("message %(id)s: %(sender)s is not a phone number")
            % {"id": message.wamid, "sender": message.wa_id[:40]}
        )
        return
    downloaded = _download(message, account, work)
    if downloaded is None:
        return
    attachments, not_kept = downloaded
    inbound = to_inbound(
        message, account=account, address=address, attachments=attachments, not_kept=not_kept
    )
    try:
        result = receive_inbound(inbound, via=VIA)
    except Exception as error:
        logger.exception("whatsapp message %s could not be stored", message.wamid)
        work.problems.append(
            _("message %(id)s: %(error)s")
            % {"id": message.wamid, "error": f"{type(error).__name__}: {error}"[:300]}
        )
        return
    if not result.created:
        work.duplicates += 1
        return
    work.messages += 1
    if not inbound.auto_reply and work.bot_enabled():
        choice = inbound.meta.get("choice")
        message_id = result.message_id
        transaction.on_commit(
            lambda: _enqueue_bot_turn(message_id, str(choice) if choice else None)
        )


def _download(
    message: IncomingMessage, account: WhatsAppAccount, work: _Work
) -> tuple[tuple[InboundAttachment, ...], tuple[str, ...]] | None:
    """The message's media as attachments, and notes on what was not kept; None when the
    download should be tried again later (the message is then not stored yet)."""
    media = media_of(message)
    if media is None:
        return (), ()
    limit = settings.SAPA_MAX_ATTACHMENT_BYTES
    names = {"name": media.filename, "limit": filesizeformat(limit)}
    try:
        got = GraphClient(account).download_media(media.media_id, limit_bytes=limit)
    except MediaTooLarge:
        note = _("[attachment not kept: %(name)s is larger than %(limit)s]") % names
        return (), (note,)
    except GraphError as error:
        if is_temporary(error) and not work.final_attempt:
            work.waiting.append(
                _("media of message %(id)s: %(error)s")
                % {"id": message.wamid, "error": error.message[:200]}
            )
            return None
        note = _("[attachment not kept: %(name)s could not be downloaded (%(error)s)]") % {
            **names,
            "error": error.message[:200],
        }
        return (), (note,)
    attachment = InboundAttachment(
        filename=media.filename,
        content_type=got.content_type or media.content_type,
        content=got.content,
    )
    return (attachment,), ()


def _take_status(update: StatusUpdate, accounts: _SignerAccounts, work: _Work) -> None:
    if accounts.get(update.phone_number_id) is None:
        work.problems.append(
            _("status of %(id)s: no active account has phone number id %(number)s")
            % {"id": update.wamid, "number": update.phone_number_id}
        )
        return
    error = ""
    if update.errors:
        first = update.errors[0]
        error = explain(first.code, first.title, first.details)
    found = record_provider_status(
        Channel.WHATSAPP,
        update.wamid,
        status=update.status,
        at=update.timestamp or clock.now(),
        error=error,
    )
    if found is None:
        work.unmatched_statuses += 1
    else:
        work.statuses += 1


def reprocess(delivery: WhatsAppWebhookDelivery, *, actor: Actor) -> Processed | None:
    """Run a kept delivery through processing again (after adding its account, say)."""
    with transaction.atomic():
        before = delivery.status
        WhatsAppWebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.RECEIVED, attempts=0
        )
        record_events(
            actor,
            [pending_event("whatsapp.delivery_reprocessed", delivery, before={"status": before})],
        )
    return process_delivery(delivery.pk)


def discard(delivery: WhatsAppWebhookDelivery, *, actor: Actor) -> None:
    """Mark a quarantined delivery as dealt with; its body stays for the record."""
    with transaction.atomic():
        before = delivery.status
        delivery.status = DeliveryStatus.DISCARDED
        delivery.save(update_fields=["status"])
        record_events(
            actor,
            [pending_event("whatsapp.delivery_discarded", delivery, before={"status": before})],
        )
