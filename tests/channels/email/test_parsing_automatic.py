"""parse_email and machine-written mail: auto-replies, bulk mail, read receipts, and
bounces (RFC 3464 reports and the plain-text kind)."""

import base64

import pytest

from sapa.channels.email.autoreply import auto_reply_reason
from sapa.channels.email.parsing import parse_email
from tests.channels.email.wire import HEAD, mail

# --- autoreply ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "subject", "expected"),
    [
        ({"Auto-Submitted": "auto-replied"}, "Re: Pesanan", "Auto-Submitted: auto-replied"),
        ({"auto-submitted": "no"}, "Pesanan", ""),
        ({"X-Autoreply": "yes"}, "Pesanan", "X-Autoreply: yes"),
        ({"X-Auto-Response-Suppress": "All"}, "Pesanan", "X-Auto-Response-Suppress: All"),
        ({"Precedence": "Bulk"}, "Promo", "Precedence: bulk"),
        ({"precedence": "list"}, "Promo", "Precedence: list"),
        ({"List-Unsubscribe": "<mailto:u@x.test>"}, "Promo", "mailing list"),
        ({"X-Failed-Recipients": "a@b.test"}, "Mail delivery failed", "delivery status"),
        ({"Return-Path": "<>", "From": "MAILER-DAEMON@mx.test"}, "Warning", "delivery status"),
        ({"Return-Path": "<>", "From": "budi@gmail.test"}, "Pesanan", ""),
        ({}, "Out of Office: Budi", "out-of-office subject"),
        ({}, "Automatic reply: Pesanan", "out-of-office subject"),
        ({}, "RE: Auto-Reply", "out-of-office subject"),
        ({}, "Balasan Otomatis: Pesanan", "out-of-office subject"),
        ({}, "Re: Sedang cuti sampai 5 Desember", "out-of-office subject"),
        ({}, "Di luar kantor", "out-of-office subject"),
        ({}, "Abwesenheitsnotiz: Bestellung", "out-of-office subject"),
        ({}, "Fwd: pesanan saya dan out of office", ""),
        ({}, "Autoresponder saya rusak", ""),
        ({}, "Pesanan belum sampai", ""),
    ],
)
def test_auto_reply_reason(headers, subject, expected):
    reason = auto_reply_reason(headers, subject)

    assert reason.startswith(expected) if expected else reason == ""


def test_machine_written_mail_is_marked_and_a_persons_is_not():
    auto = parse_email(mail("Saya sedang cuti.\n", headers=HEAD + "Auto-Submitted: auto-replied\n"))
    bulk = parse_email(mail("Promo!\n", headers=HEAD + "List-Id: <promo.shop.test>\n"))
    person = parse_email(mail("Halo.\n", headers=HEAD + "Auto-Submitted: no\n"))

    assert auto.auto_reply == "Auto-Submitted: auto-replied"
    assert bulk.auto_reply.startswith("mailing list")
    assert person.auto_reply == ""


# --- bounces --------------------------------------------------------------------------

BOUNCE_HEAD = """\
From: Mail Delivery System <MAILER-DAEMON@mx.tokobuku.test>
To: cs@tokobuku.test
Subject: Undelivered Mail Returned to Sender
Message-ID: <bounce1@mx.tokobuku.test>
Auto-Submitted: auto-replied
"""


def test_a_delivery_status_report_is_read():
    raw = mail(
        """
        --b1
        Content-Type: text/plain

        I'm sorry to have to inform you that your message could not be delivered.
        --b1
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.tokobuku.test

        Final-Recipient: rfc822; Hilang@Example.test
        Original-Recipient: rfc822;hilang@example.test
        Action: failed
        Status: 5.1.1
        Diagnostic-Code: smtp; 550 5.1.1 <hilang@example.test>: Recipient address
            rejected: User unknown
        --b1
        Content-Type: message/rfc822

        From: cs@tokobuku.test
        To: hilang@example.test
        Message-ID: <reply-9@tokobuku.test>

        Halo.
        --b1--
        """,
        headers=BOUNCE_HEAD,
        content_type='multipart/report; report-type=delivery-status; boundary="b1"',
    )

    parsed = parse_email(raw)

    assert parsed.bounce is not None
    assert parsed.bounce.recipients == ("hilang@example.test",)
    assert parsed.bounce.status == "5.1.1"
    assert parsed.bounce.permanent is True
    assert parsed.bounce.diagnostic == (
        "550 5.1.1 <hilang@example.test>: Recipient address rejected: User unknown"
    )
    assert parsed.bounce.original_message_id == "reply-9@tokobuku.test"
    assert parsed.auto_reply == "delivery status notification"


