"""The planned messages go out through the outreach queue (sapa.engagement.outreach) when
due: the review request a week after delivery, nothing to a customer who unsubscribed."""

from datetime import timedelta

import pytest

from sapa.commerce.models import OrderStatus
from sapa.conversations.models import Direction, Message
from sapa.core.actors import Actor
from sapa.engagement.consent import ALL_CHANNELS, set_consent
from sapa.engagement.models import Outreach, OutreachStatus, Purpose
from sapa.engagement.outreach import send_due
from tests.loyalty.conftest import NOW, at, push_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        push_order("INV-1", OrderStatus.IN_TRANSIT)
    with django_capture_on_commit_callbacks(execute=True):
        return push_order("INV-1", OrderStatus.DELIVERED, status_at=NOW)


def test_thank_you_goes_out_at_once_and_the_review_request_a_week_later(
    delivered, django_capture_on_commit_callbacks
):
    # then the thank-you went out after commit
    thank_you = Outreach.objects.get(kind="thank_you")
    assert thank_you.status == OutreachStatus.SENT, thank_you.reason
    message = Message.objects.get(pk=thank_you.message_id)
    assert message.direction == Direction.OUTBOUND
    assert message.text.startswith("Halo Rina, pesanan INV-1 sudah sampai.")
    # when six days have passed, the review request still waits
    with at(NOW + timedelta(days=6, hours=23)):
        send_due()
    review = Outreach.objects.get(kind="review_request")
    assert review.status == OutreachStatus.PLANNED
    # and on the seventh day it goes
    with at(NOW + timedelta(days=7)), django_capture_on_commit_callbacks(execute=True):
        send_due()
    review.refresh_from_db()
    assert review.status == OutreachStatus.SENT, review.reason
    assert "/r/" in Message.objects.get(pk=review.message_id).text


def test_unsubscribed_customer_gets_nothing_further(delivered, django_capture_on_commit_callbacks):
    # given the customer said stop to promotions after the thank-you
    set_consent(
        delivered.customer,
        channel=ALL_CHANNELS,
        purpose=Purpose.MARKETING,
        granted=False,
        source="unsubscribe_link",
        actor=Actor.customer("unsubscribe_link"),
    )
    # when the review request comes due
    with at(NOW + timedelta(days=7)), django_capture_on_commit_callbacks(execute=True):
        send_due()
    # then it is skipped, and says why
    review = Outreach.objects.get(kind="review_request")
    assert review.status == OutreachStatus.SKIPPED
    assert "refused" in review.reason
    assert review.message_id is None
