"""The outreach queue: messages Sapa sends to customers on its own initiative.

Domains plan them (`plan_outreach`: a thank-you when an order is delivered, a survey when a
ticket is solved, a delay notice); the worker sends each when it is due (`send_outreach`),
checking at that moment — not when it was planned — what may have changed since:

1. consent for the purpose on the channel (sapa.engagement.consent), so an unsubscribe takes
   effect at once, also for messages planned before it;
2. quiet hours (SAPA_QUIET_HOURS, the shop's time zone): the message waits until they end;
3. the cap on surveys and promotions per customer (SAPA_OUTREACH_PER_CUSTOMER_PER_WEEK);
4. an address that bounces.

A message about a ticket is a reply on that ticket, on its channel; any other opens a solved
ticket of its own on the customer's best channel (the one they wrote on last), so their answer
lands in a conversation the agent can read. Surveys and promotions carry an unsubscribe line
(and, by email, List-Unsubscribe headers). What was skipped and why stays on the row.
"""

import logging
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sapa.conversations.actions.proactive import open_ticket_for
from sapa.conversations.actions.replies import reply
from sapa.conversations.models import Ticket
from sapa.conversations.reply_routing import customer_reply_options, reply_options
from sapa.core import clock
from sapa.core.actions import record_event
from sapa.core.actors import Actor
from sapa.core.exceptions import SapaError
from sapa.customers.models import Customer, Identity
from sapa.engagement.consent import may_contact, unsubscribe_url
from sapa.engagement.models import Outreach, OutreachStatus, Purpose

logger = logging.getLogger(__name__)

CAPPED_PURPOSES = (Purpose.FEEDBACK, Purpose.MARKETING)


def plan_outreach(
    customer: Customer,
    *,
    kind: str,
    purpose: str,
    dedupe_key: str,
    text: str,
    actor: Actor,
    subject: str = "",
    send_after: datetime | None = None,
    channel: str | None = None,
    ticket: Ticket | None = None,
    meta: dict[str, Any] | None = None,
) -> tuple[Outreach, bool]:
    """Plan one message; (outreach, created). The same `dedupe_key` planned again — a task
    run twice, a webhook delivered twice, two workers at once — returns the first row and
    plans nothing. Due messages go out after commit. An "outreach.planned" Event."""
    existing = Outreach.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing, False
    now = clock.now()
    try:
        with transaction.atomic():
            outreach = Outreach.objects.create(
                customer=customer,
                kind=kind,
                purpose=purpose,
                dedupe_key=dedupe_key[:200],
                channel=channel or "",
                subject=subject[:300],
                text=text,
                ticket=ticket,
                send_after=send_after or now,
                meta=meta or {},
                created_at=now,
            )
            record_event(
                actor,
                "outreach.planned",
                customer,
                after={
                    "outreach_id": outreach.pk,
                    "kind": kind,
                    "purpose": purpose,
                    "send_after": outreach.send_after.isoformat(),
                },
            )
    except IntegrityError:
        # A concurrent planner won the unique key; theirs is the one.
        return Outreach.objects.get(dedupe_key=dedupe_key[:200]), False
    if outreach.send_after <= now:
        outreach_id = outreach.pk
        transaction.on_commit(lambda: _enqueue(outreach_id))
    return outreach, True


def cancel_outreach(dedupe_key: str, *, reason: str) -> bool:
    """Cancel the planned message of `dedupe_key`; False when there is none left to cancel
    (never planned, or already sent or skipped)."""
    changed = Outreach.objects.filter(dedupe_key=dedupe_key, status=OutreachStatus.PLANNED).update(
        status=OutreachStatus.CANCELLED, reason=reason[:300]
    )
    return changed == 1


def _enqueue(outreach_id: int) -> None:
    from sapa.engagement.tasks import send_outreach_task

    send_outreach_task(outreach_id)


def quiet_until(now: datetime) -> datetime | None:
    """When the quiet hours around `now` end, or None outside them. SAPA_QUIET_HOURS is
    "HH:MM-HH:MM" in the shop's time zone and may span midnight; empty means none."""
    spec = settings.SAPA_QUIET_HOURS
    if not spec:
        return None
    start_text, end_text = spec.split("-")
    start, end = time.fromisoformat(start_text), time.fromisoformat(end_text)
    local = timezone.localtime(now)
    moment = local.time()
    spans_midnight = start > end
    inside = (moment >= start or moment < end) if spans_midnight else start <= moment < end
    if not inside:
        return None
    end_day = local.date() if moment < end else local.date() + timedelta(days=1)
    naive = datetime.combine(end_day, end)
    return timezone.make_aware(naive, timezone.get_current_timezone())


def send_due(*, batch: int = 200) -> int:
    """Send (or skip) every planned message that has come due; the minute sweep. Safe to
    run on several workers at once. Returns how many were handled."""
    due = Outreach.objects.filter(
        status=OutreachStatus.PLANNED, send_after__lte=clock.now()
    ).order_by("send_after", "pk")
    handled = 0
    for outreach_id in list(due.values_list("pk", flat=True)[:batch]):
        if send_outreach(outreach_id) is not None:
            handled += 1
    return handled


