"""Why a ticket went where it went, in the reader's language.

Routing stores the facts (TicketRouting.explanation, the "ticket.routed" event); the words
are made when shown, so an English-speaking agent reads English.
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sapa.channels.kinds import Channel


def _channel(value: str) -> str:
    return str(dict(Channel.choices).get(value, value))


def describe(explanation: dict[str, Any]) -> str:
    """ "Rina: skill pembayaran (4), 3/5 WhatsApp" and the like; "" when nothing is known."""
    if not explanation:
        return ""
    kind = explanation.get("kind", "routed")
    if kind == "manual":
        return _("Assigned by %(name)s") % {"name": explanation.get("by", "?")}
    if kind == "queued":
        return _queued(explanation)
    if kind == "released":
        return _("Back in the queue: %(name)s went offline") % {
            "name": explanation.get("agent", "?")
        }
    parts = [_why(explanation)]
    load, capacity = explanation.get("load"), explanation.get("capacity")
    channel = _channel(str(explanation.get("channel", "")))
    if capacity is not None:
        parts.append(
            _("%(load)s/%(capacity)s %(channel)s")
            % {"load": load, "capacity": capacity, "channel": channel}
        )
    else:
        parts.append(
            ngettext(
                "%(load)s open %(channel)s ticket",
                "%(load)s open %(channel)s tickets",
                int(load or 0),
            )
            % {"load": load, "channel": channel}
        )
    return _("Assigned to %(name)s: %(why)s") % {
        "name": explanation.get("agent", "?"),
        "why": ", ".join(parts),
    }


def _why(explanation: dict[str, Any]) -> str:
    skills = explanation.get("skills") or {}
    if skills:
        listed = ", ".join(f"{name} ({level})" for name, level in sorted(skills.items()))
        return ngettext("skill %(skills)s", "skills %(skills)s", len(skills)) % {"skills": listed}
    policy = explanation.get("policy")
    if policy == "round_robin":
        return _("next in turn")
    return _("least loaded")


def _queued(explanation: dict[str, Any]) -> str:
    reason = explanation.get("reason")
    if reason == "manual_team":
        return _("Waiting in the team queue (the team assigns by hand)")
    if reason == "no_team":
        return _("Waiting in the shared queue (no team)")
    if reason == "bot":
        return _("The bot is answering; a person is assigned on hand-off")
    skills = explanation.get("skills") or {}
    if skills:
        return _("Waiting: nobody online with %(skills)s has room") % {
            "skills": ", ".join(sorted(skills))
        }
    return _("Waiting: nobody online in the team has room")
