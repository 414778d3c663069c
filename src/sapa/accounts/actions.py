"""Agents, teams and API tokens."""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from sapa.accounts.models import Agent, AgentSkill, ApiToken, Role, Skill, Team
from sapa.accounts.permissions import Permission, require
from sapa.accounts.presence import wake_if_automatically_away
from sapa.accounts.tokens import cache_key, display_prefix, generate_token, hash_token
from sapa.channels.kinds import Channel
from sapa.core import clock
from sapa.core.actions import PendingEvent, pending_event, record_event, record_events
from sapa.core.actors import Actor
from sapa.core.exceptions import Conflict, InvalidInput

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


# An open console says it is there every minute; writing more often than this is noise.
CONSOLE_SEEN_INTERVAL = timedelta(seconds=30)


def mark_console_seen(agent: Agent) -> None:
    """Note that `agent` has the console open now (websocket connect and heartbeat), at
    most once per CONSOLE_SEEN_INTERVAL. No Event: presence, not a change anyone audits."""
    now = clock.now()
    seen = agent.console_seen_at
    if seen is not None and timedelta(0) <= now - seen < CONSOLE_SEEN_INTERVAL:
        return
    Agent.objects.filter(pk=agent.pk).update(console_seen_at=now)
    agent.console_seen_at = now
    wake_if_automatically_away(agent)


# --- Team settings: what supervisors and admins change in the console ------------------


@dataclass(frozen=True)
class Invitation:
    """A new colleague, as the invite form describes them."""

    username: str
    email: str
    first_name: str
    role: Role
    last_name: str = ""
    teams: tuple[Team, ...] = ()


@dataclass(frozen=True)
class PasswordLink:
    """The two parts of a set-password URL for one agent.

    Made with Django's default_token_generator: the link stops working once the password
    is set or the agent signs in, and after PASSWORD_RESET_TIMEOUT at the latest.
    """

    uidb64: str
    token: str


@dataclass(frozen=True)
class AgentChanges:
    """An agent's whole editable profile, as the edit form sends it (unchanged values are
    simply the current ones)."""

    role: Role
    teams: tuple[Team, ...]
    language: str
    # Concurrent conversations per channel; a channel left out has no limit.
    capacity: dict[str, int]
    is_active: bool
    # Skill name -> level 1..5; a skill left out is taken away.
    skills: dict[str, int] = field(default_factory=dict)


SKILL_LEVELS = range(1, 6)
_SKILL_NAME = re.compile(r"^[\w][\w\-.]*$")


def _password_link(agent: Agent) -> PasswordLink:
    return PasswordLink(
        uidb64=urlsafe_base64_encode(force_bytes(agent.pk)),
        token=default_token_generator.make_token(agent),
    )


def _require_role_rights_over(actor: Actor, role: str) -> None:
    """Supervisors look after agents; anything about supervisors and admins is for admins."""
    if role != Role.AGENT:
        require(actor, Permission.MANAGE_ROLES)


def invite_agent(invitation: Invitation, *, actor: Actor) -> tuple[Agent, PasswordLink]:
    """Create an agent with an unusable password, in `invitation.teams`, and return it with
    a one-time link for setting their password (shown once; never stored).

    Inviting a supervisor or admin takes MANAGE_ROLES. Raises PermissionDenied, InvalidInput
    (loc username) when the username is taken.
    """
    require(actor, Permission.MANAGE_TEAM)
    _require_role_rights_over(actor, invitation.role)
    if Agent.objects.filter(username__iexact=invitation.username).exists():
        raise InvalidInput(_("This username is taken."), loc=["username"])
    with transaction.atomic():
        agent = create_agent(
            invitation.username,
            email=invitation.email,
            password=None,
            role=invitation.role,
            actor=actor,
            first_name=invitation.first_name,
            last_name=invitation.last_name,
        )
        agent.teams.set(invitation.teams)
        record_event(
            actor,
            "agent.invited",
            agent,
            after={"email": agent.email, "teams": sorted(team.pk for team in invitation.teams)},
        )
    return agent, _password_link(agent)


