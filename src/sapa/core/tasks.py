"""Background work of the core: handing committed events to the domains that react."""

from huey.contrib.djhuey import db_task

from sapa.core.event_dispatch import dispatch
from sapa.core.models import Event


@db_task()
def dispatch_events(event_ids: list[int]) -> None:
    dispatch(list(Event.objects.filter(pk__in=event_ids).order_by("pk")))
