"""Who a chat request comes from: the widget (its key and the embedding page's origin) and
the visitor (a signed token the widget keeps in the browser's storage).

A token names one visitor of one widget. It is signed with the site's secret, so a visitor
cannot forge another's; it carries no customer data. Everything a visitor can read is the
conversation their token's visitor holds, nothing found by what they type.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing

from sapa.channels.chat.exceptions import OriginNotAllowed, UnknownVisitor, UnknownWidget
from sapa.channels.chat.models import ChatVisitor, ChatWidget

_SALT = "sapa.chat.visitor"
# A returning visitor is recognised for a year after their last visit.
TOKEN_MAX_AGE = 365 * 24 * 3600


def widget_for_key(key: object) -> ChatWidget:
    if not isinstance(key, str) or not key or len(key) > 40:
        raise UnknownWidget()
    widget = ChatWidget.objects.filter(key=key, is_active=True).select_related("team").first()
    if widget is None:
        raise UnknownWidget()
    return widget


def _origin(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    default = {"http": 80, "https": 443}[parts.scheme]
    port = f":{parts.port}" if parts.port and parts.port != default else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{port}"


def own_origin() -> str:
    return _origin(settings.SAPA_BASE_URL)


def check_origin(widget: ChatWidget, origin: str | None, *, host: str = "") -> None:
    """Raise OriginNotAllowed unless `origin` may embed `widget`: one of its allowed
    origins, Sapa's own (SAPA_BASE_URL), or the host the request was sent to (a page of
    this server). A request without an Origin header (not from a browser page) is let
    through: the check protects visitors' browsers from other sites, and a script outside
    a browser can send any header anyway."""
    if not origin:
        return
    normalised = _origin(origin)
    if host and urlsplit(normalised).netloc == host.lower():
        return
    allowed = {_origin(o) for o in widget.origins()} | {own_origin()}
    if normalised not in allowed:
        raise OriginNotAllowed()


def issue_token(visitor: ChatVisitor) -> str:
    return signing.dumps(
        {"v": visitor.public_id, "w": visitor.widget_id}, salt=_SALT, compress=True
    )


def visitor_for_token(token: object, *, widget: ChatWidget | None = None) -> ChatVisitor:
    """The visitor the token names (of `widget` when given). Raises UnknownVisitor."""
    if not isinstance(token, str) or not token or len(token) > 300:
        raise UnknownVisitor()
    try:
        payload = signing.loads(token, salt=_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        raise UnknownVisitor() from None
    if not isinstance(payload, dict) or not isinstance(payload.get("v"), str):
        raise UnknownVisitor()
    visitor = (
        ChatVisitor.objects.select_related("widget", "current_ticket")
        .filter(public_id=payload["v"], widget__is_active=True)
        .first()
    )
    if visitor is None or (widget is not None and visitor.widget_id != widget.pk):
        raise UnknownVisitor()
    return visitor
