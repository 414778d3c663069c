"""Reading a real IMAP server (Dovecot): polls, TLS, moving, IDLE, and crashes that lose
nothing and double nothing."""

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from imapclient.exceptions import LoginError

from sapa.channels.email.imap import MailboxWatcher, poll_mailbox
from sapa.channels.email.models import InboundStatus, Mailbox
from sapa.conversations.models import Message, Ticket
from tests.channels.email.conftest import ImapMailbox
from tests.channels.email.mail import customer_email

SAPA = [sys.executable, "-m", "sapa"]


def _url(
    box: ImapMailbox, scheme: str = "imap+plain", port: int | None = None, query: str = ""
) -> str:
    user, password = quote(box.address), quote(box.password)
    return f"{scheme}://{user}:{password}@{box.host}:{port or box.port}/INBOX{query}"


@pytest.mark.django_db
def test_poll_takes_in_unseen_mail_once_and_marks_it_seen(imap_mailbox):
    # given: two customer mails and one that is not an email at all
    imap_mailbox.append(customer_email(sender="budi@gmail.test", subject="Satu"))
    imap_mailbox.append(customer_email(sender="siti@gmail.test", subject="Dua"))
    imap_mailbox.append(b"\x00\x01\x02 not an email \xff")
    # and: one the team already read in a mail client, which stays theirs
    imap_mailbox.append(customer_email(subject="Sudah dibaca"), flags=[r"\Seen"])
    mailbox = Mailbox.objects.create(
        address="cs@tokobuku.test", name="CS", imap_url=_url(imap_mailbox)
    )

    # when
    result = poll_mailbox(mailbox)

    # then: two tickets, one quarantined, all three marked seen on the server
    assert result.fetched == 3
    assert result.outcomes == {InboundStatus.PROCESSED: 2, InboundStatus.QUARANTINED: 1}
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["Dua", "Satu"]
    assert all(r"\Seen" in m.flags for m in imap_mailbox.messages())
    mailbox.refresh_from_db()
    assert (mailbox.last_poll_error, mailbox.last_polled_at is not None) == ("", True)
    # and: a second poll finds nothing new
    assert poll_mailbox(mailbox).fetched == 0
    assert Message.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("scheme", ["imap", "imaps"])
def test_poll_over_tls_verifies_the_server(imap_mailbox, scheme):
    imap_mailbox.append(customer_email(subject="Lewat TLS"))
    port = imap_mailbox.tls_port if scheme == "imaps" else imap_mailbox.port
    ca = f"?ca={imap_mailbox.server.cert_path}"
    mailbox = Mailbox.objects.create(
        address="cs@tokobuku.test", name="CS", imap_url=_url(imap_mailbox, scheme, port, ca)
    )
    assert poll_mailbox(mailbox).fetched == 1
    # and: without trusting its certificate, the connection is refused, and the error shown
    Mailbox.objects.filter(pk=mailbox.pk).update(imap_url=_url(imap_mailbox, scheme, port))
    mailbox.refresh_from_db()
    with pytest.raises(Exception, match="CERTIFICATE_VERIFY_FAILED"):
        poll_mailbox(mailbox)
    mailbox.refresh_from_db()
    assert "CERTIFICATE_VERIFY_FAILED" in mailbox.last_poll_error


@pytest.mark.django_db
def test_wrong_password_is_recorded_on_the_mailbox(imap_mailbox):
    url = _url(imap_mailbox).replace(quote(imap_mailbox.password), "salah")
    mailbox = Mailbox.objects.create(address="cs@tokobuku.test", name="CS", imap_url=url)
    with pytest.raises(LoginError):
        poll_mailbox(mailbox)
    mailbox.refresh_from_db()
    assert "LoginError" in mailbox.last_poll_error


