"""The public webhook, /hooks/whatsapp/: one URL for every WhatsApp account.

GET is Meta's set-up handshake: `hub.mode=subscribe` with a `hub.verify_token` that an
active account holds is answered with `hub.challenge` (text/plain); anything else 403.

POST is a delivery: larger than SAPA_WHATSAPP_MAX_WEBHOOK_BYTES → 413; without a valid
X-Hub-Signature-256 from an active account's app secret → 401, nothing kept; signed but not
JSON → kept quarantined, 400; else kept and 200 (a delivery seen before: 200, kept once).
The request only checks and keeps; the worker processes.
"""

import hmac
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from sapa.channels.whatsapp.actions import keep_delivery
from sapa.channels.whatsapp.models import WhatsAppAccount
from sapa.channels.whatsapp.signatures import SIGNATURE_HEADER, signing_key

logger = logging.getLogger(__name__)

CHUNK_BYTES = 64 * 1024
MAX_CHALLENGE_CHARS = 200


def _answer(status: int, code: str, detail: str = "") -> JsonResponse:
    return JsonResponse({"code": code, "detail": detail}, status=status)


@csrf_exempt
def webhook(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _handshake(request)
    if request.method == "POST":
        return _delivery(request)
    return HttpResponse(status=405, headers={"Allow": "GET, POST"})


def _handshake(request: HttpRequest) -> HttpResponse:
    mode = request.GET.get("hub.mode", "")
    token = request.GET.get("hub.verify_token", "")
    challenge = request.GET.get("hub.challenge", "")
    tokens = WhatsAppAccount.objects.filter(is_active=True).values_list("verify_token", flat=True)
    matched = False
    for known in tokens:
        # Every token is compared, in constant time: no early answer to time.
        matched |= bool(known) and hmac.compare_digest(known.encode(), token.encode())
    if mode != "subscribe" or not matched or not challenge:
        return HttpResponse("forbidden", status=403, content_type="text/plain")
    response = HttpResponse(challenge[:MAX_CHALLENGE_CHARS], content_type="text/plain")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _read_limited(request: HttpRequest, limit: int) -> bytes | None:
    """The body, or None when it is larger than `limit` bytes."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    while chunk := request.read(CHUNK_BYTES):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _delivery(request: HttpRequest) -> HttpResponse:
    body = _read_limited(request, settings.SAPA_WHATSAPP_MAX_WEBHOOK_BYTES)
    if body is None:
        return _answer(
            413,
            "too_large",
            _("The body is larger than %(limit)d bytes.")
            % {"limit": settings.SAPA_WHATSAPP_MAX_WEBHOOK_BYTES},
        )
    header = request.headers.get(SIGNATURE_HEADER, "")
    if not header:
        return _answer(
            401, "signature_missing", _("No %(header)s header.") % {"header": SIGNATURE_HEADER}
        )
    secrets = WhatsAppAccount.objects.filter(is_active=True).values_list("pk", "app_secret")
    signer_id = signing_key(body, header, secrets)
    if signer_id is None:
        logger.warning("whatsapp webhook with a signature no account's app secret makes")
        return _answer(401, "signature_invalid", _("The signature does not match."))
    receipt = keep_delivery(body, signed_by_id=signer_id)
    if receipt.malformed:
        return _answer(400, "malformed", _("The body is not JSON; it was kept for review."))
    return _answer(200, "duplicate" if receipt.duplicate else "received")
