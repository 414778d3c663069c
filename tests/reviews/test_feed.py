"""What the public sees: the help center's page, the JSON for other sites (CORS, cache) and
the widget's files. Only approved reviews, never an address, text always plain."""

import pytest

from sapa.core.actors import Actor
from sapa.reviews import actions
from tests.reviews.conftest import make_order, review_of

pytestmark = pytest.mark.django_db
XSS = '<script>alert("x")</script>'


@pytest.fixture
def published(supervisor):
    """Three reviews: approved with a reply and a script in its text, approved 3 stars, and
    one pending and one rejected that must never show."""
    actor = Actor.for_agent(supervisor)
    first = review_of(
        make_order(name="Rina Kurniawati", email="rina@example.com"),
        stars=5,
        title="Mantap",
        text=f"Bukunya bagus {XSS}",
    )
    actions.approve_review(first, actor=actor)
    actions.reply_to_review(first, text="Terima kasih, Kak Rina!", actor=actor)
    second = review_of(make_order(name="Yusuf Maulana", email="yusuf@example.com"), stars=3,
                       text="Lumayan")  # fmt: skip
    actions.approve_review(second, actor=actor)
    review_of(make_order(name="Dewi A", email="dewi@example.com"), stars=1, text="RAHASIA-PENDING")
    rejected = review_of(make_order(name="Agus W", email="agus@example.com"), stars=2,
                         text="RAHASIA-REJECTED")  # fmt: skip
    actions.reject_review(rejected, reason="kasar", actor=actor)
    return first, second


def test_json_lists_only_approved_reviews_without_personal_data(client, published):
    # when
    response = client.get("/r/reviews.json?lang=en")
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert body["summary"] == {"average": 4.0, "count": 2}
    assert [item["stars"] for item in body["items"]] == [3, 5]  # newest first
    first = body["items"][1]
    assert set(first) == {"id", "stars", "title", "text", "name", "language", "date", "reply"}
    assert first["name"] == "Rina K."
    assert first["text"] == f"Bukunya bagus {XSS}"  # plain text, not HTML
    assert first["reply"]["text"] == "Terima kasih, Kak Rina!"
    raw = response.content.decode()
    for secret in ("RAHASIA", "example.com", "Kurniawati", "Maulana", "customer_id", "INV-"):
        assert secret not in raw
    assert body["strings"]["title"] == "Customer reviews"
    assert body["more_url"].endswith("/help/en/ulasan/")


def test_json_is_public_cacheable_and_cross_origin(client, published):
    response = client.get("/r/reviews.json", HTTP_ORIGIN="https://toko.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert response["Cache-Control"] == "public, max-age=60"
    assert response["X-Content-Type-Options"] == "nosniff"
    again = client.get("/r/reviews.json", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert again["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/r/reviews.json", HTTP_ORIGIN="https://toko.example")
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Methods"] == "GET, OPTIONS"


def test_json_pages_with_a_cursor_and_filters_by_stars(client, published):
    page = client.get("/r/reviews.json?limit=1").json()
    assert len(page["items"]) == 1
    rest = client.get(f"/r/reviews.json?limit=1&cursor={page['next_cursor']}").json()
    assert rest["items"][0]["stars"] == 5
    assert rest["next_cursor"] is None
    best = client.get("/r/reviews.json?min_stars=4").json()
    assert [item["stars"] for item in best["items"]] == [5]
    assert best["summary"] == {"average": 5.0, "count": 1}


@pytest.mark.parametrize(
    ("query", "field"),
    [("limit=0", "limit"), ("limit=abc", "limit"), ("min_stars=6", "min_stars"),
     ("cursor=!!!", "cursor")],
)  # fmt: skip
def test_json_bad_parameters_are_422_naming_them(client, db, query, field):
    response = client.get(f"/r/reviews.json?{query}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", field]
    assert response["Access-Control-Allow-Origin"] == "*"


def test_widget_files_are_served_with_their_types(client, db):
    script = client.get("/r/widget.js")
    assert script.status_code == 200
    assert script["Content-Type"] == "text/javascript; charset=utf-8"
    assert script["Access-Control-Allow-Origin"] == "*"
    assert script["X-Content-Type-Options"] == "nosniff"
    source = b"".join(script.streaming_content).decode()
    assert "attachShadow" in source
    assert "innerHTML" not in source
    style = client.get("/r/widget.css")
    assert style["Content-Type"] == "text/css; charset=utf-8"
    assert client.get("/r/widget.txt/").status_code == 404


def test_help_center_page_shows_approved_reviews_escaped(client, published):
    # when
    page = client.get("/help/en/ulasan/")
    # then
    assert page.status_code == 200
    assert "Rina K." in page.text
    assert "4.0 out of 5" in page.text
    assert "Reply from" in page.text
    assert "Terima kasih, Kak Rina!" in page.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page.text
    assert XSS not in page.text
    assert "RAHASIA" not in page.text
    assert "rina@example.com" not in page.text


def test_help_center_page_is_paginated_and_linked_from_the_nav(client, published, monkeypatch):
    from sapa.reviews import views

    monkeypatch.setattr(views, "PUBLISHED_PER_PAGE", 1)
    first = client.get("/help/en/ulasan/")
    assert first.text.count('class="review"') == 1
    assert 'rel="next"' in first.text
    assert first.context["next_url"]
    second = client.get(f"/help/en/ulasan/{first.context['next_url']}")
    assert "Rina K." in second.text
    assert 'href="/help/en/ulasan/"' in client.get("/help/en/").text


def test_help_center_page_without_reviews(client, db):
    page = client.get("/help/id/ulasan/")
    assert page.status_code == 200
    assert page["Content-Language"] == "id"
