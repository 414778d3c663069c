"""Real mail servers for the email-channel tests, on free loopback ports.

`DovecotServer` runs a private Dovecot (IMAP with STARTTLS on `port`, implicit TLS on
`tls_port`) from its own temporary directory; `SmtpCapture` is an aiosmtpd server that keeps
what it accepts and can be told to refuse a recipient. Both use a throwaway certificate
authority whose PEM (`cert_path`) clients pass as `cafile`.

Running as root (CI) versus as a normal user (a developer's machine):

- As a normal user, every Dovecot process runs as that user, so chrooting is switched off
  (only root may chroot).
- As root, Dovecot refuses two things: a login process running as root ("This process must
  not be run as root") and mail access as root ("Mail access not allowed for root"). So the
  login processes run as `dovenull` (created by the dovecot-core package; `nobody` if it is
  missing), chrooted into Dovecot's login directory as usual, and mail is read and written as
  `nobody`. That is why the server makes its own directory under the system temp dir with
  mode 0711 rather than using pytest's `tmp_path` (whose parent is 0700 root, which `nobody`
  cannot cross), and why the mail directory belongs to `nobody`.

Dovecot serves messages with CRLF line endings whatever was appended (it stores Maildir
files with LF), so a message appended with bare LF comes back with CRLF.
"""

from __future__ import annotations

import contextlib
import datetime
import email
import email.policy
import grp
import ipaddress
import os
import pwd
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, NamedTuple, Self

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from imapclient import IMAPClient

LOOPBACK = "127.0.0.1"
DOVECOT_BINARY = "/usr/sbin/dovecot"


def find_free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


# --- certificates --------------------------------------------------------------------------


@dataclass(frozen=True)
class LoopbackCertificate:
    """A server certificate for `localhost` / 127.0.0.1 and the CA that issued it.

    Clients trust `ca_path`; servers present `cert_path` with `key_path`.
    """

    ca_path: Path
    cert_path: Path
    key_path: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert_path, self.key_path)
        return context

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_path))


def issue_loopback_certificate(directory: Path) -> LoopbackCertificate:
    """Write a fresh CA and a server certificate signed by it into `directory`.

    A separate CA (rather than one self-signed leaf) keeps strict verifiers happy: Python 3.13
    turns on VERIFY_X509_STRICT in `ssl.create_default_context()`.
    """
    now = datetime.datetime.now(datetime.UTC)
    valid_from, valid_until = now - datetime.timedelta(days=1), now + datetime.timedelta(days=30)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Sapa test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from)
        .not_valid_after(valid_until)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )

    server_key = ec.generate_private_key(ec.SECP256R1())
    server_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from)
        .not_valid_after(valid_until)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(LOOPBACK))]
            ),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(server_key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )

    directory.mkdir(parents=True, exist_ok=True)
    certificate = LoopbackCertificate(
        ca_path=directory / "ca.pem",
        cert_path=directory / "server.pem",
        key_path=directory / "server.key",
    )
    certificate.ca_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    certificate.cert_path.write_bytes(server_cert.public_bytes(serialization.Encoding.PEM))
    certificate.key_path.touch(mode=0o600)
    certificate.key_path.write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return certificate


# --- IMAP: Dovecot -------------------------------------------------------------------------


class DovecotFailed(RuntimeError):
    """Dovecot did not start, or did not stop; the message ends with its log."""


class StoredMessage(NamedTuple):
    uid: int
    flags: tuple[str, ...]
    raw: bytes


@dataclass(frozen=True)
class _Accounts:
    """Who Dovecot's processes run as; see the module docstring for why root differs."""

    internal_user: str
    internal_group: str
    login_user: str
    mail_uid: int
    mail_gid: int
    chroot_login: bool

    @classmethod
    def for_current_process(cls) -> _Accounts:
        if os.geteuid() == 0:
            login_user = "dovenull" if _user_exists("dovenull") else "nobody"
            nobody = pwd.getpwnam("nobody")
            return cls(
                internal_user="root",
                internal_group="root",
                login_user=login_user,
                mail_uid=nobody.pw_uid,
                mail_gid=nobody.pw_gid,
                chroot_login=True,
            )
        try:
            user = pwd.getpwuid(os.geteuid()).pw_name
            group = grp.getgrgid(os.getegid()).gr_name
        except KeyError as error:
            raise DovecotFailed(
                f"uid {os.geteuid()} / gid {os.getegid()} has no passwd/group entry; Dovecot "
                "needs a user name to run its processes as"
            ) from error
        return cls(
            internal_user=user,
            internal_group=group,
            login_user=user,
            mail_uid=os.geteuid(),
            mail_gid=os.getegid(),
            chroot_login=False,
        )


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


