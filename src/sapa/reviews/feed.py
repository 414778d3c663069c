"""The public side of reviews for other sites: approved reviews as JSON and the embeddable
widget (docs/reviews.md).

The JSON is read-only, carries no personal data (display names only, never an address)
and sends no cookies, so any site may read it: `Access-Control-Allow-Origin: *`. It is
cached briefly by browsers and proxies (SAPA_REVIEWS_CACHE_SECONDS, default 60) and
answers If-None-Match with 304.
"""

import hashlib
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override
from django.views.decorators.http import require_http_methods

from sapa.core.exceptions import InvalidInput
from sapa.helpcenter.branding import branding, public_language
from sapa.reviews import queries
from sapa.reviews.models import Review
from sapa.reviews.strings import widget_strings

STATIC_DIR = Path(__file__).parent / "static" / "reviews"
DEFAULT_LIMIT = 10
MAX_LIMIT = 50
DEFAULT_CACHE_SECONDS = 60


def _cache_seconds() -> int:
    return int(getattr(settings, "SAPA_REVIEWS_CACHE_SECONDS", DEFAULT_CACHE_SECONDS))


def _cors(response: HttpResponseBase) -> HttpResponseBase:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET, OPTIONS"
    response["Access-Control-Max-Age"] = "86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _int_param(request: HttpRequest, name: str, *, default: int, low: int, high: int) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        with override(public_language(request.GET.get("lang", ""))):
            message = _("%(name)s is a whole number from %(low)d to %(high)d.") % {
                "name": name,
                "low": low,
                "high": high,
            }
        raise InvalidInput(message, loc=["query", name])
    return value


def _item(review: Review, customer_label: str) -> dict[str, Any]:
    reply = None
    if review.reply_text and review.reply_at is not None:
        reply = {"text": review.reply_text, "date": review.reply_at.date().isoformat()}
    return {
        "id": review.pk,
        "stars": review.stars,
        "title": review.title,
        "text": review.text,
        "name": review.display_name or customer_label,
        "language": review.language,
        "date": review.created_at.date().isoformat(),
        "reply": reply,
    }


def _feed(request: HttpRequest) -> dict[str, Any]:
    lang = public_language(request.GET.get("lang", ""))
    limit = _int_param(request, "limit", default=DEFAULT_LIMIT, low=1, high=MAX_LIMIT)
    min_stars = _int_param(request, "min_stars", default=1, low=1, high=5)
    items, next_cursor = queries.published_page(
        cursor=request.GET.get("cursor") or None, limit=limit, min_stars=min_stars
    )
    summary = queries.published_summary(min_stars)
    strings = widget_strings(lang, shop_name=branding().shop_name)
    more_path = reverse("help:reviews", kwargs={"lang": lang})
    return {
        "lang": lang,
        "summary": {"average": summary.average, "count": summary.count},
        "items": [_item(review, strings["customer"]) for review in items],
        "next_cursor": next_cursor,
        "more_url": f"{settings.SAPA_BASE_URL}{more_path}",
        "strings": strings,
    }


@require_http_methods(["GET", "HEAD", "OPTIONS"])
def reviews_json(request: HttpRequest) -> HttpResponseBase:
    """GET /r/reviews.json?limit=&cursor=&min_stars=&lang=: approved reviews, newest
    first, with the average and the widget's strings. Bad parameters: 422 naming them."""
    if request.method == "OPTIONS":
        return _cors(HttpResponse(status=204))
    try:
        body = _feed(request)
    except InvalidInput as error:
        detail = [{"loc": error.loc, "msg": str(error.message), "type": error.code}]
        invalid = JsonResponse({"detail": detail}, status=422)
        invalid["Cache-Control"] = "no-store"
        return _cors(invalid)
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    etag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={_cache_seconds()}"
    return _cors(response)


_ASSETS = {"widget.js": "text/javascript", "widget.css": "text/css"}


@require_http_methods(["GET", "HEAD"])
def widget_asset(request: HttpRequest, name: str) -> HttpResponseBase:
    """widget.js / widget.css at a stable address (shops embed the URL), cached briefly."""
    if name not in _ASSETS:
        raise Http404()
    path = STATIC_DIR / name
    response = FileResponse(path.open("rb"), content_type=f"{_ASSETS[name]}; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return _cors(response)
