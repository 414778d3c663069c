"""Mail server settings as one URL each, so a mailbox is two lines of configuration.

    imaps://user:password@imap.example.com:993/INBOX    IMAP over TLS (default port 993)
    imap://user:password@imap.example.com/INBOX         IMAP upgraded with STARTTLS (143)
    imap+plain://user:password@127.0.0.1:1143/INBOX     no TLS (a local test server only)
    smtps://user:password@smtp.example.com:465          SMTP over TLS
    smtp://user:password@smtp.example.com:587           SMTP upgraded with STARTTLS
    smtp+plain://127.0.0.1:2525                         no TLS

User names and passwords are percent-encoded (`cs%40toko.id`). `?ca=/path/ca.pem` trusts
that certificate authority too (a private server's self-signed certificate).
"""

import ssl
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import parse_qs, unquote, urlsplit


class Security(StrEnum):
    TLS = "tls"  # implicit TLS from the first byte
    STARTTLS = "starttls"
    NONE = "none"


_SCHEMES: dict[str, tuple[str, Security, int]] = {
    "imaps": ("imap", Security.TLS, 993),
    "imap": ("imap", Security.STARTTLS, 143),
    "imap+plain": ("imap", Security.NONE, 143),
    "smtps": ("smtp", Security.TLS, 465),
    "smtp": ("smtp", Security.STARTTLS, 587),
    "smtp+plain": ("smtp", Security.NONE, 25),
}


class BadServerURL(ValueError):
    pass


@dataclass(frozen=True)
class ServerURL:
    protocol: str  # "imap" or "smtp"
    security: Security
    host: str
    port: int
    username: str = ""
    password: str = ""
    # IMAP: the folder to read (INBOX).
    folder: str = "INBOX"
    ca_file: str = ""

    def ssl_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if self.ca_file:
            context.load_verify_locations(cafile=self.ca_file)
        return context

    def redacted(self) -> str:
        """The URL without its password, for display and logs."""
        scheme = next(s for s, v in _SCHEMES.items() if v[:2] == (self.protocol, self.security))
        user = f"{self.username}@" if self.username else ""
        folder = f"/{self.folder}" if self.protocol == "imap" else ""
        return f"{scheme}://{user}{self.host}:{self.port}{folder}"


def parse_server_url(url: str, protocol: str) -> ServerURL:
    """Parse an imap(s)/smtp(s) URL; raises BadServerURL with a reason a person can act on."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise BadServerURL(f"not a valid URL: {error}") from None
    known = _SCHEMES.get(parts.scheme.lower())
    if known is None or known[0] != protocol:
        schemes = ", ".join(s for s, v in _SCHEMES.items() if v[0] == protocol)
        raise BadServerURL(f"the scheme must be one of {schemes}")
    if not parts.hostname:
        raise BadServerURL("the URL names no host")
    query = parse_qs(parts.query)
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    return ServerURL(
        protocol=protocol,
        security=known[1],
        host=parts.hostname,
        port=port or known[2],
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        folder=folder,
        ca_file=query.get("ca", [""])[0],
    )
