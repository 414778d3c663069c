"""Turning errors into HTTP responses, in one place, all as JSON.

- SapaError subclasses: their status, `{"detail": sentence, "code": code}`;
  InvalidInput: 422 in the same shape as schema validation errors.
- Schema validation: 422 `{"detail": [{"loc": [...], "msg": ..., "type": ...}]}`.
- A body over DATA_UPLOAD_MAX_MEMORY_SIZE: 422 naming the body.
- A body that is not JSON: 400 `{"detail": ..., "code": "malformed_body"}`.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from sapa.core.exceptions import InvalidInput, SapaError


def _clean_loc(loc: list[Any]) -> list[Any]:
    # ninja puts the view's parameter name after "body" (["body", "payload", "email"]);
    # clients know fields, not our parameter names.
    if len(loc) >= 2 and loc[0] == "body" and loc[1] == "payload":
        return ["body", *loc[2:]]
    return list(loc)


def register_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(InvalidInput)
    def invalid_input(request: HttpRequest, error: InvalidInput) -> HttpResponse:
        detail = [{"loc": error.loc, "msg": str(error.message), "type": error.code}]
        return api.create_response(request, {"detail": detail}, status=422)

    @api.exception_handler(SapaError)
    def sapa_error(request: HttpRequest, error: SapaError) -> HttpResponse:
        body = {"detail": str(error.message), "code": error.code}
        return api.create_response(request, body, status=error.status)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
        detail = [
            {
                "loc": _clean_loc(list(item.get("loc", []))),
                "msg": item.get("msg", ""),
                "type": item.get("type", "invalid"),
            }
            for item in error.errors
        ]
        return api.create_response(request, {"detail": detail}, status=422)

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
        message = _("The request body is larger than %(limit)d bytes.") % {
            "limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        }
        detail = [{"loc": ["body"], "msg": message, "type": "too_large"}]
        return api.create_response(request, {"detail": detail}, status=422)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
        if error.status_code == 400:
            # ninja raises this when the body is not parseable JSON.
            body = {"detail": _("The request body is not valid JSON."), "code": "malformed_body"}
        else:
            body = {"detail": str(error.message), "code": "http_error"}
        return api.create_response(request, body, status=error.status_code)

    @api.exception_handler(AuthenticationError)
    def unauthorised(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
        response = api.create_response(
            request,
            {"detail": _("A valid API token is required."), "code": "unauthorized"},
            status=401,
        )
        response["WWW-Authenticate"] = "Bearer"
        return response