class DovecotServer:
    """A private Dovecot IMAP server on loopback, for one test session.

    Users live in a passwd-file (`add_user`, before or after `start`); mail is Maildir with
    "/" as the folder separator. Use as a context manager, or call `start` and `stop`.
    """

    host = LOOPBACK

    def __init__(
        self, *, binary: str = DOVECOT_BINARY, startup_timeout_seconds: float = 10.0
    ) -> None:
        self.binary = binary
        self.startup_timeout_seconds = startup_timeout_seconds
        self.base_dir = Path(tempfile.mkdtemp(prefix="sapa-dovecot-"))
        self.port = find_free_port()
        self.tls_port = find_free_port()
        self._accounts = _Accounts.for_current_process()
        self._certificate = issue_loopback_certificate(self.base_dir / "tls")
        self.cert_path = self._certificate.ca_path
        self._passwords: dict[str, str] = {}
        self._users_lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None

    # lifecycle

    def start(self) -> None:
        """Write the configuration, start Dovecot, and wait until IMAP greets.

        Raises DovecotFailed (with Dovecot's log) if it exits or does not greet in time.
        """
        mail_dir = self.base_dir / "mail"
        mail_dir.mkdir()
        (self.base_dir / "state").mkdir()
        if os.geteuid() == 0:
            self.base_dir.chmod(0o711)  # the mail user must cross it to reach mail/
            os.chown(mail_dir, self._accounts.mail_uid, self._accounts.mail_gid)
        self._passwd_path.mkdir(mode=0o700)
        with self._users_lock:
            for address, password in self._passwords.items():
                self._write_user(address, password)
        self._config_path.write_text(self._config())
        with self._log_path.with_suffix(".out").open("wb") as output:
            self._process = subprocess.Popen(
                [self.binary, "-F", "-c", str(self._config_path)],
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_ready()

    def stop(self) -> None:
        """Stop Dovecot (SIGTERM, then SIGKILL after 10 s) and remove its directory."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        shutil.rmtree(self.base_dir, ignore_errors=True)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def log_text(self) -> str:
        """Dovecot's log so far (its own log file, then anything it printed)."""
        parts = []
        for path in (self._log_path, self._log_path.with_suffix(".out")):
            with contextlib.suppress(FileNotFoundError):
                parts.append(path.read_text(errors="replace"))
        return "".join(parts)

    # users and mail

    def add_user(self, address: str, password: str) -> None:
        """Create a mail account; Dovecot rereads the passwd-file on the next login."""
        for value in (address, password):
            if not value or re.search(r"[:\r\n]", value):
                raise ValueError(f"{value!r}: empty, or contains ':' or a line break")
        with self._users_lock:
            if address in self._passwords:
                raise ValueError(f"{address} already exists")
            self._passwords[address] = password
            if self._passwd_path.exists():
                self._write_user(address, password)

    @contextlib.contextmanager
    def connect(self, user: str) -> Iterator[IMAPClient]:
        """A logged-in IMAPClient (plain IMAP, UIDs on) for `user`; logs out afterwards."""
        client = IMAPClient(self.host, self.port, ssl=False, timeout=10)
        try:
            client.login(user, self._passwords[user])
            yield client
        finally:
            with contextlib.suppress(Exception):
                client.logout()

    def append(
        self, user: str, raw: bytes, folder: str = "INBOX", flags: Iterable[str] = ()
    ) -> int:
        """Store `raw` in `user`'s `folder` through IMAP APPEND; returns its UID."""
        with self.connect(user) as client:
            response = client.append(folder, raw, flags=tuple(flags))
        match = re.search(rb"\[APPENDUID \d+ (\d+)\]", response)
        if match is None:
            raise AssertionError(f"APPEND answered without APPENDUID: {response!r}")
        return int(match.group(1))

    def messages(self, user: str, folder: str = "INBOX") -> list[StoredMessage]:
        """Every message in `folder`, by UID, without marking any as seen.

        Flags leave out \\Recent, which only says which session saw the message first.
        """
        with self.connect(user) as client:
            client.select_folder(folder, readonly=True)
            uids = client.search("ALL")
            fetched = client.fetch(uids, ["FLAGS", "BODY.PEEK[]"]) if uids else {}
        return [
            StoredMessage(
                uid=uid,
                flags=tuple(_text(flag) for flag in data[b"FLAGS"] if flag.lower() != b"\\recent"),
                raw=data[b"BODY[]"],
            )
            for uid, data in sorted(fetched.items())
        ]

    def create_folder(self, user: str, name: str) -> None:
        """Create (and subscribe to) `name`, "/" separating levels: "Arsip/2024"."""
        with self.connect(user) as client:
            client.create_folder(name)
            client.subscribe_folder(name)

    # internals

    @property
    def _config_path(self) -> Path:
        return self.base_dir / "dovecot.conf"

    @property
    def _passwd_path(self) -> Path:
        return self.base_dir / "passwd"

    @property
    def _log_path(self) -> Path:
        return self.base_dir / "dovecot.log"

    def _write_user(self, address: str, password: str) -> None:
        # user:password:uid:gid:gecos:home:shell:extra — uid, gid and home come from the
        # global mail_uid / mail_gid / mail_home.
        with (self._passwd_path / address).open("a") as passwd:
            passwd.write(f"{address}:{{PLAIN}}{password}::::::\n")

    def _config(self) -> str:
        accounts = self._accounts
        login_chroot = "chroot = login" if accounts.chroot_login else "chroot ="
        return f"""\
# Generated by tests/channels/email/servers.py for one test session.
protocols = imap
listen = {self.host}
base_dir = {self.base_dir}/run
state_dir = {self.base_dir}/state
instance_name = sapa-test-{self.port}
log_path = {self._log_path}
shutdown_clients = yes

default_internal_user = {accounts.internal_user}
default_internal_group = {accounts.internal_group}
default_login_user = {accounts.login_user}
mail_uid = {accounts.mail_uid}
mail_gid = {accounts.mail_gid}
first_valid_uid = 1
first_valid_gid = 0

ssl = yes
ssl_cert = <{self._certificate.cert_path}
ssl_key = <{self._certificate.key_path}
disable_plaintext_auth = no
auth_mechanisms = plain login
# Wrong-password tests should not wait; the default is 2 s per failure.
auth_failure_delay = 0
auth_verbose = yes

mail_home = {self.base_dir}/mail/%u
mail_location = maildir:~/Maildir:LAYOUT=fs
mail_fsync = never
mail_max_userip_connections = 100
# New mail reaches IDLE through inotify; this is the fallback poll where inotify is absent.
mailbox_idle_check_interval = 1 secs

namespace inbox {{
  inbox = yes
  separator = /
  mailbox Drafts {{
    special_use = \\Drafts
    auto = subscribe
  }}
  mailbox Sent {{
    special_use = \\Sent
    auto = subscribe
  }}
  mailbox Junk {{
    special_use = \\Junk
    auto = subscribe
  }}
  mailbox Trash {{
    special_use = \\Trash
    auto = subscribe
  }}
}}

passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self._passwd_path}/%u
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {self._passwd_path}/%u
}}

service imap-login {{
  {login_chroot}
  inet_listener imap {{
    address = {self.host}
    port = {self.port}
  }}
  inet_listener imaps {{
    address = {self.host}
    port = {self.tls_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
  # Without this socket the auth process turns its per-IP penalty off; with it, every
  # failed login from 127.0.0.1 would delay the next one by 2, 4, 8, then 15 seconds.
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service stats {{
  # The mail processes run as the mail user, not as default_internal_group.
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""

    def _wait_until_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + self.startup_timeout_seconds
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self._fail(f"Dovecot exited with status {self._process.returncode}")
            if self._greets(self.port):
                return
            time.sleep(0.02)
        self._fail(f"Dovecot did not greet on port {self.port} in {self.startup_timeout_seconds} s")

    def _greets(self, port: int) -> bool:
        try:
            with socket.create_connection((self.host, port), timeout=1) as connection:
                return connection.recv(1024).startswith(b"* OK")
        except OSError:
            return False

    def _fail(self, reason: str) -> None:
        log = self.log_text()
        self.stop()
        raise DovecotFailed(f"{reason}\n--- dovecot log ---\n{log}")


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


# --- SMTP: aiosmtpd capture ----------------------------------------------------------------


@dataclass(frozen=True)
class CapturedMessage:
    """One message the capture server accepted, as it arrived."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes
    authenticated_as: str | None
    is_tls: bool

    @property
    def message(self) -> EmailMessage:
        """`raw` parsed, with CRLF read as LF so that `get_content()` gives plain text."""
        parsed = email.message_from_bytes(
            self.raw.replace(b"\r\n", b"\n"), policy=email.policy.default
        )
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass(frozen=True)
class _Refusal:
    code: int
    text: str

    @property
    def reply(self) -> str:
        return f"{self.code} {self.text}"


Stage = Literal["rcpt", "data"]


class SmtpCapture:
    """An SMTP server on loopback that keeps every message it accepts.

    `credentials` (login → password) turns on AUTH PLAIN/LOGIN and makes it required before
    MAIL FROM; `starttls` offers STARTTLS with a certificate clients verify against
    `cert_path`. `auth_require_tls` hides AUTH until STARTTLS, as real submission servers do.
    """

    host = LOOPBACK

    def __init__(
        self,
        *,
        credentials: Mapping[str, str] | None = None,
        starttls: bool = False,
        auth_require_tls: bool = False,
        certificate_dir: Path | None = None,
    ) -> None:
        self.port = find_free_port()
        self.credentials = dict(credentials) if credentials is not None else None
        self._lock = threading.Condition()
        self._messages: list[CapturedMessage] = []
        self._refusals: dict[tuple[str, Stage], deque[_Refusal]] = {}
        self._permanent_refusals: dict[tuple[str, Stage], _Refusal] = {}
        self._own_dir: Path | None = None
        self.cert_path: Path | None = None
        smtp_options: dict[str, Any] = {"auth_require_tls": auth_require_tls}
        if credentials is not None:
            smtp_options["authenticator"] = self._authenticate
        if starttls:
            if certificate_dir is None:
                certificate_dir = self._own_dir = Path(tempfile.mkdtemp(prefix="sapa-smtp-"))
            certificate = issue_loopback_certificate(certificate_dir)
            self.cert_path = certificate.ca_path
            smtp_options["tls_context"] = certificate.server_context()
        self._controller = Controller(
            _CaptureHandler(self),
            hostname=self.host,
            port=self.port,
            server_hostname="smtp.sapa.test",  # skips socket.getfqdn(), which can be slow
            **smtp_options,
        )

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()
        if self._own_dir is not None:
            shutil.rmtree(self._own_dir, ignore_errors=True)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def messages(self) -> list[CapturedMessage]:
        """A snapshot of the accepted messages, oldest first."""
        with self._lock:
            return list(self._messages)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[CapturedMessage]:
        """Block until at least `count` messages arrived; returns them.

        Raises TimeoutError naming how many did arrive.
        """
        with self._lock:
            if not self._lock.wait_for(lambda: len(self._messages) >= count, timeout):
                raise TimeoutError(
                    f"{len(self._messages)} of {count} messages arrived in {timeout} s"
                )
            return list(self._messages)

    def clear(self) -> None:
        """Forget captured messages and programmed refusals."""
        with self._lock:
            self._messages.clear()
            self._refusals.clear()
            self._permanent_refusals.clear()

    def fail_next(self, rcpt: str, code: int, text: str, *, at: Stage = "rcpt") -> None:
        """Answer `code text` once, the next time `rcpt` is given at RCPT TO (or, with
        `at="data"`, when a message to `rcpt` ends its DATA). Calls queue up in order."""
        with self._lock:
            self._refusals.setdefault((rcpt.lower(), at), deque()).append(_Refusal(code, text))

    def fail_always(self, rcpt: str, code: int, text: str, *, at: Stage = "rcpt") -> None:
        """Answer `code text` every time for `rcpt`, until `clear()`."""
        with self._lock:
            self._permanent_refusals[(rcpt.lower(), at)] = _Refusal(code, text)

    # called from the server's thread

    def _refusal_for(self, rcpt: str, at: Stage) -> _Refusal | None:
        key = (rcpt.lower(), at)
        with self._lock:
            queued = self._refusals.get(key)
            if queued:
                return queued.popleft()
            return self._permanent_refusals.get(key)

    def _record(self, message: CapturedMessage) -> None:
        with self._lock:
            self._messages.append(message)
            self._lock.notify_all()

    def _authenticate(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        mechanism: str,
        auth_data: Any,
    ) -> AuthResult:
        assert self.credentials is not None
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login = auth_data.login.decode("utf-8", "replace")
        password = auth_data.password.decode("utf-8", "replace")
        if self.credentials.get(login) != password:
            return AuthResult(success=False, handled=False)
        return AuthResult(success=True, auth_data=login)


class _CaptureHandler:
    """aiosmtpd hooks; they run on the controller's event-loop thread."""

    def __init__(self, capture: SmtpCapture) -> None:
        self.capture = capture

    async def handle_MAIL(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        # aiosmtpd's own auth_required warns when TLS is not also required; enforce it here.
        if self.capture.credentials is not None and not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        refusal = self.capture._refusal_for(address, "rcpt")
        if refusal is not None:
            return refusal.reply
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        for rcpt in envelope.rcpt_tos:
            refusal = self.capture._refusal_for(rcpt, "data")
            if refusal is not None:
                return refusal.reply
        raw = envelope.original_content
        assert isinstance(raw, bytes)
        assert envelope.mail_from is not None
        self.capture._record(
            CapturedMessage(
                mail_from=envelope.mail_from,
                rcpt_tos=tuple(envelope.rcpt_tos),
                raw=raw,
                authenticated_as=session.auth_data if session.authenticated else None,
                is_tls=session.ssl is not None,
            )
        )
        return "250 Message accepted for delivery"