@pytest.mark.django_db
def test_taken_in_mail_is_moved_when_the_mailbox_says_so(imap_mailbox):
    imap_mailbox.append(customer_email(subject="Pindahkan"))
    mailbox = Mailbox.objects.create(
        address="cs@tokobuku.test", name="CS", imap_url=_url(imap_mailbox), imap_move_to="Sapa"
    )
    assert poll_mailbox(mailbox).fetched == 1
    assert imap_mailbox.messages() == []
    [moved] = imap_mailbox.messages("Sapa")
    assert r"\Seen" in moved.flags


@pytest.mark.django_db(transaction=True)
def test_watcher_takes_in_new_mail_within_seconds_with_idle(imap_mailbox, settings):
    settings.SAPA_IMAP_POLL_SECONDS = 5
    mailbox = Mailbox.objects.create(
        address="cs@tokobuku.test", name="CS", imap_url=_url(imap_mailbox)
    )
    stop = threading.Event()
    watcher = MailboxWatcher(mailbox.pk, stop)
    watcher.start()
    try:
        _wait(lambda: Mailbox.objects.get(pk=mailbox.pk).last_polled_at is not None)
        # when: a mail arrives while the watcher idles
        imap_mailbox.append(customer_email(subject="Lewat IDLE"))
        # then: it is a ticket well before the polling interval would have passed
        started = time.monotonic()
        _wait(lambda: Ticket.objects.filter(subject="Lewat IDLE").exists(), seconds=10)
        assert time.monotonic() - started < settings.SAPA_IMAP_POLL_SECONDS
    finally:
        stop.set()
        watcher.join(40)
    assert not watcher.is_alive()


def _wait(condition, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


# --- crashes: a real worker process killed mid-poll --------------------------------------

_CRASHING_POLL = """
import os, signal, sys
import django
django.setup()
from sapa.channels.email import imap
def die(mailbox, uid):
    os.kill(os.getpid(), signal.SIGKILL)
getattr(imap, sys.argv[1]).append(die)
from django.core.management import call_command
call_command("email", "poll")
"""


@pytest.mark.parametrize(
    "crash_point",
    [
        pytest.param("after_fetch_hooks", id="between-fetch-and-commit"),
        pytest.param("before_done_hooks", id="between-commit-and-marking-seen"),
    ],
)
def test_a_worker_killed_mid_poll_loses_nothing_and_doubles_nothing(
    imap_mailbox, tmp_path, crash_point
):
    # given: a Sapa instance of its own (SQLite in tmp_path) reading the mailbox
    env = _instance_env(tmp_path)
    subprocess.run([*SAPA, "migrate", "--no-input", "-v", "0"], env=env, check=True)
    subprocess.run(
        [*SAPA, "email", "mailbox", "add", "cs@tokobuku.test", "--imap", _url(imap_mailbox)],
        env=env,
        check=True,
    )
    imap_mailbox.append(customer_email(subject="Jangan hilang"))

    # when: the worker is killed (SIGKILL) at the crash point
    crashed = subprocess.run([sys.executable, "-c", _CRASHING_POLL, crash_point], env=env)
    assert crashed.returncode == -signal.SIGKILL
    # then: the message is still unseen on the server
    assert all(r"\Seen" not in m.flags for m in imap_mailbox.messages())

    # when: the worker starts again and polls
    subprocess.run([*SAPA, "email", "poll"], env=env, check=True, capture_output=True)

    # then: exactly one ticket message, one kept original, and the mail is done on the server
    with sqlite3.connect(tmp_path / "sapa.sqlite3") as db:
        (messages,) = db.execute(
            "SELECT count(*) FROM conversations_message WHERE direction = 'inbound'"
        ).fetchone()
        (originals,) = db.execute("SELECT count(*) FROM sapa_email_inboundemail").fetchone()
    assert (messages, originals) == (1, 1)
    assert all(r"\Seen" in m.flags for m in imap_mailbox.messages())


def _instance_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        SAPA_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="sapa.settings", SAPA_LOG_LEVEL="WARNING"
    )
    return env
