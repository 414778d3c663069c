"""The two other roads in: raw MIME over HTTP (an MTA pipe or webhook) and `sapa email`."""

import io
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sapa.channels.email.models import InboundEmail, InboundSource, InboundStatus, Mailbox
from sapa.conversations.models import Message, Ticket
from sapa.core.actors import Actor
from sapa.core.models import Event
from tests.channels.email.mail import SUPPORT, customer_email

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox() -> Mailbox:
    return Mailbox.objects.create(address=SUPPORT, name="Toko Buku Sapa")


def _post(client, mailbox_key: str, body: bytes, content_type: str = "message/rfc822"):
    return client.post(
        f"/api/v1/channels/email/{mailbox_key}/raw", data=body, content_type=content_type
    )


def test_raw_email_over_http_opens_a_ticket_and_again_is_a_duplicate(admin_api, mailbox):
    raw = customer_email(subject="Lewat webhook", message_id="<hook-1@gmail.test>")
    first = _post(admin_api, SUPPORT, raw)
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["status"] == "processed"
    ticket = Ticket.objects.get(pk=body["ticket_id"])
    assert (ticket.subject, ticket.number) == ("Lewat webhook", body["ticket_number"])
    # the original is kept, compressed
    kept = InboundEmail.objects.get(pk=body["inbound_email_id"])
    assert kept.raw == raw
    assert len(bytes(kept.raw_compressed)) < len(raw)

    again = _post(admin_api, str(mailbox.pk), raw)
    assert again.status_code == 200
    assert (again.json()["status"], again.json()["ticket_id"]) == ("duplicate", ticket.pk)
    assert Message.objects.count() == 1


def test_unparseable_raw_is_accepted_into_quarantine(admin_api, mailbox):
    response = _post(admin_api, SUPPORT, b"<html><body>bukan email</body></html>")
    assert response.status_code == 202
    assert response.json()["status"] == "quarantined"
    assert response.json()["reason"]
    assert InboundEmail.objects.get().status == InboundStatus.QUARANTINED


def test_raw_endpoint_refuses_what_it_should(admin_api, agent_api, mailbox, settings, client):
    raw = customer_email()
    assert _post(client, SUPPORT, raw).status_code == 401
    assert _post(agent_api, SUPPORT, raw).status_code == 403
    assert _post(admin_api, "nobody@tokobuku.test", raw).status_code == 404
    wrong_type = _post(admin_api, SUPPORT, b'{"a": 1}', content_type="application/json")
    assert wrong_type.status_code == 415
    assert "message/rfc822" in wrong_type.json()["detail"]
    settings.SAPA_EMAIL_MAX_RAW_BYTES = 2048
    too_big = _post(admin_api, SUPPORT, raw + b"x" * 4096)
    assert too_big.status_code == 413
    assert too_big.json()["code"] == "too_large"
    assert not Message.objects.exists()


def test_cli_ingests_files_and_stdin(mailbox, tmp_path, monkeypatch):
    one = tmp_path / "one.eml"
    one.write_bytes(customer_email(subject="Dari berkas"))
    stdin = io.TextIOWrapper(io.BytesIO(customer_email(subject="Dari stdin")))
    monkeypatch.setattr(sys, "stdin", stdin)
    out = io.StringIO()

    call_command("email", "ingest", str(one), "-", "--mailbox", SUPPORT, stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"{one}: processed ticket #")
    assert lines[1].startswith("-: processed ticket #")
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["Dari berkas", "Dari stdin"]
    with pytest.raises(CommandError, match="No such file"):
        call_command("email", "ingest", str(tmp_path / "missing.eml"))


def test_cli_quarantine_and_reprocess(mailbox, tmp_path):
    garbage = tmp_path / "bad.eml"
    garbage.write_bytes(b"\x00\x00 bukan email")
    call_command("email", "ingest", str(garbage), stdout=io.StringIO())
    row = InboundEmail.objects.get()
    listing = io.StringIO()
    call_command("email", "quarantine", stdout=listing)
    assert str(row.pk) in listing.getvalue()

    out = io.StringIO()
    call_command("email", "reprocess", str(row.pk), stdout=out)
    # still not an email: it is back in quarantine, once, and the re-run is on record
    assert "quarantined" in out.getvalue()
    assert InboundEmail.objects.filter(status=InboundStatus.QUARANTINED).count() == 1
    assert Event.objects.filter(verb="email.reprocessed").exists()


def test_cli_mailbox_add_validates_and_lists_without_passwords(tmp_path: Path):
    out = io.StringIO()
    call_command(
        "email",
        "mailbox",
        "add",
        "Sales@TokoBuku.test",
        "--name",
        "Penjualan",
        "--imap",
        "imaps://sales%40tokobuku.test:rahasia@imap.tokobuku.test/INBOX",
        "--smtp",
        "smtp://sales%40tokobuku.test:rahasia@smtp.tokobuku.test:587",
        stdout=out,
    )
    assert "sales@tokobuku.test: added" in out.getvalue()
    listing = io.StringIO()
    call_command("email", "mailbox", "list", stdout=listing)
    assert "imaps://sales@tokobuku.test@imap.tokobuku.test:993/INBOX" in listing.getvalue()
    assert "rahasia" not in listing.getvalue()
    assert "rahasia" not in str(list(Event.objects.values_list("after", flat=True)))
    with pytest.raises(CommandError, match="imap_url"):
        call_command("email", "mailbox", "add", "x@tokobuku.test", "--imap", "http://nope")


def test_environment_mailboxes_are_applied(settings):
    from sapa.channels.email.config import apply_environment_mailboxes
    from sapa.core.environment import ConfigurationError

    settings.SAPA_EMAIL_MAILBOXES = (
        '[{"address": "cs@tokobuku.test", "name": "CS", "smtp": "smtp+plain://127.0.0.1:2525",'
        ' "aliases": ["halo@tokobuku.test"], "auto_acknowledge": true}]'
    )
    [box] = apply_environment_mailboxes()
    assert (box.from_environment, box.auto_acknowledge) == (True, True)
    assert box.own_addresses == {"cs@tokobuku.test", "halo@tokobuku.test"}
    settings.SAPA_EMAIL_MAILBOXES = '[{"address": "not-an-address"}]'
    with pytest.raises(ConfigurationError, match=r"SAPA_EMAIL_MAILBOXES\[0\]"):
        apply_environment_mailboxes()


def test_a_reprocess_that_fails_keeps_the_quarantined_original(mailbox, monkeypatch):
    from sapa.channels.email import actions

    outcome = actions.ingest_email(b"\x00 bukan email", mailbox=mailbox, source=InboundSource.CLI)
    row = InboundEmail.objects.get(pk=outcome.inbound_email_id)
    kept_id = row.pk

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(actions, "parse_email", broken)
    with pytest.raises(RuntimeError):
        actions.reprocess(row, actor=Actor.system("test"))
    kept = InboundEmail.objects.get(pk=kept_id)
    assert (kept.status, kept.raw) == (InboundStatus.QUARANTINED, b"\x00 bukan email")
    assert not Event.objects.filter(verb="email.reprocessed").exists()
