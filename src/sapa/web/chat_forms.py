"""Forms of the Chat widgets and Bot pages: they parse; the actions in
sapa.channels.chat.config and sapa.bot.config validate the rules and write."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sapa.accounts.models import Team
from sapa.bot.config import BOT_CHANNELS, BotSettingsChanges, MenuEntry
from sapa.bot.models import BotSettings, MenuAction, MenuNode
from sapa.channels.chat.config import MAX_UPLOAD_BYTES, WidgetSettings
from sapa.channels.chat.models import DEFAULT_MAX_UPLOAD_BYTES, ChatWidget
from sapa.channels.kinds import Channel
from sapa.kb.models import Article

MEGABYTE = 1024 * 1024
PRECHAT_CHOICES = (
    ("name", _("Name")),
    ("email", _("Email")),
    ("whatsapp", _("WhatsApp number")),
)


def _teams(empty_label: Any) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        Team.objects.order_by("name"), required=False, empty_label=empty_label
    )


class WidgetForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("For agents: which site this chat is on."),
    )
    title = forms.CharField(
        label=_("Title in the chat (Indonesian)"),
        max_length=80,
        required=False,
        help_text=_("Shown at the top of the chat window. Empty: the name."),
    )
    title_en = forms.CharField(
        label=_("Title in the chat (English)"), max_length=80, required=False
    )
    allowed_origins = forms.CharField(
        label=_("Sites allowed to show the chat"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text=_("One origin per line, e.g. https://tokobuku.example (no path)."),
    )
    team = forms.ModelChoiceField(
        Team.objects.order_by("name"),
        label=_("Team for new chats"),
        required=False,
        empty_label=_("No team"),
    )
    colour = forms.CharField(
        label=_("Colour"),
        max_length=7,
        initial="#0f766e",
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    prechat_fields = forms.MultipleChoiceField(
        label=_("Ask before the chat starts"),
        choices=PRECHAT_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    prechat_required = forms.BooleanField(label=_("The visitor must fill them in"), required=False)
    business_hours = forms.CharField(
        label=_("Opening hours"),
        max_length=300,
        required=False,
        help_text=_("e.g. mon-fri 08:00-17:00; sat 08:00-12:00. Empty: the bot's opening hours."),
    )
    bot_enabled = forms.BooleanField(label=_("The bot answers first"), required=False)
    max_upload_megabytes = forms.IntegerField(
        label=_("Largest file a visitor may send (MB)"),
        min_value=1,
        max_value=MAX_UPLOAD_BYTES // MEGABYTE,
    )
    is_active = forms.BooleanField(label=_("Active (the chat shows on the site)"), required=False)

    def __init__(self, data: Any = None, *, widget: ChatWidget | None = None) -> None:
        initial: dict[str, Any] = {
            "is_active": True,
            "bot_enabled": True,
            "colour": "#0f766e",
            "max_upload_megabytes": DEFAULT_MAX_UPLOAD_BYTES // MEGABYTE,
        }
        if widget is not None:
            initial = {
                "name": widget.name,
                "title": widget.title,
                "title_en": widget.title_en,
                "allowed_origins": widget.allowed_origins,
                "team": widget.team_id,
                "colour": widget.colour,
                "prechat_fields": list(widget.prechat_fields),
                "prechat_required": widget.prechat_required,
                "business_hours": widget.business_hours,
                "bot_enabled": widget.bot_enabled,
                "max_upload_megabytes": max(1, widget.max_upload_bytes // MEGABYTE),
                "is_active": widget.is_active,
            }
        super().__init__(data, initial=initial)

    def settings(self) -> WidgetSettings:
        data = self.cleaned_data
        return WidgetSettings(
            name=data["name"],
            allowed_origins=data["allowed_origins"],
            team_id=data["team"].pk if data["team"] else None,
            title=data["title"],
            title_en=data["title_en"],
            colour=data["colour"],
            prechat_fields=tuple(data["prechat_fields"]),
            prechat_required=data["prechat_required"],
            business_hours=data["business_hours"],
            bot_enabled=data["bot_enabled"],
            max_upload_bytes=data["max_upload_megabytes"] * MEGABYTE,
            is_active=data["is_active"],
        )


class BotSettingsForm(forms.Form):
    enabled = forms.BooleanField(label=_("The bot answers"), required=False)
    channels = forms.MultipleChoiceField(
        label=_("On these channels"),
        choices=[(c.value, c.label) for c in Channel if c in BOT_CHANNELS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    handoff_team = forms.ModelChoiceField(
        Team.objects.order_by("name"),
        label=_("Hand over to team"),
        required=False,
        empty_label=_("No team (the shared queue)"),
        help_text=_("Where a chat goes when a menu entry names no team."),
    )
    vip_tag = forms.CharField(
        label=_("VIP tag"),
        max_length=50,
        required=False,
        help_text=_("Customers with this tag go to a person at once."),
    )
    business_hours = forms.CharField(
        label=_("Opening hours"),
        max_length=300,
        required=False,
        help_text=_("e.g. mon-fri 08:00-17:00; sat 08:00-12:00. Empty: around the clock."),
    )
    reply_minutes = forms.IntegerField(
        label=_("Usual first reply (minutes)"),
        min_value=1,
        help_text=_("Told to the customer when the bot hands over during opening hours."),
    )
    greeting = forms.CharField(
        label=_("Greeting (Indonesian)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    greeting_en = forms.CharField(
        label=_("Greeting (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, data: Any = None, *, current: BotSettings) -> None:
        initial = {
            "enabled": current.enabled,
            "channels": list(current.channels),
            "handoff_team": current.handoff_team_id,
            "vip_tag": current.vip_tag,
            "business_hours": current.business_hours,
            "reply_minutes": current.reply_minutes,
            "greeting": current.greeting,
            "greeting_en": current.greeting_en,
        }
        super().__init__(data, initial=initial)

    def changes(self) -> BotSettingsChanges:
        data = self.cleaned_data
        return BotSettingsChanges(
            enabled=data["enabled"],
            channels=tuple(data["channels"]),
            handoff_team_id=data["handoff_team"].pk if data["handoff_team"] else None,
            vip_tag=data["vip_tag"],
            business_hours=data["business_hours"],
            reply_minutes=data["reply_minutes"],
            greeting=data["greeting"],
            greeting_en=data["greeting_en"],
        )


class MenuEntryForm(forms.Form):
    key = forms.CharField(
        label=_("Key"),
        max_length=4,
        required=False,
        help_text=_("What the customer types to choose it: 1 to 9, or 0 for a person."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}),
    )
    label = forms.CharField(label=_("Label (Indonesian)"), max_length=120)
    label_en = forms.CharField(label=_("Label (English)"), max_length=120, required=False)
    action = forms.ChoiceField(label=_("What it does"), choices=MenuAction.choices)
    text = forms.CharField(
        label=_("Answer or prompt (Indonesian)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The fixed answer; for a sub-menu, the line shown above its entries."),
    )
    text_en = forms.CharField(
        label=_("Answer or prompt (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    article = forms.ModelChoiceField(
        Article.objects.filter(internal=False, translation_of__isnull=True).order_by("title"),
        label=_("Help article"),
        required=False,
        empty_label=_("Choose an article"),
    )
    team = forms.ModelChoiceField(
        Team.objects.order_by("name"),
        label=_("Hand over to team"),
        required=False,
        empty_label=_("The bot's hand-off team"),
    )
    is_active = forms.BooleanField(label=_("Shown to customers"), required=False)

    def __init__(
        self, data: Any = None, *, node: MenuNode | None = None, is_root: bool = False
    ) -> None:
        initial: dict[str, Any] = {"is_active": True, "action": MenuAction.ANSWER}
        if node is not None:
            initial = {
                "key": node.key,
                "label": node.label,
                "label_en": node.label_en,
                "action": node.action,
                "text": node.text,
                "text_en": node.text_en,
                "article": node.article_id,
                "team": node.team_id,
                "is_active": node.is_active,
            }
        super().__init__(data, initial=initial)
        if is_root:
            # A menu's top entry is always a menu, chosen by nobody.
            del self.fields["key"]
            del self.fields["action"]
            del self.fields["article"]
            del self.fields["team"]

    def entry(self) -> MenuEntry:
        data = self.cleaned_data
        article, team = data.get("article"), data.get("team")
        return MenuEntry(
            key=data.get("key", ""),
            label=data["label"],
            label_en=data["label_en"],
            action=data.get("action", MenuAction.MENU),
            text=data["text"],
            text_en=data["text_en"],
            article_id=article.pk if article else None,
            team_id=team.pk if team else None,
            is_active=data["is_active"],
        )