def issue_password_link(agent: Agent, *, actor: Actor) -> PasswordLink:
    """A new set-password link for `agent` (an invitation that got lost, a forgotten
    password). Whoever holds it can take over the account, so it is recorded.

    Raises PermissionDenied (MANAGE_ROLES for supervisors and admins), Conflict for a
    deactivated agent.
    """
    require(actor, Permission.MANAGE_TEAM)
    _require_role_rights_over(actor, agent.role)
    if not agent.is_active:
        raise Conflict(_("This agent is deactivated; activate them first."))
    with transaction.atomic():
        record_event(actor, "agent.password_link_issued", agent)
    return _password_link(agent)


def _normalise_skills(levels: dict[str, int]) -> dict[str, int]:
    skills: dict[str, int] = {}
    for raw, level in levels.items():
        name = re.sub(r"\s+", "-", raw.strip().lower())
        if not name or len(name) > 64 or not _SKILL_NAME.match(name):
            raise InvalidInput(
                _("A skill is 1-64 letters, digits, dashes or dots."), loc=["skills", raw]
            )
        if level not in SKILL_LEVELS:
            raise InvalidInput(_("A skill level is from 1 to 5."), loc=["skills", raw])
        skills[name] = level
    return skills


def _apply_skills(agent: Agent, levels: dict[str, int]) -> PendingEvent | None:
    """Make `agent`'s skills exactly `levels` (already normalised), creating Skill rows as
    needed. Call inside a transaction; returns the Event to record, if anything changed."""
    current = {row.skill.name: row for row in agent.skills.select_related("skill")}
    before = {name: row.level for name, row in current.items()}
    if before == levels:
        return None
    AgentSkill.objects.filter(agent=agent).exclude(skill__name__in=list(levels)).delete()
    missing = [Skill(name=name) for name in levels if name not in current]
    if missing:
        Skill.objects.bulk_create(missing, ignore_conflicts=True)
    skills = {skill.name: skill for skill in Skill.objects.filter(name__in=list(levels))}
    for name, level in levels.items():
        row = current.get(name)
        if row is None:
            AgentSkill.objects.create(agent=agent, skill=skills[name], level=level)
        elif row.level != level:
            row.level = level
            row.save(update_fields=["level"])
    return pending_event("agent.skills_changed", agent, before=before, after=dict(levels))


def set_agent_skills(agent: Agent, *, levels: dict[str, int], actor: Actor) -> Agent:
    """Give `agent` exactly these skills (name -> level 1..5); Skill rows are created as
    needed. Raises PermissionDenied, InvalidInput."""
    require(actor, Permission.MANAGE_TEAM)
    skills = _normalise_skills(levels)
    with transaction.atomic():
        pending = _apply_skills(agent, skills)
        if pending is not None:
            record_events(actor, [pending])
    return agent


def _validate_capacity(capacity: dict[str, int]) -> dict[str, int]:
    for channel, limit in capacity.items():
        if channel not in Channel.values or isinstance(limit, bool) or limit < 0:
            raise InvalidInput(
                _("Capacity is a number of conversations, 0 or more, per channel."),
                loc=["capacity", channel],
            )
    return dict(sorted(capacity.items()))


def _keep_an_admin(agent: Agent) -> None:
    """Raise Conflict unless an active admin other than `agent` remains (rows locked, so
    two admins cannot demote each other at the same moment)."""
    others = (
        Agent.objects.select_for_update()
        .filter(Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True)
        .exclude(pk=agent.pk)
    )
    if not list(others.values_list("pk", flat=True)):
        raise Conflict(_("Sapa needs at least one active admin."))


