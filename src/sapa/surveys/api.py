"""API endpoints: survey responses, for export."""

from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from sapa.accounts.permissions import Permission, require
from sapa.api.auth import request_agent
from sapa.api.pagination import page_limit
from sapa.api.schemas import ErrorOut, Page
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput
from sapa.surveys.models import SurveyKind
from sapa.surveys.queries import ResponseFilters, response_page
from sapa.surveys.schemas import SurveyResponseOut

router = Router(tags=["surveys"])
ERRORS = {401: ErrorOut, 403: ErrorOut}


class ResponseQuery(Schema):
    kind: str | None = None
    answered: bool | None = None
    agent_id: int | None = None
    customer_id: int | None = None
    ticket_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    cursor: str | None = None
    limit: int | None = None


@router.get("/responses", response={200: Page[SurveyResponseOut], **ERRORS})
def responses(request: HttpRequest, query: Query[ResponseQuery]) -> dict[str, object]:
    """Survey responses (asked and answered), oldest first, for export (supervisors and
    admins; NPS and the surveys of tickets the caller may see). `kind`: csat, nps or ces;
    `answered`: true or false; `since`/`until`: when answered (ISO 8601)."""
    agent = request_agent(request)
    require(Actor.for_agent(agent), Permission.VIEW_REPORTS)
    if query.kind is not None and query.kind not in SurveyKind.values:
        raise InvalidInput(_("kind is one of csat, nps, ces."), loc=["query", "kind"])
    for name in ("since", "until"):
        moment = getattr(query, name)
        if moment is not None and moment.tzinfo is None:
            raise InvalidInput(_("Give a time zone offset, e.g. +07:00."), loc=["query", name])
    filters = ResponseFilters(
        kind=query.kind,
        answered=query.answered,
        agent_id=query.agent_id,
        customer_id=query.customer_id,
        ticket_id=query.ticket_id,
        since=query.since,
        until=query.until,
    )
    items, next_cursor = response_page(
        agent, filters, cursor=query.cursor, limit=page_limit(query.limit)
    )
    return {"items": items, "next_cursor": next_cursor}
