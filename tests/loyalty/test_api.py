"""GET /api/v1/promo-codes/{code} and POST .../redeem: the shop's checkout."""

from datetime import datetime, timedelta

import pytest

from sapa.channels.kinds import IdentityKind
from sapa.core.actors import Actor
from sapa.core.models import Event
from sapa.customers.actions import resolve_customer
from sapa.customers.addresses import normalise_address
from sapa.loyalty.actions import Discount, issue_manual_code, void_promo_code
from sapa.loyalty.models import PromoCode, PromoCodeStatus
from tests.loyalty.conftest import NOW, at

pytestmark = pytest.mark.django_db

URL = "/api/v1/promo-codes/"


@pytest.fixture
def code():
    customer, _created = resolve_customer(
        (normalise_address(IdentityKind.EMAIL, "rina@example.com"),),
        name="Rina Wulandari",
        events=[],
    )
    return issue_manual_code(
        customer,
        discount=Discount(percent=10, amount_minor=None, min_order_minor=100000, valid_days=30),
        note="",
        prefix="SAPA",
        actor=Actor.system("test"),
    )


def _moment(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _redeem(api, code, **body):
    payload = {"order_number": "INV-77", "order_total_minor": 250000, **body}
    return api.post_json(f"{URL}{code}/redeem", payload)


def test_check_a_usable_code(admin_api, code):
    response = admin_api.get(f"{URL}{code.code.lower()}?order_total_minor=250000")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["code"] == code.code
    assert body["status"] == "active"
    assert body["usable"] is True
    assert body["reason"] is None
    assert body["discount_percent"] == 10
    assert body["discount_applied_minor"] == 25000
    assert body["min_order_minor"] == 100000
    assert _moment(body["expires_at"]) == NOW + timedelta(days=30)


def test_check_says_why_a_code_cannot_be_used(admin_api, code):
    body = admin_api.get(f"{URL}{code.code}?order_total_minor=5000").json()
    assert (body["usable"], body["reason"]) == (False, "below_minimum_order")
    assert body["discount_applied_minor"] is None
    with at(NOW + timedelta(days=31)):
        body = admin_api.get(f"{URL}{code.code}").json()
    assert (body["usable"], body["reason"], body["status"]) == (
        False,
        "promo_code_expired",
        "expired",
    )


def test_redeem_gives_the_discount_and_records_it(admin_api, code):
    response = _redeem(admin_api, code.code)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body == {
        "code": code.code,
        "status": "redeemed",
        "order_number": "INV-77",
        "order_total_minor": 250000,
        "discount_applied_minor": 25000,
        "total_after_discount_minor": 225000,
        "currency": "IDR",
        "redeemed_at": body["redeemed_at"],
        "repeated": False,
    }
    event = Event.objects.get(verb="promo_code.redeemed")
    assert event.actor_kind == "integration"
    assert event.actor_label == "admin"


def test_redeem_again_same_order_200_other_order_409(admin_api, code):
    _redeem(admin_api, code.code)
    again = _redeem(admin_api, code.code, order_total_minor=1)
    assert again.status_code == 200
    assert again.json()["repeated"] is True
    assert again.json()["discount_applied_minor"] == 25000
    other = _redeem(admin_api, code.code, order_number="INV-78")
    assert other.status_code == 409
    body = other.json()
    assert body["code"] == "promo_code_redeemed"
    assert body["redeemed_order_number"] == "INV-77"
    assert _moment(body["redeemed_at"]) == NOW
    assert "INV-77" in body["detail"]


def test_redeem_expired_or_void_is_410(admin_api, code):
    with at(NOW + timedelta(days=30)):
        response = _redeem(admin_api, code.code)
    assert response.status_code == 410
    assert response.json()["code"] == "promo_code_expired"
    void_promo_code(code, reason="test", actor=Actor.system("test"))
    response = _redeem(admin_api, code.code)
    assert response.status_code == 410
    assert response.json()["code"] == "promo_code_void"
    assert PromoCode.objects.get().status == PromoCodeStatus.VOID


def test_redeem_below_minimum_is_422_naming_the_field(admin_api, code):
    response = _redeem(admin_api, code.code, order_total_minor=99999)
    assert response.status_code == 422
    (detail,) = response.json()["detail"]
    assert detail["loc"] == ["body", "order_total_minor"]
    assert detail["type"] == "below_minimum_order"
    assert PromoCode.objects.get().status == PromoCodeStatus.ACTIVE


def test_bad_body_is_422(admin_api, code):
    response = admin_api.post_json(f"{URL}{code.code}/redeem", {"order_total_minor": -1})
    assert response.status_code == 422
    locs = {tuple(item["loc"]) for item in response.json()["detail"]}
    assert ("body", "order_number") in locs
    assert ("body", "order_total_minor") in locs
    huge = _redeem(admin_api, code.code, order_total_minor=10**19)
    assert huge.status_code == 422
    assert huge.json()["detail"][0]["loc"] == ["body", "order_total_minor"]
    bad_email = _redeem(admin_api, code.code, customer={"email": "bukan email"})
    assert bad_email.status_code == 422
    assert bad_email.json()["detail"][0]["loc"] == ["body", "customer", "email"]


def test_unknown_malformed_and_someone_elses_code_get_the_same_404(admin_api, code):
    answers = [
        admin_api.get(f"{URL}SAPA-AAAA-BBBB-CCCC"),
        admin_api.get(f"{URL}!!!"),
        admin_api.get(f"{URL}{code.code}?email=andi@example.com"),
        _redeem(admin_api, "SAPA-AAAA-BBBB-CCCC"),
        _redeem(admin_api, code.code, customer={"email": "andi@example.com"}),
    ]
    assert {response.status_code for response in answers} == {404}
    assert len({response.content for response in answers}) == 1
    assert PromoCode.objects.get().status == PromoCodeStatus.ACTIVE


def test_the_owner_by_email_or_phone_may_use_it(admin_api, code):
    response = _redeem(admin_api, code.code, customer={"email": "RINA@example.com"})
    assert response.status_code == 200


def test_agents_tokens_may_not_check_or_redeem(agent_api, code):
    assert agent_api.get(f"{URL}{code.code}").status_code == 403
    assert agent_api.get(f"{URL}SAPA-AAAA-BBBB-CCCC").status_code == 403
    assert _redeem(agent_api, code.code).status_code == 403
    assert PromoCode.objects.get().status == PromoCodeStatus.ACTIVE


def test_without_a_token_401(client, code):
    assert client.get(f"{URL}{code.code}").status_code == 401