def test_a_delay_report_with_returned_headers_is_temporary():
    raw = mail(
        """
        --b1
        Content-Type: text/plain

        Delivery to the following recipient has been delayed.
        --b1
        Content-Type: message/delivery-status

        Final-Recipient: rfc822; lambat@example.test
        Action: delayed
        Status: 4.4.7
        --b1
        Content-Type: text/rfc822-headers

        From: cs@tokobuku.test
        Message-ID: <reply-10@tokobuku.test>
        --b1--
        """,
        headers=BOUNCE_HEAD,
        content_type='multipart/report; report-type=delivery-status; boundary="b1"',
    )

    bounce = parse_email(raw).bounce

    assert bounce is not None
    assert (bounce.recipients, bounce.status, bounce.permanent) == (
        ("lambat@example.test",),
        "4.4.7",
        False,
    )
    assert bounce.diagnostic == "Delivery to the following recipient has been delayed."
    assert bounce.original_message_id == "reply-10@tokobuku.test"


def test_a_report_of_successful_delivery_is_no_bounce_but_is_automatic():
    raw = mail(
        """
        --b1
        Content-Type: message/delivery-status

        Final-Recipient: rfc822; ok@example.test
        Action: delivered
        Status: 2.0.0
        --b1--
        """,
        headers=BOUNCE_HEAD,
        content_type='multipart/report; report-type=delivery-status; boundary="b1"',
    )

    parsed = parse_email(raw)

    assert parsed.bounce is None
    assert parsed.auto_reply == "delivery status notification"


@pytest.mark.parametrize(
    ("sender", "subject"),
    [
        ("MAILER-DAEMON@mx.example.test", "Mail delivery failed: returning message to sender"),
        ("postmaster@example.test", "Undeliverable: Pesanan INV-1001"),
        ("mailer-daemon@googlemail.test", "Delivery Status Notification (Failure)"),
    ],
)
def test_a_plain_text_bounce_is_read_from_its_text(sender, subject):
    headers = f"From: {sender}\nTo: Toko <cs@tokobuku.test>\nSubject: {subject}\n"
    body = """
        This message was created automatically by mail delivery software.

        A message that you sent could not be delivered to one or more of its
        recipients. This is a permanent error. The following address(es) failed:

          hilang@example.test
            host mx.example.test [10.0.0.1]
            SMTP error from remote mail server after RCPT TO:<hilang@example.test>:
            550 5.1.1 User unknown

        ------ This is a copy of the message, including all the headers. ------

        From: cs@tokobuku.test
        Message-ID: <reply-11@tokobuku.test>
    """

    parsed = parse_email(mail(body, headers=headers))

    assert parsed.bounce is not None
    assert parsed.bounce.recipients == ("hilang@example.test",)
    assert parsed.bounce.status == "5.1.1"
    assert parsed.bounce.permanent is True
    assert parsed.bounce.diagnostic == "550 5.1.1 User unknown"
    assert parsed.bounce.original_message_id == "reply-11@tokobuku.test"
    assert parsed.auto_reply == "delivery status notification"


def test_a_person_writing_about_a_failed_delivery_is_no_bounce():
    headers = HEAD.replace("Subject: Pesanan belum sampai", "Subject: Undeliverable paket?")

    parsed = parse_email(mail("Paket ke ani@example.test gagal, kode 5.1.1?\n", headers=headers))

    assert (parsed.bounce, parsed.auto_reply) == (None, "")


def test_a_read_receipt_is_automatic():
    raw = mail(
        """
        --b1
        Content-Type: text/plain

        Pesan Anda telah dibaca.
        --b1
        Content-Type: message/disposition-notification

        Final-Recipient: rfc822; budi@gmail.test
        Disposition: manual-action/MDN-sent-manually; displayed
        --b1--
        """,
        content_type='multipart/report; report-type=disposition-notification; boundary="b1"',
    )

    assert parse_email(raw).auto_reply == "read receipt"


def test_an_exim_bounce_names_its_failed_recipients_in_a_header():
    headers = (
        "From: Mail Delivery System <Mailer-Daemon@mx.example.test>\n"
        "To: cs@tokobuku.test\nSubject: Mail delivery failed: returning message to sender\n"
        "X-Failed-Recipients: Hilang@Example.test\n"
    )

    parsed = parse_email(mail("SMTP error: 550 mailbox unavailable\n", headers=headers))

    assert parsed.bounce is not None
    assert parsed.bounce.recipients == ("hilang@example.test",)
    assert (parsed.bounce.status, parsed.bounce.permanent) == ("5.0.0", True)


def test_an_encoded_delivery_status_part_is_read():
    report = base64.encodebytes(
        b"Reporting-MTA: dns; mx.test\r\n\r\nFinal-Recipient: rfc822; x@example.test\r\n"
        b"Action: failed\r\nStatus: 5.2.2\r\nDiagnostic-Code: smtp; 552 mailbox full\r\n"
    ).decode()
    raw = mail(
        f"--b1\nContent-Type: message/delivery-status\nContent-Transfer-Encoding: base64\n\n"
        f"{report}--b1--\n",
        headers=BOUNCE_HEAD,
        content_type='multipart/report; report-type=delivery-status; boundary="b1"',
    )

    bounce = parse_email(raw).bounce

    assert bounce is not None
    assert (bounce.recipients, bounce.status, bounce.diagnostic) == (
        ("x@example.test",),
        "5.2.2",
        "552 mailbox full",
    )
