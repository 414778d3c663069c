"""Sending replies on WhatsApp through the Cloud API: text, files (uploaded, then sent by
media id), the bot's choices as reply buttons or a list, and approved templates.

Called by the delivery task from the worker; the outbox around it retries temporary
failures with backoff and records permanent ones on the message (errors.py says which is
which). Without an active account (a fresh install, the demo) the log adapter keeps the
message instead, as email does without an SMTP server.
"""

from typing import Any

from django.core.files.storage import default_storage

from sapa.channels.base import Capabilities
from sapa.channels.log.adapter import LogAdapter
from sapa.channels.messages import DeliveryResult, OutboundAttachment, OutboundMessage
from sapa.channels.whatsapp import outbound
from sapa.channels.whatsapp.errors import delivery_result
from sapa.channels.whatsapp.graph import GraphClient, GraphError
from sapa.channels.whatsapp.models import WhatsAppAccount
from sapa.channels.whatsapp.queries import account_for_ticket
from sapa.conversations.models import Message

CAPABILITIES = Capabilities(supports_attachments=True, reply_window_seconds=24 * 3600)


class WhatsAppAdapter:
    capabilities = CAPABILITIES

    def __init__(self) -> None:
        self._fallback = LogAdapter(CAPABILITIES)

    def deliver(self, message: OutboundMessage) -> DeliveryResult:
        stored = Message.objects.select_related("ticket").get(pk=message.message_id)
        meta = stored.meta if isinstance(stored.meta, dict) else {}
        account = _account_for(stored, meta)
        if account is None:
            return self._fallback.deliver(message)
        client = GraphClient(account)
        recipient = message.to_address.lstrip("+")
        try:
            payloads = _payloads(client, message, meta)
            wamid = ""
            for payload in payloads:
                wamid = client.send_message({"to": recipient, **payload})
        except GraphError as error:
            return delivery_result(error)
        return DeliveryResult(ok=True, external_id=wamid)


def _account_for(stored: Message, meta: dict[str, Any]) -> WhatsAppAccount | None:
    """The account a template names (templates belong to one business account), else the
    one serving the ticket."""
    template = meta.get("whatsapp_template")
    account_id = template.get("account_id") if isinstance(template, dict) else None
    if isinstance(account_id, int):
        found = WhatsAppAccount.objects.filter(pk=account_id, is_active=True).first()
        if found is not None:
            return found
    return account_for_ticket(stored.ticket)


def _payloads(
    client: GraphClient, message: OutboundMessage, meta: dict[str, Any]
) -> list[dict[str, Any]]:
    """The Cloud API messages for one Sapa message, in sending order; the last one's id
    becomes the message's external id (the one whose statuses are tracked)."""
    template = meta.get("whatsapp_template")
    if isinstance(template, dict) and template.get("name") and template.get("language"):
        return [outbound.template_payload(template)]
    text = message.text.strip()
    media = [_uploaded(client, a) for a in message.attachments]
    if media:
        return _media_payloads(media, text)
    buttons = meta.get("buttons")
    if isinstance(buttons, list) and buttons:
        return outbound.choice_payloads(text, buttons)
    return outbound.text_payloads(text)


def _uploaded(client: GraphClient, attachment: OutboundAttachment) -> tuple[str, str, str]:
    with default_storage.open(attachment.path, "rb") as handle:
        content = handle.read()
    media_id = client.upload_media(
        content=content, filename=attachment.filename, content_type=attachment.content_type
    )
    return outbound.media_kind(attachment.content_type), media_id, attachment.filename


def _media_payloads(media: list[tuple[str, str, str]], text: str) -> list[dict[str, Any]]:
    """Each file as a message; the text rides as the caption of the last one that can carry
    it, else (audio only, or too long) goes last as a text message of its own."""
    captioned = -1
    if text and len(text) <= outbound.MAX_CAPTION_CHARS:
        captioned = max(
            (i for i, (kind, _id, _n) in enumerate(media) if kind != "audio"), default=-1
        )
    payloads = [
        outbound.media_payload(
            kind, media_id, caption=text if index == captioned else "", filename=filename
        )
        for index, (kind, media_id, filename) in enumerate(media)
    ]
    if text and captioned < 0:
        payloads += outbound.text_payloads(text)
    return payloads
