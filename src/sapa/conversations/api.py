"""API endpoints: inbound messages, tickets, replies and notes."""

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from sapa.accounts.models import Agent, Team
from sapa.accounts.permissions import Permission, require
from sapa.accounts.queries import get_agent, get_team
from sapa.api.auth import request_agent
from sapa.api.pagination import page_limit
from sapa.api.schemas import ErrorOut, Page
from sapa.channels.kinds import Channel
from sapa.channels.messages import InboundAttachment
from sapa.conversations import actions
from sapa.conversations.inbound_payload import inbound_message
from sapa.conversations.models import Attachment, Priority, Ticket, TicketStatus
from sapa.conversations.queries import (
    TicketFilters,
    TicketSort,
    access_ticket,
    get_ticket_for_display,
    list_tickets,
    message_page,
    visible_tickets,
)
from sapa.conversations.schemas import (
    InboundIn,
    InboundOut,
    MessageOut,
    MessagePageOut,
    NoteIn,
    ReplyIn,
    TicketDetailOut,
    TicketOut,
    TicketPatchIn,
)
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput, NotFound
from sapa.core.tags import normalise_tags

router = Router(tags=["tickets"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
TICKET_MESSAGES = 100


@router.post(
    "/inbound",
    response={201: InboundOut, 200: InboundOut, **ERRORS},
    tags=["inbound"],
    summary="Receive a message from any channel",
)
def receive(request: HttpRequest, payload: InboundIn) -> Status:
    """Store a customer's message: finds or creates the customer by address, threads it into
    a ticket, and returns the ids. Sending the same (channel, external_id) again returns the
    same ids with `created: false` and status 200."""
    integration = Actor.integration(request_agent(request))
    require(integration, Permission.RECEIVE_INBOUND)
    result = actions.receive_inbound(inbound_message(payload), via=integration)
    return Status(201 if result.created else 200, result)


class TicketQuery(Schema):
    status: str | None = None
    priority: Priority | None = None
    assignee: str | None = None
    team: int | None = None
    channel: Channel | None = None
    customer: int | None = None
    tag: str | None = None
    q: str = ""
    sort: TicketSort = TicketSort.ACTIVITY
    cursor: str | None = None
    limit: int | None = None


def _filters(query: TicketQuery, agent: Agent) -> TicketFilters:
    statuses = tuple(s for s in (query.status or "").split(",") if s)
    if any(s not in TicketStatus.values for s in statuses):
        raise InvalidInput(
            _("status is a comma-separated list of ticket statuses."), loc=["query", "status"]
        )
    assignee_id, unassigned = None, False
    if query.assignee == "me":
        assignee_id = agent.pk
    elif query.assignee == "none":
        unassigned = True
    elif query.assignee:
        if not query.assignee.isdigit():
            raise InvalidInput(
                _("assignee is an agent id, “me” or “none”."), loc=["query", "assignee"]
            )
        assignee_id = int(query.assignee)
    return TicketFilters(
        statuses=statuses,
        priority=query.priority,
        assignee_id=assignee_id,
        unassigned=unassigned,
        team_id=query.team,
        channel=query.channel,
        customer_id=query.customer,
        tag=query.tag.strip().lower() if query.tag else None,
        text=query.q,
    )


@router.get("/tickets", response={200: Page[TicketOut], **ERRORS})
def ticket_list(request: HttpRequest, query: Query[TicketQuery]) -> dict[str, object]:
    """Tickets the caller may see, most recent activity first, `limit` per page; pass
    `next_cursor` back as `cursor` for the next page."""
    agent = request_agent(request)
    items, next_cursor = list_tickets(
        agent,
        _filters(query, agent),
        cursor=query.cursor,
        limit=page_limit(query.limit),
        sort=query.sort,
    )
    return {"items": items, "next_cursor": next_cursor}


def _with_messages(ticket: Ticket) -> Ticket:
    messages, earlier = message_page(ticket, before=None, limit=TICKET_MESSAGES)
    ticket.recent_messages = messages  # type: ignore[attr-defined]
    ticket.earlier_messages_cursor = earlier  # type: ignore[attr-defined]
    return ticket


@router.get("/tickets/{ticket_id}", response={200: TicketDetailOut, **ERRORS})
def ticket_detail(request: HttpRequest, ticket_id: int) -> Ticket:
    """The ticket with its latest 100 messages (oldest first); earlier ones through
    `/tickets/{id}/messages?before=`."""
    return _with_messages(access_ticket(request_agent(request), ticket_id))


@router.get("/tickets/{ticket_id}/messages", response={200: MessagePageOut, **ERRORS})
def ticket_messages(
    request: HttpRequest, ticket_id: int, before: str | None = None, limit: int = TICKET_MESSAGES
) -> dict[str, object]:
    ticket = access_ticket(request_agent(request), ticket_id)
    items, earlier = message_page(ticket, before=before, limit=page_limit(limit))
    return {"items": items, "earlier_cursor": earlier}


def _changes(payload: TicketPatchIn) -> actions.TicketChanges:
    given = payload.model_fields_set
    assignee: actions.Change[Agent | None] | None = None
    team: actions.Change[Team | None] | None = None
    try:
        if "assignee_id" in given:
            assignee = actions.Change(
                get_agent(payload.assignee_id) if payload.assignee_id else None
            )
    except NotFound as error:
        raise InvalidInput(error.message, loc=["body", "assignee_id"]) from error
    try:
        if "team_id" in given:
            team = actions.Change(get_team(payload.team_id) if payload.team_id else None)
    except NotFound as error:
        raise InvalidInput(error.message, loc=["body", "team_id"]) from error
    tags = normalise_tags(payload.tags, loc=["body", "tags"]) if payload.tags is not None else None
    return actions.TicketChanges(
        status=payload.status, priority=payload.priority, assignee=assignee, team=team, tags=tags
    )


@router.patch("/tickets/{ticket_id}", response={200: TicketDetailOut, **ERRORS})
def ticket_update(request: HttpRequest, ticket_id: int, payload: TicketPatchIn) -> Ticket:
    """Change status, priority, assignee (`null`: unassign), team and tags (the full set).

    Answers with the changed ticket even when the change moved it out of the caller's sight
    (to another team): the caller could see it when asking."""
    agent = request_agent(request)
    ticket = access_ticket(agent, ticket_id)
    actions.change_ticket(ticket, _changes(payload), actor=Actor.for_agent(agent))
    return _with_messages(get_ticket_for_display(ticket_id))


@router.post("/tickets/{ticket_id}/replies", response={201: MessageOut, **ERRORS})
def ticket_reply(request: HttpRequest, ticket_id: int, payload: ReplyIn) -> Status:
    """Reply to the customer (on `channel`, by default the one they last used)."""
    agent = request_agent(request)
    ticket = access_ticket(agent, ticket_id)
    message = actions.reply(
        ticket,
        text=payload.text,
        html=payload.html,
        channel=payload.channel,
        status_after=payload.status,
        actor=Actor.for_agent(agent),
        attachments=tuple(
            InboundAttachment(filename=a.name, content_type=a.content_type, content=a.decoded())
            for a in payload.attachments
        ),
    )
    return Status(201, message)


@router.post("/tickets/{ticket_id}/notes", response={201: MessageOut, **ERRORS})
def ticket_note(request: HttpRequest, ticket_id: int, payload: NoteIn) -> Status:
    """Add an internal note, seen by agents only."""
    agent = request_agent(request)
    ticket = access_ticket(agent, ticket_id)
    note = actions.add_note(
        ticket, text=payload.text, html=payload.html, actor=Actor.for_agent(agent)
    )
    return Status(201, note)


@router.get(
    "/attachments/{attachment_id}", url_name="attachment_content", response={200: None, **ERRORS}
)
def attachment_content(request: HttpRequest, attachment_id: int) -> FileResponse:
    """The attachment's bytes, for agents who may see its ticket."""
    agent = request_agent(request)
    attachment = Attachment.objects.filter(
        pk=attachment_id, message__ticket__in=visible_tickets(agent)
    ).first()
    if attachment is None:
        raise NotFound()
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.filename
    )
    response["Content-Type"] = attachment.content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response
