"""The portal's pages. Thin: parse a form, load through `queries`, call one action, render.

Pages under /help/portal/ speak the browser's language (LocaleMiddleware); the request form
speaks the language in its URL.
"""

import hashlib
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sapa.core.exceptions import InvalidInput
from sapa.helpcenter.branding import PUBLIC_LANGUAGES, branding, public_language
from sapa.helpcenter.portal import actions, queries
from sapa.helpcenter.portal.exceptions import InvalidSignInLink, TooManyAttempts
from sapa.helpcenter.portal.forms import (
    FORM_TOKEN_PATTERN,
    ReplyForm,
    RequestForm,
    SignInForm,
    inbound_attachments,
)
from sapa.helpcenter.portal.sessions import PortalVisitor, current_visitor, sign_in, sign_out
from sapa.kb.actions import record_search
from sapa.kb.search import search
from sapa.kb.urls_public import article_url

TICKETS_PER_PAGE = 25
SUGGESTIONS = 3
SUGGEST_MIN_CHARS = 3
# One recorded search per form and query: typing back and forth counts once.
SUGGEST_SEEN_SECONDS = 3600

View = Callable[..., HttpResponse]


def _render(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    lang: str | None = None,
    status: int = 200,
) -> HttpResponse:
    lang = lang or public_language((translation.get_language() or "")[:2])
    with translation.override(lang):
        request.LANGUAGE_CODE = lang
        response = render(
            request,
            template,
            {"lang": lang, "brand": branding(), "visitor": current_visitor(request), **context},
            status=status,
        )
    response["Content-Language"] = lang
    return response


def _client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _signed_in(view: View) -> View:
    """Pages for a signed-in customer: others are sent to the sign-in page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        visitor = current_visitor(request)
        if visitor is None:
            return redirect("help:portal_login")
        return view(request, visitor, *args, **kwargs)

    return wrapper


@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.request_sign_in_link(form.cleaned_data["email"], ip=_client_ip(request))
        except TooManyAttempts as error:
            form.add_error(None, str(error.message))
            return _render(request, "helpcenter/portal/login.html", {"form": form}, status=429)
        context = {"minutes": settings.SAPA_PORTAL_LINK_MINUTES}
        return _render(request, "helpcenter/portal/login_sent.html", context)
    return _render(request, "helpcenter/portal/login.html", {"form": form})


@require_http_methods(["GET", "POST"])
def magic(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm, POST signs in: a mail scanner that opens links uses nothing up."""
    if request.method == "POST":
        try:
            link = actions.redeem_sign_in_link(token)
        except InvalidSignInLink:
            return _invalid_link(request)
        sign_in(request, customer=link.customer, email=link.email)
        return redirect("help:portal_home")
    if actions.find_valid_link(token) is None:
        return _invalid_link(request)
    return _render(request, "helpcenter/portal/magic.html", {})


def _invalid_link(request: HttpRequest) -> HttpResponse:
    context = {"form": SignInForm(), "link_error": InvalidSignInLink.default_message}
    return _render(request, "helpcenter/portal/login.html", context, status=400)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    sign_out(request)
    return redirect("help:portal_login")


@require_GET
@_signed_in
def home(request: HttpRequest, visitor: PortalVisitor) -> HttpResponse:
    page = Paginator(queries.list_customer_tickets(visitor.customer), TICKETS_PER_PAGE)
    tickets = page.get_page(request.GET.get("page"))
    rows = [(ticket, queries.customer_status_label(ticket.status)) for ticket in tickets]
    return _render(request, "helpcenter/portal/home.html", {"page": tickets, "rows": rows})


@require_http_methods(["GET", "POST"])
@_signed_in
def ticket(request: HttpRequest, visitor: PortalVisitor, number: int) -> HttpResponse:
    found = queries.access_customer_ticket(visitor.customer, number)
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = actions.reply_from_portal(
                found,
                email=visitor.email,
                text=form.cleaned_data["text"],
                attachments=inbound_attachments(form.cleaned_data["attachments"]),
            )
        except InvalidInput as error:
            form.add_error(None, str(error.message))
        else:
            return redirect("help:portal_ticket", number=result.ticket_number)
    context = {
        "ticket": found,
        "status_label": queries.customer_status_label(found.status),
        "messages_shown": queries.list_visible_messages(found),
        "form": form,
    }
    return _render(request, "helpcenter/portal/ticket.html", context)


def _request_language(lang: str) -> str:
    if lang not in PUBLIC_LANGUAGES:
        raise Http404
    return lang


@require_http_methods(["GET", "POST"])
def request_form(request: HttpRequest, lang: str) -> HttpResponse:
    """ "Kirim permintaan": a new web ticket, signed in or not."""
    lang = _request_language(lang)
    visitor = current_visitor(request)
    initial = {"email": visitor.email, "name": visitor.customer.name} if visitor else {}
    form = RequestForm(request.POST or None, request.FILES or None, initial=initial)
    form_token = secrets.token_urlsafe(16)
    status = 200
    if request.method == "POST":
        posted_token = request.POST.get("form_token", "")
        if FORM_TOKEN_PATTERN.match(posted_token):
            form_token = posted_token
        if form.is_valid():
            if form.is_bot:
                return _render(request, "helpcenter/portal/request_sent.html", {}, lang=lang)
            try:
                result = actions.submit_request(_request_from(form), ip=_client_ip(request))
            except TooManyAttempts as error:
                form.add_error(None, str(error.message))
                status = 429
            else:
                context = {"ticket_number": result.ticket_number}
                return _render(request, "helpcenter/portal/request_sent.html", context, lang=lang)
    page = {"form": form, "form_token": form_token}
    return _render(request, "helpcenter/portal/request.html", page, lang=lang, status=status)


def _request_from(form: RequestForm) -> actions.Request:
    data = form.cleaned_data
    return actions.Request(
        name=data["name"],
        email=data["email"],
        subject=data["subject"],
        message=data["message"],
        form_token=data["form_token"],
        attachments=inbound_attachments(data["attachments"]),
    )


@require_GET
def suggest(request: HttpRequest, lang: str) -> HttpResponse:
    """The request form's suggested articles for what the subject says so far (htmx)."""
    lang = _request_language(lang)
    query = " ".join(request.GET.get("subject", "").split())[:200]
    token = request.GET.get("form_token", "")
    suggestions: list[tuple[Any, str]] = []
    if len(query) >= SUGGEST_MIN_CHARS:
        result = search(query, lang=lang, limit=SUGGESTIONS, semantic=False)
        is_form = bool(FORM_TOKEN_PATTERN.match(token))
        suffix = f"?{urlencode({'s': token})}" if is_form else ""
        suggestions = [(hit, article_url(hit.article) + suffix) for hit in result.hits]
        seen_key = "sapa:portal-suggest:" + hashlib.sha256(f"{token}:{query}".encode()).hexdigest()
        if is_form and cache.add(seen_key, 1, timeout=SUGGEST_SEEN_SECONDS):
            record_search(
                query,
                lang=lang,
                results=len(result.hits),
                answered=result.answered,
                source="request_form",
                session=token,
                top=result.hits[0].article if result.hits else None,
            )
    context = {"suggestions": suggestions}
    return _render(request, "helpcenter/portal/partials/suggestions.html", context, lang=lang)
