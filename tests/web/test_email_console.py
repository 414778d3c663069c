"""The email channel in the console: mailboxes and the quarantine for admins, the original
of an email behind its ticket's visibility, and what an email message shows in the
timeline. Through the test client with real models; every change through an action."""

import re
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.template.defaultfilters import filesizeformat
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from sapa.accounts.models import Role
from sapa.channels.email.actions import ingest_email
from sapa.channels.email.config import MailboxSettings, save_mailbox
from sapa.channels.email.models import InboundEmail, InboundSource, InboundStatus, Mailbox
from sapa.channels.kinds import IdentityKind
from sapa.channels.messages import Address, Participant
from sapa.conversations.actions import Change, TicketChanges, change_ticket
from sapa.conversations.actions.delivery import record_bounce
from sapa.conversations.actions.replies import reply
from sapa.conversations.models import Ticket
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.core.models import Event
from sapa.customers.models import Identity
from tests.builders import inbound
from tests.factories import AgentFactory, TeamFactory

pytestmark = pytest.mark.django_db

SUPPORT = "cs@tokobuku.test"
IMAP = "imaps://cs%40tokobuku.test:rahasia%2Fimap@imap.tokobuku.test:993/INBOX"
SMTP = "smtps://cs%40tokobuku.test:rahasia-smtp@smtp.tokobuku.test:465"
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def team():
    return TeamFactory(name="Pesanan", slug="pesanan")


# The agents here work in English (their choice), so the assertions read the English UI;
# tests/web/test_translations.py holds the Indonesian catalogue to account.
@pytest.fixture
def admin():
    return AgentFactory(username="ayu", first_name="Ayu", role=Role.ADMIN, language="en")


@pytest.fixture
def supervisor(team):
    agent = AgentFactory(username="sari", first_name="Sari", role=Role.SUPERVISOR, language="en")
    agent.teams.add(team)
    return agent


@pytest.fixture
def agent(team):
    member = AgentFactory(username="dewi", first_name="Dewi", role=Role.AGENT, language="en")
    member.teams.add(team)
    return member


@pytest.fixture
def outsider():
    other = AgentFactory(username="budi", first_name="Budi", role=Role.AGENT, language="en")
    other.teams.add(TeamFactory(name="Pembayaran", slug="pembayaran"))
    return other


@pytest.fixture
def mailbox(team):
    wanted = MailboxSettings(
        address=SUPPORT, name="Toko Buku Sapa", team_id=team.pk, imap_url=IMAP, smtp_url=SMTP
    )
    return save_mailbox(wanted, actor=Actor.system("test"))


def _email(
    text="Halo min, pesanan INV-7 belum sampai.",
    *,
    sender="Rina <rina@example.com>",
    subject="Pesanan belum sampai",
    message_id="<satu@example.com>",
    cc="",
):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = f"Toko Buku Sapa <{SUPPORT}>"
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = message_id
    message.set_content(text)
    return bytes(message)


def _kept(raw, *, mailbox=None, status=InboundStatus.QUARANTINED, reason="", message=None):
    """An InboundEmail row as the ingest road leaves it (stored directly: the quarantine
    shows rows whatever put them there)."""
    return InboundEmail.objects.create(
        mailbox=mailbox,
        source=InboundSource.IMAP,
        status=status,
        reason=reason,
        message_id=f"<kept-{InboundEmail.objects.count()}@example.com>",
        size_bytes=len(raw),
        raw_compressed=InboundEmail.compress(raw),
        ticket_message_id=message,
    )


def _in_team(ticket_id, team):
    ticket = Ticket.objects.get(pk=ticket_id)
    change_ticket(ticket, TicketChanges(team=Change(team)), actor=Actor.system("test"))


def _form_values(response):
    """What the browser would send back: the form's fields as rendered (no passwords)."""
    form = response.context["form"]
    values = {}
    for field in form:
        value = field.value()
        if field.name in ("auto_acknowledge", "is_active"):
            if value:
                values[field.name] = "on"
        elif value is not None:
            values[field.name] = value
    return values


def _assert_safe_page(response):
    """The console's strict CSP, and nothing in the page that it would have to block."""
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert re.search(r"<script(?![^>]*\bsrc=)", response.text) is None
    assert " style=" not in response.text
    assert re.search(r"<[^>]*\son[a-z]+=", response.text) is None


