"""Running one rule on one ticket: claim the run, check the per-ticket limit, perform the
actions through conversations' actions (as Actor.automation("<kind>:<rule id>")), record
the run and an "automation.ran" Event on the ticket.

Every action is tried on its own: one that fails (a closed ticket, a reply outside
WhatsApp's window) is recorded as failed and the others still happen.
"""

import logging
import re
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from sapa.accounts.models import Agent, Team
from sapa.automations.definitions import RuleAction, load_actions
from sapa.automations.models import AutomationRun, Rule, RuleKind, RunOutcome
from sapa.commerce.models import Order
from sapa.conversations.actions import (
    Change,
    TicketChanges,
    add_note,
    change_ticket,
    reply,
    tag_ticket,
)
from sapa.conversations.actions.notifications import notify
from sapa.conversations.models import NotificationKind, Priority, Ticket, TicketStatus
from sapa.conversations.placeholders import PlaceholderContext
from sapa.core import clock
from sapa.core.actions import record_event
from sapa.core.actors import Actor
from sapa.core.exceptions import SapaError

logger = logging.getLogger(__name__)

_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+\.[a-z_]+)\s*\}\}")
WEBHOOK_EVENT = "automation.webhook"


class _NotDone(Exception):
    """An action that could not be performed; the message says why."""


def send_webhook(*, url: str, secret: str, payload: dict[str, Any], ticket_id: int) -> None:
    """Hand a signed one-off delivery to sapa.webhooks (which retries and logs it)."""
    from sapa.webhooks.actions import send_one_off

    send_one_off(url=url, secret=secret, event=WEBHOOK_EVENT, payload=payload, ticket_id=ticket_id)


def fill_template(text: str, ticket: Ticket) -> str:
    """The macro placeholders ({{ customer.first_name }}, ...) filled in for an automatic
    message; a placeholder without a value is left out, never sent as written. The agent
    is the ticket's assignee, or the shop itself."""
    order = Order.objects.filter(customer_id=ticket.customer_id).order_by("-placed_at").first()
    agent = ticket.assignee or Agent(first_name=settings.SAPA_SHOP_NAME)
    values = PlaceholderContext(ticket=ticket, agent=agent, order=order).values()
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), ""), text)


def _recipients(action: RuleAction, ticket: Ticket) -> list[Agent]:
    if action.value == "assignee":
        if ticket.assignee_id is None:
            return []
        return list(Agent.objects.filter(pk=ticket.assignee_id))
    if action.value == "team":
        if ticket.team_id is None:
            return []
        return list(Agent.objects.filter(teams=ticket.team_id, is_active=True).order_by("pk"))
    return list(Agent.objects.filter(pk__in=action.value or [], is_active=True).order_by("pk"))


def _webhook_payload(rule: Rule, ticket: Ticket) -> dict[str, Any]:
    return {
        "rule": {"id": rule.pk, "name": rule.name, "kind": rule.kind},
        "ticket": {
            "id": ticket.pk,
            "number": ticket.number,
            "subject": ticket.subject,
            "status": ticket.status,
            "priority": ticket.priority,
            "channel": ticket.origin_channel,
            "team_id": ticket.team_id,
            "assignee_id": ticket.assignee_id,
            "tags": sorted(ticket.tags.values_list("name", flat=True)),
            "customer_id": ticket.customer_id,
        },
    }


