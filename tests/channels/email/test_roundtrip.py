"""Email both ways against a real SMTP server: an agent's reply leaves threaded, the
customer's answer to it comes back into the same ticket, failures are retried or shown,
and automatic mail never answers automatic mail."""

import base64
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sapa.channels.email.actions import ingest_email
from sapa.channels.email.models import InboundSource, InboundStatus, Mailbox
from sapa.conversations.actions import reply
from sapa.conversations.models import (
    DeliveryStatus,
    Direction,
    Message,
    OutboxItem,
    OutboxStatus,
    Ticket,
    TicketParticipant,
)
from sapa.conversations.tasks import deliver_outbox_item
from sapa.core.actors import Actor
from sapa.customers.models import Identity
from tests.channels.email.mail import SUPPORT, answer_to, customer_email
from tests.channels.email.servers import SmtpCapture
from tests.factories import AgentFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox(smtp_server: SmtpCapture) -> Mailbox:
    return Mailbox.objects.create(
        address=SUPPORT,
        name="Toko Buku Sapa",
        team=TeamFactory(name="Layanan"),
        smtp_url=f"smtp+plain://{smtp_server.host}:{smtp_server.port}",
    )


def _take_in(raw: bytes, mailbox: Mailbox, capture) -> object:
    with capture(execute=True):
        return ingest_email(raw, mailbox=mailbox, source=InboundSource.IMAP)


def _agent_reply(ticket_id: int, text: str, capture) -> Message:
    agent = AgentFactory(first_name="Ani", last_name="Lestari")
    with capture(execute=True):
        return reply(Ticket.objects.get(pk=ticket_id), text=text, actor=Actor.for_agent(agent))


def test_reply_leaves_threaded_and_the_answer_comes_back_to_the_same_ticket(
    mailbox, smtp_server, django_capture_on_commit_callbacks
):
    # given: a customer's email, copied to a colleague, opened a ticket for the mailbox's team
    first = customer_email(
        sender="Budi Santoso <budi@gmail.test>",
        cc="Ani Kantor <ani@kantor.test>, cs@tokobuku.test",
        message_id="<first-1@gmail.test>",
    )
    taken = _take_in(first, mailbox, django_capture_on_commit_callbacks)
    assert taken.status == InboundStatus.PROCESSED
    ticket = Ticket.objects.get(pk=taken.ticket_id)
    assert ticket.team == mailbox.team
    assert list(
        TicketParticipant.objects.filter(ticket=ticket).values_list("address", flat=True)
    ) == ["ani@kantor.test"]

    # when: an agent replies
    sent_message = _agent_reply(
        ticket.pk, "Halo Kak Budi, paketnya sudah di kurir ya.", django_capture_on_commit_callbacks
    )

    # then: the SMTP server got it with the threading headers, both parts, From and Cc
    [captured] = smtp_server.wait_for(1)
    sent = captured.message
    sent_message.refresh_from_db()
    assert sent_message.delivery_status == DeliveryStatus.SENT
    assert sent["Message-ID"] == f"<{sent_message.external_id}>"
    assert sent_message.external_id.startswith(f"sapa.{sent_message.pk}.")
    assert sent_message.external_id.endswith("@tokobuku.test")
    assert sent["In-Reply-To"] == "<first-1@gmail.test>"
    assert "<first-1@gmail.test>" in sent["References"]
    assert sent["Subject"] == f"Re: Pesanan belum sampai [#{ticket.number}]"
    assert sent["From"].addresses[0].addr_spec == SUPPORT
    assert sent["From"].addresses[0].display_name == "Ani Lestari (Toko Buku Sapa)"
    assert [a.addr_spec for a in sent["To"].addresses] == ["budi@gmail.test"]
    assert [a.addr_spec for a in sent["Cc"].addresses] == ["ani@kantor.test"]
    assert set(captured.rcpt_tos) == {"budi@gmail.test", "ani@kantor.test"}
    assert "Auto-Submitted" not in sent
    plain = sent.get_body(("plain",)).get_content()
    html = sent.get_body(("html",)).get_content()
    assert "paketnya sudah di kurir" in plain
    assert "paketnya sudah di kurir" in html

    # when: the customer answers it (their client builds the answer from what they got)
    answer = answer_to(sent, "Oke kak, makasih ya", sender="Budi Santoso <budi@gmail.test>")
    back = _take_in(answer, mailbox, django_capture_on_commit_callbacks)

    # then: it is in the same ticket, with the quoted history folded away
    assert (back.status, back.ticket_id) == (InboundStatus.PROCESSED, ticket.pk)
    stored = Message.objects.get(pk=back.message_id)
    assert stored.text == "Oke kak, makasih ya"
    assert "paketnya sudah di kurir" in stored.quoted_text

    # and: the colleague on Cc answering also lands there, as herself
    colleague = answer_to(sent, "Sudah saya terima juga", sender="Ani Kantor <ani@kantor.test>")
    also = _take_in(colleague, mailbox, django_capture_on_commit_callbacks)
    assert also.ticket_id == ticket.pk
    assert Message.objects.get(pk=also.message_id).author_customer != ticket.customer


