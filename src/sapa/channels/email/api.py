"""POST /api/v1/channels/email/{mailbox}/raw: an MTA pipe or an inbound-mail webhook hands
over one raw message (Content-Type: message/rfc822)."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from sapa.accounts.permissions import Permission, require
from sapa.api.auth import request_agent
from sapa.api.schemas import ErrorOut
from sapa.channels.email.actions import ingest_email
from sapa.channels.email.models import InboundSource, InboundStatus, Mailbox
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput, NotFound, SapaError

router = Router(tags=["email"])
ACCEPTED_TYPES = {"message/rfc822", "application/octet-stream", "text/plain"}
CHUNK = 1024 * 1024


class RawEmailOut(Schema):
    status: InboundStatus
    inbound_email_id: int
    reason: str
    ticket_id: int | None
    ticket_number: int | None
    message_id: int | None


class TooLarge(SapaError):
    code = "too_large"
    status = 413


class UnsupportedType(SapaError):
    code = "unsupported_media_type"
    status = 415


_STATUS_CODE = {InboundStatus.PROCESSED: 201, InboundStatus.DUPLICATE: 200}


@router.post(
    "/{mailbox}/raw",
    response={
        200: RawEmailOut,
        201: RawEmailOut,
        202: RawEmailOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        413: ErrorOut,
        415: ErrorOut,
    },
    summary="Hand over one raw email",
)
def receive_raw(request: HttpRequest, mailbox: str) -> Status:
    """The body is the message exactly as received (RFC 5322 bytes). 201: a ticket message
    was stored; 200: this Message-ID was taken in before; 202: kept but not a ticket message
    (quarantined with the reason, a bounce, or our own mail)."""
    integration = Actor.integration(request_agent(request))
    require(integration, Permission.RECEIVE_INBOUND)
    target = _mailbox(mailbox)
    content_type = request.content_type or ""
    if content_type not in ACCEPTED_TYPES:
        raise UnsupportedType(
            _("Send the email as Content-Type: message/rfc822 (got %(type)s).")
            % {"type": content_type or "none"}
        )
    raw = _read_limited(request, settings.SAPA_EMAIL_MAX_RAW_BYTES)
    if not raw.strip():
        raise InvalidInput(_("The body is empty."), loc=["body"])
    outcome = ingest_email(raw, mailbox=target, source=InboundSource.HTTP)
    return Status(_STATUS_CODE.get(outcome.status, 202), outcome)


def _mailbox(key: str) -> Mailbox:
    found = (
        Mailbox.objects.filter(pk=int(key)).first()
        if key.isdigit()
        else Mailbox.objects.filter(address=key.lower()).first()
    )
    if found is None or not found.is_active:
        raise NotFound(_("No active mailbox %(mailbox)s.") % {"mailbox": key})
    return found


def _read_limited(request: HttpRequest, limit: int) -> bytes:
    """The body, refusing more than `limit` bytes (Django's own body limit is for forms and
    JSON; a raw email may be larger)."""
    chunks: list[bytes] = []
    size = 0
    while chunk := request.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise TooLarge(_("The email is larger than %(limit)d bytes.") % {"limit": limit})
        chunks.append(chunk)
    return b"".join(chunks)
