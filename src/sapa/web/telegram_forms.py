"""The form of the console's Telegram page: it parses; sapa.channels.telegram.config checks
the token with Telegram and writes. The token is never shown back: the field is a password
field, required for a new bot and, on an existing one, empty to keep the token."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sapa.accounts.models import Team
from sapa.channels.telegram.config import BotChoices
from sapa.channels.telegram.models import DEFAULT_API_BASE_URL, TelegramBot


class TelegramBotForm(forms.Form):
    token = forms.CharField(
        label=_("Bot token"),
        max_length=200,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("From @BotFather (/newbot or /token), like 123456789:AAH…"),
    )
    team = forms.ModelChoiceField(
        Team.objects.order_by("name"),
        label=_("Team for new conversations"),
        required=False,
        empty_label=_("No team"),
    )
    api_base_url = forms.CharField(
        label=_("Bot API address"),
        max_length=300,
        initial=DEFAULT_API_BASE_URL,
        help_text=_("Telegram's own unless you run a Bot API server yourself."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, bot: TelegramBot | None = None, **kwargs: Any) -> None:
        if bot is not None:
            kwargs.setdefault(
                "initial",
                {"team": bot.team_id, "api_base_url": bot.api_base_url, "is_active": bot.is_active},
            )
        super().__init__(*args, **kwargs)
        self.bot = bot
        if bot is not None:
            self.fields["token"].label = _("New bot token")
            self.fields["token"].help_text = _(
                "Only after /revoke at @BotFather; leave empty to keep the token."
            )

    def clean_token(self) -> str:
        token = str(self.cleaned_data.get("token") or "")
        if self.bot is None and not token:
            raise forms.ValidationError(_("Paste the bot's token."))
        return token

    def choices(self) -> BotChoices:
        team = self.cleaned_data.get("team")
        return BotChoices(
            team_id=team.pk if team else None,
            is_active=bool(self.cleaned_data.get("is_active")),
            api_base_url=str(self.cleaned_data.get("api_base_url") or ""),
        )