def _perform(action: RuleAction, ticket: Ticket, *, rule: Rule, actor: Actor) -> dict[str, Any]:
    """Do one action; return what was done (for the run's record). Raises _NotDone,
    SapaError."""
    kind = action.type
    if kind == "set_priority":
        change_ticket(ticket, TicketChanges(priority=Priority(action.value)), actor=actor)
        return {"priority": action.value}
    if kind == "set_status":
        change_ticket(ticket, TicketChanges(status=TicketStatus(action.value)), actor=actor)
        return {"status": action.value}
    if kind == "set_team":
        team = Team.objects.filter(pk=action.value).first() if action.value else None
        if action.value and team is None:
            raise _NotDone("the team no longer exists")
        change_ticket(ticket, TicketChanges(team=Change(team)), actor=actor)
        return {"team_id": action.value}
    if kind == "assign":
        agent = None
        if action.value != "auto":
            agent = Agent.objects.filter(pk=action.value, is_active=True).first()
            if agent is None:
                raise _NotDone("the agent is not active")
        change_ticket(ticket, TicketChanges(assignee=Change(agent)), actor=actor)
        return {"assignee_id": agent.pk if agent else None}
    if kind in ("add_tags", "remove_tags"):
        names = list(action.value or [])
        if kind == "add_tags":
            tag_ticket(ticket, add=names, actor=actor)
        else:
            tag_ticket(ticket, add=[], remove=names, actor=actor)
        return {"tags": names}
    if kind == "required_skills":
        return {"skills": dict(action.value or {})}
    if kind == "send_reply":
        message = reply(ticket, text=fill_template(action.text, ticket), actor=actor)
        return {"message_id": message.pk, "channel": message.channel}
    if kind == "add_note":
        note = add_note(ticket, text=fill_template(action.text, ticket), actor=actor)
        return {"message_id": note.pk}
    if kind == "notify":
        agents = _recipients(action, ticket)
        notify(
            agents, ticket=ticket, kind=NotificationKind.AUTOMATION, actor=actor, detail=rule.name
        )
        return {"agent_ids": [agent.pk for agent in agents]}
    if kind == "call_webhook":
        send_webhook(
            url=str(action.value),
            secret=action.secret,
            payload=_webhook_payload(rule, ticket),
            ticket_id=ticket.pk,
        )
        return {"url": action.value}
    raise _NotDone("unknown action")


def _over_limit(ticket: Ticket, *, run: AutomationRun) -> bool:
    limit = settings.SAPA_AUTOMATION_RUNS_PER_TICKET_PER_HOUR
    since = clock.now() - timedelta(hours=1)
    recent = (
        AutomationRun.objects.filter(ticket=ticket, at__gte=since)
        .exclude(outcome=RunOutcome.SKIPPED)
        .exclude(pk=run.pk)
    )
    return recent.count() >= limit


def _claim(
    rule: Rule, ticket: Ticket, *, run_key: str, event_id: int | None
) -> AutomationRun | None:
    try:
        with transaction.atomic():
            return AutomationRun.objects.create(
                rule=rule,
                rule_name=rule.name,
                ticket=ticket,
                event_id=event_id,
                run_key=run_key[:120],
                at=clock.now(),
                outcome=RunOutcome.DONE,
            )
    except IntegrityError:
        return None


def run_rule(
    rule: Rule,
    ticket: Ticket,
    *,
    run_key: str,
    event_id: int | None = None,
    actions: tuple[RuleAction, ...] | None = None,
) -> AutomationRun | None:
    """Run `rule`'s actions (or `actions`) on `ticket`, once per `run_key`.

    Returns the run, or None when that key ran already (another worker, a repeated task).
    Over SAPA_AUTOMATION_RUNS_PER_TICKET_PER_HOUR runs on the ticket in the last hour
    (routing rules excepted), the run is recorded as skipped and nothing is done.
    """
    actor = Actor.automation(rule.label)
    with transaction.atomic():
        run = _claim(rule, ticket, run_key=run_key, event_id=event_id)
        if run is None:
            return None
        done: list[dict[str, Any]] = []
        if rule.kind != RuleKind.ROUTING and _over_limit(ticket, run=run):
            run.outcome = RunOutcome.SKIPPED
            run.detail = {"reason": "per_ticket_limit"}
        else:
            for action in actions if actions is not None else load_actions(rule.actions):
                done.append(_attempt(action, ticket, rule=rule, actor=actor))
            failed = any(not item["ok"] for item in done)
            run.outcome = RunOutcome.FAILED if failed else RunOutcome.DONE
            run.detail = {"actions": done}
        run.save(update_fields=["outcome", "detail"])
        record_event(
            actor,
            "automation.ran",
            ticket,
            after={
                "rule_id": rule.pk,
                "name": rule.name,
                "kind": rule.kind,
                "outcome": run.outcome,
                "actions": [item["type"] for item in done if item["ok"]],
                "reason": run.detail.get("reason", ""),
            },
        )
    return run


def _attempt(action: RuleAction, ticket: Ticket, *, rule: Rule, actor: Actor) -> dict[str, Any]:
    try:
        with transaction.atomic():
            detail = _perform(action, ticket, rule=rule, actor=actor)
    except _NotDone as error:
        return {"type": action.type, "ok": False, "error": str(error)}
    except SapaError as error:
        return {"type": action.type, "ok": False, "error": str(error.message)}
    except Exception as error:  # a bug must not stop the other actions nor lose the record
        logger.exception("automation %s failed on ticket %s", rule.label, ticket.pk)
        return {"type": action.type, "ok": False, "error": type(error).__name__}
    return {"type": action.type, "ok": True, **detail}