def test_subject_token_threads_only_for_the_tickets_own_people(
    mailbox, django_capture_on_commit_callbacks
):
    # given: a ticket
    taken = _take_in(
        customer_email(sender="budi@gmail.test"), mailbox, django_capture_on_commit_callbacks
    )
    number = Ticket.objects.get(pk=taken.ticket_id).number

    # when: the customer writes a fresh mail quoting the ticket number, no headers
    again = customer_email(sender="budi@gmail.test", subject=f"Tambahan info [#{number}]")
    # and: a stranger tries the same number
    stranger = customer_email(sender="mallory@evil.test", subject=f"Re: [#{number}] ganti alamat")

    # then: the customer's joins the ticket; the stranger's opens their own
    assert _take_in(again, mailbox, django_capture_on_commit_callbacks).ticket_id == taken.ticket_id
    other = _take_in(stranger, mailbox, django_capture_on_commit_callbacks)
    assert other.ticket_id != taken.ticket_id
    assert (
        Ticket.objects.get(pk=other.ticket_id).customer.identities.get().value
        == "mallory@evil.test"
    )


def test_a_reference_to_another_customers_mail_does_not_leak_into_their_ticket(
    mailbox, django_capture_on_commit_callbacks
):
    taken = _take_in(
        customer_email(sender="budi@gmail.test", message_id="<budi-1@gmail.test>"),
        mailbox,
        django_capture_on_commit_callbacks,
    )
    forged = customer_email(
        sender="mallory@evil.test",
        in_reply_to="<budi-1@gmail.test>",
        references="<budi-1@gmail.test>",
    )
    assert (
        _take_in(forged, mailbox, django_capture_on_commit_callbacks).ticket_id != taken.ticket_id
    )


def test_a_new_subject_from_the_same_customer_is_a_new_ticket(
    mailbox, django_capture_on_commit_callbacks
):
    one = _take_in(customer_email(subject="Pesanan A"), mailbox, django_capture_on_commit_callbacks)
    two = _take_in(
        customer_email(subject="Pertanyaan lain"), mailbox, django_capture_on_commit_callbacks
    )
    assert one.ticket_id != two.ticket_id


def test_temporary_smtp_failure_is_retried_and_permanent_one_shows_on_the_message(
    mailbox, smtp_server, django_capture_on_commit_callbacks
):
    taken = _take_in(
        customer_email(sender="budi@gmail.test"), mailbox, django_capture_on_commit_callbacks
    )

    # when: the server answers 451 once
    smtp_server.fail_next("budi@gmail.test", 451, "4.7.1 Try again later")
    message = _agent_reply(taken.ticket_id, "Sebentar ya kak", django_capture_on_commit_callbacks)
    item = OutboxItem.objects.get(message=message)

    # then: it waits for another try, with the reason recorded
    assert item.status == OutboxStatus.PENDING
    assert "451" in item.last_error
    assert smtp_server.messages == []
    # when: the retry comes due, it goes out
    OutboxItem.objects.filter(pk=item.pk).update(
        next_attempt_at=item.next_attempt_at - timedelta(hours=2)
    )
    deliver_outbox_item(item.pk)
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.SENT
    assert len(smtp_server.wait_for(1)) == 1

    # when: the server refuses the recipient for good
    smtp_server.fail_next("budi@gmail.test", 550, "5.1.1 User unknown")
    refused = _agent_reply(taken.ticket_id, "Halo?", django_capture_on_commit_callbacks)
    refused.refresh_from_db()
    # then: the message is failed with the server's words, not retried
    assert refused.delivery_status == DeliveryStatus.FAILED
    assert "550 5.1.1 User unknown" in refused.delivery_error
    assert OutboxItem.objects.get(message=refused).status == OutboxStatus.FAILED


