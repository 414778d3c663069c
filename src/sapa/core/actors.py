"""Who performs an action: an agent, the customer, the bot, the system or an integration."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sapa.core.models import ActorKind

if TYPE_CHECKING:
    from sapa.accounts.models import Agent


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    agent: Agent | None = None
    label: str = ""

    @classmethod
    def for_agent(cls, agent: Agent) -> Actor:
        return cls(kind=ActorKind.AGENT, agent=agent, label=agent.get_username())

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(kind=ActorKind.SYSTEM, label=label)

    @classmethod
    def customer(cls, label: str = "") -> Actor:
        return cls(kind=ActorKind.CUSTOMER, label=label)

    @classmethod
    def integration(cls, agent: Agent) -> Actor:
        """An API client acting with `agent`'s token (a shop, an MTA, a bridge)."""
        return cls(kind=ActorKind.INTEGRATION, agent=agent, label=agent.get_username())

    @classmethod
    def automation(cls, label: str) -> Actor:
        """A rule acting on its own (routing, a trigger, a timed rule, a promise reminder).
        `label` names the rule, e.g. "trigger:12", so loops can be recognised."""
        return cls(kind=ActorKind.AUTOMATION, label=label)
