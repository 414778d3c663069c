"""A strict Content-Security-Policy on the console's pages.

Customer HTML is cleaned with nh3 before it is stored; this is the second wall. No script,
style or frame from anywhere but Sapa itself, and no images from outside (a tracking pixel
in a customer's email must not tell its sender when an agent read it). The Django admin
and the API's documentation page keep Django's and ninja's own inline scripts, so they are
left out.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
_EXEMPT_PREFIXES = ("/admin/", "/api/")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        is_page = response.get("Content-Type", "").startswith("text/html")
        if is_page and not request.path.startswith(_EXEMPT_PREFIXES):
            response.setdefault("Content-Security-Policy", POLICY)
        return response