# --- access ---------------------------------------------------------------------------


def test_agents_and_supervisors_get_403_on_every_email_page_and_change_nothing(
    client, agent, supervisor, mailbox
):
    """Only MANAGE_CHANNELS (admins) reach mailboxes and the quarantine."""
    # given a quarantined email and the state before
    row = _kept(b"rusak", mailbox=mailbox, reason="no headers")
    events_before = Event.objects.count()
    for member in (agent, supervisor):
        client.force_login(member)
        # when they open or post to any email page
        for url in ("/manage/mailboxes/", "/manage/mailboxes/new/",
                    f"/manage/mailboxes/{mailbox.pk}/", "/manage/email/quarantine/"):  # fmt: skip
            assert client.get(url).status_code == 403, url
        posts = {
            "/manage/mailboxes/new/": {"address": "baru@tokobuku.test", "is_active": "on"},
            f"/manage/mailboxes/{mailbox.pk}/": {"address": SUPPORT, "name": "Diubah"},
            f"/manage/email/quarantine/{row.pk}/reprocess/": {},
            f"/manage/email/quarantine/{row.pk}/discard/": {},
        }
        for url, data in posts.items():
            assert client.post(url, data).status_code == 403, url
    # then nothing changed, and the nav does not offer the pages to a supervisor
    assert Event.objects.count() == events_before
    assert list(Mailbox.objects.values_list("address", "name")) == [(SUPPORT, "Toko Buku Sapa")]
    assert InboundEmail.objects.get().status == InboundStatus.QUARANTINED
    assert "/manage/mailboxes/" not in client.get("/manage/agents/").text


def test_signed_out_visitors_are_sent_to_sign_in(client, mailbox):
    row = _kept(b"rusak")
    for url in ("/manage/mailboxes/", "/manage/email/quarantine/", f"/emails/{row.pk}/original/"):
        assert client.get(url).url.startswith("/login/"), url


