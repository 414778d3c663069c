"""SLA in templates: a ticket's clocks for its page, and the inbox rows' badges (loaded for
the whole page in one query)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _

from sapa.conversations.models import Ticket
from sapa.core import clock
from sapa.sla.calendars import local_due
from sapa.sla.models import SlaClock, SlaMetric, Zone
from sapa.sla.queries import BadgeState, SlaBadge, due_for_tickets, open_clocks_of

register = template.Library()


def _span(seconds: float) -> str:
    """ "2 jam, 30 menit": a duration to two units."""
    now = clock.now()
    return timeuntil(now + timedelta(seconds=max(60, seconds)), now, depth=2)


@dataclass(frozen=True)
class ClockView:
    metric_label: str
    # "running", "warned", "overdue" or "paused": the CSS state and what the text says.
    state: str
    due_text: str
    time_text: str


def _view(sla_clock: SlaClock, now: datetime) -> ClockView:
    label = str(SlaMetric(sla_clock.metric).label)
    zone = sla_clock.calendar.zone if sla_clock.calendar is not None else Zone.WIB
    if sla_clock.due_at is None:
        left = sla_clock.target_seconds - sla_clock.elapsed_seconds
        return ClockView(
            label,
            "paused",
            _("paused"),
            _("%(time)s left, waiting on the customer") % {"time": _span(left)}
            if left > 0
            else _("overdue, waiting on the customer"),
        )
    due_text = local_due(sla_clock.due_at, zone)
    seconds = (sla_clock.due_at - now).total_seconds()
    if seconds <= 0 or sla_clock.breached_at is not None:
        return ClockView(
            label, "overdue", due_text, _("overdue by %(time)s") % {"time": _span(-seconds)}
        )
    state = "warned" if sla_clock.warned_at is not None else "running"
    return ClockView(label, state, due_text, _("in %(time)s") % {"time": _span(seconds)})


@register.simple_tag
def sla_clocks_of(ticket: Ticket) -> list[ClockView]:
    """The ticket's running and paused clocks, soonest due first."""
    now = clock.now()
    return [_view(c, now) for c in open_clocks_of(ticket)]


@register.simple_tag
def sla_badges(tickets: Iterable[Ticket]) -> dict[int, SlaBadge]:
    """Badges for every ticket of a list, in one query."""
    return due_for_tickets([t.pk for t in tickets], now=clock.now())


@register.simple_tag
def sla_badge(badges: dict[int, SlaBadge], ticket: Ticket) -> SafeString:
    """A compact badge: time left to the most pressing target, overdue, or paused."""
    badge = badges.get(ticket.pk)
    if badge is None:
        return SafeString("")
    metric = str(SlaMetric(badge.metric).label)
    if badge.state == BadgeState.PAUSED or badge.due_at is None:
        return format_html(
            '<span class="pill sla-pill sla-paused" title="{}">{}</span>',
            _("%(metric)s: paused, waiting on the customer") % {"metric": metric},
            _("SLA paused"),
        )
    title = _("%(metric)s due %(when)s") % {
        "metric": metric,
        "when": local_due(badge.due_at, badge.zone),
    }
    seconds = (badge.due_at - clock.now()).total_seconds()
    if badge.state == BadgeState.OVERDUE:
        text = _("overdue %(time)s") % {"time": timeuntil(clock.now(), badge.due_at, depth=1)}
    else:
        text = timeuntil(badge.due_at, clock.now(), depth=1) if seconds >= 60 else _("now")
    return format_html(
        '<span class="pill sla-pill sla-{}" title="{}">'
        '<span class="visually-hidden">{} </span>{}</span>',
        badge.state,
        title,
        _("SLA:"),
        text,
    )
