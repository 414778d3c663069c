"""Mail servers for the email-channel tests: one Dovecot per session with a fresh mailbox
per test, and an SMTP capture server per test. See servers.py for how they run."""

import itertools
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pytest

from tests.channels.email.servers import (
    DOVECOT_BINARY,
    DovecotServer,
    SmtpCapture,
    StoredMessage,
)

SUPPORT_ADDRESS = "cs@tokobuku.test"
SUPPORT_PASSWORD = "rahasia"


@pytest.fixture(scope="session")
def dovecot() -> Iterator[DovecotServer]:
    """A private Dovecot on free loopback ports, with the account cs@tokobuku.test /
    rahasia. Tests that need an empty mailbox use `imap_mailbox` instead."""
    if not os.access(DOVECOT_BINARY, os.X_OK):
        pytest.fail(
            f"{DOVECOT_BINARY} is missing: the email tests need a real IMAP server "
            "(apt-get install dovecot-imapd)"
        )
    server = DovecotServer()
    server.add_user(SUPPORT_ADDRESS, SUPPORT_PASSWORD)
    with server:
        yield server


@dataclass(frozen=True)
class ImapMailbox:
    """One test's own IMAP account on the session's Dovecot."""

    address: str
    password: str
    server: DovecotServer

    @property
    def host(self) -> str:
        return self.server.host

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def tls_port(self) -> int:
        return self.server.tls_port

    def append(self, raw: bytes, folder: str = "INBOX", flags: Iterable[str] = ()) -> int:
        return self.server.append(self.address, raw, folder=folder, flags=flags)

    def messages(self, folder: str = "INBOX") -> list[StoredMessage]:
        return self.server.messages(self.address, folder=folder)

    def create_folder(self, name: str) -> None:
        self.server.create_folder(self.address, name)


_mailbox_numbers = itertools.count(1)


@pytest.fixture
def imap_mailbox(dovecot: DovecotServer) -> ImapMailbox:
    """A new, empty account (box-<n>@tokobuku.test), so tests never see each other's mail."""
    address = f"box-{next(_mailbox_numbers)}@tokobuku.test"
    password = f"sandi-{address}"
    dovecot.add_user(address, password)
    return ImapMailbox(address=address, password=password, server=dovecot)


@pytest.fixture
def smtp_server() -> Iterator[SmtpCapture]:
    """An SMTP server on a free loopback port that keeps what it accepts; no AUTH, no TLS.

    Other shapes: `smtp_submission`, or `with SmtpCapture(credentials=..., starttls=True)`.
    """
    with SmtpCapture() as server:
        yield server


@pytest.fixture
def smtp_submission() -> Iterator[SmtpCapture]:
    """A submission-style SMTP server: STARTTLS (trust `cert_path`), then AUTH as
    cs@tokobuku.test / rahasia before MAIL FROM; AUTH is not offered before STARTTLS."""
    with SmtpCapture(
        credentials={SUPPORT_ADDRESS: SUPPORT_PASSWORD}, starttls=True, auth_require_tls=True
    ) as server:
        yield server
