"""Agents' presence: online (routing gives them tickets), away, offline.

The agent sets it in the console. Inactivity sets it too: an online agent whose console has
not been seen for SAPA_AWAY_AFTER_MINUTES becomes away, and offline after
SAPA_OFFLINE_AFTER_MINUTES; such an automatic away turns back to online as soon as their
console is seen again. Every change is an "agent.presence_changed" Event, which routing
reacts to (an agent going offline has their open tickets routed to someone else).
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction

from sapa.accounts.models import Agent, Presence
from sapa.core import clock
from sapa.core.actions import record_event
from sapa.core.actors import Actor


def set_presence(
    agent: Agent, presence: Presence, *, actor: Actor, automatic: bool = False
) -> Agent:
    """Set `agent`'s presence (by themself, or by inactivity when `automatic`).

    An agent who is deactivated stays offline. Returns the agent with the new values.
    """
    with transaction.atomic():
        locked = Agent.objects.select_for_update().get(pk=agent.pk)
        if not locked.is_active:
            presence = Presence.OFFLINE
        if locked.presence == presence and locked.presence_automatic == automatic:
            return locked
        before = {"presence": locked.presence, "automatic": locked.presence_automatic}
        locked.presence = presence
        locked.presence_automatic = automatic
        locked.presence_changed_at = clock.now()
        locked.save(update_fields=["presence", "presence_automatic", "presence_changed_at"])
        record_event(
            actor,
            "agent.presence_changed",
            locked,
            before=before,
            after={"presence": presence, "automatic": automatic},
        )
    return locked


def wake_if_automatically_away(agent: Agent) -> None:
    """The console of `agent` was just seen: an away set by inactivity ends."""
    if agent.presence_automatic and agent.presence != Presence.ONLINE:
        set_presence(agent, Presence.ONLINE, actor=Actor.system("presence"), automatic=False)
        agent.presence, agent.presence_automatic = Presence.ONLINE, False


def apply_inactivity() -> list[Agent]:
    """Online agents not seen lately become away; away agents not seen for longer become
    offline. Returns the agents changed. Run by the worker every minute."""
    now = clock.now()
    away_before = now - timedelta(minutes=settings.SAPA_AWAY_AFTER_MINUTES)
    offline_before = now - timedelta(minutes=settings.SAPA_OFFLINE_AFTER_MINUTES)
    actor = Actor.system("presence")
    changed = []
    idle = Agent.objects.filter(presence=Presence.ONLINE, console_seen_at__lt=away_before)
    for agent in idle.exclude(console_seen_at__isnull=True)[:500]:
        changed.append(set_presence(agent, Presence.AWAY, actor=actor, automatic=True))
    gone = Agent.objects.filter(
        presence=Presence.AWAY, presence_automatic=True, console_seen_at__lt=offline_before
    )
    for agent in gone[:500]:
        changed.append(set_presence(agent, Presence.OFFLINE, actor=actor, automatic=True))
    return changed
