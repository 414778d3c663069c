"""The console speaks the agent's chosen language (Indonesian unless they chose English), and
shows a store clerk only the walk-in screen."""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation

from sapa.accounts.models import Role


class AgentLanguageMiddleware:
    """After authentication: a signed-in agent's own language wins over the browser's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user and user.is_authenticated else ""
        if language in self.languages and not request.path.startswith("/api/"):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


class ClerkScopeMiddleware:
    """A store clerk sees the walk-in screen and their own account pages, nothing else of the
    console: the inbox (and the console's home) send them to the walk-in screen, every other
    console page answers 403. Pages outside the console (help center, API) are unaffected."""

    ALLOWED = frozenset({"login", "logout", "password_change", "language", "set_password"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., HttpResponse], *args: object
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        match = request.resolver_match
        if not (user and user.is_authenticated and getattr(user, "role", "") == Role.CLERK):
            return None
        if match is None or match.namespace != "web":
            return None
        name = match.url_name or ""
        if name in self.ALLOWED or name == "walkin" or name.startswith("walkin_"):
            return None
        if name in ("home", "inbox"):
            return redirect("web:walkin")
        raise PermissionDenied()
