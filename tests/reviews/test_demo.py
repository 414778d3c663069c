"""Demo reviews: the delivered orders get reviews through the actions, some published,
one with the shop's reply, one waiting; loading twice adds nothing."""

import pytest

from sapa.commerce.models import OrderStatus
from sapa.reviews.demo import load_demo_reviews
from sapa.reviews.models import Review, ReviewStatus
from tests.reviews.conftest import make_order

pytestmark = pytest.mark.django_db


def test_demo_reviews_for_delivered_orders(supervisor):
    # given
    make_order(name="Rina Kurniawati", email="rina@example.com")
    make_order(name="Yusuf Maulana", email="yusuf@example.com")
    make_order(name="Agus Wijaya", email="agus@example.com")
    make_order(status=OrderStatus.SHIPPED)
    # when
    made = load_demo_reviews()
    # then
    assert made == 3
    reviews = list(Review.objects.order_by("order__placed_at", "pk"))
    assert [r.status for r in reviews] == [
        ReviewStatus.APPROVED,
        ReviewStatus.PENDING,
        ReviewStatus.APPROVED,
    ]
    assert reviews[0].reply_text
    assert reviews[0].moderated_by_id == supervisor.pk
    assert reviews[0].display_name == "Rina K."
    assert load_demo_reviews() == 0
