"""The mail-server fixtures are real servers: IMAP logins over plain, STARTTLS and
implicit TLS, byte-exact storage, IDLE, and an SMTP capture that can refuse on demand."""

import smtplib
import ssl
from email.message import EmailMessage

import pytest
from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from tests.channels.email.conftest import SUPPORT_ADDRESS, SUPPORT_PASSWORD, ImapMailbox
from tests.channels.email.servers import (
    DovecotFailed,
    DovecotServer,
    SmtpCapture,
    StoredMessage,
)

RAW_MESSAGE = (
    b"From: Budi Santoso <budi@pelanggan.test>\r\n"
    b"To: cs@tokobuku.test\r\n"
    b"Subject: =?utf-8?q?Pesanan_belum_sampai?=\r\n"
    b"Message-ID: <pesanan-42@pelanggan.test>\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Content-Transfer-Encoding: 8bit\r\n"
    b"\r\n"
    b"Halo, pesanan #42 belum sampai. Terima kasih \xf0\x9f\x99\x8f\r\n"
    b".\r\n"
    b"..titik di awal baris\r\n"
)


def _client_context(cafile: object) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(cafile))


# --- IMAP --------------------------------------------------------------------------------


def test_imap_login_over_plain_and_starttls(dovecot: DovecotServer) -> None:
    """The plain port accepts a cleartext login, and upgrades with STARTTLS to a
    certificate that verifies against `cert_path`."""
    # given
    plain = IMAPClient(dovecot.host, dovecot.port, ssl=False, timeout=5)
    upgraded = IMAPClient(dovecot.host, dovecot.port, ssl=False, timeout=5)

    # when
    plain.login(SUPPORT_ADDRESS, SUPPORT_PASSWORD)
    capabilities = upgraded.capabilities()
    upgraded.starttls(_client_context(dovecot.cert_path))
    upgraded.login(SUPPORT_ADDRESS, SUPPORT_PASSWORD)

    # then
    assert b"STARTTLS" in capabilities
    assert b"IDLE" in capabilities
    assert plain.select_folder("INBOX")[b"EXISTS"] >= 0
    assert upgraded.select_folder("INBOX")[b"EXISTS"] >= 0
    plain.logout()
    upgraded.logout()


def test_imap_implicit_tls_verifies_against_the_cert_file(dovecot: DovecotServer) -> None:
    """The implicit-TLS port presents a certificate for 127.0.0.1 that the CA in
    `cert_path` verifies, and that the system trust store does not."""
    # when
    with IMAPClient(
        dovecot.host, dovecot.tls_port, ssl_context=_client_context(dovecot.cert_path), timeout=5
    ) as client:
        client.login(SUPPORT_ADDRESS, SUPPORT_PASSWORD)
        folders = {name for _flags, _separator, name in client.list_folders()}

    # then
    assert folders == {"INBOX", "Drafts", "Sent", "Junk", "Trash"}
    with pytest.raises(ssl.SSLCertVerificationError):
        IMAPClient(dovecot.host, dovecot.tls_port, ssl_context=ssl.create_default_context())


def test_imap_wrong_password_is_refused(imap_mailbox: ImapMailbox) -> None:
    """A wrong password fails the login."""
    client = IMAPClient(imap_mailbox.host, imap_mailbox.port, ssl=False, timeout=5)

    with pytest.raises(LoginError, match="AUTHENTICATIONFAILED"):
        client.login(imap_mailbox.address, "salah")

    client.shutdown()


def test_appended_message_comes_back_byte_identical(imap_mailbox: ImapMailbox) -> None:
    """What `append` stores, `messages` returns byte for byte, with its flags."""
    # when
    uid = imap_mailbox.append(RAW_MESSAGE, flags=[r"\Seen"])

    # then
    assert imap_mailbox.messages() == [StoredMessage(uid=uid, flags=(r"\Seen",), raw=RAW_MESSAGE)]


def test_each_test_gets_an_empty_mailbox_of_its_own(
    imap_mailbox: ImapMailbox, dovecot: DovecotServer
) -> None:
    """A fresh account starts empty and does not see mail of the shared account."""
    # given
    dovecot.append(SUPPORT_ADDRESS, RAW_MESSAGE)

    # then
    assert imap_mailbox.address.startswith("box-")
    assert imap_mailbox.messages() == []


def test_messages_land_in_created_folders(imap_mailbox: ImapMailbox) -> None:
    """Folders nest with "/" and keep their own messages."""
    # given
    imap_mailbox.create_folder("Arsip/2024")

    # when
    uid = imap_mailbox.append(RAW_MESSAGE, folder="Arsip/2024")

    # then
    assert imap_mailbox.messages("Arsip/2024") == [
        StoredMessage(uid=uid, flags=(), raw=RAW_MESSAGE)
    ]
    assert imap_mailbox.messages() == []


def test_idle_hears_about_mail_appended_by_another_connection(
    imap_mailbox: ImapMailbox,
) -> None:
    """A client in IDLE is told about new mail without polling."""
    # given
    with IMAPClient(imap_mailbox.host, imap_mailbox.port, ssl=False, timeout=10) as client:
        client.login(imap_mailbox.address, imap_mailbox.password)
        client.select_folder("INBOX")
        client.idle()

        # when
        imap_mailbox.append(RAW_MESSAGE)
        responses = client.idle_check(timeout=5)
        client.idle_done()

    # then
    assert (1, b"EXISTS") in responses