def test_smtp_with_starttls_and_login(smtp_submission, django_capture_on_commit_callbacks):
    password = quote("rahasia")
    mailbox = Mailbox.objects.create(
        address=SUPPORT,
        name="Toko Buku Sapa",
        smtp_url=f"smtp://{quote(SUPPORT)}:{password}@{smtp_submission.host}:{smtp_submission.port}?ca={smtp_submission.cert_path}",
    )
    taken = _take_in(
        customer_email(sender="budi@gmail.test"), mailbox, django_capture_on_commit_callbacks
    )
    message = _agent_reply(taken.ticket_id, "Siap kak", django_capture_on_commit_callbacks)
    [captured] = smtp_submission.wait_for(1)
    assert (captured.is_tls, captured.authenticated_as) == (True, SUPPORT)
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.SENT


def test_out_of_office_answer_to_an_acknowledgement_gets_no_further_automatic_message(
    mailbox, smtp_server, django_capture_on_commit_callbacks
):
    # given: the mailbox acknowledges new tickets
    mailbox.auto_acknowledge = True
    mailbox.save()
    taken = _take_in(
        customer_email(sender="budi@gmail.test"), mailbox, django_capture_on_commit_callbacks
    )

    # then: the acknowledgement went out, marked automatic, with the ticket number
    [captured] = smtp_server.wait_for(1)
    ack = captured.message
    number = Ticket.objects.get(pk=taken.ticket_id).number
    assert ack["Auto-Submitted"] == "auto-replied"
    assert f"#{number}" in ack.get_body(("plain",)).get_content()
    assert Ticket.objects.get(pk=taken.ticket_id).status == "new"

    # when: the customer's mailbox answers it with an out-of-office
    ooo = answer_to(
        ack,
        "Saya sedang cuti sampai 1 Desember.",
        sender="budi@gmail.test",
        headers={"Auto-Submitted": "auto-replied", "X-Autoreply": "yes"},
    )
    back = _take_in(ooo, mailbox, django_capture_on_commit_callbacks)

    # then: it is recorded on the ticket as automatic, and nothing more is sent
    assert back.ticket_id == taken.ticket_id
    assert Message.objects.get(pk=back.message_id).auto_reply
    # and: an out-of-office that opens a new thread is not acknowledged either
    fresh_ooo = customer_email(
        "Balasan otomatis: saya sedang cuti",
        sender="budi@gmail.test",
        subject="Balasan otomatis: Pesanan belum sampai",
        headers={"Auto-Submitted": "auto-replied"},
    )
    _take_in(fresh_ooo, mailbox, django_capture_on_commit_callbacks)
    assert len(smtp_server.messages) == 1
    automatic = Message.objects.filter(direction=Direction.OUTBOUND, author_kind="system")
    assert automatic.count() == 1


