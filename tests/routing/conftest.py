"""A team that routes automatically, with online agents of known capacity and skills."""

from collections.abc import Callable
from typing import Any

import pytest

from sapa.accounts.actions import set_agent_skills
from sapa.accounts.models import Agent, Presence, Team
from sapa.accounts.presence import set_presence
from sapa.core.actors import Actor
from sapa.routing.actions import TeamRoutingChanges, configure_team_routing
from sapa.routing.models import AssignmentPolicy
from tests.factories import AgentFactory, TeamFactory

SYSTEM = Actor.system("test")


@pytest.fixture
def make_team(db: None) -> Callable[..., Team]:
    def make(policy: AssignmentPolicy = AssignmentPolicy.LEAST_LOADED, **extra: Any) -> Team:
        team = TeamFactory(name=extra.pop("name", "Pembayaran"), slug=extra.pop("slug", "bayar"))
        configure_team_routing(team, TeamRoutingChanges(policy=policy, **extra), actor=SYSTEM)
        return team

    return make


@pytest.fixture
def make_agent(db: None) -> Callable[..., Agent]:
    def make(
        username: str,
        team: Team,
        *,
        capacity: dict[str, int] | None = None,
        skills: dict[str, int] | None = None,
        online: bool = True,
    ) -> Agent:
        agent = AgentFactory(username=username, first_name=username.title(), last_name="")
        agent.capacity = capacity or {}
        agent.save(update_fields=["capacity"])
        agent.teams.add(team)
        if skills:
            set_agent_skills(agent, levels=skills, actor=SYSTEM)
        if online:
            set_presence(agent, Presence.ONLINE, actor=SYSTEM)
        agent.refresh_from_db()
        return agent

    return make
