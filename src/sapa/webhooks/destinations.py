"""Which URLs a webhook may be sent to: http(s) only, and, unless
SAPA_WEBHOOK_ALLOW_PRIVATE_NETWORKS is on, never an address inside our own network
(loopback, private, link-local, ...), so that a webhook cannot be used to probe or call
services behind the firewall.

Checked when a subscription is saved (`check_url`) and again on every connection
(sapa.webhooks.transport checks the address actually connected to), because DNS answers
can change between the two.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from sapa.webhooks.exceptions import UrlRefused


def private_networks_allowed() -> bool:
    return bool(settings.SAPA_WEBHOOK_ALLOW_PRIVATE_NETWORKS)


def is_public_address(address: str) -> bool:
    """Whether `address` (an IP literal) is routable on the public internet."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_scheme(url: str) -> str:
    """The URL's host name, when `url` is an absolute http(s) URL; else UrlRefused."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UrlRefused(_("Only http:// and https:// URLs can receive webhooks."))
    if parts.username or parts.password:
        raise UrlRefused(_("Put no user name or password in the URL; use the signature."))
    return parts.hostname


def check_url(url: str) -> None:
    """Raise UrlRefused unless `url` may receive webhooks.

    A host that does not resolve now is accepted (DNS may be down for a moment); the
    connection is checked again when sending.
    """
    host = check_scheme(url)
    if private_networks_allowed():
        return
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return
    if any(not is_public_address(str(info[4][0])) for info in infos):
        raise UrlRefused(
            _("This URL points into a private network; webhooks go to public addresses only.")
        )
