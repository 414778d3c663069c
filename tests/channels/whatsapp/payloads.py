"""Webhook bodies in the shape Meta's Cloud API sends them (recorded shapes, our own values),
and the signed POST that delivers them."""

import hashlib
import hmac
import itertools
import json
from typing import Any

from django.test import Client

PHONE_NUMBER_ID = "109876543210123"
WABA_ID = "209876543210123"
DISPLAY_NUMBER = "6281100000001"
APP_SECRET = "app-secret-for-tests-123"
VERIFY_TOKEN = "verify-token-for-tests-123"
CUSTOMER = "6281234567890"
TIMESTAMP = 1795000000
_ids = itertools.count(1)


def wamid() -> str:
    return f"wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYIDTEST{next(_ids):06d}"


def envelope(
    *,
    messages: list[dict[str, Any]] | None = None,
    statuses: list[dict[str, Any]] | None = None,
    name: str = "Rina Kusuma",
    wa_id: str = CUSTOMER,
    phone_number_id: str = PHONE_NUMBER_ID,
) -> dict[str, Any]:
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": DISPLAY_NUMBER, "phone_number_id": phone_number_id},
    }
    if messages is not None:
        value["contacts"] = [{"profile": {"name": name}, "wa_id": wa_id}]
        value["messages"] = messages
    if statuses is not None:
        value["statuses"] = statuses
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": WABA_ID, "changes": [{"value": value, "field": "messages"}]}],
    }


def message(kind: str, body: Any, *, sender: str = CUSTOMER, **extra: Any) -> dict[str, Any]:
    return {
        "from": sender,
        "id": extra.pop("id", None) or wamid(),
        "timestamp": str(extra.pop("timestamp", TIMESTAMP)),
        "type": kind,
        kind: body,
        **extra,
    }


def text(body: str, **extra: Any) -> dict[str, Any]:
    return message("text", {"body": body}, **extra)


def status(
    message_id: str, state: str, *, timestamp: int = TIMESTAMP, errors: list[Any] | None = None
) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": message_id,
        "status": state,
        "timestamp": str(timestamp),
        "recipient_id": CUSTOMER,
    }
    if state != "failed":
        found["conversation"] = {"id": "c0ffee", "origin": {"type": "service"}}
        found["pricing"] = {"billable": True, "pricing_model": "CBP", "category": "service"}
    if errors:
        found["errors"] = errors
    return found


def signature(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post(
    client: Client, payload: Any, *, secret: str | None = APP_SECRET, raw: bytes | None = None
) -> Any:
    """POST a delivery the way Meta does: compact JSON, signed with the app secret."""
    body = raw if raw is not None else json.dumps(payload, separators=(",", ":")).encode()
    headers = {"X-Hub-Signature-256": signature(body, secret)} if secret is not None else {}
    return client.generic(
        "POST", "/hooks/whatsapp/", body, content_type="application/json", headers=headers
    )
