"""The shop's API: POST /api/v1/reviews, GET /api/v1/reviews (cursor pages) and
GET /api/v1/orders/{number}/review-link; bad input is a 422 naming the field."""

import pytest

from sapa.commerce.models import OrderStatus
from sapa.core.models import Event
from sapa.reviews.links import order_for_token
from sapa.reviews.models import Review, ReviewSource, ReviewStatus
from tests.reviews.conftest import make_order, review_of

pytestmark = pytest.mark.django_db
QUERIES = 3  # token lookup, the page, nothing per row (order joined)


def body(**overrides):
    data = {"order_number": "INV-77", "stars": 4, "title": "Oke", "text": "Pengiriman cepat."}
    data.update(overrides)
    return data


def test_the_shop_posts_a_review_it_collected(admin_api):
    # given
    order = make_order("INV-77")
    # when
    response = admin_api.post_json("/api/v1/reviews", body(display_name="Budi"))
    # then
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["order_number"], data["stars"], data["display_name"]) == ("INV-77", 4, "Budi")
    assert (data["status"], data["source"], data["reply"]) == ("pending", "shop", None)
    assert data["customer_id"] == order.customer_id
    review = Review.objects.get()
    assert review.source == ReviewSource.SHOP
    event = Event.objects.get(verb="review.submitted")
    assert (event.actor_kind, event.actor_agent_id) == ("integration", admin_api.agent.pk)


@pytest.mark.parametrize(
    ("overrides", "loc"),
    [
        ({"stars": 6}, ["body", "stars"]),
        ({"stars": 0}, ["body", "stars"]),
        ({"stars": "lima"}, ["body", "stars"]),
        ({"text": "x" * 2001}, ["body", "text"]),
        ({"order_number": ""}, ["body", "order_number"]),
        ({"order_number": "INV-NOPE"}, ["body", "order_number"]),
        ({"display_name": "budi@example.com"}, ["body", "display_name"]),
        ({"language": "fr"}, ["body", "language"]),
    ],
)
def test_bad_input_is_a_422_naming_the_field(admin_api, overrides, loc):
    make_order("INV-77")
    response = admin_api.post_json("/api/v1/reviews", body(**overrides))
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"] == loc
    assert not Review.objects.exists()


def test_an_undelivered_or_reviewed_order_is_a_409(admin_api):
    make_order("INV-77", status=OrderStatus.IN_TRANSIT)
    response = admin_api.post_json("/api/v1/reviews", body())
    assert (response.status_code, response.json()["code"]) == (409, "order_not_delivered")
    review_of(make_order("INV-78"))
    response = admin_api.post_json("/api/v1/reviews", body(order_number="INV-78"))
    assert (response.status_code, response.json()["code"]) == (409, "review_exists")
    assert Review.objects.count() == 1


def test_agents_tokens_may_not_post_and_anonymous_is_401(agent_api, client):
    make_order("INV-77")
    assert agent_api.post_json("/api/v1/reviews", body()).status_code == 403
    anonymous = client.post("/api/v1/reviews", body(), content_type="application/json")
    assert anonymous.status_code == 401
    assert not Review.objects.exists()


def test_list_is_newest_first_in_cursor_pages(admin_api, django_assert_num_queries):
    # given
    reviews = [review_of(make_order(f"INV-{n}")) for n in range(3)]
    # when
    with django_assert_num_queries(QUERIES):
        first = admin_api.get("/api/v1/reviews?limit=2")
    # then
    assert first.status_code == 200
    page = first.json()
    assert [item["id"] for item in page["items"]] == [reviews[2].pk, reviews[1].pk]
    rest = admin_api.get(f"/api/v1/reviews?limit=2&cursor={page['next_cursor']}").json()
    assert [item["id"] for item in rest["items"]] == [reviews[0].pk]
    assert rest["next_cursor"] is None


def test_list_filters_by_status_and_rejects_bad_parameters(admin_api, supervisor):
    from sapa.core.actors import Actor
    from sapa.reviews.actions import approve_review

    approved = approve_review(review_of(make_order()), actor=Actor.for_agent(supervisor))
    review_of(make_order())
    items = admin_api.get("/api/v1/reviews?status=approved").json()["items"]
    assert [(item["id"], item["status"]) for item in items] == [
        (approved.pk, ReviewStatus.APPROVED)
    ]
    assert admin_api.get("/api/v1/reviews?status=published").json()["detail"][0]["loc"] == [
        "query",
        "status",
    ]
    assert admin_api.get("/api/v1/reviews?cursor=zzz").status_code == 422
    assert admin_api.get("/api/v1/reviews?limit=0").status_code == 422


def test_review_link_for_the_shops_emails(admin_api, settings):
    # given
    settings.SAPA_BASE_URL = "https://sapa.example"
    order = make_order("INV-77")
    # when
    response = admin_api.get("/api/v1/orders/INV-77/review-link")
    # then
    assert response.status_code == 200
    data = response.json()
    assert data["url"].startswith("https://sapa.example/r/")
    assert data["can_review"] is True
    token = data["url"].removeprefix("https://sapa.example/r/").rstrip("/")
    assert order_for_token(token).pk == order.pk
    assert admin_api.get("/api/v1/orders/INV-NOPE/review-link").status_code == 404


def test_review_link_needs_write_orders(agent_api):
    make_order("INV-77")
    assert agent_api.get("/api/v1/orders/INV-77/review-link").status_code == 403


def test_review_link_says_when_the_order_cannot_be_reviewed(admin_api):
    make_order("INV-77", status=OrderStatus.SHIPPED)
    assert admin_api.get("/api/v1/orders/INV-77/review-link").json()["can_review"] is False
