"""The signed review link: absolute, bound to one order and its customer, expiring; every
broken link gets a friendly page and never shows an order."""

import time
from datetime import timedelta

import pytest
from django.core import signing
from django.test import override_settings

from sapa.core.actors import Actor
from sapa.customers.actions import merge_customers
from sapa.reviews.exceptions import ReviewLinkExpired, ReviewLinkInvalid
from sapa.reviews.links import order_for_token, review_token, review_url
from tests.reviews.conftest import make_order, page_url

pytestmark = pytest.mark.django_db


@override_settings(SAPA_BASE_URL="https://sapa.example")
def test_review_url_is_absolute_and_names_the_order(order):
    # when
    url = review_url(order)
    # then
    assert url.startswith("https://sapa.example/r/")
    assert url.endswith("/")
    token = url.removeprefix("https://sapa.example/r/").removesuffix("/")
    assert order_for_token(token).pk == order.pk


def test_a_forged_token_is_a_friendly_404_that_shows_no_order(client, order):
    # given: the signature of a real token, changed
    token = review_token(order)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    # when
    response = client.get(f"/r/{forged}/", HTTP_ACCEPT_LANGUAGE="en")
    # then
    assert response.status_code == 404
    assert "Link not found" in response.text
    assert order.number not in response.text
    assert "Negeri 5 Menara" not in response.text
    assert response["Cache-Control"] == "no-store"


def test_a_token_for_another_purpose_is_refused(client, order):
    """The same payload signed with another salt (another kind of link) is not a review
    link."""
    other = signing.dumps({"o": order.pk, "c": order.customer_id}, salt="sapa.chat.visitor")
    with pytest.raises(ReviewLinkInvalid):
        order_for_token(other)
    assert client.get(f"/r/{other}/").status_code == 404


def test_garbage_and_overlong_tokens_are_404(client, order):
    for token in ("x", "a" * 500, "eyJvIjoxfQ:abc:def"):
        assert client.get(f"/r/{token}/").status_code == 404


def test_an_expired_link_is_a_410_page(client, order, monkeypatch):
    # given: a link made 61 days ago
    real_time = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() - 61 * 24 * 3600)
    token = review_token(order)
    monkeypatch.setattr(signing.time, "time", real_time)
    # when
    response = client.get(f"/r/{token}/", HTTP_ACCEPT_LANGUAGE="en")
    # then
    assert response.status_code == 410
    assert "This review link has expired" in response.text
    assert order.number not in response.text
    with pytest.raises(ReviewLinkExpired):
        order_for_token(token)


def test_the_link_lifetime_is_a_setting(order, monkeypatch, settings):
    real_time = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() - 10 * 24 * 3600)
    token = review_token(order)
    monkeypatch.setattr(signing.time, "time", real_time)
    assert order_for_token(token).pk == order.pk
    settings.SAPA_REVIEW_LINK_DAYS = 7
    with pytest.raises(ReviewLinkExpired):
        order_for_token(token)


def test_a_link_never_opens_another_customers_order(client, order):
    """A correctly signed token whose order now belongs to someone else is a 404."""
    # given: a token for the order as if it had been made for another customer
    other = make_order(name="Rina Kurniawati", email="rina@example.com")
    token = signing.dumps({"o": order.pk, "c": other.customer_id}, salt="sapa.reviews.link")
    # when
    response = client.get(f"/r/{token}/")
    # then
    assert response.status_code == 404
    assert order.number not in response.text


def test_the_link_still_works_after_the_customer_was_merged(client, order):
    # given: the link, then the customer merged into another record
    token = review_token(order)
    survivor = make_order(name="Budi S", email="budi.s@example.com").customer
    merge_customers(order.customer, into=survivor, actor=Actor.system("test"))
    # when
    found = order_for_token(token)
    # then
    assert found.pk == order.pk
    assert found.customer_id == survivor.pk
    assert client.get(page_url(found)).status_code == 200
    assert client.get(f"/r/{token}/").status_code == 200


def test_link_expiry_is_reported_in_days(order):
    from sapa.reviews.links import link_expires_at

    now = order.placed_at
    assert link_expires_at(now) == now + timedelta(days=60)
