"""SLA events as the ticket timeline shows them."""

from datetime import datetime

from django.utils.translation import gettext as _

from sapa.core.models import Event
from sapa.sla.calendars import local_due
from sapa.sla.models import SlaMetric, Zone

TIMELINE_VERBS = ("sla.warning", "sla.breached")


def describe_sla_event(event: Event) -> str:
    """ "SLA warning: First response due Sat 11:30 WIB" / "SLA missed: ..."."""
    metric = event.after.get("metric", "")
    label = str(SlaMetric(metric).label) if metric in SlaMetric.values else metric
    try:
        due = local_due(
            datetime.fromisoformat(str(event.after.get("due_at"))),
            str(event.after.get("zone", Zone.WIB)),
        )
    except ValueError:
        due = ""
    if event.verb == "sla.warning":
        return _("SLA warning: %(metric)s due %(when)s") % {"metric": label, "when": due}
    return _("SLA missed: %(metric)s was due %(when)s") % {"metric": label, "when": due}
