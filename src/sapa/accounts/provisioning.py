"""Creating the first admin of an installation (and resetting its password)."""

import secrets

from sapa.accounts.actions import create_agent, set_agent_password
from sapa.accounts.models import Agent, Role
from sapa.core.actors import Actor

DEFAULT_ADMIN = "admin"


def create_first_admin(
    username: str = DEFAULT_ADMIN, *, email: str = "admin@localhost", password: str | None = None
) -> tuple[str, str]:
    """Create admin `username` (or reset its password); return (username, password)."""
    password = password or secrets.token_urlsafe(12)
    actor = Actor.system("setup")
    existing = Agent.objects.filter(username=username).first()
    if existing is None:
        create_agent(
            username,
            email=email,
            password=password,
            role=Role.ADMIN,
            actor=actor,
            first_name="Admin",
        )
    else:
        set_agent_password(existing, password=password, actor=actor)
    return username, password
