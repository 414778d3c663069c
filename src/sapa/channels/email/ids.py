"""The Message-IDs Sapa gives the mail it sends, and the ticket token in subjects."""

import hashlib
import hmac
import re

from django.conf import settings

_OWN_ID = re.compile(r"^sapa\.(\d{1,18})\.([0-9a-f]{10})@", re.IGNORECASE)
# "[#1234]" anywhere in a subject (the last one wins: replies add prefixes, not suffixes).
_TOKEN = re.compile(r"\[#(\d{1,12})\]")


def _signature(message_pk: int) -> str:
    key = f"sapa.email.message-id:{settings.SECRET_KEY}".encode()
    return hmac.new(key, str(message_pk).encode(), hashlib.sha256).hexdigest()[:10]


def outbound_message_id(message_pk: int, domain: str) -> str:
    """`sapa.<pk>.<signature>@domain` (without <>): signed, so an answer that quotes it finds
    its message even when the header is all that is left, and a forged one finds nothing."""
    return f"sapa.{message_pk}.{_signature(message_pk)}@{domain}"


def message_pk_from_id(message_id: str) -> int | None:
    """The pk of the Sapa message that `message_id` names, when it is one of ours."""
    match = _OWN_ID.match(message_id)
    if match is None:
        return None
    pk = int(match.group(1))
    return pk if hmac.compare_digest(match.group(2).lower(), _signature(pk)) else None


def ticket_number_in(subject: str) -> int | None:
    found = _TOKEN.findall(subject)
    return int(found[-1]) if found else None


def subject_with_token(subject: str, number: int) -> str:
    """`Re: <subject> [#number]`, without stacking prefixes or tokens."""
    bare = _TOKEN.sub("", subject).strip()
    bare = re.sub(r"^((re|fw|fwd|balas|bls)\s*:\s*)+", "", bare, flags=re.IGNORECASE).strip()
    return f"Re: {bare} [#{number}]" if bare else f"[#{number}]"
