"""What each role may do. Actions call `require()`; the API maps the error to 403.

Seeing an object is a separate matter, decided by the `access_*` queries: an object the
actor may not see is reported as missing, never as forbidden.
"""

from enum import StrEnum

from sapa.accounts.models import Agent, Role
from sapa.core.actors import Actor
from sapa.core.exceptions import PermissionDenied


class Permission(StrEnum):
    REPLY = "tickets.reply"
    UPDATE_TICKET = "tickets.update"
    MERGE_CUSTOMERS = "customers.merge"
    RECEIVE_INBOUND = "inbound.write"
    WRITE_ORDERS = "orders.write"
    MANAGE_TOKENS = "tokens.manage"
    # Team settings in the console: agents' teams, skills, capacity and language; inviting
    # agents; teams, macros and tags.
    MANAGE_TEAM = "team.manage"
    # Roles: promoting or demoting, inviting supervisors and admins, and (de)activating or
    # issuing sign-in links for anyone above the agent role.
    MANAGE_ROLES = "roles.manage"
    # Channels: mailboxes and their servers, the email quarantine, raw originals.
    MANAGE_CHANNELS = "channels.manage"
    # The knowledge base: writing, publishing and archiving articles, their categories.
    EDIT_ARTICLES = "kb.edit"
    # Reports: help-center deflection, searches without an answer.
    VIEW_REPORTS = "reports.view"
    # Reviews: approving, rejecting, unpublishing and replying to customers' reviews.
    MODERATE_REVIEWS = "reviews.moderate"
    # Walk-in: recording a customer's visit to a store or kiosk (the walk-in screen).
    LOG_VISITS = "visits.log"


_CLERK = {Permission.LOG_VISITS}
_AGENT = {Permission.REPLY, Permission.UPDATE_TICKET, Permission.LOG_VISITS}
_SUPERVISOR = _AGENT | {
    Permission.MERGE_CUSTOMERS,
    Permission.MANAGE_TEAM,
    Permission.EDIT_ARTICLES,
    Permission.VIEW_REPORTS,
    Permission.MODERATE_REVIEWS,
}
_ADMIN = set(Permission)

ROLE_PERMISSIONS: dict[str, set[Permission]] = {
    Role.AGENT: _AGENT,
    Role.SUPERVISOR: _SUPERVISOR,
    Role.ADMIN: _ADMIN,
    Role.CLERK: _CLERK,
}


def has_permission(agent: Agent, permission: Permission) -> bool:
    if not agent.is_active:
        return False
    return agent.is_superuser or permission in ROLE_PERMISSIONS.get(agent.role, set())


def require(actor: Actor, permission: Permission) -> None:
    """Raise PermissionDenied unless `actor` may do `permission`.

    Actors without an agent (system, bot, customer) act on Sapa's own behalf and are allowed.
    """
    if actor.agent is not None and not has_permission(actor.agent, permission):
        raise PermissionDenied()
