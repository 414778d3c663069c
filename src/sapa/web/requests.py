"""The signed-in agent of a console request."""

from django.http import HttpRequest

from sapa.accounts.models import Agent


def request_agent(request: HttpRequest) -> Agent:
    """The agent behind a request that passed `login_required`."""
    user = request.user
    assert isinstance(user, Agent)
    assert user.is_authenticated
    return user
