"""The customer's review page (/r/<token>/): the order's items, stars and text; one review
per order, editable until moderated or for 7 days; only delivered orders; plain text."""

from datetime import timedelta

import pytest

from sapa.commerce.models import OrderStatus
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.core.models import Event
from sapa.reviews import actions, views
from sapa.reviews.models import Review, ReviewSource, ReviewStatus
from tests.reviews.conftest import make_order, page_url, review_of

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_the_page_shows_the_items_and_a_form_with_the_default_name(client, order):
    # when
    response = client.get(page_url(order), **EN)
    # then
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    assert "Negeri 5 Menara" in response.text
    assert "2\u00d7 Ranah 3 Warna" in response.text
    assert 'name="stars"' in response.text
    assert 'value="Budi S."' in response.text
    assert "budi@example.com" not in response.text
    assert response["Cache-Control"] == "no-store"


def test_posting_writes_one_pending_review_with_sentiment(client, order):
    # given
    url = page_url(order)
    # when
    response = client.post(
        url,
        {"stars": "5", "title": "Mantap", "display_name": "Budi S.",
         "text": "Bukunya bagus dan pengirimannya cepat, saya puas!"},
        **EN,
    )  # fmt: skip
    # then
    assert response.status_code == 303
    assert response.url == f"{url}?lang=en&saved=1"
    review = Review.objects.get()
    assert (review.order_id, review.customer_id, review.stars) == (order.pk, order.customer_id, 5)
    assert (review.status, review.source, review.display_name) == (
        ReviewStatus.PENDING,
        ReviewSource.LINK,
        "Budi S.",
    )
    assert review.sentiment == "positive"
    assert review.language == "id"  # from the text, not the page's English
    event = Event.objects.get(verb="review.submitted")
    assert event.subject_id == review.pk
    assert event.after["stars"] == 5
    page = client.get(response.url)
    assert "Thank you for your review!" in page.text
    assert "Save changes" in page.text  # still editable


def test_an_order_not_delivered_yet_gets_a_clear_message_and_no_review(client):
    # given
    shipped = make_order(status=OrderStatus.SHIPPED)
    # when
    page = client.get(page_url(shipped), **EN)
    posted = client.post(page_url(shipped), {"stars": "5", "text": "ok"}, **EN)
    # then
    assert page.status_code == 200
    assert "has not been delivered yet" in page.text
    assert 'name="stars"' not in page.text
    assert posted.status_code == 409
    assert not Review.objects.exists()


def test_a_second_post_edits_the_same_review(client, order):
    # given
    client.post(page_url(order), {"stars": "5", "text": "Bagus"})
    # when
    response = client.post(
        page_url(order), {"stars": "3", "text": "Paketnya rusak, kecewa", "display_name": "B."}
    )
    # then
    assert response.status_code == 303
    review = Review.objects.get()
    assert (review.stars, review.text, review.display_name) == (3, "Paketnya rusak, kecewa", "B.")
    assert review.edited_at is not None
    assert review.sentiment == "negative"
    edited = Event.objects.get(verb="review.edited")
    assert edited.before["stars"] == 5
    assert edited.after["stars"] == 3


def test_a_moderated_review_can_no_longer_be_edited(client, order, supervisor):
    # given
    review = review_of(order, stars=5, text="Bagus")
    actions.approve_review(review, actor=Actor.for_agent(supervisor))
    # when
    page = client.get(page_url(order), **EN)
    response = client.post(page_url(order), {"stars": "1", "text": "Jelek"}, **EN)
    # then
    assert 'name="stars"' not in page.text
    assert "Published" in page.text
    assert response.status_code == 409
    review.refresh_from_db()
    assert (review.stars, review.text) == (5, "Bagus")


def test_a_review_older_than_seven_days_is_locked(client, order):
    # given
    with clock.frozen_at(clock.now() - timedelta(days=8)):
        review_of(order, stars=4, text="Lumayan")
    # when
    response = client.post(page_url(order), {"stars": "1", "text": "Ganti"})
    # then
    assert response.status_code == 409
    assert Review.objects.get().stars == 4


def test_a_review_sent_by_the_shop_is_shown_not_editable(client, order):
    actions.submit_review(
        order,
        actions.ReviewDraft(stars=4, text="Dari toko"),
        source=ReviewSource.SHOP,
        actor=Actor.system("shop"),
    )
    page = client.get(page_url(order), **EN)
    assert 'name="stars"' not in page.text
    assert "Dari toko" in page.text


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"stars": "", "text": "tanpa bintang"}, "stars"),
        ({"stars": "9", "text": "x"}, "stars"),
        ({"stars": "5", "display_name": "budi@example.com"}, "display_name"),
        ({"stars": "5", "display_name": "0812 3456 7890"}, "display_name"),
        ({"stars": "5", "text": "x" * 2001}, "text"),
    ],
)
def test_bad_input_is_shown_on_the_form_and_nothing_is_written(client, order, data, field):
    response = client.post(page_url(order), data, **EN)
    assert response.status_code == 422
    assert response.context["form"].errors[field]
    assert not Review.objects.exists()


def test_text_is_plain_a_script_is_shown_as_text(client, order, supervisor):
    # given
    attack = '<script>alert("x")</script>\x07\u202e <b>tebal</b>'
    client.post(page_url(order), {"stars": "4", "title": "<img src=x onerror=alert(1)>",
                                  "text": attack})  # fmt: skip
    # when
    page = client.get(page_url(order), **EN)
    # then
    review = Review.objects.get()
    assert review.text == '<script>alert("x")</script> <b>tebal</b>'  # stored as typed
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page.text
    assert "<img src=x" not in page.text


def test_posts_are_rate_limited(client, order, monkeypatch):
    monkeypatch.setattr(views, "POSTS_PER_ORDER_PER_HOUR", 2)
    for _ in range(2):
        assert client.post(page_url(order), {"stars": "5"}).status_code == 303
    response = client.post(page_url(order), {"stars": "1"}, **EN)
    assert response.status_code == 429
    assert "Too many attempts" in response.text
    assert Review.objects.get().stars == 5


def test_the_page_speaks_the_asked_then_browser_then_customer_language(client, order):
    url = page_url(order)
    assert client.get(f"{url}?lang=en")["Content-Language"] == "en"
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.8")["Content-Language"] == "en"
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="id-ID,id")["Content-Language"] == "id"
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="fr")["Content-Language"] == "id"
    page = client.get(f"{url}?lang=id", **EN)
    assert page["Content-Language"] == "id"
    assert '<html lang="id">' in page.text
    assert f'href="{url}?lang=en"' in page.text  # the switch to English


def test_r_redirects_to_the_help_center_reviews(client):
    response = client.get("/r/", **EN)
    assert response.status_code == 302
    assert response.url == "/help/en/ulasan/"
