"""The signed order webhook, POST /hooks/orders/, for shop platforms that can send a signed
HTTP request but cannot use an API token.

The shop signs like Sapa's own outgoing webhooks (sapa.webhooks.signing): `X-Sapa-Timestamp`
(Unix seconds) and `X-Sapa-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." +
body)>` with a secret from SAPA_ORDER_WEBHOOK_SECRET. The body is the order payload of
`PUT /api/v1/orders/{number}` plus `number`, and it runs the same action. Answers are JSON:
401 unsigned, forged or older than five minutes; 400 not JSON; 413 too large; 422 invalid;
409 an illegal status change; 200/201 the order.
"""

import hmac
import json
import time
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from ninja import Field
from pydantic import ValidationError

from sapa.commerce.actions import record_order
from sapa.commerce.api import order_answer
from sapa.commerce.exceptions import InvalidOrderTransition
from sapa.commerce.payloads import order_data
from sapa.commerce.schemas import OrderIn, OrderUpsertOut
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput, SapaError
from sapa.core.models import ActorKind
from sapa.webhooks.signing import (
    DEFAULT_TOLERANCE_SECONDS,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    signature,
)

WEBHOOK_ACTOR = Actor(kind=ActorKind.INTEGRATION, label="order-webhook")


class WebhookOrderIn(OrderIn):
    number: str = Field(min_length=1, max_length=64)


def _error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status)


def _field_errors(detail: list[dict[str, Any]]) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=422)


@csrf_exempt
@require_POST
def order_webhook(request: HttpRequest) -> JsonResponse:
    """Receive one signed order (see the module docstring)."""
    secrets = settings.SAPA_ORDER_WEBHOOK_SECRETS
    if not secrets:
        return _error(404, "webhook_disabled", _("The order webhook is not enabled."))
    limit = settings.SAPA_ORDER_WEBHOOK_MAX_BYTES
    too_large = _("The request body is larger than %(limit)d bytes.") % {"limit": limit}
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return _error(413, "too_large", too_large)
    body = request.read(limit + 1)
    if len(body) > limit:
        return _error(413, "too_large", too_large)
    refusal = _check_signature(request, body, secrets)
    if refusal is not None:
        return refusal
    try:
        raw = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raw = None
    if not isinstance(raw, dict):
        return _error(400, "malformed_body", _("The request body is not a JSON object."))
    try:
        payload = WebhookOrderIn.model_validate(raw)
    except ValidationError as error:
        return _field_errors(
            [
                {"loc": ["body", *item["loc"]], "msg": item["msg"], "type": item["type"]}
                for item in error.errors()
            ]
        )
    try:
        result = record_order(order_data(payload.number, payload), actor=WEBHOOK_ACTOR)
    except InvalidOrderTransition as error:
        return JsonResponse(error.body(), status=409)
    except InvalidInput as error:
        return _field_errors([{"loc": error.loc, "msg": str(error.message), "type": error.code}])
    except SapaError as error:
        return _error(error.status, error.code, str(error.message))
    answer = OrderUpsertOut.from_orm(order_answer(result)).dict()
    return JsonResponse(answer, status=201 if result.created else 200, encoder=DjangoJSONEncoder)


def _check_signature(request: HttpRequest, body: bytes, secrets: list[str]) -> JsonResponse | None:
    """None when the request is signed with one of `secrets` in the last five minutes."""
    stamp_header = request.headers.get(TIMESTAMP_HEADER, "").strip()
    signed = request.headers.get(SIGNATURE_HEADER, "").strip()
    if not stamp_header or not signed:
        return _error(
            401,
            "signature_missing",
            _("Sign the request: the headers %(timestamp)s and %(signature)s are required.")
            % {"timestamp": TIMESTAMP_HEADER, "signature": SIGNATURE_HEADER},
        )
    try:
        stamp = int(stamp_header)
    except ValueError:
        stamp = None
    if stamp is None or abs(time.time() - stamp) > DEFAULT_TOLERANCE_SECONDS:
        return _error(
            401,
            "signature_expired",
            _("The timestamp is not within five minutes of now; sign the request again."),
        )
    if not any(hmac.compare_digest(signature(secret, stamp, body), signed) for secret in secrets):
        return _error(401, "signature_invalid", _("The signature does not match the body."))
    return None
