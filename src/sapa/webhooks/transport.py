"""Sending one signed POST: urllib from the standard library, a timeout, no redirects, no
proxies from the environment, and (unless private networks are allowed) a check of the
address actually connected to, after DNS, so a name that now resolves inside our network is
refused even when it was public when the subscription was saved."""

import http.client
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from sapa.webhooks.destinations import check_scheme, is_public_address, private_networks_allowed
from sapa.webhooks.exceptions import UrlRefused

EXCERPT_BYTES = 1024


@dataclass(frozen=True)
class Outcome:
    """What one attempt got: a status code (None: no HTTP answer) or an error."""

    status_code: int | None
    error: str
    response_excerpt: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _guarded_connect(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
    sock = socket.create_connection(address, *args, **kwargs)
    peer = str(sock.getpeername()[0])
    if not private_networks_allowed() and not is_public_address(peer):
        sock.close()
        raise UrlRefused(
            _("Refused to connect to %(address)s: not a public address.") % {"address": peer}
        )
    return sock


class _GuardedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _guarded_connect


class _GuardedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _guarded_connect


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_GuardedHTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_GuardedHTTPSConnection, req)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx answer is reported as it is: the receiver must give its final URL."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.OpenerDirector()
for _handler in (
    urllib.request.ProxyHandler({}),
    urllib.request.UnknownHandler(),
    _HTTPHandler(),
    _HTTPSHandler(),
    _NoRedirects(),
    urllib.request.HTTPDefaultErrorHandler(),
    urllib.request.HTTPErrorProcessor(),
):
    _opener.add_handler(_handler)


def _excerpt(raw: bytes) -> str:
    return raw[:EXCERPT_BYTES].decode("utf-8", errors="replace")


def post(url: str, *, body: bytes, headers: dict[str, str]) -> Outcome:
    """POST `body` to `url`. Never raises for network or HTTP trouble: the Outcome says."""
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        check_scheme(url)
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
        with _opener.open(request, timeout=settings.SAPA_WEBHOOK_TIMEOUT_SECONDS) as response:
            raw = response.read(EXCERPT_BYTES)
            return Outcome(response.status, "", _excerpt(raw), elapsed())
    except urllib.error.HTTPError as error:
        try:
            raw = error.read(EXCERPT_BYTES)
        except OSError:
            raw = b""
        finally:
            error.close()
        return Outcome(error.code, f"HTTP {error.code}", _excerpt(raw), elapsed())
    except UrlRefused as error:
        return Outcome(None, str(error.message), "", elapsed())
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, UrlRefused):
            return Outcome(None, str(reason.message), "", elapsed())
        return Outcome(None, f"{type(reason).__name__}: {reason}"[:500], "", elapsed())
    except (OSError, http.client.HTTPException, ValueError) as error:
        return Outcome(None, f"{type(error).__name__}: {error}"[:500], "", elapsed())