def send_outreach(outreach_id: int) -> Outreach | None:
    """Send one planned message if it is due, or record why not. None when it was not
    planned any more or not yet due (another worker had it, quiet hours moved it)."""
    try:
        with transaction.atomic():
            outreach = (
                Outreach.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("customer", "ticket")
                .filter(pk=outreach_id, status=OutreachStatus.PLANNED)
                .first()
            )
            if outreach is None or outreach.send_after > clock.now():
                return None
            return _send(outreach)
    except Exception:
        # One broken message must not stop the sweep; it is retried next minute.
        logger.exception("outreach %s could not be sent", outreach_id)
        return None


def _send(outreach: Outreach) -> Outreach | None:
    now = clock.now()
    later = quiet_until(now)
    if later is not None:
        outreach.send_after = later
        outreach.reason = "quiet hours"
        outreach.save(update_fields=["send_after", "reason"])
        return None
    customer = outreach.customer
    while customer.merged_into_id is not None and customer.merged_into is not None:
        customer = customer.merged_into
    channel, address = _destination(outreach, customer)
    if channel is None or address is None:
        return _finish(outreach, OutreachStatus.SKIPPED, "no address to write to")
    allowed, why_not = may_contact(customer, channel=channel, purpose=outreach.purpose)
    if not allowed:
        return _finish(outreach, OutreachStatus.SKIPPED, why_not, channel=channel)
    if outreach.purpose in CAPPED_PURPOSES and _over_cap(customer, now):
        cap = settings.SAPA_OUTREACH_PER_CUSTOMER_PER_WEEK
        why = f"the customer already got {cap} surveys or promotions this week"
        return _finish(outreach, OutreachStatus.SKIPPED, why, channel=channel)
    if Identity.objects.filter(value=address, bouncing_since__isnull=False).exists():
        return _finish(outreach, OutreachStatus.SKIPPED, "the address bounces", channel=channel)
    actor = Actor.automation(f"outreach:{outreach.kind}")
    text, meta = _with_unsubscribe(outreach, customer, channel)
    try:
        with transaction.atomic():
            ticket = outreach.ticket or open_ticket_for(
                customer,
                subject=outreach.subject or outreach.kind,
                channel=channel,
                actor=actor,
                routed=False,
            )
            message = reply(ticket, text=text, actor=actor, channel=channel, meta=meta)
    except SapaError as error:
        return _finish(outreach, OutreachStatus.FAILED, str(error.message), channel=channel)
    outreach.ticket = ticket
    outreach.message = message
    outreach.sent_at = now
    return _finish(outreach, OutreachStatus.SENT, "", channel=channel)


def _destination(outreach: Outreach, customer: Customer) -> tuple[str | None, str | None]:
    if outreach.ticket is not None:
        options = reply_options(outreach.ticket)
    else:
        options = customer_reply_options(customer.pk)
    if outreach.channel:
        options = [o for o in options if o.channel == outreach.channel]
    if not options:
        return None, None
    return options[0].channel, options[0].address


def _over_cap(customer: Customer, now: datetime) -> bool:
    sent = Outreach.objects.filter(
        customer=customer,
        status=OutreachStatus.SENT,
        purpose__in=CAPPED_PURPOSES,
        sent_at__gte=now - timedelta(days=7),
    ).count()
    return sent >= settings.SAPA_OUTREACH_PER_CUSTOMER_PER_WEEK


def _with_unsubscribe(
    outreach: Outreach, customer: Customer, channel: str
) -> tuple[str, dict[str, Any]]:
    meta: dict[str, Any] = {"outreach_id": outreach.pk, "outreach_kind": outreach.kind}
    if outreach.purpose not in CAPPED_PURPOSES:
        return outreach.text, meta
    url = unsubscribe_url(customer, channel=channel, purpose=outreach.purpose)
    meta["list_unsubscribe"] = url
    with translation.override(customer.language or settings.LANGUAGE_CODE):
        footer = _("Rather not get these messages? Stop them here: %(url)s") % {"url": url}
    return f"{outreach.text.rstrip()}\n\n— {footer}", meta


def _finish(
    outreach: Outreach, status: OutreachStatus, reason: str, *, channel: str = ""
) -> Outreach:
    outreach.status = status
    outreach.reason = reason[:300]
    if channel:
        outreach.channel = channel
    outreach.save(update_fields=["status", "reason", "channel", "ticket", "message", "sent_at"])
    verb = {
        OutreachStatus.SENT: "outreach.sent",
        OutreachStatus.SKIPPED: "outreach.skipped",
    }.get(status, "outreach.failed")
    record_event(
        Actor.automation(f"outreach:{outreach.kind}"),
        verb,
        outreach.customer,
        after={
            "outreach_id": outreach.pk,
            "kind": outreach.kind,
            "channel": outreach.channel,
            "reason": outreach.reason,
            "message_id": outreach.message_id,
        },
    )
    return outreach
