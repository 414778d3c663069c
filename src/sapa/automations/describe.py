"""How automation runs read on a ticket's timeline."""

from django.utils.translation import gettext as _

from sapa.automations.catalog import ACTIONS
from sapa.core.models import Event

TIMELINE_VERBS = ("automation.ran",)


def describe_automation_event(event: Event) -> str:
    after = event.after
    name = str(after.get("name", ""))
    if after.get("outcome") == "skipped":
        return _(
            "Rule “%(name)s” skipped: this ticket reached its automation runs for the hour"
        ) % {"name": name}
    done = ", ".join(
        str(ACTIONS[kind].label) if kind in ACTIONS else str(kind)
        for kind in after.get("actions", [])
    )
    if after.get("outcome") == "failed":
        return _("Rule “%(name)s” ran with errors; done: %(actions)s") % {
            "name": name,
            "actions": done or "—",
        }
    return _("Rule “%(name)s” ran: %(actions)s") % {"name": name, "actions": done or "—"}
