"""Small presentation helpers for the console templates."""

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sapa.accounts.models import Agent, Role
from sapa.accounts.permissions import Permission, has_permission
from sapa.channels.kinds import Channel

register = template.Library()

_CHANNEL_LABELS = dict(Channel.choices)


@register.simple_tag
def channel_icon(channel: str) -> SafeString:
    """The channel's icon with its name for screen readers and as a tooltip."""
    label = _CHANNEL_LABELS.get(channel, _("Internal note"))
    symbol = channel if channel in _CHANNEL_LABELS else "note"
    return format_html(
        '<span class="channel ch-{}" title="{}"><svg class="icon" aria-hidden="true">'
        '<use href="#i-{}"></use></svg><span class="visually-hidden">{}</span></span>',
        symbol,
        label,
        symbol,
        label,
    )


@register.filter
def can_manage(user: object) -> bool:
    return isinstance(user, Agent) and (
        user.is_superuser or user.role in (Role.ADMIN, Role.SUPERVISOR)
    )


@register.filter
def can_manage_channels(user: object) -> bool:
    """Mailboxes, the email quarantine and every original (admins)."""
    return isinstance(user, Agent) and has_permission(user, Permission.MANAGE_CHANNELS)


@register.filter
def short_age(moment: datetime | None) -> str:
    """'5 menit' / '3 jam': how long ago, to one unit."""
    if moment is None:
        return ""
    if timezone.now() - moment < timedelta(minutes=1):
        return _("just now")
    return timesince(moment, depth=1)


@register.filter
def ago(moment: datetime | None) -> str:
    """'5 menit lalu' / 'baru saja': when, as a phrase."""
    if moment is None:
        return ""
    if timezone.now() - moment < timedelta(minutes=1):
        return _("just now")
    return _("%(age)s ago") % {"age": timesince(moment, depth=1)}


@register.filter
def money(amount_minor: int | None, currency: str = "IDR") -> str:
    """Integer minor units to a display amount: 189000 IDR -> 'Rp189.000'."""
    if amount_minor is None:
        return ""
    if currency == "IDR":
        return "Rp" + f"{amount_minor:,}".replace(",", ".")
    return f"{currency} {amount_minor / 100:,.2f}"


@register.filter
def can_edit_articles(user: object) -> bool:
    """Writing the knowledge base, including adding a customer's words as an example."""
    return isinstance(user, Agent) and has_permission(user, Permission.EDIT_ARTICLES)


@register.filter
def web_url(url: object) -> str:
    """`url` when it is an http(s) address a link may point at, else "" (a visitor's page
    address is whatever their browser said: never a javascript: link)."""
    if not isinstance(url, str):
        return ""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return ""
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else ""


_INTENTS = {
    "order_status": gettext_lazy("Order status"),
    "faq": gettext_lazy("Question"),
    "human": gettext_lazy("Wants a person"),
    "complaint": gettext_lazy("Complaint"),
    "greeting": gettext_lazy("Greeting"),
    "thanks": gettext_lazy("Thanks"),
    "goodbye": gettext_lazy("Goodbye"),
    "out_of_scope": gettext_lazy("Out of scope"),
}
_HANDOFF_REASONS = {
    "requested": gettext_lazy("The customer asked for a person"),
    "complaint": gettext_lazy("A complaint"),
    "vip": gettext_lazy("A VIP customer"),
    "menu": gettext_lazy("Chosen from the menu"),
    "verification": gettext_lazy("The order could not be verified"),
    "misses": gettext_lazy("The bot could not answer twice"),
}
_ENTITIES = {
    "order_number": gettext_lazy("Order number"),
    "email": gettext_lazy("Email"),
    "phone": gettext_lazy("Phone"),
    "tracking_number": gettext_lazy("Tracking number"),
}


@register.filter
def intent_label(intent: str) -> str:
    """What the bot understood a message as, in words (an unknown intent as its code)."""
    return str(_INTENTS.get(intent, intent))


@register.filter
def handoff_reason_label(reason: str) -> str:
    return str(_HANDOFF_REASONS.get(reason, reason))


@register.filter
def entity_label(name: str) -> str:
    return str(_ENTITIES.get(name, name))
