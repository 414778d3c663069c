"""Writing reviews: submitted through the customer's link or by the shop's API, edited by
the customer while not yet moderated, then approved, rejected, unpublished and replied to
by moderators. Every change is one transaction with one "review.*" Event."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sapa.accounts.permissions import Permission, require
from sapa.commerce.models import Order, OrderStatus
from sapa.core import clock
from sapa.core.actions import record_event
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput
from sapa.engagement.sentiment import classify
from sapa.reviews.exceptions import (
    OrderNotDelivered,
    ReviewExists,
    ReviewLocked,
    WrongReviewStatus,
)
from sapa.reviews.models import Review, ReviewSource, ReviewStatus
from sapa.reviews.plain_text import (
    REASON_MAX_CHARS,
    REPLY_MAX_CHARS,
    TEXT_MAX_CHARS,
    TITLE_MAX_CHARS,
    check_display_name,
    clean_line,
    clean_text,
    default_display_name,
)
from sapa.textid import detect_language, tokenise

DEFAULT_EDIT_DAYS = 7
LANGUAGES = ("id", "en")


@dataclass(frozen=True)
class ReviewDraft:
    """What a customer or shop writes. `display_name` None: "Budi S." from the customer's
    name. `language` is the page's (or shop's) language, used when the text does not say."""

    stars: int
    title: str = ""
    text: str = ""
    display_name: str | None = None
    language: str = "id"


@dataclass(frozen=True)
class _Clean:
    stars: int
    title: str
    text: str
    display_name: str
    language: str


def edit_days() -> int:
    return int(getattr(settings, "SAPA_REVIEW_EDIT_DAYS", DEFAULT_EDIT_DAYS))


def is_editable(review: Review) -> bool:
    """Whether the customer may still change `review` through their link: written there,
    not yet looked at by a moderator, and less than SAPA_REVIEW_EDIT_DAYS (7) old."""
    return (
        review.source == ReviewSource.LINK
        and review.status == ReviewStatus.PENDING
        and review.moderated_at is None
        and clock.now() - review.created_at < timedelta(days=edit_days())
    )


def _clean(draft: ReviewDraft, order: Order) -> _Clean:
    if (
        isinstance(draft.stars, bool)
        or not isinstance(draft.stars, int)
        or not 1 <= draft.stars <= 5
    ):
        raise InvalidInput(_("Choose from 1 to 5 stars."), loc=["body", "stars"])
    title = clean_line(draft.title, field="title", max_chars=TITLE_MAX_CHARS)
    text = clean_text(draft.text, field="text", max_chars=TEXT_MAX_CHARS)
    if draft.display_name is None or not draft.display_name.strip():
        display_name = default_display_name(order.customer.name)
    else:
        display_name = check_display_name(draft.display_name)
    fallback = draft.language if draft.language in LANGUAGES else "id"
    language = detect_language(tokenise(f"{title} {text}"), default=fallback)
    return _Clean(draft.stars, title, text, display_name, language)


def _sentiment(title: str, text: str) -> str:
    return classify(f"{title}\n{text}".strip()).label


def _summary(review: Review) -> dict[str, Any]:
    return {
        "order_id": review.order_id,
        "customer_id": review.customer_id,
        "stars": review.stars,
        "status": review.status,
        "sentiment": review.sentiment,
    }


def submit_review(
    order: Order, draft: ReviewDraft, *, source: ReviewSource, actor: Actor
) -> Review:
    """The review of `order` by its customer: pending moderation. One per order.

    A shop's review (source SHOP) needs WRITE_ORDERS. A "review.submitted" Event. Raises
    PermissionDenied, InvalidInput (stars, title, text, display_name), OrderNotDelivered,
    ReviewExists.
    """
    if source == ReviewSource.SHOP:
        require(actor, Permission.WRITE_ORDERS)
    clean = _clean(draft, order)
    if order.status != OrderStatus.DELIVERED:
        raise OrderNotDelivered()
    if Review.objects.filter(order=order).exists():
        raise ReviewExists()
    sentiment = _sentiment(clean.title, clean.text)
    try:
        with transaction.atomic():
            review = Review.objects.create(
                order=order,
                customer_id=order.customer_id,
                stars=clean.stars,
                title=clean.title,
                text=clean.text,
                language=clean.language,
                sentiment=sentiment,
                display_name=clean.display_name,
                source=source,
                created_at=clock.now(),
            )
            record_event(
                actor, "review.submitted", review, after={**_summary(review), "source": source}
            )
    except IntegrityError:  # the same order reviewed twice at once
        raise ReviewExists() from None
    return review


def edit_review(review: Review, draft: ReviewDraft, *, actor: Actor) -> Review:
    """The customer changes their review (stars, title, text, name) while it is editable
    (see is_editable). A "review.edited" Event with what changed. Raises InvalidInput,
    ReviewLocked."""
    with transaction.atomic():
        review = _lock(review)
        if not is_editable(review):
            raise ReviewLocked()
        clean = _clean(draft, review.order)
        changes = {
            name: value
            for name, value in {
                "stars": clean.stars,
                "title": clean.title,
                "text": clean.text,
                "display_name": clean.display_name,
                "language": clean.language,
            }.items()
            if getattr(review, name) != value
        }
        if not changes:
            return review
        before = {name: getattr(review, name) for name in changes}
        if "title" in changes or "text" in changes:
            changes["sentiment"] = _sentiment(clean.title, clean.text)
        for name, value in changes.items():
            setattr(review, name, value)
        review.edited_at = clock.now()
        review.save(update_fields=[*changes, "edited_at"])
        record_event(actor, "review.edited", review, before=before, after=changes)
    return review


def approve_review(review: Review, *, actor: Actor) -> Review:
    """Publish `review` (pending or rejected): it shows on the help center, in the JSON and
    the widget. A "review.approved" Event. Raises PermissionDenied, WrongReviewStatus."""
    return _moderate(review, ReviewStatus.APPROVED, actor=actor, verb="review.approved")


def reject_review(review: Review, *, reason: str, actor: Actor) -> Review:
    """Keep `review` (pending or approved) off the public pages; `reason` says why, for the
    team. A "review.rejected" Event. Raises PermissionDenied, InvalidInput (reason),
    WrongReviewStatus."""
    require(actor, Permission.MODERATE_REVIEWS)
    reason = clean_line(reason, field="reason", max_chars=REASON_MAX_CHARS)
    if not reason:
        raise InvalidInput(_("Say why the review is rejected."), loc=["body", "reason"])
    return _moderate(
        review, ReviewStatus.REJECTED, actor=actor, verb="review.rejected", reason=reason
    )


def unpublish_review(review: Review, *, actor: Actor) -> Review:
    """Take an approved review off the public pages and back into the moderation queue.
    A "review.unpublished" Event. Raises PermissionDenied, WrongReviewStatus."""
    return _moderate(review, ReviewStatus.PENDING, actor=actor, verb="review.unpublished")


_ALLOWED_FROM = {
    ReviewStatus.APPROVED: (ReviewStatus.PENDING, ReviewStatus.REJECTED),
    ReviewStatus.REJECTED: (ReviewStatus.PENDING, ReviewStatus.APPROVED),
    ReviewStatus.PENDING: (ReviewStatus.APPROVED,),
}


def _moderate(
    review: Review, status: ReviewStatus, *, actor: Actor, verb: str, reason: str = ""
) -> Review:
    require(actor, Permission.MODERATE_REVIEWS)
    with transaction.atomic():
        review = _lock(review)
        if review.status not in _ALLOWED_FROM[status]:
            raise WrongReviewStatus()
        before = {"status": review.status, "published_at": _iso(review.published_at)}
        now = clock.now()
        review.status = status
        review.reject_reason = reason
        review.published_at = now if status == ReviewStatus.APPROVED else None
        review.moderated_by = actor.agent
        review.moderated_at = now
        review.save(
            update_fields=[
                "status",
                "reject_reason",
                "published_at",
                "moderated_by",
                "moderated_at",
            ]
        )
        after = {**_summary(review), "published_at": _iso(review.published_at)}
        if reason:
            after["reason"] = reason
        record_event(actor, verb, review, before=before, after=after)
    return review


def reply_to_review(review: Review, *, text: str, actor: Actor) -> Review:
    """The shop's public answer under the review (shown once the review is approved);
    replaces an earlier one. A "review.replied" Event. Raises PermissionDenied,
    InvalidInput (text)."""
    require(actor, Permission.MODERATE_REVIEWS)
    text = clean_text(text, field="text", max_chars=REPLY_MAX_CHARS)
    if not text:
        raise InvalidInput(_("Write the reply."), loc=["body", "text"])
    with transaction.atomic():
        review = _lock(review)
        before = {"reply_text": review.reply_text}
        review.reply_text = text
        review.reply_by = actor.agent
        review.reply_at = clock.now()
        review.save(update_fields=["reply_text", "reply_by", "reply_at"])
        record_event(actor, "review.replied", review, before=before, after={"reply_text": text})
    return review


def remove_reply(review: Review, *, actor: Actor) -> Review:
    """Delete the shop's reply. A "review.reply_removed" Event. Raises PermissionDenied,
    WrongReviewStatus (no reply)."""
    require(actor, Permission.MODERATE_REVIEWS)
    with transaction.atomic():
        review = _lock(review)
        if not review.reply_text:
            raise WrongReviewStatus(_("This review has no reply."))
        before = {"reply_text": review.reply_text}
        review.reply_text = ""
        review.reply_by = None
        review.reply_at = None
        review.save(update_fields=["reply_text", "reply_by", "reply_at"])
        record_event(actor, "review.reply_removed", review, before=before)
    return review


def _lock(review: Review) -> Review:
    return (
        Review.objects.select_for_update(of=("self",))
        .select_related("order__customer")
        .get(pk=review.pk)
    )


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
