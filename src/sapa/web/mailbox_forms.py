"""The mailbox form of the console: it parses, validates and keeps stored passwords; the
`save_mailbox` action does the writing.

A server URL carries its password (imaps://user:password@host/INBOX). The console never
sends a stored password back to the browser: the URL fields show the URL without it, and a
separate password field, empty, means "keep the password you have" for as long as the URL
names the same user.
"""

from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from django import forms
from django.utils.translation import gettext_lazy as _

from sapa.accounts.models import Team
from sapa.channels.email.config import MailboxSettings
from sapa.channels.email.models import Mailbox
from sapa.channels.email.servers import BadServerURL, parse_server_url

# (URL field, its password field, protocol)
SERVER_FIELDS = (("imap_url", "imap_password", "imap"), ("smtp_url", "smtp_password", "smtp"))


def _user_and_host(netloc: str) -> tuple[str, str]:
    userinfo, _at, host = netloc.rpartition("@")
    return userinfo.split(":", 1)[0], host


def without_password(url: str) -> str:
    """`url` with the password taken out of it (all else as written)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return ""
    user, host = _user_and_host(parts.netloc)
    return urlunsplit(parts._replace(netloc=f"{user}@{host}" if user else host))


def with_password(url: str, password: str) -> str:
    """`url` with `password` put in after its user name (which it must have)."""
    parts = urlsplit(url)
    user, host = _user_and_host(parts.netloc)
    return urlunsplit(parts._replace(netloc=f"{user}:{quote(password, safe='')}@{host}"))


def shown_server_url(url: str, protocol: str) -> str:
    """A stored server URL for display: normalised, without its password."""
    if not url:
        return ""
    try:
        return parse_server_url(url, protocol).redacted()
    except BadServerURL:
        return without_password(url)


class ServerURLField(forms.CharField):
    """A server URL that is shown without its password, whether it is the stored URL or
    one the admin typed into a form that came back with an error."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=500, required=False, **kwargs)
        self.widget.attrs.update({"spellcheck": "false", "autocomplete": "off"})

    def prepare_value(self, value: Any) -> Any:
        return without_password(value) if isinstance(value, str) and value else value


def _password_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=200,
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )


class MailboxForm(forms.Form):
    address = forms.EmailField(label=_("Address"), max_length=254)
    name = forms.CharField(
        label=_("Name in From"),
        max_length=120,
        required=False,
        help_text=_("Shown after the agent's name: “Ani (Toko Buku Sapa)”. Empty: the address."),
    )
    team = forms.ModelChoiceField(
        Team.objects.order_by("name"),
        label=_("Team for new tickets"),
        required=False,
        empty_label=_("No team"),
    )
    aliases = forms.CharField(
        label=_("Other addresses"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Addresses that deliver into this mailbox, one per line. Mail sent from them is "
            "our own and is never answered."
        ),
    )
    imap_url = ServerURLField(
        label=_("Read mail from (IMAP URL)"),
        help_text=_(
            "Empty when mail is handed over by the mail server (HTTP or the command line)."
        ),
    )
    imap_password = _password_field(_("IMAP password"))
    imap_move_to = forms.CharField(
        label=_("Move taken-in mail to folder"),
        max_length=200,
        required=False,
        help_text=_("Empty: a taken-in message is only marked as read on the server."),
    )
    smtp_url = ServerURLField(
        label=_("Send replies through (SMTP URL)"),
        help_text=_("Empty: the site's default mail server."),
    )
    smtp_password = _password_field(_("SMTP password"))
    auto_acknowledge = forms.BooleanField(
        label=_("Answer a customer's first email with the ticket number"), required=False
    )
    is_active = forms.BooleanField(label=_("Active (mail is read and sent)"), required=False)

    def __init__(self, data: Any = None, *, mailbox: Mailbox | None = None) -> None:
        initial: dict[str, Any] = {"is_active": True}
        if mailbox is not None:
            initial = {
                "address": mailbox.address,
                "name": mailbox.name,
                "team": mailbox.team_id,
                "aliases": mailbox.aliases,
                # Shown without the password (ServerURLField.prepare_value).
                "imap_url": mailbox.imap_url,
                "imap_move_to": mailbox.imap_move_to,
                "smtp_url": mailbox.smtp_url,
                "auto_acknowledge": mailbox.auto_acknowledge,
                "is_active": mailbox.is_active,
            }
        super().__init__(data, initial=initial)
        self.mailbox = mailbox
        for url_field, password_field, _protocol in SERVER_FIELDS:
            stored = getattr(mailbox, url_field, "")
            if self._stored_password(stored):
                self.fields[password_field].widget.attrs["placeholder"] = _("(unchanged)")
                self.fields[password_field].help_text = _(
                    "A password is stored. Leave this empty to keep it (while the user name "
                    "in the URL stays the same)."
                )

    @staticmethod
    def _stored_password(url: str) -> str:
        try:
            return urlsplit(url).password or ""
        except ValueError:
            return ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for url_field, password_field, protocol in SERVER_FIELDS:
            if url_field not in data:
                continue
            try:
                data[url_field] = self._server_url(
                    data[url_field], data.get(password_field, ""), url_field, protocol
                )
            except forms.ValidationError as error:
                self.add_error(url_field, error)
        return data

    def _server_url(self, typed: str, password: str, url_field: str, protocol: str) -> str:
        """The URL to store: as typed, with the new password, or else with the stored one
        when the user name is unchanged. Raises ValidationError for a URL that is not one."""
        typed = typed.strip()
        if not typed:
            return ""
        try:
            parsed = parse_server_url(typed, protocol)
        except BadServerURL as error:
            raise forms.ValidationError(
                _("This is not a server URL Sapa can use: %(reason)s."),
                params={"reason": str(error)},
            ) from None
        if password:
            if not parsed.username:
                raise forms.ValidationError(
                    _("Write the user name in the URL (scheme://user@host) to use a password.")
                )
            return with_password(typed, password)
        if parsed.password:
            return typed
        stored = getattr(self.mailbox, url_field, "") if self.mailbox else ""
        stored_password = self._stored_password(stored)
        stored_user = unquote(urlsplit(stored).username or "") if stored else ""
        if stored_password and parsed.username and parsed.username == stored_user:
            return with_password(typed, unquote(stored_password))
        return typed

    def settings(self) -> MailboxSettings:
        data = self.cleaned_data
        return MailboxSettings(
            address=data["address"],
            name=data["name"],
            team_id=data["team"].pk if data["team"] else None,
            aliases=data["aliases"],
            imap_url=data["imap_url"],
            imap_move_to=data["imap_move_to"],
            smtp_url=data["smtp_url"],
            auto_acknowledge=data["auto_acknowledge"],
            is_active=data["is_active"],
        )
