"""The customer's public pages: reviewing an order through the signed link, and the help
center's page of published reviews. No sign-in; the link's token is the key to one order.

The review page speaks `?lang=`, else the browser's language (Accept-Language, when it
names Indonesian or English), else the customer's. The help-center page speaks the
language in its URL, like the rest of the help center.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from sapa.commerce.models import Order, OrderStatus
from sapa.core import rate_limits
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput, SapaError
from sapa.helpcenter.branding import PUBLIC_LANGUAGES, branding, public_language
from sapa.helpcenter.views import LANGUAGE_NAMES
from sapa.reviews import actions, queries
from sapa.reviews.exceptions import (
    ReviewLinkExpired,
    ReviewLinkInvalid,
    TooManyReviewAttempts,
)
from sapa.reviews.forms import ReviewForm
from sapa.reviews.links import order_for_token
from sapa.reviews.models import Review, ReviewSource
from sapa.reviews.plain_text import default_display_name

PUBLISHED_PER_PAGE = 10
POSTS_PER_IP_PER_HOUR = 30
POSTS_PER_ORDER_PER_HOUR = 10


def _other(lang: str) -> str:
    return "en" if lang == "id" else "id"


def _render(
    request: HttpRequest,
    template: str,
    lang: str,
    context: dict[str, Any],
    *,
    switch_url: str = "",
    status: int = 200,
) -> HttpResponse:
    """Render in the help center's frame and `lang`; `switch_url`: the other language."""
    with translation.override(lang):
        request.LANGUAGE_CODE = lang
        response = render(
            request,
            template,
            {
                "lang": lang,
                "brand": branding(),
                "other_lang": _other(lang),
                "other_lang_name": LANGUAGE_NAMES[_other(lang)],
                "switch_url": switch_url,
                **context,
            },
            status=status,
        )
    response["Content-Language"] = lang
    return response


def _browser_language(request: HttpRequest) -> str | None:
    for part in request.headers.get("Accept-Language", "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in PUBLIC_LANGUAGES:
            return tag
    return None


def _page_language(request: HttpRequest, order: Order | None) -> str:
    asked = request.GET.get("lang", "")
    if asked in PUBLIC_LANGUAGES:
        return asked
    browser = _browser_language(request)
    if browser:
        return browser
    return public_language(order.customer.language if order else "")


def _link_problem(request: HttpRequest, error: SapaError) -> HttpResponse:
    lang = _page_language(request, None)
    expired = isinstance(error, ReviewLinkExpired)
    context = {"expired": expired}
    response = _render(
        request, "reviews/link_problem.html", lang, context, status=410 if expired else 404
    )
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _initial(review: Review | None, order: Order) -> dict[str, Any]:
    if review is None:
        return {"display_name": default_display_name(order.customer.name)}
    return {
        "stars": review.stars,
        "title": review.title,
        "text": review.text,
        "display_name": review.display_name,
    }


def _rate_limited(request: HttpRequest, order: Order) -> bool:
    ip = str(request.META.get("REMOTE_ADDR", ""))
    return not (
        rate_limits.allow("review-ip", ip, limit=POSTS_PER_IP_PER_HOUR)
        and rate_limits.allow("review-order", str(order.pk), limit=POSTS_PER_ORDER_PER_HOUR)
    )


def _save(order: Order, review: Review | None, form: ReviewForm, lang: str) -> bool:
    """Submit or edit from a valid form; False with the errors on the form."""
    data = form.cleaned_data
    draft = actions.ReviewDraft(
        stars=data["stars"],
        title=data["title"],
        text=data["text"],
        display_name=data["display_name"],
        language=lang,
    )
    actor = Actor.customer(order.customer.name or f"customer:{order.customer_id}")
    try:
        if review is None:
            actions.submit_review(order, draft, source=ReviewSource.LINK, actor=actor)
        else:
            actions.edit_review(review, draft, actor=actor)
    except SapaError as error:
        form.apply_error(error)
        return False
    return True


@require_http_methods(["GET", "POST"])
def write(request: HttpRequest, token: str) -> HttpResponse:
    """/r/<token>/: the order's items, stars and text; the review once written (editable
    while is_editable). Forged or foreign: 404; expired: 410; not delivered: a notice."""
    try:
        order = order_for_token(token)
    except (ReviewLinkInvalid, ReviewLinkExpired) as error:
        return _link_problem(request, error)
    lang = _page_language(request, order)
    review = queries.find_review_of(order)
    editable = review is None or actions.is_editable(review)
    delivered = order.status == OrderStatus.DELIVERED
    form = ReviewForm(initial=_initial(review, order))
    status = 200
    if request.method == "POST" and delivered and editable:
        form = ReviewForm(request.POST)
        if _rate_limited(request, order):
            form.add_error(None, str(TooManyReviewAttempts.default_message))
            status = 429
        elif form.is_valid() and _save(order, review, form, lang):
            url = reverse("reviews:write", kwargs={"token": token})
            done = redirect(f"{url}?{urlencode({'lang': lang, 'saved': '1'})}")
            done.status_code = 303  # see the page again with GET
            return done
        else:
            status = 422
    elif request.method == "POST":
        status = 409
    context = {
        "order": order,
        "review": review,
        "form": form,
        "delivered": delivered,
        "editable": delivered and editable,
        "saved": request.GET.get("saved") == "1" and review is not None,
        "token": token,
    }
    switch_url = f"{request.path}?{urlencode({'lang': _other(lang)})}"
    response = _render(
        request, "reviews/write.html", lang, context, switch_url=switch_url, status=status
    )
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    # The token in the address goes to no other site; not "no-referrer", which makes the
    # browser send `Origin: null` with the form and fail the CSRF check.
    response["Referrer-Policy"] = "same-origin"
    return response


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """/r/ → the help center's reviews page in the browser's language."""
    lang = _browser_language(request) or "id"
    response = redirect("help:reviews", lang=lang)
    patch_vary_headers(response, ["Accept-Language"])
    return response


@require_GET
def published(request: HttpRequest, lang: str) -> HttpResponse:
    """/help/<lang>/ulasan/: approved reviews, newest first, with the average stars."""
    cursor = request.GET.get("cursor") or None
    try:
        reviews, next_cursor = queries.published_page(cursor=cursor, limit=PUBLISHED_PER_PAGE)
    except InvalidInput:
        reviews, next_cursor = queries.published_page(cursor=None, limit=PUBLISHED_PER_PAGE)
    context = {
        "reviews": reviews,
        "summary": queries.published_summary(),
        "next_url": f"?{urlencode({'cursor': next_cursor})}" if next_cursor else "",
        "first_url": reverse("help:reviews", kwargs={"lang": lang}) if cursor else "",
    }
    switch_url = reverse("help:reviews", kwargs={"lang": _other(lang)})
    return _render(request, "reviews/published.html", lang, context, switch_url=switch_url)