def test_acknowledgements_to_one_address_are_rate_limited(
    mailbox, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.SAPA_AUTOMATIC_PER_ADDRESS_PER_HOUR = 2
    mailbox.auto_acknowledge = True
    mailbox.save()
    for index in range(4):
        _take_in(
            customer_email(sender="robot@pabrik.test", subject=f"Laporan {index}"),
            mailbox,
            django_capture_on_commit_callbacks,
        )
    assert len(smtp_server.wait_for(2)) == 2
    assert Message.objects.filter(author_kind="system", to_address="robot@pabrik.test").count() == 2


def test_a_bounce_fails_the_sent_message_and_marks_the_address(
    mailbox, smtp_server, django_capture_on_commit_callbacks
):
    taken = _take_in(
        customer_email(sender="budi@gmail.test"), mailbox, django_capture_on_commit_callbacks
    )
    message = _agent_reply(taken.ticket_id, "Halo kak", django_capture_on_commit_callbacks)
    [captured] = smtp_server.wait_for(1)
    message.refresh_from_db()
    dsn = _dsn(original=captured.raw, recipient="budi@gmail.test")

    bounce = _take_in(dsn, mailbox, django_capture_on_commit_callbacks)

    assert bounce.status == InboundStatus.BOUNCE
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.FAILED
    assert "5.1.1" in message.delivery_error
    identity = Identity.objects.get(value="budi@gmail.test")
    assert identity.bouncing_since is not None
    # and: the bounce opened no ticket
    assert Ticket.objects.count() == 1
    # when: the customer writes again, the address works again
    _take_in(
        customer_email(sender="budi@gmail.test", subject="Halo lagi"),
        mailbox,
        django_capture_on_commit_callbacks,
    )
    identity.refresh_from_db()
    assert identity.bouncing_since is None


def test_mail_from_our_own_address_is_ignored(mailbox, django_capture_on_commit_callbacks):
    loop = customer_email(sender=f"Toko Buku Sapa <{SUPPORT}>", to="budi@gmail.test")
    outcome = _take_in(loop, mailbox, django_capture_on_commit_callbacks)
    assert outcome.status == InboundStatus.IGNORED
    assert "loop" in outcome.reason
    assert not Ticket.objects.exists()


def _dsn(*, original: bytes, recipient: str) -> bytes:
    headers = original.split(b"\r\n\r\n", 1)[0].replace(b"\r\n", b"\n")
    return (
        b"From: Mail Delivery System <MAILER-DAEMON@mx.gmail.test>\n"
        b"To: cs@tokobuku.test\n"
        b"Subject: Undelivered Mail Returned to Sender\n"
        b"Message-ID: <bounce-1@mx.gmail.test>\n"
        b"Auto-Submitted: auto-replied\n"
        b"MIME-Version: 1.0\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
        b"--B\nContent-Type: text/plain\n\n"
        b"This is the mail system. Your message could not be delivered.\n\n"
        b"--B\nContent-Type: message/delivery-status\n\n"
        b"Reporting-MTA: dns; mx.gmail.test\n\n"
        b"Final-Recipient: rfc822; " + recipient.encode() + b"\n"
        b"Action: failed\nStatus: 5.1.1\n"
        b"Diagnostic-Code: smtp; 550 5.1.1 The email account does not exist\n\n"
        b"--B\nContent-Type: text/rfc822-headers\n\n" + headers + b"\n\n--B--\n"
    )


def test_a_reply_with_attachments_from_the_console_goes_out_with_them(
    mailbox, smtp_server, client, django_capture_on_commit_callbacks
):
    taken = _take_in(
        customer_email(sender="budi@gmail.test"), mailbox, django_capture_on_commit_callbacks
    )
    agent = AgentFactory(first_name="Ani", role="admin")
    client.force_login(agent)
    invoice = SimpleUploadedFile("faktur.pdf", b"%PDF-1.4 faktur", content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/tickets/{taken.ticket_id}/reply/",
            {
                "text": "Ini fakturnya ya kak",
                "seen_message_id": taken.message_id,
                "attachments": [invoice],
            },
        )
    assert response.status_code == 302
    [captured] = smtp_server.wait_for(1)
    [part] = list(captured.message.iter_attachments())
    assert (part.get_filename(), part.get_content_type()) == ("faktur.pdf", "application/pdf")
    assert part.get_content() == b"%PDF-1.4 faktur"
    sent = Message.objects.get(direction=Direction.OUTBOUND)
    assert list(sent.attachments.values_list("filename", flat=True)) == ["faktur.pdf"]


def test_reply_attachments_over_the_api_are_checked(admin_api, mailbox, settings):
    taken = ingest_email(
        customer_email(sender="budi@gmail.test"), mailbox=mailbox, source=InboundSource.HTTP
    )
    settings.SAPA_MAX_ATTACHMENT_BYTES = 10
    too_big = admin_api.post_json(
        f"/api/v1/tickets/{taken.ticket_id}/replies",
        {
            "text": "lampiran",
            "attachments": [{"name": "besar.bin", "content": base64.b64encode(b"x" * 11).decode()}],
        },
    )
    assert too_big.status_code == 422
    assert too_big.json()["detail"][0]["loc"][:2] == ["body", "attachments"]
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()
    fits = admin_api.post_json(
        f"/api/v1/tickets/{taken.ticket_id}/replies",
        {
            "text": "lampiran",
            "attachments": [
                {
                    "name": "kecil.txt",
                    "content_type": "text/plain",
                    "content": base64.b64encode(b"halo").decode(),
                }
            ],
        },
    )
    assert fits.status_code == 201
    assert [a["filename"] for a in fits.json()["attachments"]] == ["kecil.txt"]
