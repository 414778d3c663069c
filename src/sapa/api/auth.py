"""Bearer-token authentication for the API."""

from django.http import HttpRequest
from ninja.security import HttpBearer

from sapa.accounts.models import Agent
from sapa.accounts.queries import find_token_agent


class BearerToken(HttpBearer):
    """`Authorization: Bearer sapa_...`: the request acts as the token's agent."""

    def authenticate(self, request: HttpRequest, token: str) -> Agent | None:
        return find_token_agent(token.strip())


def request_agent(request: HttpRequest) -> Agent:
    """The authenticated agent of an API request (ninja stores it as request.auth)."""
    agent = request.auth  # type: ignore[attr-defined]
    assert isinstance(agent, Agent)
    return agent
