"""Reviews in the console: the moderation queue (pending first) with approve, reject with
a reason, unpublish and the shop's public reply; and the menu's pending count. Supervisors
and admins (MODERATE_REVIEWS)."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise as LazyText
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sapa.accounts.permissions import Permission
from sapa.api.pagination import page_limit
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput, SapaError
from sapa.reviews import actions, queries
from sapa.reviews.exceptions import ReviewNotFound
from sapa.reviews.models import Review, ReviewStatus
from sapa.web.views.access import agent_with

# Tabs of the list: (value of ?status=, label); "" is every status.
_TABS = (
    (ReviewStatus.PENDING.value, pgettext_lazy("reviews", "To moderate")),
    (ReviewStatus.APPROVED.value, gettext_lazy("Published")),
    (ReviewStatus.REJECTED.value, gettext_lazy("Rejected")),
    ("all", gettext_lazy("All")),
)


@login_required
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    """Pending reviews oldest first (the queue); the other tabs newest first."""
    agent_with(request, Permission.MODERATE_REVIEWS)
    tab = request.GET.get("status") or ReviewStatus.PENDING.value
    if tab not in dict(_TABS):
        tab = ReviewStatus.PENDING.value
    status = None if tab == "all" else ReviewStatus(tab)
    try:
        items, next_cursor = queries.moderation_page(
            status=status, cursor=request.GET.get("cursor") or None, limit=page_limit(None)
        )
    except InvalidInput:
        items, next_cursor = queries.moderation_page(
            status=status, cursor=None, limit=page_limit(None)
        )
    query = request.GET.copy()
    query["cursor"] = next_cursor or ""
    context = {
        "reviews": items,
        "tab": tab,
        "tabs": _TABS,
        "next_url": f"?{query.urlencode()}" if next_cursor else "",
        "pending_count": queries.count_pending(),
    }
    return render(request, "web/reviews/list.html", context)


@login_required
@require_GET
def badge(request: HttpRequest) -> HttpResponse:
    """The menu's count of pending reviews (htmx, loaded after the page): a pill, or
    nothing when none wait."""
    agent_with(request, Permission.MODERATE_REVIEWS)
    return render(request, "web/reviews/partials/badge.html", {"count": queries.count_pending()})


def _approve(review: Review, request: HttpRequest, actor: Actor) -> Review:
    return actions.approve_review(review, actor=actor)


def _reject(review: Review, request: HttpRequest, actor: Actor) -> Review:
    return actions.reject_review(review, reason=request.POST.get("reason", ""), actor=actor)


def _unpublish(review: Review, request: HttpRequest, actor: Actor) -> Review:
    return actions.unpublish_review(review, actor=actor)


def _reply(review: Review, request: HttpRequest, actor: Actor) -> Review:
    return actions.reply_to_review(review, text=request.POST.get("text", ""), actor=actor)


def _remove_reply(review: Review, request: HttpRequest, actor: Actor) -> Review:
    return actions.remove_reply(review, actor=actor)


_DECISIONS: dict[str, tuple[Callable[[Review, HttpRequest, Actor], Review], LazyText]] = {
    "approve": (_approve, gettext_lazy("Review published.")),
    "reject": (_reject, gettext_lazy("Review rejected.")),
    "unpublish": (_unpublish, gettext_lazy("Review taken off the public pages.")),
    "reply": (_reply, gettext_lazy("Reply saved.")),
    "remove-reply": (_remove_reply, gettext_lazy("Reply removed.")),
}


@login_required
@require_POST
def moderate(request: HttpRequest, review_id: int, decision: str) -> HttpResponse:
    """Approve, reject (`reason`), unpublish, reply (`text`) or remove the reply; back to
    `next` with the outcome as a message."""
    agent = agent_with(request, Permission.MODERATE_REVIEWS)
    if decision not in _DECISIONS:
        raise Http404()
    try:
        review = queries.access_review(agent, review_id)
    except ReviewNotFound as error:
        raise Http404() from error
    action, done = _DECISIONS[decision]
    try:
        action(review, request, Actor.for_agent(agent))
        messages.success(request, str(done))
    except SapaError as error:
        messages.error(request, str(error.message))
    return redirect(_back(request, review))


def _back(request: HttpRequest, review: Review) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return f"{reverse('web:reviews')}#review-{review.pk}"
