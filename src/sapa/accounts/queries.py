"""Named reads for agents and tokens."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from sapa.accounts.exceptions import AgentNotFound
from sapa.accounts.models import Agent, ApiToken, Team
from sapa.accounts.tokens import TOKEN_PREFIX, hash_token
from sapa.core.exceptions import NotFound


def find_token(raw: str) -> ApiToken | None:
    """The live token matching `raw` (with its agent), or None."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    now = timezone.now()
    return (
        ApiToken.objects.select_related("agent")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True, agent__is_active=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .first()
    )


def get_agent(agent_id: int) -> Agent:
    try:
        return Agent.objects.get(pk=agent_id, is_active=True)
    except Agent.DoesNotExist as error:
        raise AgentNotFound() from error


def get_team(team_id: int) -> Team:
    try:
        return Team.objects.get(pk=team_id)
    except Team.DoesNotExist as error:
        raise NotFound() from error


def team_ids_of(agent: Agent) -> list[int]:
    """The ids of `agent`'s teams, cached on the instance for the request."""
    cached: list[int] | None = getattr(agent, "_team_ids", None)
    if cached is None:
        cached = list(agent.teams.values_list("id", flat=True))
        agent._team_ids = cached  # type: ignore[attr-defined]
    return cached


def list_agents() -> QuerySet[Agent]:
    return Agent.objects.filter(is_active=True).order_by("username")
