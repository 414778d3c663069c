"""Reading a webhook delivery's JSON (format only, no decisions): the customers' messages,
the status updates of messages we sent, and template review results, each with the phone
number id it is for. What cannot be read is reported in `problems`, never raised, so one
odd entry does not cost the rest of the delivery.

    {"object": "whatsapp_business_account",
     "entry": [{"id": "<WABA id>", "changes": [{"field": "messages", "value": {
        "metadata": {"display_phone_number": "...", "phone_number_id": "..."},
        "contacts": [{"profile": {"name": "..."}, "wa_id": "628..."}],
        "messages": [{"from": "628...", "id": "wamid...", "timestamp": "...", "type": "text",
                      "text": {"body": "..."}}],
        "statuses": [{"id": "wamid...", "status": "delivered", "timestamp": "...",
                      "recipient_id": "628...", "errors": [...]}]}}]}]}
"""

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

PROVIDER_STATUSES = ("sent", "delivered", "read", "failed")


class NotAWebhook(ValueError):
    """The body is not JSON, or not a WhatsApp Business Account webhook object."""


@dataclass(frozen=True)
class StatusError:
    code: int | None
    title: str
    details: str


@dataclass(frozen=True)
class IncomingMessage:
    phone_number_id: str
    wamid: str
    wa_id: str
    profile_name: str
    type: str
    timestamp: datetime | None
    # The message object as Meta sent it (its type's object under `raw[type]`).
    raw: dict[str, Any]
    # The message this one answers or reacts to (`context.id`).
    context_id: str = ""


@dataclass(frozen=True)
class StatusUpdate:
    phone_number_id: str
    wamid: str
    status: str
    timestamp: datetime | None
    recipient_id: str
    errors: tuple[StatusError, ...] = ()


@dataclass(frozen=True)
class TemplateUpdate:
    business_account_id: str
    event: str
    template_id: str
    name: str
    language: str
    reason: str


@dataclass
class ParsedDelivery:
    messages: list[IncomingMessage] = field(default_factory=list)
    statuses: list[StatusUpdate] = field(default_factory=list)
    template_updates: list[TemplateUpdate] = field(default_factory=list)
    # Parts that could not be read, in words (the delivery is quarantined with them).
    problems: list[str] = field(default_factory=list)
    # Change fields Sapa does not use (account updates, quality ratings...).
    other_fields: list[str] = field(default_factory=list)


def load_json(body: bytes) -> dict[str, Any]:
    """The body as a JSON object. Raises NotAWebhook."""
    try:
        parsed = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise NotAWebhook(f"not JSON: {error}") from None
    if not isinstance(parsed, dict):
        raise NotAWebhook("the JSON is not an object")
    return parsed


def parse_delivery(body: bytes) -> ParsedDelivery:
    """Everything in one delivery. Raises NotAWebhook when the body as a whole is unusable."""
    data = load_json(body)
    if data.get("object") != "whatsapp_business_account" or not isinstance(data.get("entry"), list):
        raise NotAWebhook("not a whatsapp_business_account webhook (no object/entry)")
    parsed = ParsedDelivery()
    for entry in data["entry"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("changes"), list):
            parsed.problems.append("an entry without changes")
            continue
        for change in entry["changes"]:
            _read_change(parsed, str(entry.get("id", "")), change)
    return parsed


def _read_change(parsed: ParsedDelivery, waba_id: str, change: object) -> None:
    if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
        parsed.problems.append("a change without a value")
        return
    name, value = str(change.get("field", "")), change["value"]
    if name == "messages":
        _read_messages_value(parsed, value)
    elif name == "message_template_status_update":
        parsed.template_updates.append(
            TemplateUpdate(
                business_account_id=waba_id,
                event=str(value.get("event", "")).upper(),
                template_id=str(value.get("message_template_id", "")),
                name=str(value.get("message_template_name", "")),
                language=str(value.get("message_template_language", "")),
                reason=str(value.get("reason") or ""),
            )
        )
    else:
        parsed.other_fields.append(name or "(no field)")


def _read_messages_value(parsed: ParsedDelivery, value: dict[str, Any]) -> None:
    metadata = value.get("metadata")
    phone_number_id = str(metadata.get("phone_number_id", "")) if isinstance(metadata, dict) else ""
    if not phone_number_id:
        parsed.problems.append("a messages change without metadata.phone_number_id")
        return
    names = _profile_names(value.get("contacts"))
    for raw in _objects(value.get("messages")):
        wamid, sender, kind = str(raw.get("id", "")), str(raw.get("from", "")), raw.get("type")
        if not wamid or not sender or not isinstance(kind, str) or not kind:
            parsed.problems.append(f"a message without id, from or type ({wamid or 'no id'})")
            continue
        context = raw.get("context")
        parsed.messages.append(
            IncomingMessage(
                phone_number_id=phone_number_id,
                wamid=wamid,
                wa_id=sender,
                profile_name=names.get(sender, ""),
                type=kind,
                timestamp=_timestamp(raw.get("timestamp")),
                raw=raw,
                context_id=str(context.get("id", "")) if isinstance(context, dict) else "",
            )
        )
    for raw in _objects(value.get("statuses")):
        wamid, status = str(raw.get("id", "")), str(raw.get("status", "")).lower()
        if not wamid or status not in PROVIDER_STATUSES:
            parsed.problems.append(f"a status without id or with status {status!r} ({wamid})")
            continue
        parsed.statuses.append(
            StatusUpdate(
                phone_number_id=phone_number_id,
                wamid=wamid,
                status=status,
                timestamp=_timestamp(raw.get("timestamp")),
                recipient_id=str(raw.get("recipient_id", "")),
                errors=tuple(_status_errors(raw.get("errors"))),
            )
        )


def _objects(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _profile_names(contacts: object) -> dict[str, str]:
    names = {}
    for contact in _objects(contacts):
        profile = contact.get("profile")
        name = profile.get("name") if isinstance(profile, dict) else None
        if contact.get("wa_id") and isinstance(name, str):
            names[str(contact["wa_id"])] = name.strip()[:200]
    return names


def _status_errors(errors: object) -> list[StatusError]:
    found = []
    for error in _objects(errors):
        data = error.get("error_data")
        code = error.get("code")
        found.append(
            StatusError(
                code=code if isinstance(code, int) else None,
                title=str(error.get("title") or error.get("message") or ""),
                details=str(data.get("details", "")) if isinstance(data, dict) else "",
            )
        )
    return found


def _timestamp(value: object) -> datetime | None:
    try:
        seconds = int(str(value))
    except (TypeError, ValueError):
        return None
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
