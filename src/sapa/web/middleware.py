"""The console speaks the agent's chosen language (Indonesian unless they chose English)."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


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
