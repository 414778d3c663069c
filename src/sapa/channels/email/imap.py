"""Reading mailboxes over IMAP: a poll, and a watcher that waits with IDLE in between.

Nothing is lost and nothing is doubled: a message is fetched with BODY.PEEK (it stays
unseen), taken in (committed), and only then marked seen or moved. A crash in between
leaves it unseen, so the next poll fetches it again, and the Message-ID dedupe in
`ingest_email` makes the second take a no-op that still marks it done.
"""

import logging
import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections
from django.db.models import Q
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from sapa.channels.email.actions import ingest_email
from sapa.channels.email.models import InboundSource, Mailbox
from sapa.channels.email.servers import Security, ServerURL, parse_server_url
from sapa.core import clock

logger = logging.getLogger(__name__)

FETCH_BATCH = 20
IMAP_TIMEOUT_SECONDS = 60
# Called with (mailbox, uid) after a message is fetched and before it is taken in, and
# after it is taken in (committed) and before it is marked done on the server: the fault
# tests kill the process at these two points.
after_fetch_hooks: list[Callable[[Mailbox, int], None]] = []
before_done_hooks: list[Callable[[Mailbox, int], None]] = []


@dataclass
class PollResult:
    fetched: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    # Who holds the mailbox when this poll stood aside.
    held_by: str = ""


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def acquire_lease(mailbox: Mailbox, owner: str, seconds: int) -> bool:
    """Hold the mailbox for `seconds` (renewing our own hold); False when another has it.
    A hold left by a dead process on this machine is taken over at once."""
    now = clock.now()
    until = now + timedelta(seconds=seconds)
    free = Q(poll_lease_until__isnull=True) | Q(poll_lease_until__lt=now) | Q(poll_owner=owner)
    if Mailbox.objects.filter(free, pk=mailbox.pk).update(poll_owner=owner, poll_lease_until=until):
        return True
    holder = Mailbox.objects.filter(pk=mailbox.pk).values_list("poll_owner", flat=True).first()
    if holder and _is_dead_local_process(holder):
        taken = Mailbox.objects.filter(pk=mailbox.pk, poll_owner=holder).update(
            poll_owner=owner, poll_lease_until=until
        )
        return bool(taken)
    return False


def _is_dead_local_process(owner: str) -> bool:
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def release_lease(mailbox: Mailbox, owner: str) -> None:
    Mailbox.objects.filter(pk=mailbox.pk, poll_owner=owner).update(
        poll_owner="", poll_lease_until=None
    )


@contextmanager
def connect(server: ServerURL) -> Iterator[IMAPClient]:
    context = server.ssl_context()
    client = IMAPClient(
        server.host,
        port=server.port,
        ssl=server.security == Security.TLS,
        ssl_context=context,
        timeout=IMAP_TIMEOUT_SECONDS,
    )
    try:
        if server.security == Security.STARTTLS:
            client.starttls(context)
        client.login(server.username, server.password)
        yield client
    finally:
        # A failed STARTTLS or login leaves a broken socket: closing must not hide why.
        try:
            client.logout()
        except (IMAPClientError, OSError):
            with suppress(IMAPClientError, OSError):
                client.shutdown()


def poll_mailbox(mailbox: Mailbox) -> PollResult:
    """Take in every unseen message of the mailbox's folder, once; records the outcome (or
    the error) on the mailbox. Skips quietly when another worker holds the mailbox."""
    owner = worker_name()
    if not acquire_lease(mailbox, owner, seconds=settings.SAPA_IMAP_POLL_SECONDS * 3):
        mailbox.refresh_from_db(fields=["poll_owner"])
        return PollResult(held_by=mailbox.poll_owner)
    try:
        server = parse_server_url(mailbox.imap_url, "imap")
        with connect(server) as client:
            result = drain(client, mailbox, server.folder)
    except Exception as error:
        _record_poll(mailbox, error=f"{type(error).__name__}: {error}")
        raise
    finally:
        release_lease(mailbox, owner)
    _record_poll(mailbox, error="")
    return result


