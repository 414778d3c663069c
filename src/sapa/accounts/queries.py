"""Named reads for agents and tokens."""

from datetime import timedelta

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils import timezone

from sapa.accounts.actions import touch_api_token
from sapa.accounts.exceptions import AgentNotFound
from sapa.accounts.models import Agent, ApiToken, Team
from sapa.accounts.tokens import TOKEN_PREFIX, cache_key, hash_token
from sapa.core import clock
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


# How long a token's agent is remembered between requests. Checking the token in the
# database costs about as much as the rest of a small request; a revoked token or a
# deactivated agent is refused within this many seconds everywhere (at once in the process
# that revoked it, and everywhere with a shared Redis cache).
TOKEN_CACHE_SECONDS = 30


def find_token_agent(raw: str) -> Agent | None:
    """The active agent of a live token, from the cache or the database."""
    key = cache_key(hash_token(raw))
    agent = cache.get(key)
    if isinstance(agent, Agent):
        return agent
    token = find_token(raw)
    if token is None:
        return None
    touch_api_token(token)
    cache.set(key, token.agent, TOKEN_CACHE_SECONDS)
    return token.agent


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


# An agent whose console said so within this long counts as online (the console's
# heartbeat comes every minute; three allow for a missed one or two).
ONLINE_WITHIN_SECONDS = 180


def any_agent_online(
    team_id: int | None = None, *, within_seconds: int = ONLINE_WITHIN_SECONDS
) -> bool:
    """An active agent (a member of the team, when given) has had the console open within
    the last `within_seconds`."""
    since = clock.now() - timedelta(seconds=within_seconds)
    agents = Agent.objects.filter(is_active=True, console_seen_at__gte=since)
    if team_id is not None:
        agents = agents.filter(teams=team_id)
    return agents.exists()
