"""Agents, teams and API tokens."""

from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from sapa.accounts.models import Agent, ApiToken, Role, Team
from sapa.accounts.permissions import Permission, require
from sapa.accounts.tokens import cache_key, display_prefix, generate_token, hash_token
from sapa.core.actions import record_event
from sapa.core.actors import Actor

# Writing last_used_at on every request would turn each API read into a write.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=5)


def create_agent(
    username: str,
    *,
    email: str,
    password: str | None,
    role: Role,
    actor: Actor,
    first_name: str = "",
    last_name: str = "",
) -> Agent:
    """Create an agent (no password: an unusable one, to be set by invitation later)."""
    with transaction.atomic():
        agent = Agent(
            username=username,
            email=email.strip().lower(),
            role=role,
            first_name=first_name,
            last_name=last_name,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
        if password:
            agent.set_password(password)
        else:
            agent.set_unusable_password()
        agent.save()
        record_event(actor, "agent.created", agent, after={"username": username, "role": role})
    return agent


def set_agent_password(agent: Agent, *, password: str, actor: Actor) -> None:
    with transaction.atomic():
        agent.set_password(password)
        agent.save(update_fields=["password"])
        record_event(actor, "agent.password_changed", agent)


def set_agent_language(agent: Agent, *, language: str, actor: Actor) -> None:
    """The language the console speaks to `agent` ("id" or "en")."""
    if agent.language == language:
        return
    with transaction.atomic():
        before = agent.language
        agent.language = language
        agent.save(update_fields=["language"])
        record_event(
            actor,
            "agent.language_changed",
            agent,
            before={"language": before},
            after={"language": language},
        )


def create_team(name: str, *, slug: str, actor: Actor, description: str = "") -> Team:
    with transaction.atomic():
        team = Team.objects.create(name=name, slug=slug, description=description)
        record_event(actor, "team.created", team, after={"name": name})
    return team


def add_agent_to_team(agent: Agent, team: Team, *, actor: Actor) -> None:
    with transaction.atomic():
        agent.teams.add(team)
        record_event(actor, "agent.team_added", agent, after={"team_id": team.pk})


def create_api_token(
    agent: Agent, *, name: str, actor: Actor, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token for `agent` (valid until `expires_at`, if given) and return it with
    the plain text, which is never stored."""
    if actor.agent is not None and actor.agent.pk != agent.pk:
        require(actor, Permission.MANAGE_TOKENS)
    raw = generate_token()
    with transaction.atomic():
        token = ApiToken.objects.create(
            agent=agent,
            name=name,
            prefix=display_prefix(raw),
            token_hash=hash_token(raw),
            expires_at=expires_at,
        )
        record_event(actor, "api_token.created", token, after={"agent_id": agent.pk, "name": name})
    return token, raw


def revoke_api_token(token: ApiToken, *, actor: Actor) -> None:
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(actor, "api_token.revoked", token)
    # Forget the cached agent (keyed by the token's hash) in this process's cache, and in
    # every process's when the cache is Redis.
    cache.delete(cache_key(token.token_hash))


def touch_api_token(token: ApiToken) -> None:
    """Note that `token` was used, at most once per TOKEN_TOUCH_INTERVAL (no Event: not a
    state change anybody audits)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
