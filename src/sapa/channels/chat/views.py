"""The widget's HTTP endpoints (docs/chat-widget.md): JSON in, JSON out, called
cross-origin from the shop's pages. No cookies: the visitor is the signed token in the
X-Sapa-Visitor header. Each view checks the widget's origin and calls one action or query.
"""

import json
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from sapa.channels.chat import actions, queries
from sapa.channels.chat.access import check_origin, issue_token, visitor_for_token, widget_for_key
from sapa.channels.chat.models import ChatVisitor, ChatWidget
from sapa.channels.chat.strings import widget_strings
from sapa.conversations.attachment_files import file_response
from sapa.conversations.models import Attachment
from sapa.core.exceptions import InvalidInput, SapaError

STATIC_DIR = Path(__file__).parent / "static" / "chat"
LONG_POLL_MAX_SECONDS = 25
LONG_POLL_STEP_SECONDS = 1.0
MAX_JSON_BYTES = 64 * 1024

View = Callable[..., HttpResponse]


def _ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _host(request: HttpRequest) -> str:
    try:
        return request.get_host()
    except Exception:  # DisallowedHost: then no page of ours sent it
        return ""


def _lang(value: object) -> str:
    return "en" if isinstance(value, str) and value.lower().startswith("en") else "id"


def _cors(response: HttpResponse, origin: str | None) -> HttpResponse:
    if origin:
        response["Access-Control-Allow-Origin"] = origin
        response["Vary"] = "Origin"
        response["Access-Control-Allow-Headers"] = "Content-Type, X-Sapa-Visitor"
        response["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response["Access-Control-Max-Age"] = "600"
    response["Cache-Control"] = "no-store"
    return response


def _error(error: SapaError) -> JsonResponse:
    if isinstance(error, InvalidInput):
        body: dict[str, Any] = {"detail": [{"loc": error.loc, "msg": str(error.message)}]}
        return JsonResponse(body, status=400)
    return JsonResponse({"detail": str(error.message), "code": error.code}, status=error.status)


def _json_body(request: HttpRequest) -> dict[str, Any]:
    if len(request.body) > MAX_JSON_BYTES:
        raise InvalidInput(_("The request is too large."), loc=["body"])
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput(_("Malformed JSON."), loc=["body"]) from None
    if not isinstance(data, dict):
        raise InvalidInput(_("Expected a JSON object."), loc=["body"])
    return data


def _text(data: dict[str, Any], field: str, limit: int = 1000) -> str:
    value = data.get(field) or ""
    if not isinstance(value, str):
        raise InvalidInput(_("Expected text."), loc=["body", field])
    return value[:limit]


def endpoint(*, visitor_required: bool = True) -> Callable[[View], View]:
    """CORS for the widget's origin, errors as JSON, the visitor from the token header."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            origin = request.headers.get("Origin")
            if request.method == "OPTIONS":
                return _cors(HttpResponse(status=204), origin)
            try:
                if visitor_required:
                    visitor = visitor_for_token(request.headers.get("X-Sapa-Visitor"))
                    check_origin(visitor.widget, origin, host=_host(request))
                    response = view(request, visitor, **kwargs)
                else:
                    response = view(request, **kwargs)
            except SapaError as error:
                response = _error(error)
            return _cors(response, origin)

        return wrapped

    return decorate


def _session_payload(visitor: ChatVisitor, widget: ChatWidget) -> dict[str, Any]:
    available = queries.availability(widget, visitor.lang)
    state = queries.conversation_state(visitor)
    conversation = None
    if state is not None:
        conversation = {**state, "messages": queries.visitor_messages(visitor)}
    return {
        "token": issue_token(visitor),
        "visitor": {"name": visitor.name, "email": visitor.email, "whatsapp": visitor.phone},
        "lang": visitor.lang,
        "strings": widget_strings(visitor.lang),
        "widget": {
            "title": queries.bot_name(widget, visitor.lang),
            "colour": widget.colour,
            "prechat": {"fields": widget.prechat_fields, "required": widget.prechat_required},
            "max_upload_bytes": min(widget.max_upload_bytes, settings.SAPA_MAX_ATTACHMENT_BYTES),
            "upload_types": list(actions.UPLOAD_TYPES),
        },
        "availability": {"online": available.online, "message": available.message},
        "conversation": conversation,
        "ws_url": "/ws/chat/",
        "events_url": "/chat/v1/events",
    }


@endpoint(visitor_required=False)
def session(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return JsonResponse({"detail": _("Use POST.")}, status=405)
    data = _json_body(request)
    widget = widget_for_key(data.get("key"))
    check_origin(widget, request.headers.get("Origin"), host=_host(request))
    visitor = actions.open_session(
        widget,
        token=data.get("token"),
        lang=_lang(data.get("lang")),
        page_url=_text(data, "page_url"),
        page_title=_text(data, "page_title", 300),
        user_agent=request.headers.get("User-Agent", ""),
        ip=_ip(request),
    )
    return JsonResponse(_session_payload(visitor, widget))


def _post_only(request: HttpRequest) -> None:
    if request.method != "POST":
        raise InvalidInput(_("Use POST."), loc=["method"])


@endpoint()
def send_message(request: HttpRequest, visitor: ChatVisitor) -> HttpResponse:
    _post_only(request)
    data = _json_body(request)
    choice = data.get("choice")
    message = actions.visitor_says(
        visitor,
        text=_text(data, "text", actions.MAX_TEXT_CHARS + 1),
        client_id=data.get("client_id"),
        choice=choice if isinstance(choice, str) else None,
        ip=_ip(request),
    )
    name = queries.bot_name(visitor.widget, visitor.lang)
    return JsonResponse(
        {"message": queries.message_json(message, visitor, bot_name=name)}, status=201
    )


@endpoint()
def upload(request: HttpRequest, visitor: ChatVisitor) -> HttpResponse:
    _post_only(request)
    file = request.FILES.get("file")
    if file is None:
        raise InvalidInput(_("Choose a file."), loc=["body", "file"])
    limit = min(visitor.widget.max_upload_bytes, settings.SAPA_MAX_ATTACHMENT_BYTES)
    if file.size is not None and file.size > limit:
        return JsonResponse(
            {"detail": [{"loc": ["body", "file"], "msg": "Too large."}]}, status=413
        )
    try:
        message = actions.visitor_uploads(
            visitor,
            content=file.read(),
            filename=file.name or "file",
            content_type=file.content_type or "",
            client_id=request.POST.get("client_id"),
            text=request.POST.get("text", "")[: actions.MAX_TEXT_CHARS],
            ip=_ip(request),
        )
    except InvalidInput as error:
        if error.loc[-1:] == ["file"]:
            return JsonResponse(
                {"detail": [{"loc": error.loc, "msg": str(error.message)}]}, status=415
            )
        raise
    name = queries.bot_name(visitor.widget, visitor.lang)
    return JsonResponse(
        {"message": queries.message_json(message, visitor, bot_name=name)}, status=201
    )


@endpoint()
def profile(request: HttpRequest, visitor: ChatVisitor) -> HttpResponse:
    _post_only(request)
    data = _json_body(request)
    visitor = actions.update_profile(
        visitor,
        name=_text(data, "name", 200),
        email=_text(data, "email", 254),
        whatsapp=_text(data, "whatsapp", 40),
    )
    return JsonResponse(
        {"visitor": {"name": visitor.name, "email": visitor.email, "whatsapp": visitor.phone}}
    )


@endpoint()
def typing(request: HttpRequest, visitor: ChatVisitor) -> HttpResponse:
    _post_only(request)
    actions.set_typing(visitor, typing=bool(_json_body(request).get("typing")))
    return HttpResponse(status=204)


@endpoint()
def read(request: HttpRequest, visitor: ChatVisitor) -> HttpResponse:
    _post_only(request)
    actions.mark_read_by_visitor(visitor, up_to=_json_body(request).get("up_to"))
    return HttpResponse(status=204)


@endpoint()
def page(request: HttpRequest, visitor: ChatVisitor) -> HttpResponse:
    _post_only(request)
    data = _json_body(request)
    actions.set_page(visitor, url=_text(data, "url"), title=_text(data, "title", 300))
    return HttpResponse(status=204)


@endpoint()
def transcript(request: HttpRequest, visitor: ChatVisitor) -> HttpResponse:
    from sapa.channels.chat.transcripts import request_transcript

    _post_only(request)
    request_transcript(visitor, email=_text(_json_body(request), "email", 254), ip=_ip(request))
    with translation.override(visitor.lang):
        detail = _("The transcript is on its way to your email.")
    return JsonResponse({"detail": detail}, status=202)


@endpoint()
def new_conversation(request: HttpRequest, visitor: ChatVisitor) -> HttpResponse:
    _post_only(request)
    actions.new_conversation(visitor)
    return JsonResponse({"conversation": None})


def _snapshot(visitor: ChatVisitor) -> tuple[Any, ...]:
    visitor.refresh_from_db(fields=["current_ticket", "agent_read_up_to"])
    state = queries.conversation_state(visitor)
    return (visitor.current_ticket_id, visitor.agent_read_up_to, state and state["status"],
            state and state["agent"])  # fmt: skip


@endpoint()
def events(request: HttpRequest, visitor: ChatVisitor) -> HttpResponse:
    """Long-poll: what happened after message `after`, waiting up to `wait` seconds for
    something to happen when nothing has."""
    try:
        after = max(0, int(request.GET.get("after", "0")))
        wait = min(LONG_POLL_MAX_SECONDS, max(0, int(request.GET.get("wait", "25"))))
    except ValueError:
        raise InvalidInput(_("after and wait must be numbers."), loc=["query"]) from None
    start = _snapshot(visitor)
    deadline = time.monotonic() + wait
    messages = queries.visitor_messages(visitor, after=after)
    while not messages and time.monotonic() < deadline:
        # Between looks the request holds no database connection.
        close_old_connections()
        time.sleep(LONG_POLL_STEP_SECONDS)
        if _snapshot(visitor) != start:
            break
        messages = queries.visitor_messages(visitor, after=after)
    if not messages:
        messages = queries.visitor_messages(visitor, after=after)
    found: list[dict[str, Any]] = [{"type": "message", "message": m} for m in messages]
    found.append(queries.status_event(visitor))
    found.append({"type": "read", "up_to": visitor.agent_read_up_to})
    cursor = messages[-1]["id"] if messages else after
    return JsonResponse({"events": found, "after": cursor})


@require_GET
def attachment(request: HttpRequest, attachment_id: int, filename: str) -> HttpResponseBase:
    """A file of the conversation, by a signed link made for the visitor who may see it."""
    public_id = queries.file_token_allows(request.GET.get("t", ""), attachment_id)
    if public_id is None:
        raise Http404()
    found = Attachment.objects.filter(pk=attachment_id).select_related("message").first()
    visitor = ChatVisitor.objects.filter(public_id=public_id).first()
    if found is None or visitor is None or found.message.ticket_id != visitor.current_ticket_id:
        raise Http404()
    if found.message.direction == "note":
        raise Http404()
    return file_response(found.file, filename=found.filename, content_type=found.content_type)


@require_GET
def widget_asset(request: HttpRequest, name: str) -> HttpResponseBase:
    """widget.js / widget.css at a stable address, cached briefly (sites embed the URL)."""
    path = STATIC_DIR / name
    if name not in ("widget.js", "widget.css") or not path.exists():
        raise Http404()
    kind = "text/javascript" if name.endswith(".js") else "text/css"
    response = FileResponse(path.open("rb"), content_type=f"{kind}; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def demo(request: HttpRequest) -> HttpResponse:
    """A sample shop page with the widget of `?key=` (or the first widget)."""
    key = request.GET.get("key", "")
    widget = ChatWidget.objects.filter(is_active=True, **({"key": key} if key else {})).first()
    if widget is None:
        raise Http404()
    return render(
        request,
        "chat/demo_page.html",
        {"widget_key": widget.key, "script_url": request.build_absolute_uri("/chat/widget.js")},
    )
