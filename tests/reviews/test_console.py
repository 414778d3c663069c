"""The moderation queue in the console, the menu's link and count, and the customer
panel's partial."""

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from sapa.core.actors import Actor
from sapa.core.models import Event
from sapa.reviews import actions
from sapa.reviews.models import Review, ReviewStatus
from tests.reviews.conftest import make_order, review_of

pytestmark = pytest.mark.django_db
QUERIES = 6  # session, agent, the page (order, customer, people joined), pending count, ...


@pytest.fixture
def queue(supervisor):
    """An older and a newer pending review, and an approved one."""
    older = review_of(make_order(), stars=2, text="Paket telat, kecewa")
    newer = review_of(make_order(name="Rina K", email="rina@example.com"), stars=5, text="Mantap")
    approved = review_of(make_order(name="Yusuf M", email="yusuf@example.com"), text="Bagus")
    actions.approve_review(approved, actor=Actor.for_agent(supervisor))
    return older, newer, approved


def test_supervisors_see_pending_reviews_oldest_first(client, supervisor, queue):
    # given
    older, newer, approved = queue
    client.force_login(supervisor)
    # when
    page = client.get("/reviews/", HTTP_ACCEPT_LANGUAGE="en")
    # then
    assert page.status_code == 200
    assert [review.pk for review in page.context["reviews"]] == [older.pk, newer.pk]
    assert "sentiment-negative" in page.text
    assert f'href="/customers/{older.order.customer_id}/"' in page.text
    assert older.order.number in page.text
    published = client.get("/reviews/?status=approved")
    assert [review.pk for review in published.context["reviews"]] == [approved.pk]


def test_the_list_page_costs_a_fixed_number_of_queries(
    client, supervisor, queue, django_assert_max_num_queries
):
    client.force_login(supervisor)
    client.get("/reviews/")  # warm the session
    with django_assert_max_num_queries(QUERIES):
        client.get("/reviews/")
    for _ in range(5):
        review_of(make_order())
    with django_assert_max_num_queries(QUERIES):
        client.get("/reviews/")


def test_agents_may_not_open_or_moderate(client, agent, queue):
    older = queue[0]
    client.force_login(agent)
    assert client.get("/reviews/").status_code == 403
    assert client.post(f"/reviews/{older.pk}/approve/").status_code == 403
    assert Review.objects.get(pk=older.pk).status == ReviewStatus.PENDING
    assert 'href="/reviews/"' not in client.get("/promises/").text


def test_approve_reject_reply_and_unpublish_from_the_list(client, supervisor, queue):
    older, newer, approved = queue
    client.force_login(supervisor)
    # approve
    response = client.post(f"/reviews/{newer.pk}/approve/", {"next": "/reviews/"})
    assert (response.status_code, response.url) == (302, "/reviews/")
    assert Review.objects.get(pk=newer.pk).status == ReviewStatus.APPROVED
    # reject without a reason: refused with a message, nothing changes
    response = client.post(f"/reviews/{older.pk}/reject/", {"reason": ""}, follow=True)
    assert "Tulis alasan ulasan ditolak." in response.text
    assert Review.objects.get(pk=older.pk).status == ReviewStatus.PENDING
    client.post(f"/reviews/{older.pk}/reject/", {"reason": "Bukan tentang pesanan"})
    assert Review.objects.get(pk=older.pk).reject_reason == "Bukan tentang pesanan"
    # reply and unpublish
    client.post(f"/reviews/{approved.pk}/reply/", {"text": "Terima kasih, Kak!"})
    client.post(f"/reviews/{approved.pk}/unpublish/")
    approved.refresh_from_db()
    assert (approved.reply_text, approved.status) == ("Terima kasih, Kak!", ReviewStatus.PENDING)
    assert client.post(f"/reviews/{approved.pk}/explode/").status_code == 404
    assert client.post("/reviews/999999/approve/").status_code == 404
    assert Event.objects.filter(verb__startswith="review.").count() == 3 + 1 + 4


def test_moderation_forms_need_the_csrf_token(supervisor, queue):
    client = Client(enforce_csrf_checks=True)
    client.force_login(supervisor)
    assert client.post(f"/reviews/{queue[0].pk}/approve/").status_code == 403
    assert Review.objects.get(pk=queue[0].pk).status == ReviewStatus.PENDING


def test_the_menu_links_to_reviews_with_a_pending_count(client, supervisor, queue):
    client.force_login(supervisor)
    assert 'href="/reviews/"' in client.get("/promises/").text
    badge = client.get("/reviews/badge/")
    assert '<span class="pill"' in badge.text
    assert ">2<" in badge.text


def test_the_customer_panel_lists_the_customers_reviews(supervisor, queue):
    older = queue[0]
    request = RequestFactory().get("/")
    request.user = supervisor
    html = render_to_string(
        "web/customers/partials/reviews_customer.html",
        {"customer": older.order.customer, "request": request},
    )
    assert older.order.number in html
    assert "Paket telat, kecewa" in html
    assert "review-status-pending" in html
    assert "Mantap" not in html  # another customer's
