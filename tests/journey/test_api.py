"""The journey API: the customer's journey and history, setting the stage by hand, the
shop's signals, and the funnel report."""

import pytest

from sapa.core.models import Event
from sapa.customers.models import Customer
from sapa.journey.models import JourneySignal, StageTransition
from tests.builders import inbound
from tests.journey.conftest import jakarta

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(at):
    with at(jakarta(3, 2)):
        result = inbound("halo kak", email="rina@example.com", name="Rina")
    return Customer.objects.get(pk=result.customer_id)


def test_set_stage_by_hand_records_who_and_why(agent_api, customer):
    response = agent_api.put_json(
        f"/api/v1/customers/{customer.pk}/stage",
        {"stage": "preference", "reason": "Asked for a quote on the phone"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["stage"] == "preference"
    assert body["recent"][0]["source"] == f"agent:{agent_api.agent.pk}"
    assert body["recent"][0]["reason"] == "Asked for a quote on the phone"
    assert body["reached"]["consideration"] == body["reached"]["preference"]
    assert body["first_contact_channel"] == "email"
    event = Event.objects.get(verb="customer.stage_changed")
    assert (event.actor_agent_id, event.before, event.after["stage"]) == (
        agent_api.agent.pk, {"stage": "awareness"}, "preference",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("payload", "loc"),
    [
        ({"stage": "preference", "reason": ""}, ["body", "reason"]),
        ({"stage": "preference", "reason": "   "}, ["body", "reason"]),
        ({"stage": "loyal", "reason": "x"}, ["body", "stage"]),
        ({"stage": "preference"}, ["body", "reason"]),
    ],
)
def test_set_stage_needs_a_stage_and_a_reason(agent_api, customer, payload, loc):
    """A bad request names the field and changes nothing."""
    response = agent_api.put_json(f"/api/v1/customers/{customer.pk}/stage", payload)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == loc
    assert Customer.objects.get(pk=customer.pk).lifecycle_stage == "awareness"
    assert not StageTransition.objects.exists()


def test_set_stage_of_an_unknown_customer_is_404(agent_api):
    response = agent_api.put_json(
        "/api/v1/customers/999/stage", {"stage": "purchase", "reason": "x"}
    )
    assert response.status_code == 404


def test_stage_history_pages_newest_first(agent_api, customer):
    for stage in ("consideration", "preference", "purchase"):
        agent_api.put_json(
            f"/api/v1/customers/{customer.pk}/stage", {"stage": stage, "reason": stage}
        )
    first = agent_api.get(f"/api/v1/customers/{customer.pk}/stage-history", {"limit": 2}).json()
    rest = agent_api.get(
        f"/api/v1/customers/{customer.pk}/stage-history",
        {"limit": 2, "cursor": first["next_cursor"]},
    ).json()
    assert [t["to_stage"] for t in first["items"]] == ["purchase", "preference"]
    assert [t["to_stage"] for t in rest["items"]] == ["consideration"]
    assert rest["next_cursor"] is None


def test_signal_by_customer_id(admin_api, customer):
    body = {"signal": "cart", "value_minor": 189000, "external_id": "cart-1"}
    first = admin_api.post_json(f"/api/v1/customers/{customer.pk}/signals", body)
    again = admin_api.post_json(f"/api/v1/customers/{customer.pk}/signals", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["stage"] == "preference"
    assert again.json()["id"] == first.json()["id"]
    assert JourneySignal.objects.count() == 1


def test_signal_by_email_creates_the_customer(admin_api):
    response = admin_api.post_json(
        "/api/v1/journey/signals",
        {"signal": "quote", "customer": {"email": "Toko.Baru@Example.com", "name": "Toko Baru"}},
    )
    assert response.status_code == 201, response.content
    customer = Customer.objects.get(pk=response.json()["customer_id"])
    assert (customer.name, customer.lifecycle_stage) == ("Toko Baru", "preference")
    assert customer.journey.first_contact_channel == "api"


def test_signals_are_for_the_shop_integration(agent_api, customer):
    """An agent's token may not send signals; nothing is stored."""
    response = agent_api.post_json(f"/api/v1/customers/{customer.pk}/signals", {"signal": "cart"})
    assert response.status_code == 403
    assert not JourneySignal.objects.exists()


@pytest.mark.parametrize(
    ("payload", "loc"),
    [
        ({"signal": "wishlist"}, ["body", "signal"]),
        ({"signal": "cart", "at": "2999-01-01T00:00:00+07:00"}, ["body", "at"]),
        ({"signal": "cart", "value_minor": -5}, ["body", "value_minor"]),
    ],
)
def test_bad_signals_name_the_field(admin_api, customer, payload, loc):
    response = admin_api.post_json(f"/api/v1/customers/{customer.pk}/signals", payload)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == loc


def test_signal_without_address_names_the_customer_field(admin_api):
    response = admin_api.post_json("/api/v1/journey/signals", {"signal": "cart", "customer": {}})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][:2] == ["body", "customer"]


def test_report_for_supervisors(supervisor_api, customer, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):  # token, agent, the three report queries
        response = supervisor_api.get(
            "/api/v1/reports/journey", {"from": "2026-03-01", "to": "2026-03-31"}
        )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["from"], body["to"], body["currency"]) == ("2026-03-01", "2026-03-31", "IDR")
    assert body["total"]["customers"] == 1
    assert body["total"]["steps"][0] == {
        "stage": "awareness", "next_stage": "consideration", "entered": 1, "converted": 0,
        "rate_percent": 0.0, "timed": 0, "average_seconds": None, "median_seconds": None,
    }  # fmt: skip
    assert [c["channel"] for c in body["channels"]] == ["email"]


def test_report_is_not_for_agents(agent_api):
    assert agent_api.get("/api/v1/reports/journey").status_code == 403


@pytest.mark.parametrize(
    ("query", "loc"),
    [
        ({"from": "2026-03-31", "to": "2026-03-01"}, ["query", "from"]),
        ({"from": "2000-01-01", "to": "2026-03-01"}, ["query", "to"]),
        ({"channel": "pigeon"}, ["query", "channel"]),
        ({"from": "kemarin"}, ["query", "from"]),
    ],
)
def test_report_rejects_a_bad_period_or_channel(supervisor_api, query, loc):
    response = supervisor_api.get("/api/v1/reports/journey", query)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == loc
