"""Notifications for agents: assigned to them, mentioned in a note, their customer replied."""

import re
from collections.abc import Iterable

from django.db.models import QuerySet

from sapa.accounts.models import Agent
from sapa.conversations import realtime
from sapa.conversations.models import Notification, NotificationKind, Ticket
from sapa.core import clock
from sapa.core.actors import Actor

_MENTION = re.compile(r"(?<![\w@])@([\w.\-]+)")


def mentioned_usernames(text: str) -> list[str]:
    """`@rina` and `@andi.p` in order of appearance, without repeats."""
    return list(dict.fromkeys(name.rstrip(".-") for name in _MENTION.findall(text)))


def notify(
    agents: Iterable[Agent],
    *,
    ticket: Ticket,
    kind: NotificationKind,
    actor: Actor,
    detail: str = "",
) -> None:
    """Notify each of `agents` about `ticket`, except the actor themself. Call inside the
    action's transaction; the consoles hear of it on commit. `detail` says what it is about
    when the kind alone does not (a promise's text, an SLA target's due time)."""
    from sapa.conversations.queries import visible_tickets

    for agent in agents:
        if not agent.is_active or (actor.agent is not None and actor.agent.pk == agent.pk):
            continue
        # Never tell anyone about a ticket they may not open.
        if not visible_tickets(agent).filter(pk=ticket.pk).exists():
            continue
        notification = Notification.objects.create(
            agent=agent,
            ticket=ticket,
            kind=kind,
            actor_name=_actor_name(actor),
            detail=detail[:300],
        )
        realtime.announce_notification(agent_id=agent.pk, notification_id=notification.pk)


def _actor_name(actor: Actor) -> str:
    name = actor.agent.display_name if actor.agent is not None else actor.label
    return name[:200]


def notify_mentions(text: str, *, ticket: Ticket, actor: Actor) -> list[Agent]:
    """Notify the agents @mentioned in `text`; return them."""
    names = mentioned_usernames(text)
    if not names:
        return []
    agents = list(Agent.objects.filter(username__in=names, is_active=True))
    notify(agents, ticket=ticket, kind=NotificationKind.MENTIONED, actor=actor)
    return agents


def mark_notifications_read(agent: Agent, *, ids: list[int] | None = None) -> int:
    """Mark the agent's notifications read (all unread ones when `ids` is None)."""
    unread: QuerySet[Notification] = Notification.objects.filter(agent=agent, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=clock.now())
