"""What every console settings view asks first: may this agent, and does the row exist."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from sapa.accounts.models import Agent
from sapa.accounts.permissions import Permission, has_permission
from sapa.web.requests import request_agent


def agent_with(request: HttpRequest, permission: Permission) -> Agent:
    """The signed-in agent, when they have `permission`; else PermissionDenied (403)."""
    agent = request_agent(request)
    if not has_permission(agent, permission):
        raise PermissionDenied()
    return agent


def found(queryset: QuerySet[Any], pk: int) -> Any:
    """The row `pk` of `queryset`, or 404."""
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise Http404()
    return row