def drain(client: IMAPClient, mailbox: Mailbox, folder: str) -> PollResult:
    """On a logged-in connection: take in the folder's unseen messages."""
    client.select_folder(folder)
    if mailbox.imap_move_to and not client.folder_exists(mailbox.imap_move_to):
        client.create_folder(mailbox.imap_move_to)
    result = PollResult()
    uids = sorted(client.search(["UNSEEN", "NOT", "DELETED"]))
    for start in range(0, len(uids), FETCH_BATCH):
        batch = uids[start : start + FETCH_BATCH]
        fetched = client.fetch(batch, ["BODY.PEEK[]"])
        for uid in batch:
            raw = fetched.get(uid, {}).get(b"BODY[]")
            if raw is None:
                continue  # expunged meanwhile
            result.fetched += 1
            for hook in after_fetch_hooks:
                hook(mailbox, uid)
            outcome = ingest_email(bytes(raw), mailbox=mailbox, source=InboundSource.IMAP)
            result.outcomes[outcome.status] = result.outcomes.get(outcome.status, 0) + 1
            for hook in before_done_hooks:
                hook(mailbox, uid)
            _mark_done(client, mailbox, uid)
    return result


def _mark_done(client: IMAPClient, mailbox: Mailbox, uid: int) -> None:
    if not mailbox.imap_move_to:
        client.add_flags([uid], [b"\\Seen"])
        return
    client.add_flags([uid], [b"\\Seen"])
    if client.has_capability("MOVE"):
        client.move([uid], mailbox.imap_move_to)
    else:
        client.copy([uid], mailbox.imap_move_to)
        client.delete_messages([uid])
        client.expunge()


def _record_poll(mailbox: Mailbox, *, error: str) -> None:
    Mailbox.objects.filter(pk=mailbox.pk).update(
        last_polled_at=clock.now(), last_poll_error=error[:2000]
    )


def due_mailboxes() -> list[Mailbox]:
    """Active IMAP mailboxes no watcher holds."""
    now = clock.now()
    return list(
        Mailbox.objects.filter(is_active=True)
        .exclude(imap_url="")
        .filter(Q(poll_lease_until__isnull=True) | Q(poll_lease_until__lt=now))
    )


class MailboxWatcher(threading.Thread):
    """Keeps one mailbox's connection open and waits with IDLE, taking in new mail within
    seconds; without IDLE it polls every SAPA_IMAP_POLL_SECONDS. Reconnects after errors."""

    def __init__(self, mailbox_id: int, stop: threading.Event) -> None:
        super().__init__(name=f"imap-{mailbox_id}", daemon=True)
        self.mailbox_id = mailbox_id
        self.stop = stop

    def run(self) -> None:
        owner = worker_name()
        failures = 0
        while not self.stop.is_set():
            close_old_connections()
            mailbox = Mailbox.objects.filter(pk=self.mailbox_id, is_active=True).first()
            if mailbox is None or not mailbox.imap_url:
                return
            interval = settings.SAPA_IMAP_POLL_SECONDS
            if not acquire_lease(mailbox, owner, seconds=interval * 3):
                self.stop.wait(interval)
                continue
            try:
                self._session(mailbox, owner)
                failures = 0
            except Exception as error:
                failures += 1
                logger.warning("mailbox %s: %s", mailbox, error)
                _record_poll(mailbox, error=f"{type(error).__name__}: {error}")
                self.stop.wait(min(interval * failures, 600))
        Mailbox.objects.filter(pk=self.mailbox_id, poll_owner=owner).update(
            poll_owner="", poll_lease_until=None
        )
        close_old_connections()

    def _session(self, mailbox: Mailbox, owner: str) -> None:
        server = parse_server_url(mailbox.imap_url, "imap")
        interval = settings.SAPA_IMAP_POLL_SECONDS
        with connect(server) as client:
            idle = settings.SAPA_IMAP_IDLE and client.has_capability("IDLE")
            while not self.stop.is_set():
                drain(client, mailbox, server.folder)
                _record_poll(mailbox, error="")
                if not acquire_lease(mailbox, owner, seconds=interval * 3):
                    return
                close_old_connections()
                if idle:
                    client.idle()
                    try:
                        # Wake on news, or after a while to renew the lease and re-check.
                        client.idle_check(timeout=min(interval, 30))
                    finally:
                        client.idle_done()
                else:
                    self.stop.wait(interval)
                mailbox.refresh_from_db()
                if not mailbox.is_active:
                    return
