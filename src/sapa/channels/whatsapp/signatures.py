"""Meta's webhook signature: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, the
exact body bytes)>`. One webhook URL serves every account, so a delivery is checked against
each active account's app secret (usually one Meta app holds them all)."""

import hashlib
import hmac
from collections.abc import Iterable

SIGNATURE_HEADER = "X-Hub-Signature-256"
PREFIX = "sha256="


def signature(app_secret: str, body: bytes) -> str:
    """The header value Meta sends for `body`."""
    return PREFIX + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def signing_key(body: bytes, header: str, candidates: Iterable[tuple[int, str]]) -> int | None:
    """The key (an account id) of the first `(key, app_secret)` whose secret signed `body`
    as `header` says, else None. Every comparison is constant-time."""
    presented = header.strip()
    if not presented.startswith(PREFIX):
        return None
    presented = PREFIX + presented[len(PREFIX) :].lower()
    found = None
    tried: set[str] = set()
    for key, secret in candidates:
        if not secret or secret in tried:
            continue
        tried.add(secret)
        if hmac.compare_digest(signature(secret, body), presented) and found is None:
            found = key
    return found
