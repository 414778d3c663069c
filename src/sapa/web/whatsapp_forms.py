"""The WhatsApp number form of the console: it parses; `save_account` validates and
writes. Secrets (access token, app secret, verify token) are never sent back to the
browser: their fields are empty, and empty means "keep the stored one"."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sapa.accounts.models import Team
from sapa.channels.whatsapp.config import SECRET_FIELDS, AccountSettings, shown_secret
from sapa.channels.whatsapp.models import (
    DEFAULT_API_VERSION,
    DEFAULT_GRAPH_BASE_URL,
    WhatsAppAccount,
)


def _secret_field(label: Any, help_text: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=1000,
        required=False,
        strip=True,
        help_text=help_text,
        widget=forms.PasswordInput(
            render_value=False, attrs={"autocomplete": "new-password", "spellcheck": "false"}
        ),
    )


class AccountForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("For agents: which number this is.")
    )
    display_phone_number = forms.CharField(
        label=_("Phone number"), max_length=32, required=False, help_text=_("As customers see it.")
    )
    phone_number_id = forms.CharField(
        label=_("Phone number ID"),
        max_length=64,
        help_text=_("WhatsApp Manager → API setup: “Phone number ID”."),
    )
    business_account_id = forms.CharField(
        label=_("WhatsApp Business Account ID"),
        max_length=64,
        help_text=_("Its message templates are read from this account."),
    )
    access_token = _secret_field(
        _("Access token"), _("A system user's permanent token with whatsapp_business_messaging.")
    )
    app_secret = _secret_field(
        _("App secret"), _("Meta app → Settings → Basic: webhooks are checked with it.")
    )
    verify_token = _secret_field(
        _("Verify token"), _("Any string you choose; type the same in Meta's webhook set-up.")
    )
    team = forms.ModelChoiceField(
        Team.objects.order_by("name"),
        label=_("Team for new tickets"),
        required=False,
        empty_label=_("No team"),
    )
    graph_base_url = forms.CharField(
        label=_("Graph API address"),
        max_length=300,
        required=False,
        help_text=_("Leave as it is unless you test against a stand-in."),
    )
    api_version = forms.CharField(label=_("API version"), max_length=16, required=False)
    is_active = forms.BooleanField(
        label=_("Active (messages are taken in and sent)"), required=False
    )

    def __init__(self, data: Any = None, *, account: WhatsAppAccount | None = None) -> None:
        initial: dict[str, Any] = {
            "is_active": True,
            "graph_base_url": DEFAULT_GRAPH_BASE_URL,
            "api_version": DEFAULT_API_VERSION,
        }
        if account is not None:
            initial = {
                "name": account.name,
                "display_phone_number": account.display_phone_number,
                "phone_number_id": account.phone_number_id,
                "business_account_id": account.business_account_id,
                "team": account.team_id,
                "graph_base_url": account.graph_base_url,
                "api_version": account.api_version,
                "is_active": account.is_active,
            }
        super().__init__(data, initial=initial)
        self.account = account
        for name in SECRET_FIELDS:
            stored = getattr(account, name, "") if account is not None else ""
            if stored:
                field = self.fields[name]
                field.widget.attrs["placeholder"] = _("(unchanged)")
                field.help_text = _("Stored: %(hint)s. Leave this empty to keep it.") % {
                    "hint": shown_secret(stored)
                }

    def settings(self) -> AccountSettings:
        data = self.cleaned_data
        team = data.get("team")
        return AccountSettings(
            name=data["name"],
            phone_number_id=data["phone_number_id"],
            business_account_id=data["business_account_id"],
            display_phone_number=data.get("display_phone_number") or "",
            access_token=data.get("access_token") or "",
            app_secret=data.get("app_secret") or "",
            verify_token=data.get("verify_token") or "",
            graph_base_url=data.get("graph_base_url") or DEFAULT_GRAPH_BASE_URL,
            api_version=data.get("api_version") or DEFAULT_API_VERSION,
            team_id=team.pk if team is not None else None,
            is_active=bool(data.get("is_active")),
        )
