"""How promise events read on the ticket's timeline ("Promise made: … by Tue 25 Nov 17:00")."""

from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from sapa.core.models import Event

# Shown on the ticket timeline; promise.reminded and promise.followed_up are left out (the
# reminder is the owner's business, the follow-up shows as the message itself).
TIMELINE_VERBS = (
    "promise.made",
    "promise.rescheduled",
    "promise.due",
    "promise.kept",
    "promise.broken",
    "promise.cancelled",
    "promise.follow_up_skipped",
)


def _when(value: object) -> str:
    if not isinstance(value, str):
        return "?"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return formats.date_format(timezone.localtime(moment), "D j M H:i")


def describe_promise_event(event: Event) -> str:
    after = event.after
    text = str(after.get("text", ""))
    if event.verb == "promise.made":
        return _("Promise made: %(text)s, by %(due)s") % {
            "text": text,
            "due": _when(after.get("due_at")),
        }
    if event.verb == "promise.rescheduled":
        return _("Promise moved to %(due)s") % {"due": _when(after.get("due_at"))}
    if event.verb == "promise.due":
        return _("Promise due now: was it kept?")
    if event.verb == "promise.kept":
        return _("Promise kept: %(text)s") % {"text": text}
    if event.verb == "promise.broken":
        return _("Promise broken: %(text)s") % {"text": text}
    if event.verb == "promise.cancelled":
        return _("Promise cancelled: %(text)s") % {"text": text}
    return _("Follow-up to the customer not sent: %(why)s") % {"why": after.get("why", "")}
