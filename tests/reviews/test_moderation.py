"""Moderation through the actions: approve, reject with a reason, unpublish, reply; who may;
which moves are allowed; every change an Event, a refused one changes nothing."""

import pytest

from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput, PermissionDenied
from sapa.core.models import Event
from sapa.reviews import actions
from sapa.reviews.exceptions import OrderNotDelivered, ReviewExists, WrongReviewStatus
from sapa.reviews.models import Review, ReviewSource, ReviewStatus
from tests.reviews.conftest import make_order, review_of

pytestmark = pytest.mark.django_db


def test_approve_publishes_and_records_who(order, supervisor):
    # given
    review = review_of(order)
    # when
    actions.approve_review(review, actor=Actor.for_agent(supervisor))
    # then
    review.refresh_from_db()
    assert review.status == ReviewStatus.APPROVED
    assert review.published_at is not None
    assert (review.moderated_by_id, review.moderated_at) == (supervisor.pk, review.published_at)
    event = Event.objects.get(verb="review.approved")
    assert (event.actor_agent_id, event.subject_id) == (supervisor.pk, review.pk)
    assert event.before["status"] == "pending"
    assert event.after["status"] == "approved"


def test_reject_needs_a_reason_and_keeps_it(order, supervisor):
    review = review_of(order)
    actor = Actor.for_agent(supervisor)
    with pytest.raises(InvalidInput) as raised:
        actions.reject_review(review, reason="  ", actor=actor)
    assert raised.value.loc == ["body", "reason"]
    assert Review.objects.get().status == ReviewStatus.PENDING
    # when
    actions.reject_review(review, reason="Spam: promosi toko lain", actor=actor)
    # then
    review.refresh_from_db()
    assert (review.status, review.reject_reason) == (
        ReviewStatus.REJECTED,
        "Spam: promosi toko lain",
    )
    assert Event.objects.get(verb="review.rejected").after["reason"] == "Spam: promosi toko lain"


def test_unpublish_takes_it_back_to_the_queue(order, supervisor):
    actor = Actor.for_agent(supervisor)
    review = actions.approve_review(review_of(order), actor=actor)
    # when
    actions.unpublish_review(review, actor=actor)
    # then
    review.refresh_from_db()
    assert (review.status, review.published_at) == (ReviewStatus.PENDING, None)
    assert Event.objects.filter(verb="review.unpublished").count() == 1


def test_moves_that_make_no_sense_are_refused(order, supervisor):
    actor = Actor.for_agent(supervisor)
    review = review_of(order)
    with pytest.raises(WrongReviewStatus):
        actions.unpublish_review(review, actor=actor)
    actions.approve_review(review, actor=actor)
    with pytest.raises(WrongReviewStatus):
        actions.approve_review(review, actor=actor)
    assert Event.objects.filter(verb__startswith="review.").count() == 2  # submitted, approved


def test_reply_replaces_and_can_be_removed(order, supervisor):
    actor = Actor.for_agent(supervisor)
    review = review_of(order)
    actions.reply_to_review(review, text="Terima kasih, Kak!", actor=actor)
    actions.reply_to_review(review, text="Terima kasih banyak, Kak Budi!", actor=actor)
    review.refresh_from_db()
    assert (review.reply_text, review.reply_by_id) == (
        "Terima kasih banyak, Kak Budi!",
        supervisor.pk,
    )
    with pytest.raises(InvalidInput) as raised:
        actions.reply_to_review(review, text=" \n ", actor=actor)
    assert raised.value.loc == ["body", "text"]
    # when
    actions.remove_reply(review, actor=actor)
    # then
    review.refresh_from_db()
    assert (review.reply_text, review.reply_at) == ("", None)
    assert [e.verb for e in Event.objects.filter(verb__startswith="review.").order_by("pk")] == [
        "review.submitted",
        "review.replied",
        "review.replied",
        "review.reply_removed",
    ]
    with pytest.raises(WrongReviewStatus):
        actions.remove_reply(review, actor=actor)


@pytest.mark.parametrize(
    "act",
    [
        lambda review, actor: actions.approve_review(review, actor=actor),
        lambda review, actor: actions.reject_review(review, reason="x", actor=actor),
        lambda review, actor: actions.reply_to_review(review, text="x", actor=actor),
    ],
)
def test_agents_may_not_moderate_and_nothing_changes(order, agent, act):
    review = review_of(order)
    with pytest.raises(PermissionDenied):
        act(review, Actor.for_agent(agent))
    review.refresh_from_db()
    assert (review.status, review.reply_text) == (ReviewStatus.PENDING, "")
    assert Event.objects.filter(verb__startswith="review.").count() == 1


def test_one_review_per_order(order):
    review_of(order)
    with pytest.raises(ReviewExists):
        review_of(order, stars=1)
    assert Review.objects.count() == 1


def test_only_delivered_orders_are_reviewed():
    from sapa.commerce.models import OrderStatus

    for status in (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.CANCELLED):
        with pytest.raises(OrderNotDelivered):
            review_of(make_order(status=status))
    assert not Review.objects.exists()


def test_a_shops_review_needs_write_orders(order, agent):
    with pytest.raises(PermissionDenied):
        actions.submit_review(
            order,
            actions.ReviewDraft(stars=5),
            source=ReviewSource.SHOP,
            actor=Actor.integration(agent),
        )
    assert not Review.objects.exists()


def test_text_is_cleaned_and_sentiment_stored(order):
    review = review_of(
        order,
        stars=1,
        title="  Kecewa\tberat \u202e",
        text="Paket telat seminggu dan bukunya rusak.\x07\r\n\r\n\r\n\r\nTidak akan beli lagi.  ",
    )
    assert review.title == "Kecewa berat"
    assert review.text == "Paket telat seminggu dan bukunya rusak.\n\nTidak akan beli lagi."
    assert review.sentiment == "negative"
    assert review.display_name == "Budi S."


@pytest.mark.parametrize(
    ("full_name", "shown"),
    [
        ("Budi Santoso", "Budi S."),
        ("siti", "siti"),
        ("Rina Dwi Kurniawati", "Rina K."),
        ("budi@example.com", ""),
        ("Budi 081234567890", "Budi"),
        ("", ""),
    ],
)
def test_the_default_name_never_shows_an_address(full_name, shown):
    from sapa.reviews.plain_text import default_display_name

    assert default_display_name(full_name) == shown
