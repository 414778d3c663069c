"""Signing webhook bodies and checking signatures as a receiver would."""

import hashlib
import hmac

from sapa.webhooks.signing import body_bytes, signature, signed_headers, verify

SECRET = "whsec_test-secret"
NOW = 1_760_000_000


def test_signature_is_hmac_sha256_of_timestamp_dot_body():
    """The documented recipe, recomputed by hand, gives the same header."""
    body = body_bytes({"id": 1, "event": "ticket.created", "data": {"nama": "Budi"}})
    expected = hmac.new(SECRET.encode(), f"{NOW}.".encode() + body, hashlib.sha256).hexdigest()
    assert body == b'{"id":1,"event":"ticket.created","data":{"nama":"Budi"}}'
    assert signature(SECRET, NOW, body) == f"sha256={expected}"


def test_signed_headers_name_event_delivery_and_time():
    headers = signed_headers(
        secret=SECRET, body=b"{}", event="ticket.created", delivery_id=42, timestamp=NOW
    )
    assert headers == {
        "Content-Type": "application/json",
        "User-Agent": "Sapa-Webhooks/1",
        "X-Sapa-Event": "ticket.created",
        "X-Sapa-Delivery": "42",
        "X-Sapa-Timestamp": str(NOW),
        "X-Sapa-Signature": signature(SECRET, NOW, b"{}"),
    }


def test_verify_accepts_a_fresh_untouched_request():
    body = b'{"id":1}'
    assert verify(SECRET, str(NOW), body, signature(SECRET, NOW, body), now=NOW + 10) is True


def test_verify_refuses_a_tampered_body():
    signed = signature(SECRET, NOW, b'{"id":1}')
    assert verify(SECRET, NOW, b'{"id":2}', signed, now=NOW) is False


def test_verify_refuses_another_secret():
    body = b'{"id":1}'
    assert verify("whsec_other", NOW, body, signature(SECRET, NOW, body), now=NOW) is False


def test_verify_refuses_an_old_or_future_timestamp():
    """A replayed request older than the tolerance (300 s by default) is refused."""
    body = b'{"id":1}'
    signed = signature(SECRET, NOW, body)
    assert verify(SECRET, NOW, body, signed, now=NOW + 301) is False
    assert verify(SECRET, NOW, body, signed, now=NOW - 301) is False
    assert verify(SECRET, NOW, body, signed, now=NOW + 3600, tolerance_seconds=3600) is True


def test_verify_refuses_a_timestamp_that_is_not_a_number():
    body = b"{}"
    assert verify(SECRET, "kemarin", body, signature(SECRET, NOW, body), now=NOW) is False
