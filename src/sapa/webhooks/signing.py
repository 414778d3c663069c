"""How a webhook request is signed, and how a receiver checks it.

The signature is HMAC-SHA256, keyed with the subscription's secret, over the Unix timestamp,
a dot and the exact body bytes: `sha256=<hex>` in `X-Sapa-Signature`. Signing the timestamp
lets a receiver refuse replays of an old request (see `verify`).
"""

import hashlib
import hmac
import json
import time
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

SIGNATURE_HEADER = "X-Sapa-Signature"
TIMESTAMP_HEADER = "X-Sapa-Timestamp"
EVENT_HEADER = "X-Sapa-Event"
DELIVERY_HEADER = "X-Sapa-Delivery"
USER_AGENT = "Sapa-Webhooks/1"
DEFAULT_TOLERANCE_SECONDS = 300


def body_bytes(envelope: dict[str, Any]) -> bytes:
    """The request body: compact UTF-8 JSON."""
    return json.dumps(
        envelope, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder
    ).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`sha256=<hex HMAC-SHA256(secret, "<timestamp>." + body)>`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def signed_headers(
    *, secret: str, body: bytes, event: str, delivery_id: int, timestamp: int
) -> dict[str, str]:
    """Every header of a webhook request."""
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        EVENT_HEADER: event,
        DELIVERY_HEADER: str(delivery_id),
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }


def verify(
    secret: str,
    timestamp: str | int,
    body: bytes,
    signature_header: str,
    *,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """Whether `signature_header` signs `body` at `timestamp` with `secret`, and the
    timestamp is within `tolerance_seconds` of now. Compares in constant time."""
    try:
        stamp = int(timestamp)
    except (TypeError, ValueError):
        return False
    current = time.time() if now is None else now
    if abs(current - stamp) > tolerance_seconds:
        return False
    return hmac.compare_digest(signature(secret, stamp, body), signature_header.strip())
