"""Telegram bots Sapa answers as, and every update Telegram sent to them, kept raw."""

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sapa.accounts.models import Team
from sapa.core import clock

DEFAULT_API_BASE_URL = "https://api.telegram.org"


def new_webhook_secret() -> str:
    """The secret Telegram sends back in X-Telegram-Bot-Api-Secret-Token (1-256 characters
    of A-Z, a-z, 0-9, _ and -: exactly what token_urlsafe writes)."""
    return secrets.token_urlsafe(32)


def new_bot_key() -> str:
    """The bot's part of its webhook URL: not its id, so URLs cannot be guessed in turn."""
    return secrets.token_urlsafe(12)


class TelegramBot(models.Model):
    """One bot made with @BotFather; its customers are the Telegram users who write to it."""

    # "123456789:AA..." from @BotFather: the bot's password on the Bot API. Never shown back.
    token = models.CharField(max_length=200)
    # From getMe: the bot's own user id and @username (shown; customers search it).
    telegram_id = models.BigIntegerField(unique=True)
    username = models.CharField(max_length=64)
    name = models.CharField(max_length=120, blank=True)
    key = models.CharField(max_length=40, unique=True, default=new_bot_key)
    webhook_secret = models.CharField(max_length=256, default=new_webhook_secret)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Where the Bot API is: Telegram's, or a self-hosted telegram-bot-api server.
    api_base_url = models.CharField(max_length=300, default=DEFAULT_API_BASE_URL)
    is_active = models.BooleanField(default=True)
    webhook_set_at = models.DateTimeField(null=True, blank=True)
    # The Bot API's answer the last time something for this bot failed (setWebhook, a file).
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return f"@{self.username}"

    @property
    def shown_token(self) -> str:
        """The token as the console shows it: the bot id and the last four characters."""
        bot_id, _sep, secret = self.token.partition(":")
        return f"{bot_id}:…{secret[-4:]}" if secret else "…"


class UpdateStatus(models.TextChoices):
    RECEIVED = "received", _("Waiting to be taken in")
    PROCESSED = "processed", _("Taken in")
    IGNORED = "ignored", _("Ignored")
    QUARANTINED = "quarantined", _("Quarantined")
    FAILED = "failed", _("Failed")


class TelegramUpdate(models.Model):
    """One webhook delivery as it arrived, whatever became of it: the raw body, what kind
    of update it was, and the message it became (or why it did not)."""

    bot = models.ForeignKey(TelegramBot, on_delete=models.CASCADE, related_name="updates")
    # Telegram's update_id: unique per bot; None when the body could not be read.
    update_id = models.BigIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=40, blank=True)
    status = models.CharField(
        max_length=16, choices=UpdateStatus.choices, default=UpdateStatus.RECEIVED
    )
    reason = models.TextField(blank=True)
    raw = models.TextField()
    size_bytes = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    message = models.ForeignKey(
        "conversations.Message",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    received_at = models.DateTimeField(default=clock.now)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["bot", "update_id"],
                condition=Q(update_id__isnull=False),
                name="telegram_update_bot_update_id",
            )
        ]
        indexes = [
            models.Index(fields=["status", "received_at"], name="telegram_update_status_idx"),
            models.Index(fields=["bot", "-received_at"], name="telegram_update_bot_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.bot_id}/{self.update_id} {self.status}"