def update_agent(agent: Agent, changes: AgentChanges, *, actor: Actor) -> Agent:
    """Apply the edit form: role, teams, language, capacity, active flag and skills.

    Supervisors change teams, language, capacity and skills of anyone and (de)activate
    agents; changing a role, or (de)activating a supervisor or admin, takes MANAGE_ROLES.
    Nobody deactivates themselves, and the last active admin stays one. Deactivated agents
    cannot sign in (their open sessions end on the next request). One transaction; an
    "agent.updated" Event with the changed fields, and "agent.skills_changed".
    Raises PermissionDenied, Conflict, InvalidInput.
    """
    require(actor, Permission.MANAGE_TEAM)
    if changes.language not in dict(settings.LANGUAGES):
        raise InvalidInput(_("Choose Indonesian or English."), loc=["language"])
    capacity = _validate_capacity(changes.capacity)
    skills = _normalise_skills(changes.skills)
    with transaction.atomic():
        agent = Agent.objects.select_for_update().get(pk=agent.pk)
        role_changed = agent.role != changes.role
        active_changed = agent.is_active != changes.is_active
        if role_changed:
            require(actor, Permission.MANAGE_ROLES)
        if active_changed:
            _require_role_rights_over(actor, agent.role)
            if not changes.is_active and actor.agent is not None and actor.agent.pk == agent.pk:
                raise Conflict(_("You cannot deactivate your own account."))
        is_admin = agent.role == Role.ADMIN or agent.is_superuser
        if is_admin and agent.is_active and (changes.role != Role.ADMIN or not changes.is_active):
            _keep_an_admin(agent)
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        scalar: dict[str, Any] = {
            "role": changes.role,
            "language": changes.language,
            "capacity": capacity,
            "is_active": changes.is_active,
        }
        for name, value in scalar.items():
            if getattr(agent, name) != value:
                before[name], after[name] = getattr(agent, name), value
                setattr(agent, name, value)
        if role_changed:
            agent.is_staff = agent.is_superuser = changes.role == Role.ADMIN
        if before:
            fields = [*before, *(["is_staff", "is_superuser"] if role_changed else [])]
            agent.save(update_fields=fields)
        team_ids = sorted(team.pk for team in changes.teams)
        current_team_ids = sorted(agent.teams.values_list("pk", flat=True))
        if team_ids != current_team_ids:
            agent.teams.set(changes.teams)
            before["teams"], after["teams"] = current_team_ids, team_ids
        events = (
            [pending_event("agent.updated", agent, before=before, after=after)] if after else []
        )
        skills_event = _apply_skills(agent, skills)
        if skills_event is not None:
            events.append(skills_event)
        record_events(actor, events)
    return agent


def add_team(name: str, *, actor: Actor, description: str = "") -> Team:
    """Create a team from the console: checks the actor's permission and derives the slug
    from the name (made unique). Raises PermissionDenied, InvalidInput (loc name)."""
    require(actor, Permission.MANAGE_TEAM)
    name = name.strip()
    if not name:
        raise InvalidInput(_("Give the team a name."), loc=["name"])
    if Team.objects.filter(name__iexact=name).exists():
        raise InvalidInput(_("A team with this name already exists."), loc=["name"])
    base = slugify(name)[:90] or "team"
    slug, suffix = base, 2
    while Team.objects.filter(slug=slug).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return create_team(name, slug=slug, actor=actor, description=description)


def rename_team(team: Team, *, name: str, actor: Actor) -> Team:
    """Give `team` a new name. Its slug stays: integrations and rules may refer to it.
    Raises PermissionDenied, InvalidInput (loc name)."""
    require(actor, Permission.MANAGE_TEAM)
    name = name.strip()
    if not name:
        raise InvalidInput(_("Give the team a name."), loc=["name"])
    if name == team.name:
        return team
    if Team.objects.filter(name__iexact=name).exclude(pk=team.pk).exists():
        raise InvalidInput(_("A team with this name already exists."), loc=["name"])
    with transaction.atomic():
        before = team.name
        team.name = name
        team.save(update_fields=["name"])
        record_event(actor, "team.renamed", team, before={"name": before}, after={"name": name})
    return team
