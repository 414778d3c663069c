"""What the provider tells about a call, recorded: the call starts (its message on the
caller's ticket, through receive_inbound), the caller moves through the menu, is put
through, leaves a voicemail, the transcript arrives, the call ends.

Every update is idempotent: a callback repeated with the same values changes nothing and
writes no event. Locks: the ticket (through lock_ticket: customer, then ticket), then the
call record, then its message.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from sapa.channels.kinds import PHONE_KINDS, Channel, IdentityKind
from sapa.channels.messages import Address, InboundMessage
from sapa.channels.voice.call_log import call_meta, call_text, sync_message
from sapa.channels.voice.models import (
    CallDirection,
    CallOutcome,
    CallRecord,
    Department,
    VoiceLine,
)
from sapa.conversations.actions import receive_inbound
from sapa.conversations.actions.locking import lock_ticket
from sapa.core import clock
from sapa.core.actions import record_event
from sapa.core.actors import Actor
from sapa.customers.addresses import InvalidAddress, normalise_phone
from sapa.customers.models import Customer, Identity

ACTOR = Actor.system("voice")
# Provider CallStatus values of a call that ended without being answered.
UNANSWERED_STATUSES = ("busy", "no-answer", "failed", "canceled")
# An outcome is never replaced by one ranked lower: a voicemail stays a voicemail when
# the call then ends, a call an agent answered stays answered.
_RANK = {
    CallOutcome.IN_PROGRESS: 0,
    CallOutcome.ABANDONED: 1,
    CallOutcome.MISSED: 2,
    CallOutcome.ANSWERED: 3,
    CallOutcome.VOICEMAIL: 4,
}


@dataclass(frozen=True)
class CallStart:
    """A call as the provider first reports it."""

    call_sid: str
    # The customer's number as the provider wrote it ("anonymous" when hidden).
    number: str
    direction: str = CallDirection.INBOUND


def caller_number(raw: str) -> str:
    """The number in E.164, or "" for a hidden or unreadable one."""
    try:
        return normalise_phone(raw) if raw.strip() else ""
    except InvalidAddress:
        return ""


def _known_customer(number: str) -> Customer | None:
    if not number:
        return None
    identity = (
        Identity.objects.filter(kind__in=list(PHONE_KINDS), value=number)
        .select_related("customer")
        .order_by("pk")
        .first()
    )
    return identity.customer if identity is not None else None


def _call_language(line: VoiceLine, customer: Customer | None) -> str:
    if customer is not None and customer.language.startswith("en"):
        return "en"
    return line.language[:2]


def start_call(line: VoiceLine, start: CallStart) -> CallRecord:
    """The call's record, and its message on the caller's ticket (channel phone, from the
    caller's phone identity; a hidden number gets a customer of its own for the call).

    Idempotent on the call id: a call seen before returns its record and writes nothing.
    The call is spoken in English when the caller is a known customer who reads English,
    else in the line's language.
    """
    existing = CallRecord.objects.filter(call_sid=start.call_sid).first()
    if existing is not None:
        return existing
    number = caller_number(start.number)
    customer = _known_customer(number)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Phone call from %(number)s") % {"number": number or _("a hidden number")}
        hidden_name = "" if number else _("Hidden number")
    record = CallRecord(
        call_sid=start.call_sid,
        line=line,
        direction=start.direction,
        caller=number,
        lang=_call_language(line, customer),
        started_at=clock.now(),
    )
    address = (
        Address(IdentityKind.PHONE, number)
        if number
        else Address(IdentityKind.EXTERNAL_ID, f"hidden-caller:{start.call_sid}")
    )
    try:
        with transaction.atomic():
            result = receive_inbound(
                InboundMessage(
                    channel=Channel.PHONE,
                    external_id=f"call:{start.call_sid}",
                    addresses=(address,),
                    text=call_text(record),
                    subject=subject,
                    sender_name=hidden_name,
                    team_id=line.team_id,
                    meta={"call": call_meta(record)},
                ),
                via=ACTOR,
            )
            record.ticket_id = result.ticket_id
            record.customer_id = result.customer_id
            record.message_id = result.message_id
            record.save()
            record_event(
                ACTOR,
                "call.started",
                record,
                after={"line": line.number, "caller": number, "ticket_id": result.ticket_id},
            )
    except IntegrityError:
        # The same call's first request, a moment earlier, in another process.
        return CallRecord.objects.get(call_sid=start.call_sid)
    return record


def _update(record: CallRecord, verb: str, changes: dict[str, Any]) -> CallRecord:
    """Apply `changes` to the record (those that differ; a callable value is computed
    from the locked record), then its message; nothing, and no event, when every value is
    already so."""
    with transaction.atomic():
        if record.ticket_id is not None:
            lock_ticket(record.ticket_id)
        record = CallRecord.objects.select_for_update().get(pk=record.pk)
        if (
            "outcome" in changes
            and _RANK[CallOutcome(changes["outcome"])] <= _RANK[CallOutcome(record.outcome)]
        ):
            del changes["outcome"]
        wanted = {f: v(record) if callable(v) else v for f, v in changes.items()}
        changed = {f: v for f, v in wanted.items() if getattr(record, f) != v}
        if not changed:
            return record
        before = {f: _plain(getattr(record, f)) for f in changed}
        for field, value in changed.items():
            setattr(record, field, value)
        record.save(update_fields=[*changed, "updated_at"])
        record = CallRecord.objects.select_related("line", "department", "agent").get(pk=record.pk)
        record_event(
            ACTOR, verb, record, before=before, after={f: _plain(v) for f, v in changed.items()}
        )
        sync_message(record)
    return record


def _plain(value: object) -> object:
    if isinstance(value, Department):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def record_choice(record: CallRecord, key: str) -> CallRecord:
    """The caller pressed `key` in a menu: one more step of the call's way."""
    return _update(record, "call.menu_chosen", {"ivr_path": lambda r: [*r.ivr_path, key]})


def record_department(record: CallRecord, department: Department) -> CallRecord:
    """The call is being put through to `department`."""
    return _update(record, "call.put_through", {"department_id": department.pk})


def record_connection(record: CallRecord, *, answered: bool) -> CallRecord:
    """How putting the call through went: someone took it, or no one did."""
    outcome = CallOutcome.ANSWERED if answered else CallOutcome.MISSED
    return _update(record, "call.connected" if answered else "call.missed", {"outcome": outcome})


def record_self_service(record: CallRecord) -> CallRecord:
    """The menu answered the caller (an order's status, a fixed answer)."""
    return _update(record, "call.self_served", {"outcome": CallOutcome.ANSWERED})


def record_voicemail(
    record: CallRecord, *, recording_url: str, recording_sid: str, seconds: int | None
) -> CallRecord:
    """The caller left a voicemail: its recording goes on the call and its message. An
    empty id or unknown length keeps what an earlier callback told."""
    changes: dict[str, Any] = {
        "outcome": CallOutcome.VOICEMAIL,
        "recording_url": recording_url[:500],
    }
    if recording_sid:
        changes["recording_sid"] = recording_sid[:64]
    if seconds is not None:
        changes["recording_seconds"] = seconds
    return _update(record, "call.voicemail", changes)


def record_transcript(record: CallRecord, *, text: str) -> CallRecord:
    """The provider's transcript of the voicemail."""
    return _update(record, "call.transcribed", {"transcript": text.strip()[:10000]})


def finish_call(
    record: CallRecord, *, provider_status: str, duration_seconds: int | None
) -> CallRecord:
    """The call ended. A call that was not answered is missed; one that ended in the menu
    or in a queue without an answer or a voicemail was abandoned by the caller."""
    unanswered = provider_status in UNANSWERED_STATUSES
    changes: dict[str, Any] = {
        "provider_status": provider_status[:20],
        "outcome": CallOutcome.MISSED if unanswered else CallOutcome.ABANDONED,
    }
    if record.ended_at is None:
        changes["ended_at"] = clock.now()
    if duration_seconds is not None:
        changes["duration_seconds"] = duration_seconds
    return _update(record, "call.ended", changes)
