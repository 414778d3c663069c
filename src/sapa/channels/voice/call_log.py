"""A call as its message on the ticket shows it: `meta["call"]` (what the timeline's call
card reads) and the message text (what search, previews and exports read), both made from
the CallRecord, and `sync_message`, which writes them when the record changes."""

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from sapa.channels.voice.models import CallDirection, CallOutcome, CallRecord
from sapa.conversations.models import Message, Ticket
from sapa.conversations.realtime import announce_ticket_change


def call_meta(record: CallRecord) -> dict[str, Any]:
    """The call's details as kept on its message (JSON)."""
    return {
        "call_sid": record.call_sid,
        "direction": record.direction,
        "line": record.line.number if record.line_id and record.line else "",
        "caller": record.caller,
        "ivr_path": list(record.ivr_path),
        "department": record.department.name if record.department_id and record.department else "",
        "agent": record.agent.display_name if record.agent_id and record.agent else "",
        "outcome": record.outcome,
        "duration_seconds": record.duration_seconds,
        "duration": duration_text(record.duration_seconds),
        "recording_url": record.recording_url,
        "transcript": record.transcript,
        "summary": record.summary,
        "started_at": record.started_at.isoformat(),
        "ended_at": record.ended_at.isoformat() if record.ended_at else None,
        "manual": record.is_manual,
    }


def duration_text(seconds: int | None) -> str:
    """ "3:05" (minutes:seconds), "1:02:09" past an hour; "" when unknown."""
    if seconds is None:
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def call_text(record: CallRecord) -> str:
    """One line about the call, then the agent's summary, the voicemail's transcript and
    its recording, in the site's language (the message text is stored, not translated)."""
    with translation.override(settings.LANGUAGE_CODE):
        direction = (
            _("Incoming call") if record.direction == CallDirection.INBOUND else _("Outgoing call")
        )
        parts = [direction]
        if record.outcome:
            parts.append(str(CallOutcome(record.outcome).label))
        if record.duration_seconds is not None:
            parts.append(duration_text(record.duration_seconds))
        if record.ivr_path:
            parts.append(_("menu %(path)s") % {"path": " > ".join(record.ivr_path)})
        if record.department_id and record.department:
            parts.append(record.department.name)
        lines = [" · ".join(parts)]
        if record.summary:
            lines.append(record.summary)
        if record.transcript:
            lines.append(_("Voicemail: %(text)s") % {"text": record.transcript})
        if record.recording_url:
            lines.append(_("Recording: %(url)s") % {"url": record.recording_url})
        return "\n".join(lines)


def sync_message(record: CallRecord) -> None:
    """Write the record's details onto its message (text and meta["call"]) and tell open
    consoles. Call inside the action's transaction, holding the locks of the ticket
    (sapa.conversations.actions.locking.lock_ticket) and then of the record."""
    if record.message_id is None:
        return
    message = Message.objects.select_for_update().filter(pk=record.message_id).first()
    if message is None:
        return
    message.meta = {**message.meta, "call": call_meta(record)}
    message.text = call_text(record)
    message.save(update_fields=["meta", "text"])
    ticket = Ticket.objects.only("team_id", "assignee_id").get(pk=message.ticket_id)
    announce_ticket_change(
        ticket_id=ticket.pk, team_id=ticket.team_id, assignee_id=ticket.assignee_id, kind="message"
    )
