"""Translating a parsed email into Sapa's InboundMessage (format only; no decisions)."""

from sapa.channels.email.ids import message_pk_from_id, ticket_number_in
from sapa.channels.email.models import Mailbox
from sapa.channels.email.parsing import ParsedEmail
from sapa.channels.kinds import Channel, IdentityKind
from sapa.channels.messages import Address, InboundAttachment, InboundMessage, Participant
from sapa.conversations.models import Message


def to_inbound(
    parsed: ParsedEmail, *, mailbox: Mailbox | None, own: frozenset[str]
) -> InboundMessage:
    """The InboundMessage for `parsed`, received by `mailbox`. Copied addresses become
    participants, except our own and the sender's."""
    sender = parsed.sender
    copied = [m for m in (*parsed.to, *parsed.cc) if m.address not in own | {sender.address}]
    return InboundMessage(
        channel=Channel.EMAIL,
        external_id=parsed.message_id,
        addresses=(Address(IdentityKind.EMAIL, sender.address),),
        sender_name=sender.name,
        subject=parsed.subject,
        text=parsed.visible_text or parsed.text,
        quoted_text=_folded(parsed),
        html=parsed.html,
        in_reply_to=_reply_target(parsed.in_reply_to),
        references=tuple(_translated(i) for i in parsed.references),
        ticket_number=ticket_number_in(parsed.subject),
        thread_by_recency=False,
        sent_at=parsed.date,
        auto_reply=parsed.auto_reply,
        participants=tuple(
            Participant(Address(IdentityKind.EMAIL, m.address), m.name)
            for m in dict.fromkeys(copied)
        ),
        team_id=mailbox.team_id if mailbox else None,
        attachments=tuple(
            InboundAttachment(filename=a.filename, content_type=a.content_type, content=a.content)
            for a in parsed.attachments
        ),
        meta={"email": _meta(parsed, mailbox)},
    )


def _reply_target(ids: tuple[str, ...]) -> str:
    return _translated(ids[0]) if ids else ""


def _translated(message_id: str) -> str:
    """Our own outgoing ids are found by the message they name (the external id a message
    is stored under is the same id, but a signed one is enough even before it is)."""
    pk = message_pk_from_id(message_id)
    if pk is None:
        return message_id
    stored = Message.objects.filter(pk=pk).values_list("external_id", flat=True).first()
    return stored or message_id


def _folded(parsed: ParsedEmail) -> str:
    if not parsed.visible_text or parsed.visible_text == parsed.text:
        return ""
    start = parsed.text.find(parsed.visible_text)
    rest = parsed.text[start + len(parsed.visible_text) :] if start >= 0 else parsed.text
    return rest.strip()


def _meta(parsed: ParsedEmail, mailbox: Mailbox | None) -> dict[str, object]:
    meta: dict[str, object] = {
        "mailbox_id": mailbox.pk if mailbox else None,
        "from": _mailbox_text(parsed.sender.name, parsed.sender.address),
        "to": [_mailbox_text(m.name, m.address) for m in parsed.to],
        "cc": [_mailbox_text(m.name, m.address) for m in parsed.cc],
        "subject": parsed.subject,
    }
    if parsed.refused:
        meta["refused"] = [
            {"filename": r.filename, "size": r.size, "reason": r.reason} for r in parsed.refused
        ]
    if parsed.is_calendar:
        meta["calendar"] = True
    return meta


def _mailbox_text(name: str, address: str) -> str:
    return f"{name} <{address}>" if name else address
