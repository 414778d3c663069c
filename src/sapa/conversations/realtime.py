"""Telling open consoles that a ticket changed (over the Channels layer).

Actions call `announce_ticket_change` inside their transaction; the message goes out on
commit, to the groups of the agents who may see the ticket (mirroring
`queries.visible_tickets`): everyone watching all tickets, the ticket's team (or the shared
queue when it has none), its assignee, and the agents who have the ticket open. Consoles
then fetch what changed over HTTP, through the same access checks as any page. A failure to
publish (Redis down) is logged and never undoes or fails the action.
"""

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

ALL_TICKETS_GROUP = "tickets.all"
QUEUE_GROUP = "tickets.queue"


def team_group(team_id: int) -> str:
    return f"tickets.team.{team_id}"


def agent_group(agent_id: int) -> str:
    return f"agent.{agent_id}"


def ticket_group(ticket_id: int) -> str:
    return f"ticket.{ticket_id}"


def groups_for_ticket(*, ticket_id: int, team_id: int | None, assignee_id: int | None) -> list[str]:
    groups = [ALL_TICKETS_GROUP, ticket_group(ticket_id)]
    groups.append(team_group(team_id) if team_id else QUEUE_GROUP)
    if assignee_id:
        groups.append(agent_group(assignee_id))
    return groups


def send_to_groups(groups: list[str], message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return

    async def send_all() -> None:
        for group in groups:
            await layer.group_send(group, message)

    try:
        # One hop into the event loop for all groups: each async_to_sync costs a thread
        # handoff, which was most of the time an inbound message spent after its commit.
        async_to_sync(send_all)()
    except Exception:
        logger.exception("could not publish %s to %s", message.get("type"), groups)


def announce_ticket_change(
    *, ticket_id: int, team_id: int | None, assignee_id: int | None, kind: str
) -> None:
    """Publish on commit that the ticket changed. `kind`: message, note, update, new."""
    message = {
        "type": "ticket.changed",
        "ticket_id": ticket_id,
        "team_id": team_id,
        "assignee_id": assignee_id,
        "kind": kind,
    }
    groups = groups_for_ticket(ticket_id=ticket_id, team_id=team_id, assignee_id=assignee_id)
    transaction.on_commit(lambda: send_to_groups(groups, message))


def announce_notification(*, agent_id: int, notification_id: int) -> None:
    """Publish on commit that `agent_id` has a new notification."""
    message = {"type": "notification.created", "notification_id": notification_id}
    transaction.on_commit(lambda: send_to_groups([agent_group(agent_id)], message))
