"""Consent as agents and integrators see and record it."""

import pytest
from django.test import Client

from sapa.channels.kinds import Channel
from sapa.customers.models import Customer
from sapa.engagement.consent import may_contact
from sapa.engagement.handlers import is_stop_word
from sapa.engagement.models import Consent, Purpose
from tests.builders import inbound
from tests.conftest import ApiClient
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


def test_the_api_lists_and_records_consent(agent_api: ApiClient) -> None:
    customer_id = inbound("halo", email="rina@example.com").customer_id
    listed = agent_api.get(f"/api/v1/customers/{customer_id}/consent")
    assert listed.status_code == 200
    email_promos = next(
        line
        for line in listed.json()
        if line["channel"] == "email" and line["purpose"] == "marketing"
    )
    assert email_promos["allowed"] is True
    assert email_promos["said"] is None
    changed = agent_api.put_json(
        f"/api/v1/customers/{customer_id}/consent",
        {"channel": "email", "purpose": "marketing", "granted": False, "source": "phone call"},
    )
    assert changed.status_code == 200
    customer = Customer.objects.get(pk=customer_id)
    assert not may_contact(customer, channel=Channel.EMAIL, purpose=Purpose.MARKETING)[0]
    bad = agent_api.put_json(
        f"/api/v1/customers/{customer_id}/consent",
        {"channel": "pigeon", "purpose": "marketing", "granted": False},
    )
    assert bad.status_code == 422
    assert ["body", "channel"] in [item["loc"] for item in bad.json()["detail"]]


def test_an_agent_records_a_refusal_from_the_ticket_panel() -> None:
    result = inbound("jangan kirim promo lagi ya", email="dedi@example.com")
    agent = AgentFactory()
    client = Client()
    client.force_login(agent)
    page = client.get(f"/tickets/{result.ticket_id}/")
    assert page.status_code == 200
    assert "consent-title" in page.content.decode()
    response = client.post(
        f"/customers/{result.customer_id}/consent/",
        {
            "channel": "email",
            "purpose": "marketing",
            "granted": "0",
            "next": f"/tickets/{result.ticket_id}/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/tickets/{result.ticket_id}/"
    consent = Consent.objects.get(customer_id=result.customer_id)
    assert consent.source == "agent"
    assert not consent.granted


@pytest.mark.django_db(transaction=True)
def test_stop_on_whatsapp_withdraws_promotions_there() -> None:
    inbound("halo kak", channel=Channel.WHATSAPP, email=None, phone="+6281234567890")
    result = inbound("STOP", channel=Channel.WHATSAPP, email=None, phone="+6281234567890")
    customer = Customer.objects.get(pk=result.customer_id)
    assert not may_contact(customer, channel=Channel.WHATSAPP, purpose=Purpose.MARKETING)[0]
    assert may_contact(customer, channel=Channel.EMAIL, purpose=Purpose.MARKETING)[0]
    assert Consent.objects.get(customer=customer).source == "keyword"


def test_stop_words() -> None:
    assert is_stop_word("Berhenti!")
    assert is_stop_word(" stop ")
    assert not is_stop_word("jangan stop kirim paketnya")