def test_admin_sees_the_email_pages_in_the_nav_and_they_keep_the_policy(client, admin, mailbox):
    # given a quarantined email with a hostile subject
    row = _kept(b"rusak", mailbox=mailbox, reason=SCRIPT)
    InboundEmail.objects.filter(pk=row.pk).update(subject=SCRIPT, sender=f"{SCRIPT}@x.test")
    client.force_login(admin)
    nav = client.get("/manage/agents/").text
    assert 'href="/manage/mailboxes/"' in nav
    assert 'href="/manage/email/quarantine/"' in nav
    # when / then every page renders under the CSP with the values escaped
    for url in ("/manage/mailboxes/", "/manage/mailboxes/new/",
                f"/manage/mailboxes/{mailbox.pk}/", "/manage/email/quarantine/",
                "/manage/email/quarantine/?show=all"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'aria-current="page"' in response.text
        _assert_safe_page(response)
        assert SCRIPT not in response.text


# --- mailboxes --------------------------------------------------------------------------


def test_admin_adds_a_mailbox_and_the_password_is_stored_but_never_shown(client, admin, team):
    client.force_login(admin)
    # when the admin adds a mailbox with the password in its own field
    response = client.post(
        "/manage/mailboxes/new/",
        {
            "address": "Bantuan@TokoBuku.test",
            "name": "Bantuan",
            "team": team.pk,
            "aliases": "halo@tokobuku.test\ninfo@tokobuku.test",
            "imap_url": "imaps://bantuan%40tokobuku.test@imap.tokobuku.test/INBOX",
            "imap_password": "p@ss:wörd",
            "imap_move_to": "Sapa",
            "smtp_url": "",
            "auto_acknowledge": "on",
            "is_active": "on",
        },
    )
    # then it is saved through the action, with the password inside the URL
    assert response.status_code == 302
    assert response.url == "/manage/mailboxes/"
    saved = Mailbox.objects.get()
    assert saved.address == "bantuan@tokobuku.test"
    assert saved.team == team
    assert saved.own_addresses == {
        "bantuan@tokobuku.test",
        "halo@tokobuku.test",
        "info@tokobuku.test",
    }
    assert saved.imap_url == (
        "imaps://bantuan%40tokobuku.test:p%40ss%3Aw%C3%B6rd@imap.tokobuku.test/INBOX"
    )
    assert urlsplit(saved.imap_url).password == "p%40ss%3Aw%C3%B6rd"
    assert (saved.imap_move_to, saved.smtp_url, saved.auto_acknowledge) == ("Sapa", "", True)
    event = Event.objects.get(verb="mailbox.created")
    assert event.actor_agent == admin
    assert "p%40ss" not in str(event.after)
    # and the list shows the server without the password
    page = client.get("/manage/mailboxes/")
    assert "imaps://bantuan@tokobuku.test@imap.tokobuku.test:993/INBOX" in page.text
    assert "p%40ss" not in page.text
    assert [str(m) for m in page.context["messages"]] == [
        "Mailbox bantuan@tokobuku.test was saved."
    ]


def test_editing_with_the_shown_urls_keeps_the_stored_passwords(client, admin, mailbox):
    client.force_login(admin)
    # given the edit page, which shows the URLs without their passwords
    page = client.get(f"/manage/mailboxes/{mailbox.pk}/")
    assert "rahasia" not in page.text
    assert 'value="imaps://cs%40tokobuku.test@imap.tokobuku.test:993/INBOX"' in page.text
    assert 'value="smtps://cs%40tokobuku.test@smtp.tokobuku.test:465"' in page.text
    # when the admin changes the name and sends the rest back as shown
    values = {**_form_values(page), "name": "Toko Buku Sapa Jakarta"}
    response = client.post(f"/manage/mailboxes/{mailbox.pk}/", values)
    # then the stored URLs, passwords included, are unchanged
    assert response.status_code == 302
    mailbox.refresh_from_db()
    assert mailbox.name == "Toko Buku Sapa Jakarta"
    assert (mailbox.imap_url, mailbox.smtp_url) == (IMAP, SMTP)
    assert Event.objects.get(verb="mailbox.updated").after["name"] == "Toko Buku Sapa Jakarta"


def test_a_changed_url_keeps_the_password_for_the_same_user_and_a_typed_one_replaces_it(
    client, admin, mailbox
):
    client.force_login(admin)
    values = _form_values(client.get(f"/manage/mailboxes/{mailbox.pk}/"))
    # when the port changes (same user), the password is carried over
    client.post(
        f"/manage/mailboxes/{mailbox.pk}/",
        {**values, "imap_url": "imaps://cs%40tokobuku.test@imap.tokobuku.test:1993/INBOX"},
    )
    mailbox.refresh_from_db()
    assert (
        mailbox.imap_url
        == "imaps://cs%40tokobuku.test:rahasia%2Fimap@imap.tokobuku.test:1993/INBOX"
    )
    # when a new password is typed, it replaces the stored one
    client.post(f"/manage/mailboxes/{mailbox.pk}/", {**values, "smtp_password": "baru"})
    mailbox.refresh_from_db()
    assert mailbox.smtp_url == "smtps://cs%40tokobuku.test:baru@smtp.tokobuku.test:465"
    # when the user name changes and no password is typed, none is carried to the new user
    client.post(
        f"/manage/mailboxes/{mailbox.pk}/",
        {**values, "smtp_url": "smtps://lain%40tokobuku.test@smtp.tokobuku.test:465"},
    )
    mailbox.refresh_from_db()
    assert mailbox.smtp_url == "smtps://lain%40tokobuku.test@smtp.tokobuku.test:465"
    # and an emptied URL means no server
    client.post(f"/manage/mailboxes/{mailbox.pk}/", {**values, "imap_url": ""})
    mailbox.refresh_from_db()
    assert mailbox.imap_url == ""


def test_an_invalid_url_shows_the_field_error_changes_nothing_and_echoes_no_password(
    client, admin, mailbox
):
    client.force_login(admin)
    values = _form_values(client.get(f"/manage/mailboxes/{mailbox.pk}/"))
    events_before = Event.objects.count()
    # when the IMAP URL has the wrong scheme and the SMTP URL names no host
    response = client.post(
        f"/manage/mailboxes/{mailbox.pk}/",
        {**values, "imap_url": "https://cs:geheim@imap.tokobuku.test", "smtp_url": "smtps://"},
    )
    # then both fields carry their error, and the typed password is not sent back
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "the scheme must be one of imaps, imap, imap+plain" in errors["imap_url"][0]
    assert "the URL names no host" in errors["smtp_url"][0]
    assert "geheim" not in response.text
    assert 'value="https://cs@imap.tokobuku.test"' in response.text
    mailbox.refresh_from_db()
    assert (mailbox.imap_url, mailbox.smtp_url) == (IMAP, SMTP)
    assert Event.objects.count() == events_before


def test_a_password_without_a_user_name_and_a_taken_address_are_refused(client, admin, mailbox):
    client.force_login(admin)
    response = client.post(
        "/manage/mailboxes/new/",
        {"address": SUPPORT, "imap_url": "imaps://imap.tokobuku.test", "imap_password": "x",
         "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert errors["imap_url"] == [
        "Write the user name in the URL (scheme://user@host) to use a password."
    ]
    assert Mailbox.objects.count() == 1
    # the action's own rule (one mailbox per address) lands on its field too
    response = client.post("/manage/mailboxes/new/", {"address": SUPPORT, "is_active": "on"})
    assert response.status_code == 422
    assert response.context["form"].errors["address"] == ["Another mailbox has this address."]


def test_a_mailbox_from_the_environment_is_shown_read_only(client, admin, team):
    # given a mailbox set by SAPA_EMAIL_MAILBOXES that failed its last poll
    env = save_mailbox(
        MailboxSettings(address="env@tokobuku.test", name="Env", imap_url=IMAP),
        actor=Actor.system("environment"),
        from_env=True,
    )
    Mailbox.objects.filter(pk=env.pk).update(
        last_polled_at=clock.now(), last_poll_error="LOGIN failed"
    )
    client.force_login(admin)
    # when the admin opens the list and its page
    listing = client.get("/manage/mailboxes/").text
    page = client.get(f"/manage/mailboxes/{env.pk}/")
    # then it is marked, shown without a form or password, and cannot be changed here
    assert "From the environment" in listing
    assert "LOGIN failed" in listing
    assert page.context["form"] is None
    assert "SAPA_EMAIL_MAILBOXES" in page.text
    assert "mailbox-form" not in page.text
    assert "rahasia" not in page.text
    refused = client.post(f"/manage/mailboxes/{env.pk}/", {"address": "env@tokobuku.test"})
    assert refused.status_code == 403
    env.refresh_from_db()
    assert (env.name, env.imap_url, env.from_environment) == ("Env", IMAP, True)


# --- quarantine -------------------------------------------------------------------------


def test_quarantine_lists_what_could_not_be_taken_in_with_the_reason(client, admin, mailbox):
    # given an unparseable email, and one that was taken in
    garbage = ingest_email(b"garbage", mailbox=mailbox, source=InboundSource.HTTP)
    taken = ingest_email(_email(), mailbox=mailbox, source=InboundSource.HTTP)
    assert (garbage.status, taken.status) == (InboundStatus.QUARANTINED, InboundStatus.PROCESSED)
    client.force_login(admin)
    # when the admin opens the quarantine
    page = client.get("/manage/email/quarantine/")
    # then only the quarantined one is listed, with its mailbox, size and reason
    assert [row.pk for row in page.context["rows"]] == [garbage.inbound_email_id]
    assert garbage.reason in page.text
    assert SUPPORT in page.text
    with translation.override("en"):
        assert f'<td class="number">{filesizeformat(7)}</td>' in page.text
    assert f"/emails/{garbage.inbound_email_id}/original/?download=1" in page.text
    # and "all" shows both, newest first, the taken-in one with its ticket
    everything = client.get("/manage/email/quarantine/?show=all")
    assert [row.pk for row in everything.context["rows"]] == [
        taken.inbound_email_id,
        garbage.inbound_email_id,
    ]
    assert f'href="/tickets/{taken.ticket_id}/"' in everything.text
    assert "Pesanan belum sampai" in everything.text


def test_quarantine_pages_fifty_at_a_time(client, admin):
    InboundEmail.objects.bulk_create(
        InboundEmail(
            source=InboundSource.HTTP,
            status=InboundStatus.QUARANTINED,
            reason=f"alasan {i}",
            message_id=f"<q{i}@x>",
            size_bytes=1,
            raw_compressed=InboundEmail.compress(b"x"),
            received_at=clock.now(),
        )
        for i in range(51)
    )
    client.force_login(admin)
    first = client.get("/manage/email/quarantine/")
    assert len(first.context["rows"]) == 50
    second = client.get("/manage/email/quarantine/", {"cursor": first.context["next_cursor"]})
    assert len(second.context["rows"]) == 1
    assert second.context["next_cursor"] == ""
    shown = {row.pk for row in first.context["rows"]} | {second.context["rows"][0].pk}
    assert len(shown) == 51
    # a broken cursor starts again from the first page
    assert len(client.get("/manage/email/quarantine/?cursor=rusak").context["rows"]) == 50


def test_reprocess_takes_the_email_in_once_the_cause_is_gone_and_writes_an_event(
    client, admin, mailbox
):
    # given a good email that was quarantined (by an older parser, say)
    row = _kept(_email(subject="Dikirim ulang"), mailbox=mailbox, reason="parser bug")
    client.force_login(admin)
    # when the admin re-processes it
    response = client.post(
        f"/manage/email/quarantine/{row.pk}/reprocess/", {"show": "quarantined"}, follow=True
    )
    # then it becomes a ticket message, the outcome is shown, and the event names the admin
    ticket = Ticket.objects.get()
    assert ticket.subject == "Dikirim ulang"
    assert response.redirect_chain[-1][0] == "/manage/email/quarantine/?show=quarantined"
    assert [str(m) for m in response.context["messages"]] == [
        f"Taken in: it is now a message on ticket #{ticket.number}."
    ]
    event = Event.objects.get(verb="email.reprocessed")
    assert (event.actor_agent, event.subject_id, event.before) == (
        admin,
        row.pk,
        {"status": "quarantined"},
    )
    assert InboundEmail.objects.get().status == InboundStatus.PROCESSED
    assert list(response.context["rows"]) == []


def test_reprocessing_what_still_cannot_be_read_says_so(client, admin, mailbox):
    row = _kept(b"garbage", mailbox=mailbox, reason="no headers")
    client.force_login(admin)
    response = client.post(f"/manage/email/quarantine/{row.pk}/reprocess/", follow=True)
    [message] = response.context["messages"]
    assert message.level_tag == "warning"
    assert str(message).startswith("Still quarantined: ")
    assert InboundEmail.objects.get().status == InboundStatus.QUARANTINED
    assert Event.objects.filter(verb="email.reprocessed").count() == 1


def test_discard_marks_it_dealt_with_and_keeps_the_original(client, admin, mailbox):
    row = _kept(b"garbage", mailbox=mailbox, reason="no headers")
    client.force_login(admin)
    # when the admin discards it
    response = client.post(
        f"/manage/email/quarantine/{row.pk}/discard/", {"show": "quarantined"}, follow=True
    )
    # then it leaves the quarantine for the discarded tab, raw kept, with an event
    row.refresh_from_db()
    assert (row.status, row.raw) == (InboundStatus.DISCARDED, b"garbage")
    assert list(response.context["rows"]) == []
    discarded = client.get("/manage/email/quarantine/?show=discarded")
    assert [r.pk for r in discarded.context["rows"]] == [row.pk]
    event = Event.objects.get(verb="email.discarded")
    assert (event.actor_agent, event.before) == (admin, {"status": "quarantined"})
    # and discarding again, or re-processing what became a message, is refused
    again = client.post(f"/manage/email/quarantine/{row.pk}/discard/", follow=True)
    assert [str(m) for m in again.context["messages"]] == [
        "Only quarantined email can be discarded."
    ]
    taken = ingest_email(_email(), mailbox=mailbox, source=InboundSource.HTTP)
    refused = client.post(
        f"/manage/email/quarantine/{taken.inbound_email_id}/reprocess/", follow=True
    )
    assert [str(m) for m in refused.context["messages"]] == [
        "Only quarantined or discarded email can be re-processed."
    ]
    assert Event.objects.filter(verb="email.reprocessed").count() == 0
    assert client.post("/manage/email/quarantine/999999/discard/").status_code == 404


# --- originals --------------------------------------------------------------------------


def test_the_original_is_plain_text_inline_and_an_eml_download(
    client, agent, outsider, admin, mailbox, team
):
    # given an email with HTML and a byte that is not UTF-8, taken into the team's ticket
    raw = _email(f"Halo {SCRIPT}").replace(b"Halo", b"Hal\xff", 1)
    taken = ingest_email(raw, mailbox=mailbox, source=InboundSource.IMAP)
    assert taken.status == InboundStatus.PROCESSED
    url = f"/emails/{taken.inbound_email_id}/original/"
    client.force_login(agent)
    # when an agent who may see the ticket opens it
    shown = client.get(url)
    # then it is text, shown inline, never sniffed as HTML
    assert shown.status_code == 200
    assert shown["Content-Type"] == "text/plain; charset=utf-8"
    assert shown["Content-Disposition"].startswith("inline")
    assert shown["X-Content-Type-Options"] == "nosniff"
    assert shown["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert shown.content.decode() == raw.decode("utf-8", errors="replace")
    assert "Hal\ufffd" in shown.content.decode()
    # and ?download=1 hands over the exact bytes as an .eml attachment
    downloaded = client.get(url, {"download": "1"})
    assert downloaded["Content-Type"] == "message/rfc822"
    assert downloaded["Content-Disposition"] == (
        f'attachment; filename="email-{taken.inbound_email_id}.eml"'
    )
    assert downloaded["X-Content-Type-Options"] == "nosniff"
    assert downloaded.content == raw
    # an agent who may not see the ticket gets 404, as for a missing email
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.get(url, {"download": "1"}).status_code == 404
    assert client.get("/emails/999999/original/").status_code == 404


def test_the_original_of_an_email_without_a_ticket_is_for_admins_only(client, agent, admin):
    garbage = ingest_email(b"garbage", mailbox=None, source=InboundSource.CLI)
    url = f"/emails/{garbage.inbound_email_id}/original/"
    client.force_login(agent)
    assert client.get(url).status_code == 404
    client.force_login(admin)
    response = client.get(url, {"download": "1"})
    assert (response.status_code, response.content) == (200, b"garbage")


# --- the ticket timeline ------------------------------------------------------------------


def _email_ticket(team, **fields):
    """A ticket from an email with everything the timeline shows, kept with its original."""
    meta = {
        "mailbox_id": None,
        "from": "Rina <rina@example.com>",
        "to": [f"Toko Buku Sapa <{SUPPORT}>"],
        "cc": ["Andi <andi@example.com>"],
        "subject": "Pesanan belum sampai",
        "refused": [{"filename": "virus.exe", "size": 2048,
                     "reason": "executable files are refused"}],
        "calendar": True,
    }  # fmt: skip
    fields = {
        "email": "rina@example.com",
        "name": "Rina",
        "subject": "Pesanan belum sampai",
        "quoted_text": "> Pesanan Anda sudah dikirim.\n-- \nRina",
        "auto_reply": "",
        "meta": {"email": meta},
        "participants": (Participant(Address(IdentityKind.EMAIL, "andi@example.com"), "Andi"),),
        **fields,
    }
    result = inbound("Belum sampai juga, min.", **fields)
    _in_team(result.ticket_id, team)
    _kept(b"From: rina@example.com\r\n\r\nBelum", status=InboundStatus.PROCESSED,
          message=result.message_id)  # fmt: skip
    return Ticket.objects.get(pk=result.ticket_id), result


def test_the_timeline_shows_an_emails_header_quoted_text_and_notes(client, agent, team):
    # given an email message with Cc, quoted history, a refused file and an invitation
    ticket, result = _email_ticket(team, auto_reply="Auto-Submitted: auto-replied")
    inbound_email = InboundEmail.objects.get(ticket_message_id=result.message_id)
    client.force_login(agent)
    # when the agent opens the ticket
    page = client.get(f"/tickets/{ticket.pk}/")
    timeline = page.text.split('id="timeline"', 1)[1].split('class="composer"', 1)[0]
    # then the header line names From, To and Cc
    assert "Rina &lt;rina@example.com&gt;" in timeline
    assert "Andi &lt;andi@example.com&gt;" in timeline
    assert re.search(r'<span class="email-label">Cc</span>\s*Andi', timeline)
    # the quoted text is folded inside <details>
    quoted = re.search(r'<details class="quoted">(.*?)</details>', timeline, re.S)
    assert quoted is not None
    assert "&gt; Pesanan Anda sudah dikirim." in quoted.group(1)
    assert "Show quoted text" in quoted.group(1)
    # the automatic reply is marked with its reason
    assert 'title="Auto-Submitted: auto-replied"' in timeline
    assert "Automatic reply" in timeline
    # the refused file, the invitation and the original are shown
    assert "virus.exe" in timeline
    assert "executable files are refused" in timeline
    assert "calendar invitation" in timeline
    assert f'href="/emails/{inbound_email.pk}/original/"' in timeline
    # and the customer panel lists who else is on the ticket
    assert "Also on this ticket" in page.text
    assert "andi@example.com" in page.text.split('class="customer-panel"', 1)[1]
    _assert_safe_page(page)


def test_a_person_s_email_has_no_badge_nor_folded_text(client, agent, team):
    ticket, _result = _email_ticket(team, quoted_text="", meta={}, participants=())
    client.force_login(agent)
    page = client.get(f"/tickets/{ticket.pk}/").text
    assert "Automatic reply" not in page
    assert '<details class="quoted">' not in page
    assert "Also on this ticket" not in page
    assert 'class="email-header"' not in page


def test_a_failed_delivery_shows_why_on_the_message(client, agent, team):
    # given a reply that bounced
    ticket, _result = _email_ticket(team)
    sent = reply(ticket, text="Sudah kami cek, Kak.", actor=Actor.for_agent(agent))
    record_bounce(sent, reason="550 5.1.1 <rina@example.com>: mailbox unavailable")
    client.force_login(agent)
    # when the agent opens the ticket
    page = client.get(f"/tickets/{ticket.pk}/").text
    # then the reason is shown on the message
    problem = re.search(r'<p class="delivery-problem"[^>]*>(.*?)</p>', page, re.S)
    assert problem is not None
    assert "Not delivered:" in problem.group(1)
    assert "550 5.1.1 &lt;rina@example.com&gt;: mailbox unavailable" in problem.group(1)


def test_hostile_values_in_an_emails_details_are_escaped(client, agent, team):
    meta = {
        "from": f"{SCRIPT} <x@example.com>",
        "to": [SCRIPT],
        "cc": ['"><img src=x onerror=alert(3)>'],
        "subject": SCRIPT,
        "refused": [{"filename": SCRIPT, "size": 1, "reason": SCRIPT}],
    }
    ticket, _result = _email_ticket(
        team, subject=SCRIPT, auto_reply=f'"{SCRIPT}', quoted_text=SCRIPT, meta={"email": meta}
    )
    client.force_login(agent)
    page = client.get(f"/tickets/{ticket.pk}/")
    assert SCRIPT not in page.text
    assert "<img src=x" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    _assert_safe_page(page)


def test_a_bouncing_address_is_marked_in_the_customer_panel(client, agent, team):
    ticket, _result = _email_ticket(team)
    Identity.objects.filter(value="rina@example.com").update(
        bouncing_since=clock.now(), bounce_reason="550 mailbox unavailable"
    )
    client.force_login(agent)
    panel = client.get(f"/tickets/{ticket.pk}/").text.split('class="customer-panel"', 1)[1]
    assert re.search(r'class="pill bouncing-pill" title="550 mailbox unavailable">bouncing', panel)
    customer_page = client.get(f"/customers/{ticket.customer_id}/").text
    assert 'title="550 mailbox unavailable"' in customer_page


def test_the_timeline_query_count_does_not_grow_with_email_messages(client, agent, team):
    ticket, _result = _email_ticket(team)
    client.force_login(agent)
    client.get(f"/tickets/{ticket.pk}/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/tickets/{ticket.pk}/")
    for i in range(8):
        result = inbound(
            f"lagi {i}",
            email="rina@example.com",
            ticket_id=ticket.pk,
            meta={"email": {"from": "rina@example.com", "cc": ["andi@example.com"]}},
        )
        _kept(b"x", status=InboundStatus.PROCESSED, message=result.message_id)
    with CaptureQueriesContext(connection) as many:
        page = client.get(f"/tickets/{ticket.pk}/")
    assert page.text.count("/original/") == 9
    assert len(many.captured_queries) == len(few.captured_queries)
    assert not any("raw_compressed" in q["sql"] for q in many.captured_queries)
