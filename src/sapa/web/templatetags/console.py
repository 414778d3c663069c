"""Small presentation helpers for the console templates."""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

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
