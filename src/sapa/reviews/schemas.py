"""API schemas for reviews."""

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from sapa.reviews.models import Review
from sapa.reviews.plain_text import DISPLAY_NAME_MAX_CHARS, TEXT_MAX_CHARS, TITLE_MAX_CHARS


class ReviewIn(Schema):
    order_number: str = Field(min_length=1, max_length=64)
    stars: int = Field(ge=1, le=5)
    title: str = Field("", max_length=TITLE_MAX_CHARS)
    text: str = Field("", max_length=TEXT_MAX_CHARS)
    display_name: str | None = Field(
        None,
        max_length=DISPLAY_NAME_MAX_CHARS,
        description='Shown under the review; default: first name and initial ("Budi S.").',
    )
    language: Literal["id", "en"] = Field(
        "id", description="Used when the text does not show its language."
    )


class ReplyOut(Schema):
    text: str
    at: datetime


class ReviewOut(Schema):
    id: int
    order_number: str
    customer_id: int
    stars: int
    title: str
    text: str
    language: str
    sentiment: str
    display_name: str
    source: str
    status: str
    reject_reason: str
    created_at: datetime
    edited_at: datetime | None
    moderated_at: datetime | None
    published_at: datetime | None
    reply: ReplyOut | None

    @staticmethod
    def resolve_order_number(review: Review) -> str:
        return review.order.number

    @staticmethod
    def resolve_customer_id(review: Review) -> int:
        """The order's customer now (after a merge: the surviving record)."""
        return review.order.customer_id

    @staticmethod
    def resolve_reply(review: Review) -> dict[str, object] | None:
        if not review.reply_text or review.reply_at is None:
            return None
        return {"text": review.reply_text, "at": review.reply_at}


class ReviewLinkOut(Schema):
    url: str
    expires_at: datetime
    can_review: bool = Field(
        description="Whether the customer can write (or still change) a review through it now."
    )
