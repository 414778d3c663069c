"""The bot's configuration (settings and menu tree) and its state in each conversation."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from sapa.accounts.models import Team
from sapa.core import clock


class BotSettings(models.Model):
    """One row (pk=1): what an admin sets for the bot without code."""

    enabled = models.BooleanField(default=True)
    # Channels the bot answers on (chat now; WhatsApp and Telegram reuse it).
    channels = models.JSONField(default=list, blank=True)
    # Where a hand-off goes when the menu entry names no team.
    handoff_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Customers with this tag go to a person at once.
    vip_tag = models.CharField(max_length=50, default="vip", blank=True)
    # Weekly opening hours of the people behind the bot (see sapa.core.business_hours).
    business_hours = models.CharField(
        max_length=300, default="mon-fri 08:00-17:00; sat 08:00-12:00", blank=True
    )
    # Rough first-answer time during opening hours, told to the customer at hand-off.
    reply_minutes = models.PositiveIntegerField(default=15)
    greeting = models.TextField(blank=True)
    greeting_en = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bot settings")
        verbose_name_plural = _("bot settings")

    def __str__(self) -> str:
        return "bot settings"


class MenuAction(models.TextChoices):
    MENU = "menu", _("Sub-menu")
    ANSWER = "answer", _("Fixed answer")
    ARTICLE = "article", _("Help article")
    ORDER_STATUS = "order_status", _("Order status check")
    HANDOFF = "handoff", _("Hand over to a person")


class MenuNode(models.Model):
    """One entry of a menu tree. The roots (no parent) are whole menus, named by `menu`:
    "chat" for the chat and messaging bot, "phone" for the phone's IVR. A leaf answers,
    runs a flow, or hands over to a team."""

    menu = models.SlugField(max_length=40, default="chat")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    position = models.PositiveSmallIntegerField(default=0)
    # What the customer types or presses to choose it ("1".."9", "0").
    key = models.CharField(max_length=4, blank=True)
    label = models.CharField(max_length=120)
    label_en = models.CharField(max_length=120, blank=True)
    action = models.CharField(max_length=16, choices=MenuAction.choices)
    # The fixed answer, or a sub-menu's prompt.
    text = models.TextField(blank=True)
    text_en = models.TextField(blank=True)
    article = models.ForeignKey(
        "kb.Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["menu", "parent_id", "position", "pk"]
        indexes = [models.Index(fields=["menu", "parent", "position"], name="bot_menu_tree_idx")]

    def __str__(self) -> str:
        return f"{self.key}. {self.label}" if self.key else self.label

    def label_in(self, lang: str) -> str:
        return self.label_en if lang == "en" and self.label_en else self.label

    def text_in(self, lang: str) -> str:
        return self.text_en if lang == "en" and self.text_en else self.text


class BotState(models.TextChoices):
    START = "start", _("Listening")
    MENU = "menu", _("Showing a menu")
    ORDER_NUMBER = "order_number", _("Waiting for an order number")
    VERIFY = "verify", _("Waiting for the order's email or phone")
    FEEDBACK = "feedback", _("Asked whether the answer helped")
    CHOICES = "choices", _("Offered articles to choose from")
    HANDED_OFF = "handed_off", _("Handed over to a person")


class BotConversation(models.Model):
    """The bot's memory of one ticket: where the dialogue is and what it learned."""

    ticket = models.OneToOneField(
        "conversations.Ticket", on_delete=models.CASCADE, related_name="bot"
    )
    state = models.CharField(max_length=16, choices=BotState.choices, default=BotState.START)
    lang = models.CharField(max_length=2, default="id")
    # Dialogue details: the menu node shown, the order asked about, offered articles...
    data = models.JSONField(default=dict, blank=True)
    # Everything the customer told so far (order_number, email, phone, tracking_number).
    entities = models.JSONField(default=dict, blank=True)
    last_intent = models.CharField(max_length=20, blank=True)
    # Answers in a row the bot could not give (two hand the chat over).
    misses = models.PositiveSmallIntegerField(default=0)
    turns = models.PositiveIntegerField(default=0)
    handed_off_at = models.DateTimeField(null=True, blank=True)
    handoff_reason = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"bot on ticket {self.ticket_id}: {self.state}"
