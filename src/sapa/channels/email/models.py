"""Mailboxes Sapa reads and sends from, and every email that came in, kept raw."""

import zlib

from django.db import models
from django.utils.translation import gettext_lazy as _

from sapa.accounts.models import Team
from sapa.core import clock


class Mailbox(models.Model):
    """One support address: where its mail is read (IMAP, or pushed over HTTP / the CLI),
    how replies leave (SMTP), and the team its new tickets go to."""

    address = models.EmailField(max_length=254, unique=True)
    # The name in From, after the agent's ("Ani (Toko Buku Sapa)").
    name = models.CharField(max_length=120)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    # Other addresses that deliver into this mailbox (one per line): mail from any of them
    # is our own and is never answered.
    aliases = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    # imaps://user:password@host:993/INBOX (or imap:// with STARTTLS, imap+plain:// without
    # TLS, for tests); empty when mail is pushed over HTTP or the CLI.
    imap_url = models.CharField(max_length=500, blank=True)
    # Where a taken-in message is moved on the server; empty: it is only marked seen.
    imap_move_to = models.CharField(max_length=200, blank=True)
    # smtps://user:password@host:465, smtp://...:587 (STARTTLS) or smtp+plain://; empty: the
    # site's default (Django's EMAIL_* settings).
    smtp_url = models.CharField(max_length=500, blank=True)
    # Answer a customer's first mail with an acknowledgement carrying the ticket number.
    auto_acknowledge = models.BooleanField(default=False)
    # Configured by SAPA_EMAIL_MAILBOXES: the environment owns it, the console only shows it.
    from_environment = models.BooleanField(default=False)
    # Which worker polls it, until when (one poller per mailbox at a time).
    poll_owner = models.CharField(max_length=120, blank=True)
    poll_lease_until = models.DateTimeField(null=True, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_poll_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["address"]
        verbose_name_plural = "mailboxes"

    def __str__(self) -> str:
        return self.address

    @property
    def own_addresses(self) -> set[str]:
        aliases = {line.strip().lower() for line in self.aliases.splitlines() if line.strip()}
        return {self.address.lower(), *aliases}

    @property
    def domain(self) -> str:
        return self.address.rsplit("@", 1)[-1].lower()


class InboundStatus(models.TextChoices):
    PROCESSED = "processed", _("Taken in")
    DUPLICATE = "duplicate", _("Duplicate")
    QUARANTINED = "quarantined", _("Quarantined")
    IGNORED = "ignored", _("Ignored (our own mail)")
    BOUNCE = "bounce", _("Bounce")
    DISCARDED = "discarded", _("Discarded")


class InboundSource(models.TextChoices):
    IMAP = "imap", _("IMAP")
    HTTP = "http", _("HTTP")
    CLI = "cli", _("Command line")


class InboundEmail(models.Model):
    """One email as it arrived, kept compressed whatever became of it: the original an agent
    can open, and what a quarantined message is re-processed from."""

    mailbox = models.ForeignKey(Mailbox, null=True, on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(max_length=8, choices=InboundSource.choices)
    status = models.CharField(max_length=16, choices=InboundStatus.choices)
    # Why it was quarantined, ignored or taken as a bounce.
    reason = models.TextField(blank=True)
    # The Message-ID (or, when it has none, one derived from its bytes).
    message_id = models.CharField(max_length=500)
    sender = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    size_bytes = models.BigIntegerField()
    raw_compressed = models.BinaryField()
    # The ticket message it became (none for a quarantined, ignored or bounce email).
    ticket_message = models.OneToOneField(
        "conversations.Message",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_email",
    )
    received_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mailbox", "message_id"], name="inbound_email_mailbox_message_id"
            )
        ]
        indexes = [
            models.Index(fields=["status", "-received_at"], name="inbound_email_status_idx"),
            models.Index(fields=["message_id"], name="inbound_email_message_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.status} {self.message_id}"

    @property
    def raw(self) -> bytes:
        return zlib.decompress(bytes(self.raw_compressed))

    @staticmethod
    def compress(raw: bytes) -> bytes:
        # Level 6: most of the gain of 9 at a third of the cost (ingest speed matters).
        return zlib.compress(raw, 6)