def test_dovecot_that_cannot_start_reports_why() -> None:
    """A server whose binary exits at once raises DovecotFailed instead of hanging."""
    server = DovecotServer(binary="/bin/false")

    with pytest.raises(DovecotFailed, match="exited with status 1"):
        server.start()

    assert not server.base_dir.exists()


# --- SMTP --------------------------------------------------------------------------------


def _email(to: str = "budi@pelanggan.test") -> EmailMessage:
    message = EmailMessage()
    message["From"] = SUPPORT_ADDRESS
    message["To"] = to
    message["Subject"] = "Re: Pesanan belum sampai"
    message.set_content("Pesanan #42 sudah dikirim hari ini.")
    return message


def test_smtp_captures_what_is_sent(smtp_server: SmtpCapture) -> None:
    """Envelope and bytes arrive as sent, and parse back into the same message."""
    # when
    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=5) as client:
        refused = client.sendmail(
            SUPPORT_ADDRESS, ["budi@pelanggan.test", "arsip@tokobuku.test"], RAW_MESSAGE
        )

    # then
    [captured] = smtp_server.wait_for(1)
    assert refused == {}
    assert captured.mail_from == SUPPORT_ADDRESS
    assert captured.rcpt_tos == ("budi@pelanggan.test", "arsip@tokobuku.test")
    assert captured.raw == RAW_MESSAGE
    assert captured.message["Subject"] == "Pesanan belum sampai"
    assert captured.authenticated_as is None
    assert captured.is_tls is False


def test_smtp_submission_needs_starttls_then_auth(smtp_submission: SmtpCapture) -> None:
    """The submission server offers AUTH only after STARTTLS, and records who logged in."""
    assert smtp_submission.cert_path is not None
    with smtplib.SMTP(smtp_submission.host, smtp_submission.port, timeout=5) as client:
        client.ehlo()
        offered_before_tls = client.has_extn("auth")
        client.starttls(context=_client_context(smtp_submission.cert_path))
        client.ehlo()
        client.login(SUPPORT_ADDRESS, SUPPORT_PASSWORD)
        client.send_message(_email())

    [captured] = smtp_submission.wait_for(1)
    assert offered_before_tls is False
    assert captured.authenticated_as == SUPPORT_ADDRESS
    assert captured.is_tls is True
    assert captured.message["To"] == "budi@pelanggan.test"
    assert captured.message.get_content() == "Pesanan #42 sudah dikirim hari ini.\n"


def test_smtp_refuses_mail_without_auth_or_with_a_wrong_password() -> None:
    """With credentials set, MAIL FROM needs a login, and a wrong password is refused."""
    with SmtpCapture(credentials={SUPPORT_ADDRESS: SUPPORT_PASSWORD}) as server:
        with smtplib.SMTP(server.host, server.port, timeout=5) as client:
            with pytest.raises(smtplib.SMTPSenderRefused) as refused:
                client.send_message(_email())
            with pytest.raises(smtplib.SMTPAuthenticationError) as wrong_password:
                client.login(SUPPORT_ADDRESS, "salah")

        assert refused.value.smtp_code == 530
        assert wrong_password.value.smtp_code == 535
        assert server.messages == []


def test_smtp_temporary_failure_once_then_success(smtp_server: SmtpCapture) -> None:
    """`fail_next` refuses the recipient once with the given code; the retry goes through."""
    # given
    smtp_server.fail_next("budi@pelanggan.test", 451, "4.3.0 Coba lagi nanti")

    # when
    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=5) as client:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as first_try:
            client.send_message(_email())
        client.send_message(_email())

    # then
    assert first_try.value.recipients == {"budi@pelanggan.test": (451, b"4.3.0 Coba lagi nanti")}
    assert [captured.rcpt_tos for captured in smtp_server.wait_for(1)] == [("budi@pelanggan.test",)]


def test_smtp_permanent_failure_every_time(smtp_server: SmtpCapture) -> None:
    """`fail_always` refuses the recipient on every attempt; nothing is captured."""
    smtp_server.fail_always("tidak-ada@pelanggan.test", 550, "5.1.1 Mailbox tidak ada")

    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=5) as client:
        for _attempt in range(2):
            with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
                client.send_message(_email(to="tidak-ada@pelanggan.test"))
            assert refused.value.recipients == {
                "tidak-ada@pelanggan.test": (550, b"5.1.1 Mailbox tidak ada")
            }

    assert smtp_server.messages == []


def test_smtp_failure_at_end_of_data(smtp_server: SmtpCapture) -> None:
    """With `at="data"` the recipient is accepted and the message refused after DATA."""
    smtp_server.fail_next("budi@pelanggan.test", 452, "4.3.1 Penyimpanan penuh", at="data")

    with (
        smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=5) as client,
        pytest.raises(smtplib.SMTPDataError) as refused,
    ):
        client.send_message(_email())

    assert (refused.value.smtp_code, refused.value.smtp_error) == (
        452,
        b"4.3.1 Penyimpanan penuh",
    )
    assert smtp_server.messages == []


def test_smtp_wait_for_times_out_with_the_count(smtp_server: SmtpCapture) -> None:
    """Waiting for mail that never comes fails quickly and says how many arrived."""
    with pytest.raises(TimeoutError, match="0 of 1 messages arrived"):
        smtp_server.wait_for(1, timeout=0.1)
