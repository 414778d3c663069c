"""What the surveys domain does when events are committed (see sapa.core.event_dispatch):

- ticket.status_changed to solved: plan the CSAT and rate the experience;
- ticket.reopened, or an agent moving a solved ticket back: withdraw a CSAT not sent yet
  and rate the experience again;
- message.received: a score typed in answer to a survey question is the answer;
- survey.answered / survey.changed with a low score: the team lead's follow-up;
- customer.merged_away: the surveys follow their tickets to the surviving customer.

Every step is idempotent; the hourly sweep (sapa.surveys.tasks) repairs what a lost
event missed.
"""

from sapa.conversations.models import Message, Ticket, TicketStatus
from sapa.core.actors import Actor
from sapa.core.models import Event
from sapa.surveys import actions
from sapa.surveys.models import Experience, SurveyKind, SurveyResponse

INTERESTED_IN: tuple[str, ...] = (
    "ticket.status_changed",
    "ticket.reopened",
    "message.received",
    "survey.answered",
    "survey.changed",
    "customer.merged_away",
)

_ACTOR = Actor.automation("surveys")


def on_events(events: list[Event]) -> None:
    # Scores typed in the conversation first: the re-open their message caused is then
    # known as the survey's and does not count against the experience.
    received = [e for e in events if e.verb == "message.received"]
    for event in [*received, *(e for e in events if e.verb != "message.received")]:
        if event.verb == "ticket.status_changed":
            _status_changed(event)
        elif event.verb == "ticket.reopened":
            _reopened(event.subject_id)
        elif event.verb == "message.received":
            message_id = event.after.get("message_id")
            if isinstance(message_id, int):
                _received(message_id)
        elif event.verb in ("survey.answered", "survey.changed"):
            actions.follow_up_low_score(event.subject_id)
        elif event.verb == "customer.merged_away":
            into_id = event.after.get("into_id")
            if isinstance(into_id, int):
                _move_to_customer(from_customer_id=event.subject_id, into_customer_id=into_id)


def _ticket(ticket_id: int) -> Ticket | None:
    return Ticket.objects.select_related("customer").filter(pk=ticket_id).first()


def _status_changed(event: Event) -> None:
    ticket = _ticket(event.subject_id)
    if ticket is None:
        return
    status, before = event.after.get("status"), event.before.get("status")
    if status == TicketStatus.SOLVED and ticket.status == TicketStatus.SOLVED:
        actions.plan_csat(ticket, agent_id=ticket.assignee_id or event.actor_agent_id, actor=_ACTOR)
    elif before == TicketStatus.SOLVED and status != TicketStatus.CLOSED:
        actions.withdraw_csat(ticket)
    actions.recompute_experience(ticket, actor=_ACTOR)


def _reopened(ticket_id: int) -> None:
    ticket = _ticket(ticket_id)
    if ticket is None:
        return
    actions.withdraw_csat(ticket)
    actions.recompute_experience(ticket, actor=_ACTOR)


def _received(message_id: int) -> None:
    message = Message.objects.select_related("ticket").filter(pk=message_id).first()
    if message is not None:
        actions.answer_from_message(message)


def _move_to_customer(*, from_customer_id: int, into_customer_id: int) -> None:
    """Surveys of a customer merged into another follow them; an NPS of a period the other
    customer was asked in too stays where it was (one NPS per customer and period)."""
    taken = SurveyResponse.objects.filter(customer_id=into_customer_id, kind=SurveyKind.NPS).values(
        "period"
    )
    SurveyResponse.objects.filter(customer_id=from_customer_id).exclude(
        kind=SurveyKind.NPS, period__in=taken
    ).update(customer_id=into_customer_id)
    Experience.objects.filter(customer_id=from_customer_id).update(customer_id=into_customer_id)
