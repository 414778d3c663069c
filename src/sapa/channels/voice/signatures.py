"""Checking that a webhook request came from the line's provider (Twilio's scheme).

The provider signs each request: HMAC-SHA1, keyed with the account's auth token, over the
full URL it requested (scheme, host, path and query) followed by every POST parameter's
name and value, sorted by name, with no separators; the base64 of the digest comes in the
X-Twilio-Signature header. Behind a proxy the URL Django sees may differ from the one the
provider called, so the URL under SAPA_BASE_URL is tried as well.
"""

import base64
import contextlib
import hashlib
import hmac
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest

HEADER = "X-Twilio-Signature"
_DEFAULT_PORTS = {"https": 443, "http": 80}


def compute_signature(url: str, params: Iterable[tuple[str, str]], auth_token: str) -> str:
    """The signature the provider sends for a POST of `params` to `url`. A name given
    several times contributes each of its values, sorted."""
    by_name: dict[str, set[str]] = {}
    for name, value in params:
        by_name.setdefault(name, set()).add(value)
    signed = url + "".join(
        name + value for name in sorted(by_name) for value in sorted(by_name[name])
    )
    digest = hmac.new(auth_token.encode(), signed.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _without_default_port(url: str) -> str:
    parts = urlsplit(url)
    if parts.port is not None and parts.port == _DEFAULT_PORTS.get(parts.scheme):
        return urlunsplit(parts._replace(netloc=parts.hostname or ""))
    return url


def candidate_urls(request: HttpRequest) -> list[str]:
    """The URLs the provider may have signed for this request, most likely first."""
    found = [settings.SAPA_BASE_URL + request.get_full_path()]
    # DisallowedHost: then the base URL is the only candidate.
    with contextlib.suppress(Exception):
        found.append(request.build_absolute_uri())
    found += [_without_default_port(url) for url in found]
    return list(dict.fromkeys(found))


def is_signed(request: HttpRequest, auth_token: str) -> bool:
    """Whether the request carries a valid signature made with `auth_token`."""
    given = request.headers.get(HEADER, "")
    if not given or not auth_token:
        return False
    params = [(name, value) for name, values in request.POST.lists() for value in values]
    return any(
        hmac.compare_digest(compute_signature(url, params, auth_token), given)
        for url in candidate_urls(request)
    )
